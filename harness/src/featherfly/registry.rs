//! The `HostApi` the host hands to `init`: trampolines that record each
//! plugin's registrations, refuse registration after `init`, and never
//! trust a `user_data` pointer they did not hand out.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use hookcheck_pdk::featherfly::{
    CloudPanelCallback, ConfigCallback, EventCallback, FEATHERFLY_PLUGIN_API_VERSION, HostApi,
    JsonCallback, RequestCallback, RouteCallback,
};

use super::calls::RegKind;

/// A registered callback.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Callback {
    Event(EventCallback),
    Config(ConfigCallback),
    Request(RequestCallback),
    Route(RouteCallback),
    Json(JsonCallback),
    CloudPanel(CloudPanelCallback),
}

/// Registration state of one plugin; its address is the `hook_state`.
#[derive(Debug)]
pub(crate) struct LoadState {
    open: AtomicBool,
    pub(crate) late: AtomicUsize,
    pub(crate) rejected: Mutex<Vec<String>>,
    /// Registrations the host stores but never calls as documented.
    pub(crate) ignored: Mutex<Vec<String>>,
    pub(crate) regs: Mutex<Vec<(RegKind, Callback)>>,
    /// Every route of the plugin set so far (method code, path): the bus
    /// refuses a duplicate across plugins.
    routes: std::sync::Arc<Mutex<HashSet<(u32, String)>>>,
}

/// Addresses of every live `LoadState`.
static LIVE: Mutex<Option<HashSet<usize>>> = Mutex::new(None);

/// Log lines kept per hook call; a plugin that logs in a loop cannot grow
/// the host's memory.
pub const LOG_LINES_PER_CALL: usize = 256;
/// Log bytes kept per hook call.
pub const LOG_BYTES_PER_CALL: usize = 64 << 10;
/// The longest log line kept: a longer one is cut while it is read (the
/// rest is never touched), so a plugin's 64 MiB line costs the host 4 KiB.
const LOG_LINE_BYTES: usize = 4096;

/// The log lines of one call, bounded.
#[derive(Default)]
struct CallLog {
    lines: Vec<String>,
    bytes: usize,
    dropped: usize,
}

thread_local! {
    /// The log lines of the plugin currently being called on this thread.
    static LOG: RefCell<Option<CallLog>> = const { RefCell::new(None) };
}

/// Collects `log_info` lines while `f` runs: at most
/// [`LOG_LINES_PER_CALL`] lines and [`LOG_BYTES_PER_CALL`] bytes, then one
/// line saying how many were dropped.
pub(crate) fn capture_logs<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    LOG.with(|l| *l.borrow_mut() = Some(CallLog::default()));
    let out = f();
    let log = LOG.with(|l| l.borrow_mut().take()).unwrap_or_default();
    let mut lines = log.lines;
    if log.dropped > 0 {
        lines.push(format!(
            "[{} more log lines dropped: the host keeps {LOG_LINES_PER_CALL} lines and {LOG_BYTES_PER_CALL} bytes per call]",
            log.dropped
        ));
    }
    (out, lines)
}

impl LoadState {
    pub(crate) fn new(routes: std::sync::Arc<Mutex<HashSet<(u32, String)>>>) -> Box<Self> {
        let state = Box::new(Self {
            open: AtomicBool::new(true),
            late: AtomicUsize::new(0),
            rejected: Mutex::new(Vec::new()),
            ignored: Mutex::new(Vec::new()),
            regs: Mutex::new(Vec::new()),
            routes,
        });
        let addr = &raw const *state as usize;
        LIVE.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert_with(HashSet::new)
            .insert(addr);
        state
    }

    /// Ends the registration window (`init` returned).
    pub(crate) fn close(&self) {
        self.open.store(false, Ordering::SeqCst);
    }

