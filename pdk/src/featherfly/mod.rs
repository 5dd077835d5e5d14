//! The FeatherFly plugin API v8, plugin side: the C ABI, registration
//! macros, and output writers that respect the host's capacity.
//!
//! ```ignore
//! use hookcheck_pdk::featherfly::*;
//!
//! extern "C" fn init(host: *const HostApi) -> i32 {
//!     hook_json!(host, JsonMutateTarget::ResponseBody, "/api/system", on_body);
//!     0
//! }
//! extern "C" fn on_body(ctx: *const JsonMutateContext) -> i32 {
//!     let ctx = unsafe { &*ctx };
//!     write_json_output(ctx, br#"{"ok":true}"#)
//! }
//! declare_plugin! { name: "my-plugin", version: "0.1.0", init: init }
//! ```

mod abi;
mod events;
mod io;
mod macros;

pub use abi::*;
pub use events::PluginEvent;
pub use io::{
    cloudpanel_args, cloudpanel_command, config_input, event_payload, json_input, json_route,
    log_info, register_cloudpanel_hook, register_config_hook, register_hook, register_json_hook,
    register_request_hook, register_route, request_body, request_headers, request_path, route_body,
    route_path, write_cloudpanel_args, write_cloudpanel_cancel, write_json_output,
    write_request_response, write_route_response, write_yaml_output,
};
