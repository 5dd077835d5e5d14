//! Which hook `hookcheck bench` times for a subject, checked against the
//! input, and the [`Caller`] that times it: each contract's subject type
//! says which hooks it can time and makes the caller.

use hookcheck::fixtures::Event;

use crate::subject::Subject;
use crate::timed::{Caller, Takes};
use crate::{Error, Result};

/// The hooks `hookcheck bench` can time for `subject`, the default first,
/// each with the input it takes; empty for a subject it cannot time.
pub fn bench_hooks(subject: &Subject) -> &'static [(&'static str, Takes)] {
    subject.of_kind().bench_hooks()
}

/// `hook` (or the default: the contract's request hook, or for a write
/// given to a Pylon plugin the `before_*` hook of the write's operation)
/// checked against `subject`'s contract and `input`: the hook's name as
/// the table spells it.
///
/// # Errors
///
/// The subject is one no hook of which can be timed (a native Rustant
/// plugin, a hosted contract without a bench hook), the contract has no
/// such hook in [`bench_hooks`], or `input` is not the kind of fixture the
/// hook takes.
pub fn choose(subject: &Subject, hook: Option<&str>, input: &Event) -> Result<&'static str> {
    let kind = subject.of_kind();
    let table = kind.bench_hooks();
    let Some(first) = table.first() else {
        return Err(Error::Bench(format!(
            "{}: {}, so there is no hook to time",
            subject.display_name(),
            kind.untimeable()
        )));
    };
    let names = || table.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    let (name, takes) = match hook.or_else(|| kind.bench_hook_for(input)) {
        None => *first,
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

/// The caller for `subject`'s `hook` (default: its contract's request
/// hook) with `input`.
pub(crate) fn caller(
    subject: &Subject,
    hook: Option<&str>,
    input: &Event,
) -> Result<Box<dyn Caller>> {
    let name = choose(subject, hook, input)?;
    subject.of_kind().bench_caller(name, hook.is_some(), input)
}
