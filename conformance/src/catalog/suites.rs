//! The contracts a run chooses from: the built-in ones (one line per
//! contract in `contracts/builtin.rs`) and, from outside this crate, any
//! other added with [`Catalog::with`].

use hookcheck::engine::Contract;

use crate::check::Check;
use crate::coverage::Coverage;
use crate::entry::ContractEntry;
use crate::subject::Subject;
use crate::suite::Suite;

/// The contracts a run chooses from, each by its entry.
#[derive(Clone, Debug)]
pub struct Catalog {
    entries: Vec<&'static dyn ContractEntry>,
}

impl Catalog {
    /// The built-in contracts.
    pub fn builtin() -> Self {
        Self {
            entries: crate::contracts::BUILTIN.to_vec(),
        }
    }

    /// This catalog and `entry` (which replaces an entry of the same
    /// contract).
    #[must_use]
    pub fn with(mut self, entry: &'static dyn ContractEntry) -> Self {
        self.entries.retain(|e| e.contract() != entry.contract());
        self.entries.push(entry);
        self
    }

    /// Every entry, in catalog order.
    pub fn entries(&self) -> impl Iterator<Item = &'static dyn ContractEntry> + '_ {
        self.entries.iter().copied()
    }

    /// The entry of `contract`.
    pub fn entry(&self, contract: Contract) -> Option<&'static dyn ContractEntry> {
        self.entries().find(|e| e.contract() == contract)
    }

    /// The contract named `name`.
    pub fn contract(&self, name: &str) -> Option<Contract> {
        self.entries()
            .map(|e| e.contract())
            .find(|c| c.name() == name)
    }

    /// The contracts' names, comma-separated.
    pub fn names(&self) -> String {
        self.entries()
            .map(|e| e.contract().name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The suite of `contract`.
    pub fn suite(&self, contract: Contract) -> Option<&'static Suite> {
        self.entry(contract).map(|e| e.suite())
    }

    /// Every check, optionally of one contract, in catalog order.
    pub fn checks(&self, profile: Option<Contract>) -> Vec<&'static Check> {
        self.entries()
            .filter(|e| profile.is_none_or(|p| e.contract() == p))
            .flat_map(|e| e.suite().checks.iter())
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
