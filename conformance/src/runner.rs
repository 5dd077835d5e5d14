//! Running the checks of a subject's profile, with progress events.

use std::time::{Duration, Instant};

use hookcheck::engine::{Contract, Failure, call_guarded};
use regex::Regex;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::catalog::Catalog;
use crate::check::{Basis, Check, Severity, SkipReason, Status, Verdict};
use crate::coverage::Coverage;
use crate::expect::Expectations;
use crate::subject::Subject;

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Run only checks whose id matches.
    pub only: Option<Regex>,
    /// Skip checks whose id matches.
    pub skip: Option<Regex>,
    /// Recommended checks count as required.
    pub strict: bool,
    /// Known failures and skips.
    pub expectations: Expectations,
    /// Let a run conform although checks ran without calling the plugin
    /// or registrations were never called (they are still reported).
    pub allow_unexercised: bool,
    /// How long one check of an in-process plugin (Pylon, Rustant) may
    /// run: its hooks run in this process, so one that never returns would
    /// hang the run. `None` is [`IN_PROCESS_DEADLINE`].
    pub in_process_deadline: Option<Duration>,
}

/// How long one check of an in-process plugin may run by default. A check
/// makes at most a few thousand calls of a well-behaved plugin, which take
/// milliseconds even in a debug build on a loaded machine.
pub const IN_PROCESS_DEADLINE: Duration = Duration::from_secs(10);

/// Runs one check. A subject whose plugin runs in this process runs on a
/// worker thread of its own, waited for at most `deadline`: a hook that
/// never returns becomes a timeout, and the thread is left behind (a
/// thread cannot be stopped from outside; it ends with the process).
/// `Err` is the deadline that passed.
fn run_one(check: &Check, subject: &Subject, deadline: Duration) -> Result<Verdict, Duration> {
    let guarded = |check: &Check, subject: &Subject| {
        call_guarded(|| check.run(subject)).unwrap_or_else(|f| {
            Verdict::fail(format!(
                "hookcheck itself failed in this check ({f}); please report it"
            ))
        })
    };
    let Some(detached) = subject.detached() else {
        return Ok(guarded(check, subject));
    };
    let check = *check;
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("hookcheck {}", check.id))
        .spawn(move || {
            let _ = tx.send(guarded(&check, &detached()));
        });
    if spawned.is_err() {
        // No thread to spare: run it here, unbounded, rather than not at all.
        return Ok(guarded(&check, subject));
    }
    rx.recv_timeout(deadline).map_err(|_| deadline)
}

/// One check's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// The check id.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// What the rule stands on: the documents, the host's code, or both.
    pub basis: Basis,
    /// The host's code behind the rule (`file:line`), when verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_source: Option<&'static str>,
    /// What it found.
    pub status: Status,
    /// Why it was skipped (only with a skip).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<SkipReason>,
    /// How many calls of the plugin the verdict rests on (absent for a
    /// check that only reads the artifact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calls: Option<usize>,
    /// The evidence or reason.
    pub evidence: String,
    /// For an unverified check: what input would reach the calls it is
    /// about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The fix, one line: for the verdict's typed cause when it has its
    /// own, else from the check's lesson (`docs/checks/`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'static str>,
    /// The typed failure behind a failed check, when it came from a hook
    /// call (`{"type": "crash", "end": {"by": "signal", "number": 11}}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<hookcheck::engine::Failure>,
    /// How long it ran.
    #[serde(rename = "duration_ms", serialize_with = "ms")]
    pub duration: Duration,
    /// What the expectations file says about it, if anything.
    pub expected: Option<Status>,
    /// Whether this result fails the run.
    pub fails_run: bool,
}

fn ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1e6).round() / 1e3)
}

