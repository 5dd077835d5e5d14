//! The reports read back: JUnit parses into the statuses the runner
//! reported, JSON validates against its schema, Markdown names the fixes.

use std::collections::BTreeMap;
use std::process::Command;

use hookcheck_fixtures::artifacts::workspace_root;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

use crate::support::spec;

fn run_with_reports(reference: &str) -> (tempfile::TempDir, i32) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args(["conformance", &spec(reference), "--report-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    (dir, out.status.code().unwrap())
}

/// testcase name -> "pass" | "fail" | "skip", from JUnit XML.
fn junit_statuses(xml: &str) -> BTreeMap<String, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testcase" => {
                let name = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == b"name")
                    .map(|a| a.unescape_value().unwrap().into_owned())
                    .unwrap();
                let id = name.split_whitespace().next().unwrap().to_owned();
                out.insert(id.clone(), "pass".to_owned());
                current = Some(id);
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(e.name().as_ref(), b"failure" | b"skipped") =>
            {
                let status = if e.name().as_ref() == b"failure" {
                    "fail"
                } else {
                    "skip"
                };
                out.insert(current.clone().unwrap(), status.to_owned());
            }
            Event::End(e) if e.name().as_ref() == b"testcase" => current = None,
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn junit_and_json_agree_and_json_matches_its_schema() {
    for (fixture, code) in [
        ("wat:lying_len", 1),
        ("wasm:hello", 0),
        ("pylon:rate_limit", 0),
        ("native:bad_actions", 1),
        ("pylon:slugify", 0),
        ("native:registers_nothing", 1),
    ] {
        let (dir, exit) = run_with_reports(fixture);
        assert_eq!(exit, code, "{fixture}");
        let json: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
                .unwrap();
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(workspace_root().join("reports/conformance.schema.json"))
                .unwrap(),
        )
        .unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{fixture}: {errors:?}");
        assert_eq!(json["conforms"], Value::Bool(code == 0), "{fixture}");
        // JUnit fails a case exactly when it fails the run: a skip that
        // fails it is a failure (a green test tab in a red job would hide
        // it), a failure that does not (recommended, expected) is skipped.
        let from_json: BTreeMap<String, String> = json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let status = match (c["status"].as_str().unwrap(), &c["fails_run"]) {
                    ("skip" | "warn" | "unverified", Value::Bool(true)) => "fail",
                    ("fail" | "warn" | "unverified", Value::Bool(false)) => "skip",
                    (status, _) => status,
                };
                (c["id"].as_str().unwrap().to_owned(), status.to_owned())
            })
            .collect();
        let xml = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
        let mut from_junit = junit_statuses(&xml);
        let coverage = from_junit
            .remove("coverage:")
            .expect("a coverage test case");
        assert_eq!(from_junit, from_json, "{fixture}");
        let registrations = json["coverage"]["registrations"].as_array().unwrap();
        let complete = !registrations.is_empty()
            && registrations.iter().all(|r| r["calls"].as_u64() > Some(0));
        assert_eq!(
            coverage,
            if complete { "pass" } else { "fail" },
            "{fixture}"
        );
        let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
        assert!(md.contains("registrations exercised: "), "{md}");
        if code == 1 {
            assert!(md.contains("### What to fix"), "{md}");
        } else {
            assert!(md.contains("✅ conforms"), "{md}");
        }
    }
}

#[test]
fn the_schema_rejects_a_report_that_breaks_it() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("reports/conformance.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (dir, _) = run_with_reports("wat:trap");
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert!(validator.is_valid(&json));
    json["checks"][0]["status"] = Value::from("maybe");
    assert!(!validator.is_valid(&json));
}

#[test]
fn junit_failure_text_is_the_evidence() {
    let (dir, _) = run_with_reports("wat:lying_len");
    let xml = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    assert!(xml.contains("pointed outside memory"), "{xml}");
    assert_eq!(junit_statuses(&xml)["LS-MEM-004"], "fail");
}

#[test]
fn the_json_report_carries_the_typed_failure_of_a_failed_check() {
    let (dir, exit) = run_with_reports("native:segfault");
    assert_eq!(exit, 1);
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let check = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "FF-SAFE-001")
        .unwrap();
    assert_eq!(check["failure"]["type"], "crash", "{check}");
    assert_eq!(
        check["failure"]["end"],
        serde_json::json!({"by": "signal", "number": 11})
    );
    let (dir, exit) = run_with_reports("wat:invalid_json");
    assert_eq!(exit, 1);
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let kinds: Vec<&Value> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.get("failure"))
        .map(|f| &f["kind"])
        .collect();
    assert!(kinds.contains(&&Value::from("not_json")), "{kinds:?}");
}

#[test]
fn junit_shows_an_expected_failure_as_skipped_and_classes_cases_by_profile_and_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let known = dir.path().join("known.toml");
    std::fs::write(
        &known,
        "[[expect]]\nid = \"LS-HOOK-001\"\nstatus = \"fail\"\nreason = \"traps on purpose\"\n",
    )
    .unwrap();
    let junit = dir.path().join("junit.xml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args(["conformance", &crate::support::spec("wat:trap")])
        .arg("--expectations")
        .arg(&known)
        .arg("--junit")
        .arg(&junit)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "LS-ROB-001 still fails the run");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let statuses = junit_statuses(&xml);
    assert_eq!(statuses["LS-HOOK-001"], "skip", "{xml}");
    assert_eq!(statuses["LS-ROB-001"], "fail", "{xml}");
    assert!(xml.contains("expected failure: "), "{xml}");
    assert!(
        xml.contains(r#"classname="hookcheck.lesstruct.trap""#),
        "{xml}"
    );
}

#[test]
fn a_failure_a_plugin_caused_is_typed_in_the_json_report() {
    // A failed start or load, a panic found by a row of the Pylon and
    // Rustant exercises: the report's `failure` says what the plugin did,
    // never null.
    for (reference, check, kind) in [
        ("native:init_fails", "FF-LOAD-004", "code"),
        ("wat:start_traps", "LS-LOAD-008", "trap"),
        ("pylon:failing_init", "PY-INIT-001", "plugin"),
        ("pylon:panics_in_on_init", "PY-INIT-001", "panic"),
        ("pylon:panics_in_before_request", "PY-REQ-001", "panic"),
        ("pylon:panics_in_before_write", "PY-WRITE-001", "panic"),
        ("pylon:panics_in_after_write", "PY-WRITE-002", "panic"),
        ("rustant:failing_on_load", "RU-LOAD-001", "plugin"),
        ("rustant:panicky_hook", "RU-HOOK-001", "panic"),
    ] {
        let (dir, _) = run_with_reports(reference);
        let json: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap())
                .unwrap();
        let found = json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == check)
            .unwrap_or_else(|| panic!("{reference}: no {check}"));
        assert_eq!(found["status"], "fail", "{reference} {check}: {found}");
        assert_eq!(
            found["failure"]["type"], kind,
            "{reference} {check}: {found}"
        );
    }
}
