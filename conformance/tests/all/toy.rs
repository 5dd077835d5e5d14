//! The toy contract (`examples/toy/contract.rs`): one file and one
//! registration line, run through the library and through the whole
//! command line of a `hookcheck` built with it (`examples/toy/main.rs`):
//! `conformance` with all three reports, `checks`, `explain`, `bench`.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use hookcheck::engine::{Failure, HttpMethod};
use hookcheck::fixtures::RequestEvent;
use hookcheck::replay::Harness;
use hookcheck_conformance::{Catalog, RunOptions, Status, checks_listing, json_report, run_suite};

#[path = "../../examples/toy/contract.rs"]
mod contract;

use contract::{ENTRY, TOY, ToyHost, panicky, polite, subject};

/// The `hookcheck` with the toy contract, built once per test run with
/// the cargo that runs the tests.
fn toy_hookcheck() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "build",
                "--quiet",
                "--message-format=json-render-diagnostics",
                "-p",
                "hookcheck-conformance",
                "--example",
                "toy_hookcheck",
            ])
            .stderr(Stdio::inherit())
            .output()
            .unwrap();
        assert!(out.status.success(), "building the toy hookcheck failed");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo names the example's executable")
    })
}

fn toy(args: &[&str]) -> Output {
    Command::new(toy_hookcheck()).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_toy_contract_runs_in_the_harness_through_the_seam() {
    let mut harness = Harness::with_host(Box::new(ToyHost {
        plugins: vec![("polite", polite)],
    }))
    .unwrap();
    assert_eq!(harness.contract(), TOY);
    let hello = harness.request(&RequestEvent::new(HttpMethod::Get, "/plugins/hello"));
    assert_eq!((hello.status, hello.body.as_str()), (Some(200), "hello"));
    assert_eq!(hello.trace.steps.len(), 1);
    // Not greeted: the built-in API answers as for every contract.
    let system = harness.request(&RequestEvent::new(HttpMethod::Get, "/api/system"));
    assert_eq!(system.status, Some(200));
    assert!(
        system.body.contains(r#""profile":"toy""#),
        "{}",
        system.body
    );
}

#[test]
fn the_toy_contract_appears_in_the_check_listing() {
    let catalog = Catalog::builtin().with(&ENTRY);
    let ids: Vec<&str> = catalog.checks(Some(TOY)).iter().map(|c| c.id).collect();
    assert_eq!(ids, ["TOY-001"]);
    let listing = checks_listing(&catalog.checks(None));
    let line = listing
        .lines()
        .find(|l| l.starts_with("TOY-001"))
        .unwrap_or_else(|| panic!("TOY-001 missing from:\n{listing}"));
    assert!(line.contains("toy") && line.contains("row"), "{line}");
    // The built-in catalog does not know it.
    assert!(Catalog::builtin().find("TOY-001").is_none());
}

#[test]
fn a_good_toy_plugin_conforms_and_a_panicking_one_fails_with_a_typed_failure() {
    let catalog = Catalog::builtin().with(&ENTRY);
    let good = run_suite(
        &catalog,
        &subject("polite", polite),
        &RunOptions::default(),
        |_| {},
    );
    assert!(good.passed(), "{good:#?}");
    assert_eq!(good.checks[0].status, Status::Pass);
    assert!(good.coverage.complete(), "{}", good.coverage);
    assert!(good.checks[0].calls.unwrap() > 0);

    let bad = run_suite(
        &catalog,
        &subject("panicky", panicky),
        &RunOptions::default(),
        |_| {},
    );
    assert!(!bad.passed());
    assert_eq!(bad.checks[0].status, Status::Fail);
    assert!(matches!(bad.checks[0].failure, Some(Failure::Panic { .. })));
    let json: serde_json::Value = serde_json::from_str(&json_report(&bad).unwrap()).unwrap();
    assert_eq!(json["profile"], "toy");
    assert_eq!(json["checks"][0]["failure"]["type"], "panic");
}

#[test]
fn the_command_line_checks_a_toy_plugin_and_writes_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = toy(&["conformance", "toy:panicky", "--report-dir"])
        .status
        .code();
    // --report-dir needs its directory: a usage error, exit 2.
    assert_eq!(out, Some(2));
    let reports = dir.path().to_str().unwrap();
    let bad = toy(&["conformance", "toy:panicky", "--report-dir", reports]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad.stderr));
    let stdout = text(&bad.stdout);
    assert!(stdout.contains("does not conform (TOY-001)"), "{stdout}");
    assert!(
        text(&bad.stderr).contains("against profile toy"),
        "{}",
        text(&bad.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(json["profile"], "toy");
    assert_eq!(json["checks"][0]["id"], "TOY-001");
    assert_eq!(json["checks"][0]["status"], "fail");
    assert_eq!(json["checks"][0]["failure"]["type"], "panic");
    let junit = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    assert!(
        junit.contains("TOY-001") && junit.contains("<failure"),
        "{junit}"
    );
    let markdown = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(markdown.contains("TOY-001"), "{markdown}");

    let good = toy(&["conformance", "toy:polite", "--profile", "toy"]);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good.stdout));
    assert!(text(&good.stdout).contains("1 passed, 0 failed — conforms"));
}

#[test]
fn the_command_line_lists_explains_and_refuses_toy_names() {
    let list = toy(&["checks", "--profile", "toy"]);
    assert_eq!(list.status.code(), Some(0));
    let listing = text(&list.stdout);
    assert!(listing.starts_with("TOY-001"), "{listing}");
    assert!(!listing.contains("PY-"), "{listing}");
    let all = text(&toy(&["checks"]).stdout);
    assert!(
        all.contains("TOY-001") && all.contains("PY-NAME-001"),
        "{all}"
    );

    let explain = toy(&["explain", "toy-001"]);
    assert_eq!(explain.status.code(), Some(0));
    let explained = text(&explain.stdout);
    assert!(
        explained.contains("TOY-001 — greet never panics"),
        "{explained}"
    );
    assert!(explained.contains("breaks it: toy:panicky"), "{explained}");

    let unknown = toy(&["conformance", "toy:nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("no bundled toy plugin `nope` (known: polite, panicky)"),
        "{}",
        text(&unknown.stderr)
    );
    // The toy is not a built-in contract: plain hookcheck does not know it.
    let plain = Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args(["checks", "--profile", "toy"])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(2));
    assert!(text(&plain.stderr).contains("`toy` is not a profile"));
}

#[test]
fn the_command_line_times_a_toy_plugins_request_hooks() {
    let out = toy(&["bench", "toy:polite", "--samples", "2000"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("toy:polite request hooks"), "{stdout}");
    assert!(stdout.contains("no floor"), "{stdout}");
}
