//! The Rustant contract: its entry, subjects, checks, bench caller and
//! bundled plugins.

mod bench;
mod bundled;
mod checks;
mod entry;
mod kind;
mod subject;

pub(crate) use entry::Rustant;
pub use subject::{RustantNativeSubject, RustantSubject};
