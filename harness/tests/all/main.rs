//! Integration tests of the `hookcheck` library, one module per area.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub
)]

mod artifacts;
mod engine;
mod featherfly;
mod hostile;
mod lesstruct_capabilities;
mod lesstruct_host;
mod lesstruct_protocol;
mod modules;
mod properties;
mod pylon;
mod pylon_oracle;
mod replay;
mod rustant;
mod snapshots;
mod store;
mod support;
mod trace_modes;
