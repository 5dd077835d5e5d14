//! What a check is and what it answers.

use std::fmt;

use hookcheck::engine::{Contract, Failure, HookError, Outcome, Trace};
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

/// What a rule stands on: the host's documentation, the host's own code at
/// the pinned commit, or both. Where they disagree, hookcheck's hosts behave
/// like the code (what production runs); a rule only the documents state,
/// which the host tolerates, is a warning (recommended), and a rule the
/// documents do not state but the host's code enforces is a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The contract documents only (not verified in the host's code, or
    /// tolerated by it).
    Docs,
    /// The host's code only.
    Host,
    /// The documents say it and the host's code does it.
    Both,
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Basis::Docs => "docs",
            Basis::Host => "host",
            Basis::Both => "docs+host",
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

/// The traces of a suite's shared exercise, labelled by input: what every
/// row of the suite classifies. An `Err` is the verdict for a subject the
/// exercise could not run on (another kind of subject, a plugin that did
/// not load).
pub type Exercise = for<'a> fn(&'a Subject) -> Result<Vec<(String, &'a Trace)>, Verdict>;

/// A rule as data: the check fails on the first hook call of the suite's
/// shared exercise whose typed failure `fails_on` selects.
#[derive(Clone, Copy)]
pub struct Row {
    /// What a pass says was checked (`"JSON output is valid JSON"`).
    pub ok: &'static str,
    /// The classifier over typed failures: `true` breaks the rule.
    pub fails_on: fn(&HookError) -> bool,
    /// The exercise whose calls the row classifies.
    pub exercise: Exercise,
    /// Whether the row reads what the host tolerated (a documents-only
    /// rule the host's code lets through, [`Trace::tolerated`]) instead of
    /// the calls that failed.
    pub tolerated: bool,
}

impl Row {
    /// Classifies every call of the exercise. A fault of hookcheck's own
    /// machinery makes the check "not exercised", never a pass.
    pub fn apply(&self, subject: &Subject) -> Verdict {
        let traces = match (self.exercise)(subject) {
            Ok(traces) => traces,
            Err(verdict) => return verdict,
        };
        let mut fault = None;
        for (label, trace) in &traces {
            if self.tolerated
                && let Some(error) = trace.tolerated.iter().find(|e| (self.fails_on)(e))
            {
                return Verdict::failed(error.failure.clone(), format!("{label}: {error}"));
            }
            for step in &trace.steps {
                let Outcome::Error { error } = &step.outcome else {
                    continue;
                };
                if !self.tolerated && (self.fails_on)(error) {
                    return Verdict::failed(error.failure.clone(), format!("{label}: {error}"));
                }
                if matches!(error.failure, Failure::HostFault { .. }) && fault.is_none() {
                    fault = Some(format!("{label}: {error}"));
                }
            }
        }
        if let Some(fault) = fault {
            return Verdict::unexercised(format!("not run: {fault}; please report it"));
        }
        let calls: usize = traces.iter().map(|(_, t)| t.steps.len()).sum();
        Verdict::pass(format!("{} over {calls} hook calls", self.ok)).with_calls(calls)
    }
}

/// How a check decides.
#[derive(Clone, Copy)]
pub enum Decide {
    /// A row: a classifier over the typed outcomes of the shared exercise.
    Row(Row),
    /// A check that makes its own calls or reads the artifact.
    Function(fn(&Subject) -> Verdict),
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
    /// The hooks whose return-code tables the rule reads: `explain`
    /// prints those rows of the tables the host executes.
    pub codes: &'static [&'static str],
    /// What the rule stands on.
    pub basis: Basis,
    /// Where the host's code does what the rule says (`file:line` at the
    /// pinned commit), when it was verified there.
    pub host_source: Option<&'static str>,
    /// How it decides.
    pub decide: Decide,
}

/// What every check of one suite shares: its contract, the document its
/// rules come from, and the exercise its rows classify.
#[derive(Clone, Copy)]
pub struct Rules {
    /// The contract.
    pub profile: Contract,
    /// The document the rules come from.
    pub source: &'static str,
    /// The shared exercise the rows classify; a suite without one has no
    /// rows.
    pub exercise: Option<Exercise>,
}

impl Rules {
    /// A check that decides with its own function.
    pub const fn check(
        &self,
        id: &'static str,
        title: &'static str,
        rule: &'static str,
        severity: Severity,
        breaker: &'static str,
        run: fn(&Subject) -> Verdict,
    ) -> Check {
        self.with(id, title, rule, severity, breaker, Decide::Function(run))
    }

    /// A row: fails on the first call of the shared exercise whose typed
    /// failure `fails_on` selects; a pass says `ok`.
    #[allow(clippy::too_many_arguments)]
    pub const fn row(
        &self,
        id: &'static str,
        title: &'static str,
        rule: &'static str,
        severity: Severity,
        breaker: &'static str,
        ok: &'static str,
        fails_on: fn(&HookError) -> bool,
    ) -> Check {
        let Some(exercise) = self.exercise else {
            // Evaluated while compiling the catalog: a compile error.
            panic!("a row needs its suite's exercise")
        };
        let row = Row {
            ok,
            fails_on,
            exercise,
            tolerated: false,
        };
        self.with(id, title, rule, severity, breaker, Decide::Row(row))
    }

    const fn with(
        &self,
        id: &'static str,
        title: &'static str,
        rule: &'static str,
        severity: Severity,
        breaker: &'static str,
        decide: Decide,
    ) -> Check {
        Check {
            id,
            profile: self.profile,
            title,
            rule,
            source: self.source,
            severity,
            breaker,
            codes: &[],
            basis: Basis::Docs,
            host_source: None,
            decide,
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
    /// The same check, reading the return-code tables of `hooks`.
    #[must_use]
    pub const fn reading_codes(mut self, hooks: &'static [&'static str]) -> Self {
        self.codes = hooks;
        self
    }

    /// The same check, standing on `basis`, with the host's code at
    /// `citation` (`file:line` at the pinned commit).
    #[must_use]
    pub const fn on_host(mut self, basis: Basis, citation: &'static str) -> Self {
        self.basis = basis;
        self.host_source = Some(citation);
        self
    }

    /// The same row, reading what the host tolerated: a rule the
    /// documents state and the host's code lets through.
    #[must_use]
    pub const fn tolerated(mut self) -> Self {
        match &mut self.decide {
            Decide::Row(row) => row.tolerated = true,
            // Evaluated while compiling the catalog: a compile error.
            Decide::Function(_) => panic!("only a row reads what the host tolerated"),
        }
        self
    }

    /// Whether the check is a row (a classifier over typed outcomes).
    pub fn is_row(&self) -> bool {
        matches!(self.decide, Decide::Row(_))
    }

    /// Runs the check on `subject`.
    pub fn run(&self, subject: &Subject) -> Verdict {
        match &self.decide {
            Decide::Row(row) => row.apply(subject),
            Decide::Function(run) => run(subject),
        }
    }
}
