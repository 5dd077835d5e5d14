//! `hookcheck` with one more contract: the built-in ones plus the toy
//! contract of `contract.rs`, registered by the one line in `main`. The
//! command line is hookcheck's own (`src/cli/`), unchanged.

#[path = "../../src/cli/mod.rs"]
mod cli;
mod contract;

use std::process::ExitCode;

use hookcheck_conformance::Catalog;

/// Counts heap allocations per thread, as `hookcheck`'s own does.
#[global_allocator]
static ALLOCATOR: hookcheck::alloc::CountingAllocator = hookcheck::alloc::CountingAllocator;

fn main() -> ExitCode {
    cli::main(Catalog::builtin().with(&contract::ENTRY))
}
