//! One timed hook: what every contract's caller implements ([`Caller`]),
//! the input kinds a hook is timed with ([`Takes`]), and the request a
//! request hook is timed with.

use hookcheck::fixtures::Event;

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
    pub(crate) fn accepts(self, event: &Event) -> bool {
        matches!(
            (self, event),
            (Self::Request | Self::RequestOrWrite, Event::Request(_))
                | (Self::Write | Self::RequestOrWrite, Event::Write(_))
        )
    }

    /// Its name in messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Self::Request => "a request",
            Self::Write => "a write",
            Self::RequestOrWrite => "a request or a write",
        }
    }
}

/// One plugin's hook, callable through the host and (when the contract
/// allows it) directly.
pub(crate) trait Caller {
    /// The hook, as the contract names it.
    fn hook(&self) -> &'static str;
    /// One call through the host path; `true` when the request goes on.
    fn host(&mut self) -> bool;
    /// One call of the plugin alone, when there is a floor.
    fn floor(&mut self) -> Option<bool>;
    /// Whether the floor's heap allocations are the plugin's own (an
    /// in-process plugin called directly), less
    /// [`Caller::floor_input_allocations`].
    fn floor_allocates_as_plugin(&self) -> bool {
        false
    }
    /// Heap allocations each floor call makes for its input before the
    /// plugin runs (a fresh copy of data the plugin may change).
    fn floor_input_allocations(&self) -> u64 {
        0
    }
    /// The floor as a call many threads can make at once (in-process
    /// plugins, which a host calls from every request thread).
    fn concurrent(&self) -> Option<Box<dyn Fn() + Sync + '_>> {
        None
    }
    /// For a WASM plugin: its memory size in bytes and the `lesstruct`
    /// host-function calls made so far, to difference around calls.
    fn wasm_counters(&mut self) -> Option<(u64, u64)> {
        None
    }
}

/// The request in `input` (a hook that takes only requests was checked
/// to get one).
pub(crate) fn request_of(input: &Event) -> Result<&hookcheck::fixtures::RequestEvent> {
    match input {
        Event::Request(r) => Ok(r),
        other => Err(Error::Bench(format!(
            "this hook takes a request fixture, and the input is a {}",
            other.kind()
        ))),
    }
}
