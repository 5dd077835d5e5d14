//! The JUnit XML report: one `testcase` per check.

use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use crate::check::Status;
use crate::runner::Report;
use crate::{Error, Result};

/// The report as JUnit XML: one suite (the profile), one case per check,
/// failure text = evidence.
pub fn junit_report(report: &Report) -> Result<String> {
    let mut suite = TestSuite::new(format!("hookcheck {}", report.profile));
    for check in &report.checks {
        let status = match check.status {
            Status::Pass => TestCaseStatus::success(),
            Status::Skip => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(check.evidence.clone());
                s
            }
            Status::Fail => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(check.evidence.clone());
                s.set_type(format!("{} check failed", check.severity));
                s.set_description(check.evidence.clone());
                s
            }
        };
        let mut case = TestCase::new(format!("{} {}", check.id, check.title), status);
        case.set_classname(report.artifact.clone());
        case.set_time(check.duration);
        suite.add_test_case(case);
    }
    let mut junit = Junit::new("hookcheck conformance");
    junit.add_test_suite(suite);
    junit.to_string().map_err(|e| Error::Render {
        format: "junit",
        reason: e.to_string(),
    })
}
