//! The `featherfly` contract: the v8 C ABI, pipelines and codes, misbehaving
//! plugins, and crash containment in a child runner (contracts §3).

use std::path::PathBuf;
use std::time::Duration;

use hookcheck::engine::{Answer, BadOutput, Failure, HttpMethod, Intent, Outcome};
use hookcheck::featherfly::{
    FeatherFlyHost, Isolation, LoadError, LoadWarning, NativeOptions, NativeRequest, RunnerCommand,
};
use hookcheck_fixtures::artifacts::native_fixture;
use serde_json::{Value, json};

fn in_process(names: &[&str]) -> FeatherFlyHost {
    let paths: Vec<PathBuf> = names.iter().map(|n| native_fixture(n)).collect();
    FeatherFlyHost::load(&paths, &NativeOptions::default()).unwrap()
}

fn child_options(timeout: Duration) -> NativeOptions {
    let command = RunnerCommand {
        program: env!("CARGO_BIN_EXE_hookcheck-native-runner").into(),
        args: vec![],
    };
    NativeOptions {
        capacity: 1 << 20,
        isolation: Isolation::Child { command, timeout },
    }
}

fn in_child(names: &[&str], timeout: Duration) -> FeatherFlyHost {
    let paths: Vec<PathBuf> = names.iter().map(|n| native_fixture(n)).collect();
    FeatherFlyHost::load(&paths, &child_options(timeout)).unwrap()
}

