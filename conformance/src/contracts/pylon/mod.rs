//! The Pylon contract: its entry, subject, checks, bench caller and
//! bundled plugins.

mod bench;
mod bundled;
mod checks;
mod entry;
mod kind;
mod subject;

pub(crate) use entry::Pylon;
pub use subject::PylonSubject;
