//! A contract's host entry: how its host loads plugins, and the options a
//! caller may give each contract's host.

use std::any::Any;
use std::path::{Path, PathBuf};

use super::seam::ContractHost;
use crate::engine::{Contract, Profile};
use crate::{Error, Result};

/// How hosts load plugins: each contract reads its own option type
/// (FeatherFly's `NativeOptions`, Lesstruct's `WasmLimits`, Pylon's
/// `Registry`) and uses its default when none was given.
#[derive(Default)]
pub struct LoadOptions {
    set: Vec<Box<dyn Any + Send + Sync>>,
}

impl LoadOptions {
    /// These options with `value` for the contract that reads a `T`
    /// (replacing an earlier `T`).
    #[must_use]
    pub fn with<T: Any + Send + Sync>(mut self, value: T) -> Self {
        self.set.retain(|v| !v.is::<T>());
        self.set.push(Box::new(value));
        self
    }

    /// The `T` given, if one was.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.set.iter().find_map(|v| v.downcast_ref::<T>())
    }

    /// The `T` given, or `T`'s default.
    pub fn get_or_default<T: Any + Clone + Default>(&self) -> T {
        self.get::<T>().cloned().unwrap_or_default()
    }
}

impl std::fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("set", &self.set.len())
            .finish()
    }
}

/// A host with its plugins loaded, as the seam serves it.
pub type LoadedHost = Result<Box<dyn ContractHost>>;

/// One contract's entry: its profile, how its host loads plugins, and
/// where its documents and its code disagree.
pub struct HostEntry {
    /// The contract's hooks and return codes.
    pub profile: Profile,
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
            .field("contract", &self.profile.contract)
            .finish_non_exhaustive()
    }
}

impl HostEntry {
    /// The contract.
    pub const fn contract(&self) -> Contract {
        self.profile.contract
    }

    /// The error for a way of loading this contract's host does not have.
    pub fn unsupported(contract: Contract, reason: impl Into<String>) -> Error {
        Error::Host {
            profile: contract.name().to_owned(),
            reason: reason.into(),
        }
    }
}
