//! The FeatherFly host rules as pure functions: route patterns, header
//! redaction, and what each return code means for each hook.

use std::borrow::Cow;

use serde_json::Value;

use super::calls::{HookOutput, RegKind};
use crate::engine::{BadOutput, CodeEffect, CodeTable, FEATHERFLY_CODES, Failure, Outcome};

/// Whether a request or JSON hook `pattern` covers `path`, as the host's
/// code decides (application/src/plugins/events.rs:418-420): the pattern
/// `*` covers everything; any other pattern is a plain byte prefix of the
/// path. So `/api` covers `/api/system` and `/apiary`, and `/api/*` covers
/// nothing a client sends (the documents read it as a wildcard; FF-PAT-001
/// names the difference).
pub fn pattern_matches(pattern: &str, path: &str) -> bool {
    pattern == "*" || path.starts_with(pattern)
}

/// Whether the documents and the host read `pattern` differently: a `*`
/// anywhere but as the whole pattern is a wildcard to the documents and a
/// literal character to the host.
pub fn pattern_diverges(pattern: &str) -> bool {
    pattern != "*" && pattern.contains('*')
}

/// Headers as the plugin sees them, as the host builds them
/// (application/src/plugins/request_middleware.rs:43-57): a JSON object
/// with lowercase keys in byte order, later duplicates winning, and the
/// value of `authorization` replaced by `<redacted>`.
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
                "<redacted>"
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

/// The status the host answers with: the plugin's, when `http` accepts it
/// (100–999), else 200 (application/src/plugins/request_middleware.rs:76,
/// routes.rs:106-107).
fn host_status(status: u16) -> u16 {
    if (100..=999).contains(&status) {
        status
    } else {
        200
    }
}

/// Whether the documents accept `status` for a response (100–599).
fn status_ok(status: u16) -> bool {
    (100..=599).contains(&status)
}

/// The code table of `hook`.
fn table(hook: &str) -> Option<&'static CodeTable> {
    FEATHERFLY_CODES.iter().find(|t| t.hook == hook)
}

/// What the host's code does with a raw hook output: the outcome the
/// pipeline folds. The host follows its code, not the documents: a code
/// the tables do not define does what `CodeTable::otherwise` says, a
/// MODIFIED without output keeps the value, a response without a status
/// is a 200, an output that is not JSON flows on to the next hook (the
/// JSON pipeline checks only its final value). What the documents forbid
/// and the host lets through is [`tolerated`]'s to name.
pub fn interpret(kind: &RegKind, out: &HookOutput, plugin: &str) -> Outcome {
    let hook = kind.hook_name();
    let fail = |f: Failure| Outcome::error(plugin, hook, f);
    let code = out.code;
    if let RegKind::Event { .. } = kind {
        // Any non-zero `cancelled` stops the remaining handlers
        // (application/src/plugins/events.rs:199-210).
        return if code == 0 {
            Outcome::Continue
        } else {
            Outcome::Cancel {
                reason: format!("plugin `{plugin}` cancelled the event"),
            }
        };
    }
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
    let Some(table) = table(hook) else {
        return fail(unknown(code));
    };
    let (effect, name) = match table.meaning(code) {
        Some(meaning) => (meaning.effect, meaning.name),
        None => (table.otherwise, "an undefined code"),
    };
    match effect {
        CodeEffect::Keep => Outcome::Continue,
        CodeEffect::Fail => fail(unknown(code)),
        CodeEffect::Replace => match written(out, name) {
            // Zero bytes written: the host keeps the value
            // (application/src/plugins/events.rs:231, 328, 385).
            Ok(bytes) if bytes.is_empty() => Outcome::Continue,
            Ok(bytes) => replace(kind, bytes, name).unwrap_or_else(fail),
            Err(f) if f.bad_output_kind() == Some(BadOutput::MissingOutput) => Outcome::Continue,
            Err(f) => fail(f),
        },
        CodeEffect::Respond => {
            let body = match written(out, name) {
                Ok(body) => body,
                Err(f) if f.bad_output_kind() == Some(BadOutput::MissingOutput) => Vec::new(),
                Err(f) => return fail(f),
            };
            Outcome::Respond {
                status: host_status(out.status),
                headers: Vec::new(),
                body: body.into(),
            }
        }
        CodeEffect::Cancel => {
            let reason = out
                .reason
                .as_ref()
                .map(|r| String::from_utf8_lossy(&r.0).trim().to_owned())
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "CloudPanel command cancelled by plugin".to_owned());
            Outcome::Cancel { reason }
        }
    }
}

