//! Pylon's own built-in plugins (`pylon_plugin::builtin`, 0.3.23) as
//! subjects: every one runs the whole catalog, and what fails is a finding
//! about the real plugin, asserted here and explained in
//! `fixtures/README.md`.

use hookcheck::pylon::BUILTINS;
use hookcheck_conformance::{RunOptions, Status, run_checks};
use regex::Regex;

use crate::support::open;

/// The findings: each built-in's failing checks. Everything else passes.
const FINDINGS: &[(&str, &[&str])] = &[
    // A key String and the counter map's entry on every request, under a
    // global Mutex (rate_limit.rs:25-64).
    ("rate_limit", &["PY-PERF-001"]),
];

#[test]
fn every_builtin_conforms_and_its_failures_are_the_known_findings() {
    assert_eq!(BUILTINS.len(), 28, "every Plugin of pylon_plugin::builtin");
    // The timed checks depend on how busy the machine is; their numbers for
    // the built-ins are in fixtures/README.md, measured on their own.
    let options = RunOptions {
        skip: Some(Regex::new("^PY-(REQ-002|PERF-002)$").unwrap()),
        ..RunOptions::default()
    };
    let mut problems = Vec::new();
    for builtin in BUILTINS {
        let spec = format!("pylon:builtin:{}", builtin.name);
        let report = run_checks(&open(&spec), &options, |_| {});
        let failing: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| c.status == Status::Fail)
            .map(|c| c.id)
            .collect();
        let expected = FINDINGS
            .iter()
            .find(|(n, _)| *n == builtin.name)
            .map_or(&[][..], |(_, ids)| *ids);
        if failing != expected || !report.passed() {
            problems.push(format!(
                "{spec}: failing {failing:?}, expected {expected:?}, passed {}",
                report.passed()
            ));
        }
        let ran = report
            .checks
            .iter()
            .filter(|c| c.status == Status::Pass)
            .count();
        assert!(ran >= 8, "{spec}: only {ran} checks passed");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_allocation_check_counts_exactly() {
    let report = run_checks(
        &open("pylon:allocates_per_request"),
        &RunOptions::default(),
        |_| {},
    );
    let perf = report
        .checks
        .iter()
        .find(|c| c.id == "PY-PERF-001")
        .unwrap();
    assert_eq!(perf.status, Status::Fail);
    let exact = format!(
        "makes {} heap allocations per call ({} over 1000 calls)",
        hookcheck_fixtures::AllocatesPerRequest::ALLOCATIONS,
        hookcheck_fixtures::AllocatesPerRequest::ALLOCATIONS * 1000
    );
    assert!(perf.evidence.contains(&exact), "{}", perf.evidence);
}
