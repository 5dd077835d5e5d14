//! Host functions of the `lesstruct` import module.
//!
//! Each call returns the host's JSON answer (HTTP: `{status, body?,
//! headers?}`, or `{status: 0, error, message}`; database: `{columns?,
//! rows?}` with each row an array, `{last_insert_id, rows_affected}`, or
//! `{error, message}`). The host writes it at
//! [`HOST_RESULT_OFFSET`](super::HOST_RESULT_OFFSET) with no terminator and
//! no length, and a shorter answer leaves the tail of a longer one behind,
//! so these functions read exactly one JSON value there and copy it out at
//! once. Only a module with a capability manifest may import these.

use std::fmt;

/// A host call that returned no readable answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostCallError(pub i32);

impl fmt::Display for HostCallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "host function returned offset {}", self.0)
    }
}

#[cfg(target_arch = "wasm32")]
mod imports {
    #[link(wasm_import_module = "lesstruct")]
    unsafe extern "C" {
        pub(super) fn http_get(url: i32, url_len: i32, headers: i32, headers_len: i32) -> i32;
        pub(super) fn http_post(
            url: i32,
            url_len: i32,
            headers: i32,
            headers_len: i32,
            body: i32,
            body_len: i32,
        ) -> i32;
        pub(super) fn db_query(sql: i32, sql_len: i32, params: i32, params_len: i32) -> i32;
        pub(super) fn db_exec(sql: i32, sql_len: i32, params: i32, params_len: i32) -> i32;
        pub(super) fn log_info(msg: i32, msg_len: i32);
        pub(super) fn log_error(msg: i32, msg_len: i32);
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::missing_safety_doc, unsafe_op_in_unsafe_fn, unused_variables)]
mod imports {
    //! Off wasm there is no host; every call answers "no result".
    pub(super) unsafe fn http_get(_: i32, _: i32, _: i32, _: i32) -> i32 {
        0
    }
    pub(super) unsafe fn http_post(_: i32, _: i32, _: i32, _: i32, _: i32, _: i32) -> i32 {
        0
    }
    pub(super) unsafe fn db_query(_: i32, _: i32, _: i32, _: i32) -> i32 {
        0
    }
    pub(super) unsafe fn db_exec(_: i32, _: i32, _: i32, _: i32) -> i32 {
        0
    }
    pub(super) unsafe fn log_info(_: i32, _: i32) {}
    pub(super) unsafe fn log_error(_: i32, _: i32) {}
}

fn raw(bytes: &[u8]) -> (i32, i32) {
    let ptr = i32::try_from(bytes.as_ptr() as usize).unwrap_or(0);
    (ptr, i32::try_from(bytes.len()).unwrap_or(0))
}

fn answer(offset: i32) -> Result<String, HostCallError> {
    let Ok(start) = usize::try_from(offset) else {
        return Err(HostCallError(offset));
    };
    if start == 0 || cfg!(not(target_arch = "wasm32")) {
        return Err(HostCallError(offset));
    }
    let end = memory_end();
    if start >= end {
        return Err(HostCallError(offset));
    }
    // SAFETY: `start..end` lies in this module's memory.
    let bytes = unsafe { std::slice::from_raw_parts(start as *const u8, end - start) };
    let len = json_value_len(bytes).ok_or(HostCallError(offset))?;
    String::from_utf8(bytes[..len].to_vec()).map_err(|_| HostCallError(offset))
}

/// The end of linear memory.
fn memory_end() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) * 65_536
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

/// The length of the JSON object or array at the start of `bytes`, or
/// `None` when none ends there (strings and escapes are skipped).
fn json_value_len(bytes: &[u8]) -> Option<usize> {
    if !matches!(bytes.first(), Some(b'{' | b'[')) {
        return None;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// `GET url` with `headers_json` (a JSON object of header names to values).
pub fn http_get(url: &str, headers_json: &str) -> Result<String, HostCallError> {
    let (u, ul) = raw(url.as_bytes());
    let (h, hl) = raw(headers_json.as_bytes());
    // SAFETY: pointers and lengths describe live byte slices.
    answer(unsafe { imports::http_get(u, ul, h, hl) })
}

/// `POST url` with `headers_json` and `body`.
pub fn http_post(url: &str, headers_json: &str, body: &[u8]) -> Result<String, HostCallError> {
    let (u, ul) = raw(url.as_bytes());
    let (h, hl) = raw(headers_json.as_bytes());
    let (b, bl) = raw(body);
    // SAFETY: pointers and lengths describe live byte slices.
    answer(unsafe { imports::http_post(u, ul, h, hl, b, bl) })
}

/// Runs a `SELECT` with `params_json` (a JSON array).
pub fn db_query(sql: &str, params_json: &str) -> Result<String, HostCallError> {
    let (s, sl) = raw(sql.as_bytes());
    let (p, pl) = raw(params_json.as_bytes());
    // SAFETY: pointers and lengths describe live byte slices.
    answer(unsafe { imports::db_query(s, sl, p, pl) })
}

/// Runs an `INSERT`, `UPDATE` or `DELETE` with `params_json`.
pub fn db_exec(sql: &str, params_json: &str) -> Result<String, HostCallError> {
    let (s, sl) = raw(sql.as_bytes());
    let (p, pl) = raw(params_json.as_bytes());
    // SAFETY: pointers and lengths describe live byte slices.
    answer(unsafe { imports::db_exec(s, sl, p, pl) })
}

/// Logs an info line on the host.
pub fn log_info(msg: &str) {
    let (m, ml) = raw(msg.as_bytes());
    // SAFETY: pointer and length describe a live byte slice.
    unsafe { imports::log_info(m, ml) }
}

/// Logs an error line on the host.
pub fn log_error(msg: &str) {
    let (m, ml) = raw(msg.as_bytes());
    // SAFETY: pointer and length describe a live byte slice.
    unsafe { imports::log_error(m, ml) }
}

#[cfg(test)]
mod tests {
    use super::json_value_len;

    #[test]
    fn one_json_value_is_read_and_stale_bytes_after_it_are_not() {
        let stale = br#"{"a":"}\"]"}{"b":1},"rest of a longer answer"}"#;
        assert_eq!(json_value_len(stale), Some(12));
        assert_eq!(json_value_len(b"[1,[2,{}]]xx"), Some(10));
        assert_eq!(json_value_len(b"{\"open\":"), None);
        assert_eq!(json_value_len(b"\0\0\0"), None);
        assert_eq!(json_value_len(b"}"), None);
    }
}
