//! The FeatherFly host rules as pure functions: route patterns, header
//! redaction, and what each return code means for each hook.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;

use super::calls::{HookOutput, RegKind};
use crate::engine::{Failure, Outcome};

/// Phrases every `BadOutput` reason of its kind contains, so tools (the
/// conformance checks) can tell failures apart without copying message text.
pub mod reasons {
    /// MODIFIED / RESPOND / ROUTE_OK without an output length.
    pub const NO_OUTPUT: &str = "but wrote no output length";
    /// An output past (or claiming more than) the host's buffer.
    pub const OVER_CAPACITY: &str = "the output buffer's capacity";
    /// A JSON output that does not parse.
    pub const NOT_JSON: &str = "is not valid JSON";
    /// A `config.mutate` output that does not parse.
    pub const NOT_YAML: &str = "output is not valid YAML";
    /// A code outside the hook's table.
    pub const UNDEFINED_CODE: &str = "which the contract does not define";
    /// A `json.actions` output that is not an array.
    pub const ACTIONS_NOT_ARRAY: &str = "json.actions output is not an array";
    /// REQUEST_RESPOND without a status in 100–599.
    pub const RESPOND_NO_STATUS: &str = "REQUEST_RESPOND without a valid status";
    /// ROUTE_OK without a valid status or body.
    pub const ROUTE_OK: &str = "ROUTE_OK";
    /// CLOUDPANEL_MODIFIED with unusable args.
    pub const CLOUDPANEL_ARGS: &str = "CLOUDPANEL_MODIFIED";
    /// A lifecycle `HookResult` other than 0 or 1.
    pub const EVENT_RESULT: &str = "HookResult.cancelled is";
}

use reasons::*;

/// Whether a request or JSON hook `pattern` covers `path`: `*` covers
/// everything, `/api/*` everything under `/api/`, and any other pattern
/// covers itself and the paths below it (`/api` covers `/api/system`).
pub fn pattern_matches(pattern: &str, path: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if let Some(base) = pattern.strip_suffix('*') {
        let dir = base.trim_end_matches('/');
        return path.starts_with(base) || path == dir;
    }
    let base = pattern.trim_end_matches('/');
    path == base
        || path
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
        || base.is_empty()
}

/// Headers as the plugin sees them: a JSON object with lowercase keys,
/// later duplicates winning, and `authorization` redacted.
pub fn headers_json(headers: &[(String, String)]) -> Vec<u8> {
    // Borrowed keys and values: one allocation for the JSON, plus one per
    // header name that is not lower case already. Runs on every request.
    let mut map: BTreeMap<Cow<'_, str>, &str> = BTreeMap::new();
    for (k, v) in headers {
        let key = if k.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(k.to_ascii_lowercase())
        } else {
            Cow::Borrowed(k.as_str())
        };
        let value = if key == "authorization" {
            "[REDACTED]"
        } else {
            v.as_str()
        };
        map.insert(key, value);
    }
    serde_json::to_vec(&map).unwrap_or_else(|_| b"{}".to_vec())
}

fn bad(reason: impl Into<String>) -> Failure {
    Failure::BadOutput {
        reason: reason.into(),
    }
}

/// The written output of a call that claims to have written one.
fn written(out: &HookOutput, code_name: &str) -> Result<Vec<u8>, Failure> {
    if out.overflowed {
        return Err(bad(format!("{code_name}: wrote past {OVER_CAPACITY}")));
    }
    if let Some(claimed) = out.claimed_len {
        return Err(bad(format!(
            "{code_name}: claimed {claimed} output bytes, more than {OVER_CAPACITY}"
        )));
    }
    out.output
        .as_ref()
        .map(|b| b.0.clone())
        .ok_or_else(|| bad(format!("{code_name} {NO_OUTPUT}")))
}

