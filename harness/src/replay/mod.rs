//! Replay: one profile's host with its plugins, an entity store and the
//! built-in JSON API ([`Harness`]); fixtures run through it and compared as
//! differences ([`Replayed`]); pipeline runs as reviewable snapshots
//! ([`Stages`]).

mod api;
mod app;
mod compare;
mod run;
mod snapshot;

pub use crate::host::LoadOptions;
pub use app::{Harness, Observed, auth_from_authorization};
pub use compare::{Difference, same_failure};
pub use run::Replayed;
pub use snapshot::{Change, Stage, Stages, redact};
