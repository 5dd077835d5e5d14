//! What a check is and what it answers.

use std::fmt;

use hookcheck::engine::Contract;
use serde::{Deserialize, Serialize};

use crate::subject::Subject;

/// How much a check counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A contract rule: a failure fails the run.
    Required,
    /// Good practice: a failure fails the run only with `--strict`.
    Recommended,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Required => "required",
            Severity::Recommended => "recommended",
        })
    }
}

/// A check's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The plugin keeps the rule.
    Pass,
    /// The plugin breaks the rule.
    Fail,
    /// The check does not apply, or could not run.
    Skip,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
        })
    }
}

/// A status with the evidence behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The status.
    pub status: Status,
    /// What was seen: for a failure, the evidence that names the problem.
    pub evidence: String,
}

impl Verdict {
    /// A pass, with what was checked.
    pub fn pass(evidence: impl Into<String>) -> Self {
        Self {
            status: Status::Pass,
            evidence: evidence.into(),
        }
    }

    /// A failure, with the evidence.
    pub fn fail(evidence: impl Into<String>) -> Self {
        Self {
            status: Status::Fail,
            evidence: evidence.into(),
        }
    }

    /// A skip, with the reason.
    pub fn skip(reason: impl Into<String>) -> Self {
        Self {
            status: Status::Skip,
            evidence: reason.into(),
        }
    }
}

/// One numbered rule of one contract.
#[derive(Clone, Copy)]
pub struct Check {
    /// Stable id (`LS-MEM-004`).
    pub id: &'static str,
    /// The contract.
    pub profile: Contract,
    /// One-line title.
    pub title: &'static str,
    /// The contract rule, quoted or restated.
    pub rule: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
    /// Required or recommended.
    pub severity: Severity,
    /// A fixture that breaks the rule (for `explain` and the tests).
    pub breaker: &'static str,
    pub(crate) run: fn(&Subject) -> Verdict,
}

/// What every check of one catalog module shares: its contract and the
/// document its rules come from.
pub(crate) struct Catalog {
    pub(crate) profile: Contract,
    pub(crate) source: &'static str,
}

impl Catalog {
    /// One check of this catalog.
    pub(crate) const fn check(
        &self,
        id: &'static str,
        title: &'static str,
        rule: &'static str,
        severity: Severity,
        breaker: &'static str,
        run: fn(&Subject) -> Verdict,
    ) -> Check {
        Check {
            id,
            profile: self.profile,
            title,
            rule,
            source: self.source,
            severity,
            breaker,
            run,
        }
    }
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("id", &self.id)
            .field("title", &self.title)
            .finish()
    }
}

impl Check {
    /// Runs the check on `subject`.
    pub fn run(&self, subject: &Subject) -> Verdict {
        (self.run)(subject)
    }
}
