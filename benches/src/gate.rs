//! The regression gate: absolute budgets that hold on any machine, read
//! from `reports/bench/baseline.json`. A ratio far from 1 moves with the
//! CPU, so what is kept is what stays put: the nanoseconds the in-process
//! engine adds over the plugin's own call (net of the machine's pauses),
//! and ratios near 1 (the engine against the real host's own dispatch, the
//! native and WASM engines against their floors).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::report::BenchReport;

/// One form's budget.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "measure", content = "at_most")]
pub enum Budget {
    /// Engine net p99 minus floor net p99, in ns.
    AddedP99Ns(f64),
    /// Engine net p99 over floor net p99.
    RatioP99Net(f64),
}

/// `reports/bench/baseline.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Why these budgets, and how they were measured.
    pub note: String,
    /// Per form, its budgets.
    pub budgets: BTreeMap<String, Vec<Budget>>,
}

/// One row of the gate's table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GateRow {
    /// The form.
    pub form: String,
    /// What is measured (`added p99 ns`, `ratio p99 net`).
    pub measure: &'static str,
    /// The budget.
    pub limit: f64,
    /// The current value.
    pub current: f64,
    /// Within the budget.
    pub ok: bool,
}

/// Every budget of the baseline against the report; a form missing from
/// the report fails.
pub fn check_against(report: &BenchReport, baseline: &Baseline) -> Vec<GateRow> {
    let mut rows = Vec::new();
    for (form, budgets) in &baseline.budgets {
        let result = report.forms.get(form);
        for budget in budgets {
            let (measure, limit, current) = match *budget {
                Budget::AddedP99Ns(limit) => (
                    "added p99 ns",
                    limit,
                    result.map_or(f64::INFINITY, |r| r.added_p99_ns as f64),
                ),
                Budget::RatioP99Net(limit) => (
                    "ratio p99 net",
                    limit,
                    result.map_or(f64::INFINITY, |r| r.ratio_p99_net),
                ),
            };
            rows.push(GateRow {
                form: form.clone(),
                measure,
                limit,
                current,
                ok: current <= limit,
            });
        }
    }
    rows
}
