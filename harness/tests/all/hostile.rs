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

// What a plugin or a fixture hands the parsers is bounded by the parsers:
// YAML and JSON are walked event by event and refused past their depth
// and node limits before any value is built, and a WASM module's sections
// are counted before wasmtime compiles it. The time bounds are generous
// (a debug build on a loaded machine) and only say "not minutes".

/// A mapping whose value is a flow sequence `levels` deep, whose brackets
/// a text scan for quotes would miss: `a-"` and `b"` are plain scalars to
/// YAML, but a scan takes the first `"` for an opening quote and the second
/// for its end. libyaml, under serde_yaml_ng, spends quadratic time on
/// such documents (50 000 levels: 13 s; 200 000: past 5 minutes).
fn quote_hidden_yaml(levels: usize) -> String {
    "x: [\n".to_owned() + &"a-\",\n[b\",\n".repeat(levels) + "c" + &"]".repeat(levels + 1) + "\n"
}

fn assert_refused_fast(started: std::time::Instant, err: &str, what: &str) {
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?}: {err}");
    assert!(err.contains(what), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
}

#[test]
fn a_fixture_hiding_its_depth_in_quotes_is_refused_by_the_parser_in_time() {
    let path = std::path::Path::new("deep.yaml");
    for levels in [200_000, 1_000_000] {
        let text = format!(
            "version: 1\nconfig:\n  yaml: x\n{}",
            quote_hidden_yaml(levels)
        );
        let started = std::time::Instant::now();
        let err = hookcheck::fixtures::parse_fixture(path, &text)
            .unwrap_err()
            .to_string();
        assert_refused_fast(started, &err, "nests deeper than 64 levels");
        assert!(err.contains("deep.yaml: line 130 column 1"), "{err}");
    }
    // The config document a fixture carries is read again downstream (the
    // host looks for its `token`): it is held to the same limits.
    let block: String = quote_hidden_yaml(200_000)
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect();
    let text = format!("version: 1\nconfig:\n  yaml: |\n{block}");
    let started = std::time::Instant::now();
    let err = hookcheck::fixtures::parse_fixture(path, &text)
        .unwrap_err()
        .to_string();
    assert_refused_fast(started, &err, "config.yaml: line 127 column 1");
    assert!(err.contains("nests deeper than 64 levels"), "{err}");
    // JSON: serde_json's own recursion limit (128) bounds the stack; the
    // walk bounds depth and size.
    let json_path = std::path::Path::new("wide.json");
    let wide = format!(
        "{{\"version\": 1, \"json\": {{\"body\": [{}0]}}}}",
        "0,".repeat(600_000)
    );
    let started = std::time::Instant::now();
    let err = hookcheck::fixtures::parse_fixture(json_path, &wide)
        .unwrap_err()
        .to_string();
    assert_refused_fast(started, &err, "more than 500000 nodes");
}

#[test]
fn the_bundled_fixtures_and_ordinary_yaml_still_parse() {
    let root = hookcheck_fixtures::artifacts::workspace_root().join("fixtures");
    let mut read = 0;
    for dir in ["config", "json", "requests", "inputs"] {
        for (path, _) in hookcheck::fixtures::read_dir(&root.join(dir)).unwrap() {
            let text = std::fs::read(&path).unwrap();
            hookcheck::limits::check_yaml(&text).unwrap();
            read += 1;
        }
    }
    assert!(read >= 5, "{read} fixtures");
    let ordinary = "a: &base {x: 1, y: [1, 2, {z: '[[[['}]}\nb: *base\nc: \"]]\"\n";
    hookcheck::limits::check_yaml(ordinary.as_bytes()).unwrap();
}

#[test]
fn a_config_mutate_output_hiding_its_depth_is_refused_in_time() {
    use hookcheck::engine::BadOutput;
    // `all_hooks` writes the config it was given back with a comment on
    // top: here a document 150 000 levels deep (1.65 MB, within the 2 MiB
    // output buffer).
    let paths = [hookcheck_fixtures::artifacts::native_fixture("all_hooks")];
    let host = hookcheck::featherfly::FeatherFlyHost::load(
        &paths,
        &hookcheck::featherfly::NativeOptions::default(),
    )
    .unwrap();
    let deep = quote_hidden_yaml(150_000);
    let started = std::time::Instant::now();
    let run = host.config_mutate(deep.as_bytes());
    let failure = run.trace.steps[0]
        .outcome
        .failure()
        .cloned()
        .expect("the output is refused");
    assert_eq!(failure.bad_output_kind(), Some(BadOutput::NotYaml));
    let err = failure.to_string();
    assert_refused_fast(started, &err, "config.mutate output refused unparsed");
    assert!(err.contains("nests deeper than 64 levels"), "{err}");
}

