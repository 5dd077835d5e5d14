//! Suites and the catalog: one contract's checks as one value
//! ([`Suite`]), and the set of suites a run chooses from ([`Catalog`]).
//! A new contract is one new suite and one line in the built-in list
//! (`catalog::BUILTIN_SUITES`) — or, from outside this crate, one
//! [`Catalog::with`].

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

impl Suite {
    /// A suite for a contract whose host implements
    /// [`ContractHost`](hookcheck::host::ContractHost): its subjects are
    /// [`Subject::hosted`], its coverage and rows read the generic
    /// exercise ([`crate::hosted_exercise`]).
    pub const fn hosted(contract: Contract, checks: &'static [Check]) -> Self {
        Self {
            contract,
            checks,
            coverage: crate::hosted::coverage,
        }
    }
}

/// The suites a run chooses from.
#[derive(Clone, Debug)]
pub struct Catalog {
    suites: Vec<&'static Suite>,
}

impl Catalog {
    /// The built-in contracts' suites.
    pub fn builtin() -> Self {
        Self {
            suites: crate::catalog::BUILTIN_SUITES.iter().collect(),
        }
    }

    /// This catalog and `suite` (which replaces a suite of the same
    /// contract).
    #[must_use]
    pub fn with(mut self, suite: &'static Suite) -> Self {
        self.suites.retain(|s| s.contract != suite.contract);
        self.suites.push(suite);
        self
    }

    /// The suite of `contract`.
    pub fn suite(&self, contract: Contract) -> Option<&'static Suite> {
        self.suites.iter().copied().find(|s| s.contract == contract)
    }

    /// Every check, optionally of one contract, in catalog order.
    pub fn checks(&self, profile: Option<Contract>) -> Vec<&'static Check> {
        self.suites
            .iter()
            .filter(|s| profile.is_none_or(|p| s.contract == p))
            .flat_map(|s| s.checks.iter())
            .collect()
    }

    /// The check with `id` (case-insensitive).
    pub fn find(&self, id: &str) -> Option<&'static Check> {
        self.checks(None)
            .into_iter()
            .find(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// Which registrations of `subject` its suite's exercise called.
    pub fn coverage(&self, subject: &Subject) -> Coverage {
        match self.suite(subject.contract()) {
            Some(suite) => (suite.coverage)(subject),
            None => Coverage::nothing(format!(
                "no suite of this catalog checks the {} contract",
                subject.contract()
            )),
        }
    }
}

impl Default for Catalog {
    fn default() -> Self {
        Self::builtin()
    }
}
