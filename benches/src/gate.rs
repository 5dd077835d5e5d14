//! The regression gate: current `ratio_p99_net` (engine p99 over floor
//! p99, both net of the machine's pauses) per form against the committed
//! baseline, with the tolerance the baseline states.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::report::BenchReport;

/// `reports/bench/baseline.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Allowed growth of a ratio: 0.3 lets it grow 30 %.
    pub tolerance: f64,
    /// Why that tolerance (machine noise, measured).
    pub note: String,
    /// Baseline `ratio_p99_net` per form.
    pub ratio_p99_net: BTreeMap<String, f64>,
}

/// One row of the gate's table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GateRow {
    /// The form.
    pub form: String,
    /// The baseline ratio.
    pub baseline: f64,
    /// The current ratio.
    pub current: f64,
    /// The largest ratio allowed.
    pub limit: f64,
    /// Within the limit.
    pub ok: bool,
}

/// Compares every baseline form with the report; a form missing from the
/// report fails.
pub fn check_against(report: &BenchReport, baseline: &Baseline) -> Vec<GateRow> {
    baseline
        .ratio_p99_net
        .iter()
        .map(|(form, base)| {
            let limit = base * (1.0 + baseline.tolerance);
            let current = report
                .forms
                .get(form)
                .map_or(f64::INFINITY, |r| r.ratio_p99_net);
            GateRow {
                form: form.clone(),
                baseline: *base,
                current,
                limit,
                ok: current <= limit,
            }
        })
        .collect()
}
