//! Native plugins loaded into this process through `libloading`, and raw
//! hook calls with host-owned output buffers of fixed capacity.

use std::path::{Path, PathBuf};

use hookcheck_pdk::featherfly::{
    CloudPanelCommandContext, ConfigMutateContext, EventContext, FEATHERFLY_PLUGIN_API_VERSION,
    JsonMutateContext, PluginEntry, RequestHookContext, RouteHandlerContext,
};
use libloading::Library;

use super::api_page::ApiPage;
use super::calls::{HookInput, HookOutput, PluginInfo, RegInfo, RegKind};
use super::registry::{Callback, LoadState, capture_logs, host_api};
use crate::engine::Bytes;
use crate::engine::LoadWarning;
use crate::error::LoadError;
use crate::{Error, Result};

/// The symbol every FeatherFly plugin exports.
pub const ENTRY_SYMBOL: &str = "featherfly_plugin_entry";
/// Bytes past the capacity that the host watches for overruns.
const GUARD: usize = 64;
const CANARY: u8 = 0xa5;
const UNSET: usize = usize::MAX;
/// The CloudPanel cancel reason buffer, as the host allocates it
/// (application/src/plugins/events.rs:309).
pub const CANCEL_REASON_CAPACITY: usize = 1024;

struct Loaded {
    info: PluginInfo,
    entry: PluginEntry,
    state: Box<LoadState>,
    _api: ApiPage,
    _name: Box<[u8]>,
    shut_down: bool,
    // Dropped last: every pointer above points into it.
    _lib: Library,
}

/// A host-owned output buffer: `capacity` bytes for the current call
/// (at most `limit`), then guard bytes.
struct OutBuf {
    data: Vec<u8>,
    capacity: usize,
    limit: usize,
}

impl OutBuf {
    fn new(limit: usize) -> Self {
        let mut data = vec![0; limit.min(8192) + GUARD];
        let capacity = data.len() - GUARD;
        data[capacity..].fill(CANARY);
        Self {
            data,
            capacity,
            limit,
        }
    }

    /// Arms the buffer for a call with `capacity` bytes (at most the
    /// limit), zeroed as the host's fresh buffer is.
    fn arm(&mut self, capacity: usize) -> *mut u8 {
        self.capacity = capacity.min(self.limit);
        self.data.clear();
        self.data.resize(self.capacity + GUARD, 0);
        self.data[self.capacity..].fill(CANARY);
        self.data.as_mut_ptr()
    }

    fn overflowed(&self) -> bool {
        // One comparison of the whole guard (a `memcmp`), not a loop over
        // bytes: this runs after every call.
        self.data[self.capacity..] != [CANARY; GUARD]
    }

    /// The written bytes for length `len`, or the claimed length when it
    /// exceeds the capacity.
    fn take(&self, len: usize) -> (Option<Bytes>, Option<u64>) {
        match len {
            UNSET => (None, None),
            n if n > self.capacity => (None, Some(n as u64)),
            n => (Some(Bytes(self.data[..n].to_vec())), None),
        }
    }
}

/// Plugins loaded into this process, their registrations in load order,
/// and reusable output buffers.
pub struct InProcess {
    plugins: Vec<Loaded>,
    regs: Vec<(RegInfo, Callback)>,
    out: OutBuf,
    reason: OutBuf,
    warnings: Vec<LoadWarning>,
    /// Every route registered so far, by every plugin (the bus refuses a
    /// duplicate, and keeps a failed plugin's).
    routes: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<(u32, String)>>>,
}

