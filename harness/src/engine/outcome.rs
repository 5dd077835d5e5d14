//! The one value every hook call ends in.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::failure::{Failure, HookError};
use super::hooks::HookPoint;

/// A byte string that serializes as text when it is UTF-8 and as hex
/// (`{ "hex": "…" }`) when it is not, so traces stay readable.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as UTF-8 text, when they are.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Self(v)
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Self {
        Self(v.to_vec())
    }
}

impl From<&str> for Bytes {
    fn from(v: &str) -> Self {
        Self(v.as_bytes().to_vec())
    }
}

impl From<String> for Bytes {
    fn from(v: String) -> Self {
        Self(v.into_bytes())
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => write!(f, "{s:?}"),
            None => write!(f, "hex:{}", to_hex(&self.0)),
        }
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum BytesRepr {
    Text(String),
    Hex { hex: String },
}

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_str() {
            Some(text) => BytesRepr::Text(text.to_owned()),
            None => BytesRepr::Hex {
                hex: to_hex(&self.0),
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match BytesRepr::deserialize(d)? {
            BytesRepr::Text(t) => Ok(Bytes(t.into_bytes())),
            BytesRepr::Hex { hex } => from_hex(&hex).map(Bytes).ok_or_else(|| {
                serde::de::Error::custom("`hex` must be an even number of hex digits")
            }),
        }
    }
}

/// The result of one hook call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// No change; the chain goes on.
    Continue,
    /// The plugin produced a new value.
    Modified {
        /// The new value.
        output: Bytes,
    },
    /// The plugin answered the request itself.
    Respond {
        /// HTTP status.
        status: u16,
        /// Response headers.
        headers: Vec<(String, String)>,
        /// Response body.
        body: Bytes,
    },
    /// The plugin rejected the operation with a status and code.
    Reject {
        /// HTTP status.
        status: u16,
        /// Machine-readable code.
        code: String,
        /// Human-readable message.
        message: String,
        /// Extra response headers (`Retry-After`).
        headers: Vec<(String, String)>,
    },
    /// The plugin cancelled the operation (FeatherFly cancel, Rustant `Block`).
    Cancel {
        /// Why.
        reason: String,
    },
    /// The plugin failed.
    Error {
        /// What failed, where.
        error: HookError,
    },
}

impl Outcome {
    /// Builds a [`Outcome::Modified`].
    pub fn modified(output: impl Into<Bytes>) -> Self {
        Outcome::Modified {
            output: output.into(),
        }
    }

    /// Builds an [`Outcome::Error`].
    pub fn error(plugin: impl Into<String>, hook: HookPoint, failure: Failure) -> Self {
        Outcome::Error {
            error: HookError {
                plugin: plugin.into(),
                hook: hook.name.to_owned(),
                failure,
            },
        }
    }

    /// The failure, when this is an error outcome.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Outcome::Error { error } => Some(&error.failure),
            _ => None,
        }
    }

    /// A short name for the variant (`continue`, `modified`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Continue => "continue",
            Outcome::Modified { .. } => "modified",
            Outcome::Respond { .. } => "respond",
            Outcome::Reject { .. } => "reject",
            Outcome::Cancel { .. } => "cancel",
            Outcome::Error { .. } => "error",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Continue => f.write_str("continue"),
            Outcome::Modified { output } => write!(f, "modified ({} bytes)", output.0.len()),
            Outcome::Respond { status, .. } => write!(f, "respond {status}"),
            Outcome::Reject {
                status,
                code,
                message,
                ..
            } => {
                write!(f, "reject {status} {code}: {message}")
            }
            Outcome::Cancel { reason } => write!(f, "cancel: {reason}"),
            Outcome::Error { error } => write!(f, "error: {error}"),
        }
    }
}

/// What a plugin asked its host for in one call, as the plugin said it —
/// before the host's code read it. A FeatherFly `REQUEST_RESPOND` without
/// a status is [`Answer::Respond`] although the host answers 200 with it
/// ([`Outcome::Respond`] either way), and a `*_MODIFIED` with nothing
/// written is [`Answer::Modify`] although the host keeps the prior value
/// ([`Outcome::Continue`]). A check about one kind of answer counts these:
/// a rule about responses says nothing about a plugin that never responded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Go on, unchanged (`*_CONTINUE`, `Ok(())`, `Continue`).
    Continue,
    /// A new value (`*_MODIFIED`, a returned result, a mutated write).
    Modify,
    /// Answer the request (`REQUEST_RESPOND`, `ROUTE_OK`, a route handler).
    Respond,
    /// Refuse the operation (`Err(PluginError)`, a Lesstruct result that
    /// carries an `error`).
    Reject,
    /// Cancel (`CLOUDPANEL_CANCEL`, an event's `cancelled`, `Block`).
    Cancel,
    /// The call failed: an error code, a panic, a trap, a crash, a timeout.
    Fail,
    /// A return code the hook's table does not define.
    Undefined,
}

