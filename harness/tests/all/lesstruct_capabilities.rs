//! Host functions under the capability manifest: real HTTP against a server
//! on 127.0.0.1, and SQL through SQLite's authorizer (contracts §2).

use hookcheck::lesstruct::{CapabilityManifest, LesstructHost, check_url};
use hookcheck_fixtures::artifacts::wasm_fixture;
use serde_json::{Value, json};

use crate::support::{TestServer, lesstruct_host, post};

fn host_with(plugin: &str, manifest: &str) -> LesstructHost {
    let mut host = lesstruct_host();
    let bytes = std::fs::read(wasm_fixture(plugin)).unwrap();
    let manifest = CapabilityManifest::parse(manifest, "test.manifest").unwrap();
    host.load_bytes(plugin, &bytes, Some(manifest)).unwrap();
    host
}

fn http_host(server: &TestServer) -> LesstructHost {
    let manifest = format!(
        "name = \"http_enrichment\"\nversion = \"1\"\n[capabilities]\nhttp = [\"{}\"]\n",
        server.url("/allowed/*")
    );
    host_with("http_enrichment", &manifest)
}

fn fetch(host: &mut LesstructHost, url: &str) -> Value {
    let run = host.before_save(post("T", json!({"enrichUrl": url})));
    assert!(run.saved, "{:?}", run.error);
    run.content["customFields"]["enrichment"].clone()
}

#[test]
fn an_allowed_get_reaches_the_server() {
    let server = TestServer::start();
    let mut host = http_host(&server);
    let answer = fetch(&mut host, &server.url("/allowed/data"));
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["body"], r#"{"ok":true}"#);
    // Header keys as Go writes them, one value each.
    let headers = answer["headers"].as_object().unwrap();
    assert!(
        headers.keys().all(|k| k
            .split('-')
            .all(|part| part.starts_with(|c: char| !c.is_ascii_lowercase()))),
        "{headers:?}"
    );
    assert_eq!(server.paths(), ["/allowed/data"]);
    let log = host.services().log_lines();
    assert!(
        log.iter()
            .any(|l| l.level == "info" && l.message.starts_with("fetched"))
    );
}

#[test]
fn an_allowed_post_sends_its_body() {
    let server = TestServer::start();
    let mut host = http_host(&server);
    let run = host.before_save(post(
        "T",
        json!({"enrichUrl": server.url("/allowed/echo"), "enrichPost": "ping"}),
    ));
    assert_eq!(run.content["customFields"]["enrichment"]["body"], "ping");
}

#[test]
fn url_tricks_never_get_through() {
    let server = TestServer::start();
    let p = server.port;
    let mut host = http_host(&server);
    let tricks = [
        format!("http://127.0.0.1:{p}@127.0.0.2:{p}/allowed/data"),
        format!("http://127.0.0.2:{p}#@127.0.0.1:{p}/allowed/data"),
        format!("http://127.0.0.2:{p}/allowed/data#http://127.0.0.1:{p}/allowed/"),
        format!("http://127.0.0.1.:{p}/allowed/data"),
        format!("http://127.0.0.1:{}/allowed/data", p.wrapping_add(1)),
        format!("http://2130706433:{p}/allowed/data"),
        format!("http://0x7f000001:{p}/allowed/data"),
        format!("http://0177.0.0.1:{p}/allowed/data"),
        format!("http://127.1:{p}/allowed/data"),
        format!("http://127.0.0.1:{p}/allowed/../secret"),
        format!("http://127.0.0.1:{p}/allowed%2f..%2fsecret"),
        format!("http://127.0.0.1:{p}/allowed/..;/secret"),
        format!("http://127.0.0.1:{p}/allowed/..%252fsecret"),
        format!("http://127.0.0.1:{p}/allowed/..\u{ff0f}secret"),
        format!("http://127.0.0.1:{p}/allowed/\u{ff0e}\u{ff0e}/secret"),
        format!("http://127.0.0.1:{p}/secret"),
        format!("https://127.0.0.1:{p}/allowed/data"),
        "file:///etc/passwd".to_owned(),
    ];
    for url in &tricks {
        let answer = fetch(&mut host, url);
        assert!(answer["error"].is_string(), "{url} got through: {answer}");
    }
    assert!(
        server.paths().is_empty(),
        "nothing reached the server: {:?}",
        server.paths()
    );
    let denied = host
        .services()
        .log_lines()
        .into_iter()
        .filter(|l| l.level == "denied")
        .count();
    assert_eq!(denied, tricks.len(), "every denied call is logged");
}

