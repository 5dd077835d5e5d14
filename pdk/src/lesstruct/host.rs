//! Host functions of the `lesstruct` import module.
//!
//! Each call returns the host's JSON answer: `{status, body, headers}` on
//! success, `{error, message}` when denied or failed. The host writes it at
//! [`HOST_RESULT_OFFSET`](super::HOST_RESULT_OFFSET), NUL-terminated, and
//! the next call overwrites it, so these functions copy it out at once.
//! Only a module with a capability manifest may import these.

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
    let mut out = Vec::new();
    let mut at = start;
    loop {
        // SAFETY: the host wrote a NUL-terminated answer at `offset` in this
        // module's memory.
        let byte = unsafe { *(at as *const u8) };
        if byte == 0 {
            break;
        }
        out.push(byte);
        at += 1;
    }
    String::from_utf8(out).map_err(|_| HostCallError(offset))
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