fn get(path: &str, headers: &[(&str, &str)]) -> NativeRequest {
    NativeRequest {
        method: HttpMethod::Get,
        path: path.into(),
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: Vec::new(),
    }
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

fn failure_of(outcome: &Outcome) -> String {
    outcome.to_string()
}

#[cfg(target_arch = "x86_64")]
#[test]
fn layout_matches_the_v8_abi_on_x86_64() {
    use hookcheck_pdk::featherfly::*;
    use std::mem::{offset_of, size_of};
    assert_eq!(size_of::<PluginDescriptor>(), 40);
    assert_eq!(
        [
            offset_of!(PluginDescriptor, api_version),
            offset_of!(PluginDescriptor, name_ptr),
            offset_of!(PluginDescriptor, name_len),
            offset_of!(PluginDescriptor, version_ptr),
            offset_of!(PluginDescriptor, version_len)
        ],
        [0, 8, 16, 24, 32]
    );
    assert_eq!(size_of::<PluginVTable>(), 16);
    assert_eq!(
        [
            offset_of!(PluginVTable, init),
            offset_of!(PluginVTable, shutdown)
        ],
        [0, 8]
    );
    assert_eq!(size_of::<PluginEntry>(), 56);
    assert_eq!(
        [
            offset_of!(PluginEntry, descriptor),
            offset_of!(PluginEntry, vtable)
        ],
        [0, 40]
    );
    assert_eq!(size_of::<HostApi>(), 88);
    assert_eq!(
        [
            offset_of!(HostApi, api_version),
            offset_of!(HostApi, plugin_name_ptr),
            offset_of!(HostApi, plugin_name_len),
            offset_of!(HostApi, hook_state),
            offset_of!(HostApi, register_hook),
            offset_of!(HostApi, register_json_hook),
            offset_of!(HostApi, register_config_hook),
            offset_of!(HostApi, register_request_hook),
            offset_of!(HostApi, register_route),
            offset_of!(HostApi, register_cloudpanel_hook),
            offset_of!(HostApi, log_info),
        ],
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80]
    );
    assert_eq!(size_of::<EventContext>(), 24);
    assert_eq!(
        [
            offset_of!(EventContext, event),
            offset_of!(EventContext, payload_ptr),
            offset_of!(EventContext, payload_len)
        ],
        [0, 8, 16]
    );
    assert_eq!(size_of::<JsonMutateContext>(), 72);
    assert_eq!(
        [
            offset_of!(JsonMutateContext, target),
            offset_of!(JsonMutateContext, route_ptr),
            offset_of!(JsonMutateContext, route_len),
            offset_of!(JsonMutateContext, method),
            offset_of!(JsonMutateContext, json_in_ptr),
            offset_of!(JsonMutateContext, json_in_len),
            offset_of!(JsonMutateContext, json_out_ptr),
            offset_of!(JsonMutateContext, json_out_capacity),
            offset_of!(JsonMutateContext, json_out_len),
        ],
        [0, 8, 16, 24, 32, 40, 48, 56, 64]
    );
    assert_eq!(size_of::<ConfigMutateContext>(), 40);
    assert_eq!(
        [
            offset_of!(ConfigMutateContext, yaml_in_ptr),
            offset_of!(ConfigMutateContext, yaml_in_len),
            offset_of!(ConfigMutateContext, yaml_out_ptr),
            offset_of!(ConfigMutateContext, yaml_out_capacity),
            offset_of!(ConfigMutateContext, yaml_out_len),
        ],
        [0, 8, 16, 24, 32]
    );
    assert_eq!(size_of::<RequestHookContext>(), 88);
    assert_eq!(
        [
            offset_of!(RequestHookContext, phase),
            offset_of!(RequestHookContext, method),
            offset_of!(RequestHookContext, path_ptr),
            offset_of!(RequestHookContext, path_len),
            offset_of!(RequestHookContext, headers_json_ptr),
            offset_of!(RequestHookContext, headers_json_len),
            offset_of!(RequestHookContext, body_in_ptr),
            offset_of!(RequestHookContext, body_in_len),
            offset_of!(RequestHookContext, status_code),
            offset_of!(RequestHookContext, response_body_ptr),
            offset_of!(RequestHookContext, response_body_capacity),
            offset_of!(RequestHookContext, response_body_len),
        ],
        [0, 4, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80]
    );
    assert_eq!(size_of::<RouteHandlerContext>(), 72);
    assert_eq!(
        [
            offset_of!(RouteHandlerContext, method),
            offset_of!(RouteHandlerContext, path_ptr),
            offset_of!(RouteHandlerContext, path_len),
            offset_of!(RouteHandlerContext, body_in_ptr),
            offset_of!(RouteHandlerContext, body_in_len),
            offset_of!(RouteHandlerContext, body_out_ptr),
            offset_of!(RouteHandlerContext, body_out_capacity),
            offset_of!(RouteHandlerContext, body_out_len),
            offset_of!(RouteHandlerContext, status_code),
        ],
        [0, 8, 16, 24, 32, 40, 48, 56, 64]
    );
    assert_eq!(size_of::<CloudPanelCommandContext>(), 96);
    assert_eq!(
        [
            offset_of!(CloudPanelCommandContext, operation_ptr),
            offset_of!(CloudPanelCommandContext, operation_len),
            offset_of!(CloudPanelCommandContext, command_ptr),
            offset_of!(CloudPanelCommandContext, command_len),
            offset_of!(CloudPanelCommandContext, args_json_in_ptr),
            offset_of!(CloudPanelCommandContext, args_json_in_len),
            offset_of!(CloudPanelCommandContext, args_json_out_ptr),
            offset_of!(CloudPanelCommandContext, args_json_out_capacity),
            offset_of!(CloudPanelCommandContext, args_json_out_len),
            offset_of!(CloudPanelCommandContext, cancel_reason_ptr),
            offset_of!(CloudPanelCommandContext, cancel_reason_capacity),
            offset_of!(CloudPanelCommandContext, cancel_reason_len),
        ],
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88]
    );
    assert_eq!(size_of::<HookResult>(), 1);
}

#[test]
fn all_hooks_registers_every_hook_type_in_init() {
    let host = in_process(&["all_hooks"]);
    assert_eq!(host.plugins()[0].name, "all-hooks");
    assert_eq!(host.plugins()[0].version, "0.1.0");
    let kinds: Vec<&str> = host
        .registrations()
        .iter()
        .map(|r| r.kind.hook_name())
        .collect();
    assert_eq!(
        kinds,
        [
            "lifecycle",
            "lifecycle",
            "lifecycle",
            "config.mutate",
            "request.intercept",
            "middleware.inject",
            "json.response",
            "json.actions",
            "cloudpanel.command",
            "route"
        ]
    );
}

#[test]
fn config_mutate_modified_then_unchanged() {
    let host = in_process(&["all_hooks"]);
    let run = host.config_mutate(b"listen: 127.0.0.1:9090\n");
    assert_eq!(run.value, b"# all-hooks\nlisten: 127.0.0.1:9090\n");
    assert!(matches!(
        run.trace.steps[0].outcome,
        Outcome::Modified { .. }
    ));
    let again = host.config_mutate(&run.value);
    assert_eq!(again.value, run.value);
    assert_eq!(again.trace.steps[0].outcome, Outcome::Continue);
}

