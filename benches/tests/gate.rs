//! The regression gate's logic, on numbers: a deliberate slowdown fails it,
//! and the committed budgets parse.

#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;

use hookcheck_benches::{Baseline, BenchReport, Budget, FormResult, check_against, markdown_table};

fn form(ratio: f64, added_p99_ns: i64) -> FormResult {
    FormResult {
        p50_ns: 500,
        p99_ns: (600.0 * ratio) as u64,
        p999_ns: 2_000,
        floor_p50_ns: 450,
        floor_p99_ns: 600,
        // Pauses wreck the raw ratio; the gate reads the net one.
        ratio_p99: ratio * 3.0,
        net_p99_ns: (600.0 * ratio) as u64,
        floor_net_p99_ns: 600,
        ratio_p99_net: ratio,
        added_p50_ns: 50,
        added_p99_ns,
        pauses_per_ms: 0.5,
        samples: 1000,
    }
}

fn report(forms: &[(&str, f64, i64)]) -> BenchReport {
    BenchReport {
        machine: BTreeMap::new(),
        versions: BTreeMap::new(),
        request_bytes: 538,
        timer_overhead_ns: 19,
        interruption: "epoch".into(),
        forms: forms
            .iter()
            .map(|(n, r, a)| ((*n).to_owned(), form(*r, *a)))
            .collect(),
        peer_extism_p99_ns: None,
        peer_extism_ratio_p99: None,
    }
}

fn baseline() -> Baseline {
    Baseline {
        note: "test".into(),
        budgets: [
            ("in_process", vec![Budget::AddedP99Ns(10.0)]),
            ("in_process_vs_registry", vec![Budget::RatioP99Net(1.2)]),
            ("native", vec![Budget::RatioP99Net(1.2)]),
            ("wasm", vec![Budget::RatioP99Net(1.3)]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    }
}

fn within() -> Vec<(&'static str, f64, i64)> {
    vec![
        ("in_process", 1.3, 8),
        ("in_process_vs_registry", 1.1, 3),
        ("native", 1.15, 90),
        ("wasm", 1.1, 40),
    ]
}

#[test]
fn numbers_within_the_budgets_pass() {
    let rows = check_against(&report(&within()), &baseline());
    assert!(rows.iter().all(|r| r.ok), "{rows:?}");
    assert_eq!(rows.len(), 4);
}

#[test]
fn an_injected_slowdown_fails_exactly_that_budget() {
    // 12 ns added in process: over the 10 ns budget, though its ratio is
    // the same.
    let mut forms = within();
    forms[0].2 = 12;
    // And native 1.25x its floor.
    forms[2].1 = 1.25;
    let rows = check_against(&report(&forms), &baseline());
    let failed: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| !r.ok)
        .map(|r| (r.form.as_str(), r.measure))
        .collect();
    assert_eq!(
        failed,
        [("in_process", "added p99 ns"), ("native", "ratio p99 net")]
    );
}

#[test]
fn a_form_missing_from_the_run_fails() {
    let forms: Vec<_> = within().into_iter().filter(|f| f.0 != "wasm").collect();
    let rows = check_against(&report(&forms), &baseline());
    assert!(!rows.iter().find(|r| r.form == "wasm").unwrap().ok);
}

#[test]
fn the_committed_budgets_parse_and_cover_every_form() {
    let path = hookcheck_fixtures::artifacts::workspace_root().join("reports/bench/baseline.json");
    let baseline: Baseline = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let forms: Vec<&str> = baseline.budgets.keys().map(String::as_str).collect();
    assert_eq!(
        forms,
        ["in_process", "in_process_vs_registry", "native", "wasm"]
    );
    assert_eq!(baseline.budgets["in_process"], [Budget::AddedP99Ns(10.0)]);
    assert!(!baseline.note.is_empty());
}

#[test]
fn the_table_lists_every_form() {
    let table = markdown_table(&report(&within()));
    assert!(table.contains("| wasm | 500 ns |") && table.contains("ratio p99"));
}
