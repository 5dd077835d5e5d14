//! The Rustant plugin trait, metadata and hook types.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::{HookSpec, RUSTANT_HOOKS, hook};

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
            Self::BeforeToolExecution => const { hook(RUSTANT_HOOKS, "BeforeToolExecution") },
            Self::AfterToolExecution => const { hook(RUSTANT_HOOKS, "AfterToolExecution") },
            Self::BeforeLlmRequest => const { hook(RUSTANT_HOOKS, "BeforeLlmRequest") },
            Self::AfterLlmResponse => const { hook(RUSTANT_HOOKS, "AfterLlmResponse") },
            Self::OnSessionStart => const { hook(RUSTANT_HOOKS, "OnSessionStart") },
            Self::OnSessionEnd => const { hook(RUSTANT_HOOKS, "OnSessionEnd") },
            Self::OnError => const { hook(RUSTANT_HOOKS, "OnError") },
        }
    }
}

/// What a hook tells the agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HookResult {
    /// Allow execution to proceed.
    Continue,
    /// Stop the chain and the action, with a reason.
    Block(String),
    /// Continue with the (modified) context.
    Modified,
}

/// What a hook sees and may change.
#[derive(Clone, Debug, PartialEq)]
pub struct HookContext {
    /// The point being run.
    pub point: AgentHookPoint,
    /// The point's data (tool name and arguments, LLM request, …).
    pub data: Value,
}

/// One hook handler.
pub trait Hook: Send + Sync {
    /// Runs the hook; may change `ctx.data` and then return
    /// [`HookResult::Modified`].
    fn call(&self, ctx: &mut HookContext) -> HookResult;
}

impl<F> Hook for F
where
    F: Fn(&mut HookContext) -> HookResult + Send + Sync,
{
    fn call(&self, ctx: &mut HookContext) -> HookResult {
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
    /// The oldest agent core it runs on (`x.y.z`).
    pub min_core_version: String,
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
    /// The plugin's metadata.
    fn metadata(&self) -> &PluginMetadata;

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
