//! The FeatherFly host rules as pure functions: route patterns, header
//! redaction, and what each return code means for each hook.

use std::borrow::Cow;

use serde_json::Value;

use super::calls::{HookOutput, RegKind};
use crate::engine::{Answer, BadOutput, Called, CodeEffect, CodeTable, Failure, Intent, Outcome};

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
    let mut out = Vec::new();
    write_headers_json(&mut out, headers);
    out
}

/// [`headers_json`] written into `out`, which is cleared first (so the
/// engine can keep one buffer across requests).
pub(crate) fn write_headers_json(out: &mut Vec<u8>, headers: &[(String, String)]) {
    // Runs on every request, so it borrows what it can: one allocation for
    // the list, one per header name not lower case already.
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
    out.clear();
    out.reserve(size + 2);
    out.push(b'{');
    for (i, (key, value)) in list.iter().enumerate() {
        if list.get(i + 1).is_some_and(|next| next.0 == *key) {
            continue;
        }
        if out.len() > 1 {
            out.push(b',');
        }
        json_string(out, key);
        out.push(b':');
        json_string(out, value);
    }
    out.push(b'}');
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
            format!(
                "{code_name}: wrote past the output buffer's capacity ({} bytes)",
                out.capacity
            ),
        ));
    }
    if let Some(claimed) = out.claimed_len {
        return Err(bad(
            BadOutput::OverCapacity,
            format!(
                "{code_name}: claimed {claimed} output bytes, more than the output buffer's capacity ({} bytes)",
                out.capacity
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
    super::contract::CODES.iter().find(|t| t.hook == hook)
}

/// What the host's code makes of one raw hook output, read once: the
/// outcome the pipeline folds with what the plugin said, and what the
/// documents forbid that the code lets through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The outcome, and the plugin's own answer when the host read it as
    /// something else.
    pub called: Called,
    /// The breaks of the documents the host's code let through, and
    /// whether the plugin's intent survives each: the documents-only
    /// checks read them, never the pipeline.
    pub tolerated: Vec<(Failure, Intent)>,
}

impl Reading {
    fn plain(outcome: Outcome, said: Answer) -> Self {
        Self {
            called: Called::said(outcome, said),
            tolerated: Vec::new(),
        }
    }

    fn tolerating(mut self, failure: Failure, intent: Intent) -> Self {
        self.tolerated.push((failure, intent));
        self
    }
}

/// What the host's code does with a raw hook output: the outcome the
/// pipeline folds. The host follows its code, not the documents: a code
/// the tables do not define does what `CodeTable::otherwise` says, a
/// MODIFIED without output keeps the value, a response without a status
/// is a 200, an output that is not JSON flows on to the next hook (the
/// JSON pipeline checks only its final value).
pub fn interpret(kind: &RegKind, out: &HookOutput, plugin: &str) -> Outcome {
    read(kind, out, plugin).called.outcome
}

/// What a raw hook output does against the contract documents that the
/// host's code lets through, and whether the plugin's intent survives
/// each ([`read`]'s `tolerated`).
pub fn tolerated(kind: &RegKind, out: &HookOutput) -> Vec<(Failure, Intent)> {
    read(kind, out, "").tolerated
}

/// Reads one raw hook output as the host's code does (see [`interpret`]),
/// with the plugin's own answer (its return code's meaning in the table)
/// and what the documents forbid that the code lets through (see
/// [`tolerated`]).
pub fn read(kind: &RegKind, out: &HookOutput, plugin: &str) -> Reading {
    let hook = kind.hook_point();
    let fail = |f: Failure| Outcome::error(plugin, hook, f);
    let code = out.code;
    if let RegKind::Event { .. } = kind {
        // Any non-zero `cancelled` stops the remaining handlers
        // (application/src/plugins/events.rs:199-210).
        if code == 0 {
            return Reading::plain(Outcome::Continue, Answer::Continue);
        }
        let cancel = Outcome::Cancel {
            reason: format!("plugin `{plugin}` cancelled the event"),
        };
        if code == 1 {
            return Reading::plain(cancel, Answer::Cancel);
        }
        return Reading::plain(cancel, Answer::Undefined).tolerating(
            bad(
                BadOutput::EventResult,
                format!(
                    "HookResult.cancelled is {code}, not 0 or 1; the host cancels on any non-zero value"
                ),
            ),
            Intent::Kept,
        );
    }
    if code < 0 {
        let failure = if out.overflowed {
            bad(
                BadOutput::OverCapacity,
                format!(
                    "returned {code} after writing past the output buffer's capacity ({} bytes)",
                    out.capacity
                ),
            )
        } else {
            Failure::Code {
                code: i64::from(code),
            }
        };
        return Reading::plain(fail(failure), Answer::Fail);
    }
    let Some(table) = table(hook.name) else {
        return Reading::plain(fail(unknown(code)), Answer::Undefined);
    };
    let Some(meaning) = table.meaning(code) else {
        let outcome = match table.otherwise {
            CodeEffect::Fail => fail(unknown(code)),
            // Every table's `otherwise` is Keep or Fail.
            _ => Outcome::Continue,
        };
        let reading = Reading::plain(outcome, Answer::Undefined);
        if table.otherwise == CodeEffect::Fail {
            return reading;
        }
        return reading.tolerating(
            bad(
                BadOutput::UndefinedCode,
                format!(
                    "returned {code}, which the contract does not define for {hook}; the host reads it as {} ({}), whatever the plugin meant",
                    table.otherwise_meaning, table.host
                ),
            ),
            Intent::Lost,
        );
    };
    let name = meaning.name;
    match meaning.effect {
        CodeEffect::Keep => Reading::plain(Outcome::Continue, Answer::Continue),
        CodeEffect::Fail => Reading::plain(fail(unknown(code)), Answer::Fail),
        CodeEffect::Replace => match written(out, name) {
            Ok(bytes) if bytes.is_empty() => Reading::plain(Outcome::Continue, Answer::Modify)
                .tolerating(nothing_written(name), Intent::Lost),
            Ok(bytes) => {
                let outcome = replace(kind, &bytes, name)
                    .map(|()| Outcome::modified(bytes.clone()))
                    .unwrap_or_else(fail);
                let reading = Reading::plain(outcome, Answer::Modify);
                match json_tolerated(kind, &bytes) {
                    Some((f, intent)) => reading.tolerating(f, intent),
                    None => reading,
                }
            }
            // Nothing written: the host keeps the value
            // (application/src/plugins/events.rs:231, 328, 385).
            Err(f) if f.bad_output_kind() == Some(BadOutput::MissingOutput) => {
                Reading::plain(Outcome::Continue, Answer::Modify)
                    .tolerating(nothing_written(name), Intent::Lost)
            }
            Err(f) => Reading::plain(fail(f), Answer::Modify),
        },
        CodeEffect::Respond => {
            let (body, unwritten) = match written(out, name) {
                Ok(body) => (body, false),
                Err(f) if f.bad_output_kind() == Some(BadOutput::MissingOutput) => {
                    (Vec::new(), true)
                }
                Err(f) => return Reading::plain(fail(f), Answer::Respond),
            };
            let status = host_status(out.status);
            let reading = Reading::plain(
                Outcome::Respond {
                    status,
                    headers: Vec::new(),
                    body: body.into(),
                },
                Answer::Respond,
            );
            let mut reading = reading;
            if !status_ok(out.status) {
                let kind = if matches!(kind, RegKind::Route { .. }) {
                    BadOutput::RouteWithoutStatus
                } else {
                    BadOutput::RespondWithoutStatus
                };
                // 600-999 goes out as the plugin set it; anything else is
                // a 200 the plugin never said.
                let (intent, what) = if status == out.status {
                    (Intent::Kept, format!("the host sends {status} as set"))
                } else {
                    (
                        Intent::Lost,
                        format!("the host answers {status} instead, so a client sees success"),
                    )
                };
                reading = reading.tolerating(
                    bad(
                        kind,
                        format!(
                            "{name} without a valid status (status is {}); {what}",
                            out.status
                        ),
                    ),
                    intent,
                );
            }
            if unwritten {
                reading = reading.tolerating(
                    bad(
                        BadOutput::MissingOutput,
                        format!(
                            "{name} but wrote no body length; the host answers with an empty body"
                        ),
                    ),
                    Intent::Kept,
                );
            }
            reading
        }
        CodeEffect::Cancel => {
            let reason = out
                .reason
                .as_ref()
                .map(|r| String::from_utf8_lossy(&r.0).trim().to_owned())
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "CloudPanel command cancelled by plugin".to_owned());
            Reading::plain(Outcome::Cancel { reason }, Answer::Cancel)
        }
    }
}

/// A MODIFIED with nothing written: the host keeps the prior value.
fn nothing_written(name: &str) -> Failure {
    bad(
        BadOutput::MissingOutput,
        format!(
            "{name} but wrote no output; the host keeps the prior value, so the change is lost"
        ),
    )
}

/// A replacing output as the host takes it: config YAML must parse (the
/// daemon exits when the final config does not:
/// application/src/daemon.rs:72-78), CloudPanel args must be JSON (the
/// host answers 400); JSON mixin output flows on unchecked.
fn replace(kind: &RegKind, bytes: &[u8], name: &str) -> Result<(), Failure> {
    match kind {
        RegKind::Config => {
            // Walked event by event first: YAML past the depth or node
            // limits is refused before serde_yaml_ng builds anything.
            crate::limits::check_yaml(bytes).map_err(|e| {
                bad(
                    BadOutput::NotYaml,
                    format!("config.mutate output refused unparsed: {e}"),
                )
            })?;
            serde_yaml_ng::from_slice::<serde_yaml_ng::Value>(bytes).map_err(|e| {
                bad(
                    BadOutput::NotYaml,
                    format!(
                        "config.mutate output is not valid YAML ({e}): the daemon exits with status 1 when the final config does not parse"
                    ),
                )
            })?;
            Ok(())
        }
        RegKind::CloudPanel => check_json(bytes, &format!("{name} args")).map(drop),
        _ => Ok(()),
    }
}

/// What the documents say of a JSON mixin's output that the host lets
/// through: output that is not JSON (every plugin's change is lost when
/// the final body does not parse), or `actions` that are not an array
/// (inserted as they are).
fn json_tolerated(kind: &RegKind, bytes: &[u8]) -> Option<(Failure, Intent)> {
    let RegKind::Json { target, .. } = kind else {
        return None;
    };
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Err(e) => Some((
            bad(
                BadOutput::NotJson,
                format!(
                    "output is not valid JSON ({e}); the host passes it to the next hook and, if the final body does not parse, sends the original body: every plugin's change is lost"
                ),
            ),
            Intent::Lost,
        )),
        Ok(v) if *target == 2 && !v.is_array() => Some((
            bad(
                BadOutput::ActionsNotArray,
                format!(
                    "json.actions output is not an array: {v}; the host inserts any JSON value as `actions`"
                ),
            ),
            Intent::Kept,
        )),
        Ok(_) => None,
    }
}
