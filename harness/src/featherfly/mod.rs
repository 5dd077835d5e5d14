//! The `featherfly` contract: native `.so` plugins through the API v8 C ABI
//! (contracts §3), in this process or contained in a child runner.

mod calls;
mod child;
mod host;
mod library;
mod load_error;
mod registry;
mod rules;

pub use calls::{HookInput, HookOutput, PluginInfo, RegInfo, RegKind};
pub use child::{Request, Response, RunnerCommand, serve_runner};
pub use host::{
    CloudPanelRun, EventRun, FeatherFlyHost, Isolation, NativeOptions, NativeRequest, RequestRun,
    ValueRun, plugin_files,
};
pub use library::{ENTRY_SYMBOL, InProcess};
pub use load_error::LoadError;
pub use rules::{headers_json, interpret, pattern_matches, reasons};
