//! Heap allocations counted per thread: a global allocator that wraps the
//! system's and counts, so a check can say how many times one hook call
//! allocates.
//!
//! Install it in the process that runs the plugin (the `hookcheck` binary
//! does; a test binary opts in):
//!
//! ```
//! #[global_allocator]
//! static ALLOC: hookcheck::alloc::CountingAllocator = hookcheck::alloc::CountingAllocator;
//!
//! let (len, allocations) = hookcheck::alloc::count(|| vec![1, 2, 3].len());
//! assert_eq!((len, allocations), (3, Some(1)));
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

/// The system allocator, counting every allocation, zeroed allocation and
/// reallocation on the thread that makes it.
#[derive(Clone, Copy, Debug, Default)]
pub struct CountingAllocator;

fn bump() {
    // `try_with`: during thread teardown the counter may be gone; the
    // allocation still happens, uncounted.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get().wrapping_add(1)));
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees carry over; counting touches only a
// const-initialised thread-local `Cell` with no destructor, which needs no
// allocation on targets with native thread-locals (Linux, where hookcheck
// runs; elsewhere the first access could allocate and recurse).
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        // SAFETY: `ptr` came from `System` through this allocator; the
        // caller upholds the rest of `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn current() -> u64 {
    ALLOCATIONS.try_with(Cell::get).unwrap_or(0)
}

/// True when [`CountingAllocator`] is this process's global allocator.
pub fn is_installed() -> bool {
    let before = current();
    drop(black_box(Box::new(black_box(0u8))));
    current() != before
}

/// Runs `f` and counts the heap allocations it makes on this thread;
/// `None` when [`CountingAllocator`] is not installed.
pub fn count<R>(f: impl FnOnce() -> R) -> (R, Option<u64>) {
    let installed = is_installed();
    let before = current();
    let out = f();
    let after = current();
    (out, installed.then(|| after.wrapping_sub(before)))
}
