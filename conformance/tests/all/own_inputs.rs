//! The author's own inputs (`--inputs DIR`, `Subject::with_inputs`): they
//! reach the plugin after the standard ones, and a finding only they
//! reveal fails the check.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use hookcheck::pylon::pylon_auth::AuthContext;
use hookcheck::pylon::real::{Plugin, PluginError, RequestMeta};
use hookcheck_conformance::{Inputs, RunOptions, Status, Subject, run_checks};

use crate::support::spec;

fn inputs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/inputs")
}

/// Answers every request, except that it panics on `/api/orders`: a path
/// no standard input sends; and its `after_insert` panics on a post whose
/// title starts with "Launch", which no standard write has.
#[derive(Debug)]
struct PanicsOnOrders;

impl Plugin for PanicsOnOrders {
    fn name(&self) -> &str {
        "panics_on_orders"
    }

    fn on_request_with_meta(
        &self,
        _method: &str,
        path: &str,
        _auth: &AuthContext,
        _meta: &RequestMeta<'_>,
    ) -> Result<(), PluginError> {
        assert!(path != "/api/orders", "orders are not supported");
        Ok(())
    }

    fn after_insert(
        &self,
        _entity: &str,
        _id: &str,
        data: &serde_json::Value,
        _auth: &AuthContext,
    ) {
        let title = data.get("title").and_then(serde_json::Value::as_str);
        assert!(
            !title.is_some_and(|t| t.starts_with("Launch")),
            "launches are not supported"
        );
    }
}

fn status(subject: &Subject, id: &str) -> Status {
    let report = run_checks(subject, &RunOptions::default(), |_| {});
    report
        .checks
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.status)
        .unwrap()
}

#[test]
fn a_panic_only_the_authors_request_reaches_fails_the_check() {
    let make = || {
        Subject::pylon("panics_on_orders", || {
            Arc::new(PanicsOnOrders) as Arc<dyn Plugin>
        })
    };
    assert_eq!(status(&make(), "PY-REQ-001"), Status::Pass);
    assert_eq!(status(&make(), "PY-WRITE-002"), Status::Pass);
    let inputs = Inputs::read_dir(&inputs_dir()).unwrap();
    assert_eq!((inputs.requests.len(), inputs.writes.len()), (1, 1));
    let with = make().with_inputs(inputs);
    assert!(with.takes_inputs());
    assert_eq!(status(&with, "PY-REQ-001"), Status::Fail);
    assert_eq!(status(&with, "PY-WRITE-002"), Status::Fail);
}

#[test]
fn the_cli_sends_the_inputs_and_names_them_in_the_coverage() {
    let out = Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .args(["conformance", &spec("wasm:hello"), "--inputs"])
        .arg(inputs_dir())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stderr.contains("with 1 inputs of your own from")
            && stderr.contains("does not take 1 request"),
        "{stderr}"
    );
    // Four standard posts and the author's write, which Lesstruct takes
    // as a post.
    let save = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("hook_before_save"))
        .unwrap();
    assert!(save.contains("5 calls"), "{save}");
    assert!(save.contains("input post-with-emoji.yaml"), "{save}");
}

#[test]
fn bad_inputs_end_in_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = |inputs: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_hookcheck"))
            .args(["conformance", &spec("wasm:hello"), "--inputs"])
            .arg(inputs)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        stderr
    };
    let empty = run(dir.path());
    assert!(empty.contains("no fixture files"), "{empty}");
    let missing = run(&dir.path().join("nope"));
    assert!(missing.contains("nope"), "{missing}");
    std::fs::write(
        dir.path().join("bad.yaml"),
        "version: 1\nrequest: {method: GET}\n",
    )
    .unwrap();
    let malformed = run(dir.path());
    assert!(malformed.contains("bad.yaml"), "{malformed}");
    // Inputs the plugin's contract takes none of: a mistake, said so.
    std::fs::write(
        dir.path().join("bad.yaml"),
        "version: 1\nrequest: {method: GET, path: /x}\n",
    )
    .unwrap();
    let unused = run(dir.path());
    assert!(
        unused.contains("takes none of these inputs (1 request)"),
        "{unused}"
    );
}
