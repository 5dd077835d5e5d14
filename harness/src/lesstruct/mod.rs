//! The `lesstruct` contract: WASM plugins on wasmtime, the linear-memory
//! protocol, capability-checked host functions (contracts §2).

mod contract;
#[cfg(feature = "wasm")]
mod database;
#[cfg(feature = "wasm")]
mod deadline;
#[cfg(feature = "wasm")]
mod divergences;
#[cfg(feature = "wasm")]
mod hookdata;
#[cfg(feature = "wasm")]
mod host;
#[cfg(feature = "wasm")]
mod hostfns;
#[cfg(feature = "wasm")]
mod http;
#[cfg(feature = "wasm")]
mod layout;
#[cfg(feature = "wasm")]
mod manifest;
#[cfg(feature = "wasm")]
mod plugin;
#[cfg(feature = "wasm")]
mod poll;
#[cfg(feature = "wasm")]
mod protocol;
#[cfg(feature = "wasm")]
mod runtime;
#[cfg(feature = "wasm")]
mod schema;
#[cfg(feature = "wasm")]
mod seam;
#[cfg(feature = "wasm")]
mod state;
#[cfg(not(feature = "wasm"))]
mod unbuilt;
#[cfg(feature = "wasm")]
mod urlcheck;

#[cfg(feature = "wasm")]
pub use database::{
    ContentDb, DbDenied, DbMode, FORBIDDEN_TABLES, MAX_RESULT_BYTES, MAX_RESULT_ROWS,
};
#[cfg(feature = "wasm")]
pub use deadline::{WASM_LOG_BYTES_PER_CALL, WASM_LOG_LINES_PER_CALL};
#[cfg(feature = "wasm")]
pub use host::{LesstructHost, SaveRun, invoked_hooks, is_invoked, is_rejection};
#[cfg(feature = "wasm")]
pub use hostfns::HOST_FUNCTIONS;
#[cfg(feature = "wasm")]
pub use http::{BODY_LIMIT, REQUEST_TIMEOUT};
#[cfg(feature = "wasm")]
pub use layout::{DataSegment, LARGEST_INPUT, Layout, data_segments, layout};
#[cfg(feature = "wasm")]
pub use manifest::{CapabilityManifest, DbGrant, GrantTable};
#[cfg(feature = "wasm")]
pub use plugin::{
    LoadProblem, ModuleFacts, WASM_TABLE_ELEMENTS, WASM_TABLES, WasmPlugin, inspect_module,
    ungranted_imports,
};
#[cfg(feature = "wasm")]
pub use protocol::{
    HOST_RESULT_OFFSET, INPUT_OFFSET, NOT_JSON, NOT_UTF8, decode_result, locate_result,
};
#[cfg(feature = "wasm")]
pub use runtime::{WasmEngine, WasmLimits};
#[cfg(feature = "wasm")]
pub use schema::{FieldDef, PostTypeSchema};
#[cfg(feature = "wasm")]
pub use state::{HostServices, LOG_LINES_KEPT, LogLine, REFUSALS_KEPT, Refusal};
#[cfg(feature = "wasm")]
pub use urlcheck::{MAX_URL_BYTES, UrlDenied, allowed_by, check_url, parse_request_url};

pub use contract::{CONTRACT, HOOKS, PROFILE};
#[cfg(feature = "wasm")]
pub use seam::HOST;
#[cfg(not(feature = "wasm"))]
pub use unbuilt::HOST;
/// A compiled WASM module (wasmtime's), to compile once and load many times.
#[cfg(feature = "wasm")]
pub use wasmtime::Module as WasmModule;
