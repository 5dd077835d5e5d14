//! The built-in hosts, one registration line per contract.

use std::path::{Path, PathBuf};

use super::seam::ContractHost;
use crate::engine::Contract;
use crate::featherfly::NativeOptions;
#[cfg(feature = "wasm")]
use crate::lesstruct::WasmLimits;
use crate::pylon::Registry;
use crate::{Error, Result};

/// How a host finds and runs plugins.
pub struct LoadOptions {
    /// Native plugins: buffer capacity and isolation.
    pub native: NativeOptions,
    /// WASM plugins: memory, deadline, stack.
    #[cfg(feature = "wasm")]
    pub wasm: WasmLimits,
    /// The constructors a pylon `manifest.json` may name.
    pub registry: Registry,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            native: NativeOptions::default(),
            #[cfg(feature = "wasm")]
            wasm: WasmLimits::default(),
            registry: Registry::new(),
        }
    }
}

/// A host with its plugins loaded, as the seam serves it.
pub type LoadedHost = Result<Box<dyn ContractHost>>;

/// How one contract's host loads plugins.
pub struct HostEntry {
    /// The contract.
    pub contract: Contract,
    /// Loads every plugin in a directory the way the host does.
    pub load_dir: fn(&Path, &LoadOptions) -> LoadedHost,
    /// Loads these plugin files, in this order.
    pub load_files: fn(&[PathBuf], &LoadOptions) -> LoadedHost,
    /// Where the host's documents and its code disagree.
    pub divergences: &'static [super::Divergence],
}

impl std::fmt::Debug for HostEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostEntry")
            .field("contract", &self.contract)
            .finish_non_exhaustive()
    }
}

impl HostEntry {
    /// The error for a way of loading this contract's host does not have.
    pub fn unsupported(contract: Contract, reason: impl Into<String>) -> Error {
        Error::Host {
            profile: contract.name().to_owned(),
            reason: reason.into(),
        }
    }
}

/// The built-in contracts' hosts: a new contract adds its entry here.
pub const BUILTIN_HOSTS: &[HostEntry] = &[
    crate::pylon::HOST,
    #[cfg(feature = "wasm")]
    crate::lesstruct::HOST,
    crate::featherfly::HOST,
    crate::rustant::HOST,
];

/// The built-in host entry of `contract`.
pub fn entry(contract: Contract) -> Result<&'static HostEntry> {
    BUILTIN_HOSTS
        .iter()
        .find(|e| e.contract == contract)
        .ok_or_else(|| {
            let why = if cfg!(not(feature = "wasm")) && contract == Contract::LESSTRUCT {
                "this hookcheck was built without its `wasm` feature, which the Lesstruct host needs".to_owned()
            } else {
                format!("no built-in host plays it ({})", Contract::names())
            };
            HostEntry::unsupported(contract, why)
        })
}
