//! What a check is and what it answers.

use std::fmt;

use std::collections::BTreeMap;

use hookcheck::engine::{
    Answer, Answers, Contract, Failure, HookError, Intent, Outcome, Step, Trace,
};
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
    /// The plugin keeps the rule, on calls the rule is about.
    Pass,
    /// The plugin breaks the documents where the host's code tolerates it
    /// and still does what the plugin meant: the run fails only with
    /// `--strict`.
    Warn,
    /// The plugin breaks the rule (or the host's code loses what it meant).
    Fail,
    /// The calls the rule is about never happened (no RESPOND was seen,
    /// so nothing says whether a RESPOND sets its status): not a pass. The
    /// run fails only with `--strict`.
    Unverified,
    /// The check does not apply, or could not run.
    Skip,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Unverified => "unverified",
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
    /// The plugin was called, but every call failed on another check's
    /// rule (named in the evidence), so no output was left to judge: the
    /// failure is that check's, not a second one here.
    NoValidOutput,
    /// The expectations file says to skip it.
    Expected,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::NotApplicable => "not applicable",
            SkipReason::NotLoaded => "not loaded",
            SkipReason::NotExercised => "not exercised",
            SkipReason::NoValidOutput => "no valid output",
            SkipReason::Expected => "expected",
        })
    }
}

/// What a rule stands on: the host's documentation, the host's own code at
/// the pinned commit, or both. Where they disagree, hookcheck's hosts behave
/// like the code (what production runs). A break of a rule only the
/// documents state is a warning where the host's code tolerates it and
/// still does what the plugin meant ([`Status::Warn`]), and a failure where
/// the code silently does something else (a 200 for a missing status, the
/// prior value for an empty change: the intent is lost in production); a
/// rule the documents do not state but the host's code enforces is a
/// failure.
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
    /// call (boxed: a verdict travels as the error of many results).
    pub failure: Option<Box<Failure>>,
    /// For an unverified check: what input would reach the calls it is
    /// about (`--header NAME:VALUE`, `--inputs DIR`, …).
    pub hint: Option<String>,
    /// The fix for this verdict's typed cause, when it is not the check's
    /// usual one (a trap in a module whose `_initialize` the host never
    /// runs gets the lazy-initialisation fix, not the `unwrap` one).
    pub help: Option<&'static str>,
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
            hint: None,
            help: None,
        }
    }

    /// A failure found in a hook call: the typed failure and the evidence.
    pub fn failed(failure: Failure, evidence: impl Into<String>) -> Self {
        Self {
            failure: Some(Box::new(failure)),
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
            hint: None,
            help: None,
        }
    }

    /// A warning: the plugin breaks the documents, and the host's code
    /// tolerates it and does what the plugin meant.
    pub fn warn(tolerated: Failure, evidence: impl Into<String>) -> Self {
        Self {
            status: Status::Warn,
            failure: Some(Box::new(tolerated)),
            ..Self::fail(evidence)
        }
    }

    /// Not verified: the calls the rule is about never happened. `hint`
    /// says what input would reach them.
    pub fn unverified(reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            status: Status::Unverified,
            hint: Some(hint.into()),
            ..Self::fail(reason)
        }
    }

    /// No output to judge: every call failed on the rule of `cause` (a
    /// check id), which owns that failure.
    pub fn no_valid_output(cause: &str, reason: impl Into<String>) -> Self {
        Self::skipped(
            SkipReason::NoValidOutput,
            format!("no valid output to judge: {} (see {cause})", reason.into()),
        )
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
            hint: None,
            help: None,
        }
    }

    /// The same verdict, resting on `calls` calls of the plugin.
    #[must_use]
    pub fn with_calls(mut self, calls: usize) -> Self {
        self.calls = Some(calls);
        self
    }

    /// The same verdict, with the fix for its typed cause.
    #[must_use]
    pub fn with_help(mut self, help: Option<&'static str>) -> Self {
        self.help = help.or(self.help);
        self
    }
}

