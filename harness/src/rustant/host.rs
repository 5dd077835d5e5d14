//! The Rustant host side: validation, loading, and the hook chain.

use super::plugin::{AgentHookPoint, AgentPlugin, Hook, HookContext, HookResult, ToolDef};
use super::validator::{SecurityPolicy, validate};
use crate::engine::{Outcome, Pipeline, Trace, TraceMode, call_guarded};

struct Loaded {
    name: String,
    tools: Vec<ToolDef>,
    plugin: Box<dyn AgentPlugin>,
}

struct Registered {
    point: AgentHookPoint,
    plugin: String,
    hook: Box<dyn Hook>,
}

/// Which plugins loaded and which were turned away, with the reasons.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Loaded plugin names, in order.
    pub loaded: Vec<String>,
    /// Turned-away plugins with every reason.
    pub blocked: Vec<(String, Vec<String>)>,
    /// Loaded plugins that break the documents' rules, which the agent
    /// only warns about (capabilities outside the policy, an undeclared
    /// scope, `allowed_plugins`, a min_core_version that is not a version).
    pub warnings: Vec<(String, Vec<String>)>,
}

/// The result of running one hook point.
#[derive(Debug)]
pub struct AgentRun {
    /// `Block(reason)` if a hook blocked, else `Modified` if any hook
    /// modified the context, else `Continue`.
    pub result: HookResult,
    /// The plugin that blocked, if one did.
    pub blocked_by: Option<String>,
    /// Every step.
    pub trace: Trace,
}

/// A Rustant agent's plugin manager: validated plugins and their hooks.
pub struct AgentHost {
    plugins: Vec<Loaded>,
    hooks: Vec<Registered>,
    trace_mode: TraceMode,
    unloaded: bool,
}

impl std::fmt::Debug for AgentHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.plugins.iter().map(|p| p.name.as_str()).collect();
        f.debug_struct("AgentHost")
            .field("plugins", &names)
            .finish()
    }
}

