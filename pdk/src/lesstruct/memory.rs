//! Reading the input and handing the result back.

use std::cell::UnsafeCell;

/// Where the host writes a hook's input.
pub const INPUT_OFFSET: usize = 65_536;
/// Where the host writes host-function results.
pub const HOST_RESULT_OFFSET: usize = 4_096;

/// The last result, kept alive until the host has read it (the next call
/// replaces it). WASM guests are single-threaded.
struct ResultSlot(UnsafeCell<Vec<u8>>);

// SAFETY: wasm32-wasip1 modules run on one thread; the slot is only touched
// from hook exports, never concurrently.
unsafe impl Sync for ResultSlot {}

static RESULT: ResultSlot = ResultSlot(UnsafeCell::new(Vec::new()));

/// The input bytes the host passed to a hook.
///
/// # Safety
///
/// `ptr` and `len` must be the values the host passed to the hook export.
pub unsafe fn input<'a>(ptr: i32, len: i32) -> &'a [u8] {
    let (Ok(ptr), Ok(len)) = (usize::try_from(ptr), usize::try_from(len)) else {
        return &[];
    };
    if ptr == 0 || len == 0 {
        return &[];
    }
    // SAFETY: the host wrote `len` bytes at `ptr` in this module's memory.
    unsafe { std::slice::from_raw_parts(ptr as *const u8, len) }
}

/// Stores `result` for the host and returns the offset to hand back from the
/// hook: 0 ("no change") for `None` or an empty result.
pub fn finish(result: Option<Vec<u8>>) -> i32 {
    // SAFETY: single-threaded guest, see `ResultSlot`.
    let slot = unsafe { &mut *RESULT.0.get() };
    match result {
        Some(bytes) if !bytes.is_empty() => {
            *slot = bytes;
            i32::try_from(slot.as_ptr() as usize).unwrap_or(0)
        }
        _ => {
            slot.clear();
            0
        }
    }
}

/// The length of the last result, for `__hook_result_len`.
pub fn result_len() -> i32 {
    // SAFETY: single-threaded guest, see `ResultSlot`.
    let slot = unsafe { &*RESULT.0.get() };
    i32::try_from(slot.len()).unwrap_or(0)
}

/// Exports hook functions and `__hook_result_len`.
///
/// Each `export_name => function` pair exports `export_name(ptr, len) -> i32`
/// calling `function(&[u8]) -> Option<Vec<u8>>`.
#[macro_export]
macro_rules! lesstruct_plugin {
    ($($export:ident => $func:path),+ $(,)?) => {
        $(
            /// A Lesstruct hook export written by `lesstruct_plugin!`.
            #[unsafe(no_mangle)]
            pub extern "C" fn $export(ptr: i32, len: i32) -> i32 {
                // SAFETY: the host passes the offset and length it wrote.
                let input = unsafe { $crate::lesstruct::input(ptr, len) };
                $crate::lesstruct::finish($func(input))
            }
        )+

        /// The length of the last result, for the host.
        #[unsafe(no_mangle)]
        pub extern "C" fn __hook_result_len(_input_len: i32) -> i32 {
            $crate::lesstruct::result_len()
        }
    };
}
