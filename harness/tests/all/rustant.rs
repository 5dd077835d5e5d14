//! The `rustant` contract (contracts §4).

use std::collections::BTreeSet;

use hookcheck::rustant::{
    AgentError, AgentHookPoint, AgentHost, AgentPlugin, Capability, Hook, HookContext, HookResult,
    PluginMetadata, SecurityPolicy, Version, Violation, validate,
};
use hookcheck_fixtures::{
    NetworkHungry, PanickyAgentHook, PromptGuard, SessionLogger, ToolGuard, UndeclaredTools,
};
use rstest::rstest;
use serde_json::json;

fn tool(name: &str, args: serde_json::Value) -> HookContext {
    HookContext::tool(AgentHookPoint::BeforeToolExecution, name, args)
}

fn load(plugins: Vec<Box<dyn AgentPlugin>>) -> AgentHost {
    let (host, report) = AgentHost::load(&SecurityPolicy::default(), plugins);
    assert!(report.blocked.is_empty(), "{:?}", report.blocked);
    host
}

#[test]
fn block_stops_the_chain_and_names_the_plugin() {
    let logger = SessionLogger::default();
    let host = load(vec![
        Box::new(ToolGuard::new(&["shell"])),
        Box::new(PromptGuard::default()),
        Box::new(logger),
    ]);
    let run = host.run(&tool("shell", json!({"args": ["rm"]})));
    assert_eq!(
        run.result,
        HookResult::Block("tool `shell` is denied by tool_guard".into())
    );
    assert_eq!(run.blocked_by.as_deref(), Some("tool_guard"));
    let allowed = host.run(&tool("search", json!({})));
    assert_eq!(allowed.result, HookResult::Continue);
}

#[test]
fn block_prevents_later_hooks_from_running() {
    let host = load(vec![
        Box::new(ToolGuard::new(&["shell"])),
        Box::new(PanickyAgentHook::default()),
    ]);
    let run = host.run(&tool("shell", json!({})));
    assert_eq!(run.trace.steps.len(), 1);
}

/// Returns `Modified` and remembers every context it was given.
struct Recorder {
    name: &'static str,
    answer: HookResult,
    seen: std::sync::Arc<std::sync::Mutex<Vec<HookContext>>>,
}

impl AgentPlugin for Recorder {
    fn metadata(&self) -> PluginMetadata {
        PluginMetadata {
            name: self.name.into(),
            ..meta(&[Capability::HookRegistration], "1")
        }
    }
    fn hooks(&self) -> Vec<(AgentHookPoint, Box<dyn Hook>)> {
        let (answer, seen) = (self.answer.clone(), self.seen.clone());
        let hook = move |ctx: &HookContext| {
            seen.lock().unwrap().push(ctx.clone());
            answer.clone()
        };
        vec![(AgentHookPoint::BeforeLlmRequest, Box::new(hook))]
    }
}

#[test]
fn modified_is_a_flag_and_every_hook_sees_the_same_context() {
    let seen = std::sync::Arc::default();
    let recorder = |name, answer| Recorder {
        name,
        answer,
        seen: std::sync::Arc::clone(&seen),
    };
    let host = load(vec![
        Box::new(recorder("first", HookResult::Modified)),
        Box::new(recorder("second", HookResult::Continue)),
    ]);
    let ctx = HookContext::llm(
        AgentHookPoint::BeforeLlmRequest,
        "openai",
        json!({"prompt": "hi"}),
    );
    let run = host.run(&ctx);
    assert_eq!(run.result, HookResult::Modified);
    assert_eq!(*seen.lock().unwrap(), [ctx.clone(), ctx.clone()]);
    // The context as the agent's constructors build it (hooks.rs:47-97).
    assert_eq!(ctx.input, Some(json!({"prompt": "hi"})));
    let after = HookContext::llm(AgentHookPoint::AfterLlmResponse, "openai", json!("ok"));
    assert_eq!((after.input, after.output), (None, Some(json!("ok"))));
    assert_eq!(HookContext::error("x").point, AgentHookPoint::OnError);
}

#[test]
fn block_with_a_reason_is_how_a_hook_keeps_a_key_from_leaving() {
    let host = load(vec![Box::new(PromptGuard::default())]);
    let llm = |prompt| {
        HookContext::llm(
            AgentHookPoint::BeforeLlmRequest,
            "openai",
            json!({ "prompt": prompt }),
        )
    };
    let run = host.run(&llm("use sk-123 now"));
    assert!(
        matches!(run.result, HookResult::Block(_)),
        "{:?}",
        run.result
    );
    assert_eq!(host.run(&llm("hello")).result, HookResult::Continue);
}

