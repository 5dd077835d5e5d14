//! Traces: what every step of a pipeline run saw and did.

use std::time::Duration;

use serde::{Serialize, Serializer};

use super::failure::HookError;
use super::hooks::HookPoint;
use super::outcome::{Answer, Bytes, Called, Outcome};

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
    /// The hook point, written as its name.
    #[serde(serialize_with = "super::hooks::serialize_name")]
    pub hook: HookPoint,
    /// The value the plugin was given (with [`TraceMode::Full`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Bytes>,
    /// What the call ended in, as the host reads it.
    pub outcome: Outcome,
    /// What the plugin said, when the host read it as something else (a
    /// `REQUEST_RESPOND` without a status, which the host answers as a
    /// 200); `None` when the outcome is what the plugin said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub said: Option<Answer>,
    /// The value after this step (with [`TraceMode::Full`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Bytes>,
    /// How long the call took.
    #[serde(rename = "duration_ns", serialize_with = "duration_ns")]
    pub duration: Duration,
}

impl Step {
    /// What the plugin answered, in its own words.
    pub fn answer(&self) -> Answer {
        self.said.unwrap_or_else(|| self.outcome.answer())
    }
}

/// Whether a plugin's intent survives what the host's code makes of a
/// break of the documents that the code lets through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// The host does what the plugin meant (it inserts any JSON value as
    /// `actions`, it sends a status of 600-999 as is): a warning.
    Kept,
    /// The host silently does something the plugin did not say (a 200 for
    /// a missing status, the prior value for an empty change, a dropped
    /// result): in production the plugin's intent is lost, a failure.
    Lost,
}

/// A break of the documents that the host's code let through, and whether
/// the plugin's intent survived it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tolerated {
    /// What the plugin did, where, as a typed failure.
    #[serde(flatten)]
    pub error: HookError,
    /// Whether the host still does what the plugin meant.
    pub intent: Intent,
}

impl Tolerated {
    /// A break the host turns into what the plugin meant.
    pub fn kept(error: HookError) -> Self {
        Self {
            error,
            intent: Intent::Kept,
        }
    }

    /// A break after which the host does something the plugin did not say.
    pub fn lost(error: HookError) -> Self {
        Self {
            error,
            intent: Intent::Lost,
        }
    }
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
    pub tolerated: Vec<Tolerated>,
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

    /// Appends a step whose outcome is what the plugin said, honouring
    /// the trace mode.
    pub fn push(
        &mut self,
        plugin: &str,
        hook: HookPoint,
        input: Option<&[u8]>,
        outcome: &Outcome,
        output: Option<&[u8]>,
        duration: Duration,
    ) {
        self.push_said(plugin, hook, input, outcome, None, output, duration);
    }

    /// Appends a step of a call the host may have read differently from
    /// what the plugin said ([`Called::said`]), honouring the trace mode.
    pub fn push_called(
        &mut self,
        plugin: &str,
        hook: HookPoint,
        input: Option<&[u8]>,
        called: &Called,
        output: Option<&[u8]>,
        duration: Duration,
    ) {
        let Called { outcome, said } = called;
        self.push_said(plugin, hook, input, outcome, *said, output, duration);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_said(
        &mut self,
        plugin: &str,
        hook: HookPoint,
        input: Option<&[u8]>,
        outcome: &Outcome,
        said: Option<Answer>,
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
            hook,
            input: input.filter(|_| full).map(Bytes::from),
            outcome: outcome.clone(),
            said,
            output: output.filter(|_| full).map(Bytes::from),
            duration,
        });
    }
}
