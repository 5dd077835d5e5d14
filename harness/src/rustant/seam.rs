//! The Rustant host on the host seam: an agent's hooks are called directly
//! by hook point name ([`ContractHost::hook`]); Rustant has no HTTP events.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::host::AgentHost;
use super::plugin::{AgentHookPoint, HookContext, HookResult};
use crate::Result;
use crate::engine::{Contract, Profile, Trace};
use crate::host::{ContractHost, HookAnswer, HostEntry, LoadOptions};

/// Rustant plugins are in-process values: the harness takes a built
/// [`AgentHost`] (`Harness::rustant`), never files.
pub const HOST: HostEntry = HostEntry {
    profile: super::contract::PROFILE,
    load_dir,
    load_files,
    divergences: super::divergences::DIVERGENCES,
};

const IN_PROCESS: &str = "rustant plugins are in-process values: build an `AgentHost` and use `Harness::rustant`, or check a native plugin with `hookcheck conformance`";

fn load_dir(_: &Path, _: &LoadOptions) -> Result<Box<dyn ContractHost>> {
    Err(HostEntry::unsupported(
        super::contract::CONTRACT,
        IN_PROCESS,
    ))
}

fn load_files(_: &[PathBuf], _: &LoadOptions) -> Result<Box<dyn ContractHost>> {
    Err(HostEntry::unsupported(
        super::contract::CONTRACT,
        IN_PROCESS,
    ))
}

impl ContractHost for AgentHost {
    fn contract(&self) -> Contract {
        super::contract::CONTRACT
    }

    fn profile(&self) -> Profile {
        super::contract::PROFILE
    }

    fn plugin_names(&self) -> Vec<String> {
        AgentHost::plugin_names(self)
    }

    fn hook(&mut self, hook: &str, data: &Value, trace: &mut Trace) -> Option<HookAnswer> {
        let point = AgentHookPoint::ALL.into_iter().find(|p| p.name() == hook)?;
        let ctx = context(point, data);
        let run = self.run(&ctx);
        trace.absorb(run.trace);
        Some(HookAnswer {
            value: serde_json::to_value(&ctx).unwrap_or(Value::Null),
            stopped: match run.result {
                HookResult::Block(reason) => Some(reason),
                HookResult::Continue | HookResult::Modified => None,
            },
        })
    }
}

/// The context for `data`: an object with any of the context's fields
/// (`name`, `input`, `output`, `error`, `session_id`) fills them; any other
/// value is the context's `input`.
fn context(point: AgentHookPoint, data: &Value) -> HookContext {
    const FIELDS: [&str; 5] = ["name", "input", "output", "error", "session_id"];
    let text = |key: &str| data.get(key).and_then(Value::as_str).map(str::to_owned);
    let value = |key: &str| data.get(key).filter(|v| !v.is_null()).cloned();
    match data.as_object() {
        Some(map) if map.keys().any(|k| FIELDS.contains(&k.as_str())) => HookContext {
            point,
            name: text("name"),
            input: value("input"),
            output: value("output"),
            error: text("error"),
            session_id: text("session_id"),
        },
        _ => HookContext {
            input: Some(data.clone()),
            ..HookContext::new(point)
        },
    }
}