/// Counts over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Checks reported.
    pub total: usize,
    /// Passed.
    pub passed: usize,
    /// Warned: the host tolerates the break and does what was meant.
    pub warned: usize,
    /// Failed.
    pub failed: usize,
    /// Unverified: the calls the rule is about never happened.
    pub unverified: usize,
    /// Could not run: the plugin did not load, or no call reached the
    /// rule.
    pub not_run: usize,
    /// Skipped: the rule does not apply, the expectations say so, or
    /// another check owns the failure that left nothing to judge.
    pub skipped: usize,
    /// Results that fail the run: failures (required, or any with
    /// `--strict`, not expected), unexpected passes, and required checks
    /// that could not run because the plugin did not load or was never
    /// called.
    pub failing: usize,
}

impl Totals {
    /// The counts in words: `31 checks: 28 passed, 1 warned, 1
    /// unverified, 0 failed, 0 not run, 1 skipped` (the kinds that are
    /// zero left out, but passed and failed).
    pub fn counts(&self) -> String {
        let parts: Vec<String> = [
            (self.passed, "passed", true),
            (self.warned, "warned", false),
            (self.unverified, "unverified", false),
            (self.failed, "failed", true),
            (self.not_run, "not run", false),
            (self.skipped, "skipped", false),
        ]
        .into_iter()
        .filter(|(n, _, always)| *always || *n > 0)
        .map(|(n, what, _)| format!("{n} {what}"))
        .collect();
        format!("{} checks: {}", self.total, parts.join(", "))
    }
}

/// A finished run.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The report format version.
    pub schema_version: u32,
    /// `hookcheck <version>`.
    pub tool: String,
    /// The artifact (path, or `pylon:NAME`).
    pub artifact: String,
    /// The artifact's SHA-256, for files.
    pub sha256: Option<String>,
    /// The profile.
    pub profile: Contract,
    /// Whether recommended checks counted as required.
    pub strict: bool,
    /// Whether unexercised checks and registrations were allowed.
    pub allow_unexercised: bool,
    /// The verdict: whether the run passes (exit code 0). See
    /// [`Report::passed`].
    pub conforms: bool,
    /// Every check, in catalog order.
    pub checks: Vec<CheckResult>,
    /// Counts.
    pub totals: Totals,
    /// Which registrations of the plugin the run called.
    pub coverage: Coverage,
    /// What confined the plugin, for one that ran in a child runner: the
    /// namespaces, the uid, the seccomp filter, and what was weaker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protections: Option<hookcheck::featherfly::Protections>,
}

impl Report {
    /// Whether the run passes (exit code 0): no result fails it, and every
    /// registration of the plugin was called (unless unexercised ones are
    /// allowed) — a run in which nothing of the plugin ran never conforms.
    pub fn passed(&self) -> bool {
        self.conforms
    }

    /// Whether the coverage alone fails the run: some registration was
    /// never called, or — even with unexercised ones allowed — no call of
    /// the plugin was made at all.
    pub fn coverage_fails(&self) -> bool {
        coverage_fails(&self.coverage, self.allow_unexercised)
    }

    /// The verdict in words: `conforms`, with the warnings and the
    /// unverified checks that do not fail it (`conforms; 1 check
    /// unverified: FF-REQ-001`), or `does not conform (A, B; not run: C;
    /// coverage)` naming what fails the run.
    pub fn verdict(&self) -> String {
        if self.passed() {
            let mut out = "conforms".to_owned();
            for (status, what) in [(Status::Warn, "warned"), (Status::Unverified, "unverified")] {
                let ids: Vec<&str> = self
                    .checks
                    .iter()
                    .filter(|c| c.status == status && !c.fails_run)
                    .map(|c| c.id)
                    .collect();
                if !ids.is_empty() {
                    let checks = if ids.len() == 1 { "check" } else { "checks" };
                    out.push_str(&format!(
                        "; {} {checks} {what}: {}",
                        ids.len(),
                        ids.join(", ")
                    ));
                }
            }
            return out;
        }
        let (failed, not_run) = self.failing_ids();
        let mut why = vec![failed.join(", ")];
        if !not_run.is_empty() {
            why.push(format!("not run: {}", not_run.join(", ")));
        }
        if self.coverage_fails() {
            why.push("coverage".into());
        }
        why.retain(|w| !w.is_empty());
        format!("does not conform ({})", why.join("; "))
    }