impl std::fmt::Debug for InProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcess")
            .field(
                "plugins",
                &self.plugins.iter().map(|p| &p.info).collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn read_str(ptr: *const u8, len: usize, what: &str) -> std::result::Result<String, String> {
    if len == 0 {
        return Ok(String::new());
    }
    if ptr.is_null() || len > 4096 {
        return Err(format!(
            "descriptor {what} is not a string (pointer {ptr:?}, length {len})"
        ));
    }
    // SAFETY: the descriptor points at the plugin's static string.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    String::from_utf8(bytes.to_vec()).map_err(|_| format!("descriptor {what} is not valid UTF-8"))
}

impl InProcess {
    /// Loads `paths` in the order given (the caller sorts them), calling
    /// each `init` and firing `plugin.loaded` after each. A plugin whose API
    /// version is not 8 is skipped with a warning.
    pub fn load(paths: &[PathBuf], capacity: usize) -> Result<Self> {
        let mut set = Self {
            plugins: Vec::new(),
            regs: Vec::new(),
            out: OutBuf::new(capacity),
            reason: OutBuf::new(CANCEL_REASON_CAPACITY.min(capacity)),
            warnings: Vec::new(),
            routes: std::sync::Arc::default(),
        };
        for path in paths {
            set.load_one(path)?;
        }
        Ok(set)
    }

    fn load_one(&mut self, path: &Path) -> Result<()> {
        let path = &std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let descriptor = |reason: String| {
            Error::NativeLoad(LoadError::BadDescriptor {
                path: path.clone(),
                reason,
            })
        };
        // SAFETY: loading a library runs its initializers; that is what
        // loading a plugin means. Crashes are contained by the child runner.
        // In an isolated runner, a file opened before its mounts changed.
        let opened = super::isolation::opened(path);
        // SAFETY: as above.
        let lib = unsafe { Library::new(&opened) }.map_err(|e| {
            Error::NativeLoad(LoadError::NotLoadable {
                path: path.clone(),
                reason: e.to_string(),
            })
        })?;
        // SAFETY: the contract fixes the symbol's type.
        let entry_fn =
            unsafe { lib.get::<unsafe extern "C" fn() -> PluginEntry>(ENTRY_SYMBOL.as_bytes()) }
                .map_err(|_| Error::NativeLoad(LoadError::NoEntry { path: path.clone() }))?;
        // SAFETY: the plugin's entry point, of the type the contract fixes.
        let entry = unsafe { entry_fn() };
        let desc = entry.descriptor;
        if desc.api_version != FEATHERFLY_PLUGIN_API_VERSION {
            self.warnings.push(LoadWarning::ApiVersion {
                path: path.clone(),
                found: desc.api_version,
                expected: FEATHERFLY_PLUGIN_API_VERSION,
            });
            return Ok(());
        }
        let name = read_str(desc.name_ptr, desc.name_len, "name").map_err(descriptor)?;
        let version =
            read_str(desc.version_ptr, desc.version_len, "version").map_err(descriptor)?;
        let index = self.plugins.len();
        let state = LoadState::new(std::sync::Arc::clone(&self.routes));
        let name_bytes: Box<[u8]> = name.as_bytes().into();
        let api = ApiPage::new(host_api(&name_bytes, &state)).map_err(|e| {
            Error::NativeLoad(LoadError::HostFault {
                reason: format!("cannot map the host API page: {e}"),
            })
        })?;
        let code = match entry.vtable.init {
            // SAFETY: the plugin's own `init`, given the host API it expects;
            // what it does is the plugin's (the runner contains crashes).
            Some(init) => capture_logs(|| unsafe { init(api.as_ptr()) }).0,
            None => 0,
        };
        state.close();
        api.retire();
        if code != 0 {
            let registered = state
                .regs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .len();
            return Err(Error::NativeLoad(LoadError::InitFailed {
                plugin: name,
                code,
                registered,
            }));
        }
        for why in state
            .rejected
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            self.warnings.push(LoadWarning::RegistrationRefused {
                plugin: name.clone(),
                reason: why.clone(),
            });
        }
        for why in state
            .ignored
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            self.warnings.push(LoadWarning::RegistrationNeverCalled {
                plugin: name.clone(),
                reason: why.clone(),
            });
        }
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (kind, cb) in state.registrations() {
            self.regs.push((
                RegInfo {
                    plugin: index,
                    kind,
                },
                cb,
            ));
        }
        self.plugins.push(Loaded {
            info: PluginInfo {
                name: name.clone(),
                version,
                file,
            },
            entry,
            state,
            _api: api,
            _name: name_bytes,
            shut_down: false,
            _lib: lib,
        });
        // plugin.loaded (5) goes to every handler registered so far.
        let loaded: Vec<usize> = (0..self.regs.len())
            .filter(|&i| matches!(self.regs[i].0.kind, RegKind::Event { event: 5 }))
            .collect();
        for reg in loaded {
            let input = HookInput::Event {
                event: 5,
                payload: Bytes::from(name.as_str()),
            };
            let out = self.call(reg, &input);
            if out.code == 1 {
                break;
            }
        }
        Ok(())
    }

    /// Descriptors of the loaded plugins.
    pub fn plugins(&self) -> Vec<PluginInfo> {
        self.plugins.iter().map(|p| p.info.clone()).collect()
    }

    /// Every registration, in load order.
    pub fn registrations(&self) -> Vec<RegInfo> {
        self.regs.iter().map(|(r, _)| r.clone()).collect()
    }

    /// Load warnings (skipped plugins, refused registrations).
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }

    /// How many registration attempts each plugin made after its `init`
    /// returned (all refused).
    pub fn late_registrations(&self) -> Vec<usize> {
        self.plugins
            .iter()
            .map(|p| p.state.late.load(std::sync::atomic::Ordering::SeqCst))
            .collect()
    }

    /// The function registration `reg` registered, when it is a request
    /// hook.
    pub(crate) fn request_callback(
        &self,
        reg: usize,
    ) -> Option<hookcheck_pdk::featherfly::RequestCallback> {
        match self.regs.get(reg)?.1 {
            Callback::Request(f) => Some(f),
            _ => None,
        }
    }

    /// Calls registration `reg` with `input`. The callback and the input
    /// kind must match; a mismatch is answered with code `i32::MIN`.
    pub fn call(&mut self, reg: usize, input: &HookInput) -> HookOutput {
        let Some((plugin, cb)) = self.regs.get(reg).map(|(i, c)| (i.plugin, *c)) else {
            return HookOutput {
                code: i32::MIN,
                ..HookOutput::default()
            };
        };
        let late = |set: &Self| {
            set.plugins.get(plugin).map_or(0, |p| {
                p.state.late.load(std::sync::atomic::Ordering::SeqCst)
            })
        };
        let before = late(self);
        let (mut out, logs) = capture_logs(|| self.raw_call(cb, input));
        out.logs = logs;
        out.late_registrations = late(self) - before;
        out
    }

    fn raw_call(&mut self, cb: Callback, input: &HookInput) -> HookOutput {
        let mut len: usize = UNSET;
        let mut status: u16 = 0;
        let mut reason_len: usize = UNSET;
        // The host's rule: a fresh buffer of twice the input, at least
        // 8192 bytes (application/src/plugins/events.rs:220, 255, 307, 370;
        // routes.rs:75).
        let out_ptr = self.out.arm(input.len().max(4096).saturating_mul(2));
        let capacity = self.out.capacity;
        let code = match (cb, input) {
            (Callback::Event(f), HookInput::Event { event, payload }) => {
                let ctx = EventContext {
                    event: *event,
                    payload_ptr: payload.0.as_ptr(),
                    payload_len: payload.0.len(),
                };
                return HookOutput {
                    // SAFETY: the plugin's registered callback, given a
                    // context that lives for the call.
                    code: i32::from(unsafe { f(&raw const ctx) }.cancelled),
                    ..HookOutput::default()
                };
            }
            (Callback::Config(f), HookInput::Config { yaml }) => {
                let ctx = ConfigMutateContext {
                    yaml_in_ptr: yaml.0.as_ptr(),
                    yaml_in_len: yaml.0.len(),
                    yaml_out_ptr: out_ptr,
                    yaml_out_capacity: capacity,
                    yaml_out_len: &raw mut len,
                };
                // SAFETY: the plugin's registered callback, given a context
                // whose pointers and buffers live for the call.
                unsafe { f(&raw const ctx) }
            }
            (
                Callback::Json(f),
                HookInput::Json {
                    target,
                    route,
                    method,
                    json,
                },
            ) => {
                let ctx = JsonMutateContext {
                    target: *target,
                    route_ptr: route.as_ptr(),
                    route_len: route.len(),
                    method: *method,
                    json_in_ptr: json.0.as_ptr(),
                    json_in_len: json.0.len(),
                    json_out_ptr: out_ptr,
                    json_out_capacity: capacity,
                    json_out_len: &raw mut len,
                };
                // SAFETY: the plugin's registered callback, given a context
                // whose pointers and buffers live for the call.
                unsafe { f(&raw const ctx) }
            }
            (
                Callback::Request(f),
                HookInput::Request {
                    phase,
                    method,
                    path,
                    headers_json,
                    body,
                },
            ) => {
                let ctx = RequestHookContext {
                    phase: *phase,
                    method: *method,
                    path_ptr: path.as_ptr(),
                    path_len: path.len(),
                    headers_json_ptr: headers_json.0.as_ptr(),
                    headers_json_len: headers_json.0.len(),
                    body_in_ptr: body.0.as_ptr(),
                    body_in_len: body.0.len(),
                    status_code: &raw mut status,
                    response_body_ptr: out_ptr,
                    response_body_capacity: capacity,
                    response_body_len: &raw mut len,
                };
                // SAFETY: the plugin's registered callback, given a context
                // whose pointers and buffers live for the call.
                unsafe { f(&raw const ctx) }
            }
            (Callback::Route(f), HookInput::Route { method, path, body }) => {
                let ctx = RouteHandlerContext {
                    method: *method,
                    path_ptr: path.as_ptr(),
                    path_len: path.len(),
                    body_in_ptr: body.0.as_ptr(),
                    body_in_len: body.0.len(),
                    body_out_ptr: out_ptr,
                    body_out_capacity: capacity,
                    body_out_len: &raw mut len,
                    status_code: &raw mut status,
                };
                // SAFETY: the plugin's registered callback, given a context
                // whose pointers and buffers live for the call.
                unsafe { f(&raw const ctx) }
            }
            (
                Callback::CloudPanel(f),
                HookInput::CloudPanel {
                    operation,
                    command,
                    args,
                },
            ) => {
                let reason_ptr = self.reason.arm(CANCEL_REASON_CAPACITY);
                let ctx = CloudPanelCommandContext {
                    operation_ptr: operation.as_ptr(),
                    operation_len: operation.len(),
                    command_ptr: command.as_ptr(),
                    command_len: command.len(),
                    args_json_in_ptr: args.0.as_ptr(),
                    args_json_in_len: args.0.len(),
                    args_json_out_ptr: out_ptr,
                    args_json_out_capacity: capacity,
                    args_json_out_len: &raw mut len,
                    cancel_reason_ptr: reason_ptr,
                    cancel_reason_capacity: self.reason.capacity,
                    cancel_reason_len: &raw mut reason_len,
                };
                // SAFETY: the plugin's registered callback, given a context
                // whose pointers and buffers live for the call.
                unsafe { f(&raw const ctx) }
            }
            _ => {
                return HookOutput {
                    code: i32::MIN,
                    ..HookOutput::default()
                };
            }
        };
        let (output, claimed_len) = self.out.take(len);
        // Only a cloud panel hook is handed the reason buffer.
        let (reason, reason_overflowed) = if matches!(cb, Callback::CloudPanel(_)) {
            (self.reason.take(reason_len).0, self.reason.overflowed())
        } else {
            (None, false)
        };
        HookOutput {
            code,
            output,
            claimed_len,
            overflowed: self.out.overflowed() || reason_overflowed,
            status,
            reason,
            logs: Vec::new(),
            late_registrations: 0,
            capacity,
        }
    }

    /// Runs every plugin's `shutdown` once, in load order.
    pub fn shutdown(&mut self) {
        for p in &mut self.plugins {
            if !std::mem::replace(&mut p.shut_down, true)
                && let Some(f) = p.entry.vtable.shutdown
            {
                // SAFETY: the plugin's own `shutdown`, once, while its
                // library is still loaded.
                unsafe { f() };
            }
        }
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        self.shutdown();
    }
}
