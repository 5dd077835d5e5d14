//! `RU-*`: the Rustant contract (contracts §4, seed 004).

use hookcheck::engine::{Answer, Failure, Outcome, Trace, call_guarded};
use hookcheck::rustant::{
    AgentHookPoint, AgentHost, AgentRun, HookContext, SecurityPolicy, Version, Violation, validate,
};
use serde_json::json;

use super::subject::{RustantNativeSubject, RustantSubject};
use crate::check::{Basis, Check, Rules, Severity, Verdict};
use crate::coverage::{Coverage, Exercised};
use crate::subject::Subject;
use crate::suite::Suite;

const CATALOG: Rules = Rules {
    exercise: Some(exercise),
    profile: hookcheck::rustant::CONTRACT,
    source: "docs/contracts/rustant.md (restating Rustant's plugin guide and the agent's code)",
    owners: || CHECKS,
};

fn on_agent(s: &Subject, f: impl FnOnce(&RustantSubject) -> Verdict) -> Verdict {
    agent(s).map_or_else(|v| v, f)
}

/// The in-process plugin, or why `s` has none to call.
fn agent(s: &Subject) -> Result<&RustantSubject, Verdict> {
    if let Some(r) = s.kind::<RustantSubject>() {
        Ok(r)
    } else if s.kind::<RustantNativeSubject>().is_some() {
        Err(Verdict::not_loaded(
            "a native Rustant plugin is never loaded (see RU-NATIVE-001): check it in-process from `cargo test`",
        ))
    } else {
        Err(Verdict::skip("not a Rustant subject"))
    }
}

fn violations(r: &RustantSubject, pick: fn(&Violation) -> bool) -> Verdict {
    let plugin = (r.make)();
    let found = call_guarded(|| {
        let meta = plugin.metadata();
        validate(
            &meta,
            plugin.tools().len(),
            plugin.hooks().len(),
            &SecurityPolicy::default(),
        )
    });
    match found {
        Err(f) => Verdict::fail(format!("metadata, tools or hooks {f}")),
        Ok(v) => match v.iter().find(|v| pick(v)) {
            Some(v) => Verdict::fail(v.to_string()),
            None => Verdict::pass("the validator finds nothing"),
        },
    }
}

const RU_META_001: Check = CATALOG.check(
    "RU-META-001",
    "metadata is valid",
    "A plugin gives metadata: name, version, description, author, minimum core version, capabilities.",
    Severity::Required,
    "rustant:bad_metadata",
    ru_meta_001,
)
.on_host(
    Basis::Both,
    "rustant-plugins/src/security.rs:71-78 (an empty name or version is an error)",
);

fn ru_meta_001(s: &Subject) -> Verdict {
    on_agent(s, |r| {
        let plugin = (r.make)();
        let meta = plugin.metadata();
        for (field, value) in [("name", &meta.name), ("version", &meta.version)] {
            if value.is_empty() {
                return Verdict::fail(format!(
                    "{field} is empty: the agent turns the plugin away (`Plugin {field} cannot be empty`)"
                ));
            }
        }
        Verdict::pass(format!("`{}` {}", meta.name, meta.version))
    })
}

const RU_META_002: Check = CATALOG
    .check(
        "RU-META-002",
        "min_core_version is a version",
        "PluginMetadata.min_core_version: the minimum core version, a semver range.",
        Severity::Recommended,
        "rustant:bad_metadata",
        ru_meta_002,
    )
    .on_host(
        Basis::Docs,
        "rustant-plugins/src/security.rs:138-153 (pieces that are not numbers are dropped)",
    );
fn ru_meta_002(s: &Subject) -> Verdict {
    on_agent(s, |r| {
        let plugin = (r.make)();
        let Some(text) = plugin.metadata().min_core_version else {
            return Verdict::pass("no minimum core version");
        };
        match Version::parse(&text) {
            Some(v) => Verdict::pass(format!("needs core {v}")),
            None if text.is_empty() => Verdict::pass("no minimum core version"),
            None => Verdict::fail(format!(
                "min_core_version `{text}` is not a version; the agent reads it as {} and loads the plugin",
                Version::parse_lenient(&text)
            )),
        }
    })
}

const RU_CAP_001: Check = CATALOG.check(
    "RU-CAP-001",
    "declares only allowed capabilities",
    "The PluginSecurityValidator verifies that plugins only request capabilities they need.",
    Severity::Recommended,
    "rustant:network_hungry",
    ru_cap_001,
)
.on_host(
    Basis::Docs,
    "rustant-plugins/src/security.rs:92-108 (FileSystem, Network, Shell and Secret capabilities are warnings, dropped unlogged by the manager)",
);

fn ru_cap_001(s: &Subject) -> Verdict {
    on_agent(s, |r| {
        violations(r, |v| matches!(v, Violation::CapabilityNotAllowed { .. }))
    })
}