#[test]
fn upper_case_hosts_match_as_the_same_host_and_nothing_more() {
    let patterns = vec!["http://api.example.com/v1/*".to_owned()];
    assert!(check_url("http://API.EXAMPLE.COM/v1/x", &patterns).is_ok());
    assert!(
        check_url("http://api.example.com./v1/x", &patterns).is_err(),
        "trailing dot is another host"
    );
    assert!(check_url("http://api.example.com.evil.io/v1/x", &patterns).is_err());
    assert!(check_url("http://API.EXAMPLE.COM/v2/x", &patterns).is_err());
    let exact = vec!["https://jsonplaceholder.typicode.com/todos/1".to_owned()];
    assert!(check_url("https://jsonplaceholder.typicode.com/todos/1", &exact).is_ok());
    assert!(
        check_url("https://jsonplaceholder.typicode.com/todos/12", &exact).is_err(),
        "exact means exact"
    );
}

#[test]
fn paths_a_server_would_decode_twice_strip_or_normalise_out_of_the_grant_are_refused() {
    let patterns = vec!["https://api.example.com/public/*".to_owned()];
    let refused = [
        // Decoded twice, `%252f` is a `/`, `%255c` a `\`, `%252e` a `.`.
        ("/public/..%252fadmin", "encodes a `/` twice"),
        ("/public/..%252Fadmin", "encodes a `/` twice"),
        ("/public/..%255cadmin", r"encodes a `\` twice"),
        ("/public/..%255Cadmin", r"encodes a `\` twice"),
        ("/public/%252e%252e/admin", "encodes a `.` twice"),
        ("/public/..%25252fadmin", "encodes a `/` twice"),
        // `;` parameters dropped, then `..` resolved.
        ("/public/..;/admin", "has a `..;` segment"),
        ("/public/..;jsessionid=1/admin", "has a `..;` segment"),
        ("/public/.;/..;/admin", "has a `.;` segment"),
        ("/public/..%3b/admin", "has a `..;` segment"),
        // NFKC: fullwidth solidus, reverse solidus and full stop, raw or
        // already percent-encoded, and the like.
        ("/public/..\u{ff0f}admin", "U+FF0F"),
        ("/public/..%EF%BC%8Fadmin", "U+FF0F"),
        ("/public/..\u{ff3c}admin", "U+FF3C"),
        ("/public/\u{ff0e}\u{ff0e}/admin", "U+FF0E"),
        ("/public/\u{2025}/admin", "U+2025"),
        ("/public/\u{fe68}..\u{fe68}admin", "U+FE68"),
        ("/public/..%25EF%25BC%258Fadmin", "U+FF0F"),
    ];
    for (path, why) in refused {
        let url = format!("https://api.example.com{path}");
        let denied = check_url(&url, &patterns).expect_err(&url);
        assert_eq!(denied.error, "url_not_allowed", "{url}");
        assert!(
            denied.message.contains(why) && denied.message.contains("write the path plainly"),
            "{url}: {}",
            denied.message
        );
    }
    assert_eq!(
        check_url("https://api.example.com/public/..;/admin", &patterns)
            .unwrap_err()
            .message,
        "the path of `https://api.example.com/public/..;/admin` has a `..;` segment: a server that drops `;` parameters reads it as `..` and leaves the granted prefix; write the path plainly"
    );
    // What looks alike and is plain stays allowed.
    for path in [
        "/public/100%25",
        "/public/%25zz",
        "/public/a;b/c",
        "/public/...;x",
        "/public/v1..v2/x",
        "/public/caf\u{e9}/\u{4e2d}\u{6587}",
        "/public/50%25off%2a",
    ] {
        let url = format!("https://api.example.com{path}");
        assert!(check_url(&url, &patterns).is_ok(), "{url}");
    }
}

