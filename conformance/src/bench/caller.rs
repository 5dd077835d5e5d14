//! Which hooks `hookcheck bench` times for each contract, what input each
//! takes, and which [`Caller`] calls one through the host and alone.

use hookcheck::engine::Contract;
use hookcheck::fixtures::Event;

use super::form::Caller;
use crate::subject::Subject;
use crate::{Error, Result};

/// The input a hook is timed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Takes {
    /// A request fixture.
    Request,
    /// A write fixture.
    Write,
    /// Either: a request's JSON body or a write's data.
    RequestOrWrite,
}

impl Takes {
    /// Whether `event` is an input of this kind.
    fn accepts(self, event: &Event) -> bool {
        matches!(
            (self, event),
            (Self::Request | Self::RequestOrWrite, Event::Request(_))
                | (Self::Write | Self::RequestOrWrite, Event::Write(_))
        )
    }

    /// Its name in messages.
    fn noun(self) -> &'static str {
        match self {
            Self::Request => "a request",
            Self::Write => "a write",
            Self::RequestOrWrite => "a request or a write",
        }
    }
}

const PYLON_HOOKS: &[(&str, Takes)] = &[
    ("on_request_with_meta", Takes::Request),
    ("before_insert", Takes::Write),
    ("before_update", Takes::Write),
    ("before_delete", Takes::Write),
];
const FEATHERFLY_HOOKS: &[(&str, Takes)] = &[
    ("request.intercept", Takes::Request),
    ("middleware.inject", Takes::Request),
];
const LESSTRUCT_HOOKS: &[(&str, Takes)] = &[
    ("before_save", Takes::RequestOrWrite),
    ("before_request", Takes::Request),
];
const RUSTANT_HOOKS: &[(&str, Takes)] = &[
    ("BeforeToolExecution", Takes::Request),
    ("AfterToolExecution", Takes::Request),
    ("BeforeLlmRequest", Takes::Request),
    ("AfterLlmResponse", Takes::Request),
    ("OnSessionStart", Takes::Request),
    ("OnSessionEnd", Takes::Request),
    ("OnError", Takes::Request),
];

/// The hooks `hookcheck bench` can time for `contract`, the default first,
/// each with the input it takes; empty for a contract it cannot time.
pub fn bench_hooks(contract: Contract) -> &'static [(&'static str, Takes)] {
    match contract {
        hookcheck::pylon::CONTRACT => PYLON_HOOKS,
        hookcheck::featherfly::CONTRACT => FEATHERFLY_HOOKS,
        hookcheck::lesstruct::CONTRACT => LESSTRUCT_HOOKS,
        hookcheck::rustant::CONTRACT => RUSTANT_HOOKS,
        _ => &[],
    }
}

/// `hook` (or the default: the contract's request hook, or for a write
/// given to a Pylon plugin the `before_*` hook of the write's operation)
/// checked against `subject`'s contract and `input`: the hook's name as
/// the table spells it.
///
/// # Errors
///
/// The subject is one no hook of which can be timed (a native Rustant
/// plugin, a hosted contract), the contract has no such hook in
/// [`bench_hooks`], or `input` is not the kind of fixture the hook takes.
pub fn choose(subject: &Subject, hook: Option<&str>, input: &Event) -> Result<&'static str> {
    if let Some(why) = untimeable(subject) {
        return Err(Error::Bench(format!(
            "{}: {why}, so there is no hook to time",
            subject.display_name()
        )));
    }
    let table = bench_hooks(subject.contract());
    let names = || table.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    let write_hook = match (subject.contract(), input) {
        (hookcheck::pylon::CONTRACT, Event::Write(w)) => Some(format!("before_{}", w.op.as_str())),
        _ => None,
    };
    let (name, takes) = match hook.or(write_hook.as_deref()) {
        None => *table.first().ok_or_else(|| {
            Error::Bench(format!(
                "{}: hookcheck bench times no hook of a {} plugin",
                subject.display_name(),
                subject.contract()
            ))
        })?,
        Some(h) => *table.iter().find(|(n, _)| *n == h).ok_or_else(|| {
            Error::Bench(format!(
                "{}: --hook {h} is not a {} hook hookcheck bench times (it times: {})",
                subject.display_name(),
                subject.contract(),
                names()
            ))
        })?,
    };
    if !takes.accepts(input) {
        return Err(Error::Bench(format!(
            "{}: {name} takes {} fixture, and the input is a {}",
            subject.display_name(),
            takes.noun(),
            input.kind()
        )));
    }
    Ok(name)
}

/// Why no hook of `subject` can be timed, if none can.
fn untimeable(subject: &Subject) -> Option<&'static str> {
    match subject {
        Subject::RustantNative(_) => Some("a native Rustant plugin is read, never loaded"),
        Subject::Hosted(_) => Some("a contract added through the host seam has none here"),
        _ => None,
    }
}

/// The caller for `subject`'s `hook` (default: its contract's request
/// hook) with `input`.
pub(crate) fn caller(
    subject: &Subject,
    hook: Option<&str>,
    input: &Event,
) -> Result<Box<dyn Caller>> {
    let name = choose(subject, hook, input)?;
    match subject {
        Subject::Pylon(p) => super::pylon::caller(p, name, input),
        #[cfg(feature = "wasm")]
        Subject::Wasm(w) => super::lesstruct::caller(w, name, hook.is_some(), input),
        Subject::Native(n) => super::featherfly::caller(subject, n, name, input),
        Subject::Rustant(r) => super::rustant::caller(r, name, input),
        // `choose` refused these.
        Subject::RustantNative(_) | Subject::Hosted(_) => Err(Error::Bench(format!(
            "{}: no hook of it can be timed",
            subject.display_name()
        ))),
    }
}
