//! The catalog: the contracts a run chooses from, their checks, and how a
//! plugin file or a bundled plugin's name opens as a subject.

mod open;
mod suites;

pub use open::{ProfileChoice, bundled_names};
pub use suites::{Catalog, catalog, find};
