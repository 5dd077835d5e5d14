//! Lesstruct host rules: `customFields` read-back, system fields, after
//! hooks, load order, manifests (contracts §2).

use hookcheck::engine::Outcome;
use hookcheck::lesstruct::{CapabilityManifest, PostTypeSchema};
use hookcheck_fixtures::artifacts::wasm_fixture;
use serde_json::json;

use crate::support::{lesstruct_host, post, wat};

const PRODUCT: &str = r#"
name = "post"

[[fields]]
name = "seoScore"
type = "integer"
system = true
required = true
min = 0
max = 100

[[fields]]
name = "subtitle"
type = "text"
"#;

fn schema() -> PostTypeSchema {
    PostTypeSchema::parse(PRODUCT, "post.toml").unwrap()
}

#[test]
fn before_save_chains_custom_fields_in_load_order() {
    let mut host = lesstruct_host();
    host.load_file(&wasm_fixture("hello")).unwrap();
    host.load_file(&wasm_fixture("content_transform")).unwrap();
    let run = host.before_save(post("T", json!({"subtitle": "s"})));
    assert!(run.saved, "{:?}", run.error);
    assert_eq!(
        run.content["customFields"],
        json!({"subtitle": "s", "greeting": "hello from wasm", "wordCount": 3, "readingMinutes": 1})
    );
    let second = &run.trace.steps[1];
    assert_eq!(second.plugin, "content_transform");
    assert!(
        second
            .input
            .as_ref()
            .unwrap()
            .as_str()
            .unwrap()
            .contains("hello from wasm"),
        "sees the previous output"
    );
}

#[test]
fn the_host_reads_back_only_custom_fields() {
    let (mut host, _) = (lesstruct_host(), ());
    host.load_file(&wat("edits_title")).unwrap();
    let run = host.before_save(post("Original", json!({"k": 1})));
    assert!(run.saved);
    assert_eq!(
        run.content["title"], "Original",
        "the edited title is ignored"
    );
    assert_eq!(
        run.content["customFields"],
        json!({}),
        "customFields is taken as returned"
    );
}

#[test]
fn user_submitted_system_fields_are_stripped_and_plugin_set_ones_kept() {
    let mut host = lesstruct_host().with_schema(schema());
    host.load_file(&wasm_fixture("system_fields")).unwrap();
    let run = host.before_save(post("Ten chars!", json!({"seoScore": 99, "subtitle": "x"})));
    assert_eq!(run.stripped, ["seoScore"]);
    assert!(run.saved, "{:?}", run.error);
    assert_eq!(
        run.content["customFields"]["seoScore"], 20,
        "the plugin's value, not the user's 99"
    );
    assert_eq!(run.content["customFields"]["subtitle"], "x");
}

#[test]
fn without_a_plugin_system_fields_are_stripped_and_required_ones_fail() {
    let mut host = lesstruct_host().with_schema(schema());
    let run = host.before_save(post("T", json!({"seoScore": 50})));
    assert_eq!(run.stripped, ["seoScore"]);
    assert!(!run.saved);
    assert_eq!(
        run.error.as_deref(),
        Some("system field `seoScore` is required")
    );
}

#[test]
fn invalid_plugin_set_system_fields_fail_the_save_with_400() {
    for (bad, reason) in [
        (json!(150), "above max 100"),
        (json!(-1), "below min 0"),
        (json!("high"), "must be integer"),
        (json!(1.5), "must be integer"),
    ] {
        let mut host = lesstruct_host().with_schema(schema());
        host.load_file(&wasm_fixture("system_fields")).unwrap();
        let run = host.before_save(post("T", json!({"seoOverride": bad})));
        assert!(!run.saved, "{bad} must not save");
        // The host's 400 `system_field_validation` (the documents say 500).
        assert_eq!(run.status, 400);
        assert!(
            run.error.as_deref().unwrap().contains(reason),
            "{bad}: {:?}",
            run.error
        );
    }
}

#[test]
fn schema_options_are_enforced() {
    let text = "name = \"post\"\n[[fields]]\nname = \"tier\"\nsystem = true\noptions = [\"free\", \"pro\"]\n";
    let schema = PostTypeSchema::parse(text, "s.toml").unwrap();
    let mut custom = serde_json::Map::new();
    custom.insert("tier".into(), json!("gold"));
    assert!(
        schema
            .validate_system(&custom)
            .unwrap_err()
            .contains("not one of")
    );
    custom.insert("tier".into(), json!("pro"));
    assert!(schema.validate_system(&custom).is_ok());
}

