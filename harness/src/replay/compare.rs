//! Comparing what replay observed with what a fixture expects, as readable
//! differences rather than a boolean.

use std::fmt;

use serde_json::Value;

use super::app::Observed;
use crate::engine::{Failure, HostileAct, Outcome};
use crate::fixtures::{Expect, StepRecord};

/// One place where the observed result differs from the fixture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Where: `status`, `body`, or `stage 2 (`mixin-b` json.response)`.
    pub at: String,
    /// What the fixture expects, rendered for reading.
    pub expected: String,
    /// What replay observed, rendered the same way.
    pub actual: String,
}

impl fmt::Display for Difference {
    /// The place, then a line diff (`-` expected, `+` observed) with three
    /// lines of context around each change. A plugin's control characters
    /// (an escape sequence in its name or output) are written as `\u{…}`,
    /// never sent to the terminal the difference is printed on.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:", visible(&self.at.replace('\n', " ")))?;
        let diff = similar::TextDiff::from_lines(&self.expected, &self.actual);
        for (i, group) in diff.grouped_ops(3).iter().enumerate() {
            if i > 0 {
                writeln!(f, "    ...")?;
            }
            for op in group {
                for change in diff.iter_changes(op) {
                    let sign = match change.tag() {
                        similar::ChangeTag::Delete => "- ",
                        similar::ChangeTag::Insert => "+ ",
                        similar::ChangeTag::Equal => "  ",
                    };
                    write!(f, "    {sign}{}", visible(change.value()))?;
                    if change.missing_newline() {
                        writeln!(f)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// `text` with every control character (C0, DEL, C1) but the newline and
/// the tab written as `\u{…}`.
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

/// Every difference between `expect` and `observed`, in the order a reader
/// wants them: status, each stage (the first differing stage is where a
/// change starts), then the body.
pub(crate) fn compare(expect: &Expect, observed: &Observed) -> Vec<Difference> {
    let mut out = Vec::new();
    if let Some(status) = expect.status
        && observed.status != Some(status)
    {
        out.push(Difference {
            at: "status".into(),
            expected: status.to_string(),
            actual: observed
                .status
                .map_or_else(|| "none".to_owned(), |s| s.to_string()),
        });
    }
    if let Some(steps) = &expect.steps {
        let actual: Vec<StepRecord> = observed.trace.steps.iter().map(StepRecord::from).collect();
        out.extend(compare_steps(steps, &actual));
    }
    if let Some(body) = &expect.body
        && !same_text_or_json(body, &observed.body)
    {
        out.push(Difference {
            at: "body".into(),
            expected: render_text(body),
            actual: render_text(&observed.body),
        });
    }
    out
}

fn compare_steps(expected: &[StepRecord], actual: &[StepRecord]) -> Vec<Difference> {
    let mut out = Vec::new();
    for i in 0..expected.len().max(actual.len()) {
        let stage = i + 1;
        match (expected.get(i), actual.get(i)) {
            (Some(e), Some(a)) if e.plugin != a.plugin || e.hook != a.hook => {
                out.push(Difference {
                    at: format!("stage {stage}"),
                    expected: format!("`{}` {}\n", e.plugin, e.hook),
                    actual: format!("`{}` {}\n", a.plugin, a.hook),
                });
            }
            (Some(e), Some(a)) if !same_outcome(&e.outcome, &a.outcome) => {
                out.push(Difference {
                    at: format!("stage {stage} (`{}` {})", e.plugin, e.hook),
                    expected: render_outcome(&e.outcome),
                    actual: render_outcome(&a.outcome),
                });
            }
            (Some(e), None) => out.push(Difference {
                at: format!("stage {stage} (`{}` {})", e.plugin, e.hook),
                expected: render_outcome(&e.outcome),
                actual: "(the stage did not run)\n".into(),
            }),
            (None, Some(a)) => out.push(Difference {
                at: format!("stage {stage} (`{}` {})", a.plugin, a.hook),
                expected: "(no such stage)\n".into(),
                actual: render_outcome(&a.outcome),
            }),
            _ => {}
        }
    }
    out
}

fn same_text_or_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Two outcomes are the same when they are equal as values, except that
/// two errors compare by plugin, hook and [`same_failure`]: a failure's
/// text can hold what changes from run to run (the call number of a forged
/// frame, a process id, an address in a panic message).
pub(crate) fn same_outcome(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (Outcome::Error { error: x }, Outcome::Error { error: y }) => {
            x.plugin == y.plugin && x.hook == y.hook && same_failure(&x.failure, &y.failure)
        }
        _ => a == b || outcome_view(a) == outcome_view(b),
    }
}

fn act_signal(act: &HostileAct) -> Option<i64> {
    match act {
        HostileAct::Signal { signal, .. } | HostileAct::DeathSignal { signal } => Some(*signal),
        _ => None,
    }
}

/// Whether two failures are the same failure, as replay compares them: the
/// same variant with the same typed fields (the bad-output kind, the trap
/// code, the error code, how a process ended, the deadline, the
/// out-of-bounds read, the kind of hostile act), whatever their free text
/// says (`reason`, `message`, `stderr`), which is for a person and may
/// differ between two runs of the same plugin.
///
/// ```
/// use hookcheck::engine::{BadOutput, Failure};
/// use hookcheck::replay::same_failure;
///
/// let first = Failure::Protocol { reason: "an answer to call 1 arrived for call 8120".into() };
/// let again = Failure::Protocol { reason: "an answer to call 1 arrived for call 77".into() };
/// assert!(same_failure(&first, &again));
/// assert!(!same_failure(
///     &Failure::bad_output(BadOutput::NotJson, "x"),
///     &Failure::bad_output(BadOutput::NotUtf8, "x"),
/// ));
/// ```
pub fn same_failure(a: &Failure, b: &Failure) -> bool {
    use Failure as F;
    match (a, b) {
        (F::Trap { code: x, .. }, F::Trap { code: y, .. }) => x == y,
        (F::Timeout { limit_ms: x }, F::Timeout { limit_ms: y }) => x == y,
        (
            F::OutOfBounds {
                offset,
                len,
                memory_size,
            },
            F::OutOfBounds {
                offset: o,
                len: l,
                memory_size: m,
            },
        ) => (offset, len, memory_size) == (o, l, m),
        (F::BadOutput { kind: x, .. }, F::BadOutput { kind: y, .. }) => x == y,
        (F::Crash { end: x, .. }, F::Crash { end: y, .. }) => x == y,
        (F::Code { code: x }, F::Code { code: y }) => x == y,
        // What the act was and the signal it sent; not the process id it
        // aimed at or the path it wrote, which change between runs.
        (F::Hostile { act: x, .. }, F::Hostile { act: y, .. }) => {
            std::mem::discriminant(x) == std::mem::discriminant(y) && act_signal(x) == act_signal(y)
        }
        (F::Panic { .. }, F::Panic { .. })
        | (F::Plugin { .. }, F::Plugin { .. })
        | (F::Protocol { .. }, F::Protocol { .. })
        | (F::HostFault { .. }, F::HostFault { .. }) => true,
        // Two different variants; or one added later, which compares whole
        // until it says what it compares.
        _ => a == b,
    }
}

fn render_text(text: &str) -> String {
    let mut out = match serde_json::from_str::<Value>(text) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_else(|_| text.to_owned()),
        Err(_) => text.to_owned(),
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The outcome as a JSON value whose byte strings holding JSON are parsed,
/// so two outcomes that differ only in key order compare equal and a
/// difference reads as structure.
pub(crate) fn outcome_view(outcome: &Outcome) -> Value {
    let mut value = serde_json::to_value(outcome).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        for key in ["output", "body"] {
            if let Some(Value::String(text)) = map.get(key)
                && let Ok(parsed) = serde_json::from_str::<Value>(text)
            {
                map.insert(key.to_owned(), parsed);
            }
        }
    }
    value
}

fn render_outcome(outcome: &Outcome) -> String {
    serde_yaml_ng::to_string(&outcome_view(outcome)).unwrap_or_else(|_| format!("{outcome}\n"))
}