#[test]
fn request_hooks_respond_continue_and_see_redacted_lowercase_headers() {
    let host = in_process(&["all_hooks"]);
    let run = host.request(&get(
        "/api/system",
        &[("X-Block", "1"), ("Authorization", "Bearer secret")],
    ));
    let response = run.response.expect("intercept responds");
    assert_eq!(response.status, 403);
    assert_eq!(
        json_of(response.body.as_bytes()),
        json!({"blocked": true, "auth": "<redacted>"})
    );
    assert_eq!(
        run.trace.steps.len(),
        1,
        "middleware never ran after RESPOND"
    );
    let pass = host.request(&get("/api/system", &[]));
    assert!(pass.response.is_none());
    assert_eq!(pass.trace.steps.len(), 2, "intercept then middleware");
    assert_eq!(pass.trace.steps[0].hook.name, "request.intercept");
    assert_eq!(pass.trace.steps[1].hook.name, "middleware.inject");
    let outside = host.request(&get("/other", &[("x-block", "1")]));
    assert!(outside.response.is_none(), "`/api` does not cover /other");
    let maintenance = host.request(&get("/maintenance", &[]));
    assert_eq!(
        maintenance.response.unwrap().status,
        503,
        "`*` covers everything"
    );
}

#[test]
fn routes_match_method_and_exact_path() {
    let host = in_process(&["all_hooks"]);
    host.event(2, b"127.0.0.1:9090");
    let (response, _) = host.route(HttpMethod::Get, "/plugins/hello", b"").unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        json_of(response.body.as_bytes()),
        json!({"ok": true, "started": 1})
    );
    // The path with another method: the daemon's 405, without a body.
    let (wrong, _) = host.route(HttpMethod::Post, "/plugins/hello", b"").unwrap();
    assert_eq!((wrong.status, wrong.body.as_str()), (405, ""));
    assert!(
        host.route(HttpMethod::Get, "/plugins/hello/x", b"")
            .is_none()
    );
}

#[test]
fn registrations_follow_the_daemons_rules() {
    let host = in_process(&["bad_registration"]);
    // Stored, never fired: an event id outside 1-47, a JSON target 5.
    let never = host
        .warnings()
        .iter()
        .filter(|w| matches!(w, LoadWarning::RegistrationNeverCalled { .. }))
        .count();
    assert_eq!(never, 2, "{:?}", host.warnings());
    assert_eq!(host.registrations().len(), 3);
    let run = host.json(HttpMethod::Get, "/api/system", b"{}");
    assert_eq!(run.trace.steps.len(), 1, "only the target-1 hook runs");
}

