//! The JSON report (schema in `reports/README.md` and
//! `reports/conformance.schema.json`).

use crate::runner::Report;
use crate::{Error, Result};

/// The report as pretty JSON.
pub fn json_report(report: &Report) -> Result<String> {
    serde_json::to_string_pretty(report).map_err(|e| Error::Render {
        format: "json",
        reason: e.to_string(),
    })
}
