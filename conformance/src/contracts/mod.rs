//! The built-in contracts, each in its own folder: its entry (how its
//! plugins are detected and opened), its subject type, its checks, its
//! bench caller.

mod builtin;
mod featherfly;
mod lesstruct;
mod pylon;
mod rustant;

pub(crate) use builtin::BUILTIN;
pub use featherfly::{Exercise, NativeSubject, native_runner};
#[cfg(feature = "wasm")]
pub use lesstruct::{COMPILE_BUDGET, Saved, WasmSubject};
pub use pylon::PylonSubject;
pub use rustant::{RustantNativeSubject, RustantSubject};
