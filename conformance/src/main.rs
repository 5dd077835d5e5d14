//! `hookcheck`: check plugins against their host's contract.

mod cli;

use std::process::ExitCode;

use hookcheck_conformance::Catalog;

/// Counts heap allocations per thread, so PY-PERF-001 can report how many
/// times a plugin's request hook allocates.
#[global_allocator]
static ALLOCATOR: hookcheck::alloc::CountingAllocator = hookcheck::alloc::CountingAllocator;

fn main() -> ExitCode {
    cli::main(Catalog::builtin())
}
