//! Fixtures and replay: the bundled fixtures replay clean, a changed
//! expectation is reported at its stage, malformed fixtures name file, line
//! and field, and writes land in SQLite only when no hook rejects them.

use std::path::{Path, PathBuf};

use hookcheck::Error;
use hookcheck::engine::{Failure, HttpMethod, Outcome, WriteOp};
use hookcheck::featherfly::{FeatherFlyHost, NativeOptions};
use hookcheck::fixtures::{
    Event, Fixture, RequestEvent, parse_fixture, read_dir, read_fixture, write_fixture,
};
use hookcheck::replay::{Harness, LoadOptions};
use hookcheck_fixtures::artifacts::{native_fixture, wasm_fixture, workspace_root};
use serde_json::json;

use crate::support::lesstruct_host;

/// FeatherFly's `request.intercept`, where these outcomes are filed.
const REQUEST_INTERCEPT: hookcheck::engine::HookPoint =
    hookcheck::engine::hook(hookcheck::featherfly::HOOKS, "request.intercept").point;

fn bundled(dir: &str) -> PathBuf {
    workspace_root().join("fixtures").join(dir)
}

fn pylon_harness() -> Harness {
    let options = LoadOptions::default().with(hookcheck_fixtures::pylon_registry());
    Harness::load(
        hookcheck::pylon::CONTRACT,
        &bundled("pylon/replay"),
        options,
    )
    .unwrap()
}

fn featherfly_harness(names: &[&str]) -> Harness {
    let paths: Vec<PathBuf> = names.iter().map(|n| native_fixture(n)).collect();
    Harness::featherfly(FeatherFlyHost::load(&paths, &NativeOptions::default()).unwrap()).unwrap()
}

fn yaml_fixtures_of(dir: &str) -> Vec<(PathBuf, Fixture)> {
    read_dir(&bundled(dir))
        .unwrap()
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "yaml"))
        .collect()
}

#[test]
fn bundled_request_and_write_fixtures_replay_clean_against_the_pylon_plugins() {
    for dir in ["requests", "writes"] {
        let fixtures = yaml_fixtures_of(dir);
        assert!(fixtures.len() >= 2, "{dir} has examples");
        let results = pylon_harness().replay_all(&fixtures);
        for r in &results {
            assert!(
                r.matched() && r.unchecked.is_none(),
                "{dir}/{}: {:?}",
                r.name,
                r.differences
            );
        }
    }
}

#[test]
fn bundled_config_and_json_fixtures_replay_clean_against_the_mixin_chain() {
    for dir in ["config", "json"] {
        let fixtures = yaml_fixtures_of(dir);
        assert!(!fixtures.is_empty(), "{dir} has examples");
        let mut harness =
            featherfly_harness(&["all_hooks", "mixin_redact", "mixin_restart", "mixin_uptime"]);
        for r in harness.replay_all(&fixtures) {
            assert!(r.matched(), "{dir}/{}: {:?}", r.name, r.differences);
        }
    }
}

#[test]
fn the_bench_request_is_a_request_fixture() {
    let fixture = read_fixture(&bundled("requests/before_request_530.json")).unwrap();
    let Event::Request(request) = fixture.event else {
        panic!("not a request");
    };
    assert_eq!(request.headers.len(), 10);
}

#[test]
fn a_changed_plugin_is_reported_at_its_stage() {
    let fixtures = yaml_fixtures_of("json");
    let mut harness = featherfly_harness(&[
        "all_hooks",
        "mixin_redact_v2",
        "mixin_restart",
        "mixin_uptime",
    ]);
    let results = harness.replay_all(&fixtures);
    let differences = &results[0].differences;
    let places: Vec<&str> = differences.iter().map(|d| d.at.as_str()).collect();
    assert_eq!(
        places[0], "stage 1 (`mixin-redact` json.response)",
        "the first difference is the changed plugin's stage: {places:?}"
    );
    let text = differences[0].to_string();
    assert!(
        text.contains("-   secret: '[hidden]'") && text.contains("+   secret: '***'"),
        "{text}"
    );
    assert!(places.contains(&"body"), "{places:?}");
    assert!(
        !places.iter().any(|p| p.contains("mixin-restart")),
        "the actions stage did not change: {places:?}"
    );
}

