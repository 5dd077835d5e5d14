//! Reports of a finished run: JUnit XML, JSON, Markdown.

mod json;
mod junit;
mod markdown;

pub use json::json_report;
pub use junit::{junit_report, junit_reports};
pub use markdown::markdown_report;
