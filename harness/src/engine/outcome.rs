//! The one value every hook call ends in.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::failure::{Failure, HookError};

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
    pub fn error(plugin: impl Into<String>, hook: impl Into<String>, failure: Failure) -> Self {
        Outcome::Error {
            error: HookError {
                plugin: plugin.into(),
                hook: hook.into(),
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
