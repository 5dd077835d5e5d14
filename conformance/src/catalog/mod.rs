//! The check catalog, by profile, and the bundled in-process plugins that
//! `pylon:NAME` / `rustant:NAME` name.

mod bundled;
mod featherfly;
mod lesstruct;
mod pylon;
mod rustant;

use hookcheck::engine::Contract;

pub(crate) use bundled::bundled;
pub use bundled::bundled_names;

use hookcheck::engine::{Failure, Trace};

use crate::check::Check;
use crate::coverage::Coverage;
use crate::subject::Subject;

/// Which registrations of the subject the standard and derived inputs
/// call (each catalog's shared exercise run, made once per subject).
pub(crate) fn coverage(subject: &Subject) -> Coverage {
    match subject {
        Subject::Native(n) => featherfly::coverage(n),
        Subject::Wasm(w) => lesstruct::coverage(w),
        Subject::Pylon(p) => pylon::coverage(p),
        Subject::Rustant(r) => rustant::coverage(r),
        Subject::RustantNative(_) => Coverage::nothing(
            "a native Rustant plugin is only read, never loaded (see RU-NATIVE-001): check it in-process from `cargo test`",
        ),
    }
}

/// Every check, optionally of one profile, in catalog order.
pub fn catalog(profile: Option<Contract>) -> Vec<&'static Check> {
    [
        pylon::CHECKS,
        lesstruct::CHECKS,
        featherfly::CHECKS,
        rustant::CHECKS,
    ]
    .into_iter()
    .flatten()
    .filter(|c| profile.is_none_or(|p| c.profile == p))
    .collect()
}

/// The check with `id` (case-insensitive).
pub fn find(id: &str) -> Option<&'static Check> {
    catalog(None)
        .into_iter()
        .find(|c| c.id.eq_ignore_ascii_case(id))
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
