//! hookcheck: a hook engine and test harness for plugin-host contracts.
//!
//! The engine loads plugins three ways (in-process Rust values, native `.so`
//! files through `libloading`, WASM modules through `wasmtime`) and plays the
//! host side of four published contracts: [`pylon`], [`lesstruct`],
//! [`featherfly`] and [`rustant`]. Every hook call ends in one
//! [`engine::Outcome`], and every pipeline run leaves an [`engine::Trace`].

mod error;

pub mod alloc;
pub mod artifacts;
pub mod contention;
pub mod contracts;

pub mod engine;
pub mod featherfly;
pub mod fixtures;
pub mod host;
pub mod lesstruct;
pub mod limits;
pub mod pylon;
pub mod replay;
pub mod rustant;
pub mod store;
#[cfg(feature = "proptest")]
pub mod strategies;

pub use error::{Error, Result};
