//! Hosts decide from what the pipeline folds, never from the trace: every
//! host gives the same results with tracing off as with a full trace.

use hookcheck::engine::{AuthContext, HttpMethod, RequestMeta, TraceMode, WriteOp};
use hookcheck::featherfly::{FeatherFlyHost, NativeOptions, NativeRequest};
use hookcheck::lesstruct::LesstructHost;
use hookcheck::pylon::{PylonHost, parse_manifest};
use hookcheck::rustant::{AgentHookPoint, AgentHost, SecurityPolicy};
use hookcheck::store::EntityStore;
use hookcheck_fixtures::artifacts::{native_fixture, wasm_fixture};
use hookcheck_fixtures::{PromptGuard, pylon_registry};
use serde_json::json;

use crate::support::{post, test_limits, wat};

const MODES: [TraceMode; 2] = [TraceMode::Off, TraceMode::Full];

#[test]
fn pylon_answers_alike_with_and_without_a_trace() {
    let results: Vec<_> = MODES
        .iter()
        .map(|&mode| {
            let entries = parse_manifest(
                r#"[{"name": "require_fields", "config": {"entity": "Post", "fields": ["title"]}},
                    {"name": "slugify"}, {"name": "rate_limit", "config": {"limit": 1}}]"#,
                "manifest.json",
            )
            .unwrap();
            let host = PylonHost::from_manifest(&pylon_registry(), &entries)
                .unwrap()
                .with_trace_mode(mode);
            let store = EntityStore::in_memory().unwrap();
            let meta = RequestMeta::new(HttpMethod::Get, "/api/posts", "203.0.113.7");
            let requests: Vec<_> = (0..3)
                .map(|_| {
                    host.before_request(&meta, &AuthContext::anonymous())
                        .response
                })
                .collect();
            let writes: Vec<_> = [json!({"title": "Hello World"}), json!({"body": "no title"})]
                .into_iter()
                .map(|data| {
                    let run = host
                        .write(
                            &store,
                            "Post",
                            WriteOp::Insert,
                            data,
                            &AuthContext::user("u"),
                        )
                        .unwrap();
                    (run.response, run.row)
                })
                .collect();
            (requests, writes)
        })
        .collect();
    assert_eq!(results[0], results[1]);
    assert!(results[0].0[2].is_some(), "the rate limit answered");
}

#[test]
fn lesstruct_saves_and_logs_alike_with_and_without_a_trace() {
    let results: Vec<_> = MODES
        .iter()
        .map(|&mode| {
            let mut host = LesstructHost::new(test_limits())
                .unwrap()
                .with_trace_mode(mode);
            host.load_file(&wasm_fixture("hello")).unwrap();
            host.load_file(&wat("after_create_traps")).unwrap();
            let run = host.before_save(post("T", json!({"a": 1})));
            host.after_create(&run.content);
            let logged: Vec<(String, String)> = host
                .services()
                .log_lines()
                .into_iter()
                .map(|l| (l.level.to_owned(), l.message))
                .collect();
            (run.saved, run.status, run.content, run.error, logged)
        })
        .collect();
    assert_eq!(results[0], results[1]);
    assert!(
        results[0]
            .4
            .iter()
            .any(|(level, message)| level == "error" && message.contains("after_create")),
        "the after-hook trap is logged: {:?}",
        results[0].4
    );
}

#[test]
fn featherfly_pipelines_fold_alike_with_and_without_a_trace() {
    let results: Vec<_> = MODES
        .iter()
        .map(|&mode| {
            let paths = ["mixin_a", "mixin_b", "mixin_c", "all_hooks"].map(native_fixture);
            let host = FeatherFlyHost::load(&paths, &NativeOptions::default())
                .unwrap()
                .with_trace_mode(mode);
            let json = host
                .json(HttpMethod::Get, "/api/system", br#"{"trail":""}"#)
                .value;
            let config = host.config_mutate(b"debug: false\n").value;
            let request = host
                .request(&NativeRequest {
                    method: HttpMethod::Get,
                    path: "/api/system".into(),
                    headers: vec![("X-Block".into(), "1".into())],
                    body: Vec::new(),
                })
                .response;
            (json, config, request)
        })
        .collect();
    assert_eq!(results[0], results[1]);
}

#[test]
fn rustant_reports_a_block_alike_with_and_without_a_trace() {
    let results: Vec<_> = MODES
        .iter()
        .map(|&mode| {
            let (host, _) = AgentHost::load(
                &SecurityPolicy::default(),
                vec![Box::new(PromptGuard::default())],
            );
            let host = host.with_trace_mode(mode);
            let run = host.run(&hookcheck::rustant::HookContext::llm(
                AgentHookPoint::BeforeLlmRequest,
                "openai",
                json!({"prompt": "my key is sk-123"}),
            ));
            (run.result, run.blocked_by)
        })
        .collect();
    assert_eq!(results[0], results[1]);
    assert!(matches!(
        results[0].0,
        hookcheck::rustant::HookResult::Block(_)
    ));
}