#[test]
fn redirects_are_checked_hop_by_hop() {
    let server = TestServer::start();
    let mut host = http_host(&server);
    let followed = fetch(&mut host, &server.url("/allowed/redirect-in"));
    assert_eq!(
        followed["status"], 200,
        "an allowed hop is followed: {followed}"
    );
    let out = fetch(&mut host, &server.url("/allowed/redirect-out"));
    assert_eq!(out["error"], "redirect_not_allowed", "{out}");
    let secret = fetch(&mut host, &server.url("/allowed/redirect-secret"));
    assert_eq!(secret["error"], "redirect_not_allowed", "{secret}");
    assert!(
        !server.paths().iter().any(|p| p == "/secret"),
        "{:?}",
        server.paths()
    );
}

#[test]
fn bodies_over_one_mebibyte_are_refused() {
    let server = TestServer::start();
    let mut host = http_host(&server);
    let answer = fetch(&mut host, &server.url("/allowed/big"));
    assert_eq!(answer["error"], "request_failed", "{answer}");
}

#[test]
fn no_http_patterns_means_no_http() {
    // The host links `http_get` only with URL patterns: a plugin that
    // imports it without any does not load at all.
    let mut host = lesstruct_host();
    let bytes = std::fs::read(wasm_fixture("http_enrichment")).unwrap();
    let manifest =
        CapabilityManifest::parse("name = \"h\"\nversion = \"1\"\n", "test.manifest").unwrap();
    let err = host
        .load_bytes("http_enrichment", &bytes, Some(manifest))
        .unwrap_err()
        .to_string();
    assert!(err.contains("grants no HTTP URL patterns"), "{err}");
}

const DB_MANIFEST: &str = "name = \"db\"\nversion = \"1\"\n[capabilities]\ndatabase = [\"read:content\", \"write:media\"]\n";

fn db_call(host: &mut LesstructHost, custom: Value) -> Value {
    let run = host.before_save(post("T", custom));
    assert!(run.saved, "{:?}", run.error);
    run.content["customFields"]["dbResult"].clone()
}

#[test]
fn granted_reads_and_writes_work() {
    let mut host = host_with("db_read", DB_MANIFEST);
    let count = db_call(&mut host, json!({}));
    assert_eq!(count["rows"][0][0], 2);
    assert_eq!(count["columns"], json!(["n"]));
    let main = db_call(
        &mut host,
        json!({"sql": "SELECT title FROM main.content_items WHERE id = ?", "params": [1]}),
    );
    assert_eq!(main["rows"][0][0], "Hello");
    let insert = db_call(
        &mut host,
        json!({"execSql": "INSERT INTO media_files (path, mime) VALUES (?, ?)", "params": ["/m/b.png", "image/png"]}),
    );
    assert_eq!(insert["rows_affected"], 1, "{insert}");
    let rows = host
        .services()
        .db
        .host_query("SELECT path FROM media_files ORDER BY id")
        .unwrap();
    assert_eq!(rows[1]["path"], "/m/b.png");
}

