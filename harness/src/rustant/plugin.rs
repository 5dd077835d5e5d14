//! The Rustant plugin trait, metadata and hook types.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::contract::HOOKS;
use crate::engine::{HookSpec, hook};

/// A capability a plugin declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Capability {
    /// May register tools.
    ToolRegistration,
    /// May register hooks.
    HookRegistration,
    /// May touch the filesystem.
    FileSystemAccess,
    /// May make network requests.
    NetworkAccess,
    /// May run shell commands.
    ShellExecution,
    /// May read stored credentials.
    SecretAccess,
}

/// The seven points an agent plugin can hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgentHookPoint {
    /// Before a tool runs.
    BeforeToolExecution,
    /// After a tool completes.
    AfterToolExecution,
    /// Before sending to the LLM.
    BeforeLlmRequest,
    /// After the LLM responds.
    AfterLlmResponse,
    /// When a session begins.
    OnSessionStart,
    /// When a session ends.
    OnSessionEnd,
    /// When an error occurs.
    OnError,
}

impl AgentHookPoint {
    /// All seven points.
    pub const ALL: [AgentHookPoint; 7] = [
        Self::BeforeToolExecution,
        Self::AfterToolExecution,
        Self::BeforeLlmRequest,
        Self::AfterLlmResponse,
        Self::OnSessionStart,
        Self::OnSessionEnd,
        Self::OnError,
    ];

    /// The point's name as the contract spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::BeforeToolExecution => "BeforeToolExecution",
            Self::AfterToolExecution => "AfterToolExecution",
            Self::BeforeLlmRequest => "BeforeLlmRequest",
            Self::AfterLlmResponse => "AfterLlmResponse",
            Self::OnSessionStart => "OnSessionStart",
            Self::OnSessionEnd => "OnSessionEnd",
            Self::OnError => "OnError",
        }
    }

    /// The point's row in the Rustant hook table.
    pub fn spec(self) -> &'static HookSpec {
        match self {
            Self::BeforeToolExecution => const { hook(HOOKS, "BeforeToolExecution") },
            Self::AfterToolExecution => const { hook(HOOKS, "AfterToolExecution") },
            Self::BeforeLlmRequest => const { hook(HOOKS, "BeforeLlmRequest") },
            Self::AfterLlmResponse => const { hook(HOOKS, "AfterLlmResponse") },
            Self::OnSessionStart => const { hook(HOOKS, "OnSessionStart") },
            Self::OnSessionEnd => const { hook(HOOKS, "OnSessionEnd") },
            Self::OnError => const { hook(HOOKS, "OnError") },
        }
    }
}

/// What a hook tells the agent (rustant-plugins/src/hooks.rs:101-109).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HookResult {
    /// Allow execution to proceed.
    Continue,
    /// Stop the chain and the action, with a reason.
    Block(String),
    /// The documents say "continue with modified context"; on the agent it
    /// is only a flag: it carries no data and the context every hook sees
    /// is the same immutable value.
    Modified,
}

/// What every hook at a point sees, exactly as the agent builds it
/// (rustant-plugins/src/hooks.rs:29-97): one immutable value shared by the
/// whole chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HookContext {
    /// The point being run.
    pub point: AgentHookPoint,
    /// The tool or LLM provider's name.
    pub name: Option<String>,
    /// The tool's arguments, or the LLM request.
    pub input: Option<Value>,
    /// The LLM response (for points other than `BeforeLlmRequest`).
    pub output: Option<Value>,
    /// The error, at `OnError`.
    pub error: Option<String>,
    /// The session, at `OnSessionStart` / `OnSessionEnd`.
    pub session_id: Option<String>,
}

impl HookContext {
    /// A context with only the point set.
    pub fn new(point: AgentHookPoint) -> Self {
        Self {
            point,
            name: None,
            input: None,
            output: None,
            error: None,
            session_id: None,
        }
    }

    /// A tool point's context: the tool's name and its arguments as input.
    pub fn tool(point: AgentHookPoint, name: &str, args: Value) -> Self {
        Self {
            name: Some(name.to_owned()),
            input: Some(args),
            ..Self::new(point)
        }
    }

    /// An LLM point's context: the provider's name, and the data as input
    /// at `BeforeLlmRequest`, as output at every other point.
    pub fn llm(point: AgentHookPoint, provider: &str, data: Value) -> Self {
        let (input, output) = if point == AgentHookPoint::BeforeLlmRequest {
            (Some(data), None)
        } else {
            (None, Some(data))
        };
        Self {
            name: Some(provider.to_owned()),
            input,
            output,
            ..Self::new(point)
        }
    }

    /// A session point's context: only the session id.
    pub fn session(point: AgentHookPoint, id: &str) -> Self {
        Self {
            session_id: Some(id.to_owned()),
            ..Self::new(point)
        }
    }

    /// The `OnError` context: only the message.
    pub fn error(message: &str) -> Self {
        Self {
            error: Some(message.to_owned()),
            ..Self::new(AgentHookPoint::OnError)
        }
    }
}

/// One hook handler, as the agent's `Hook` trait has it: it reads the
/// shared context and answers.
pub trait Hook: Send + Sync {
    /// Runs the hook.
    fn execute(&self, ctx: &HookContext) -> HookResult;

    /// The hook's name (the agent never reads it).
    fn name(&self) -> &str {
        "hook"
    }
}

impl<F> Hook for F
where
    F: Fn(&HookContext) -> HookResult + Send + Sync,
{
    fn execute(&self, ctx: &HookContext) -> HookResult {
        self(ctx)
    }
}

/// A tool a plugin adds to the agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolDef {
    /// The tool's name.
    pub name: String,
    /// What it does.
    pub description: String,
}

/// What a plugin says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginMetadata {
    /// The plugin's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// A description.
    #[serde(default)]
    pub description: String,
    /// Its author.
    #[serde(default)]
    pub author: String,
    /// The oldest agent core it runs on (`x.y.z`); optional, as on the
    /// agent (rustant-plugins/src/lib.rs:51-52).
    #[serde(default)]
    pub min_core_version: Option<String>,
    /// The capabilities it declares.
    pub capabilities: Vec<Capability>,
}

/// An error from `on_load` / `on_unload`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentError(pub String);

impl fmt::Display for AgentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Rustant plugin. The real agent's trait is `async`; hookcheck drives
/// these methods synchronously, which a plugin cannot tell apart.
pub trait AgentPlugin: Send + Sync {
    /// The plugin's metadata, returned by value as the agent's trait has
    /// it (rustant-plugins/src/lib.rs:61; the documents show a reference).
    fn metadata(&self) -> PluginMetadata;

    /// Called once when the agent loads the plugin.
    fn on_load(&mut self) -> Result<(), AgentError> {
        Ok(())
    }

    /// Called once when the agent unloads the plugin.
    fn on_unload(&mut self) -> Result<(), AgentError> {
        Ok(())
    }

    /// Tools the plugin adds.
    fn tools(&self) -> Vec<ToolDef> {
        Vec::new()
    }

    /// Hooks the plugin registers.
    fn hooks(&self) -> Vec<(AgentHookPoint, Box<dyn Hook>)> {
        Vec::new()
    }
}
