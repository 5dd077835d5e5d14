//! The `featherfly` contract: native `.so` plugins through the API v8 C ABI
//! (contracts §3), in this process or contained in a child runner.

mod api_page;
mod calls;
mod child;
mod contract;
mod divergences;
mod filter;
mod host;
mod isolation;
mod library;
mod registry;
mod rules;
mod sandbox;
mod seam;

pub use crate::engine::LoadWarning;
pub use crate::error::LoadError;
pub use calls::{HookInput, HookOutput, PluginInfo, RegInfo, RegKind};
pub use child::{
    CHANNEL_TAMPERED, LOAD_BUDGET, MAX_FRAME, Request, Response, RunnerCommand, SHUTDOWN_BUDGET,
    serve_runner,
};
pub use contract::{CODE_HOOKS, CODES, CONTRACT, EVENTS, HOOKS, LifecycleEvent, PROFILE};
pub use host::{
    CloudPanelRun, DEFAULT_CAPACITY, EventRun, FeatherFlyHost, Isolation, NativeOptions,
    NativeRequest, PreparedRequest, RequestRun, ValueRun, plugin_files,
};
pub use isolation::{ACTS_REPORTED, Protections, RUNNER_FILE_BYTES, RUNNER_TASKS, SCRATCH_BYTES};
pub use library::{CANCEL_REASON_CAPACITY, ENTRY_SYMBOL, InProcess};
pub use registry::{LOG_BYTES_PER_CALL, LOG_LINES_PER_CALL};
pub use rules::{
    Reading, headers_json, interpret, pattern_diverges, pattern_matches, read, tolerated,
};
pub use sandbox::{NO_NAMESPACES_ENV, RUNNER_ADDRESS_SPACE, RUNNER_CPU_SECONDS, RUNNER_OPEN_FILES};
pub use seam::HOST;
