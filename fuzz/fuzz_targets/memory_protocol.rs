//! Fuzzes the engine's memory-protocol reader and result decoding: any
//! offset, length, memory size and result bytes must give an answer, never
//! a panic, and never a range past the memory.

#![no_main]

use hookcheck::lesstruct::{decode_result, locate_result};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 12 {
        return;
    }
    let offset = i32::from_le_bytes([data[0], data[1], data[2], data[3]]);
    let len = i32::from_le_bytes([data[4], data[5], data[6], data[7]]);
    let size = u64::from(u32::from_le_bytes([data[8], data[9], data[10], data[11]]));
    if let Ok(Some(range)) = locate_result(offset, len, size) {
        assert!(range.end as u64 <= size && range.start < range.end);
    }
    let _ = decode_result(&data[12..]);
});
