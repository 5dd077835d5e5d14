//! What crosses between host logic and a loaded library: registrations,
//! hook inputs and raw hook outputs. All serializable, so the same values
//! travel to a child process and back.

use serde::{Deserialize, Serialize};

use super::contract::HOOKS;
use crate::engine::{Bytes, HookPoint, hook};

/// What a registration hooks, without its function pointer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RegKind {
    /// A lifecycle event handler.
    Event {
        /// The event id.
        event: u32,
    },
    /// A `config.mutate` hook.
    Config,
    /// A request hook.
    Request {
        /// 1 intercept, 2 middleware.
        phase: u32,
        /// The route pattern.
        pattern: String,
    },
    /// A plugin route.
    Route {
        /// The method code.
        method: u32,
        /// The exact path.
        path: String,
    },
    /// A JSON hook.
    Json {
        /// 1 `json.response`, 2 `json.actions`.
        target: u32,
        /// The route pattern.
        pattern: String,
    },
    /// A CloudPanel command hook.
    CloudPanel,
}

impl RegKind {
    /// The hook's name in the contract.
    /// The hook point of the contract's table this registration is a
    /// handler of (each name checked against the table at compile time).
    pub fn hook_point(&self) -> HookPoint {
        let spec = match self {
            RegKind::Event { .. } => const { hook(HOOKS, "lifecycle") },
            RegKind::Config => const { hook(HOOKS, "config.mutate") },
            RegKind::Request { phase: 1, .. } => const { hook(HOOKS, "request.intercept") },
            RegKind::Request { .. } => const { hook(HOOKS, "middleware.inject") },
            RegKind::Route { .. } => const { hook(HOOKS, "route") },
            RegKind::Json { target: 1, .. } => const { hook(HOOKS, "json.response") },
            RegKind::Json { .. } => const { hook(HOOKS, "json.actions") },
            RegKind::CloudPanel => const { hook(HOOKS, "cloudpanel.command") },
        };
        spec.point
    }

    /// The name of [`RegKind::hook_point`].
    pub fn hook_name(&self) -> &'static str {
        self.hook_point().name
    }
}

/// One registration: which plugin, what it hooks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegInfo {
    /// The index of the plugin in load order.
    pub plugin: usize,
    /// What it hooks.
    pub kind: RegKind,
}

/// A loaded plugin's descriptor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginInfo {
    /// The descriptor's name.
    pub name: String,
    /// The descriptor's version.
    pub version: String,
    /// The file it came from.
    pub file: String,
}

/// The input of one hook call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HookInput {
    /// A lifecycle event.
    Event {
        /// The event id.
        event: u32,
        /// The payload.
        payload: Bytes,
    },
    /// Raw YAML.
    Config {
        /// The YAML.
        yaml: Bytes,
    },
    /// A request.
    Request {
        /// The phase.
        phase: u32,
        /// The method code.
        method: u32,
        /// The path.
        path: String,
        /// Headers JSON.
        headers_json: Bytes,
        /// The body.
        body: Bytes,
    },
    /// A route call.
    Route {
        /// The method code.
        method: u32,
        /// The path.
        path: String,
        /// The body.
        body: Bytes,
    },
    /// A JSON hook call.
    Json {
        /// The target.
        target: u32,
        /// The request path.
        route: String,
        /// The method code.
        method: u32,
        /// The JSON.
        json: Bytes,
    },
    /// A CloudPanel command.
    CloudPanel {
        /// The operation.
        operation: String,
        /// The command.
        command: String,
        /// The args JSON.
        args: Bytes,
    },
}

impl HookInput {
    /// The length of the input the host sizes the output buffer by: the
    /// YAML, JSON or CloudPanel args, or the request body.
    pub fn len(&self) -> usize {
        match self {
            HookInput::Event { payload, .. } => payload.0.len(),
            HookInput::Config { yaml } => yaml.0.len(),
            HookInput::Request { body, .. } | HookInput::Route { body, .. } => body.0.len(),
            HookInput::Json { json, .. } => json.0.len(),
            HookInput::CloudPanel { args, .. } => args.0.len(),
        }
    }

    /// Whether that input is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a hook call left behind, before any interpretation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookOutput {
    /// The return code (for lifecycle events, `HookResult::cancelled`).
    pub code: i32,
    /// The output buffer's content, when the plugin set a length within
    /// the capacity.
    pub output: Option<Bytes>,
    /// A length the plugin set beyond the capacity.
    pub claimed_len: Option<u64>,
    /// The plugin wrote into the guard bytes past the capacity.
    pub overflowed: bool,
    /// The status slot (0 when untouched).
    pub status: u16,
    /// The CloudPanel cancel reason, when written.
    pub reason: Option<Bytes>,
    /// What the plugin logged during the call.
    pub logs: Vec<String>,
    /// Registration attempts the plugin made during the call (all refused:
    /// hooks may be registered only during `init`).
    #[serde(default)]
    pub late_registrations: usize,
    /// The output buffer's capacity for this call, in bytes.
    #[serde(default)]
    pub capacity: usize,
}
