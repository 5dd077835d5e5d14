//! Reading inputs, writing outputs into host-owned buffers, and calling the
//! host's registration functions.

use super::abi::*;

fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: the host passes a pointer and length it owns for the call.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

/// Copies `data` into a host buffer of `capacity` and stores its length;
/// `false` (nothing written) when it does not fit or a pointer is null.
fn write(out: *mut u8, capacity: usize, len_out: *mut usize, data: &[u8]) -> bool {
    if data.len() > capacity || out.is_null() || len_out.is_null() {
        return false;
    }
    // SAFETY: the host owns `capacity` bytes at `out` and a usize at `len_out`.
    unsafe {
        std::ptr::copy_nonoverlapping(data.as_ptr(), out, data.len());
        *len_out = data.len();
    }
    true
}

/// The JSON a JSON hook receives.
pub fn json_input(ctx: &JsonMutateContext) -> &[u8] {
    bytes(ctx.json_in_ptr, ctx.json_in_len)
}

/// The route path a JSON hook runs for.
pub fn json_route(ctx: &JsonMutateContext) -> &[u8] {
    bytes(ctx.route_ptr, ctx.route_len)
}

/// The YAML a config hook receives.
pub fn config_input(ctx: &ConfigMutateContext) -> &[u8] {
    bytes(ctx.yaml_in_ptr, ctx.yaml_in_len)
}

/// A lifecycle event's payload.
pub fn event_payload(ctx: &EventContext) -> &[u8] {
    bytes(ctx.payload_ptr, ctx.payload_len)
}

/// A request hook's path.
pub fn request_path(ctx: &RequestHookContext) -> &[u8] {
    bytes(ctx.path_ptr, ctx.path_len)
}

/// A request hook's headers JSON.
pub fn request_headers(ctx: &RequestHookContext) -> &[u8] {
    bytes(ctx.headers_json_ptr, ctx.headers_json_len)
}

/// A request hook's body.
pub fn request_body(ctx: &RequestHookContext) -> &[u8] {
    bytes(ctx.body_in_ptr, ctx.body_in_len)
}

/// A route handler's path.
pub fn route_path(ctx: &RouteHandlerContext) -> &[u8] {
    bytes(ctx.path_ptr, ctx.path_len)
}

/// A route handler's request body.
pub fn route_body(ctx: &RouteHandlerContext) -> &[u8] {
    bytes(ctx.body_in_ptr, ctx.body_in_len)
}

/// A CloudPanel hook's command.
pub fn cloudpanel_command(ctx: &CloudPanelCommandContext) -> &[u8] {
    bytes(ctx.command_ptr, ctx.command_len)
}

/// A CloudPanel hook's args JSON.
pub fn cloudpanel_args(ctx: &CloudPanelCommandContext) -> &[u8] {
    bytes(ctx.args_json_in_ptr, ctx.args_json_in_len)
}

/// Writes JSON output: [`JSON_MUTATE_MODIFIED`], or [`WRITE_OVERFLOW`]
/// when it exceeds the capacity.
pub fn write_json_output(ctx: &JsonMutateContext, out: &[u8]) -> i32 {
    if write(
        ctx.json_out_ptr,
        ctx.json_out_capacity,
        ctx.json_out_len,
        out,
    ) {
        JSON_MUTATE_MODIFIED
    } else {
        WRITE_OVERFLOW
    }
}

/// Writes YAML output: [`CONFIG_MUTATE_MODIFIED`] or [`WRITE_OVERFLOW`].
pub fn write_yaml_output(ctx: &ConfigMutateContext, out: &[u8]) -> i32 {
    if write(
        ctx.yaml_out_ptr,
        ctx.yaml_out_capacity,
        ctx.yaml_out_len,
        out,
    ) {
        CONFIG_MUTATE_MODIFIED
    } else {
        WRITE_OVERFLOW
    }
}

/// Writes a short-circuit response: [`REQUEST_RESPOND`] or [`WRITE_OVERFLOW`].
pub fn write_request_response(ctx: &RequestHookContext, status: u16, body: &[u8]) -> i32 {
    if ctx.status_code.is_null()
        || !write(
            ctx.response_body_ptr,
            ctx.response_body_capacity,
            ctx.response_body_len,
            body,
        )
    {
        return WRITE_OVERFLOW;
    }
    // SAFETY: the host owns the status slot for the call.
    unsafe { *ctx.status_code = status };
    REQUEST_RESPOND
}

/// Writes a route response: [`ROUTE_OK`] or [`WRITE_OVERFLOW`].
pub fn write_route_response(ctx: &RouteHandlerContext, status: u16, body: &[u8]) -> i32 {
    if ctx.status_code.is_null()
        || !write(
            ctx.body_out_ptr,
            ctx.body_out_capacity,
            ctx.body_out_len,
            body,
        )
    {
        return WRITE_OVERFLOW;
    }
    // SAFETY: the host owns the status slot for the call.
    unsafe { *ctx.status_code = status };
    ROUTE_OK
}

