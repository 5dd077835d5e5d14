//! Reports of a finished run: JUnit XML, JSON, Markdown.

mod contract_docs;
mod json;
mod junit;
mod lessons;
mod listing;
mod markdown;
mod text;

pub use json::json_report;
pub use junit::{junit_report, junit_reports};
pub use lessons::{Lesson, lesson};
pub use listing::{checks_listing, explanation};
pub use markdown::markdown_report;
pub use text::printable;
