//! A check passes only on what it saw: a rule about one kind of answer
//! (RESPOND, MODIFIED, an error, an accepted write, a host call) is not a
//! pass for a plugin that never gave that answer. Every such check has a
//! plugin here that never gives it, and the check is not a pass on it.

use hookcheck_conformance::{ProfileChoice, SkipReason, Status, catalog};
use serde_json::Value;

use crate::support::{conformance_cli, open_as};

/// A plugin that never gives the answer check `id` is about, and what the
/// check says of it: unverified where the plugin has the hook, skipped
/// where it has none.
fn never(id: &str) -> Option<(&'static str, Status)> {
    use Status::{Skip, Unverified};
    Some(match id {
        "FF-CFG-001" | "FF-OUT-001" | "FF-JSON-001" | "FF-JSON-002" | "FF-JSON-003"
        | "FF-JSON-004" | "FF-REQ-001" | "FF-REQ-002" | "FF-CP-001" | "FF-ORDER-001"
        | "FF-ROUTE-001" => ("native:never_answers", Unverified),
        // Every route call is judged: a plugin without routes.
        "FF-CODE-001" => ("native:admin_ok", Skip),
        // Every call of a hook with a code table: a plugin with events only.
        "FF-CODE-002" => ("native:bad_event", Skip),
        "FF-EVT-001" => ("native:never_answers", Skip),
        "LS-OUT-001" | "LS-OUT-002" | "LS-OUT-003" | "LS-OUT-004" | "LS-OUT-005"
        | "LS-CHAIN-001" | "LS-HOOK-005" | "LS-HOOK-008" | "LS-ORDER-001" => {
            ("wat:no_change", Unverified)
        }
        "LS-CAP-001" => ("wat:imports_unused", Unverified),
        "PY-ERR-001" | "PY-ERR-002" => ("pylon:timestamps", Unverified),
        "PY-WRITE-003" | "PY-WRITE-004" => ("pylon:rejects_all_writes", Unverified),
        _ => return None,
    })
}

#[test]
fn every_check_about_an_answer_is_not_a_pass_where_the_answer_never_happens() {
    let mut problems = Vec::new();
    let judging: Vec<_> = catalog(None)
        .into_iter()
        .filter(|c| c.judges.is_some())
        .collect();
    assert!(
        judging.len() >= 25,
        "{} checks judge an answer",
        judging.len()
    );
    for check in judging {
        let Some((plugin, expected)) = never(check.id) else {
            problems.push(format!(
                "{} judges an answer but has no plugin here that never gives it",
                check.id
            ));
            continue;
        };
        let verdict = check.run(&open_as(plugin, ProfileChoice::Fixed(check.profile)));
        if verdict.status != expected {
            problems.push(format!(
                "{} on {plugin}: {:?} (expected {expected:?}) {}",
                check.id, verdict.status, verdict.evidence
            ));
        }
        // hookcheck sends the standard CloudPanel commands only: no input
        // of the author's reaches another yet, and the hint says so.
        if expected == Status::Unverified && check.id != "FF-CP-001" {
            let hint = verdict.hint.unwrap_or_default();
            if !hint.contains("--") {
                problems.push(format!(
                    "{}: an unverified verdict names no flag that would reach it: `{hint}`",
                    check.id
                ));
            }
        }
        if expected == Status::Skip && verdict.skip != Some(SkipReason::NotApplicable) {
            problems.push(format!("{}: {:?}", check.id, verdict.skip));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The planted bug of the issue: an intercept that denies requests carrying
/// `x-deny: 1` with RESPOND but never sets the status (the host answers
/// 200), and a mixin that answers MODIFIED without output on `"stale":
/// true` bodies (the host keeps the prior body). No standard input reaches
/// either branch.
#[test]
fn a_denial_without_status_behind_a_header_is_unverified_then_failed_with_the_header() {
    let plain = conformance_cli("deny_without_status", &[]);
    let text = stdout(&plain);
    assert_eq!(plain.status.code(), Some(0), "{text}");
    assert!(
        !text.contains("31 passed"),
        "never a pass on every check: {text}"
    );
    assert!(
        text.contains("checks unverified: ") && text.contains("FF-REQ-001"),
        "{text}"
    );
    assert!(text.contains("FF-OUT-001"), "{text}");
    assert!(
        text.contains("unverified: no RESPOND from a request hook seen over"),
        "{text}"
    );
    assert!(text.contains("to reach it: ") && text.contains("`--header NAME:VALUE`"));
    assert!(
        text.contains("request.intercept /api/") && text.contains("(continue ×9, respond ×0)"),
        "the coverage shows what the hook answered: {text}"
    );
    // --strict counts what was not verified.
    let strict = conformance_cli("deny_without_status", &["--strict".as_ref()]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));

    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("stale.json");
    std::fs::write(&body, r#"{"stale": true, "version": "1"}"#).unwrap();
    let json = dir.path().join("report.json");
    let reached = conformance_cli(
        "deny_without_status",
        &[
            "--header".as_ref(),
            "x-deny:1".as_ref(),
            "--body".as_ref(),
            body.as_os_str(),
            "--json".as_ref(),
            json.as_os_str(),
        ],
    );
    let text = stdout(&reached);
    assert_eq!(reached.status.code(), Some(1), "{text}");
    assert!(
        text.contains("does not conform (FF-OUT-001, FF-REQ-001)"),
        "{text}"
    );
    assert!(
        text.contains("the host answers 200 instead, so a client sees success"),
        "{text}"
    );
    assert!(
        text.contains("the host keeps the prior value, so the change is lost"),
        "{text}"
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let check = |id: &str| {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(check("FF-REQ-001")["status"], "fail");
    assert_eq!(
        check("FF-REQ-001")["failure"]["kind"],
        "respond_without_status"
    );
    assert_eq!(check("FF-OUT-001")["failure"]["kind"], "missing_output");
    let answered = &report["coverage"]["registrations"][0]["answered"];
    assert_eq!(answered["respond"], 9, "{answered}");
}

#[test]
fn bad_request_flags_end_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; (1 << 20) + 1]).unwrap();
    for (args, reason) in [
        (vec!["--header", "no-colon"], "is not a header"),
        (vec!["--header", "bad name:1"], "is not a header name"),
        (vec!["--path", "relative"], "is not a request path"),
        (
            vec!["--body", dir.path().join("missing.json").to_str().unwrap()],
            "missing.json",
        ),
        (
            vec!["--body", big.to_str().unwrap()],
            "a request body is at most",
        ),
    ] {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let out = conformance_cli("deny_without_status", &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        // The first line names the problem (clap adds a `--help` pointer
        // after a usage error).
        let first = stderr.lines().next().unwrap_or_default();
        assert!(first.contains(reason), "{args:?}: {stderr}");
    }
    // A flag the contract does not take, for one plugin: an error.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args(["conformance", "rustant:session_logger", "--header", "a:b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("takes none of these inputs (--header)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
