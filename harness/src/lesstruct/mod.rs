//! The `lesstruct` contract: WASM plugins on wasmtime, the linear-memory
//! protocol, capability-checked host functions (contracts §2).

mod database;
mod deadline;
mod divergences;
mod hookdata;
mod host;
mod hostfns;
mod http;
mod layout;
mod manifest;
mod plugin;
mod protocol;
mod runtime;
mod schema;
mod seam;
mod urlcheck;

pub use database::{
    ContentDb, DbDenied, DbMode, FORBIDDEN_TABLES, MAX_RESULT_BYTES, MAX_RESULT_ROWS,
};
pub use host::{LesstructHost, SaveRun, invoked_hooks, is_invoked, is_rejection};
pub use hostfns::HOST_FUNCTIONS;
pub use http::{BODY_LIMIT, REQUEST_TIMEOUT};
pub use layout::{DataSegment, LARGEST_INPUT, Layout, data_segments, layout};
pub use manifest::{CapabilityManifest, DbGrant, GrantTable};
pub use plugin::{
    LoadProblem, ModuleFacts, WASM_TABLE_ELEMENTS, WASM_TABLES, WasmPlugin, inspect_module,
    ungranted_imports,
};
pub use protocol::{
    HOST_RESULT_OFFSET, INPUT_OFFSET, NOT_JSON, NOT_UTF8, decode_result, locate_result,
};
pub use runtime::{
    HostServices, LOG_LINES_KEPT, LogLine, REFUSALS_KEPT, Refusal, WASM_LOG_BYTES_PER_CALL,
    WASM_LOG_LINES_PER_CALL, WasmEngine, WasmLimits,
};
pub use schema::{FieldDef, PostTypeSchema};
pub use urlcheck::{MAX_URL_BYTES, UrlDenied, allowed_by, check_url, parse_request_url};

pub use seam::HOST;
/// A compiled WASM module (wasmtime's), to compile once and load many times.
pub use wasmtime::Module as WasmModule;
