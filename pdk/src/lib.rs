//! hookcheck-pdk: write plugins for the hosts hookcheck checks, in Rust.
//!
//! - [`lesstruct`]: the Lesstruct WASM memory protocol (build for
//!   `wasm32-wasip1` as a `cdylib`).
//! - [`featherfly`]: the FeatherFly plugin API v8 C ABI (build a native
//!   `cdylib`).
//!
//! The kit depends on nothing from the host side; a plugin built with it
//! runs under the real host as it runs under hookcheck.

pub mod featherfly;
pub mod lesstruct;
