//! The error type of the conformance library.

use std::path::PathBuf;

/// A shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What keeps a conformance run from starting or finishing its reports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The artifact is not something any profile can check.
    #[error("failed to open {}: {reason}", path.display())]
    Artifact {
        /// The artifact.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("failed to {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The expectations file is malformed.
    #[error("failed to read expectations {}: {reason}", path.display())]
    Expectations {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The harness could not do what was asked (read a fixture, load a
    /// plugin).
    #[error(transparent)]
    Harness(#[from] hookcheck::Error),
    /// A benchmark could not run.
    #[error("failed to benchmark {0}")]
    Bench(String),
    /// A report could not be rendered.
    #[error("failed to render the {format} report: {reason}")]
    Render {
        /// `junit`, `json`, `markdown`.
        format: &'static str,
        /// Why.
        reason: String,
    },
}

impl Error {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// A plugin file that is not one this profile can check, and why.
    pub(crate) fn artifact(path: &std::path::Path, reason: impl Into<String>) -> Self {
        Self::Artifact {
            path: path.to_owned(),
            reason: reason.into(),
        }
    }
}