impl AgentHost {
    /// Validates each plugin against `policy` and loads the ones the agent
    /// would, in order. A plugin with an empty name or version, a blocked
    /// name, a too-new `min_core_version`, a name already loaded, or a
    /// failing or panicking `on_load` is turned away; what only the
    /// documents forbid is a warning. The report says which.
    pub fn load(policy: &SecurityPolicy, plugins: Vec<Box<dyn AgentPlugin>>) -> (Self, LoadReport) {
        let mut host = Self {
            plugins: Vec::new(),
            hooks: Vec::new(),
            trace_mode: TraceMode::Full,
            unloaded: false,
        };
        let mut report = LoadReport::default();
        for (index, mut plugin) in plugins.into_iter().enumerate() {
            // As the agent's manager does (rustant-plugins/src/lib.rs:136-178):
            // metadata, the duplicate check, validation, `on_load`, and only
            // then the hooks and tools.
            let meta = match call_guarded(|| plugin.metadata()) {
                Ok(meta) => meta,
                Err(f) => {
                    report
                        .blocked
                        .push((format!("plugin #{index}"), vec![format!("metadata {f}")]));
                    continue;
                }
            };
            if host.plugins.iter().any(|p| p.name == meta.name) {
                report.blocked.push((
                    meta.name.clone(),
                    vec![format!("Plugin already loaded: {}", meta.name)],
                ));
                continue;
            }
            let blocking: Vec<String> = validate(&meta, 0, 0, policy)
                .iter()
                .filter(|v| v.blocks_load())
                .map(ToString::to_string)
                .collect();
            if !blocking.is_empty() {
                report.blocked.push((meta.name, blocking));
                continue;
            }
            match call_guarded(|| plugin.on_load()) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    report
                        .blocked
                        .push((meta.name, vec![format!("on_load failed: {e}")]));
                    continue;
                }
                Err(f) => {
                    report
                        .blocked
                        .push((meta.name, vec![format!("on_load {f}")]));
                    continue;
                }
            }
            let (tools, hooks) = match call_guarded(|| (plugin.tools(), plugin.hooks())) {
                Ok(gathered) => gathered,
                Err(f) => {
                    report
                        .blocked
                        .push((meta.name, vec![format!("tools or hooks {f}")]));
                    continue;
                }
            };
            let warnings: Vec<String> = validate(&meta, tools.len(), hooks.len(), policy)
                .iter()
                .filter(|v| !v.blocks_load())
                .map(ToString::to_string)
                .collect();
            if !warnings.is_empty() {
                report.warnings.push((meta.name.clone(), warnings));
            }
            for (point, hook) in hooks {
                host.hooks.push(Registered {
                    point,
                    plugin: meta.name.clone(),
                    hook,
                });
            }
            report.loaded.push(meta.name.clone());
            host.plugins.push(Loaded {
                name: meta.name,
                tools,
                plugin,
            });
        }
        (host, report)
    }

    /// Sets how much every run records.
    pub fn with_trace_mode(mut self, mode: TraceMode) -> Self {
        self.trace_mode = mode;
        self
    }

    /// The loaded plugins' names, in load order.
    pub fn plugin_names(&self) -> Vec<String> {
        self.plugins.iter().map(|p| p.name.clone()).collect()
    }

    /// Every tool of every loaded plugin, with its plugin's name.
    pub fn tools(&self) -> Vec<(&str, &ToolDef)> {
        self.plugins
            .iter()
            .flat_map(|p| p.tools.iter().map(|t| (p.name.as_str(), t)))
            .collect()
    }

    /// Runs every hook at `ctx.point` in registration order, as the
    /// agent's `HookManager::fire` does (rustant-plugins/src/hooks.rs:140-156):
    /// every hook reads the same immutable context; the first `Block` stops
    /// the chain; `Modified` only sets the result's flag. Unlike the agent,
    /// which has no `catch_unwind`, hookcheck traces a panic by name and
    /// goes on.
    pub fn run(&self, ctx: &HookContext) -> AgentRun {
        let mut trace = Trace::new(self.trace_mode);
        let point = ctx.point;
        let input = serde_json::to_vec(ctx).unwrap_or_default();
        let steps = self.hooks.iter().filter(|r| r.point == point).map(|r| {
            let call = move |current: &[u8]| hook_step(r, ctx, current);
            (r.plugin.as_str(), call)
        });
        let folded = Pipeline::new(point.spec()).run(input, steps, &mut trace);
        let modified = folded.modified;
        let (result, blocked_by) = match folded.stop {
            Some(stop) => match stop.outcome {
                Outcome::Cancel { reason } => (HookResult::Block(reason), Some(stop.plugin)),
                _ => (HookResult::Continue, None),
            },
            None if modified => (HookResult::Modified, None),
            None => (HookResult::Continue, None),
        };
        AgentRun {
            result,
            blocked_by,
            trace,
        }
    }

    /// Calls every loaded plugin's `on_unload` once and returns the failures.
    pub fn unload(&mut self) -> Vec<String> {
        if std::mem::replace(&mut self.unloaded, true) {
            return Vec::new();
        }
        let mut failures = Vec::new();
        for p in &mut self.plugins {
            match call_guarded(|| p.plugin.on_unload()) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(format!("plugin `{}` on_unload failed: {e}", p.name)),
                Err(f) => failures.push(format!("plugin `{}` on_unload {f}", p.name)),
            }
        }
        failures
    }
}

impl Drop for AgentHost {
    fn drop(&mut self) {
        self.unload();
    }
}

/// One hook's call. The context is the shared one; `current` (what the
/// pipeline carries) is always its serialised form, passed on unchanged
/// because nothing a hook returns can change it.
fn hook_step(r: &Registered, ctx: &HookContext, current: &[u8]) -> Outcome {
    match call_guarded(|| r.hook.execute(ctx)) {
        Ok(HookResult::Continue) => Outcome::Continue,
        Ok(HookResult::Block(reason)) => Outcome::Cancel { reason },
        Ok(HookResult::Modified) => Outcome::modified(current.to_vec()),
        Err(failure) => Outcome::error(&r.plugin, ctx.point.spec().point, failure),
    }
}
