//! What a suite's checks count over the exercise: calls that returned,
//! calls that timed out, and the first failure of those that did not
//! return.

use hookcheck::engine::{Failure, HookError, Outcome, Trace};

use crate::check::Check;

/// Whether a step of `trace` timed out.
pub(crate) fn timed_out(trace: &Trace) -> bool {
    trace
        .outcomes()
        .any(|o| matches!(o.failure(), Some(Failure::Timeout { .. })))
}

/// The calls of `trace` that returned: a failed call says nothing about a
/// rule that a check reads from outputs.
pub(crate) fn returned(trace: &Trace) -> usize {
    trace.outcomes().filter(|o| o.failure().is_none()).count()
}

/// The calls a check that reads outputs made: how many returned, and the
/// first failure of those that did not. A check all of whose calls failed
/// has no output to judge; the failure belongs to the check whose rule
/// it breaks.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Calls that returned.
    pub(crate) returned: usize,
    /// Calls that failed.
    pub(crate) failed: usize,
    /// The first failure.
    pub(crate) first: Option<HookError>,
}

impl Tally {
    /// Counts every step of `trace`.
    pub(crate) fn add(&mut self, trace: &Trace) {
        for outcome in trace.outcomes() {
            self.add_outcome(outcome);
        }
    }

    /// Counts one call.
    pub(crate) fn add_outcome(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Error { error } => {
                self.failed += 1;
                self.first.get_or_insert_with(|| error.clone());
            }
            _ => self.returned += 1,
        }
    }

    /// The verdict when calls were made and none returned: no valid
    /// output, the cause named by the check of `checks` that owns the
    /// first failure.
    pub(crate) fn nothing_returned(&self, checks: &[Check]) -> Option<crate::check::Verdict> {
        if self.returned > 0 {
            return None;
        }
        let first = self.first.as_ref()?;
        // An error code the contract defines is an answer, not a broken
        // call: no check owns it, and the caller says what was not seen.
        let cause = crate::check::owner(checks, first)?;
        Some(crate::check::Verdict::no_valid_output(
            cause,
            format!(
                "every one of the {} calls failed, the first: {first}",
                self.failed
            ),
        ))
    }
}
