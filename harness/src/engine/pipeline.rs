//! Folding hook outcomes in load order under a hook's rule.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::failure::HookError;
use super::hooks::OnError;
use super::hooks::{HookKind, HookSpec};
use super::outcome::{Called, Outcome};
use super::trace::{Trace, TraceMode};

/// Why a pipeline stopped before its last step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stop {
    /// The index of the step that stopped it.
    pub step: usize,
    /// The plugin of that step.
    pub plugin: String,
    /// The outcome that stopped it.
    pub outcome: Outcome,
    /// The HTTP status the host answers with, for a failure that the
    /// profile maps to one ([`OnError::Stop`]).
    pub status: Option<u16>,
}

/// The result of a pipeline run: everything a host decides from, whatever
/// the trace mode (a host never reads its decisions back from the trace).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Folded {
    /// The value after the last step that ran.
    pub value: Vec<u8>,
    /// Why the run stopped early, if it did.
    pub stop: Option<Stop>,
    /// Whether some step replaced the value.
    pub modified: bool,
    /// The failures the run went on after (the prior value kept, or an
    /// observer's failure), in order.
    pub errors: Vec<HookError>,
}

/// Runs one hook point's handlers in order and folds their outcomes.
#[derive(Clone, Copy, Debug)]
pub struct Pipeline {
    spec: HookSpec,
}

enum Next {
    Keep,
    Replace(Vec<u8>),
    Stop(Option<u16>),
}

impl Pipeline {
    /// A pipeline for the hook `spec`.
    pub fn new(spec: &HookSpec) -> Self {
        Self { spec: *spec }
    }

    /// Runs `steps` over `value`. Each step gets the current value and
    /// returns an outcome (or a [`Called`]: the outcome with what the
    /// plugin said, when the host read it otherwise); the hook's kind and
    /// failure policy decide what the next step sees and whether the run
    /// stops.
    pub fn run<'a, I, F, C>(&self, mut value: Vec<u8>, steps: I, trace: &mut Trace) -> Folded
    where
        I: IntoIterator<Item = (&'a str, F)>,
        F: FnOnce(&[u8]) -> C,
        C: Into<Called>,
    {
        let hook = self.spec.point;
        let mut modified = false;
        let mut errors = Vec::new();
        for (index, (plugin, call)) in steps.into_iter().enumerate() {
            let (called, duration): (Called, _) = timed(trace.mode, || call(&value).into());
            let next = self.decide(&called.outcome);
            let output = match &next {
                Next::Replace(v) => Some(v.as_slice()),
                _ => Some(value.as_slice()),
            };
            trace.push_called(plugin, hook, Some(&value), &called, output, duration);
            let outcome = called.outcome;
            match next {
                Next::Keep => {
                    if let Outcome::Error { error } = &outcome {
                        errors.push(error.clone());
                    }
                }
                Next::Replace(v) => {
                    modified = true;
                    value = v;
                }
                Next::Stop(status) => {
                    let stop = Stop {
                        step: index,
                        plugin: plugin.to_owned(),
                        outcome,
                        status,
                    };
                    return Folded {
                        value,
                        stop: Some(stop),
                        modified,
                        errors,
                    };
                }
            }
        }
        Folded {
            value,
            stop: None,
            modified,
            errors,
        }
    }

    fn decide(&self, outcome: &Outcome) -> Next {
        match (self.spec.kind, outcome) {
            (_, Outcome::Continue) => Next::Keep,
            (HookKind::Observe, Outcome::Cancel { .. }) => Next::Stop(None),
            (HookKind::Observe, _) => Next::Keep,
            (_, Outcome::Modified { output }) => Next::Replace(output.0.clone()),
            (_, Outcome::Error { .. }) => match self.spec.on_error {
                OnError::KeepPrior => Next::Keep,
                OnError::Stop { status } => Next::Stop(Some(status)),
            },
            (_, Outcome::Respond { .. } | Outcome::Reject { .. } | Outcome::Cancel { .. }) => {
                Next::Stop(None)
            }
        }
    }
}

/// Runs `f`, timing it unless tracing is off.
pub(crate) fn timed<T>(mode: TraceMode, f: impl FnOnce() -> T) -> (T, Duration) {
    if mode == TraceMode::Off {
        return (f(), Duration::ZERO);
    }
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}
