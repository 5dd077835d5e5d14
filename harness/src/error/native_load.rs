//! Why a set of native plugins did not load, as values a program can
//! match: the conformance checks and the CLI's exit code decide from the
//! variant, never from the message.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::engine::Failure;

/// Why loading native plugins failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LoadError {
    /// The dynamic loader refused the file: not a shared library, wrong
    /// architecture, a missing dependency.
    #[error("{} is not a loadable shared library: {reason}", path.display())]
    NotLoadable {
        /// The file.
        path: PathBuf,
        /// The loader's own words.
        reason: String,
    },
    /// The library loads but exports no entry symbol.
    #[error("{} has no `featherfly_plugin_entry` symbol: not a FeatherFly plugin", path.display())]
    NoEntry {
        /// The file.
        path: PathBuf,
    },
    /// The descriptor's name or version is not a string.
    #[error("{}: {reason}", path.display())]
    BadDescriptor {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// `init` returned a non-zero code.
    #[error("plugin `{plugin}`: init returned {code} (non-zero fails the load){}", registered_first(*registered))]
    InitFailed {
        /// The descriptor's name.
        plugin: String,
        /// What `init` returned.
        code: i32,
        /// Hooks it registered before failing: the daemon keeps them after
        /// it unloads the library (application/src/plugins/mod.rs:381-385).
        #[serde(default)]
        registered: usize,
    },
    /// The runner process died or hung while loading (a crash or a hang
    /// in a library constructor or in `init`).
    #[error("while loading, the runner {failure}")]
    Died {
        /// How it ended.
        failure: Failure,
    },
    /// hookcheck's own machinery failed (the runner did not start, or
    /// answered something that is not the protocol): never the plugin's
    /// fault.
    #[error("hookcheck's native runner failed: {reason}")]
    HostFault {
        /// What went wrong.
        reason: String,
    },
}

impl LoadError {
    /// The plugin's own failure behind this error, typed: what `init`
    /// returned, or how the runner died while loading; `None` for a file
    /// that is not a plugin and for hookcheck's own faults.
    pub fn failure(&self) -> Option<Failure> {
        match self {
            LoadError::InitFailed { code, .. } => Some(Failure::Code {
                code: i64::from(*code),
            }),
            LoadError::Died { failure } => Some(failure.clone()),
            LoadError::NotLoadable { .. }
            | LoadError::NoEntry { .. }
            | LoadError::BadDescriptor { .. }
            | LoadError::HostFault { .. } => None,
        }
    }
}

/// What a failed `init`'s earlier registrations do on the host.
fn registered_first(registered: usize) -> String {
    if registered == 0 {
        return String::new();
    }
    format!(
        "; it registered {registered} hook(s) first, which the daemon keeps after unloading the library, so the next matching event calls unmapped code (return non-zero before registering anything)"
    )
}
