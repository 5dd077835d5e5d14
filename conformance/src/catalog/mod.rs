//! The check catalog, by profile, and the bundled in-process plugins that
//! `pylon:NAME` / `rustant:NAME` name.

mod builtin;
mod bundled;
mod featherfly;
#[cfg(feature = "wasm")]
mod lesstruct;
mod pylon;
mod rustant;

pub(crate) use builtin::{BUILTIN_SUITES, Tally, returned, timed_out};
pub use builtin::{catalog, find};
pub(crate) use bundled::bundled;
pub use bundled::bundled_names;
