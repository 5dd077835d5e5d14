//! Snapshots of three-plugin pipelines, one section per stage: a native
//! JSON mixin chain and a WASM `before_save` chain. Changing one plugin's
//! behaviour changes exactly that plugin's stage.

use std::path::PathBuf;

use hookcheck::engine::{HttpMethod, TraceMode};
use hookcheck::featherfly::{FeatherFlyHost, NativeOptions};
use hookcheck::replay::Stages;
use hookcheck_fixtures::artifacts::{native_fixture, wasm_fixture};
use serde_json::json;

use crate::support::{lesstruct_host, post};

const BODY: &str = r#"{"service":"panel","uptime_secs":3725,"secret":"s3cr3t","actions":[{"id":"refresh","label":"Refresh","step":0}]}"#;

fn native_stages(redact: &str) -> Stages {
    let paths: Vec<PathBuf> = [redact, "mixin_uptime", "mixin_restart"]
        .iter()
        .map(|n| native_fixture(n))
        .collect();
    let host = FeatherFlyHost::load(&paths, &NativeOptions::default())
        .unwrap()
        .with_trace_mode(TraceMode::Full);
    let run = host.json(HttpMethod::Get, "/api/status", BODY.as_bytes());
    Stages::of(&run.trace)
}

fn wasm_stages(hello: &str) -> Stages {
    let mut host = lesstruct_host();
    for (name, file) in [
        ("hello", hello),
        ("content_transform", "content_transform"),
        ("slug", "slug"),
    ] {
        let bytes = std::fs::read(wasm_fixture(file)).unwrap();
        host.load_bytes(name, &bytes, None).unwrap();
    }
    let run = host.before_save(post("Hello, Snapshot World", json!({ "kept": true })));
    Stages::of(&run.trace)
}

#[test]
fn native_json_mixin_chain() {
    insta::assert_yaml_snapshot!(native_stages("mixin_redact"));
}

#[test]
fn wasm_before_save_chain() {
    insta::assert_yaml_snapshot!(wasm_stages("hello"));
}

#[test]
fn changing_one_native_mixin_changes_exactly_its_stage() {
    let before = native_stages("mixin_redact");
    let after = native_stages("mixin_redact_v2");
    assert_eq!(before.stages.len(), 3);
    assert_eq!(before.differing(&after), [1]);
}

#[test]
fn changing_one_wasm_plugin_changes_exactly_its_stage() {
    let before = wasm_stages("hello");
    let after = wasm_stages("hello_v2");
    assert_eq!(before.stages.len(), 3);
    assert_eq!(before.differing(&after), [1]);
}
