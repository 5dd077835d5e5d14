//! A contract's name: what hook points, profiles and hosts are keyed by.

use serde::Serialize;

/// The host contract a hook point belongs to: a name. Each contract's own
/// module names itself with [`Contract::new`] (`hookcheck::pylon::CONTRACT`);
/// the built-in ones are listed in [`crate::contracts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Contract {
    name: &'static str,
}

impl Contract {
    /// A contract called `name` (the profile name users type).
    pub const fn new(name: &'static str) -> Self {
        Self { name }
    }

    /// The profile name users type.
    pub const fn name(self) -> &'static str {
        self.name
    }
}

impl Serialize for Contract {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name)
    }
}

impl std::fmt::Display for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
