//! The built-in contracts, one line each: a new contract adds its module
//! beside this file and its line here.

use super::{featherfly, lesstruct, pylon, rustant};
use crate::entry::ContractEntry;

/// The built-in contracts' entries, in catalog order.
pub(crate) const BUILTIN: &[&dyn ContractEntry] = &[
    &pylon::Pylon,
    &lesstruct::Lesstruct,
    &featherfly::FeatherFly,
    &rustant::Rustant,
];
