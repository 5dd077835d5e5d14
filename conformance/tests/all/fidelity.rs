//! Verdicts that follow the real host's code: documents-only rules the host
//! tolerates are warnings that name the host's behaviour, rules the host's
//! code imposes are failures with a fix, and every known difference is
//! listed with both citations.

use hookcheck_conformance::{Basis, RunOptions, Severity, Status, json_report, run_checks};
use serde_json::Value;

use crate::support::{conformance_cli, open};

fn result<'a>(
    report: &'a hookcheck_conformance::Report,
    id: &str,
) -> &'a hookcheck_conformance::CheckResult {
    report.checks.iter().find(|c| c.id == id).unwrap()
}

#[test]
fn a_star_pattern_fails_with_the_hosts_reading_and_a_fix() {
    let report = run_checks(&open("native:star_pattern"), &RunOptions::default(), |_| {});
    let pat = result(&report, "FF-PAT-001");
    assert_eq!(pat.status, Status::Fail);
    assert_eq!(pat.basis, Basis::Host);
    assert!(pat.host_source.unwrap().contains("events.rs:418"));
    assert!(
        pat.evidence.contains("matches no path on the host"),
        "{}",
        pat.evidence
    );
    assert!(pat.evidence.contains("Use `/api`"), "{}", pat.evidence);
    // The hook is never called on the host, and the coverage says so.
    assert_eq!(report.coverage.unexercised(), ["middleware.inject /api/*"]);
    assert!(!report.passed());
}

#[test]
fn a_response_without_status_is_a_lost_intent_and_a_missing_body_a_warning() {
    let report = run_checks(
        &open("native:respond_without_status"),
        &RunOptions::default(),
        |_| {},
    );
    // The host answers 200 to what the plugin meant as a response of its
    // own: the intent is lost in production, a required failure.
    let req = result(&report, "FF-REQ-001");
    assert_eq!(
        (req.status, req.severity),
        (Status::Fail, Severity::Required)
    );
    assert_eq!(req.basis, Basis::Docs);
    assert!(req.fails_run);
    assert!(
        req.evidence.contains("the host answers 200 instead"),
        "{}",
        req.evidence
    );
    // No body: the host sends an empty one, as the plugin (which wrote
    // none) meant: a warning that does not fail the run.
    let body = result(&report, "FF-REQ-002");
    assert_eq!(body.status, Status::Warn);
    assert!(!body.fails_run);
    assert!(!report.passed());
    let json: Value = serde_json::from_str(&json_report(&report).unwrap()).unwrap();
    let check = |id: &str| {
        json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    let req = check("FF-REQ-001");
    assert_eq!(req["basis"], "docs");
    assert!(
        req["host_source"]
            .as_str()
            .unwrap()
            .contains("request_middleware.rs:76")
    );
    assert_eq!(req["failure"]["kind"], "respond_without_status");
    assert_eq!(check("FF-REQ-002")["status"], "warn");
    // --strict counts the warning too, and says so.
    let strict = conformance_cli(
        "respond_without_status",
        &[
            "--strict".as_ref(),
            "--only".as_ref(),
            "FF-REQ-002".as_ref(),
        ],
    );
    assert_eq!(strict.status.code(), Some(1));
    let plain = conformance_cli(
        "respond_without_status",
        &["--only".as_ref(), "FF-REQ-002".as_ref()],
    );
    assert_eq!(plain.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&plain.stdout).contains("conforms; 1 check warned: FF-REQ-002"),
        "{}",
        String::from_utf8_lossy(&plain.stdout)
    );
}

#[test]
fn undefined_codes_fail_where_the_host_does_something_else() {
    let report = run_checks(
        &open("native:unknown_codes"),
        &RunOptions::default(),
        |_| {},
    );
    let route = result(&report, "FF-CODE-001");
    assert_eq!(
        (route.status, route.severity),
        (Status::Fail, Severity::Required)
    );
    // An undefined code is read as "unchanged" whatever the plugin meant.
    let other = result(&report, "FF-CODE-002");
    assert_eq!(
        (other.status, other.severity),
        (Status::Fail, Severity::Required)
    );
    assert!(other.fails_run);
    assert!(
        other.evidence.contains("the host reads it as"),
        "{}",
        other.evidence
    );
}

