//! The built-in contracts, one line each. A new contract is its own module
//! (a `contract.rs` with its `CONTRACT` and `PROFILE`, a seam with its
//! `HOST` entry) and one line in [`BUILTIN`]; nothing else in the library
//! names it.

use crate::Result;
use crate::engine::{Contract, Profile};
use crate::host::HostEntry;

/// The built-in contracts' entries, in a stable order.
pub const BUILTIN: [HostEntry; 4] = [
    crate::pylon::HOST,
    crate::lesstruct::HOST,
    crate::featherfly::HOST,
    crate::rustant::HOST,
];

/// The built-in contracts, in [`BUILTIN`]'s order.
pub fn all() -> impl Iterator<Item = Contract> {
    BUILTIN.iter().map(HostEntry::contract)
}

/// The built-in contract called `name`.
pub fn from_name(name: &str) -> Option<Contract> {
    all().find(|c| c.name() == name)
}

/// Every built-in contract's name, comma-separated, for messages.
pub fn names() -> String {
    all().map(Contract::name).collect::<Vec<_>>().join(", ")
}

/// Parses a built-in contract's name, or says which names there are.
pub fn parse(name: &str) -> std::result::Result<Contract, String> {
    from_name(name).ok_or_else(|| format!("`{name}` is not a profile ({})", names()))
}

/// The profile of a built-in contract.
pub fn profile(contract: Contract) -> Option<Profile> {
    find(contract).map(|e| e.profile.clone())
}

/// The built-in host entry of `contract`.
pub fn entry(contract: Contract) -> Result<&'static HostEntry> {
    find(contract).ok_or_else(|| {
        HostEntry::unsupported(contract, format!("no built-in host plays it ({})", names()))
    })
}

fn find(contract: Contract) -> Option<&'static HostEntry> {
    BUILTIN.iter().find(|e| e.contract() == contract)
}