    /// The ids of the results that fail the run: the checks that failed,
    /// then the checks that could not run.
    pub fn failing_ids(&self) -> (Vec<&'static str>, Vec<&'static str>) {
        let ids = |not_run: bool| {
            self.checks
                .iter()
                .filter(|c| c.fails_run && (c.status == Status::Skip) == not_run)
                .map(|c| c.id)
                .collect()
        };
        (ids(false), ids(true))
    }
}

/// Progress of a run.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// The run starts with this many checks.
    Started {
        /// How many.
        total: usize,
    },
    /// A check finished.
    Finished {
        /// Its position, from 1.
        index: usize,
        /// How many in all.
        total: usize,
        /// The result.
        result: &'a CheckResult,
    },
}

fn selected(check: &Check, options: &RunOptions) -> bool {
    options.only.as_ref().is_none_or(|r| r.is_match(check.id))
        && !options.skip.as_ref().is_some_and(|r| r.is_match(check.id))
}

/// Runs every selected built-in check of the subject's profile, calling
/// `progress` as it goes.
pub fn run_checks(
    subject: &Subject,
    options: &RunOptions,
    progress: impl FnMut(Event<'_>),
) -> Report {
    run_suite(&Catalog::builtin(), subject, options, progress)
}

/// Runs every selected check of `catalog` for the subject's profile,
/// calling `progress` as it goes.
pub fn run_suite(
    catalog: &Catalog,
    subject: &Subject,
    options: &RunOptions,
    mut progress: impl FnMut(Event<'_>),
) -> Report {
    let checks: Vec<&Check> = catalog
        .checks(Some(subject.contract()))
        .into_iter()
        .filter(|c| selected(c, options))
        .collect();
    progress(Event::Started {
        total: checks.len(),
    });
    let deadline = options.in_process_deadline.unwrap_or(IN_PROCESS_DEADLINE);
    // The check in which an in-process plugin hung: the rest cannot run.
    let mut hung: Option<&'static str> = None;
    let mut results = Vec::new();
    for (i, check) in checks.iter().enumerate() {
        let expected = options
            .expectations
            .get(check.id)
            .map(|e| (e.status, e.reason.clone()));
        let start = Instant::now();
        let verdict = match (&expected, hung) {
            (Some((Status::Skip, reason)), _) => Verdict::skipped(
                SkipReason::Expected,
                format!("skipped by the expectations file: {reason}"),
            ),
            (_, Some(at)) => Verdict::unexercised(format!(
                "not run: the plugin hung in {at} (a hook never returned), and its thread is still running"
            )),
            _ => run_one(check, subject, deadline).unwrap_or_else(|limit| {
                hung = Some(check.id);
                Verdict::failed(
                    Failure::Timeout {
                        limit_ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
                    },
                    format!(
                        "a hook did not return within {limit:?}: the plugin runs in the host's process, where a hook that never returns blocks the request or agent thread that called it, for good; the rest of this run is not run"
                    ),
                )
            }),
        };
        let verdict = vacuous_pass_to_skip(verdict);
        let duration = start.elapsed();
        let counts = check.severity == Severity::Required || options.strict;
        let (fails_run, evidence) = match (&expected, verdict.status, verdict.skip) {
            (_, Status::Skip, Some(SkipReason::NotLoaded)) => (counts, verdict.evidence),
            (_, Status::Skip, Some(SkipReason::NotExercised)) => {
                (counts && !options.allow_unexercised, verdict.evidence)
            }
            (expected, status, _) => match (expected, status) {
                (Some((Status::Fail, _)), Status::Pass) => (
                    true,
                    format!(
                        "expected to fail, but passed: remove it from the expectations file ({})",
                        verdict.evidence
                    ),
                ),
                (Some((Status::Fail, reason)), Status::Fail | Status::Warn) => {
                    (false, format!("{} (expected: {reason})", verdict.evidence))
                }
                (_, Status::Fail) => (counts, verdict.evidence),
                (_, Status::Warn | Status::Unverified) => (options.strict, verdict.evidence),
                _ => (false, verdict.evidence),
            },
        };
        let result = CheckResult {
            id: check.id,
            title: check.title,
            severity: check.severity,
            basis: check.basis,
            host_source: check.host_source,
            help: verdict
                .help
                .or_else(|| crate::docs::lesson(check.profile, check.id).map(|l| l.fix)),
            hint: verdict.hint,
            status: verdict.status,
            skip_reason: verdict.skip,
            calls: verdict.calls,
            failure: verdict.failure.map(|f| *f),
            evidence,
            duration,
            expected: expected.map(|(s, _)| s),
            fails_run,
        };
        progress(Event::Finished {
            index: i + 1,
            total: checks.len(),
            result: &result,
        });
        results.push(result);
    }
    let count = |s: Status| results.iter().filter(|r| r.status == s).count();
    let not_run = results
        .iter()
        .filter(|r| {
            matches!(
                r.skip_reason,
                Some(SkipReason::NotLoaded | SkipReason::NotExercised)
            )
        })
        .count();
    let totals = Totals {
        total: results.len(),
        passed: count(Status::Pass),
        warned: count(Status::Warn),
        failed: count(Status::Fail),
        unverified: count(Status::Unverified),
        not_run,
        skipped: count(Status::Skip) - not_run,
        failing: results.iter().filter(|r| r.fails_run).count(),
    };
    let sha256 = subject
        .path()
        .and_then(|p| std::fs::read(p).ok())
        .map(|bytes| {
            Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        });
    let coverage = match hung {
        Some(at) => Coverage::nothing(format!(
            "not measured: the plugin hung in {at} (a hook never returned)"
        )),
        None => match subject.detached() {
            // The coverage calls the plugin too: bounded as a check is.
            Some(detached) => {
                let catalog = catalog.clone();
                let (tx, rx) = std::sync::mpsc::channel();
                let _ = std::thread::Builder::new()
                    .name("hookcheck coverage".into())
                    .spawn(move || {
                        let _ = tx.send(catalog.coverage(&detached()));
                    });
                rx.recv_timeout(deadline).unwrap_or_else(|_| {
                    Coverage::nothing(format!(
                        "not measured: a hook did not return within {deadline:?} while the coverage was taken"
                    ))
                })
            }
            None => catalog.coverage(subject),
        },
    };
    let conforms = totals.failing == 0 && !coverage_fails(&coverage, options.allow_unexercised);
    Report {
        schema_version: 3,
        tool: format!("hookcheck {}", env!("CARGO_PKG_VERSION")),
        artifact: subject.display_name(),
        sha256,
        profile: subject.contract(),
        strict: options.strict,
        allow_unexercised: options.allow_unexercised,
        conforms,
        checks: results,
        totals,
        coverage,
        protections: subject.protections(),
    }
}

fn coverage_fails(coverage: &Coverage, allow_unexercised: bool) -> bool {
    if allow_unexercised {
        coverage.calls() == 0
    } else {
        !coverage.complete()
    }
}

/// A pass that rests on zero calls of the plugin proves nothing: it
/// becomes a "not exercised" skip, which counts against conformance.
fn vacuous_pass_to_skip(verdict: Verdict) -> Verdict {
    match (verdict.status, verdict.calls) {
        (Status::Pass, Some(0)) => Verdict::unexercised(format!(
            "not exercised: no call of the plugin reached this rule ({})",
            verdict.evidence
        ))
        .with_calls(0),
        _ => verdict,
    }
}
