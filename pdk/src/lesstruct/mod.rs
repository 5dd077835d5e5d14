//! The Lesstruct WASM memory protocol, guest side.
//!
//! The host writes the hook's input JSON at offset [`INPUT_OFFSET`], calls
//! `hook_<name>(offset, len)`, and reads the result at the offset the hook
//! returns, `__hook_result_len(len)` bytes long. Returning 0 means "no
//! change". [`lesstruct_plugin!`](crate::lesstruct_plugin) writes the
//! exports; you write functions from input bytes to an optional result.
//!
//! ```ignore
//! fn before_save(input: &[u8]) -> Option<Vec<u8>> {
//!     // parse, change customFields, serialize
//!     Some(br#"{"customFields":{"seen":true}}"#.to_vec())
//! }
//! hookcheck_pdk::lesstruct_plugin! { hook_before_save => before_save }
//! ```

mod host;
mod memory;

pub use host::{HostCallError, db_exec, db_query, http_get, http_post, log_error, log_info};
pub use memory::{HOST_RESULT_OFFSET, INPUT_OFFSET, finish, input, result_len};