#[test]
fn json_mixins_body_then_actions() {
    let host = in_process(&["all_hooks"]);
    let run = host.json(HttpMethod::Get, "/api/system", br#"{"version":"1.0"}"#);
    assert_eq!(
        json_of(&run.value),
        json!({"version": "1.0", "all_hooks": true, "actions": [{"id": "all-hooks", "label": "All hooks", "step": "review"}]})
    );
    let hooks: Vec<&str> = run.trace.steps.iter().map(|s| s.hook.name).collect();
    assert_eq!(hooks, ["json.response", "json.actions"]);
    let other = host.json(HttpMethod::Get, "/health", br#"{"ok":true}"#);
    assert_eq!(
        json_of(&other.value),
        json!({"ok": true}),
        "no hook covers /health"
    );
}

#[test]
fn mixin_chain_runs_in_alphabetical_file_order() {
    let host = in_process(&["mixin_c", "mixin_a", "mixin_b"]);
    let names: Vec<&str> = host.plugins().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["mixin-a", "mixin-b", "mixin-c"]);
    let run = host.json(
        HttpMethod::Get,
        "/api/system",
        br#"{"actions":[{"id":"core","label":"Core","step":"x"}]}"#,
    );
    let value = json_of(&run.value);
    assert_eq!(value["trail"], "abc");
    let ids: Vec<&str> = value["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["core", "mixin-a", "mixin-b", "mixin-c"]);
    assert_eq!(
        value["actions"][3]["step"], 3,
        "mixin-c saw the three actions before it"
    );
}

#[test]
fn cloudpanel_continue_modified_cancel() {
    let host = in_process(&["all_hooks"]);
    let cancel = host.cloudpanel("site:delete", "site:delete", br#"{"domain":"a.com"}"#);
    assert_eq!(
        cancel.cancelled.as_deref(),
        Some("site deletion disabled by all_hooks")
    );
    assert_eq!(cancel.args, br#"{"domain":"a.com"}"#);
    let modified = host.cloudpanel("db:add", "db:add", br#"{"name":"shop"}"#);
    assert_eq!(
        json_of(&modified.args),
        json!({"name": "shop", "engine": "mariadb"})
    );
    assert!(modified.cancelled.is_none());
    let cont = host.cloudpanel("site:add:php", "site:add:php", br#"{"domain":"b.com"}"#);
    assert_eq!(cont.args, br#"{"domain":"b.com"}"#);
    assert_eq!(cont.trace.steps[0].outcome, Outcome::Continue);
}

#[test]
fn lifecycle_cancel_stops_later_handlers_of_that_event() {
    let host = in_process(&["all_hooks", "mixin_a"]);
    let run = host.event(3, b"cancel");
    assert_eq!(run.cancelled_by.as_deref(), Some("all-hooks"));
    let calm = host.event(3, b"");
    assert!(calm.cancelled_by.is_none());
    assert!(
        host.event(46, b"{}").trace.steps.is_empty(),
        "nobody listens to 46"
    );
}

#[test]
fn wrong_api_version_is_skipped_with_a_warning_naming_both() {
    let host = in_process(&["wrong_api_version", "mixin_a"]);
    assert_eq!(host.plugins().len(), 1);
    assert!(
        matches!(host.warnings()[0], LoadWarning::ApiVersion { found: 7, .. }),
        "{:?}",
        host.warnings()
    );
    assert!(
        host.warnings()[0]
            .to_string()
            .contains("plugin API version 7 is not the host's 8"),
        "{:?}",
        host.warnings()
    );
}

#[test]
fn missing_entry_and_failing_init_are_load_errors() {
    let err = FeatherFlyHost::load(&[native_fixture("no_entry")], &NativeOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no_entry.so") && err.contains("no `featherfly_plugin_entry` symbol"),
        "{err}"
    );
    let err = FeatherFlyHost::load(&[native_fixture("init_fails")], &NativeOptions::default())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            hookcheck::Error::NativeLoad(LoadError::InitFailed { plugin, code: 3, registered: 0 }) if plugin == "init-fails"
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "failed to load native plugins: plugin `init-fails`: init returned 3 (non-zero fails the load)"
    );
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.so");
    std::fs::write(&junk, b"not elf").unwrap();
    let err = FeatherFlyHost::load(&[junk], &NativeOptions::default()).unwrap_err();
    assert!(
        matches!(&err, hookcheck::Error::NativeLoad(LoadError::NotLoadable { path, .. }) if path.is_absolute()),
        "{err:?}"
    );
    let err = err.to_string();
    assert!(
        err.contains("junk.so") && err.contains("not a loadable shared library"),
        "{err}"
    );
}

#[test]
fn registration_after_init_is_refused() {
    let host = in_process(&["registers_after_init"]);
    let run = host.json(HttpMethod::Get, "/x", b"{}");
    assert_eq!(
        run.trace.steps[0].outcome,
        Outcome::Continue,
        "the plugin saw a refusal"
    );
    assert_eq!(host.late_registrations(), [1]);
    assert_eq!(host.registrations().len(), 1);
}

/// The kinds of what the host let through in `trace`, in order.
fn tolerated_kinds(trace: &hookcheck::engine::Trace) -> Vec<Option<BadOutput>> {
    trace
        .tolerated
        .iter()
        .map(|e| e.error.failure.bad_output_kind())
        .collect()
}

#[test]
fn misbehaving_outputs_go_where_the_hosts_code_sends_them() {
    let small = NativeOptions {
        capacity: 256,
        isolation: Isolation::InProcess,
    };
    let host = FeatherFlyHost::load(
        &[
            native_fixture("writes_past_capacity"),
            native_fixture("modified_without_output"),
            native_fixture("invalid_json"),
        ],
        &small,
    )
    .unwrap();
    let run = host.json(HttpMethod::Get, "/api/x", br#"{"keep":true}"#);
    // The body chain: invalid JSON flows on, MODIFIED without output keeps
    // it, the overrun fails; the final body does not parse, so the host
    // sends the original. The actions chain inserts any JSON value.
    assert_eq!(
        json_of(&run.value),
        json!({"keep": true, "actions": {"not": "an array"}}),
    );
    let kinds: Vec<&str> = run.trace.outcomes().map(Outcome::kind).collect();
    assert_eq!(kinds, ["modified", "continue", "error", "modified"]);
    assert_eq!(
        run.trace.steps[2]
            .outcome
            .failure()
            .and_then(Failure::bad_output_kind),
        Some(BadOutput::OverCapacity)
    );
    assert_eq!(
        tolerated_kinds(&run.trace),
        [
            Some(BadOutput::NotJson),
            Some(BadOutput::MissingOutput),
            Some(BadOutput::ActionsNotArray)
        ]
    );
    let config = host.config_mutate(b"a: 1\n");
    assert_eq!(config.value, b"a: 1\n", "prior YAML kept");
    assert_eq!(
        config.trace.steps[0]
            .outcome
            .failure()
            .and_then(Failure::bad_output_kind),
        Some(BadOutput::NotYaml)
    );
    assert_eq!(config.trace.steps[1].outcome, Outcome::Continue);
    // The host keeps the prior YAML, but the plugin said MODIFIED: its
    // answer is kept apart from the outcome, and the change is lost.
    assert_eq!(config.trace.steps[1].answer(), Answer::Modify);
    assert_eq!(
        tolerated_kinds(&config.trace),
        [Some(BadOutput::MissingOutput)]
    );
    assert_eq!(config.trace.tolerated[0].intent, Intent::Lost);
}

#[test]
fn respond_without_status_is_answered_200_and_tolerated() {
    let host = in_process(&["respond_without_status"]);
    let run = host.request(&get("/", &[]));
    let response = run.response.expect("the host answers");
    assert_eq!(response.status, 200);
    // Both breaks are named: the missing status (a 200 the plugin never
    // said: its intent is lost) and the missing body (an empty one, as
    // meant).
    assert_eq!(
        tolerated_kinds(&run.trace),
        [
            Some(BadOutput::RespondWithoutStatus),
            Some(BadOutput::MissingOutput)
        ]
    );
    let intents: Vec<Intent> = run.trace.tolerated.iter().map(|t| t.intent).collect();
    assert_eq!(intents, [Intent::Lost, Intent::Kept]);
    // The plugin's own answer stays RESPOND.
    assert_eq!(run.trace.steps[0].answer(), Answer::Respond);
}

/// Crashes `fixture` in the child runner; the outcome names the signal and
/// ends with the last of what the runner wrote to stderr, if `said`.
fn crash_then_recover(fixture: &str, expected: &str, said: Option<&str>) {
    let host = in_child(&["mixin_a", fixture], Duration::from_secs(20));
    let run = host.json(HttpMethod::Get, "/api/system", b"{}");
    assert_eq!(
        json_of(&run.value)["trail"],
        "a",
        "mixin-a's output survives the crash after it"
    );
    let step = |run: &hookcheck::featherfly::ValueRun| {
        run.trace
            .steps
            .iter()
            .find(|s| s.plugin == fixture)
            .map(|s| s.outcome.clone())
            .unwrap()
    };
    let text = failure_of(&step(&run));
    let end = step(&run).failure().and_then(Failure::process_end);
    assert_eq!(
        end.map(|e| e.to_string()).as_deref(),
        Some(expected),
        "typed: {end:?}"
    );
    let named = format!("error: plugin `{fixture}` crashed with {expected} in json.response");
    match said {
        Some(words) => {
            assert!(
                text.starts_with(&format!("{named}; its stderr ended: ")),
                "{text}"
            );
            assert!(text.contains(words), "{text}");
        }
        None => assert_eq!(text, named),
    }
    // the host carries on: the runner restarts and serves the next call
    let again = host.json(HttpMethod::Get, "/api/system", br#"{"trail":"x"}"#);
    assert_eq!(json_of(&again.value)["trail"], "xa");
    assert!(matches!(
        step(&again).failure(),
        Some(Failure::Crash { .. })
    ));
}

#[test]
fn a_segfault_in_the_child_is_an_outcome_naming_the_signal() {
    crash_then_recover("segfault", "SIGSEGV", None);
}

#[test]
fn abort_in_the_child_is_an_outcome() {
    crash_then_recover("aborts", "SIGABRT", None);
}

#[test]
fn a_panic_across_extern_c_is_an_outcome() {
    crash_then_recover("panics", "SIGABRT", Some("unwrap on a missing field"));
}

#[test]
fn exit_zero_inside_a_hook_is_an_outcome() {
    crash_then_recover(
        "exits",
        "exit status 0 (the plugin ended the process)",
        None,
    );
}

#[test]
fn a_hook_that_sleeps_times_out_and_the_next_call_works() {
    let host = in_child(&["mixin_a", "sleeps"], Duration::from_secs(2));
    let run = host.json(HttpMethod::Get, "/api/system", b"{}");
    assert_eq!(
        run.trace.steps[1].outcome.failure(),
        Some(&Failure::Timeout { limit_ms: 2000 })
    );
    let route = host.json(HttpMethod::Get, "/api/x", br#"{"trail":"z"}"#);
    assert_eq!(json_of(&route.value)["trail"], "za");
}

#[test]
fn the_child_runner_gives_the_same_answers_as_in_process() {
    let child = in_child(&["all_hooks", "mixin_b"], Duration::from_secs(20));
    let local = in_process(&["all_hooks", "mixin_b"]);
    let body = br#"{"version":"1"}"#;
    assert_eq!(
        child.json(HttpMethod::Get, "/api/system", body).value,
        local.json(HttpMethod::Get, "/api/system", body).value
    );
    assert_eq!(
        child.config_mutate(b"a: 1\n").value,
        local.config_mutate(b"a: 1\n").value
    );
    let req = get("/api/system", &[("x-block", "1")]);
    assert_eq!(child.request(&req).response, local.request(&req).response);
    assert_eq!(child.registrations(), local.registrations());
}

#[test]
fn shutdown_runs_once_when_the_host_is_dropped() {
    let marker = std::env::temp_dir().join(format!("hookcheck-shutdown-{}", std::process::id()));
    let _ = std::fs::remove_file(&marker);
    let host = in_process(&["shutdown_marker"]);
    assert!(!marker.exists(), "not before the daemon stops");
    drop(host);
    assert_eq!(std::fs::read(&marker).unwrap(), b"shut down");
    std::fs::remove_file(&marker).unwrap();
}

#[test]
fn a_runner_that_restarts_with_other_registrations_is_a_plugin_failure() {
    let host = in_child(&["registers_differently"], Duration::from_secs(5));
    let request = NativeRequest {
        method: HttpMethod::Get,
        path: "/x".into(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    let failure = |run: &hookcheck::featherfly::RequestRun| {
        run.trace.steps[0].outcome.failure().cloned().unwrap()
    };
    let first = host.request(&request);
    assert!(
        matches!(failure(&first), Failure::Crash { .. }),
        "{first:?}"
    );
    // The restarted runner registers a JSON hook where the request hook
    // was: calling "registration 0" would call the wrong callback.
    let second = host.request(&request);
    assert!(
        matches!(&failure(&second), Failure::Plugin { message } if message.contains("loaded differently")),
        "{second:?}"
    );
}

#[test]
fn a_prepared_request_calls_the_matching_hooks_as_the_host_would() {
    let host = in_process(&["gate"]);
    let pass = get("/api/system", &[]);
    let block = get("/api/system", &[("X-Block", "1")]);
    for (req, goes_on) in [(&pass, true), (&block, false)] {
        assert_eq!(host.request(req).response.is_none(), goes_on);
        let mut prepared = host.prepare_request(req, None).unwrap();
        assert_eq!(prepared.hooks(), 1);
        // `gate` registers `request.intercept` (phase 1) only.
        assert_eq!(host.prepare_request(req, Some(1)).unwrap().hooks(), 1);
        assert_eq!(host.prepare_request(req, Some(2)).unwrap().hooks(), 0);
        // Called again and again with the same buffers, as a benchmark does.
        for _ in 0..3 {
            assert_eq!(host.call_prepared(&mut prepared), goes_on);
        }
    }
    // In a child runner the functions live in another process.
    let child = in_child(&["gate"], Duration::from_secs(5));
    assert!(child.prepare_request(&pass, None).is_none());
}

#[test]
fn one_phase_runs_only_its_own_hooks() {
    // `all_hooks`: `request.intercept` on /api, `middleware.inject` on *.
    let host = in_process(&["all_hooks"]);
    let req = get("/api/system", &[]);
    let phase_of = |i: usize| match host.registrations()[i].kind {
        hookcheck::featherfly::RegKind::Request { phase, .. } => Some(phase),
        _ => None,
    };
    let ran = |phase: u32| {
        let before = host.calls();
        assert!(host.request_phase(&req, phase).response.is_none());
        let after = host.calls();
        (0..after.len())
            .filter(|i| after[*i] > before[*i])
            .map(phase_of)
            .collect::<Vec<_>>()
    };
    assert_eq!(ran(1), [Some(1)]);
    assert_eq!(ran(2), [Some(2)]);
    assert_eq!(ran(3), []);
    // The whole request runs both, intercept first.
    let before = host.calls();
    let _ = host.request(&req);
    let both = host
        .calls()
        .iter()
        .zip(&before)
        .filter(|(a, b)| a > b)
        .count();
    assert_eq!(both, 2);
}

/// What the host makes of a RESPOND's status: 600-999 is sent as set (the
/// plugin's intent kept: a warning), 0 becomes a 200 (lost: a failure).
#[test]
fn a_respond_status_outside_the_documents_is_kept_or_lost_as_the_host_sends_it() {
    use hookcheck::featherfly::{HookOutput, RegKind, read};
    let kind = RegKind::Request {
        phase: 1,
        pattern: "*".into(),
    };
    let reading = |status| {
        read(
            &kind,
            &HookOutput {
                code: 1,
                status,
                output: Some(b"no".as_slice().into()),
                ..HookOutput::default()
            },
            "p",
        )
    };
    for (status, sent, intent) in [(700, 700, Intent::Kept), (0, 200, Intent::Lost)] {
        let r = reading(status);
        assert!(
            matches!(r.called.outcome, Outcome::Respond { status: s, .. } if s == sent),
            "{status}: {:?}",
            r.called.outcome
        );
        assert_eq!(r.tolerated.len(), 1, "{status}");
        assert_eq!(r.tolerated[0].1, intent, "{status}");
        assert_eq!(
            r.tolerated[0].0.bad_output_kind(),
            Some(BadOutput::RespondWithoutStatus)
        );
    }
    // A status the documents accept: nothing tolerated, nothing lost.
    assert!(reading(403).tolerated.is_empty());
}

/// Every way out of the runner is refused and reported as the act it is,
/// in the order the plugin tried them; a write inside the scratch
/// directory is neither refused nor reported; the runner is confined by
/// namespaces and never runs as root.
#[test]
fn every_escape_is_refused_and_named() {
    use hookcheck::engine::HostileAct;
    let host = in_child(&["escapes"], Duration::from_secs(5));
    let protections = host.protections().expect("a child runner reports");
    assert!(
        protections.seccomp && protections.acts_reported,
        "{protections}"
    );
    if protections.user_namespace {
        assert!(protections.complete(), "{protections}");
    } else {
        // Only a machine that refuses user namespaces (some containers)
        // excuses a runner without one; it says so, and keeps the rest
        // (seccomp reports every act below).
        assert!(
            !hookcheck_fixtures::machine::user_namespaces(),
            "this machine makes user namespaces, the runner made none: {protections}"
        );
        eprintln!("this machine refuses user namespaces: {protections}");
    }
    assert_ne!(protections.uid, 0);
    let (load, _) = host.take_acts();
    assert!(load.is_empty(), "{load:?}");
    let run = host.request(&get("/x", &[]));
    assert_eq!(run.trace.steps[0].outcome, Outcome::Continue);
    let (acts, more) = host.take_acts();
    assert_eq!(more, 0);
    let kinds: Vec<&str> = acts
        .iter()
        .map(|a| match a {
            HostileAct::SignalOwner { .. } => "signal owner",
            HostileAct::NewSession { .. } => "new session",
            HostileAct::DeathSignal { .. } => "death signal",
            HostileAct::WriteOutside { .. } => "write outside",
            HostileAct::Exec { .. } => "exec",
            HostileAct::Fork { .. } => "fork",
            HostileAct::Signal { .. } => "signal",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "signal owner",
            "new session",
            "death signal",
            "write outside",
            "exec",
            "fork"
        ],
        "{acts:?}"
    );
    assert!(
        matches!(&acts[3], HostileAct::WriteOutside { path, .. } if path == "/etc/hookcheck-escape-probe")
    );
    assert!(matches!(&acts[4], HostileAct::Exec { path } if path == "/bin/true"));
    assert!(!std::path::Path::new("/etc/hookcheck-escape-probe").exists());
    // The runner is still there: every act was refused, none ended it.
    assert!(host.runner_death().is_none());
}
