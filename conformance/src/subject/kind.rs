//! What a conformance run checks, whatever its contract: a [`Subject`]
//! holds one contract's own subject type (a WASM module, a native
//! library, an in-process plugin, a host played through the seam) behind
//! [`SubjectKind`], and a contract's checks take their own type back out
//! with [`Subject::kind`].

use std::any::Any;
use std::path::Path;
use std::sync::Arc;

use hookcheck::engine::Contract;
use hookcheck::fixtures::Event;

use crate::timed::{Caller, Takes};
use crate::{Error, Inputs, Result};

/// What every contract's subject type tells the runner, the reports and
/// the bench; everything else its own checks read from the type itself.
pub(crate) trait SubjectKind: Any {
    /// The contract it is checked against.
    fn contract(&self) -> Contract;

    /// A name for reports.
    fn display_name(&self) -> String;

    /// The artifact's path, if it is a file.
    fn path(&self) -> Option<&Path> {
        None
    }

    /// Whether checks feed it the author's inputs.
    fn takes_inputs(&self) -> bool {
        false
    }

    /// Feeds it the author's inputs (only called when it takes them).
    fn set_inputs(&mut self, _inputs: Arc<Inputs>) {}

    /// A copy that can move to another thread, for a plugin that runs in
    /// this process (see [`Subject::detached`]).
    fn detached(&self) -> Option<Detached> {
        None
    }

    /// What confined the plugin while its checks ran, for a plugin that
    /// runs in a child runner.
    fn protections(&self) -> Option<hookcheck::featherfly::Protections> {
        None
    }

    /// How many times the plugin was loaded so far, for a subject that
    /// loads it per host (a native library, in a runner each time).
    fn loads(&self) -> Option<usize> {
        None
    }

    /// The hooks `hookcheck bench` can time, the default first, each with
    /// the input it takes; empty when none can be.
    fn bench_hooks(&self) -> &'static [(&'static str, Takes)] {
        &[]
    }

    /// Why no hook can be timed, when [`SubjectKind::bench_hooks`] is empty.
    fn untimeable(&self) -> &'static str {
        "hookcheck bench times no hook of its contract"
    }

    /// The hook a fixture of this kind is timed with when none is named,
    /// when it is not the first of [`SubjectKind::bench_hooks`].
    fn bench_hook_for(&self, _input: &Event) -> Option<&'static str> {
        None
    }

    /// The caller that times `hook` (one of its bench hooks, checked to
    /// take `input`); `named` when the user named it.
    fn bench_caller(
        &self,
        _hook: &'static str,
        _named: bool,
        _input: &Event,
    ) -> Result<Box<dyn Caller>> {
        Err(Error::Bench(format!(
            "{}: {}, so there is no hook to time",
            self.display_name(),
            self.untimeable()
        )))
    }
}

/// A subject that can move to another thread and outlive this one, made
/// again there.
pub(crate) type Detached = Box<dyn FnOnce() -> Subject + Send>;

/// [`SubjectKind::detached`] for a kind that is a cheap handle to its
/// plugin (a name and a maker): a copy of it, made into a subject on the
/// thread it moves to.
pub(crate) fn detached_copy<T: SubjectKind + Clone + Send>(kind: &T) -> Option<Detached> {
    let copy = kind.clone();
    Some(Box::new(move || Subject::new(copy)))
}

/// The thing a run checks: one contract's subject, opened by its entry in
/// the [`Catalog`](crate::Catalog) or made by one of the constructors
/// (`Subject::pylon`, `Subject::rustant`, `Subject::hosted`, …).
pub struct Subject {
    kind: Box<dyn SubjectKind>,
}

impl std::fmt::Debug for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Subject({})", self.display_name())
    }
}

impl Subject {
    /// A subject of the kind `kind`.
    pub(crate) fn new(kind: impl SubjectKind) -> Self {
        Self {
            kind: Box::new(kind),
        }
    }

    /// The contract's own subject type, when it is a `T`.
    pub(crate) fn kind<T: SubjectKind>(&self) -> Option<&T> {
        let any: &dyn Any = self.kind.as_ref();
        any.downcast_ref()
    }

    /// Everything the subject's kind answers.
    pub(crate) fn of_kind(&self) -> &dyn SubjectKind {
        self.kind.as_ref()
    }

    /// The same subject, fed `inputs` (recorded fixtures, see [`Inputs`])
    /// after the standard inputs by every check that sends that kind of
    /// input. A Rustant plugin takes none: check [`Subject::takes_inputs`].
    #[must_use]
    pub fn with_inputs(mut self, inputs: Inputs) -> Self {
        if self.kind.takes_inputs() {
            self.kind.set_inputs(Arc::new(inputs));
        }
        self
    }

    /// Whether checks feed this subject the author's inputs (Pylon,
    /// Lesstruct and FeatherFly plugins do; Rustant plugins and hosted
    /// contracts do not).
    pub fn takes_inputs(&self) -> bool {
        self.kind.takes_inputs()
    }

    /// A copy that can move to another thread and outlive this one, for
    /// a subject whose plugin runs in this process (Pylon, Rustant): its
    /// checks run on a worker thread, so a hook that never returns costs a
    /// deadline, not the run. `None` for the others, whose hooks have
    /// deadlines of their own (a child runner, an epoch deadline).
    pub(crate) fn detached(&self) -> Option<Detached> {
        self.kind.detached()
    }

    /// What confined the plugin while its checks ran, for a plugin that
    /// runs in a child runner (after the checks ran).
    pub fn protections(&self) -> Option<hookcheck::featherfly::Protections> {
        self.kind.protections()
    }

    /// How many times the plugin was loaded so far (a native plugin's
    /// runner started), for a subject that loads it per host: a run loads
    /// it a fixed, small number of times however many checks it runs.
    pub fn loads(&self) -> Option<usize> {
        self.kind.loads()
    }

    /// The contract this subject is checked against.
    pub fn contract(&self) -> Contract {
        self.kind.contract()
    }

    /// The artifact's path, if it is a file.
    pub fn path(&self) -> Option<&Path> {
        self.kind.path()
    }

    /// A name for reports.
    pub fn display_name(&self) -> String {
        self.kind.display_name()
    }
}
