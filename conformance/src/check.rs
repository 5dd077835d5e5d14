//! What a check is and what it answers.

use std::fmt;

use hookcheck::engine::{Contract, Failure};
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

/// Why a check was skipped. Only [`SkipReason::NotApplicable`] and
/// [`SkipReason::Expected`] are neutral: a required check that could not
/// run because the plugin did not load, or that ran without one call of
/// the plugin, counts against conformance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The rule does not apply to this plugin (another kind of subject, a
    /// hook the plugin does not have).
    NotApplicable,
    /// The plugin did not load, so the check could not run.
    NotLoaded,
    /// The check ran without a single call of the plugin: it proves
    /// nothing.
    NotExercised,
    /// The expectations file says to skip it.
    Expected,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::NotApplicable => "not applicable",
            SkipReason::NotLoaded => "not loaded",
            SkipReason::NotExercised => "not exercised",
            SkipReason::Expected => "expected",
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
    /// Why it was skipped (only with [`Status::Skip`]).
    pub skip: Option<SkipReason>,
    /// How many calls of the plugin the verdict rests on; `None` for a
    /// check that reads the artifact without calling it. A pass that rests
    /// on zero calls is turned into a [`SkipReason::NotExercised`] skip by
    /// the runner.
    pub calls: Option<usize>,
    /// The typed failure a failed check found, when it found one in a hook
    /// call.
    pub failure: Option<Failure>,
}

impl Verdict {
    /// A pass, with what was checked.
    pub fn pass(evidence: impl Into<String>) -> Self {
        Self {
            status: Status::Pass,
            evidence: evidence.into(),
            skip: None,
            calls: None,
            failure: None,
        }
    }

    /// A failure found in a hook call: the typed failure and the evidence.
    pub fn failed(failure: Failure, evidence: impl Into<String>) -> Self {
        Self {
            failure: Some(failure),
            ..Self::fail(evidence)
        }
    }

    /// A failure, with the evidence.
    pub fn fail(evidence: impl Into<String>) -> Self {
        Self {
            status: Status::Fail,
            evidence: evidence.into(),
            skip: None,
            calls: None,
            failure: None,
        }
    }

    /// A skip because the rule does not apply, with the reason.
    pub fn skip(reason: impl Into<String>) -> Self {
        Self::skipped(SkipReason::NotApplicable, reason)
    }

    /// A skip because the plugin did not load, with the loader's reason.
    pub fn not_loaded(reason: impl Into<String>) -> Self {
        Self::skipped(SkipReason::NotLoaded, reason)
    }

    /// A skip because nothing of the plugin ran, with what was tried.
    pub fn unexercised(reason: impl Into<String>) -> Self {
        Self::skipped(SkipReason::NotExercised, reason)
    }

    /// A skip for `why`.
    pub fn skipped(why: SkipReason, reason: impl Into<String>) -> Self {
        Self {
            status: Status::Skip,
            evidence: reason.into(),
            skip: Some(why),
            calls: None,
            failure: None,
        }
    }

    /// The same verdict, resting on `calls` calls of the plugin.
    #[must_use]
    pub fn with_calls(mut self, calls: usize) -> Self {
        self.calls = Some(calls);
        self
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