#[test]
fn a_trap_in_before_save_fails_with_500_and_nothing_saved() {
    let mut host = lesstruct_host();
    host.load_file(&wasm_fixture("validation")).unwrap();
    host.load_file(&wasm_fixture("hello")).unwrap();
    let run = host.before_save(post("", json!({})));
    assert_eq!((run.saved, run.status), (false, 500));
    assert!(run.error.unwrap().contains("plugin `validation` trapped"));
    assert_eq!(run.trace.steps.len(), 1, "hello never ran");
    let ok = host.before_save(post("has a title", json!({})));
    assert!(ok.saved, "{:?}", ok.error);
}

#[test]
fn after_hooks_results_are_ignored_and_failures_logged() {
    let mut host = lesstruct_host();
    host.load_file(&wasm_fixture("hello")).unwrap();
    let content = post("T", json!({}));
    let trace = host.after_create(&content);
    assert_eq!(trace.steps.len(), 1);
    assert_eq!(trace.steps[0].outcome, Outcome::Continue);
    assert!(
        host.after_publish(&content).steps.is_empty(),
        "hello has no after_publish"
    );
    let mut bad = lesstruct_host();
    bad.load_bytes("boom", br#"(module (memory (export "memory") 1) (func (export "hook_after_create") (param i32 i32) (result i32) unreachable))"#, None).unwrap();
    let trace = bad.after_create(&content);
    assert!(matches!(trace.steps[0].outcome, Outcome::Error { .. }));
    let log = bad.services().log_lines();
    assert!(
        log.iter().any(|l| l.plugin == "boom"
            && l.level == "error"
            && l.message.contains("after_create")),
        "{log:?}"
    );
}

#[test]
fn a_directory_loads_alphabetically_with_manifests() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["hello", "content_transform", "db_read"] {
        std::fs::copy(wasm_fixture(name), dir.path().join(format!("{name}.wasm"))).unwrap();
    }
    std::fs::write(
        dir.path().join("db_read.manifest"),
        "name = \"db_read\"\nversion = \"1\"\n[capabilities]\ndatabase = [\"read:content\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a plugin").unwrap();
    let mut host = lesstruct_host();
    host.load_dir(dir.path()).unwrap();
    assert_eq!(
        host.plugin_names(),
        ["content_transform", "db_read", "hello"]
    );
    let manifest = host.plugins_mut()[1].manifest().cloned().unwrap();
    assert_eq!(manifest.name, "db_read");
    let run = host.before_save(post("T", json!({})));
    assert!(run.saved, "{:?}", run.error);
    assert_eq!(run.content["customFields"]["dbResult"]["rows"][0][0], 2);
}

#[test]
fn manifests_need_name_and_version_and_valid_grants() {
    let ok = CapabilityManifest::parse(
        "name = \"p\"\nversion = \"1.0\"\n[capabilities]\nhttp = [\"https://api.example.com/*\"]\ndatabase = [\"read:content\", \"write:media\"]\n",
        "p.manifest",
    )
    .unwrap();
    assert_eq!(ok.http, ["https://api.example.com/*"]);
    assert_eq!(ok.database.len(), 2);
    assert!(ok.ignored.is_empty());
    // What the host accepts and never uses is accepted and named.
    let lax = CapabilityManifest::parse(
        "name = \"p\"\nversion = \"1\"\nmax_memory_mb = 8\n[capabilities]\nhttp = [\"*\"]\n[capabilities.rate_limit]\nper_minute = 5\n",
        "p.manifest",
    )
    .unwrap();
    assert_eq!(lax.ignored.len(), 3, "{:?}", lax.ignored);
    assert!(lax.ignored[0].contains("`max_memory_mb`"));
    assert!(lax.ignored[1].contains("`capabilities.rate_limit`"));
    for (text, reason) in [
        ("version = \"1\"", "`name` is required"),
        (
            "name = \"\"\nversion = \"1\"",
            "`name` is required and must not be empty",
        ),
        ("name = \"p\"", "`version` is required"),
        (
            "name = \"p\"\nversion = \"1\"\n[capabilities]\ndatabase = [\"read:sessions\"]",
            "`sessions` is not one of",
        ),
        (
            "name = \"p\"\nversion = \"1\"\n[capabilities]\ndatabase = [\"admin:content\"]",
            "not `read` or `write`",
        ),
        (
            "name = \"p\"\nversion = \"1\"\n[capabilities]\nhttp = [\"https://*.example.com/\"]",
            "only at the end",
        ),
        ("name = ", "p.manifest"),
    ] {
        let err = CapabilityManifest::parse(text, "p.manifest")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("failed to read manifest p.manifest: "),
            "{err}"
        );
        assert!(err.contains(reason), "{text:?}: {err}");
    }
}