    pub(crate) fn registrations(&self) -> Vec<(RegKind, Callback)> {
        self.regs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for LoadState {
    fn drop(&mut self) {
        let addr = &raw const *self as usize;
        if let Some(set) = LIVE.lock().unwrap_or_else(PoisonError::into_inner).as_mut() {
            set.remove(&addr);
        }
    }
}

/// Codes the trampolines return.
const OK: i32 = 0;
const UNKNOWN_STATE: i32 = -1;
/// An empty pattern or path (application/src/plugins/mod.rs:442-541).
const EMPTY: i32 = -2;
const AFTER_INIT: i32 = -3;
/// A route the bus refuses: not absolute, or a duplicate.
const INVALID: i32 = -4;

/// What a trampoline makes of one registration.
enum Registration {
    /// Stored; `note` when the host stores it but never calls it as the
    /// documents describe (an event id outside 1-47 never fires, an
    /// unknown method is served as GET).
    Accepted {
        reg: (RegKind, Callback),
        note: Option<String>,
    },
    /// Refused with the host's return code.
    Refused { code: i32, why: String },
}

fn accepted(kind: RegKind, cb: Callback) -> Registration {
    Registration::Accepted {
        reg: (kind, cb),
        note: None,
    }
}

fn refused(code: i32, why: String) -> Registration {
    Registration::Refused { code, why }
}

fn with_state(user_data: *mut c_void, f: impl FnOnce(&LoadState) -> Registration) -> i32 {
    let addr = user_data as usize;
    let known = LIVE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .is_some_and(|s| s.contains(&addr));
    if !known {
        return UNKNOWN_STATE;
    }
    // SAFETY: `addr` is the address of a live, boxed `LoadState` (checked above).
    let state = unsafe { &*(addr as *const LoadState) };
    if !state.open.load(Ordering::SeqCst) {
        state.late.fetch_add(1, Ordering::SeqCst);
        return AFTER_INIT;
    }
    match f(state) {
        Registration::Accepted { reg, note } => {
            if let RegKind::Route { method, path } = &reg.0 {
                state
                    .routes
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert((*method, path.clone()));
            }
            if let Some(note) = note {
                state
                    .ignored
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(note);
            }
            state
                .regs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(reg);
            OK
        }
        Registration::Refused { code, why } => {
            state
                .rejected
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(why);
            code
        }
    }
}

/// A pattern or path as the host reads it: bytes from a pointer and a
/// length, decoded lossily; empty (or null) is refused with -2. Longer
/// than 4096 bytes is refused too (hookcheck's bound; the host has none).
fn pattern(ptr: *const u8, len: usize, what: &str) -> Result<String, Registration> {
    if ptr.is_null() || len == 0 {
        return Err(refused(EMPTY, format!("{what} is empty")));
    }
    if len > 4096 {
        return Err(refused(INVALID, format!("{what} is {len} bytes long")));
    }
    // SAFETY: the plugin passes a pointer and length to its own string.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// # Safety
///
/// Called by plugin code with its own pointers; each is checked (null,
/// length, the `user_data` this host handed out) before it is read.
unsafe extern "C" fn register_hook(event: u32, cb: EventCallback, user_data: *mut c_void) -> i32 {
    with_state(user_data, |_| Registration::Accepted {
        reg: (RegKind::Event { event }, Callback::Event(cb)),
        note: (!(1..=47).contains(&event)).then(|| {
            format!(
                "register_hook: event id {event} is not 1-47; the host stores it and never fires it"
            )
        }),
    })
}

/// # Safety
///
/// Called by plugin code with its own pointers; each is checked (null,
/// length, the `user_data` this host handed out) before it is read.
unsafe extern "C" fn register_json_hook(
    target: u32,
    p: *const u8,
    l: usize,
    cb: JsonCallback,
    user_data: *mut c_void,
) -> i32 {
    with_state(user_data, |_| {
        let pattern = match pattern(p, l, "register_json_hook pattern") {
            Ok(pattern) => pattern,
            Err(refusal) => return refusal,
        };
        Registration::Accepted {
            reg: (RegKind::Json { target, pattern }, Callback::Json(cb)),
            note: (!(1..=2).contains(&target)).then(|| {
                format!("register_json_hook: target {target} is not 1 or 2; the host stores it and never calls it")
            }),
        }
    })
}

/// # Safety
///
/// Called by plugin code with its own pointers; each is checked (null,
/// length, the `user_data` this host handed out) before it is read.
unsafe extern "C" fn register_config_hook(cb: ConfigCallback, user_data: *mut c_void) -> i32 {
    with_state(user_data, |_| {
        accepted(RegKind::Config, Callback::Config(cb))
    })
}

/// # Safety
///
/// Called by plugin code with its own pointers; each is checked (null,
/// length, the `user_data` this host handed out) before it is read.
unsafe extern "C" fn register_request_hook(
    phase: u32,
    p: *const u8,
    l: usize,
    cb: RequestCallback,
    user_data: *mut c_void,
) -> i32 {
    with_state(user_data, |_| {
        let pattern = match pattern(p, l, "register_request_hook pattern") {
            Ok(pattern) => pattern,
            Err(refusal) => return refusal,
        };
        Registration::Accepted {
            reg: (RegKind::Request { phase, pattern }, Callback::Request(cb)),
            note: (!(1..=2).contains(&phase)).then(|| {
                format!("register_request_hook: phase {phase} is not 1 or 2; the host stores it and never calls it")
            }),
        }
    })
}

/// # Safety
///
/// Called by plugin code with its own pointers; each is checked (null,
/// length, the `user_data` this host handed out) before it is read.
unsafe extern "C" fn register_route(
    method: u32,
    p: *const u8,
    l: usize,
    cb: RouteCallback,
    user_data: *mut c_void,
) -> i32 {
    with_state(user_data, |state| {
        let path = match pattern(p, l, "register_route path") {
            Ok(path) => path,
            Err(refusal) => return refusal,
        };
        if !path.starts_with('/') {
            return refused(
                INVALID,
                format!("register_route: plugin route must be absolute: {path}"),
            );
        }
        let taken = state
            .routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&(method, path.clone()));
        if taken {
            return refused(
                INVALID,
                format!("register_route: duplicate plugin route: method {method} {path}"),
            );
        }
        Registration::Accepted {
            reg: (RegKind::Route { method, path }, Callback::Route(cb)),
            note: (!(1..=5).contains(&method)).then(|| {
                format!("register_route: method {method} is not 1-5; the host serves it as GET")
            }),
        }
    })
}

/// # Safety
///
/// Called by plugin code with its own pointers; each is checked (null,
/// length, the `user_data` this host handed out) before it is read.
unsafe extern "C" fn register_cloudpanel_hook(
    cb: CloudPanelCallback,
    user_data: *mut c_void,
) -> i32 {
    with_state(user_data, |_| {
        accepted(RegKind::CloudPanel, Callback::CloudPanel(cb))
    })
}

/// # Safety
///
/// Called by plugin code with its own pointers; each is checked (null,
/// length, the `user_data` this host handed out) before it is read.
unsafe extern "C" fn log_info(ptr: *const u8, len: usize) {
    LOG.with(|l| {
        let mut log = l.borrow_mut();
        let Some(log) = log.as_mut() else {
            return;
        };
        // A full log counts the line without reading a byte of it.
        if log.lines.len() >= LOG_LINES_PER_CALL || log.bytes >= LOG_BYTES_PER_CALL {
            log.dropped += 1;
            return;
        }
        let line = log_line(ptr, len);
        if log.bytes + line.len() <= LOG_BYTES_PER_CALL {
            log.bytes += line.len();
            log.lines.push(line);
        } else {
            log.dropped += 1;
        }
    });
}

/// A log line as the host keeps it: at most [`LOG_LINE_BYTES`] read from
/// the plugin's buffer, never the rest; a cut line ends by saying so, and
/// a character the cut split is left out.
fn log_line(ptr: *const u8, len: usize) -> String {
    if ptr.is_null() {
        return if len == 0 {
            String::new()
        } else {
            "<log line pointer is null>".into()
        };
    }
    let read = len.min(LOG_LINE_BYTES);
    // SAFETY: the plugin passes a pointer and length to its own string;
    // `read` is no more than that length.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, read) };
    let kept = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        // Only the cut split a character: keep what precedes it.
        Err(e) if read < len && e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return "<log line is not UTF-8>".into(),
    };
    if read == len {
        kept.to_owned()
    } else {
        format!("{kept}… [cut: the line is {len} bytes; the host keeps {LOG_LINE_BYTES}]")
    }
}

/// The `HostApi` for one plugin: its name and its `LoadState` as
/// `hook_state`. The name bytes must outlive the plugin.
pub(crate) fn host_api(name: &[u8], state: &LoadState) -> HostApi {
    HostApi {
        api_version: FEATHERFLY_PLUGIN_API_VERSION,
        plugin_name_ptr: name.as_ptr(),
        plugin_name_len: name.len(),
        hook_state: (&raw const *state).cast_mut().cast::<c_void>(),
        register_hook: Some(register_hook),
        register_json_hook: Some(register_json_hook),
        register_config_hook: Some(register_config_hook),
        register_request_hook: Some(register_request_hook),
        register_route: Some(register_route),
        register_cloudpanel_hook: Some(register_cloudpanel_hook),
        log_info: Some(log_info),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logging_loop_keeps_a_bounded_log_per_call() {
        let line = b"again and again";
        let ((), lines) = capture_logs(|| {
            for _ in 0..100_000 {
                // SAFETY: a live buffer and its length.
                unsafe { log_info(line.as_ptr(), line.len()) };
            }
        });
        assert_eq!(lines.len(), LOG_LINES_PER_CALL + 1);
        assert!(lines[LOG_LINES_PER_CALL].starts_with(&format!(
            "[{} more log lines dropped",
            100_000 - LOG_LINES_PER_CALL
        )));
        // The next call starts with a fresh budget.
        // SAFETY: a live buffer and its length.
        let ((), next) = capture_logs(|| unsafe { log_info(line.as_ptr(), line.len()) });
        assert_eq!(next.len(), 1);
    }

    #[test]
    fn a_huge_log_line_is_cut_while_it_is_read() {
        // 64 MiB claimed, of which only the first page can be read: a host
        // that touched the rest would crash here, not merely use memory.
        const CLAIMED: usize = 64 << 20;
        // SAFETY: a fresh anonymous mapping; only its first page is made
        // readable and written, and it is unmapped at the end.
        let base = unsafe {
            let base = libc::mmap(
                std::ptr::null_mut(),
                CLAIMED,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(base, libc::MAP_FAILED);
            assert_eq!(
                libc::mprotect(base, 4096, libc::PROT_READ | libc::PROT_WRITE),
                0
            );
            // A two-byte character straddling the cut at 4096.
            std::ptr::write_bytes(base.cast::<u8>(), b'x', 4095);
            *base.cast::<u8>().add(4095) = 0xc3;
            base.cast::<u8>()
        };
        let ((), lines) = capture_logs(|| {
            // SAFETY: the plugin's view: a pointer and the length it claims.
            unsafe { log_info(base, CLAIMED) };
            // Each further line is read up to the cut while the budget
            // lasts; past it, not at all.
            for _ in 0..10_000 {
                // SAFETY: as above.
                unsafe { log_info(base, CLAIMED) };
            }
        });
        let first = &lines[0];
        assert!(first.starts_with(&"x".repeat(4095)), "{first:.80}");
        assert!(
            first.ends_with(&format!(
                "… [cut: the line is {CLAIMED} bytes; the host keeps 4096]"
            )),
            "{}",
            &first[4095..]
        );
        let kept: usize = lines.iter().map(String::len).sum();
        assert!(kept <= LOG_BYTES_PER_CALL + 200, "{kept}");
        assert!(
            lines
                .last()
                .is_some_and(|l| l.contains("more log lines dropped"))
        );
        // SAFETY: the mapping made above, no longer used.
        unsafe { libc::munmap(base.cast(), CLAIMED) };
    }
}
