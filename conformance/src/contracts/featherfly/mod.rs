//! The FeatherFly contract: its entry, subject, checks and bench caller.

mod bench;
mod checks;
mod entry;
mod kind;
mod subject;

pub(crate) use entry::FeatherFly;
pub use subject::{Exercise, NativeSubject, native_runner};
