//! Hostile plugins against the Lesstruct host: the deadline covers time a
//! hook spends blocked in the host, and everything a plugin can make the
//! host hold (log lines, query results, tables) is bounded.

use std::time::Duration;

use hookcheck::engine::Failure;
use hookcheck::lesstruct::{
    CapabilityManifest, LesstructHost, MAX_RESULT_ROWS, SaveRun, WASM_LOG_LINES_PER_CALL,
    WasmLimits, check_url,
};
use hookcheck_fixtures::artifacts::wasm_fixture;
use serde_json::json;

use crate::support::{TestServer, lesstruct_host, post, test_limits, wat};

fn failure(run: &SaveRun) -> Option<Failure> {
    run.trace
        .steps
        .iter()
        .find_map(|s| s.outcome.failure().cloned())
}

fn short_deadline() -> LesstructHost {
    LesstructHost::new(WasmLimits {
        deadline: Duration::from_millis(300),
        ..test_limits()
    })
    .unwrap()
}

#[test]
fn a_wasi_sleep_past_the_deadline_is_a_timeout_not_a_pass() {
    let mut host = short_deadline();
    host.load_file(&wat("sleeps_in_wasi")).unwrap();
    let run = host.before_save(post("T", json!({})));
    assert!(!run.saved);
    assert_eq!(failure(&run), Some(Failure::Timeout { limit_ms: 300 }));
}

#[test]
fn a_short_wasi_sleep_inside_the_deadline_works() {
    let mut host = lesstruct_host();
    host.load_file(&wat("naps_in_wasi")).unwrap();
    let run = host.before_save(post("T", json!({})));
    assert!(run.saved, "{:?}", failure(&run));
}

const DB_MANIFEST: &str = "name = \"db\"\nversion = \"1\"\n[capabilities]\ndatabase = [\"read:content\", \"write:media\"]\n";

fn db_host(limits: WasmLimits) -> LesstructHost {
    let mut host = LesstructHost::new(limits).unwrap();
    let bytes = std::fs::read(wasm_fixture("db_read")).unwrap();
    let manifest = CapabilityManifest::parse(DB_MANIFEST, "test.manifest").unwrap();
    host.load_bytes("db_read", &bytes, Some(manifest)).unwrap();
    host
}

#[test]
fn a_query_that_runs_past_the_deadline_is_interrupted_as_a_timeout() {
    let mut host = db_host(WasmLimits {
        deadline: Duration::from_millis(300),
        ..test_limits()
    });
    // 2^40 rows of a cross join over the two granted content rows: hours.
    let tables: Vec<String> = (0..40).map(|i| format!("content_items t{i}")).collect();
    let sql = format!("SELECT count(*) AS n FROM {}", tables.join(", "));
    let run = host.before_save(post("T", json!({"sql": sql})));
    assert!(!run.saved, "{}", run.content["customFields"]["dbResult"]);
    assert_eq!(failure(&run), Some(Failure::Timeout { limit_ms: 300 }));
}

/// The `http_enrichment` plugin, granted `server`'s `/allowed/*`.
fn http_host(server: &TestServer, limits: WasmLimits) -> LesstructHost {
    let manifest = format!(
        "name = \"http_enrichment\"\nversion = \"1\"\n[capabilities]\nhttp = [\"{}\"]\n",
        server.url("/allowed/*")
    );
    let mut host = LesstructHost::new(limits).unwrap();
    let bytes = std::fs::read(wasm_fixture("http_enrichment")).unwrap();
    let manifest = CapabilityManifest::parse(&manifest, "test.manifest").unwrap();
    host.load_bytes("http_enrichment", &bytes, Some(manifest))
        .unwrap();
    host
}

#[test]
fn an_http_call_past_the_deadline_ends_the_hook_as_a_timeout() {
    let server = TestServer::start();
    let mut host = http_host(
        &server,
        WasmLimits {
            deadline: Duration::from_millis(300),
            ..test_limits()
        },
    );
    let run = host.before_save(post(
        "T",
        json!({"enrichUrl": server.url("/allowed/stall")}),
    ));
    assert!(!run.saved, "{}", run.content["customFields"]);
    assert_eq!(failure(&run), Some(Failure::Timeout { limit_ms: 300 }));
}

