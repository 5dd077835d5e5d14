//! The JUnit XML report: one `testcase` per check.

use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use crate::check::Status;
use crate::runner::Report;
use crate::{Error, Result};

/// The report as JUnit XML: one suite (the profile), one case per check,
/// failure text = evidence. A case is a failure exactly when it fails the
/// run: an expected failure, or a recommended one without `--strict`, is
/// shown as skipped with its evidence, so the test tab and the job agree.
/// Cases are classed `hookcheck.<profile>.<plugin>`.
pub fn junit_report(report: &Report) -> Result<String> {
    junit_reports(std::slice::from_ref(report))
}

/// Several runs as one JUnit XML report: one suite per plugin.
pub fn junit_reports(reports: &[Report]) -> Result<String> {
    let mut junit = Junit::new("hookcheck conformance");
    for report in reports {
        junit.add_test_suite(suite(report, reports.len() > 1));
    }
    junit.to_string().map_err(|e| Error::Render {
        format: "junit",
        reason: e.to_string(),
    })
}

/// One run's suite; named by the plugin too when several share a report.
fn suite(report: &Report, named: bool) -> TestSuite {
    let mut suite = TestSuite::new(if named {
        format!("hookcheck {} {}", report.profile, report.artifact)
    } else {
        format!("hookcheck {}", report.profile)
    });
    let classname = classname(report);
    for check in &report.checks {
        let status = match check.status {
            Status::Pass => TestCaseStatus::success(),
            // A skip that fails the run (a required check that could not
            // run) is a failure here too: a green test tab in a red job
            // would hide it.
            Status::Skip if check.fails_run => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let why = check
                    .skip_reason
                    .map_or("not run".into(), |r| r.to_string());
                s.set_message(format!("{why}: {}", check.evidence));
                s.set_type(format!("{} check not run", check.severity));
                s.set_description(check.evidence.clone());
                s
            }
            Status::Skip => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(check.evidence.clone());
                s
            }
            Status::Warn | Status::Unverified if check.fails_run => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(with_hint(check));
                s.set_type(format!("{} (fails with --strict)", check.status));
                s.set_description(with_hint(check));
                s
            }
            Status::Warn | Status::Unverified => {
                let mut s = TestCaseStatus::skipped();
                let why = match check.status {
                    Status::Warn => "warning (the host tolerates it; a failure with --strict)",
                    _ => {
                        "unverified (the calls it is about never happened; a failure with --strict)"
                    }
                };
                s.set_message(format!("{why}: {}", with_hint(check)));
                s
            }
            Status::Fail if !check.fails_run => {
                let mut s = TestCaseStatus::skipped();
                let why = if check.expected.is_some() {
                    "expected failure"
                } else {
                    "warning (recommended; a failure with --strict)"
                };
                s.set_message(format!("{why}: {}", check.evidence));
                s
            }
            Status::Fail => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(check.evidence.clone());
                s.set_type(format!("{} check failed ({})", check.severity, check.basis));
                s.set_description(match check.host_source {
                    Some(host) => format!("{} [host: {host}]", check.evidence),
                    None => check.evidence.clone(),
                });
                s
            }
        };
        let mut case = TestCase::new(format!("{} {}", check.id, check.title), status);
        case.set_classname(classname.clone());
        case.set_time(check.duration);
        suite.add_test_case(case);
    }
    suite.add_test_case(coverage_case(report));
    suite
}

/// The evidence, and for an unverified check what would reach it.
fn with_hint(check: &crate::runner::CheckResult) -> String {
    match &check.hint {
        Some(hint) => format!("{} (to reach it: {hint})", check.evidence),
        None => check.evidence.clone(),
    }
}

/// The coverage as one test case: it fails when the coverage fails the
/// run, and its output lists every registration with its calls.
fn coverage_case(report: &Report) -> TestCase {
    let summary = report.coverage.to_string();
    let status = if report.coverage_fails() {
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
        s.set_message(summary.clone());
        s.set_type("coverage");
        s
    } else {
        TestCaseStatus::success()
    };
    let mut case = TestCase::new(format!("coverage: {summary}"), status);
    case.set_classname(classname(report));
    let lines: Vec<String> = report
        .coverage
        .registrations
        .iter()
        .map(|r| {
            format!(
                "{}: {} calls ({})",
                r.registration,
                r.calls,
                r.inputs_text()
            )
        })
        .collect();
    case.set_system_out(lines.join("\n"));
    case
}

/// `hookcheck.<profile>.<plugin>`: the plugin's file stem (or bundled
/// name), with anything but letters, digits, `_` and `-` made `_`, so CI
/// tools that split on dots see three levels.
fn classname(report: &Report) -> String {
    let name = std::path::Path::new(&report.artifact)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| report.artifact.clone());
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("hookcheck.{}.{name}", report.profile)
}
