//! A Rustant plugin as a subject: an in-process agent plugin built fresh
//! for each check, or a native library that is read and never loaded.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use hookcheck::rustant::{AgentPlugin, AgentRun};

use crate::check::Verdict;

use crate::subject::Subject;

type AgentMaker = Arc<dyn Fn() -> Box<dyn AgentPlugin> + Send + Sync>;

/// An in-process Rustant plugin, built fresh for each check.
#[derive(Clone)]
pub struct RustantSubject {
    /// Its name.
    pub name: String,
    /// Builds a fresh instance.
    pub make: AgentMaker,
    /// The shared exercise's runs, made on first use and shared by the
    /// copies each check runs with.
    pub(crate) runs: Arc<OnceLock<Runs>>,
}

/// The shared exercise's runs, labelled, or why it could not run.
pub(crate) type Runs = Result<Vec<(String, AgentRun)>, Verdict>;

/// A native Rustant plugin: never loaded, only read.
#[derive(Debug)]
pub struct RustantNativeSubject {
    /// The file.
    pub path: PathBuf,
    /// The `rustc version …` line in its `.comment` section.
    pub plugin_rustc: Option<String>,
    /// The same line of the host (this executable).
    pub host_rustc: Option<String>,
}

impl Subject {
    /// A subject for an in-process Rustant plugin built by `make`.
    pub fn rustant(
        name: impl Into<String>,
        make: impl Fn() -> Box<dyn AgentPlugin> + Send + Sync + 'static,
    ) -> Self {
        Subject::new(RustantSubject {
            name: name.into(),
            make: Arc::new(make),
            runs: Arc::default(),
        })
    }
}
