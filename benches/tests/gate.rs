//! The regression gate's logic, on numbers: a deliberate slowdown fails it.

#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;

use hookcheck_benches::{Baseline, BenchReport, FormResult, check_against, markdown_table};

fn form(ratio: f64) -> FormResult {
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
        pauses_per_ms: 0.5,
        samples: 1000,
    }
}

fn report(ratios: &[(&str, f64)]) -> BenchReport {
    BenchReport {
        machine: BTreeMap::new(),
        versions: BTreeMap::new(),
        request_bytes: 538,
        timer_overhead_ns: 19,
        interruption: "epoch".into(),
        forms: ratios
            .iter()
            .map(|(n, r)| ((*n).to_owned(), form(*r)))
            .collect(),
        peer_extism_p99_ns: None,
        peer_extism_ratio_p99: None,
    }
}

fn baseline() -> Baseline {
    Baseline {
        tolerance: 0.3,
        note: "test".into(),
        ratio_p99_net: [("in_process", 1.1), ("native", 2.0), ("wasm", 1.2)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    }
}

#[test]
fn the_measured_ratios_pass_the_gate() {
    let rows = check_against(
        &report(&[("in_process", 1.15), ("native", 2.3), ("wasm", 1.2)]),
        &baseline(),
    );
    assert!(rows.iter().all(|r| r.ok), "{rows:?}");
}

#[test]
fn an_injected_slowdown_fails_exactly_that_form() {
    // the engine path of `wasm` made 50 % slower than its floor would allow
    let slowed = report(&[("in_process", 1.1), ("native", 2.0), ("wasm", 1.2 * 1.5)]);
    let rows = check_against(&slowed, &baseline());
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| !r.ok)
        .map(|r| r.form.as_str())
        .collect();
    assert_eq!(failed, ["wasm"]);
    let wasm = rows.iter().find(|r| r.form == "wasm").unwrap();
    assert!(
        (wasm.limit - 1.56).abs() < 1e-9,
        "limit is baseline × (1 + tolerance)"
    );
}

#[test]
fn a_form_missing_from_the_run_fails() {
    let rows = check_against(
        &report(&[("in_process", 1.0), ("native", 1.0)]),
        &baseline(),
    );
    assert!(!rows.iter().find(|r| r.form == "wasm").unwrap().ok);
}

#[test]
fn the_committed_baseline_parses_and_covers_the_three_forms() {
    let path = hookcheck_fixtures::artifacts::workspace_root().join("reports/bench/baseline.json");
    let baseline: Baseline = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let forms: Vec<&str> = baseline.ratio_p99_net.keys().map(String::as_str).collect();
    assert_eq!(forms, ["in_process", "native", "wasm"]);
    assert!(baseline.tolerance > 0.0 && !baseline.note.is_empty());
}

#[test]
fn the_table_lists_every_form() {
    let table = markdown_table(&report(&[
        ("in_process", 1.1),
        ("native", 2.0),
        ("wasm", 1.2),
    ]));
    assert!(table.contains("| wasm | 500 ns |") && table.contains("ratio p99"));
}
