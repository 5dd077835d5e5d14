//! The built-in suites, one line per contract.

#[cfg(feature = "wasm")]
use super::lesstruct;
use super::{featherfly, pylon, rustant};
use crate::suite::Suite;

/// The built-in suites: a new contract adds its line here.
pub(crate) const BUILTIN_SUITES: &[Suite] = &[
    pylon::SUITE,
    #[cfg(feature = "wasm")]
    lesstruct::SUITE,
    featherfly::SUITE,
    rustant::SUITE,
];