/// A module with `exports` function exports (and its memory), built in
/// memory: one function, exported under many names.
fn module_with_exports(exports: u32) -> Vec<u8> {
    fn leb(mut n: u32, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    fn section(id: u8, body: &[u8], out: &mut Vec<u8>) {
        out.push(id);
        leb(body.len() as u32, out);
        out.extend_from_slice(body);
    }
    let mut module = b"\0asm\x01\0\0\0".to_vec();
    section(1, b"\x01\x60\x00\x00", &mut module); // type 0: () -> ()
    section(3, b"\x01\x00", &mut module); // one function of type 0
    section(5, b"\x01\x00\x01", &mut module); // one memory, one page
    let mut exports_body = Vec::new();
    leb(exports + 1, &mut exports_body);
    exports_body.extend_from_slice(b"\x06memory\x02\x00");
    for i in 0..exports {
        let name = format!("e{i}");
        leb(name.len() as u32, &mut exports_body);
        exports_body.extend_from_slice(name.as_bytes());
        exports_body.extend_from_slice(b"\x00\x00");
    }
    section(7, &exports_body, &mut module);
    section(10, b"\x01\x02\x00\x0b", &mut module); // its body: `end`
    module
}

#[test]
fn a_module_with_100_000_exports_is_refused_before_compiling() {
    let module = module_with_exports(100_000);
    let started = std::time::Instant::now();
    let err = hookcheck::limits::check_wasm_binary(&module).unwrap_err();
    assert_refused_fast(started, &err, "100001 exports");
    assert!(err.contains("at most 1000 exports"), "{err}");
    // Every path to the compiler refuses it: bytes, a file, compile-only.
    let mut host = lesstruct_host();
    let started = std::time::Instant::now();
    let err = host
        .load_bytes("many_exports", &module, None)
        .unwrap_err()
        .to_string();
    assert_refused_fast(started, &err, "many_exports.wasm: 100001 exports");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("exports.wasm");
    std::fs::write(&file, &module).unwrap();
    let err = host.load_file(&file).unwrap_err().to_string();
    assert!(err.contains("exports.wasm: 100001 exports"), "{err}");
    let engine = hookcheck::lesstruct::WasmEngine::new(test_limits()).unwrap();
    let err = hookcheck::lesstruct::WasmPlugin::compile(&engine, &module).unwrap_err();
    assert!(err.contains("100001 exports"), "{err}");
    // At the limit it compiles.
    let fine = module_with_exports(999);
    hookcheck::limits::check_wasm_binary(&fine).unwrap();
    hookcheck::lesstruct::WasmPlugin::compile(&engine, &fine).unwrap();
}

#[test]
fn a_module_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge.wasm");
    // Sparse: 255 MB that cost no disk.
    std::fs::File::create(&file)
        .unwrap()
        .set_len(255_000_000)
        .unwrap();
    let started = std::time::Instant::now();
    let err = lesstruct_host().load_file(&file).unwrap_err().to_string();
    assert_refused_fast(started, &err, "255000000 bytes");
    assert!(
        err.contains("huge.wasm") && err.contains("33554432"),
        "{err}"
    );
}

#[test]
fn code_past_the_compile_work_limit_is_refused_and_the_fixtures_weigh_far_less() {
    use hookcheck::limits::{MAX_WASM_COMPILE_WORK, MAX_WASM_FUNCTION_WORK, wasm_compile_work};
    // 10 000 `if`s in one function: cranelift's time grows with the
    // square of a function's blocks (30 000 cost it 3 s).
    let ifs = format!(
        "(module (memory (export \"memory\") 1) (func (param i32) {}))",
        "(if (local.get 0) (then))".repeat(10_000)
    );
    let binary = wat::parse_str(&ifs).unwrap();
    let started = std::time::Instant::now();
    let err = hookcheck::limits::check_wasm_binary(&binary).unwrap_err();
    assert_refused_fast(started, &err, "function 0 of its code");
    assert!(err.contains("limit for one function"), "{err}");
    // Many calls spread over many functions: the module's budget.
    let call = "(call $f)".repeat(2_000);
    let funcs: String = (0..100).map(|_| format!("(func {call})")).collect();
    let calls = format!("(module (memory (export \"memory\") 1) (func $f) {funcs})");
    let err = hookcheck::limits::check_wasm_binary(&wat::parse_str(&calls).unwrap()).unwrap_err();
    assert!(err.contains("units of compile work"), "{err}");
    for name in [
        "hello",
        "db_read",
        "http_enrichment",
        "content_transform",
        "validation",
    ] {
        let bytes = std::fs::read(wasm_fixture(name)).unwrap();
        let (work, heaviest) = wasm_compile_work(&bytes).unwrap();
        assert!(work < MAX_WASM_COMPILE_WORK / 8, "{name}: {work}");
        assert!(heaviest < MAX_WASM_FUNCTION_WORK / 50, "{name}: {heaviest}");
    }
}

/// A before_save result of valid JSON, 1.5 million numbers (`[0,0,…,0]`,
/// 3 MB): as a value it would weigh about 48 MB, and 60 MB of it cost a
/// conformance run 95 s and 4.7 GB. It is refused unparsed, as bad output.
const HUGE_RESULT: &str = r#"(module
  (memory (export "memory") 64)
  (global $n i32 (i32.const 3000001))
  (func (export "hook_before_save") (param i32 i32) (result i32)
    (local $i i32)
    (memory.fill (i32.const 0x100000) (i32.const 0x30) (global.get $n))
    (local.set $i (i32.const 2))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (global.get $n)))
        (i32.store8 (i32.add (i32.const 0x100000) (local.get $i)) (i32.const 0x2c))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $next)))
    (i32.store8 (i32.const 0x100000) (i32.const 0x5b))
    (i32.store8
      (i32.add (i32.const 0x100000) (i32.sub (global.get $n) (i32.const 1)))
      (i32.const 0x5d))
    (i32.const 0x100000))
  (func (export "__hook_result_len") (param i32) (result i32) (global.get $n)))"#;

#[test]
fn a_result_past_the_json_node_limit_is_refused_unparsed() {
    use hookcheck::engine::BadOutput;
    let mut host = lesstruct_host();
    host.load_bytes("huge_result", HUGE_RESULT.as_bytes(), None)
        .unwrap();
    let started = std::time::Instant::now();
    let run = host.before_save(post("T", json!({})));
    let failure = failure(&run).expect("the result is refused");
    assert_eq!(failure.bad_output_kind(), Some(BadOutput::NotJson));
    assert_refused_fast(started, &failure.to_string(), "result refused unparsed");
    assert!(
        failure.to_string().contains("more than 500000 nodes"),
        "{failure}"
    );
}