const RU_CAP_002: Check = CATALOG.check(
    "RU-CAP-002",
    "stays within its declared scope",
    "The validator blocks plugins that exceed their declared scope (tools need ToolRegistration, hooks HookRegistration).",
    Severity::Recommended,
    "rustant:undeclared_tools",
    ru_cap_002,
)
.on_host(
    Basis::Docs,
    "rustant-plugins/src/security.rs:61-127 (no scope check exists in the agent's validator)",
);

fn ru_cap_002(s: &Subject) -> Verdict {
    on_agent(s, |r| {
        violations(r, |v| matches!(v, Violation::ExceedsDeclaredScope { .. }))
    })
}

const RU_LOAD_001: Check = CATALOG.check(
    "RU-LOAD-001",
    "on_load succeeds",
    "async fn on_load(&mut self) -> Result<(), PluginError>.",
    Severity::Required,
    "rustant:failing_on_load",
    ru_load_001,
);

fn ru_load_001(s: &Subject) -> Verdict {
    on_agent(s, |r| {
        let mut plugin = (r.make)();
        match call_guarded(|| plugin.on_load()) {
            Ok(Ok(())) => Verdict::pass("on_load succeeds"),
            Ok(Err(e)) => Verdict::failed(
                Failure::Plugin {
                    message: e.to_string(),
                },
                format!("on_load failed: {e}"),
            ),
            Err(f) => {
                let evidence = format!("on_load {f}");
                Verdict::failed(f, evidence)
            }
        }
    })
}
/// The shared exercise: every hook point fired with the agent's standard
/// contexts, once per run (the subject's copies share it).
fn exercise(s: &Subject) -> Result<Vec<(String, &Trace)>, Verdict> {
    let r = agent(s)?;
    Ok(runs(r)?
        .iter()
        .map(|(l, run)| (l.clone(), &run.trace))
        .collect())
}

