//! Reports of a finished run: JUnit XML, JSON, Markdown.

mod json;
mod junit;
mod markdown;
mod text;

pub use json::json_report;
pub use junit::junit_report;
pub use markdown::markdown_report;
pub use text::printable;
