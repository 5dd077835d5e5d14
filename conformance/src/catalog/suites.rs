//! The set of suites a run chooses from: the built-in ones (one line per
//! contract in `BUILTIN_SUITES`) and, from outside this crate, any other
//! added with [`Catalog::with`].

use hookcheck::engine::Contract;

use crate::check::Check;
use crate::coverage::Coverage;
use crate::subject::Subject;
use crate::suite::Suite;

/// The suites a run chooses from.
#[derive(Clone, Debug)]
pub struct Catalog {
    suites: Vec<&'static Suite>,
}

impl Catalog {
    /// The built-in contracts' suites.
    pub fn builtin() -> Self {
        Self {
            suites: super::BUILTIN_SUITES.iter().collect(),
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

/// Every built-in check, optionally of one profile, in catalog order.
pub fn catalog(profile: Option<Contract>) -> Vec<&'static Check> {
    Catalog::builtin().checks(profile)
}

/// The built-in check with `id` (case-insensitive).
pub fn find(id: &str) -> Option<&'static Check> {
    Catalog::builtin().find(id)
}