fn check_json(bytes: &[u8], what: &str) -> Result<Value, Failure> {
    serde_json::from_slice(bytes).map_err(|e| bad(format!("{what} {NOT_JSON}: {e}")))
}

fn unknown(code: i32) -> Failure {
    bad(format!("returned {code}, {UNDEFINED_CODE} for this hook"))
}

fn status_ok(status: u16) -> bool {
    (100..=599).contains(&status)
}

/// What a raw hook output means under the contract's code table.
pub fn interpret(kind: &RegKind, out: &HookOutput, plugin: &str) -> Outcome {
    let hook = kind.hook_name();
    let fail = |f: Failure| Outcome::error(plugin, hook, f);
    let code = out.code;
    if code < 0 {
        let failure = if out.overflowed {
            bad(format!(
                "returned {code} after writing past {OVER_CAPACITY}"
            ))
        } else {
            Failure::Code {
                code: i64::from(code),
            }
        };
        return fail(failure);
    }
    match kind {
        RegKind::Event { .. } => match code {
            0 => Outcome::Continue,
            1 => Outcome::Cancel {
                reason: format!("plugin `{plugin}` cancelled the event"),
            },
            other => fail(bad(format!("{EVENT_RESULT} {other}, not 0 or 1"))),
        },
        RegKind::Config => match code {
            0 => match written(out, "CONFIG_MUTATE_MODIFIED") {
                Ok(yaml) => match serde_yaml_ng::from_slice::<serde_yaml_ng::Value>(&yaml) {
                    Ok(_) => Outcome::modified(yaml),
                    Err(e) => fail(bad(format!("{NOT_YAML}: {e}"))),
                },
                Err(f) => fail(f),
            },
            1 => Outcome::Continue,
            other => fail(unknown(other)),
        },
        RegKind::Json { target, .. } => match code {
            0 => match written(out, "JSON_MUTATE_MODIFIED")
                .and_then(|b| check_json(&b, "output").map(|v| (b, v)))
            {
                Ok((_, v)) if *target == 2 && !v.is_array() => {
                    fail(bad(format!("{ACTIONS_NOT_ARRAY}: {v}")))
                }
                Ok((bytes, _)) => Outcome::modified(bytes),
                Err(f) => fail(f),
            },
            1 => Outcome::Continue,
            other => fail(unknown(other)),
        },
        RegKind::Request { .. } => match code {
            0 => Outcome::Continue,
            1 if !status_ok(out.status) => fail(bad(format!(
                "{RESPOND_NO_STATUS} (status is {})",
                out.status
            ))),
            1 => match written(out, "REQUEST_RESPOND") {
                Ok(body) => Outcome::Respond {
                    status: out.status,
                    headers: Vec::new(),
                    body: body.into(),
                },
                Err(f) => fail(f),
            },
            other => fail(unknown(other)),
        },
        RegKind::Route { .. } => match code {
            0 if !status_ok(out.status) => fail(bad(format!(
                "{ROUTE_OK} without a valid status (status is {})",
                out.status
            ))),
            0 => match written(out, ROUTE_OK) {
                Ok(body) => Outcome::Respond {
                    status: out.status,
                    headers: Vec::new(),
                    body: body.into(),
                },
                Err(f) => fail(f),
            },
            other => fail(unknown(other)),
        },
        RegKind::CloudPanel => match code {
            0 => Outcome::Continue,
            1 => {
                match written(out, CLOUDPANEL_ARGS)
                    .and_then(|b| check_json(&b, &format!("{CLOUDPANEL_ARGS} args")).map(|_| b))
                {
                    Ok(args) => Outcome::modified(args),
                    Err(f) => fail(f),
                }
            }
            2 => {
                let reason = out.reason.as_ref().map_or_else(
                    || "cancelled without a reason".to_owned(),
                    |r| String::from_utf8_lossy(&r.0).into_owned(),
                );
                Outcome::Cancel { reason }
            }
            other => fail(unknown(other)),
        },
    }
}
