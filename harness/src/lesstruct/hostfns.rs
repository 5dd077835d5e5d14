//! The `lesstruct` import module: capability-checked host functions whose
//! answers are written as JSON at offset 4096, with no terminator, as the
//! host writes them.

use serde_json::{Value, json};
use wasmtime::{Caller, Extern, Linker};

use super::database::{DEADLINE, DbMode};
use super::deadline::{
    Blocking, DeadlineExceeded, WASM_LOG_BYTES_PER_CALL, WASM_LOG_LINES_PER_CALL,
};
use super::protocol::HOST_RESULT_OFFSET;
use super::state::{HostState, Refusal};

/// The functions of the `lesstruct` module and their parameter counts (all
/// `i32`; all but the log functions return an `i32` offset).
pub const HOST_FUNCTIONS: [(&str, usize, bool); 6] = [
    ("http_get", 4, true),
    ("http_post", 6, true),
    ("db_query", 4, true),
    ("db_exec", 4, true),
    ("log_info", 2, false),
    ("log_error", 2, false),
];

fn read_guest(caller: &mut Caller<'_, HostState>, ptr: i32, len: i32) -> Result<Vec<u8>, String> {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        return Err("the module exports no memory".into());
    };
    let (start, count) = (ptr as u32 as usize, len as u32 as usize);
    let data = memory.data(&caller);
    start
        .checked_add(count)
        .and_then(|end| data.get(start..end))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| {
            format!(
                "{count} bytes at offset {start} lie outside memory ({} bytes)",
                data.len()
            )
        })
}

fn read_text(
    caller: &mut Caller<'_, HostState>,
    ptr: i32,
    len: i32,
    what: &str,
) -> Result<String, Value> {
    let bytes = read_guest(caller, ptr, len)
        .map_err(|m| error_json("bad_pointer", &format!("{what}: {m}")))?;
    String::from_utf8(bytes)
        .map_err(|_| error_json("bad_argument", &format!("{what} is not UTF-8")))
}

fn error_json(error: &str, message: &str) -> Value {
    json!({ "error": error, "message": message })
}

/// Writes `answer` at 4096 and returns 4096, as the host does
/// (internal/plugin/hostfunctions/http.go:203-225, database.go:273-283): no
/// terminator, no length, and an answer that does not fit is not written
/// at all while 4096 is still returned (the host ignores the write's
/// result), so the plugin reads whatever was there.
fn answer(caller: &mut Caller<'_, HostState>, answer: &Value) -> i32 {
    let bytes = answer.to_string().into_bytes();
    if let Some(Extern::Memory(memory)) = caller.get_export("memory") {
        let _ = memory.write(caller, HOST_RESULT_OFFSET as usize, &bytes);
    }
    HOST_RESULT_OFFSET as i32
}

/// The longest message a refusal logs or answers; a plugin controls what
/// goes into it (a URL, SQL).
const DENY_MESSAGE_BYTES: usize = 512;

/// `text` cut to at most `max` bytes, on a character boundary.
fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let end = (0..=max)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    format!("{}… ({} bytes)", &text[..end], text.len())
}

/// A capability refusal: recorded as a typed [`Refusal`] (what LS-CAP-001
/// reads, whatever the log holds), logged as `denied` within the call's
/// log budget, and answered to the plugin.
fn deny(
    caller: &mut Caller<'_, HostState>,
    function: &'static str,
    error: &str,
    message: &str,
) -> Value {
    let message = clip(message, DENY_MESSAGE_BYTES);
    let ctx = &caller.data().ctx;
    ctx.services.refuse(Refusal {
        plugin: ctx.name.clone(),
        function,
        error: error.to_owned(),
        message: message.clone(),
    });
    log_line(caller, "denied", format!("{function}: {error}: {message}"));
    error_json(error, &message)
}

/// Whether an HTTP refusal is the manifest's (a capability the plugin was
/// not granted), as opposed to a request that failed on its way.
fn refused_by_manifest(error: &str) -> bool {
    matches!(
        error,
        "url_not_allowed" | "redirect_not_allowed" | "header_not_allowed"
    )
}

fn http(
    caller: &mut Caller<'_, HostState>,
    function: &'static str,
    args: [i32; 6],
    with_body: bool,
) -> wasmtime::Result<i32> {
    let left = caller.data().budget.remaining()?;
    let since = Blocking::now();
    let result = (|| {
        let url = read_text(caller, args[0], args[1], "url")?;
        let headers = read_text(caller, args[2], args[3], "headers")?;
        let body = if with_body {
            Some(
                read_guest(caller, args[4], args[5])
                    .map_err(|m| error_json("bad_pointer", &format!("body: {m}")))?,
            )
        } else {
            None
        };
        if body
            .as_ref()
            .is_some_and(|b| b.len() as u64 > super::http::BODY_LIMIT)
        {
            return Err(error_json(
                "body_too_large",
                "request bodies are capped at 1 MiB",
            ));
        }
        let ctx = std::sync::Arc::clone(&caller.data().ctx);
        let patterns = ctx
            .manifest
            .as_ref()
            .map(|m| m.http.as_slice())
            .unwrap_or_default();
        ctx.services
            .http
            .call(&url, &headers, body.as_deref(), patterns, left)
            .map_err(|d| {
                if refused_by_manifest(d.error) {
                    deny(caller, function, d.error, &d.message)
                } else {
                    error_json(d.error, &clip(&d.message, DENY_MESSAGE_BYTES))
                }
            })
    })();
    // The wait for the server is the call's time; a request that used it
    // up ends the call.
    caller.data_mut().budget.charge_wait(since);
    caller.data().budget.remaining()?;
    // The host's HTTP errors carry `"status": 0`.
    let value = result.unwrap_or_else(|mut e| {
        if let Value::Object(map) = &mut e {
            map.insert("status".into(), 0.into());
        }
        e
    });
    Ok(answer(caller, &value))
}

