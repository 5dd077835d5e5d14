//! Integration tests of the conformance catalog, runner, reports and CLI.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub
)]

/// Counts allocations, as the `hookcheck` binary does, so PY-PERF-001
/// runs in-process here too.
#[global_allocator]
static ALLOCATOR: hookcheck::alloc::CountingAllocator = hookcheck::alloc::CountingAllocator;

mod bench;
mod cli;
mod coverage;
mod docs_tables;
mod fidelity;
mod hangs;
mod hostile;
mod modules;
mod own_inputs;
mod pairs;
mod pylon_builtins;
mod reports;
mod serve;
mod support;
mod toy;
mod unverified;