#[test]
fn a_huge_query_result_stops_at_the_cap() {
    let mut host = db_host(test_limits());
    // 2^16 rows of a cross join over the two granted content rows.
    let tables: Vec<String> = (0..16).map(|i| format!("content_items t{i}")).collect();
    let sql = format!("SELECT t0.title FROM {}", tables.join(", "));
    let run = host.before_save(post("T", json!({"sql": sql})));
    assert!(run.saved, "{:?}", run.error);
    let answer = &run.content["customFields"]["dbResult"];
    assert_eq!(answer["error"], "result_too_large", "{answer}");
    // Stopped at the row cap while reading, not after building the whole
    // result and finding it too large for the plugin's memory.
    assert!(
        answer["message"]
            .as_str()
            .is_some_and(|m| m.contains(&MAX_RESULT_ROWS.to_string())),
        "{answer}"
    );
}

#[test]
fn one_huge_value_is_refused_by_sqlite_before_it_is_made() {
    let mut host = db_host(test_limits());
    let run = host.before_save(post("T", json!({"sql": "SELECT zeroblob(999999999) AS z"})));
    assert!(run.saved, "{:?}", run.error);
    let answer = &run.content["customFields"]["dbResult"];
    assert_eq!(answer["error"], "query_error", "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .is_some_and(|m| m.contains("too big")),
        "{answer}"
    );
}

#[test]
fn db_exec_with_returning_changes_nothing() {
    fn host_count(host: &LesstructHost) -> usize {
        host.services()
            .db
            .host_query("SELECT id FROM media_files")
            .unwrap()
            .len()
    }
    let mut host = db_host(test_limits());
    let before = host_count(&host);
    let run = host.before_save(post(
        "T",
        json!({"execSql": "INSERT INTO media_files (path, mime) VALUES (?, ?) RETURNING id", "params": ["/m/r.png", "image/png"]}),
    ));
    assert!(run.saved, "{:?}", run.error);
    let answer = &run.content["customFields"]["dbResult"];
    assert_eq!(answer["error"], "permission_denied", "{answer}");
    assert_eq!(host_count(&host), before);
}

#[test]
fn a_logging_loop_keeps_a_bounded_log() {
    let mut host = lesstruct_host();
    host.load_file(&wat("logs_forever")).unwrap();
    let run = host.before_save(post("T", json!({})));
    assert!(run.saved, "{:?}", failure(&run));
    let lines = host.services().log_lines();
    // The kept lines and one line saying the rest were dropped.
    assert_eq!(
        lines.len(),
        WASM_LOG_LINES_PER_CALL + 1,
        "{:?}",
        lines.last()
    );
    assert!(lines[WASM_LOG_LINES_PER_CALL].message.contains("dropped"));
}

#[test]
fn a_table_bomb_is_refused_and_the_hook_carries_on() {
    let mut host = lesstruct_host();
    host.load_file(&wat("table_bomb")).unwrap();
    let run = host.before_save(post("T", json!({})));
    assert!(
        run.saved,
        "table.grow past the limit returns -1: {:?}",
        failure(&run)
    );
}

#[test]
fn a_huge_url_is_refused_and_never_copied_into_the_log() {
    let server = TestServer::start();
    let mut host = http_host(&server, test_limits());
    for url in [
        server.url(&format!("/allowed/{}", "a".repeat(60_000))),
        format!("http://elsewhere.invalid/{}", "b".repeat(6_000)),
    ] {
        let run = host.before_save(post("T", json!({"enrichUrl": url})));
        assert!(run.saved, "{:?}", run.error);
    }
    let lines = host.services().log_lines();
    let sizes: Vec<(&str, usize)> = lines.iter().map(|l| (l.level, l.message.len())).collect();
    // The plugin's own lines are cut at 4 KiB; the host's refusals at 512
    // bytes of message.
    assert!(sizes.iter().all(|(_, n)| *n <= 4096), "{sizes:?}");
    assert!(
        sizes
            .iter()
            .any(|(level, n)| *level == "denied" && *n < 1024),
        "{sizes:?}"
    );
    assert!(server.paths().is_empty(), "nothing was sent");
}

#[test]
fn percent_encoded_separators_cannot_escape_a_path_grant() {
    let grant = ["https://api.example.com/public/*".to_owned()];
    assert!(check_url("https://api.example.com/public/data", &grant).is_ok());
    for sneaky in [
        "https://api.example.com/public/..%2Fadmin",
        "https://api.example.com/public/..%2fadmin",
        "https://api.example.com/public/..%5Cadmin",
        "https://api.example.com/public/%2E%2E/admin",
    ] {
        let denied = check_url(sneaky, &grant).unwrap_err();
        assert_eq!(
            denied.error, "url_not_allowed",
            "{sneaky}: {}",
            denied.message
        );
    }
}
