//! No vacuous passes: a plugin is checked only where it was called, its
//! registrations are exercised with inputs derived from them, and a run
//! in which nothing of it ran never conforms.

use std::process::Command;

use hookcheck_conformance::{RunOptions, Severity, SkipReason, Status, run_checks};
use hookcheck_fixtures::artifacts::native_fixture;

use crate::support::{conformance_cli, open};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_bare_file_name_is_a_path_in_the_current_directory() {
    let so = native_fixture("segfault");
    let out = Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args(["conformance", "segfault.so"])
        .current_dir(so.parent().unwrap())
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("FF-SAFE-001    FAIL"),
        "the plugin loads and its crash is found: {stdout}"
    );
}

#[test]
fn a_file_the_loader_refuses_exits_2_with_one_line_naming_it() {
    // An executable is an ELF file with symbols, but not a library dlopen
    // will load: the run must end before any check, not as 25 skips.
    let out = Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args([
            "conformance",
            "--profile",
            "featherfly",
            env!("CARGO_BIN_EXE_hookcheck"),
        ])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}{}", text(&out.stdout));
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("hookcheck") && last.contains("not a loadable shared library"),
        "{stderr}"
    );
    assert!(
        text(&out.stdout).is_empty(),
        "no check ran: {}",
        text(&out.stdout)
    );
}

#[test]
fn a_crash_on_a_path_no_standard_input_visits_is_found() {
    let report = run_checks(
        &open("native:admin_segfault"),
        &RunOptions::default(),
        |_| {},
    );
    assert!(!report.passed());
    let safe = report
        .checks
        .iter()
        .find(|c| c.id == "FF-SAFE-001")
        .unwrap();
    assert_eq!(safe.status, Status::Fail, "{}", safe.evidence);
    assert!(
        safe.evidence.contains("request GET /admin") && safe.evidence.contains("SIGSEGV"),
        "{}",
        safe.evidence
    );
}

fn calls_of(report: &hookcheck_conformance::Report, registration: &str) -> usize {
    report
        .coverage
        .registrations
        .iter()
        .find(|r| r.registration == registration)
        .unwrap_or_else(|| panic!("{registration} in {:?}", report.coverage))
        .calls
}

#[test]
fn a_request_hook_on_a_path_no_standard_input_visits_is_called() {
    let report = run_checks(&open("native:admin_ok"), &RunOptions::default(), |_| {});
    // /admin, /admin/probe and /adminx (the host matches a plain
    // prefix), each with two header sets and a POST; the near miss / must
    // not reach it.
    assert_eq!(
        calls_of(&report, "request.intercept /admin"),
        9,
        "{:?}",
        report.coverage
    );
    let inputs = &report.coverage.registrations[0].inputs;
    assert!(
        inputs.iter().any(|i| i.contains("GET /admin/probe")),
        "{inputs:?}"
    );
    assert!(inputs.iter().any(|i| i.contains("/adminx")), "{inputs:?}");
    assert!(!inputs.iter().any(|i| i.ends_with(" /")), "{inputs:?}");
    assert_eq!(
        report.coverage.to_string(),
        "registrations exercised: 1 of 1"
    );
    assert!(report.passed(), "{:#?}", report.checks);
}

#[test]
fn a_json_mixin_on_a_prefix_no_standard_route_has_is_called_and_checked() {
    let report = run_checks(
        &open("native:internal_mixin"),
        &RunOptions::default(),
        |_| {},
    );
    // /internal, /internal/probe and /internalx (a plain prefix on the
    // host), with each of the three standard bodies.
    assert_eq!(
        calls_of(&report, "json.response /internal"),
        9,
        "{:?}",
        report.coverage
    );
    for id in ["FF-JSON-001", "FF-ORDER-001", "FF-DET-001"] {
        let check = report.checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(check.status, Status::Pass, "{id}: {}", check.evidence);
        assert!(
            check.calls.unwrap_or(0) > 0,
            "{id} rests on calls: {check:?}"
        );
    }
    // It makes no actions, and has no json.actions hook: nothing to judge.
    let actions = report
        .checks
        .iter()
        .find(|c| c.id == "FF-JSON-003")
        .unwrap();
    assert_eq!(
        actions.skip_reason,
        Some(SkipReason::NotApplicable),
        "{}",
        actions.evidence
    );
    assert!(report.passed(), "{:#?}", report.checks);
}

#[test]
fn the_cli_reports_coverage_on_a_plugin_that_behaves_off_the_beaten_path() {
    let out = conformance_cli("admin_ok", &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("registrations exercised: 1 of 1"),
        "{stdout}"
    );
    assert!(stdout.contains("— conforms"), "{stdout}");
}

