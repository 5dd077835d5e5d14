//! Traces: what every step of a pipeline run saw and did.

use std::time::Duration;

use serde::{Serialize, Serializer};

use super::outcome::{Bytes, Outcome};

/// How much a pipeline run records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceMode {
    /// Nothing: the hot-path setting for benchmarks and production-like use.
    Off,
    /// Plugin, hook, outcome and duration, without input and output bytes.
    Outcomes,
    /// Everything, including each step's input and output.
    #[default]
    Full,
}

fn duration_ns<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// One plugin's hook call in a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The plugin's name.
    pub plugin: String,
    /// The hook's name.
    pub hook: String,
    /// The value the plugin was given (with [`TraceMode::Full`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Bytes>,
    /// What the call ended in.
    pub outcome: Outcome,
    /// The value after this step (with [`TraceMode::Full`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Bytes>,
    /// How long the call took.
    #[serde(rename = "duration_ns", serialize_with = "duration_ns")]
    pub duration: Duration,
}

/// Every step of one or more pipeline runs, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// How much is recorded.
    #[serde(skip)]
    pub mode: TraceMode,
    /// The steps.
    pub steps: Vec<Step>,
    /// What plugins did against the contract documents that the host's
    /// code lets through (a code outside the tables treated as "unchanged",
    /// a response without a status answered 200, …): not failures of the
    /// call, but what the documents-only checks read. Recorded whatever
    /// the mode; a host never decides from it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tolerated: Vec<super::failure::HookError>,
}

impl Trace {
    /// An empty trace recording at `mode`.
    pub fn new(mode: TraceMode) -> Self {
        Self {
            mode,
            steps: Vec::new(),
            tolerated: Vec::new(),
        }
    }

    /// Appends `other`'s steps and what it tolerated.
    pub fn absorb(&mut self, other: Trace) {
        self.steps.extend(other.steps);
        self.tolerated.extend(other.tolerated);
    }

    /// The outcomes of every step, in order.
    pub fn outcomes(&self) -> impl Iterator<Item = &Outcome> {
        self.steps.iter().map(|s| &s.outcome)
    }

    /// The steps of plugin `name`.
    pub fn steps_of<'a>(&'a self, plugin: &'a str) -> impl Iterator<Item = &'a Step> {
        self.steps.iter().filter(move |s| s.plugin == plugin)
    }

    /// Appends a step, honouring the trace mode.
    pub fn push(
        &mut self,
        plugin: &str,
        hook: &str,
        input: Option<&[u8]>,
        outcome: &Outcome,
        output: Option<&[u8]>,
        duration: Duration,
    ) {
        let full = match self.mode {
            TraceMode::Off => return,
            TraceMode::Outcomes => false,
            TraceMode::Full => true,
        };
        self.steps.push(Step {
            plugin: plugin.to_owned(),
            hook: hook.to_owned(),
            input: input.filter(|_| full).map(Bytes::from),
            outcome: outcome.clone(),
            output: output.filter(|_| full).map(Bytes::from),
            duration,
        });
    }
}