/// A replacing output as the host takes it: config YAML must parse (the
/// daemon exits when the final config does not:
/// application/src/daemon.rs:72-78), CloudPanel args must be JSON (the
/// host answers 400); JSON mixin output flows on unchecked.
fn replace(kind: &RegKind, bytes: Vec<u8>, name: &str) -> Result<Outcome, Failure> {
    match kind {
        RegKind::Config => {
            crate::limits::check_nesting(&bytes)
                .and_then(|()| {
                    serde_yaml_ng::from_slice::<serde_yaml_ng::Value>(&bytes)
                        .map_err(|e| e.to_string())
                })
                .map_err(|e| {
                    bad(
                        BadOutput::NotYaml,
                        format!(
                            "config.mutate output is not valid YAML ({e}): the daemon exits with status 1 when the final config does not parse"
                        ),
                    )
                })?;
            Ok(Outcome::modified(bytes))
        }
        RegKind::CloudPanel => {
            check_json(&bytes, &format!("{name} args"))?;
            Ok(Outcome::modified(bytes))
        }
        _ => Ok(Outcome::modified(bytes)),
    }
}

/// What a raw hook output does against the contract documents that the
/// host's code lets through, if anything: the documents-only checks read
/// it (as warnings), never the pipeline.
pub fn tolerated(kind: &RegKind, out: &HookOutput) -> Option<Failure> {
    let hook = kind.hook_name();
    let code = out.code;
    if let RegKind::Event { .. } = kind {
        return (code != 0 && code != 1).then(|| {
            bad(
                BadOutput::EventResult,
                format!("HookResult.cancelled is {code}, not 0 or 1; the host cancels on any non-zero value"),
            )
        });
    }
    if code < 0 {
        return None;
    }
    let table = table(hook)?;
    let Some(meaning) = table.meaning(code) else {
        return (table.otherwise != CodeEffect::Fail).then(|| {
            bad(
                BadOutput::UndefinedCode,
                format!(
                    "returned {code}, which the contract does not define for {hook}; the host reads it as {} ({})",
                    table.otherwise_meaning, table.host
                ),
            )
        });
    };
    let unwritten = out.output.is_none() && out.claimed_len.is_none() && !out.overflowed;
    match meaning.effect {
        CodeEffect::Replace if unwritten || out.output.as_ref().is_some_and(|b| b.0.is_empty()) => {
            Some(bad(
                BadOutput::MissingOutput,
                format!(
                    "{} but wrote no output; the host keeps the prior value",
                    meaning.name
                ),
            ))
        }
        CodeEffect::Replace => {
            let bytes = &out.output.as_ref()?.0;
            let RegKind::Json { target, .. } = kind else {
                return None;
            };
            match serde_json::from_slice::<serde_json::Value>(bytes) {
                Err(e) => Some(bad(
                    BadOutput::NotJson,
                    format!(
                        "output is not valid JSON ({e}); the host passes it to the next hook and, if the final body does not parse, sends the original body: every plugin's change is lost"
                    ),
                )),
                Ok(v) if *target == 2 && !v.is_array() => Some(bad(
                    BadOutput::ActionsNotArray,
                    format!(
                        "json.actions output is not an array: {v}; the host inserts any JSON value as `actions`"
                    ),
                )),
                Ok(_) => None,
            }
        }
        CodeEffect::Respond if !status_ok(out.status) => {
            let kind = if matches!(kind, RegKind::Route { .. }) {
                BadOutput::RouteWithoutStatus
            } else {
                BadOutput::RespondWithoutStatus
            };
            Some(bad(
                kind,
                format!(
                    "{} without a valid status (status is {}); the host answers {}",
                    meaning.name,
                    out.status,
                    host_status(out.status)
                ),
            ))
        }
        CodeEffect::Respond if unwritten => Some(bad(
            BadOutput::MissingOutput,
            format!(
                "{} but wrote no body length; the host answers with an empty body",
                meaning.name
            ),
        )),
        _ => None,
    }
}
