//! The `HostApi` a plugin's `init` receives, in a page of its own that
//! becomes unreadable when `init` returns. The daemon passes a stack value
//! that dies then (application/src/plugins/mod.rs:379-382): a plugin that
//! keeps the pointer and reads it from a hook reads freed memory there, and
//! crashes here, where the crash is a finding. A plugin that copies the
//! struct (it is `Copy`) keeps working on both.

use std::io;

use hookcheck_pdk::featherfly::HostApi;

/// One `HostApi` in an anonymous mapping of its own.
pub(crate) struct ApiPage {
    ptr: *mut HostApi,
    len: usize,
}

impl ApiPage {
    /// Maps a page and writes `api` into it.
    pub(crate) fn new(api: HostApi) -> io::Result<Self> {
        // SAFETY: `sysconf` has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
        let len = std::mem::size_of::<HostApi>().div_ceil(page) * page;
        // SAFETY: an anonymous private mapping of `len` bytes at an address
        // the kernel picks; the result is checked before use.
        let addr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if addr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = addr.cast::<HostApi>();
        // SAFETY: `ptr` is a fresh, page-aligned, writable mapping at least
        // `size_of::<HostApi>()` bytes long.
        unsafe { ptr.write(api) };
        Ok(Self { ptr, len })
    }

    /// The pointer `init` receives.
    pub(crate) fn as_ptr(&self) -> *const HostApi {
        self.ptr
    }

    /// Makes the page unreadable: `init` has returned. The address stays
    /// reserved (never unmapped), so a later read always faults instead of
    /// finding some other allocation there.
    pub(crate) fn retire(&self) {
        // SAFETY: `ptr..ptr+len` is this object's own mapping. Should this
        // fail, the page stays readable: a kept pointer then reads the
        // stale (still valid) struct, as it may on the daemon.
        unsafe { libc::mprotect(self.ptr.cast(), self.len, libc::PROT_NONE) };
    }
}
