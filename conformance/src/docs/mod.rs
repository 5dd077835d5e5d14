//! What hookcheck teaches about its checks, from this repository's
//! documents: the lessons (`docs/checks/`), the contract pages
//! (`docs/contracts/`), the checks listing and `explain`.

mod contract_docs;
mod lessons;
mod listing;

pub use lessons::{Lesson, lesson};
pub use listing::{checks_listing, explanation};
