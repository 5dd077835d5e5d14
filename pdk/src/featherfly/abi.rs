//! The FeatherFly plugin API v8 binary layout: `#[repr(C)]`, x86_64,
//! field order exactly as the SDK's. `ptr`/`len` pairs are `*const u8` +
//! `usize`; strings are UTF-8 and not NUL-terminated.

use std::ffi::c_void;

/// The plugin API version this layout is.
pub const FEATHERFLY_PLUGIN_API_VERSION: u32 = 8;

/// `config.mutate`: output written.
pub const CONFIG_MUTATE_MODIFIED: i32 = 0;
/// `config.mutate`: keep the prior YAML.
pub const CONFIG_MUTATE_UNCHANGED: i32 = 1;
/// JSON hooks: output written.
pub const JSON_MUTATE_MODIFIED: i32 = 0;
/// JSON hooks: keep the prior JSON.
pub const JSON_MUTATE_UNCHANGED: i32 = 1;
/// Request hooks: go on.
pub const REQUEST_CONTINUE: i32 = 0;
/// Request hooks: answer with the written status and body.
pub const REQUEST_RESPOND: i32 = 1;
/// Route handlers: status and body written.
pub const ROUTE_OK: i32 = 0;
/// CloudPanel hooks: keep the args and run the command.
pub const CLOUDPANEL_CONTINUE: i32 = 0;
/// CloudPanel hooks: args written.
pub const CLOUDPANEL_MODIFIED: i32 = 1;
/// CloudPanel hooks: cancel the command (reason written).
pub const CLOUDPANEL_CANCEL: i32 = 2;
/// What the SDK's writers return when the output exceeds the capacity.
pub const WRITE_OVERFLOW: i32 = -2;

/// HTTP GET.
pub const HTTP_METHOD_GET: u32 = 1;
/// HTTP POST.
pub const HTTP_METHOD_POST: u32 = 2;
/// HTTP PUT.
pub const HTTP_METHOD_PUT: u32 = 3;
/// HTTP PATCH.
pub const HTTP_METHOD_PATCH: u32 = 4;
/// HTTP DELETE.
pub const HTTP_METHOD_DELETE: u32 = 5;

/// Which request layer a request hook joins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum RequestHookPhase {
    /// `request.intercept` (outer).
    Intercept = 1,
    /// `middleware.inject` (inner).
    Middleware = 2,
}

/// What a JSON hook rewrites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum JsonMutateTarget {
    /// `json.response`: the whole body.
    ResponseBody = 1,
    /// `json.actions`: the top-level `actions` array.
    ResponseActions = 2,
}

/// The plugin's name, version and API version.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PluginDescriptor {
    /// Must be [`FEATHERFLY_PLUGIN_API_VERSION`].
    pub api_version: u32,
    /// UTF-8 name.
    pub name_ptr: *const u8,
    /// Its length.
    pub name_len: usize,
    /// UTF-8 version.
    pub version_ptr: *const u8,
    /// Its length.
    pub version_len: usize,
}

/// `init` and `shutdown`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PluginVTable {
    /// Registers hooks; non-zero fails the load.
    pub init: Option<unsafe extern "C" fn(*const HostApi) -> i32>,
    /// Runs at daemon stop.
    pub shutdown: Option<unsafe extern "C" fn()>,
}

/// What `featherfly_plugin_entry` returns by value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PluginEntry {
    /// The descriptor.
    pub descriptor: PluginDescriptor,
    /// The vtable.
    pub vtable: PluginVTable,
}

/// `HookResult::cancelled`: 0 continue, 1 cancel.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HookResult {
    /// 0 continue, 1 cancel the remaining handlers of this event.
    pub cancelled: u8,
}

impl HookResult {
    /// Run the remaining handlers.
    pub const fn r#continue() -> Self {
        Self { cancelled: 0 }
    }

    /// Stop the remaining handlers of this event.
    pub const fn cancel() -> Self {
        Self { cancelled: 1 }
    }
}

/// A lifecycle event.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct EventContext {
    /// The event id (1–47).
    pub event: u32,
    /// The payload.
    pub payload_ptr: *const u8,
    /// Its length.
    pub payload_len: usize,
}

/// A JSON hook call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct JsonMutateContext {
    /// 1 `json.response`, 2 `json.actions`.
    pub target: u32,
    /// The request path.
    pub route_ptr: *const u8,
    /// Its length.
    pub route_len: usize,
    /// The method code.
    pub method: u32,
    /// The input JSON.
    pub json_in_ptr: *const u8,
    /// Its length.
    pub json_in_len: usize,
    /// The host-owned output buffer.
    pub json_out_ptr: *mut u8,
    /// Its capacity.
    pub json_out_capacity: usize,
    /// Where the plugin writes the output length.
    pub json_out_len: *mut usize,
}

/// A `config.mutate` call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ConfigMutateContext {
    /// The input YAML.
    pub yaml_in_ptr: *const u8,
    /// Its length.
    pub yaml_in_len: usize,
    /// The host-owned output buffer.
    pub yaml_out_ptr: *mut u8,
    /// Its capacity.
    pub yaml_out_capacity: usize,
    /// Where the plugin writes the output length.
    pub yaml_out_len: *mut usize,
}