#[test]
fn continue_runs_every_hook_and_hooks_only_fire_at_their_point() {
    let logger = SessionLogger::default();
    let host = load(vec![Box::new(logger.clone())]);
    host.run(&HookContext::session(AgentHookPoint::OnSessionStart, "s1"));
    host.run(&HookContext::session(AgentHookPoint::OnSessionStart, "s2"));
    host.run(&HookContext::session(AgentHookPoint::OnSessionEnd, "s1"));
    assert_eq!(logger.started(), 2);
    assert_eq!(host.tools().len(), 1);
}

#[test]
fn a_panicking_hook_is_traced_and_the_chain_goes_on() {
    let host = load(vec![
        Box::new(PanickyAgentHook::default()),
        Box::new(ToolGuard::new(&["shell"])),
    ]);
    let run = host.run(&tool("shell", json!({"args": []})));
    let first = run.trace.steps[0].outcome.to_string();
    assert!(
        first.contains("plugin `panicky_hook` panicked in BeforeToolExecution"),
        "{first}"
    );
    assert_eq!(run.blocked_by.as_deref(), Some("tool_guard"));
}

fn meta(caps: &[Capability], min_core: &str) -> PluginMetadata {
    PluginMetadata {
        name: "p".into(),
        version: "1.0.0".into(),
        description: String::new(),
        author: String::new(),
        min_core_version: Some(min_core.into()),
        capabilities: caps.to_vec(),
    }
}

#[rstest]
#[case::clean(meta(&[Capability::HookRegistration], "1.0"), 0, 1, SecurityPolicy::default(), vec![])]
#[case::capability_not_allowed(meta(&[Capability::ShellExecution], "1.0"), 0, 0, SecurityPolicy::default(),
    vec![Violation::CapabilityNotAllowed { capability: Capability::ShellExecution }])]
#[case::tools_without_declaring(meta(&[], "1.0"), 2, 0, SecurityPolicy::default(),
    vec![Violation::ExceedsDeclaredScope { capability: Capability::ToolRegistration, evidence: "registers tools (2)".into() }])]
#[case::hooks_without_declaring(meta(&[Capability::ToolRegistration], "1.0"), 1, 3, SecurityPolicy::default(),
    vec![Violation::ExceedsDeclaredScope { capability: Capability::HookRegistration, evidence: "registers hooks (3)".into() }])]
#[case::core_too_old(meta(&[], "2.1.0"), 0, 0, SecurityPolicy::default(),
    vec![Violation::CoreTooOld { required: "2.1.0".into(), actual: Version(1, 0, 0) }])]
#[case::bad_version(meta(&[], "latest"), 0, 0, SecurityPolicy::default(),
    vec![Violation::BadVersion { text: "latest".into() }])]
#[case::empty_name(PluginMetadata { name: String::new(), ..meta(&[], "1") }, 0, 0, SecurityPolicy::default(),
    vec![Violation::Empty { field: "name" }])]
#[case::blocked_name(meta(&[], "1"), 0, 0, SecurityPolicy { blocked_plugins: BTreeSet::from(["p".to_owned()]), ..SecurityPolicy::default() },
    vec![Violation::Blocked { plugin: "p".into() }])]
#[case::not_in_allowed_plugins(meta(&[], "1"), 0, 0, SecurityPolicy { allowed_plugins: Some(BTreeSet::from(["q".to_owned()])), ..SecurityPolicy::default() },
    vec![Violation::NotAllowed { plugin: "p".into() }])]
#[case::in_allowed_plugins(meta(&[], "1"), 0, 0, SecurityPolicy { allowed_plugins: Some(BTreeSet::from(["p".to_owned()])), ..SecurityPolicy::default() },
    vec![])]
fn validator_rules(
    #[case] meta: PluginMetadata,
    #[case] tools: usize,
    #[case] hooks: usize,
    #[case] policy: SecurityPolicy,
    #[case] expected: Vec<Violation>,
) {
    assert_eq!(validate(&meta, tools, hooks, &policy), expected);
}

