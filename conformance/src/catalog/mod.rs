//! The check catalog, by profile, and the bundled in-process plugins that
//! `pylon:NAME` / `rustant:NAME` name.

mod builtin;
mod featherfly;
#[cfg(feature = "wasm")]
mod lesstruct;
mod pylon;
mod rustant;
mod suites;
mod tally;

pub(crate) use builtin::BUILTIN_SUITES;
pub use suites::{Catalog, catalog, find};
pub(crate) use tally::{Tally, returned, timed_out};
