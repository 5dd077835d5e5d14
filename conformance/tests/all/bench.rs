//! `hookcheck bench` as a user runs it. These tests read what the command
//! reports, never how fast anything was: timing verdicts are measured by
//! `just bench-power`, not asserted here.

use std::process::{Command, Output};

use crate::support::spec;

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .arg("bench")
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn an_in_process_plugin_is_timed_through_the_host_and_alone() {
    let out = bench(&["pylon:post_guard", "--samples", "300"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    for part in [
        "on_request_with_meta",
        "host ",
        "floor ",
        "host/floor at p99",
        "allocations per call",
        "at once",
    ] {
        assert!(all.contains(part), "{part}: {all}");
    }
}

#[test]
fn a_wasm_plugin_is_timed_on_its_save_hook() {
    let out = bench(&[&spec("wasm:hello"), "--samples", "200"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("before_save"), "{all}");
    assert!(all.contains("floor "), "{all}");
}

#[test]
fn a_plugin_that_allocates_three_times_per_call_is_reported_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let out = bench(&[
        "pylon:allocates_per_request",
        "--samples",
        "200",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(m["allocations_per_call"], 3.0, "{m}");
    assert_eq!(m["hook"], "on_request_with_meta");
    assert!(m["host"]["p99_ns"].as_u64().unwrap() > 0, "{m}");
}

#[test]
fn a_comparison_reports_both_ratios_with_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("cmp.json");
    let out = bench(&[
        "pylon:post_guard",
        "--against",
        "pylon:post_guard",
        "--samples",
        "2000",
        "--json",
        json.to_str().unwrap(),
        "--svg",
        dir.path().join("cmp.svg").to_str().unwrap(),
    ]);
    // Exit 0 or 1 is a timing verdict, not this test's business.
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    let svg = std::fs::read_to_string(dir.path().join("cmp.svg")).unwrap();
    assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
    let c: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    for ratio in ["ratio_p50", "ratio_p99"] {
        let (low, est, high) = (
            c[ratio]["low"].as_f64().unwrap(),
            c[ratio]["estimate"].as_f64().unwrap(),
            c[ratio]["high"].as_f64().unwrap(),
        );
        assert!(low <= est && est <= high && low > 0.0, "{ratio}: {c}");
    }
    assert_eq!(c["threshold"], 0.1);
    // The exit code follows the typed verdict: only "slower" fails.
    let verdict = c["verdict"].as_str().unwrap();
    assert!(["within", "unclear", "slower"].contains(&verdict), "{c}");
    assert_eq!(out.status.code() == Some(1), verdict == "slower", "{c}");
}

#[test]
fn bad_input_ends_in_one_line() {
    let cases: [&[&str]; 4] = [
        &["pylon:post_guard", "--against", &spec("wasm:hello")],
        // Refused before the progress line, not after it.
        &[&spec("native:rustant_native")],
        // A write where only requests go (Pylon would take it for its
        // before_insert hook).
        &[
            "rustant:tool_guard",
            "--request",
            "../fixtures/writes/post-insert.yaml",
        ],
        &["rustant:no_such_plugin"],
    ];
    for args in cases {
        let out = bench(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
}

#[test]
fn a_saved_baseline_is_compared_with_its_caveat() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hookcheck"))
            .current_dir(dir.path())
            .arg("bench")
            .args(args)
            .output()
            .unwrap()
    };
    let saved = run(&[
        "pylon:post_guard",
        "--samples",
        "500",
        "--save-baseline",
        "main",
    ]);
    assert_eq!(saved.status.code(), Some(0), "{}", text(&saved));
    assert!(
        dir.path()
            .join("target/hookcheck/bench/main.json")
            .is_file()
    );
    let md = dir.path().join("bench.md");
    let compared = run(&[
        "pylon:post_guard",
        "--samples",
        "500",
        "--baseline",
        "main",
        "--markdown",
        md.to_str().unwrap(),
    ]);
    // Exit 0 or 1 is a timing verdict, not this test's business.
    assert!(
        matches!(compared.status.code(), Some(0 | 1)),
        "{}",
        text(&compared)
    );
    let all = text(&compared);
    assert!(
        all.contains("against baseline `main`") && all.contains("caveat"),
        "{all}"
    );
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.contains("| host |"), "{md}");
    let bad: [&[&str]; 2] = [
        &["pylon:post_guard", "--baseline", "nope"],
        &["pylon:post_guard", "--save-baseline", "../x"],
    ];
    for args in bad {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let errors = stderr.lines().filter(|l| l.starts_with("error")).count();
        assert_eq!(errors, 1, "{stderr}");
    }
}

#[test]
fn a_request_that_reaches_no_hook_is_an_error_not_a_timing_of_the_host() {
    // `admin_ok` hooks `/admin` only; the bundled request is GET /api/system.
    let out = bench(&[&spec("native:admin_ok"), "--samples", "100"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("reaches none of its request.intercept hooks"),
        "{}",
        text(&out)
    );
    let out = bench(&[&spec("native:registers_nothing")]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("registers no request.intercept hook"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_wasm_plugins_memory_growth_and_host_calls_are_counted_per_call() {
    let json_of = |args: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("bench.json");
        let mut all = args.to_vec();
        all.extend(["--samples", "100", "--json", json.to_str().unwrap()]);
        let out = bench(&all);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(&json).unwrap()).unwrap()
    };
    // One `db_query` per save.
    let db = json_of(&[&spec("wasm:db_read")]);
    assert_eq!(db["wasm"]["host_calls_per_call"], 1.0, "{db}");
    assert_eq!(db["wasm"]["memory_growth_per_call"], 0.0, "{db}");
    // A page more on every save, until the memory limit.
    let dir = tempfile::tempdir().unwrap();
    let leak = dir.path().join("leak.wat");
    std::fs::write(
        &leak,
        r#"(module
  (memory (export "memory") 18)
  (func (export "hook_before_save") (param i32 i32) (result i32)
    (drop (memory.grow (i32.const 1)))
    i32.const 0))"#,
    )
    .unwrap();
    let grows = json_of(&[leak.to_str().unwrap()]);
    let growth = grows["wasm"]["memory_growth_per_call"].as_f64().unwrap();
    assert!(growth > 60_000.0, "{grows}");
    assert_eq!(grows["wasm"]["host_calls_per_call"], 0.0, "{grows}");
}

#[test]
fn a_native_plugin_is_timed_through_the_host_and_alone() {
    let out = bench(&[&spec("native:gate"), "--samples", "300"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    for part in ["request.intercept", "host ", "floor ", "host/floor at p99"] {
        assert!(all.contains(part), "{part}: {all}");
    }
}

#[test]
fn a_run_past_its_timeout_ends_with_an_error() {
    // `slow_request` sleeps 25 ms per call: 20 000 calls would take minutes.
    let start = std::time::Instant::now();
    let out = bench(&[&spec("native:slow_request"), "--timeout", "2"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("did not finish in 2 s"),
        "{}",
        text(&out)
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn a_write_given_to_a_pylon_plugin_times_the_hook_of_its_operation() {
    let out = bench(&[
        "pylon:post_guard",
        "--input",
        "../fixtures/writes/post-insert.yaml",
        "--samples",
        "200",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let first = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(first, "pylon:post_guard before_insert (200 calls each)");
}

#[test]
fn a_write_hook_is_timed_with_the_bundled_write_and_its_copy_is_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let out = bench(&[
        "pylon:post_guard",
        "--hook",
        "before_insert",
        "--samples",
        "300",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(m["hook"], "before_insert", "{m}");
    // Each floor call copies the post for the plugin to change (a map and
    // a string at least); `post_guard` itself allocates nothing.
    assert_eq!(m["allocations_per_call"], 0.0, "{m}");
    assert!(m["floor"]["p99_ns"].as_u64().unwrap() > 0, "{m}");
}

#[test]
fn each_contract_times_the_hook_asked_for() {
    for (args, hook) in [
        (
            vec![
                spec("native:all_hooks"),
                "--hook".into(),
                "middleware.inject".into(),
            ],
            "middleware.inject",
        ),
        (
            vec![
                "rustant:session_logger".into(),
                "--hook".into(),
                "OnSessionStart".into(),
            ],
            "OnSessionStart",
        ),
        (
            vec![
                spec("wasm:gate_wasm"),
                "--hook".into(),
                "before_request".into(),
            ],
            "before_request",
        ),
    ] {
        let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
        all.extend(["--samples", "200"]);
        let out = bench(&all);
        assert_eq!(out.status.code(), Some(0), "{all:?}: {}", text(&out));
        let first = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        assert!(
            first.ends_with(&format!("{hook} (200 calls each)")),
            "{first}"
        );
    }
}

#[test]
fn a_hook_the_plugin_or_contract_lacks_is_one_line_naming_it() {
    for (args, says) in [
        (
            vec![
                "pylon:post_guard".to_owned(),
                "--hook".into(),
                "before_nope".into(),
            ],
            "it times: on_request_with_meta, before_insert",
        ),
        (
            vec![
                spec("native:gate"),
                "--hook".into(),
                "middleware.inject".into(),
            ],
            "registers no middleware.inject hook",
        ),
        (
            vec![
                "rustant:tool_guard".into(),
                "--hook".into(),
                "OnError".into(),
            ],
            "has no OnError hook",
        ),
        (
            vec![
                spec("wasm:gate_wasm"),
                "--hook".into(),
                "before_save".into(),
            ],
            "does not export hook_before_save",
        ),
        (
            vec![
                "pylon:post_guard".into(),
                "--hook".into(),
                "before_insert".into(),
                "--input".into(),
                "../fixtures/requests/get-system.yaml".into(),
            ],
            "before_insert takes a write fixture, and the input is a request",
        ),
    ] {
        let all: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = bench(&all);
        assert_eq!(out.status.code(), Some(2), "{all:?}: {}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.trim_end().lines().last().unwrap_or_default();
        assert!(last.contains(says), "{all:?}: {stderr}");
    }
}

/// The in-process fast path adds no heap allocation of its own: a plugin
/// that allocates nothing (the benchmark gate) through
/// `PylonHost::before_request_fast` allocates nothing, over 10 000 calls,
/// and the traced path, by contrast, does.
#[test]
fn the_in_process_fast_path_allocates_nothing() {
    use hookcheck::engine::{AuthContext, HttpMethod, RequestMeta};
    use hookcheck::pylon::{FastRequest, PylonHost, real, real_auth};
    let mut host = PylonHost::new();
    host.register(std::sync::Arc::new(hookcheck_fixtures::RealGate::default()))
        .unwrap();
    let auth = real_auth(&AuthContext::anonymous());
    let peer = real::RequestMeta {
        peer_ip: "203.0.113.7",
    };
    let call = || {
        matches!(
            host.before_request_fast("GET", "/api/orders", &auth, &peer),
            FastRequest::Continue
        )
    };
    assert!(call(), "the gate lets the request through");
    let (all_through, allocations) = hookcheck::alloc::count(|| (0..10_000).all(|_| call()));
    assert!(all_through);
    assert_eq!(allocations, Some(0), "allocations over 10 000 fast calls");
    let meta = RequestMeta::new(HttpMethod::Get, "/api/orders", "203.0.113.7");
    let anonymous = AuthContext::anonymous();
    let (_, traced) = hookcheck::alloc::count(|| {
        for _ in 0..100 {
            std::hint::black_box(host.before_request(&meta, &anonymous));
        }
    });
    assert!(traced.unwrap_or(0) > 0, "the counter counts");
}
