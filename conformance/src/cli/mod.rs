//! The `hookcheck` command line: one module per command. The library
//! (`hookcheck_conformance`: catalog, runner, reports, bench) knows none
//! of these types.

pub(crate) mod bench;
pub(crate) mod conformance;
pub(crate) mod demo;
pub(crate) mod divergences;
pub(crate) mod fixtures;
pub(crate) mod serve;
