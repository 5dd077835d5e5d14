//! The `rustant` contract (contracts §4).

use std::collections::BTreeSet;

use hookcheck::rustant::{
    AgentError, AgentHookPoint, AgentHost, AgentPlugin, Capability, HookResult, PluginMetadata,
    SecurityPolicy, Version, Violation, validate,
};
use hookcheck_fixtures::{
    NetworkHungry, PanickyAgentHook, Redactor, SessionLogger, ToolGuard, UndeclaredTools,
};
use rstest::rstest;
use serde_json::json;

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
        Box::new(Redactor::default()),
        Box::new(logger),
    ]);
    let run = host.run(
        AgentHookPoint::BeforeToolExecution,
        json!({"tool": "shell", "args": ["rm"]}),
    );
    assert_eq!(
        run.result,
        HookResult::Block("tool `shell` is denied by tool_guard".into())
    );
    assert_eq!(run.blocked_by.as_deref(), Some("tool_guard"));
    let allowed = host.run(
        AgentHookPoint::BeforeToolExecution,
        json!({"tool": "search"}),
    );
    assert_eq!(allowed.result, HookResult::Continue);
}

#[test]
fn block_prevents_later_hooks_from_running() {
    let host = load(vec![
        Box::new(ToolGuard::new(&["shell"])),
        Box::new(PanickyAgentHook::default()),
    ]);
    let run = host.run(
        AgentHookPoint::BeforeToolExecution,
        json!({"tool": "shell"}),
    );
    assert_eq!(run.trace.steps.len(), 1);
}

#[test]
fn modified_passes_the_changed_context_on() {
    let host = load(vec![Box::new(Redactor::default())]);
    let run = host.run(
        AgentHookPoint::BeforeLlmRequest,
        json!({"prompt": "use sk-123 now"}),
    );
    assert_eq!(run.result, HookResult::Modified);
    assert_eq!(run.data["prompt"], "use [REDACTED] now");
    let clean = host.run(AgentHookPoint::BeforeLlmRequest, json!({"prompt": "hello"}));
    assert_eq!(clean.result, HookResult::Continue);
    assert_eq!(clean.data["prompt"], "hello");
}

#[test]
fn continue_runs_every_hook_and_hooks_only_fire_at_their_point() {
    let logger = SessionLogger::default();
    let host = load(vec![Box::new(logger.clone())]);
    host.run(AgentHookPoint::OnSessionStart, json!({"session": "s1"}));
    host.run(AgentHookPoint::OnSessionStart, json!({"session": "s2"}));
    host.run(AgentHookPoint::OnSessionEnd, json!({"session": "s1"}));
    assert_eq!(logger.started(), 2);
    assert_eq!(host.tools().len(), 1);
}

#[test]
fn a_panicking_hook_is_traced_and_the_chain_goes_on() {
    let host = load(vec![
        Box::new(PanickyAgentHook::default()),
        Box::new(ToolGuard::new(&["shell"])),
    ]);
    let run = host.run(
        AgentHookPoint::BeforeToolExecution,
        json!({"tool": "shell", "args": []}),
    );
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
        min_core_version: min_core.into(),
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
        Box::new(Redactor::default()),
        Box::new(Redactor::default()),
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
        ["undeclared_tools", "network_hungry", "redactor"]
    );
    let warned: Vec<&str> = report.warnings.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(warned, ["undeclared_tools", "network_hungry"]);
    assert!(
        report.warnings[0].1[0].contains("registers tools (1) without declaring ToolRegistration")
    );
    assert_eq!(report.warnings[1].1.len(), 2, "both capabilities are named");
    // A second `redactor`, an empty version and a too-new core are refused.
    let blocked: Vec<(&str, &str)> = report
        .blocked
        .iter()
        .map(|(n, r)| (n.as_str(), r[0].as_str()))
        .collect();
    assert_eq!(
        blocked,
        [
            ("redactor", "Plugin already loaded: redactor"),
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
    fn metadata(&self) -> &PluginMetadata {
        &self.meta
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
        Box::new(Redactor::default()),
    ]);
    let mut harness = Harness::rustant(host).unwrap();
    assert_eq!(harness.plugin_names(), ["tool_guard", "redactor"]);
    let blocked = harness.hook("BeforeToolExecution", &json!({"tool": "shell"}));
    assert_eq!(blocked.status, Some(403));
    assert_eq!(blocked.trace.steps.len(), 1);
    let redacted = harness.hook("BeforeLlmRequest", &json!({"prompt": "my key is sk-123"}));
    assert_eq!(redacted.status, None);
    assert!(!redacted.body.contains("sk-123"), "{}", redacted.body);
    let unknown = harness.hook("before_save", &json!({}));
    assert_eq!(unknown.status, Some(404));
    assert!(unknown.trace.steps.is_empty());
}