#[test]
fn a_plugin_with_no_registrations_never_conforms() {
    let subject = open("native:registers_nothing");
    for options in [
        RunOptions::default(),
        RunOptions {
            allow_unexercised: true,
            ..RunOptions::default()
        },
    ] {
        let report = run_checks(&subject, &options, |_| {});
        assert!(!report.passed(), "{:#?}", report.checks);
        assert!(report.coverage_fails());
        assert_eq!(report.coverage.total(), 0);
        // No check passes on zero calls: those are "not exercised" skips.
        for c in &report.checks {
            assert!(
                !(c.status == Status::Pass && c.calls == Some(0)),
                "{} passed on zero calls",
                c.id
            );
        }
        let unexercised: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| c.skip_reason == Some(SkipReason::NotExercised))
            .map(|c| c.id)
            .collect();
        assert!(
            unexercised.contains(&"FF-SAFE-001"),
            "crash checks rest on calls: {unexercised:?}"
        );
    }
}

#[test]
fn the_cli_never_says_conforms_when_nothing_ran() {
    let out = conformance_cli("registers_nothing", &["--allow-unexercised".as_ref()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("registrations exercised: 0 of 0"),
        "{stdout}"
    );
    assert!(stdout.contains("does not conform"), "{stdout}");
    assert!(!stdout.contains("— conforms"), "{stdout}");
}

#[test]
fn an_unloadable_subject_fails_every_check_that_needed_it() {
    // init returns non-zero: FF-LOAD-004 fails, and the checks that need a
    // loaded plugin are "not run" results that fail the run too.
    let report = run_checks(&open("native:init_fails"), &RunOptions::default(), |_| {});
    assert!(!report.passed());
    let not_loaded: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.skip_reason == Some(SkipReason::NotLoaded))
        .collect();
    assert!(!not_loaded.is_empty());
    for c in not_loaded {
        assert_eq!(
            c.fails_run,
            c.severity == Severity::Required,
            "{} ({})",
            c.id,
            c.severity
        );
    }
}

#[test]
fn checks_that_read_outputs_do_not_pass_on_calls_that_all_failed() {
    // Every JSON call of `segfault` crashes: no output was ever produced,
    // so the rules about outputs are not passed. They say they had no
    // valid output and name the check that owns the crash, which fails the
    // run; they do not fail it a second time.
    let report = run_checks(&open("native:segfault"), &RunOptions::default(), |_| {});
    for id in ["FF-JSON-003", "FF-ORDER-001", "FF-DET-001"] {
        let check = report.checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(
            check.skip_reason,
            Some(SkipReason::NoValidOutput),
            "{id}: {:?} {}",
            check.status,
            check.evidence
        );
        assert!(
            check.evidence.contains("see FF-SAFE-001"),
            "{id}: {}",
            check.evidence
        );
        assert!(!check.fails_run, "{id}");
    }
    let safe = report
        .checks
        .iter()
        .find(|c| c.id == "FF-SAFE-001")
        .unwrap();
    assert!(safe.fails_run && safe.status == Status::Fail);
    assert_eq!(report.totals.not_run, 0, "{:?}", report.totals);
}

/// A pattern without a trailing `/` also runs on every path that merely
/// starts with it (`/api` on `/apix`): the coverage says so.
#[test]
fn a_prefix_pattern_that_reaches_near_misses_is_noted() {
    let report = run_checks(&open("native:mixin_uptime"), &RunOptions::default(), |_| {});
    let notice = report
        .coverage
        .notices
        .iter()
        .find(|n| n.contains("json.response /api"))
        .unwrap_or_else(|| panic!("{:?}", report.coverage.notices));
    assert!(notice.contains("`/apix`"), "{notice}");
    assert!(notice.contains("events.rs:418-420"), "{notice}");
    // `/api/` covers only what lies under it: nothing to note.
    let report = run_checks(
        &open("native:deny_without_status"),
        &RunOptions::default(),
        |_| {},
    );
    assert!(
        report.coverage.notices.is_empty(),
        "{:?}",
        report.coverage.notices
    );
}

#[test]
fn a_run_loads_a_native_plugin_a_fixed_number_of_times() {
    // The run's one host (opened with the subject, kept for the exercise
    // and every check that makes its own calls), and FF-LOAD-008's second
    // load to compare registrations: two, however many checks run.
    for (fixture, only) in [
        ("native:all_hooks", None),
        ("native:admin_ok", None),
        ("native:all_hooks", Some("FF-LOAD-001")),
    ] {
        let subject = open(fixture);
        assert_eq!(subject.loads(), Some(1), "{fixture}: the probe loads it");
        let options = RunOptions {
            only: only.map(|id| regex::Regex::new(id).unwrap()),
            ..RunOptions::default()
        };
        let report = run_checks(&subject, &options, |_| {});
        let expected = if only.is_some() { 1 } else { 2 };
        assert_eq!(
            subject.loads(),
            Some(expected),
            "{fixture} ({} checks)",
            report.totals.total
        );
    }
    // A subject that loads nothing per host counts nothing.
    assert_eq!(open("pylon:timestamps").loads(), None);
}
