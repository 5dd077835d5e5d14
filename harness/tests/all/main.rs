//! Integration tests of the `hookcheck` library, one module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod engine;
mod pylon;
mod rustant;
mod store;
