//! Where a host's documentation and its own code disagree, as data: what
//! `hookcheck divergences` lists and a host maintainer can act on.

use serde::Serialize;

/// What hookcheck does about one divergence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Handling {
    /// hookcheck's host behaves like the host's code.
    Emulated,
    /// hookcheck keeps the documented (safer) behaviour on purpose.
    KeptSafe,
    /// hookcheck still follows the documents here: a known gap.
    NotYet,
    /// hookcheck follows the documents on purpose, because following the
    /// host would leave nothing to check, and every report says so.
    Reported,
}

impl std::fmt::Display for Handling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Handling::Emulated => "emulated",
            Handling::KeptSafe => "kept safe",
            Handling::NotYet => "not yet emulated",
            Handling::Reported => "documents followed, reported",
        })
    }
}

/// One place where a host's documents and its code at the pinned commit
/// disagree (the contract is its [`HostEntry`](super::HostEntry)'s).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Divergence {
    /// A short name (`pattern matching`).
    pub topic: &'static str,
    /// What the documents say, with their section.
    pub docs: &'static str,
    /// What the host's code does, with `file:line` at the pinned commit.
    pub host: &'static str,
    /// What hookcheck does about it.
    pub handling: Handling,
    /// The verdict that follows for a plugin, and the check that gives it.
    pub verdict: &'static str,
    /// The ids of the checks whose verdicts follow from it (conformance
    /// holds every one to an existing check).
    pub checks: &'static [&'static str],
}

impl Divergence {
    /// One divergence: its topic, what the documents say, what the host's
    /// code does, how hookcheck handles it, and the verdict that follows.
    pub const fn new(
        topic: &'static str,
        docs: &'static str,
        host: &'static str,
        handling: Handling,
        verdict: &'static str,
    ) -> Self {
        Self {
            topic,
            docs,
            host,
            handling,
            verdict,
            checks: &[],
        }
    }

    /// The same divergence, driving the verdicts of the checks `checks`.
    #[must_use]
    pub const fn driving(mut self, checks: &'static [&'static str]) -> Self {
        self.checks = checks;
        self
    }
}
