//! Stable, reviewable views of a pipeline run for `insta` snapshots: one
//! section per stage with what that plugin changed. Durations are left out
//! and machine paths redacted, so a snapshot changes only when a plugin's
//! behaviour does, and `cargo insta review` points at the stage.

use serde::Serialize;
use serde_json::Value;

use super::compare::{outcome_view, same_outcome};
use crate::engine::{Outcome, Step, Trace};

/// Every stage of a pipeline run.
///
/// ```
/// use hookcheck::engine::{Outcome, Trace, TraceMode, hook};
/// use hookcheck::replay::Stages;
/// use std::time::Duration;
///
/// let mut trace = Trace::new(TraceMode::Full);
/// let out = br#"{"a":1,"b":2}"#;
/// let json = hook(hookcheck::featherfly::HOOKS, "json.response").point;
/// trace.push("adds-b", json, Some(br#"{"a":1}"#), &Outcome::modified(&out[..]), Some(out), Duration::ZERO);
/// let stages = Stages::of(&trace);
/// assert_eq!(stages.stages[0].changes[0].path, "/b");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stages {
    /// The stages in order.
    pub stages: Vec<Stage>,
}

/// One plugin's step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stage {
    /// 1-based position in the run.
    pub stage: usize,
    /// The plugin.
    pub plugin: String,
    /// The hook.
    pub hook: String,
    /// `continue`, `modified`, `respond`, `reject`, `cancel` or `error`.
    pub outcome: &'static str,
    /// What the stage changed in the value it was given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// For outcomes other than continue and modified: the outcome itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Value>,
}

/// One change a stage made, at a JSON pointer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// The JSON pointer (`/actions/2`); empty for the whole value.
    pub path: String,
    /// The value before, absent when the stage added it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value after, absent when the stage removed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

impl Stages {
    /// The stages of `trace` (recorded with `TraceMode::Full`, so each step
    /// has its input and output).
    pub fn of(trace: &Trace) -> Self {
        let stages = trace
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| stage(i + 1, step))
            .collect();
        Self { stages }
    }

    /// The 1-based numbers of the stages that differ between `self` and
    /// `other` (a stage present in only one counts). Two failures differ
    /// by their kind, not their text, as replay compares them
    /// ([`same_failure`](super::same_failure)).
    pub fn differing(&self, other: &Stages) -> Vec<usize> {
        (0..self.stages.len().max(other.stages.len()))
            .filter(|&i| match (self.stages.get(i), other.stages.get(i)) {
                (Some(a), Some(b)) => !same_stage(a, b),
                (a, b) => a != b,
            })
            .map(|i| i + 1)
            .collect()
    }
}

fn same_stage(a: &Stage, b: &Stage) -> bool {
    if a == b {
        return true;
    }
    let error = |stage: &Stage| {
        stage
            .detail
            .clone()
            .and_then(|d| serde_json::from_value::<Outcome>(d).ok())
            .filter(|o| matches!(o, Outcome::Error { .. }))
    };
    (a.stage, &a.plugin, &a.hook, a.outcome, &a.changes)
        == (b.stage, &b.plugin, &b.hook, b.outcome, &b.changes)
        && match (error(a), error(b)) {
            (Some(x), Some(y)) => same_outcome(&x, &y),
            _ => false,
        }
}

fn stage(number: usize, step: &Step) -> Stage {
    let changes = match (&step.outcome, &step.input, &step.output) {
        (Outcome::Modified { .. }, Some(input), Some(output)) => {
            changes(input.as_slice(), output.as_slice())
        }
        _ => Vec::new(),
    };
    let detail = match step.outcome {
        Outcome::Continue | Outcome::Modified { .. } => None,
        ref other => Some(redact_value(outcome_view(other))),
    };
    Stage {
        stage: number,
        plugin: step.plugin.clone(),
        hook: step.hook.name.to_owned(),
        outcome: step.outcome.kind(),
        changes,
        detail,
    }
}

fn changes(before: &[u8], after: &[u8]) -> Vec<Change> {
    let mut out = Vec::new();
    match (
        serde_json::from_slice::<Value>(before),
        serde_json::from_slice::<Value>(after),
    ) {
        (Ok(b), Ok(a)) => diff(&b, &a, String::new(), &mut out),
        _ => {
            let text = |bytes: &[u8]| Value::String(redact(&String::from_utf8_lossy(bytes)));
            if before != after {
                out.push(Change {
                    path: String::new(),
                    before: Some(text(before)),
                    after: Some(text(after)),
                });
            }
        }
    }
    out
}

fn diff(before: &Value, after: &Value, path: String, out: &mut Vec<Change>) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let at = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (b.get(key), a.get(key)) {
                    (Some(x), Some(y)) => diff(x, y, at, out),
                    (x, y) => out.push(change(at, x, y)),
                }
            }
        }
        (Value::Array(b), Value::Array(a)) if a.len() >= b.len() && a.starts_with(b) => {
            for (i, item) in a.iter().enumerate().skip(b.len()) {
                out.push(change(format!("{path}/{i}"), None, Some(item)));
            }
        }
        (Value::Array(b), Value::Array(a)) if a.len() == b.len() => {
            for (i, (x, y)) in b.iter().zip(a).enumerate() {
                diff(x, y, format!("{path}/{i}"), out);
            }
        }
        (b, a) if b != a => out.push(change(path, Some(b), Some(a))),
        _ => {}
    }
}

fn change(path: String, before: Option<&Value>, after: Option<&Value>) -> Change {
    Change {
        path,
        before: before.cloned().map(redact_value),
        after: after.cloned().map(redact_value),
    }
}

fn redact_value(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(redact(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(redact_value).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, redact_value(v))).collect())
        }
        other => other,
    }
}

/// Replaces this machine's paths (working directory, temp directory, home)
/// in `text` with `[cwd]`, `[tmp]` and `[home]`.
pub fn redact(text: &str) -> String {
    let mut out = text.to_owned();
    let dirs = [
        (std::env::current_dir().ok(), "[cwd]"),
        (Some(std::env::temp_dir()), "[tmp]"),
        (std::env::var_os("HOME").map(Into::into), "[home]"),
    ];
    for (dir, mark) in dirs {
        let Some(dir) = dir else { continue };
        let dir = dir.to_string_lossy();
        let dir = dir.trim_end_matches('/');
        if dir.len() > 1 {
            out = out.replace(dir, mark);
        }
    }
    out
}
