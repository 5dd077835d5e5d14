//! The Lesstruct entry of a hookcheck built without its `wasm` feature:
//! the contract is known (its profile, its name), its host refuses to load.

use std::path::{Path, PathBuf};

use super::contract::PROFILE;
use crate::host::{HostEntry, LoadOptions, LoadedHost};

/// Lesstruct's entry without wasmtime: every load says which feature it
/// needs.
pub const HOST: HostEntry = HostEntry {
    profile: PROFILE,
    load_dir,
    load_files,
    divergences: &[],
};

fn unbuilt() -> LoadedHost {
    Err(HostEntry::unsupported(
        PROFILE.contract,
        "this hookcheck was built without its `wasm` feature, which the Lesstruct host needs",
    ))
}

fn load_dir(_: &Path, _: &LoadOptions) -> LoadedHost {
    unbuilt()
}

fn load_files(_: &[PathBuf], _: &LoadOptions) -> LoadedHost {
    unbuilt()
}
