//! The Lesstruct contract: its entry, and (feature `wasm`) its subject,
//! checks and bench caller.

#[cfg(feature = "wasm")]
mod bench;
#[cfg(feature = "wasm")]
mod checks;
mod entry;
#[cfg(feature = "wasm")]
mod kind;
#[cfg(feature = "wasm")]
mod subject;

pub(crate) use entry::Lesstruct;
#[cfg(feature = "wasm")]
pub use subject::{COMPILE_BUDGET, Saved, WasmSubject};