#[test]
fn the_agent_loads_what_only_the_documents_forbid_with_warnings_and_turns_away_what_it_refuses() {
    let mut empty_version = meta(&[], "1");
    empty_version.name = "no_version".into();
    empty_version.version = String::new();
    let mut too_new = meta(&[], "2.0.0");
    too_new.name = "too_new".into();
    let plugins: Vec<Box<dyn AgentPlugin>> = vec![
        Box::new(UndeclaredTools::default()),
        Box::new(NetworkHungry::default()),
        Box::new(PromptGuard::default()),
        Box::new(PromptGuard::default()),
        Box::new(Lifecycle {
            meta: empty_version,
            fail_load: false,
            unloaded: std::sync::Arc::default(),
        }),
        Box::new(Lifecycle {
            meta: too_new,
            fail_load: false,
            unloaded: std::sync::Arc::default(),
        }),
    ];
    let (host, report) = AgentHost::load(&SecurityPolicy::default(), plugins);
    // Scopes and capabilities outside the policy are warnings on the agent.
    assert_eq!(
        report.loaded,
        ["undeclared_tools", "network_hungry", "prompt_guard"]
    );
    let warned: Vec<&str> = report.warnings.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(warned, ["undeclared_tools", "network_hungry"]);
    assert!(
        report.warnings[0].1[0].contains("registers tools (1) without declaring ToolRegistration")
    );
    assert_eq!(report.warnings[1].1.len(), 2, "both capabilities are named");
    // A second `prompt_guard`, an empty version and a too-new core are refused.
    let blocked: Vec<(&str, &str)> = report
        .blocked
        .iter()
        .map(|(n, r)| (n.as_str(), r[0].as_str()))
        .collect();
    assert_eq!(
        blocked,
        [
            ("prompt_guard", "Plugin already loaded: prompt_guard"),
            ("no_version", "plugin version cannot be empty"),
            ("too_new", "needs core 2.0.0 or newer, the agent is 1.0.0"),
        ]
    );
    assert_eq!(host.tools().len(), 1, "undeclared_tools's tool registers");
}

#[test]
fn min_core_version_is_read_as_the_agent_reads_it() {
    assert_eq!(Version::parse_lenient(">=2.0.0"), Version(0, 0, 0));
    assert_eq!(Version::parse_lenient("v1.2.3"), Version(2, 3, 0));
    assert_eq!(Version::parse_lenient("1.0.2-beta"), Version(1, 0, 0));
    assert_eq!(Version::parse_lenient("1.0.1.9"), Version(1, 0, 1));
    assert_eq!(Version::parse_lenient(""), Version(0, 0, 0));
}

struct Lifecycle {
    meta: PluginMetadata,
    fail_load: bool,
    unloaded: std::sync::Arc<std::sync::atomic::AtomicBool>,
}
impl AgentPlugin for Lifecycle {
    fn metadata(&self) -> PluginMetadata {
        self.meta.clone()
    }
    fn on_load(&mut self) -> Result<(), AgentError> {
        if self.fail_load {
            Err(AgentError("no api key".into()))
        } else {
            Ok(())
        }
    }
    fn on_unload(&mut self) -> Result<(), AgentError> {
        self.unloaded
            .store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

#[test]
fn on_load_failure_blocks_and_on_unload_runs_once_at_drop() {
    let unloaded = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ok = Lifecycle {
        meta: meta(&[], "1"),
        fail_load: false,
        unloaded: unloaded.clone(),
    };
    let mut bad_meta = meta(&[], "1");
    bad_meta.name = "bad".into();
    let bad = Lifecycle {
        meta: bad_meta,
        fail_load: true,
        unloaded: Default::default(),
    };
    let (host, report) = AgentHost::load(
        &SecurityPolicy::default(),
        vec![Box::new(ok), Box::new(bad)],
    );
    assert_eq!(
        report.blocked,
        [(
            "bad".to_owned(),
            vec!["on_load failed: no api key".to_owned()]
        )]
    );
    assert!(!unloaded.load(std::sync::atomic::Ordering::SeqCst));
    drop(host);
    assert!(unloaded.load(std::sync::atomic::Ordering::SeqCst));
}

#[test]
fn a_harness_plays_the_agent_host_through_the_seam() {
    use hookcheck::replay::Harness;
    let host = load(vec![
        Box::new(ToolGuard::new(&["shell"])),
        Box::new(PromptGuard::default()),
    ]);
    let mut harness = Harness::rustant(host).unwrap();
    assert_eq!(harness.plugin_names(), ["tool_guard", "prompt_guard"]);
    let blocked = harness.hook("BeforeToolExecution", &json!({"name": "shell"}));
    assert_eq!(blocked.status, Some(403));
    assert_eq!(blocked.trace.steps.len(), 1);
    // A value without the context's fields is the context's input.
    let guarded = harness.hook("BeforeLlmRequest", &json!({"prompt": "my key is sk-123"}));
    assert_eq!(guarded.status, Some(403));
    let clean = harness.hook("BeforeLlmRequest", &json!({"prompt": "hello"}));
    assert_eq!(clean.status, None);
    let answer: serde_json::Value = serde_json::from_str(&clean.body).unwrap();
    assert_eq!(answer["point"], "BeforeLlmRequest");
    assert_eq!(answer["input"], json!({"prompt": "hello"}));
    let unknown = harness.hook("before_save", &json!({}));
    assert_eq!(unknown.status, Some(404));
    assert!(unknown.trace.steps.is_empty());
}