/// The exercise's runs, labelled, made on first use.
fn runs(r: &RustantSubject) -> Result<&[(String, AgentRun)], Verdict> {
    r.runs
        .get_or_init(|| run_points(r))
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

fn run_points(r: &RustantSubject) -> Result<Vec<(String, AgentRun)>, Verdict> {
    let policy = SecurityPolicy {
        allowed_capabilities: [
            hookcheck::rustant::Capability::ToolRegistration,
            hookcheck::rustant::Capability::HookRegistration,
            hookcheck::rustant::Capability::FileSystemAccess,
            hookcheck::rustant::Capability::NetworkAccess,
            hookcheck::rustant::Capability::ShellExecution,
            hookcheck::rustant::Capability::SecretAccess,
        ]
        .into_iter()
        .collect(),
        ..SecurityPolicy::default()
    };
    let (host, report) = AgentHost::load(&policy, vec![(r.make)()]);
    if let Some((name, why)) = report.blocked.first() {
        return Err(Verdict::not_loaded(format!(
            "`{name}` does not load: {}",
            why.join("; ")
        )));
    }
    Ok(AgentHookPoint::ALL
        .into_iter()
        .flat_map(standard_contexts)
        .enumerate()
        .map(|(i, ctx)| (format!("{} run #{i}", ctx.point.name()), host.run(&ctx)))
        .collect())
}

/// The contexts the agent's own constructors build for `point`
/// (rustant-plugins/src/hooks.rs:47-97), with the data a run would carry.
fn standard_contexts(point: AgentHookPoint) -> Vec<HookContext> {
    use AgentHookPoint::*;
    match point {
        BeforeToolExecution | AfterToolExecution => vec![
            HookContext::tool(point, "search", json!({"args": ["rust"]})),
            HookContext::tool(point, "shell", json!({"args": []})),
        ],
        BeforeLlmRequest | AfterLlmResponse => vec![
            HookContext::llm(
                point,
                "openai",
                json!({"prompt": "summarize this", "model": "m"}),
            ),
            HookContext::llm(point, "openai", json!({"prompt": "use key sk-test-123"})),
        ],
        OnSessionStart | OnSessionEnd => vec![HookContext::session(point, "s1")],
        OnError => vec![HookContext::error("tool `search` failed: timeout")],
    }
}

const RU_HOOK_001: Check = CATALOG
    .row(
        "RU-HOOK-001",
        "hooks do not panic",
        "Each hook returns a HookResult: Continue, Block(reason) or Modified.",
        Severity::Required,
        "rustant:panicky_hook",
        "no hook panicked",
        |e| !matches!(e.failure, Failure::HostFault { .. }),
    )
    .on_host(
        Basis::Both,
        "rustant-plugins/src/hooks.rs:140-156 (hooks are called directly; no catch_unwind in the crate)",
    )
    .noting("hookcheck caught it, the agent would not: rustant-plugins has no catch_unwind (hooks.rs:140-156), so the panic unwinds into whatever fires the hook");

const RU_HOOK_002: Check = CATALOG
    .check(
        "RU-HOOK-002",
        "does not count on Modified",
        "Modified — continue with modified context.",
        Severity::Recommended,
        "rustant:relies_on_modified",
        ru_hook_002,
    )
    .on_host(
        Basis::Both,
        "rustant-plugins/src/hooks.rs:101-109, 140-156 (Modified is a unit variant; every hook gets the same &HookContext)",
    );
fn ru_hook_002(s: &Subject) -> Verdict {
    on_agent(s, |r| match runs(r) {
        Err(v) => v,
        Ok(runs) => {
            for (_, run) in runs {
                for step in &run.trace.steps {
                    if matches!(step.outcome, Outcome::Modified { .. }) {
                        return Verdict::fail(format!(
                            "`{}` returned Modified at {}: on the agent Modified is only a flag — it carries no data, and later hooks and the caller see the same immutable context (hooks.rs:101-109, 140-156); to stop an action return Block with a reason",
                            step.plugin, step.hook
                        ));
                    }
                }
            }
            let calls = runs
                .iter()
                .map(|(_, r)| crate::tally::returned(&r.trace))
                .sum();
            Verdict::pass(format!("no Modified over {calls} hook calls")).with_calls(calls)
        }
    })
}

const RU_NATIVE_001: Check = CATALOG.check(
    "RU-NATIVE-001",
    "native plugin built by the host's compiler",
    "Native plugins export rustant_plugin_create returning a boxed Rust trait object — only sound when plugin and host are built by the same compiler with the same crate versions.",
    Severity::Required,
    "native-foreign-rustc:rustant_native",
    ru_native_001,
);

fn ru_native_001(s: &Subject) -> Verdict {
    if s.kind::<RustantSubject>().is_some() {
        return Verdict::pass("in-process: the same compiler built plugin and host");
    }
    let Some(n) = s.kind::<RustantNativeSubject>() else {
        return Verdict::skip("not a Rustant subject");
    };
    {
        match (&n.plugin_rustc, &n.host_rustc) {
            (Some(p), Some(h)) if p == h => Verdict::pass(format!(
                "built by {p}, as the host is; a boxed trait object across the boundary is still sound only with identical crate versions too"
            )),
            (Some(p), Some(h)) => Verdict::fail(format!(
                "`rustant_plugin_create` returns Box<dyn Plugin>, whose layout and vtable belong to one compiler build: the plugin was built by `{p}`, the host by `{h}`; loading it is undefined behaviour, so it is not loaded"
            )),
            (None, _) => Verdict::fail(
                "the library carries no `rustc version` in .comment: its compiler cannot be matched to the host's, and Box<dyn Plugin> is unsound across compilers",
            ),
            (Some(p), None) => Verdict::skip(format!(
                "built by {p}; this host's own compiler version is unknown"
            )),
        }
    }
}

/// The suite: these checks, with the coverage of the shared exercise.
pub(crate) const SUITE: Suite = Suite {
    contract: CATALOG.profile,
    checks: CHECKS,
    coverage: suite_coverage,
};

fn suite_coverage(s: &Subject) -> Coverage {
    if let Some(r) = s.kind::<RustantSubject>() {
        coverage(r)
    } else if s.kind::<RustantNativeSubject>().is_some() {
        Coverage::nothing(
            "a native Rustant plugin is only read, never loaded (see RU-NATIVE-001): check it in-process from `cargo test`",
        )
    } else {
        Coverage::nothing("not a Rustant subject")
    }
}

const CHECKS: &[Check] = &[
    RU_META_001,
    RU_META_002,
    RU_CAP_001,
    RU_CAP_002,
    RU_LOAD_001,
    RU_HOOK_001,
    RU_HOOK_002,
    RU_NATIVE_001,
];

/// Said with every Rustant run: the agent at the pinned commit never fires
/// a plugin hook (see `hookcheck divergences --profile rustant`).
const NOTHING_FIRES: &str = "hookcheck fires every point as seed 004 describes; the agent at 2884e16 fires none (nothing outside rustant-plugins creates a PluginManager: rustant-cli/src/commands.rs:1856-1890)";

/// Which of the plugin's registered hook points the standard agent data
/// reached.
pub(crate) fn coverage(r: &RustantSubject) -> Coverage {
    let points: Vec<AgentHookPoint> = match call_guarded(|| (r.make)().hooks()) {
        Ok(hooks) => hooks.into_iter().map(|(p, _)| p).collect(),
        Err(f) => return Coverage::nothing(format!("hooks() {f}")),
    };
    let mut entries: Vec<(AgentHookPoint, Exercised)> = Vec::new();
    for point in points {
        if !entries.iter().any(|(p, _)| *p == point) {
            let answerable: &'static [Answer] = &[Answer::Continue, Answer::Cancel];
            entries.push((point, Exercised::answering(point.name(), answerable)));
        }
    }
    let runs = match runs(r) {
        Ok(runs) => runs,
        Err(v) => return Coverage::nothing(v.evidence),
    };
    for (label, run) in runs {
        for (point, entry) in &mut entries {
            let steps = run
                .trace
                .steps
                .iter()
                .filter(|s| s.hook == point.spec().point);
            entry.add_steps(label, steps);
        }
    }
    Coverage {
        registrations: entries.into_iter().map(|(_, e)| e).collect(),
        note: Some(NOTHING_FIRES.to_owned()),
        notices: Vec::new(),
    }
}
