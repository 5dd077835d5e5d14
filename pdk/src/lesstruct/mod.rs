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
//!
//! # Memory layout: link with two flags
//!
//! The host writes the input at 65536 (up to a 1 MiB post) and its
//! host-function answers at 4096, into the plugin's own memory. Rust's
//! default `wasm32` layout puts the stack in `[0, 1 MiB)` — right there —
//! and the data at 1 MiB, so a large post or a deep call corrupts one or
//! the other (a ~1 MB post traps or silently changes nothing). Put the data
//! at 2 MiB and the stack above it, in the plugin crate's `build.rs`:
//!
//! ```ignore
//! fn main() {
//!     if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
//!         println!("cargo::rustc-link-arg=--no-stack-first");
//!         println!("cargo::rustc-link-arg=--global-base=2097152");
//!     }
//! }
//! ```
//!
//! (or `RUSTFLAGS="-C link-arg=--no-stack-first -C link-arg=--global-base=2097152"`).
//! `hookcheck conformance` checks the layout and a post as large as the
//! host takes (LS-MEM-007); hookcheck's own WASM fixtures are built this
//! way (`fixtures/plugins/wasm/build.rs`).

mod host;
mod memory;

pub use host::{HostCallError, db_exec, db_query, http_get, http_post, log_error, log_info};
pub use memory::{HOST_RESULT_OFFSET, INPUT_OFFSET, finish, input, result_len};