#[test]
fn sql_tricks_never_reach_an_ungranted_table() {
    let mut host = host_with("db_read", DB_MANIFEST);
    let queries = [
        "SELECT * FROM sessions",
        "SELECT token FROM/**/sessions",
        "SELECT title FROM content_items -- harmless\n UNION SELECT token FROM sessions",
        "SELECT * FROM content_items; DROP TABLE users",
        "SELECT * FROM content_items; SELECT * FROM api_keys",
        "WITH s AS (SELECT token FROM sessions) SELECT * FROM s",
        "WITH RECURSIVE r(x) AS (SELECT secret FROM api_keys) SELECT x FROM r",
        "SELECT title, (SELECT secret FROM api_keys) AS s FROM content_items",
        "SELECT * FROM content_items WHERE id IN (SELECT user_id FROM sessions)",
        "SELECT c.title, u.email FROM content_items c JOIN users u ON u.id = c.user_id",
        "SELECT title FROM content_items UNION SELECT secret FROM api_keys",
        "SELECT * FROM \"sessions\"",
        "SELECT * FROM [settings]",
        "SELECT * FROM `webhooks`",
        "SELECT * FROM main.sessions",
        "SELECT * FROM main.\"api_keys\"",
        "SELECT * FROM active_sessions",
        "SELECT sql FROM sqlite_master",
        "SELECT * FROM temp.sqlite_master",
        "PRAGMA table_info(sessions)",
        "ATTACH DATABASE ':memory:' AS x",
        "INSERT INTO media_files (path) VALUES ('via query')",
        "DELETE FROM content_items",
        "SELECT * FROM media_files",
    ];
    for sql in queries {
        let answer = db_call(&mut host, json!({"sql": sql}));
        assert!(answer["error"].is_string(), "{sql} got through: {answer}");
        assert!(
            !answer.to_string().contains("-secret"),
            "{sql} leaked: {answer}"
        );
    }
    let execs = [
        "UPDATE content_items SET title = 'pwned'",
        "DELETE FROM users",
        "INSERT INTO sessions (user_id, token) VALUES (1, 'x')",
        "INSERT INTO media_files (path) SELECT secret FROM api_keys",
        "ATTACH DATABASE ':memory:' AS x",
        "PRAGMA writable_schema = 1",
        "SELECT * FROM content_items",
        "CREATE TABLE x (a)",
        "DROP TABLE users",
        "BEGIN",
    ];
    for sql in execs {
        let answer = db_call(&mut host, json!({"execSql": sql}));
        assert!(answer["error"].is_string(), "{sql} got through: {answer}");
    }
    let titles = host
        .services()
        .db
        .host_query("SELECT title FROM content_items")
        .unwrap();
    assert!(titles.iter().all(|r| r["title"] != "pwned"));
    let users = host
        .services()
        .db
        .host_query("SELECT count(*) AS n FROM users")
        .unwrap();
    assert_eq!(users[0]["n"], 2);
    let media = host
        .services()
        .db
        .host_query("SELECT count(*) AS n FROM media_files")
        .unwrap();
    assert_eq!(media[0]["n"], 1, "no write slipped through");
    let denied = host
        .services()
        .log_lines()
        .into_iter()
        .filter(|l| l.level == "denied")
        .count();
    assert!(denied >= 20, "denied calls are logged ({denied})");
}

#[test]
fn a_second_plugin_with_a_manifest_does_not_load_as_on_the_host() {
    let mut host =
        hookcheck::lesstruct::LesstructHost::new(hookcheck::lesstruct::WasmLimits::default())
            .unwrap();
    host.load_file(&hookcheck_fixtures::artifacts::wasm_fixture("db_read"))
        .unwrap();
    let err = host
        .load_file(&hookcheck_fixtures::artifacts::wasm_fixture(
            "http_enrichment",
        ))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("module[lesstruct] has already been instantiated") && err.contains("host bug"),
        "{err}"
    );
    assert_eq!(host.plugin_names(), ["db_read"]);
}

#[test]
fn an_import_the_manifest_does_not_grant_fails_the_load_as_on_the_host() {
    let mut host =
        hookcheck::lesstruct::LesstructHost::new(hookcheck::lesstruct::WasmLimits::default())
            .unwrap();
    let err = host
        .load_file(&crate::support::wat("http_without_grant"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("grants no HTTP URL patterns"), "{err}");
}
