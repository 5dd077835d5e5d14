//! The `rustant` contract: agent plugins with hooks at seven points and a
//! capability validator (contracts §4).

mod contract;
mod divergences;
mod host;
mod plugin;
mod seam;
mod validator;

pub use contract::{CONTRACT, HOOKS, PROFILE};
pub use host::{AgentHost, AgentRun, LoadReport};
pub use plugin::{
    AgentError, AgentHookPoint, AgentPlugin, Capability, Hook, HookContext, HookResult,
    PluginMetadata, ToolDef,
};
pub use seam::HOST;
pub use validator::{SecurityPolicy, Version, Violation, validate};