impl Answer {
    /// Every answer, in a fixed order (the order reports list them in).
    pub const ALL: [Answer; 7] = [
        Answer::Continue,
        Answer::Modify,
        Answer::Respond,
        Answer::Reject,
        Answer::Cancel,
        Answer::Fail,
        Answer::Undefined,
    ];

    /// The answer's name as reports print it (`respond`).
    pub fn name(self) -> &'static str {
        match self {
            Answer::Continue => "continue",
            Answer::Modify => "modify",
            Answer::Respond => "respond",
            Answer::Reject => "reject",
            Answer::Cancel => "cancel",
            Answer::Fail => "fail",
            Answer::Undefined => "undefined code",
        }
    }

    /// Its index in [`Answer::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Outcome {
    /// The answer this outcome is, when the plugin's own words and the
    /// host's reading of them are the same thing (every in-process call).
    pub fn answer(&self) -> Answer {
        match self {
            Outcome::Continue => Answer::Continue,
            Outcome::Modified { .. } => Answer::Modify,
            Outcome::Respond { .. } => Answer::Respond,
            Outcome::Reject { .. } => Answer::Reject,
            Outcome::Cancel { .. } => Answer::Cancel,
            Outcome::Error { .. } => Answer::Fail,
        }
    }
}

/// One hook call as a host hands it to a [`Pipeline`](super::Pipeline):
/// the outcome the host folds and, when it differs from what the outcome
/// itself says, the plugin's own [`Answer`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Called {
    /// What the host makes of the call.
    pub outcome: Outcome,
    /// What the plugin said, when the host read it as something else.
    pub said: Option<Answer>,
}

impl Called {
    /// A call whose plugin said `said` and whose host made `outcome` of it.
    pub fn said(outcome: Outcome, said: Answer) -> Self {
        let said = (outcome.answer() != said).then_some(said);
        Self { outcome, said }
    }
}

impl From<Outcome> for Called {
    fn from(outcome: Outcome) -> Self {
        Self {
            outcome,
            said: None,
        }
    }
}

/// A number of calls per [`Answer`]: what one registration answered over
/// a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Answers(pub [usize; 7]);

impl Answers {
    /// Counts one `answer`.
    pub fn add(&mut self, answer: Answer) {
        self.0[answer.index()] += 1;
    }

    /// How many calls answered `answer`.
    pub fn of(&self, answer: Answer) -> usize {
        self.0[answer.index()]
    }

    /// Every call counted.
    pub fn total(&self) -> usize {
        self.0.iter().sum()
    }

    /// The counts from `before` to `self` (both of one registration).
    #[must_use]
    pub fn since(&self, before: &Answers) -> Answers {
        let mut out = *self;
        for (n, b) in out.0.iter_mut().zip(before.0) {
            *n = n.saturating_sub(b);
        }
        out
    }

    /// Adds `other`'s counts.
    pub fn absorb(&mut self, other: &Answers) {
        for (n, o) in self.0.iter_mut().zip(other.0) {
            *n += o;
        }
    }
}

impl Answers {
    /// `continue ×17, respond ×0`: every answer seen, and each of `also`
    /// even when unseen (the answers the registration's hook can give).
    pub fn describe(&self, also: &[Answer]) -> String {
        Answer::ALL
            .into_iter()
            .filter(|a| self.of(*a) > 0 || also.contains(a))
            .map(|a| format!("{a} ×{}", self.of(a)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Serialize for Answers {
    /// A map of the answers seen: `{"continue": 17, "fail": 2}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let seen: Vec<Answer> = Answer::ALL
            .into_iter()
            .filter(|a| self.of(*a) > 0)
            .collect();
        let mut map = s.serialize_map(Some(seen.len()))?;
        for a in seen {
            map.serialize_entry(a.name(), &self.of(a))?;
        }
        map.end()
    }
}

impl fmt::Display for Answers {
    /// Every answer seen: `continue ×17, fail ×2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&[]))
    }
}