/// The calls a rule is about: a rule about responses says nothing about a
/// plugin that never responded. A check with `judges` passes only on calls
/// it selects; when the plugin made calls of its hooks but none it selects,
/// the check is [`Status::Unverified`].
#[derive(Clone, Copy, Debug)]
pub struct Judges {
    /// The hooks the rule is about (every hook, when empty).
    pub hooks: &'static [&'static str],
    /// The answers the rule is about (any answer, when empty).
    pub answers: &'static [Answer],
    /// Those calls in words, for "no … seen": `RESPOND from a request
    /// hook`.
    pub what: &'static str,
    /// What would reach them.
    pub hint: &'static str,
}

impl Judges {
    /// Calls of `hooks` that answered one of `answers`.
    pub const fn calls(
        hooks: &'static [&'static str],
        answers: &'static [Answer],
        what: &'static str,
        hint: &'static str,
    ) -> Self {
        Self {
            hooks,
            answers,
            what,
            hint,
        }
    }

    /// Whether `step` is a call of one of the rule's hooks.
    pub fn hook_of(&self, step: &Step) -> bool {
        self.hooks.is_empty() || self.hooks.contains(&step.hook.name)
    }

    /// Whether `step` is a call the rule judges.
    pub fn covers(&self, step: &Step) -> bool {
        self.hook_of(step) && (self.answers.is_empty() || self.answers.contains(&step.answer()))
    }

    /// The verdict when none of `calls` calls of the rule's hooks, which
    /// answered `seen` per hook, is one the rule judges.
    pub fn unseen(&self, calls: usize, seen: &BTreeMap<String, Answers>) -> Verdict {
        let per_hook: Vec<String> = seen
            .iter()
            .map(|(hook, answers)| format!("{hook}: {}", answers.describe(&[])))
            .collect();
        Verdict::unverified(
            format!(
                "unverified: no {} seen over {calls} calls ({})",
                self.what,
                per_hook.join("; ")
            ),
            self.hint,
        )
        .with_calls(calls)
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
    /// the calls that failed: a warning where the host still does what the
    /// plugin meant, a failure where the intent is lost.
    pub tolerated: bool,
    /// The fix for a failure's typed cause, when it is not the check's
    /// usual one (see [`Verdict::help`]).
    pub help_for: Option<fn(&Subject, &Failure) -> Option<&'static str>>,
    /// What a failure's evidence adds after the call that broke the rule
    /// (what the real host does with it, when hookcheck's host contained
    /// it).
    pub note: Option<&'static str>,
    /// The checks a broken call may belong to ([`Rules::owners`]).
    pub owners: fn() -> &'static [Check],
}