/// How a database call ends when it does not answer normally.
enum DbEnd {
    /// An error answer for the plugin.
    Answer(Value),
    /// The hook's deadline passed during the statement.
    Deadline,
}

fn db(
    caller: &mut Caller<'_, HostState>,
    function: &'static str,
    mode: DbMode,
    args: [i32; 4],
) -> wasmtime::Result<i32> {
    caller.data().budget.remaining()?;
    let spent = caller.data_mut().budget.spent();
    let since = Blocking::now();
    let result = (|| {
        let sql = read_text(caller, args[0], args[1], "sql").map_err(DbEnd::Answer)?;
        let params = read_text(caller, args[2], args[3], "params").map_err(DbEnd::Answer)?;
        let ctx = std::sync::Arc::clone(&caller.data().ctx);
        let grants = ctx
            .manifest
            .as_ref()
            .map(|m| m.database.as_slice())
            .unwrap_or_default();
        ctx.services
            .db
            .call_until(mode, grants, &sql, &params, spent)
            .map_err(|d| match d.error {
                DEADLINE => DbEnd::Deadline,
                // The host answers every refusal `permission_denied`
                // (internal/plugin/hostfunctions/database.go); the log keeps
                // hookcheck's reason.
                "table_not_allowed" | "statement_not_allowed" => {
                    let mut refusal = deny(caller, function, d.error, &d.message);
                    refusal["error"] = "permission_denied".into();
                    DbEnd::Answer(refusal)
                }
                // hookcheck's own cap: answered as the host answers a
                // result too large for it, with `"status": 0`.
                "result_too_large" => {
                    let mut answer = error_json(d.error, &d.message);
                    answer["status"] = 0.into();
                    DbEnd::Answer(answer)
                }
                _ => DbEnd::Answer(error_json(
                    match mode {
                        DbMode::Query => "query_error",
                        DbMode::Exec => "exec_error",
                    },
                    &d.message,
                )),
            })
    })();
    // A statement that waited (on a lock) waited in the call's time.
    caller.data_mut().budget.charge_wait(since);
    let value = match result {
        Ok(value) | Err(DbEnd::Answer(value)) => value,
        Err(DbEnd::Deadline) => return Err(DeadlineExceeded.into()),
    };
    Ok(answer(caller, &value))
}

/// Longest log message kept; longer ones are cut.
const LOG_MESSAGE_BYTES: i32 = 4096;

fn log(caller: &mut Caller<'_, HostState>, level: &'static str, ptr: i32, len: i32) {
    let message = match read_guest(caller, ptr, len.clamp(0, LOG_MESSAGE_BYTES)) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(m) => format!("<unreadable log message: {m}>"),
    };
    log_line(caller, level, message);
}

/// Logs `message` for the plugin within its call's log budget; the first
/// line past the budget leaves one line saying the rest are dropped.
fn log_line(caller: &mut Caller<'_, HostState>, level: &'static str, message: String) {
    let kept = caller.data_mut().budget.admit_log(message.len());
    let ctx = &caller.data().ctx;
    if kept {
        ctx.services.log(&ctx.name, level, message);
    } else if caller.data().budget.log_dropped == 1 {
        ctx.services.log(
            &ctx.name,
            "error",
            format!(
                "[further log lines of this call dropped: the host keeps {WASM_LOG_LINES_PER_CALL} lines and {WASM_LOG_BYTES_PER_CALL} bytes per call]"
            ),
        );
    }
}

/// Adds the six `lesstruct` functions to `linker`. Whether a plugin may
/// import them at all is decided at load (no manifest, no imports); what
/// each call may reach is decided per call from the manifest.
pub(crate) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        "lesstruct",
        "http_get",
        |mut c: Caller<'_, HostState>, u: i32, ul: i32, h: i32, hl: i32| {
            c.data().ctx.services.count_host_call();
            http(&mut c, "http_get", [u, ul, h, hl, 0, 0], false)
        },
    )?;
    linker.func_wrap(
        "lesstruct",
        "http_post",
        |mut c: Caller<'_, HostState>, u: i32, ul: i32, h: i32, hl: i32, b: i32, bl: i32| {
            c.data().ctx.services.count_host_call();
            http(&mut c, "http_post", [u, ul, h, hl, b, bl], true)
        },
    )?;
    linker.func_wrap(
        "lesstruct",
        "db_query",
        |mut c: Caller<'_, HostState>, s: i32, sl: i32, p: i32, pl: i32| {
            c.data().ctx.services.count_host_call();
            db(&mut c, "db_query", DbMode::Query, [s, sl, p, pl])
        },
    )?;
    linker.func_wrap(
        "lesstruct",
        "db_exec",
        |mut c: Caller<'_, HostState>, s: i32, sl: i32, p: i32, pl: i32| {
            c.data().ctx.services.count_host_call();
            db(&mut c, "db_exec", DbMode::Exec, [s, sl, p, pl])
        },
    )?;
    linker.func_wrap(
        "lesstruct",
        "log_info",
        |mut c: Caller<'_, HostState>, m: i32, ml: i32| {
            c.data().ctx.services.count_host_call();
            log(&mut c, "info", m, ml);
        },
    )?;
    linker.func_wrap(
        "lesstruct",
        "log_error",
        |mut c: Caller<'_, HostState>, m: i32, ml: i32| {
            c.data().ctx.services.count_host_call();
            log(&mut c, "error", m, ml);
        },
    )?;
    Ok(())
}
