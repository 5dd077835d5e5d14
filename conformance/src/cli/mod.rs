//! The `hookcheck` command line: one module per command. The library
//! (`hookcheck_conformance`: catalog, runner, reports, bench) knows none
//! of these types.

mod app;
pub(crate) mod bench;
mod catalog;
pub(crate) mod conformance;
pub(crate) mod demo;
pub(crate) mod divergences;
pub(crate) mod fixtures;
pub(crate) mod serve;

pub(crate) use app::main;
pub(crate) use catalog::catalog;
