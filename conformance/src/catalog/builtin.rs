//! The built-in suites, and what their catalogs share.

use hookcheck::engine::{Contract, Failure, Trace};

#[cfg(feature = "wasm")]
use super::lesstruct;
use super::{featherfly, pylon, rustant};
use crate::check::Check;
use crate::suite::{Catalog, Suite};

/// The built-in suites: a new contract adds its line here.
pub(crate) const BUILTIN_SUITES: &[Suite] = &[
    pylon::SUITE,
    #[cfg(feature = "wasm")]
    lesstruct::SUITE,
    featherfly::SUITE,
    rustant::SUITE,
];

/// Every built-in check, optionally of one profile, in catalog order.
pub fn catalog(profile: Option<Contract>) -> Vec<&'static Check> {
    Catalog::builtin().checks(profile)
}

/// The built-in check with `id` (case-insensitive).
pub fn find(id: &str) -> Option<&'static Check> {
    Catalog::builtin().find(id)
}

/// Whether a step of `trace` timed out.
pub(crate) fn timed_out(trace: &Trace) -> bool {
    trace
        .outcomes()
        .any(|o| matches!(o.failure(), Some(Failure::Timeout { .. })))
}

/// The calls of `trace` that returned: a failed call says nothing about a
/// rule that a check reads from outputs.
pub(crate) fn returned(trace: &Trace) -> usize {
    trace.outcomes().filter(|o| o.failure().is_none()).count()
}