impl Row {
    /// Classifies every call of the exercise. A fault of hookcheck's own
    /// machinery makes the check "not exercised", never a pass; with
    /// `judges`, a pass rests only on calls the rule is about.
    pub fn apply(&self, subject: &Subject, judges: Option<&Judges>) -> Verdict {
        let traces = match (self.exercise)(subject) {
            Ok(traces) => traces,
            Err(verdict) => return verdict,
        };
        let help = |f: &Failure| self.help_for.and_then(|h| h(subject, f));
        // Which check owns a broken call: the catalog's rows.
        let all = (self.owners)();
        let mut fault = None;
        let mut warning = None;
        let mut first_failure: Option<&HookError> = None;
        let (mut calls, mut hook_calls, mut judged, mut failed) = (0, 0, 0, 0);
        let mut seen: BTreeMap<String, Answers> = BTreeMap::new();
        for (label, trace) in &traces {
            if self.tolerated {
                for t in trace.tolerated.iter().filter(|t| (self.fails_on)(&t.error)) {
                    let evidence = format!("{label}: {}", t.error);
                    match t.intent {
                        Intent::Lost => {
                            return Verdict::failed(t.error.failure.clone(), evidence)
                                .with_help(help(&t.error.failure));
                        }
                        Intent::Kept => {
                            warning.get_or_insert((t.error.failure.clone(), evidence));
                        }
                    }
                }
            }
            for step in &trace.steps {
                calls += 1;
                if let Some(j) = judges.filter(|j| j.hook_of(step)) {
                    hook_calls += 1;
                    seen.entry(step.hook.name.to_owned())
                        .or_default()
                        .add(step.answer());
                    judged += usize::from(j.covers(step));
                    // A broken call, which some check owns; an error code
                    // the contract defines is an answer like any other.
                    if let Outcome::Error { error } = &step.outcome
                        && owner(all, error).is_some()
                    {
                        failed += 1;
                        first_failure.get_or_insert(error);
                    }
                }
                let Outcome::Error { error } = &step.outcome else {
                    continue;
                };
                if !self.tolerated && (self.fails_on)(error) {
                    let note = self.note.map_or_else(String::new, |n| format!("; {n}"));
                    return Verdict::failed(
                        error.failure.clone(),
                        format!("{label}: {error}{note}"),
                    )
                    .with_help(help(&error.failure));
                }
                if matches!(error.failure, Failure::HostFault { .. }) && fault.is_none() {
                    fault = Some(format!("{label}: {error}"));
                }
            }
        }
        if let Some(fault) = fault {
            return Verdict::unexercised(format!("not run: {fault}; please report it"));
        }
        if let Some((failure, evidence)) = warning {
            let help = help(&failure);
            return Verdict::warn(failure, evidence)
                .with_calls(calls)
                .with_help(help);
        }
        match judges {
            None => Verdict::pass(format!("{} over {calls} hook calls", self.ok)).with_calls(calls),
            Some(j) if hook_calls == 0 => Verdict::skip(format!(
                "no call of {} was made: nothing to judge ({})",
                hooks_text(j.hooks),
                self.ok
            )),
            Some(_) if judged == 0 && failed == hook_calls => {
                let first = first_failure.map_or_else(String::new, ToString::to_string);
                let cause = first_failure
                    .and_then(|f| owner(all, f))
                    .unwrap_or("the other checks");
                Verdict::no_valid_output(
                    cause,
                    format!("every one of the {failed} calls failed, the first: {first}"),
                )
            }
            Some(j) if judged == 0 => j.unseen(hook_calls, &seen),
            Some(j) => Verdict::pass(format!(
                "{} ({judged} of {calls} hook calls judged: {})",
                self.ok, j.what
            ))
            .with_calls(judged),
        }
    }
}

/// The id of the first check of `checks` whose row fails on `error`: the
/// check that owns that failure.
pub(crate) fn owner<'a>(
    checks: impl IntoIterator<Item = &'a Check>,
    error: &HookError,
) -> Option<&'static str> {
    checks.into_iter().find_map(|c| match &c.decide {
        Decide::Row(row) if !row.tolerated && (row.fails_on)(error) => Some(c.id),
        _ => None,
    })
}

fn hooks_text(hooks: &[&str]) -> String {
    if hooks.is_empty() {
        "any hook".into()
    } else {
        hooks.join(" / ")
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
    /// The calls the rule is about, when it is about one kind of answer:
    /// a row passes only on those; a function check says itself when it
    /// saw none ([`Status::Unverified`]).
    pub judges: Option<Judges>,
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
    /// The suite's checks: a row that saw only broken calls names the
    /// check of this contract that owns them (`owners: || CHECKS`).
    pub owners: fn() -> &'static [Check],
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
            help_for: None,
            note: None,
            owners: self.owners,
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
            judges: None,
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

    /// The same check, about the calls `judges` selects only.
    #[must_use]
    pub const fn judging(mut self, judges: Judges) -> Self {
        self.judges = Some(judges);
        self
    }

    /// The same row, adding `note` to a failure's evidence: what the real
    /// host does with the call hookcheck contained.
    #[must_use]
    pub const fn noting(mut self, note: &'static str) -> Self {
        match &mut self.decide {
            Decide::Row(row) => row.note = Some(note),
            // Evaluated while compiling the catalog: a compile error.
            Decide::Function(_) => panic!("only a row adds a note to the call it fails on"),
        }
        self
    }

    /// The same row, with the fix for a failure's typed cause where it
    /// differs from the check's usual one.
    #[must_use]
    pub const fn help_for(mut self, help: fn(&Subject, &Failure) -> Option<&'static str>) -> Self {
        match &mut self.decide {
            Decide::Row(row) => row.help_for = Some(help),
            // Evaluated while compiling the catalog: a compile error.
            Decide::Function(_) => panic!("only a row picks help by the failure's cause"),
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
            Decide::Row(row) => row.apply(subject, self.judges.as_ref()),
            Decide::Function(run) => run(subject),
        }
    }
}
