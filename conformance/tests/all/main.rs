//! Integration tests of the conformance catalog, runner, reports and CLI.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub
)]

mod cli;
mod coverage;
mod fidelity;
mod hostile;
mod pairs;
mod reports;
mod serve;
mod support;
