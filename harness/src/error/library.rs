//! The one error type of the `hookcheck` library.

use std::path::PathBuf;

/// A shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in hookcheck outside a hook call.
///
/// What a plugin does *inside* a hook call is never an `Error`: it is an
/// [`crate::engine::Outcome`]. Messages read as complete sentences starting
/// with "failed to".
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("failed to {action} {}: {source}", path.display())]
    Io {
        /// What was being done ("read", "write", "create directory").
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's answer.
        #[source]
        source: std::io::Error,
    },
    /// A manifest (plugin list, capability manifest) is malformed.
    #[error("failed to read manifest {source_name}: {reason}")]
    Manifest {
        /// The file or source the manifest came from.
        source_name: String,
        /// What is wrong, naming the entry or field.
        reason: String,
    },
    /// A manifest names a plugin that no constructor is registered for.
    #[error(
        "failed to enable plugin `{name}`: no plugin of that name is registered (known: {known})"
    )]
    UnknownPlugin {
        /// The unknown name.
        name: String,
        /// The registered names, comma-separated.
        known: String,
    },
    /// A plugin refused to start or broke a load-time rule.
    #[error("failed to load plugin `{plugin}`: {reason}")]
    PluginLoad {
        /// The plugin's name (or its file when it has no name yet).
        plugin: String,
        /// What went wrong.
        reason: String,
    },
    /// A plugin's own start (`init`, `on_init`) failed: as
    /// [`Error::PluginLoad`], with the typed failure a check reports.
    #[error("failed to load plugin `{plugin}`: {reason}")]
    PluginStart {
        /// The plugin's name.
        plugin: String,
        /// What went wrong, for a person.
        reason: String,
        /// What went wrong, typed: a panic, or the error value `init`
        /// returned.
        failure: crate::engine::Failure,
    },
    /// An artifact on disk is not a loadable plugin.
    #[error("failed to load {}: {reason}", path.display())]
    Artifact {
        /// The artifact.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Native plugins did not load; the variant says why.
    #[error("failed to load native plugins: {0}")]
    NativeLoad(#[from] super::native_load::LoadError),
    /// The embedded database failed.
    #[error("failed to {action}: {source}")]
    Store {
        /// What the store was doing.
        action: String,
        /// SQLite's answer.
        #[source]
        source: rusqlite::Error,
    },
    /// An input file is refused before reading: not a regular file, or
    /// over the size hookcheck reads.
    #[error("failed to read {}: {reason}", path.display())]
    Input {
        /// The file.
        path: PathBuf,
        /// Why it is refused.
        reason: String,
    },
    /// A fixture file is malformed.
    #[error("failed to read fixture {}: {reason}", path.display())]
    Fixture {
        /// The fixture file.
        path: PathBuf,
        /// What is wrong, with the line and field when known.
        reason: String,
    },
    /// A set of plugins cannot be served or replayed under a profile.
    #[error("failed to set up the {profile} host: {reason}")]
    Host {
        /// The profile.
        profile: String,
        /// Why.
        reason: String,
    },
    /// A plugin build cannot be matched to the test that checks it.
    #[error("failed to match {} to this test's build: {reason}", path.display())]
    Build {
        /// The artifact, or the test executable.
        path: PathBuf,
        /// What differs, or why it cannot be told.
        reason: String,
    },
    /// A write was malformed before any plugin saw it.
    #[error("failed to write `{entity}`: {reason}")]
    BadWrite {
        /// The entity.
        entity: String,
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
