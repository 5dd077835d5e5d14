//! The FeatherFly host rules as pure functions: route patterns, header
//! redaction, and what each return code means for each hook.

use std::borrow::Cow;

use serde_json::Value;

use super::calls::{HookOutput, RegKind};
use crate::engine::{BadOutput, CodeEffect, FEATHERFLY_CODES, Failure, Outcome};

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

/// Headers as the plugin sees them: a JSON object with lowercase keys in
/// byte order, later duplicates winning, and `authorization` redacted.
pub fn headers_json(headers: &[(String, String)]) -> Vec<u8> {
    // Runs on every request, so it borrows what it can: one allocation for
    // the list, one for the JSON, one per header name not lower case already.
    let mut list: Vec<(Cow<'_, str>, &str)> = headers
        .iter()
        .map(|(k, v)| {
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
            (key, value)
        })
        .collect();
    // Stable: equal keys keep their request order, so the last one is the
    // one to keep.
    list.sort_by(|a, b| a.0.cmp(&b.0));
    let size: usize = list.iter().map(|(k, v)| k.len() + v.len() + 6).sum();
    let mut out = Vec::with_capacity(size + 2);
    out.push(b'{');
    for (i, (key, value)) in list.iter().enumerate() {
        if list.get(i + 1).is_some_and(|next| next.0 == *key) {
            continue;
        }
        if out.len() > 1 {
            out.push(b',');
        }
        json_string(&mut out, key);
        out.push(b':');
        json_string(&mut out, value);
    }
    out.push(b'}');
    out
}

/// Appends `s` as a JSON string; copies it whole when nothing needs escaping.
fn json_string(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        // Writing a `str` into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Whether a byte of `s` needs a JSON escape: a control byte, `"` or `\`.
/// Eight bytes at a time, since header values are scanned on every request.
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // Some byte of `x` is below `n` (n ≤ 128) exactly when a high bit of
    // `(x - n·ONES) & !x` is set.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS != 0;
    let (words, rest) = s.as_chunks::<8>();
    words.iter().any(|word| {
        let x = u64::from_le_bytes(*word);
        below(x, 0x20)
            || below(x ^ (ONES * u64::from(b'"')), 1)
            || below(x ^ (ONES * u64::from(b'\\')), 1)
    }) || rest.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

fn bad(kind: BadOutput, reason: impl Into<String>) -> Failure {
    Failure::bad_output(kind, reason)
}

/// The written output of a call that claims to have written one.
fn written(out: &HookOutput, code_name: &str) -> Result<Vec<u8>, Failure> {
    if out.overflowed {
        return Err(bad(
            BadOutput::OverCapacity,
            format!("{code_name}: wrote past the output buffer's capacity"),
        ));
    }
    if let Some(claimed) = out.claimed_len {
        return Err(bad(
            BadOutput::OverCapacity,
            format!(
                "{code_name}: claimed {claimed} output bytes, more than the output buffer's capacity"
            ),
        ));
    }
    out.output.as_ref().map(|b| b.0.clone()).ok_or_else(|| {
        bad(
            BadOutput::MissingOutput,
            format!("{code_name} but wrote no output length"),
        )
    })
}

fn check_json(bytes: &[u8], what: &str) -> Result<Value, Failure> {
    serde_json::from_slice(bytes)
        .map_err(|e| bad(BadOutput::NotJson, format!("{what} is not valid JSON: {e}")))
}

fn unknown(code: i32) -> Failure {
    bad(
        BadOutput::UndefinedCode,
        format!("returned {code}, which the contract does not define for this hook"),
    )
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
            bad(
                BadOutput::OverCapacity,
                format!("returned {code} after writing past the output buffer's capacity"),
            )
        } else {
            Failure::Code {
                code: i64::from(code),
            }
        };
        return fail(failure);
    }
    if let RegKind::Event { .. } = kind {
        return match code {
            0 => Outcome::Continue,
            1 => Outcome::Cancel {
                reason: format!("plugin `{plugin}` cancelled the event"),
            },
            other => fail(bad(
                BadOutput::EventResult,
                format!("HookResult.cancelled is {other}, not 0 or 1"),
            )),
        };
    }
    // The code table is the rule: a code it does not define is an error,
    // and a defined code does what its row says.
    let Some(meaning) = FEATHERFLY_CODES
        .iter()
        .find(|t| t.hook == hook)
        .and_then(|t| t.meaning(code))
    else {
        return fail(unknown(code));
    };
    let name = meaning.name;
    match (meaning.effect, kind) {
        (CodeEffect::Keep, _) => Outcome::Continue,
        (CodeEffect::Replace, RegKind::Config) => match written(out, name) {
            Ok(yaml) => match crate::limits::check_nesting(&yaml).and_then(|()| {
                serde_yaml_ng::from_slice::<serde_yaml_ng::Value>(&yaml).map_err(|e| e.to_string())
            }) {
                Ok(_) => Outcome::modified(yaml),
                Err(e) => fail(bad(
                    BadOutput::NotYaml,
                    format!("config.mutate output is not valid YAML: {e}"),
                )),
            },
            Err(f) => fail(f),
        },
        (CodeEffect::Replace, RegKind::Json { target, .. }) => {
            match written(out, name).and_then(|b| check_json(&b, "output").map(|v| (b, v))) {
                Ok((_, v)) if *target == 2 && !v.is_array() => fail(bad(
                    BadOutput::ActionsNotArray,
                    format!("json.actions output is not an array: {v}"),
                )),
                Ok((bytes, _)) => Outcome::modified(bytes),
                Err(f) => fail(f),
            }
        }
        (CodeEffect::Replace, _) => {
            match written(out, name)
                .and_then(|b| check_json(&b, &format!("{name} args")).map(|_| b))
            {
                Ok(args) => Outcome::modified(args),
                Err(f) => fail(f),
            }
        }
        (CodeEffect::Respond, _) if !status_ok(out.status) => {
            let kind = if matches!(kind, RegKind::Route { .. }) {
                BadOutput::RouteWithoutStatus
            } else {
                BadOutput::RespondWithoutStatus
            };
            fail(bad(
                kind,
                format!("{name} without a valid status (status is {})", out.status),
            ))
        }
        (CodeEffect::Respond, _) => match written(out, name) {
            Ok(body) => Outcome::Respond {
                status: out.status,
                headers: Vec::new(),
                body: body.into(),
            },
            Err(f) => fail(f),
        },
        (CodeEffect::Cancel, _) => {
            let reason = out.reason.as_ref().map_or_else(
                || "cancelled without a reason".to_owned(),
                |r| String::from_utf8_lossy(&r.0).into_owned(),
            );
            Outcome::Cancel { reason }
        }
    }
}