#[test]
fn divergences_lists_every_difference_with_both_citations() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args(["divergences", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let items: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(items.len() >= 30, "{} divergences", items.len());
    for item in &items {
        let docs = item["docs"].as_str().unwrap();
        let host = item["host"].as_str().unwrap();
        assert!(docs.starts_with("seed 00"), "{item}");
        // `path/file.ext:LINE` at the pinned commit.
        assert!(
            host.split_whitespace().any(|w| w.contains(':')
                && w.split(':')
                    .nth(1)
                    .is_some_and(|l| l.starts_with(|c: char| c.is_ascii_digit()))),
            "{item}"
        );
    }
    let one = std::process::Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args(["divergences", "--profile", "featherfly"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(text.contains("pattern matching (emulated)"), "{text}");
    assert!(!text.contains("lesstruct ·"), "{text}");
}

/// Every divergence names the checks it drives, each an existing check
/// of its own contract, and every check id its verdict text mentions is
/// among them.
#[test]
fn every_divergence_links_to_checks_that_exist() {
    let mut linked = 0;
    for entry in hookcheck::contracts::BUILTIN {
        for d in entry.divergences {
            for id in d.checks {
                let check = hookcheck_conformance::find(id).unwrap_or_else(|| {
                    panic!("{}: `{}` names no check `{id}`", entry.contract(), d.topic)
                });
                assert_eq!(check.profile, entry.contract(), "{}: {id}", d.topic);
                linked += 1;
            }
            for word in d
                .verdict
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            {
                let looks_like_id = word.len() >= 9
                    && word.split('-').count() == 3
                    && word
                        .rsplit('-')
                        .next()
                        .is_some_and(|n| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()));
                if looks_like_id {
                    assert!(
                        d.checks.contains(&word),
                        "{}: the verdict names {word}, `checks` does not",
                        d.topic
                    );
                }
            }
        }
    }
    assert!(linked >= 30, "{linked} links");
}

#[test]
fn an_init_that_registers_then_fails_names_the_dangling_registrations() {
    let report = run_checks(
        &open("native:registers_then_fails"),
        &RunOptions::default(),
        |_| {},
    );
    let init = result(&report, "FF-LOAD-004");
    assert_eq!(init.status, Status::Fail);
    assert!(
        init.evidence.contains("registered 1 hook(s) first")
            && init.evidence.contains("unmapped code"),
        "{}",
        init.evidence
    );
}

#[test]
fn a_plugin_that_keeps_the_host_api_pointer_crashes_as_on_the_daemon() {
    let report = run_checks(
        &open("native:keeps_host_api"),
        &RunOptions::default(),
        |_| {},
    );
    let fault = result(&report, "FF-SAFE-001");
    assert_eq!(fault.status, Status::Fail, "{}", fault.evidence);
    assert!(fault.evidence.contains("SIGSEGV"), "{}", fault.evidence);
}

#[test]
fn an_http_import_without_an_http_grant_does_not_load() {
    let report = run_checks(
        &open("wat:http_without_grant"),
        &RunOptions::default(),
        |_| {},
    );
    let load = result(&report, "LS-LOAD-006");
    assert_eq!(load.status, Status::Fail);
    assert!(
        load.evidence.contains("grants no HTTP URL patterns"),
        "{}",
        load.evidence
    );
}

#[test]
fn a_rustant_hook_counting_on_modified_is_warned_and_every_report_says_the_agent_fires_no_hook() {
    let report = run_checks(
        &open("rustant:relies_on_modified"),
        &RunOptions::default(),
        |_| {},
    );
    let modified = result(&report, "RU-HOOK-002");
    assert_eq!(modified.status, Status::Fail);
    assert_eq!(modified.severity, Severity::Recommended);
    assert!(
        modified.evidence.contains("only a flag"),
        "{}",
        modified.evidence
    );
    assert!(report.passed(), "a recommended failure is a warning");
    let note = report.coverage.note.as_deref().unwrap_or_default();
    assert!(note.contains("fires none"), "{note}");
    let panicky = run_checks(
        &open("rustant:panicky_hook"),
        &RunOptions::default(),
        |_| {},
    );
    let panic = result(&panicky, "RU-HOOK-001");
    assert_eq!(panic.status, Status::Fail);
    assert!(
        panic.evidence.contains("no catch_unwind"),
        "{}",
        panic.evidence
    );
}

#[test]
fn a_plugin_written_to_the_pylon_documents_is_told_what_to_change_for_the_crate() {
    let report = run_checks(&open("pylon:rate_limit"), &RunOptions::default(), |_| {});
    let port = result(&report, "PY-PORT-001");
    assert_eq!(port.status, Status::Fail);
    assert_eq!(port.severity, Severity::Recommended);
    assert_eq!(port.basis, Basis::Host);
    for change in [
        "on_init(&PluginContext)",
        "on_request_with_meta",
        "before_insert",
    ] {
        assert!(port.evidence.contains(change), "{}", port.evidence);
    }
    // What this plugin does that the crate cannot carry.
    assert!(
        port.evidence.contains("no Retry-After"),
        "{}",
        port.evidence
    );
    let real = run_checks(&open("pylon:audit_log"), &RunOptions::default(), |_| {});
    assert_eq!(result(&real, "PY-PORT-001").status, Status::Pass);
}

#[test]
fn rusts_default_wasm_layout_fails_with_the_layout_and_the_fix_and_the_fix_passes() {
    let default = run_checks(&open("wasm:default_layout"), &RunOptions::default(), |_| {});
    let layout = result(&default, "LS-MEM-007");
    assert_eq!(layout.status, Status::Fail);
    for shown in [
        "stack [0, 1048576) grows down from 1048576",
        "host-answer area [4096, 65536)",
        "--no-stack-first",
        "--global-base=2097152",
    ] {
        assert!(layout.evidence.contains(shown), "{}", layout.evidence);
    }
    // The same plugin, linked with the fix, passes with a 1 MiB post.
    let fixed = run_checks(&open("wasm:hello"), &RunOptions::default(), |_| {});
    let layout = result(&fixed, "LS-MEM-007");
    assert_eq!(layout.status, Status::Pass, "{}", layout.evidence);
    assert!(
        layout
            .evidence
            .contains("a 1028 KiB post comes back as a small one does"),
        "{}",
        layout.evidence
    );
    // Memory too small for that post: named by its typed failure.
    let small = run_checks(&open("wat:small_memory"), &RunOptions::default(), |_| {});
    let layout = result(&small, "LS-MEM-007");
    assert_eq!(layout.status, Status::Fail);
    assert_eq!(
        layout.failure.as_ref().and_then(|f| f.bad_output_kind()),
        Some(hookcheck::engine::BadOutput::InputTooLarge)
    );
}

/// The help line follows the typed cause, not only the check: a trap in a
/// module whose `_initialize` the host never runs gets the
/// lazy-initialisation fix; any other trap the check's own fix.
#[test]
fn a_trap_from_a_never_run_initialiser_gets_its_own_fix() {
    let help = |plugin: &str, id: &str| {
        let report = run_checks(&open(plugin), &RunOptions::default(), |_| {});
        result(&report, id).help.unwrap_or_default().to_owned()
    };
    for id in ["LS-HOOK-001", "LS-ROB-001"] {
        let init = help("wat:needs_initialize", id);
        assert!(init.contains("never calls `_initialize`"), "{id}: {init}");
        let plain = help("wat:trap", id);
        assert!(!plain.contains("_initialize"), "{id}: {plain}");
        assert!(!plain.is_empty(), "{id}");
    }
}
