//! Profiles: one host contract's rules as data.

use serde::Serialize;

use super::codes::CodeTable;
use super::contract::Contract;
use super::hooks::HookSpec;

/// One host contract: which hooks exist and how they fold, and what their
/// return codes mean. Each contract's module defines its own (`PROFILE`);
/// [`crate::contracts::profile`] finds a built-in one by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// The contract.
    pub contract: Contract,
    /// Every hook point, with its folding rule.
    pub hooks: &'static [HookSpec],
    /// Return-code tables, for contracts that use codes.
    pub codes: &'static [CodeTable],
}

impl Profile {
    /// A profile: `contract`'s hooks and return-code tables.
    pub const fn new(
        contract: Contract,
        hooks: &'static [HookSpec],
        codes: &'static [CodeTable],
    ) -> Self {
        Self {
            contract,
            hooks,
            codes,
        }
    }

    /// The hook called `name`, if the contract has one.
    pub fn hook(&self, name: &str) -> Option<&'static HookSpec> {
        self.hooks.iter().find(|h| h.point.name == name)
    }

    /// The code table of hook `name`, if the contract gives one.
    pub fn codes_for(&self, name: &str) -> Option<&'static CodeTable> {
        self.codes.iter().find(|t| t.hook == name)
    }
}
