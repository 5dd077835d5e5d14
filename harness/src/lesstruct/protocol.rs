//! The Lesstruct memory protocol's arithmetic, free of wasmtime so it can be
//! checked on its own.

use std::ops::Range;

use serde_json::Value;

use crate::engine::{BadOutput, Failure};

/// Phrase in every reason for a result that is not UTF-8.
pub const NOT_UTF8: &str = "result is not UTF-8";
/// Phrase in every reason for a result that is not JSON.
pub const NOT_JSON: &str = "result is not JSON";

/// Where the host writes a hook's input.
pub const INPUT_OFFSET: u32 = 65_536;
/// Where the host writes host-function results.
pub const HOST_RESULT_OFFSET: u32 = 4_096;

/// Where the result of a hook call lies, given what the plugin returned.
///
/// `offset` is the hook's return value; `len` is `__hook_result_len`'s
/// answer (or the input length when the export is missing). Both are read
/// as unsigned 32-bit values, as wasm addresses are, and their sum is
/// checked: a negative offset, a length that wraps, or a range past
/// `memory_size` is [`Failure::OutOfBounds`]. A zero offset or length is
/// "no change" (`Ok(None)`).
pub fn locate_result(
    offset: i32,
    len: i32,
    memory_size: u64,
) -> Result<Option<Range<usize>>, Failure> {
    let (start, count) = (offset as u32, len as u32);
    if start == 0 || count == 0 {
        return Ok(None);
    }
    let oob = || Failure::OutOfBounds {
        offset: start.into(),
        len: count.into(),
        memory_size,
    };
    let end = start.checked_add(count).ok_or_else(oob)?;
    if u64::from(end) > memory_size {
        return Err(oob());
    }
    let (Ok(start), Ok(end)) = (usize::try_from(start), usize::try_from(end)) else {
        return Err(oob());
    };
    Ok(Some(start..end))
}

/// Decodes a hook result: UTF-8, then JSON.
pub fn decode_result(bytes: &[u8]) -> Result<Value, Failure> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Failure::bad_output(
            BadOutput::NotUtf8,
            format!("{NOT_UTF8}: invalid byte at offset {}", e.valid_up_to()),
        )
    })?;
    serde_json::from_str(text).map_err(|e| {
        Failure::bad_output(
            BadOutput::NotJson,
            format!("{NOT_JSON}: {e} (result starts {:?})", preview(text)),
        )
    })
}

fn preview(text: &str) -> String {
    text.chars().take(40).collect()
}
