//! A suite: one contract's checks as one value. The set of suites a run
//! chooses from is the catalog (`crate::catalog::Catalog`).

use hookcheck::engine::Contract;

use crate::check::Check;
use crate::coverage::Coverage;
use crate::subject::Subject;

/// One contract's checks, and how to tell which of a subject's
/// registrations they exercised.
#[derive(Clone, Copy)]
pub struct Suite {
    /// The contract.
    pub contract: Contract,
    /// Its checks, in catalog order.
    pub checks: &'static [Check],
    /// Which registrations of the subject the shared exercise called.
    pub coverage: fn(&Subject) -> Coverage,
}

impl std::fmt::Debug for Suite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suite")
            .field("contract", &self.contract)
            .field("checks", &self.checks.len())
            .finish()
    }
}