#[test]
fn writes_land_with_the_plugins_mutations_and_rejected_writes_leave_no_row() {
    let mut harness = pylon_harness();
    let made = harness.request(
        &RequestEvent::new(HttpMethod::Post, "/api/entities/post")
            .with_user("u1")
            .with_body(r#"{"title":"Hello, World!"}"#),
    );
    assert_eq!(made.status, Some(201), "{}", made.body);
    assert_eq!(made.writes.len(), 1);
    let refused = harness.request(
        &RequestEvent::new(HttpMethod::Post, "/api/entities/post").with_body(r#"{"body":"x"}"#),
    );
    assert_eq!(refused.status, Some(400), "{}", refused.body);
    let rejecting: Vec<&str> = refused
        .trace
        .steps
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::Reject { .. }))
        .map(|s| s.plugin.as_str())
        .collect();
    assert_eq!(rejecting, ["require_fields"]);
    let rows = harness.store().rows("post").unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["slug"], "hello-world");
    assert_eq!(rows[0]["createdAt"], "2023-11-14T22:13:20Z");
    let bad =
        harness.request(&RequestEvent::new(HttpMethod::Post, "/api/entities/post").with_body("{"));
    assert_eq!(bad.status, Some(400));
    assert!(bad.body.contains("bad_json"), "{}", bad.body);
    let missing = harness.request(&RequestEvent::new(
        HttpMethod::Delete,
        "/api/entities/post/9",
    ));
    assert_eq!(missing.status, Some(400), "{}", missing.body);
    assert!(
        missing.body.contains("no row with id 9"),
        "{}",
        missing.body
    );
}

