//! The `hookcheck` command as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::spec;

fn hookcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_well_behaved_wasm_plugin_conforms() {
    let out = hookcheck(&["conformance", &spec("wasm:hello")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("against profile lesstruct (a WASM module)"));
    assert!(
        text(&out.stdout).contains("33 passed, 0 failed"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_broken_plugin_exits_1_naming_the_failing_checks() {
    let out = hookcheck(&["conformance", &spec("wat:trap")]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("does not conform (LS-HOOK-001, LS-ROB-001)"),
        "{stdout}"
    );
    assert!(stdout.contains("plugin `trap` trapped"), "{stdout}");
    // The checks that read results had none: they name the trap's check
    // instead of failing the run a second time.
    assert!(
        stdout.contains("no valid output to judge: every one of the 4 calls failed"),
        "{stdout}"
    );
    assert!(stdout.contains("12 skipped"), "{stdout}");
}

#[test]
fn a_crashing_native_plugin_is_a_failed_check_not_a_crash() {
    let out = hookcheck(&["conformance", &spec("native:segfault")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("plugin `segfault` crashed with SIGSEGV in json.response"),
        "{stdout}"
    );
    assert!(stdout.contains("FF-SAFE-001"), "{stdout}");
}

#[test]
fn files_that_are_not_plugins_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "hello").unwrap();
    for (path, reason) in [
        (
            notes.display().to_string(),
            "not a plugin any contract claims (lesstruct checks a WASM module",
        ),
        (
            dir.path().join("missing.wasm").display().to_string(),
            "No such file",
        ),
        (
            "pylon:nope".to_owned(),
            "no bundled pylon plugin `nope` (known: timestamps",
        ),
    ] {
        let out = hookcheck(&["conformance", &path]);
        assert_eq!(out.status.code(), Some(2), "{path}");
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: failed to "), "{stderr}");
        assert!(stderr.contains(reason), "{stderr}");
        assert!(out.stdout.is_empty());
    }
    let out = hookcheck(&["conformance", &spec("wasm:hello"), "--profile", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is not a profile"));
}

#[test]
fn expectations_turn_known_failures_green_and_unexpected_passes_red() {
    let dir = tempfile::tempdir().unwrap();
    let known = dir.path().join("known.toml");
    std::fs::write(
        &known,
        "[[expect]]\nid = \"LS-HOOK-001\"\nstatus = \"fail\"\nreason = \"traps on purpose\"\n\n[[expect]]\nid = \"LS-ROB-001\"\nstatus = \"fail\"\nreason = \"same trap\"\n",
    )
    .unwrap();
    // Every call traps: with the trap expected, the checks that read
    // results say they had nothing to judge, and the run conforms.
    let out = hookcheck(&[
        "conformance",
        &spec("wat:trap"),
        "--expectations",
        known.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("(expected: traps on purpose)"),
        "{}",
        text(&out.stdout)
    );
    let stale = dir.path().join("stale.toml");
    std::fs::write(
        &stale,
        "[[expect]]\nid = \"LS-MEM-001\"\nstatus = \"fail\"\nreason = \"was broken once\"\n",
    )
    .unwrap();
    let out = hookcheck(&[
        "conformance",
        &spec("wasm:hello"),
        "--expectations",
        stale.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("expected to fail, but passed"),
        "{}",
        text(&out.stdout)
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[expect]]\nid = \"LS-NOPE-001\"\nstatus = \"fail\"\nreason = \"x\"\n",
    )
    .unwrap();
    let out = hookcheck(&[
        "conformance",
        &spec("wasm:hello"),
        "--expectations",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("bad.toml")
            && text(&out.stderr).contains("`LS-NOPE-001` is not a check id")
    );
}

#[test]
fn strict_makes_recommended_failures_count() {
    let plugin = spec("wasm:not_idempotent");
    let out = hookcheck(&["conformance", &plugin]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("fail*"),
        "a recommended failure is shown"
    );
    let out = hookcheck(&["conformance", &plugin, "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("(LS-HOOK-008)"));
}

#[test]
fn only_and_skip_select_checks() {
    let out = hookcheck(&["conformance", &spec("wat:echo"), "--only", "^LS-MEM"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("7 checks: 7 passed"),
        "{}",
        text(&out.stdout)
    );
    let out = hookcheck(&[
        "conformance",
        &spec("wat:trap"),
        "--skip",
        "LS-(HOOK-001|ROB-001)",
        "--allow-unexercised",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = hookcheck(&["conformance", &spec("wat:trap"), "--only", "NOTHING"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bundled_in_process_plugins_can_be_checked_by_name() {
    let out = hookcheck(&["conformance", "pylon:timestamps"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = hookcheck(&["conformance", "pylon:overwrites_created_at"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("PY-WRITE-003"));
}

#[test]
fn checks_and_explain_describe_the_catalog() {
    let out = hookcheck(&["checks", "--profile", "featherfly"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("FF-JSON-003") && !stdout.contains("LS-MEM-001"));
    let out = hookcheck(&["checks", "--json"]);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(items.len() >= 60);
    let out = hookcheck(&["explain", "ls-mem-004"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("__hook_result_len") && stdout.contains("wat:lying_len"),
        "{stdout}"
    );
    // The rule as this repository's contract document states it, and the
    // breaker's source.
    for expected in [
        "source:    docs/contracts/lesstruct.md §3. The call protocol",
        "The contract, as docs/contracts/lesstruct.md §3. The call protocol states it:",
        "fixtures/wat/lying_len.wat",
    ] {
        assert!(stdout.contains(expected), "{expected}: {stdout}");
    }
    let out = hookcheck(&["explain", "XX-1"]);
    assert_eq!(out.status.code(), Some(2));
    // A rule the host tolerates: its basis, the host's code, and the code
    // table rows the host executes, with what it does with other codes.
    let out = hookcheck(&["explain", "FF-REQ-001"]);
    let stdout = text(&out.stdout);
    for expected in [
        "basis:     docs",
        "host code: application/src/plugins/request_middleware.rs:76",
        "1  REQUEST_RESPOND",
        "a warning: FF-CODE-002",
        "When the documents and the host's code disagree",
    ] {
        assert!(stdout.contains(expected), "{expected}: {stdout}");
    }
}

#[test]
fn help_documents_the_exit_codes() {
    let out = hookcheck(&["--help"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("0 every required check passed") && stdout.contains("2 bad usage"),
        "{stdout}"
    );
    assert!(Path::new(env!("CARGO_BIN_EXE_hookcheck")).exists());
}

#[test]
fn bad_input_ends_in_one_line_naming_the_file_and_the_problem() {
    let out = hookcheck(&["conformance", "/nonexistent/plugin.wasm"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("/nonexistent/plugin.wasm"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[[expect]\nid = 1\n").unwrap();
    let out = hookcheck(&[
        "conformance",
        &spec("wat:echo"),
        "--expectations",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("broken.toml: line 1, column 10: "),
        "{stderr}"
    );

    let other = dir.path().join("other.toml");
    std::fs::write(
        &other,
        "[[expect]]\nid = \"FF-REQ-001\"\nstatus = \"fail\"\nreason = \"x\"\n",
    )
    .unwrap();
    let out = hookcheck(&[
        "conformance",
        &spec("wat:echo"),
        "--expectations",
        other.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("`FF-REQ-001` is a featherfly check, and this run checks profile lesstruct"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn several_plugins_are_checked_with_merged_reports_and_partitions_cover_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let (echo, trap) = (spec("wat:echo"), spec("wat:trap"));
    let junit = dir.path().join("all.xml");
    let out = hookcheck(&[
        "conformance",
        &echo,
        &trap,
        "--jobs",
        "2",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "trap does not conform");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("2 plugins: 1 conform, 1 do not, 0 could not be read"),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert!(xml.contains("hookcheck.lesstruct.echo") && xml.contains("hookcheck.lesstruct.trap"));

    let mut seen = Vec::new();
    for part in ["1/2", "2/2"] {
        let out = hookcheck(&["conformance", &echo, &trap, "--partition", part]);
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!("partition {part}: 1 of 2 plugins")),
            "{stderr}"
        );
        seen.extend(
            [&echo, &trap]
                .into_iter()
                .filter(|p| stderr.contains(&format!("{p}: "))),
        );
    }
    assert_eq!(seen, [&echo, &trap], "each plugin in exactly one partition");
    let out = hookcheck(&["conformance", &echo, "--partition", "3/2"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_reader_that_leaves_early_ends_the_listing_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    // `hookcheck checks | head -0`: the reader is gone before the first
    // line is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .arg("checks")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        out.status.success() || out.status.signal() == Some(libc::SIGPIPE),
        "{:?}: {stderr}",
        out.status
    );
}

#[test]
fn an_expectations_file_that_lists_a_check_twice_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let twice = dir.path().join("twice.toml");
    std::fs::write(
        &twice,
        "[[expect]]\nid = \"LS-HOOK-001\"\nstatus = \"fail\"\nreason = \"traps on purpose\"\n\n[[expect]]\nid = \"LS-HOOK-001\"\nstatus = \"skip\"\nreason = \"or not\"\n",
    )
    .unwrap();
    let out = hookcheck(&[
        "conformance",
        &spec("wat:trap"),
        "--expectations",
        twice.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("twice.toml: line 7: `LS-HOOK-001` is expected twice (first on line 2)"),
        "{stderr}"
    );
}

#[test]
fn replay_prints_differences_without_the_control_bytes_they_quote() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("0001-request.yaml");
    std::fs::write(
        &fixture,
        "version: 1\nrequest: { method: GET, path: /api/nothing }\nexpect:\n  status: 404\n  body: \"\\e[2J\\e]0;owned\\a\\u009b31m\"\n",
    )
    .unwrap();
    let plugins = hookcheck_fixtures::artifacts::workspace_root().join("fixtures/pylon/replay");
    let out = hookcheck(&[
        "replay",
        fixture.to_str().unwrap(),
        "--profile",
        "pylon",
        "--plugins",
        plugins.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("DIFF  0001-request.yaml"), "{stdout}");
    assert!(stdout.contains("\\u{1b}[2J"), "{stdout}");
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{stdout:?}"
    );
}
