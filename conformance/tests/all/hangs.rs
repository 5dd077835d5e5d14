//! An in-process plugin's hook that never returns costs one deadline, not
//! the run: the check it hung in fails as a timeout, the rest are not run,
//! and `hookcheck conformance` and `assert_conforms` end.

use std::time::{Duration, Instant};

use hookcheck_conformance::{RunOptions, SkipReason, Status, assert_conforms, run_checks};

use crate::support::open;

fn options(deadline: Duration) -> RunOptions {
    RunOptions {
        in_process_deadline: Some(deadline),
        ..RunOptions::default()
    }
}

#[test]
fn a_hanging_pylon_hook_is_a_timeout_and_the_rest_is_not_run() {
    let deadline = Duration::from_millis(500);
    let started = Instant::now();
    let report = run_checks(&open("pylon:hangs_in_request"), &options(deadline), |_| {});
    // One deadline, and a second to spare on a loaded machine.
    assert!(started.elapsed() < deadline + Duration::from_secs(2));
    assert!(!report.passed());
    let hung: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect();
    assert_eq!(hung.len(), 1, "{:#?}", report.checks);
    assert_eq!(
        hung[0]
            .failure
            .as_ref()
            .map(|f| format!("{f}"))
            .unwrap_or_default(),
        "timed out after 500 ms"
    );
    assert!(hung[0].fails_run);
    let after = report
        .checks
        .iter()
        .skip_while(|c| c.status != Status::Fail)
        .skip(1);
    for c in after {
        assert_eq!(c.skip_reason, Some(SkipReason::NotExercised), "{}", c.id);
        assert!(c.evidence.contains("the plugin hung in"), "{}", c.evidence);
    }
}

#[test]
fn a_hanging_rustant_hook_is_a_timeout() {
    let deadline = Duration::from_millis(500);
    let started = Instant::now();
    let report = run_checks(&open("rustant:hanging_hook"), &options(deadline), |_| {});
    assert!(started.elapsed() < deadline + Duration::from_secs(2));
    assert!(!report.passed());
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.status == Status::Fail && c.evidence.contains("did not return within")),
        "{:#?}",
        report.checks
    );
}

#[test]
fn assert_conforms_fails_instead_of_hanging() {
    let subject = open("pylon:hangs_in_request");
    let started = Instant::now();
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| assert_conforms(&subject)));
    let message = *outcome.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains("does not conform"), "{message}");
    // The default deadline, and a second to spare.
    assert!(
        started.elapsed() < hookcheck_conformance::IN_PROCESS_DEADLINE + Duration::from_secs(2)
    );
}

#[test]
fn the_cli_ends_within_its_deadline() {
    let started = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args([
            "conformance",
            "pylon:hangs_in_request",
            "--in-process-deadline",
            "0.5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(started.elapsed() < Duration::from_secs(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("a hook did not return within 500ms"),
        "{stdout}"
    );
}