#[test]
fn lesstruct_writes_run_before_save_and_after_create() {
    let mut host = lesstruct_host();
    host.load_file(&wasm_fixture("hello")).unwrap();
    let mut harness = Harness::lesstruct(host).unwrap();
    let made = harness.request(
        &RequestEvent::new(HttpMethod::Post, "/api/entities/post")
            .with_body(r#"{"title":"T","content":"one two"}"#),
    );
    assert_eq!(made.status, Some(201), "{}", made.body);
    let hooks: Vec<&str> = made.trace.steps.iter().map(|s| s.hook.name).collect();
    assert_eq!(hooks, ["before_save", "after_create"]);
    let row = harness.store().get("post", 1).unwrap().unwrap();
    assert_eq!(row["customFields"]["greeting"], "hello from wasm");
}

#[test]
fn fixtures_round_trip_through_yaml_and_json() {
    let dir = tempfile::tempdir().unwrap();
    for original in yaml_fixtures_of("writes") {
        for ext in ["yaml", "json"] {
            let path = dir.path().join(format!("copy.{ext}"));
            write_fixture(&path, &original.1).unwrap();
            assert_eq!(read_fixture(&path).unwrap(), original.1, "{ext}");
        }
    }
}

fn parse_error(name: &str, text: &str) -> String {
    match parse_fixture(Path::new(name), text) {
        Err(e @ Error::Fixture { .. }) => e.to_string(),
        other => panic!("expected a fixture error, got {other:?}"),
    }
}

#[test]
fn malformed_fixtures_name_the_file_the_line_and_the_field() {
    let e = parse_error(
        "bad.yaml",
        "version: 1\nrequest:\n  method: FETCH\n  path: /x\n",
    );
    assert!(
        e.starts_with("failed to read fixture bad.yaml: line 3"),
        "{e}"
    );
    assert!(e.contains("request.method") && e.contains("FETCH"), "{e}");

    let e = parse_error(
        "bad.yaml",
        "version: 1\nwrite:\n  entity: post\n  op: insert\n  data: {}\n  colour: red\n",
    );
    assert!(
        e.contains("line 6") && e.contains("unknown field `colour`"),
        "{e}"
    );

    let e = parse_error("bad.json", "{\"version\": 1,\n \"config\": {\"yaml\": 3}}");
    assert!(e.contains("line 2") && e.contains("config.yaml"), "{e}");

    let e = parse_error(
        "two.yaml",
        "version: 1\nconfig: {yaml: a}\njson: {route: /, body: {}}\n",
    );
    assert!(
        e.contains("one event per fixture, found config and json"),
        "{e}"
    );

    let e = parse_error("none.yaml", "version: 1\n");
    assert!(e.contains("no event"), "{e}");

    let e = parse_error("new.yaml", "version: 2\nconfig: {yaml: a}\n");
    assert!(e.contains("version: 2 is not supported"), "{e}");

    let e = read_fixture(Path::new("/no/such/fixture.yaml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("/no/such/fixture.yaml"), "{e}");
}

#[test]
fn a_write_recorded_inside_a_request_is_checked_against_that_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut recorder = pylon_harness();
    let event =
        RequestEvent::new(HttpMethod::Post, "/api/entities/post").with_body(r#"{"title":"A"}"#);
    let observed = recorder.request(&event);
    let (mut write, result) = observed.writes.into_iter().next().unwrap();
    assert_eq!(write.op, WriteOp::Insert);
    write.via_request = Some("0001-request.yaml".into());
    let request = Fixture {
        event: Event::Request(event),
        expect: None,
    };
    let mut expect = result.expect();
    expect.body = Some(json!({"title": "A", "slug": "a", "id": 1, "createdAt": "2023-11-14T22:13:20Z", "updatedAt": "2023-11-14T22:13:20Z"}).to_string());
    let write = Fixture {
        event: Event::Write(write),
        expect: Some(expect),
    };
    write_fixture(&dir.path().join("0001-request.yaml"), &request).unwrap();
    write_fixture(&dir.path().join("0002-write.yaml"), &write).unwrap();
    let mut harness = pylon_harness();
    let results = harness.replay_dir(dir.path()).unwrap();
    assert_eq!(results.len(), 2);
    assert!(results[1].matched(), "{:?}", results[1].differences);
    let rows = harness.store().rows("post").unwrap();
    assert_eq!(
        rows.len(),
        1,
        "the write ran once, inside its request: {rows:?}"
    );
}

#[test]
fn a_harness_loads_artifact_files_and_refuses_what_a_profile_cannot_serve() {
    let files = [wasm_fixture("hello"), wasm_fixture("slug")];
    let harness = Harness::load_files(
        hookcheck::lesstruct::CONTRACT,
        &files,
        LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(harness.plugin_names(), ["hello", "slug"]);
    let e = Harness::load_files(hookcheck::pylon::CONTRACT, &files, LoadOptions::default())
        .unwrap_err();
    assert!(e.to_string().contains("Harness::pylon"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let e = Harness::load(
        hookcheck::featherfly::CONTRACT,
        dir.path(),
        LoadOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("no loadable .so plugin"), "{e}");
    let e = Harness::load(
        hookcheck::rustant::CONTRACT,
        dir.path(),
        LoadOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("Harness::rustant"), "{e}");
}

#[test]
fn a_plugin_that_does_not_load_is_skipped_and_the_others_load() {
    let dir = tempfile::tempdir().unwrap();
    for (name, to) in [("all_hooks", "a_good.so"), ("init_fails", "b_fails.so")] {
        std::fs::copy(
            hookcheck_fixtures::artifacts::native_fixture(name),
            dir.path().join(to),
        )
        .unwrap();
    }
    let harness = Harness::load(
        hookcheck::featherfly::CONTRACT,
        dir.path(),
        LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(harness.plugin_names().len(), 1);
    let warnings = harness.warnings();
    assert!(
        matches!(&warnings[0], hookcheck::engine::LoadWarning::PluginSkipped { path, .. } if path.ends_with("b_fails.so")),
        "{warnings:?}"
    );

    let wasm = tempfile::tempdir().unwrap();
    std::fs::copy(wasm_fixture("hello"), wasm.path().join("a_hello.wasm")).unwrap();
    std::fs::write(wasm.path().join("b_broken.wasm"), b"\0asm not a module").unwrap();
    let harness = Harness::load(
        hookcheck::lesstruct::CONTRACT,
        wasm.path(),
        LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(harness.plugin_names(), ["a_hello"]);
    assert!(
        matches!(&harness.warnings()[0], hookcheck::engine::LoadWarning::PluginSkipped { path, .. } if path.ends_with("b_broken.wasm")),
        "{:?}",
        harness.warnings()
    );
}

#[test]
fn the_featherfly_api_asks_for_the_configs_bearer_token_after_the_request_hooks() {
    let host = hookcheck::featherfly::FeatherFlyHost::load(
        &[hookcheck_fixtures::artifacts::native_fixture("all_hooks")],
        &hookcheck::featherfly::NativeOptions {
            isolation: hookcheck::featherfly::Isolation::InProcess,
            ..Default::default()
        },
    )
    .unwrap();
    let mut harness = Harness::featherfly(host).unwrap();
    // Without a config there is no token, and nothing is checked.
    let open = harness.request(&RequestEvent::new(HttpMethod::Get, "/api/system"));
    assert_eq!(open.status, Some(200));
    harness.config(&hookcheck::fixtures::ConfigEvent {
        yaml: "token: t0ken\n".into(),
    });
    let refused = harness.request(&RequestEvent::new(HttpMethod::Get, "/api/system"));
    assert_eq!(refused.status, Some(401));
    let body: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(body["code"], "unauthorized");
    assert_eq!(
        body["all_hooks"], true,
        "the JSON mixins run over the 401 too"
    );
    assert!(
        refused
            .headers
            .contains(&("www-authenticate".into(), "Bearer".into()))
    );
    // Request hooks run before the check: the intercept still answers.
    let blocked = harness
        .request(&RequestEvent::new(HttpMethod::Get, "/api/system").with_header("x-block", "1"));
    assert_eq!(blocked.status, Some(403));
    let route = harness.request(&RequestEvent::new(HttpMethod::Get, "/plugins/hello"));
    assert_eq!(route.status, Some(401));
    let allowed = harness.request(
        &RequestEvent::new(HttpMethod::Get, "/plugins/hello")
            .with_header("Authorization", "Bearer t0ken"),
    );
    assert_eq!(allowed.status, Some(200));
    let sloppy = harness.request(
        &RequestEvent::new(HttpMethod::Get, "/api/system")
            .with_header("Authorization", "bearer t0ken"),
    );
    assert_eq!(sloppy.status, Some(401), "the scheme is case-sensitive");
    // As `serve` hands requests over: the header redacted for recording,
    // the raw value kept for the host's own check.
    let mut served = RequestEvent::new(HttpMethod::Get, "/plugins/hello")
        .with_header("authorization", hookcheck::fixtures::REDACTED_AUTHORIZATION);
    served.raw_authorization = Some("Bearer t0ken".into());
    assert_eq!(harness.request(&served).status, Some(200));
    // As a recorded request replays: only the user the bearer named.
    let replayed = RequestEvent::new(HttpMethod::Get, "/plugins/hello")
        .with_header("authorization", hookcheck::fixtures::REDACTED_AUTHORIZATION)
        .with_user("t0ken");
    assert_eq!(harness.request(&replayed).status, Some(200));
}

#[test]
fn what_the_host_tolerates_reaches_the_harness_trace() {
    let host = hookcheck::featherfly::FeatherFlyHost::load(
        &[hookcheck_fixtures::artifacts::native_fixture(
            "respond_without_status",
        )],
        &hookcheck::featherfly::NativeOptions {
            isolation: hookcheck::featherfly::Isolation::InProcess,
            ..Default::default()
        },
    )
    .unwrap();
    let mut harness = Harness::featherfly(host).unwrap();
    let observed = harness.request(&RequestEvent::new(HttpMethod::Get, "/"));
    assert_eq!(observed.status, Some(200));
    // The missing status and the missing body.
    assert_eq!(observed.trace.tolerated.len(), 2, "{:?}", observed.trace);
}

#[test]
fn failures_compare_by_their_kind_not_their_text() {
    use hookcheck::engine::{BadOutput, Failure, ProcessEnd, TrapCode};
    use hookcheck::replay::same_failure;

    let protocol = |reason: &str| Failure::Protocol {
        reason: reason.into(),
    };
    assert!(same_failure(
        &protocol("an answer to call 1 arrived for call 5119 (a forged or stale frame)"),
        &protocol("an answer to call 1 arrived for call 90210 (a forged or stale frame)"),
    ));
    assert!(same_failure(
        &Failure::bad_output(BadOutput::NotJson, "expected value at line 1 column 1"),
        &Failure::bad_output(BadOutput::NotJson, "trailing characters at line 1 column 9"),
    ));
    assert!(!same_failure(
        &Failure::bad_output(BadOutput::NotJson, "same text"),
        &Failure::bad_output(BadOutput::NotObject, "same text"),
    ));
    assert!(!same_failure(
        &protocol("x"),
        &Failure::HostFault { reason: "x".into() }
    ));
    let crash = |end, stderr: &str| Failure::Crash {
        end,
        stderr: stderr.into(),
    };
    let segv = ProcessEnd::Signal { number: 11 };
    assert!(same_failure(&crash(segv, "pid 12"), &crash(segv, "pid 13")));
    assert!(!same_failure(
        &crash(segv, ""),
        &crash(ProcessEnd::Exit { code: 11 }, "")
    ));
    let trap = |code, message: &str| Failure::Trap {
        code,
        message: message.into(),
    };
    assert!(same_failure(
        &trap(TrapCode::Unreachable, "at 0x1f"),
        &trap(TrapCode::Unreachable, "at 0x2f")
    ));
    assert!(!same_failure(
        &trap(TrapCode::Unreachable, "m"),
        &trap(TrapCode::StackOverflow, "m")
    ));
    assert!(!same_failure(
        &Failure::Code { code: 2 },
        &Failure::Code { code: 3 }
    ));
    assert!(!same_failure(
        &Failure::Timeout { limit_ms: 100 },
        &Failure::Timeout { limit_ms: 200 }
    ));
    let signal = |target| Failure::Hostile {
        act: hookcheck::engine::HostileAct::Signal {
            call: "kill".into(),
            target,
            signal: 9,
        },
        more: 0,
    };
    assert!(
        same_failure(&signal(4100), &signal(4242)),
        "the process id aimed at changes between runs"
    );
    assert!(!same_failure(
        &signal(4100),
        &Failure::Hostile {
            act: hookcheck::engine::HostileAct::Fork {
                call: "fork".into()
            },
            more: 0,
        }
    ));
}

fn forging_harness() -> Harness {
    let options = NativeOptions {
        capacity: hookcheck::featherfly::DEFAULT_CAPACITY,
        isolation: hookcheck::featherfly::Isolation::Child {
            command: hookcheck::featherfly::RunnerCommand {
                program: env!("CARGO_BIN_EXE_hookcheck-native-runner").into(),
                args: vec![],
            },
            timeout: std::time::Duration::from_secs(5),
        },
    };
    let host = FeatherFlyHost::load(&[native_fixture("forges_frame")], &options).unwrap();
    Harness::featherfly(host).unwrap()
}

#[test]
fn a_recording_of_a_frame_forging_plugin_replays_clean() {
    // Each runner numbers its calls from a random start, and the failure's
    // text names the number: replay compares the failure, not the text.
    let event = RequestEvent::new(HttpMethod::Get, "/api/system");
    let recorded = forging_harness().request(&event);
    let failure = recorded.trace.steps[0].outcome.failure().cloned();
    assert!(
        matches!(failure, Some(Failure::Protocol { .. })),
        "{failure:?}"
    );
    let fixture = Fixture {
        event: Event::Request(event),
        expect: Some(recorded.expect()),
    };
    let result = forging_harness().replay(&fixture);
    assert!(result.matched(), "{:?}", result.differences);

    // Another kind of failure at that stage is a difference.
    let mut changed = fixture.clone();
    let steps = changed
        .expect
        .as_mut()
        .and_then(|e| e.steps.as_mut())
        .unwrap();
    assert_eq!(steps[0].hook, "request.intercept");
    steps[0].outcome = Outcome::error(
        steps[0].plugin.clone(),
        REQUEST_INTERCEPT,
        Failure::HostFault {
            reason: "the same words".into(),
        },
    );
    let result = forging_harness().replay(&changed);
    let places: Vec<&str> = result.differences.iter().map(|d| d.at.as_str()).collect();
    assert_eq!(places.len(), 1, "{places:?}");
    assert!(places[0].starts_with("stage 1"), "{places:?}");
}

#[test]
fn a_difference_prints_a_plugins_control_bytes_escaped() {
    let difference = hookcheck::replay::Difference {
        at: "stage 1 (`evil\u{1b}[2J` request.intercept)".into(),
        expected: "title: plain\n".into(),
        actual: "title: \u{1b}]0;owned\u{7}\u{9b}31m\r\n".into(),
    };
    let text = difference.to_string();
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(text.contains("`evil\\u{1b}[2J`"), "{text}");
    assert!(
        text.contains("+ title: \\u{1b}]0;owned\\u{7}\\u{9b}31m\\u{d}"),
        "{text}"
    );
}

#[test]
fn snapshot_stages_that_failed_the_same_way_do_not_differ() {
    use hookcheck::engine::{Trace, TraceMode};
    use hookcheck::replay::Stages;

    let stages = |failure: Failure| {
        let mut trace = Trace::new(TraceMode::Full);
        let outcome = Outcome::error("forges_frame", REQUEST_INTERCEPT, failure);
        trace.push(
            "forges_frame",
            REQUEST_INTERCEPT,
            Some(b"{}"),
            &outcome,
            None,
            std::time::Duration::ZERO,
        );
        Stages::of(&trace)
    };
    let protocol = |call: u64| Failure::Protocol {
        reason: format!("an answer to call 1 arrived for call {call} (a forged or stale frame)"),
    };
    assert_eq!(
        stages(protocol(81)).differing(&stages(protocol(9001))),
        Vec::<usize>::new()
    );
    assert_eq!(
        stages(protocol(81)).differing(&stages(Failure::Code { code: 2 })),
        [1]
    );
}