/// Writes replacement args: [`CLOUDPANEL_MODIFIED`] or [`WRITE_OVERFLOW`].
pub fn write_cloudpanel_args(ctx: &CloudPanelCommandContext, args: &[u8]) -> i32 {
    if write(
        ctx.args_json_out_ptr,
        ctx.args_json_out_capacity,
        ctx.args_json_out_len,
        args,
    ) {
        CLOUDPANEL_MODIFIED
    } else {
        WRITE_OVERFLOW
    }
}

/// Writes a cancel reason: [`CLOUDPANEL_CANCEL`] or [`WRITE_OVERFLOW`].
pub fn write_cloudpanel_cancel(ctx: &CloudPanelCommandContext, reason: &[u8]) -> i32 {
    if write(
        ctx.cancel_reason_ptr,
        ctx.cancel_reason_capacity,
        ctx.cancel_reason_len,
        reason,
    ) {
        CLOUDPANEL_CANCEL
    } else {
        WRITE_OVERFLOW
    }
}

fn api<'a>(host: *const HostApi) -> Option<&'a HostApi> {
    // SAFETY: `host` is the pointer the host passed to `init`.
    unsafe { host.as_ref() }
}

/// Writes an info line to the host's log.
///
/// # Safety
///
/// `host` must be the pointer the host passed to `init`.
pub unsafe fn log_info(host: *const HostApi, msg: &str) {
    if let Some(f) = api(host).and_then(|h| h.log_info) {
        // SAFETY: the host's own function, given a live string.
        unsafe { f(msg.as_ptr(), msg.len()) };
    }
}

/// Registers a lifecycle handler; -1 when the host lacks the function.
///
/// # Safety
///
/// `host` must be the pointer the host passed to `init`, used during `init`.
pub unsafe fn register_hook(host: *const HostApi, event: u32, cb: EventCallback) -> i32 {
    api(host)
        .and_then(|h| {
            h.register_hook.map(|f| {
                // SAFETY: the host's own registration function, during `init`,
                // with a live pattern and the host's own state pointer.
                unsafe { f(event, cb, h.hook_state) }
            })
        })
        .unwrap_or(-1)
}

/// Registers a JSON hook for a route pattern.
///
/// # Safety
///
/// `host` must be the pointer the host passed to `init`, used during `init`.
pub unsafe fn register_json_hook(
    host: *const HostApi,
    target: u32,
    pattern: &str,
    cb: JsonCallback,
) -> i32 {
    api(host)
        .and_then(|h| {
            h.register_json_hook.map(|f| {
                // SAFETY: the host's own registration function, during `init`,
                // with a live pattern and the host's own state pointer.
                unsafe { f(target, pattern.as_ptr(), pattern.len(), cb, h.hook_state) }
            })
        })
        .unwrap_or(-1)
}

/// Registers a `config.mutate` hook.
///
/// # Safety
///
/// `host` must be the pointer the host passed to `init`, used during `init`.
pub unsafe fn register_config_hook(host: *const HostApi, cb: ConfigCallback) -> i32 {
    api(host)
        .and_then(|h| {
            h.register_config_hook.map(|f| {
                // SAFETY: the host's own registration function, during `init`,
                // with a live pattern and the host's own state pointer.
                unsafe { f(cb, h.hook_state) }
            })
        })
        .unwrap_or(-1)
}

/// Registers a request hook for a route pattern.
///
/// # Safety
///
/// `host` must be the pointer the host passed to `init`, used during `init`.
pub unsafe fn register_request_hook(
    host: *const HostApi,
    phase: u32,
    pattern: &str,
    cb: RequestCallback,
) -> i32 {
    api(host)
        .and_then(|h| {
            h.register_request_hook.map(|f| {
                // SAFETY: the host's own registration function, during `init`,
                // with a live pattern and the host's own state pointer.
                unsafe { f(phase, pattern.as_ptr(), pattern.len(), cb, h.hook_state) }
            })
        })
        .unwrap_or(-1)
}

/// Registers a route.
///
/// # Safety
///
/// `host` must be the pointer the host passed to `init`, used during `init`.
pub unsafe fn register_route(
    host: *const HostApi,
    method: u32,
    path: &str,
    cb: RouteCallback,
) -> i32 {
    api(host)
        .and_then(|h| {
            h.register_route.map(|f| {
                // SAFETY: the host's own registration function, during `init`,
                // with a live pattern and the host's own state pointer.
                unsafe { f(method, path.as_ptr(), path.len(), cb, h.hook_state) }
            })
        })
        .unwrap_or(-1)
}

/// Registers a CloudPanel command hook.
///
/// # Safety
///
/// `host` must be the pointer the host passed to `init`, used during `init`.
pub unsafe fn register_cloudpanel_hook(host: *const HostApi, cb: CloudPanelCallback) -> i32 {
    api(host)
        .and_then(|h| {
            h.register_cloudpanel_hook.map(|f| {
                // SAFETY: the host's own registration function, during `init`,
                // with a live pattern and the host's own state pointer.
                unsafe { f(cb, h.hook_state) }
            })
        })
        .unwrap_or(-1)
}