/// A `request.intercept` / `middleware.inject` call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RequestHookContext {
    /// 1 intercept, 2 middleware.
    pub phase: u32,
    /// The method code.
    pub method: u32,
    /// The path.
    pub path_ptr: *const u8,
    /// Its length.
    pub path_len: usize,
    /// Headers as a JSON object, lowercase keys, `authorization` redacted.
    pub headers_json_ptr: *const u8,
    /// Its length.
    pub headers_json_len: usize,
    /// The body.
    pub body_in_ptr: *const u8,
    /// Its length.
    pub body_in_len: usize,
    /// Where a responding plugin writes the status.
    pub status_code: *mut u16,
    /// The host-owned response body buffer.
    pub response_body_ptr: *mut u8,
    /// Its capacity.
    pub response_body_capacity: usize,
    /// Where the plugin writes the body length.
    pub response_body_len: *mut usize,
}

/// A plugin route call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RouteHandlerContext {
    /// The method code.
    pub method: u32,
    /// The path.
    pub path_ptr: *const u8,
    /// Its length.
    pub path_len: usize,
    /// The request body.
    pub body_in_ptr: *const u8,
    /// Its length.
    pub body_in_len: usize,
    /// The host-owned response body buffer.
    pub body_out_ptr: *mut u8,
    /// Its capacity.
    pub body_out_capacity: usize,
    /// Where the plugin writes the body length.
    pub body_out_len: *mut usize,
    /// Where the plugin writes the status.
    pub status_code: *mut u16,
}

/// A CloudPanel command hook call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CloudPanelCommandContext {
    /// The operation (`site:add:php`, …).
    pub operation_ptr: *const u8,
    /// Its length.
    pub operation_len: usize,
    /// The command (`site:delete`, …).
    pub command_ptr: *const u8,
    /// Its length.
    pub command_len: usize,
    /// The CLI args as JSON.
    pub args_json_in_ptr: *const u8,
    /// Its length.
    pub args_json_in_len: usize,
    /// The host-owned args output buffer.
    pub args_json_out_ptr: *mut u8,
    /// Its capacity.
    pub args_json_out_capacity: usize,
    /// Where the plugin writes the args length.
    pub args_json_out_len: *mut usize,
    /// The host-owned cancel reason buffer.
    pub cancel_reason_ptr: *mut u8,
    /// Its capacity.
    pub cancel_reason_capacity: usize,
    /// Where the plugin writes the reason length.
    pub cancel_reason_len: *mut usize,
}

/// A lifecycle callback.
pub type EventCallback = unsafe extern "C" fn(*const EventContext) -> HookResult;
/// A JSON hook.
pub type JsonCallback = unsafe extern "C" fn(*const JsonMutateContext) -> i32;
/// A config hook.
pub type ConfigCallback = unsafe extern "C" fn(*const ConfigMutateContext) -> i32;
/// A request hook.
pub type RequestCallback = unsafe extern "C" fn(*const RequestHookContext) -> i32;
/// A route handler.
pub type RouteCallback = unsafe extern "C" fn(*const RouteHandlerContext) -> i32;
/// A CloudPanel hook.
pub type CloudPanelCallback = unsafe extern "C" fn(*const CloudPanelCommandContext) -> i32;

/// What the host passes to `init`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct HostApi {
    /// The host's API version.
    pub api_version: u32,
    /// The plugin's name as the host knows it.
    pub plugin_name_ptr: *const u8,
    /// Its length.
    pub plugin_name_len: usize,
    /// Pass back as `user_data` to every `register_*`.
    pub hook_state: *mut c_void,
    /// `(event, cb, user_data) -> 0 ok`.
    pub register_hook: Option<unsafe extern "C" fn(u32, EventCallback, *mut c_void) -> i32>,
    /// `(target, pattern ptr, pattern len, cb, user_data)`.
    pub register_json_hook:
        Option<unsafe extern "C" fn(u32, *const u8, usize, JsonCallback, *mut c_void) -> i32>,
    /// `(cb, user_data)`.
    pub register_config_hook: Option<unsafe extern "C" fn(ConfigCallback, *mut c_void) -> i32>,
    /// `(phase, pattern ptr, pattern len, cb, user_data)`.
    pub register_request_hook:
        Option<unsafe extern "C" fn(u32, *const u8, usize, RequestCallback, *mut c_void) -> i32>,
    /// `(method, path ptr, path len, cb, user_data)`.
    pub register_route:
        Option<unsafe extern "C" fn(u32, *const u8, usize, RouteCallback, *mut c_void) -> i32>,
    /// `(cb, user_data)`.
    pub register_cloudpanel_hook:
        Option<unsafe extern "C" fn(CloudPanelCallback, *mut c_void) -> i32>,
    /// `(msg ptr, msg len)`.
    pub log_info: Option<unsafe extern "C" fn(*const u8, usize)>,
}
