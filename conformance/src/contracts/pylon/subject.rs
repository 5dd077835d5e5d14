//! A Pylon plugin as a subject: an in-process Rust value, built fresh for
//! each check.

use std::sync::{Arc, OnceLock};

use hookcheck::engine::Trace;
use hookcheck::pylon::{Plugin, PylonHost, PylonPlugin};

use crate::check::Verdict;

use crate::Inputs;
use crate::subject::Subject;

type PylonMaker = Arc<dyn Fn() -> PylonPlugin + Send + Sync>;

/// An in-process Pylon plugin, built fresh for each check.
#[derive(Clone)]
pub struct PylonSubject {
    /// Its name.
    pub name: String,
    /// Builds a fresh instance.
    pub make: PylonMaker,
    /// The author's own inputs, sent after the standard ones.
    pub inputs: Arc<Inputs>,
    /// The shared exercises, made on first use and shared by the copies
    /// each check runs with.
    pub(crate) runs: Arc<Runs>,
}

/// Labelled traces of one shared exercise, or why it could not run.
pub(crate) type Run = Result<Labelled, Verdict>;

/// The shared exercises of a Pylon subject.
#[derive(Default)]
pub(crate) struct Runs {
    /// Every request through the request hook.
    pub(crate) requests: OnceLock<Run>,
    /// Every write through the write hooks: the calls of the `before_*`
    /// hooks, then those of the `after_*` hooks, each write's apart.
    pub(crate) writes: OnceLock<Result<(Labelled, Labelled), Verdict>>,
}

/// Traces, each with what it ran.
pub(crate) type Labelled = Vec<(String, Trace)>;

impl PylonSubject {
    /// A fresh instance as the crate's trait (a documented plugin through
    /// the adapter, without its `init`).
    pub fn plugin(&self) -> Arc<dyn hookcheck::pylon::real::Plugin> {
        (self.make)().into_real()
    }

    /// A host with a fresh instance registered (a documented plugin after
    /// `init(null)`).
    pub fn host(&self) -> hookcheck::Result<PylonHost> {
        let mut host = PylonHost::new();
        host.register_any((self.make)(), &serde_json::Value::Null)?;
        Ok(host)
    }
}

impl Subject {
    /// A subject for an in-process plugin written against the
    /// `pylon-plugin` crate, built by `make`:
    /// `Subject::pylon("mine", || Arc::new(Mine::default()))`.
    pub fn pylon(
        name: impl Into<String>,
        make: impl Fn() -> Arc<dyn hookcheck::pylon::real::Plugin> + Send + Sync + 'static,
    ) -> Self {
        Self::pylon_any(name, move || PylonPlugin::Real(make()))
    }

    /// A subject for an in-process plugin written to the documentation
    /// page's trait ([`hookcheck::pylon::Plugin`]), built by `make`; it
    /// runs on the real host model through the adapter.
    pub fn pylon_documented(
        name: impl Into<String>,
        make: impl Fn() -> Box<dyn Plugin> + Send + Sync + 'static,
    ) -> Self {
        Self::pylon_any(name, move || PylonPlugin::Documented(make()))
    }

    /// A subject for an in-process Pylon plugin of either kind.
    pub fn pylon_any(
        name: impl Into<String>,
        make: impl Fn() -> PylonPlugin + Send + Sync + 'static,
    ) -> Self {
        Subject::new(PylonSubject {
            name: name.into(),
            make: Arc::new(make),
            inputs: Arc::default(),
            runs: Arc::default(),
        })
    }
}
