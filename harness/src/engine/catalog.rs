//! The hook catalog: every hook point of the four contracts, as data.

use hookcheck_pdk::featherfly::PluginEvent;
use serde::Serialize;

use super::profile::OnError;

/// The host contract a hook point belongs to: a name. The four built-in
/// contracts are constants; a new contract names itself with
/// [`Contract::new`] and plays its host through
/// [`ContractHost`](crate::host::ContractHost).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Contract {
    name: &'static str,
}

impl Contract {
    /// Pylon: in-process Rust trait plugins.
    pub const PYLON: Contract = Contract::new("pylon");
    /// Lesstruct: WASM modules speaking the linear-memory protocol.
    pub const LESSTRUCT: Contract = Contract::new("lesstruct");
    /// FeatherFly: native shared libraries, C ABI v8.
    pub const FEATHERFLY: Contract = Contract::new("featherfly");
    /// Rustant: agent plugins.
    pub const RUSTANT: Contract = Contract::new("rustant");

    /// The built-in contracts, in a stable order.
    pub const ALL: [Contract; 4] = [
        Contract::PYLON,
        Contract::LESSTRUCT,
        Contract::FEATHERFLY,
        Contract::RUSTANT,
    ];

    /// A contract called `name` (the profile name users type).
    pub const fn new(name: &'static str) -> Self {
        Self { name }
    }

    /// The profile name users type (`pylon`, `lesstruct`, `featherfly`, `rustant`).
    pub const fn name(self) -> &'static str {
        self.name
    }

    /// Parses the name of a built-in profile.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Every built-in profile name, comma-separated, for messages.
    pub fn names() -> String {
        Self::ALL.map(Contract::name).join(", ")
    }

    /// Parses a built-in profile name, or says which names there are.
    pub fn parse(name: &str) -> Result<Self, String> {
        Self::from_name(name)
            .ok_or_else(|| format!("`{name}` is not a profile ({})", Self::names()))
    }
}

impl Serialize for Contract {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name)
    }
}

impl std::fmt::Display for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A named hook point of one contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct HookPoint {
    /// The contract defining the hook.
    pub contract: Contract,
    /// The hook's name as the contract spells it (`before_write`, `json.response`).
    pub name: &'static str,
}

impl HookPoint {
    /// Creates a hook point.
    pub const fn new(contract: Contract, name: &'static str) -> Self {
        Self { contract, name }
    }
}

impl std::fmt::Display for HookPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// How a pipeline folds the outcomes of one hook point. A request gate,
/// a value transform and a route differ in what their plugins return, not
/// in how the host folds it, so they share [`HookKind::Chain`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HookKind {
    /// Steps run in order; each may rewrite the value the next step sees
    /// (`config.mutate`, `before_write`, `json.response`) or stop the chain
    /// with a response, rejection or cancel (`before_request`,
    /// `request.intercept`, Rustant's `Before*` points, plugin routes). A
    /// failure follows the hook's [`OnError`].
    Chain,
    /// Steps observe; results are ignored, only a cancel may stop later
    /// handlers (`after_write`, lifecycle events).
    Observe,
}

/// One hook point with its folding rule and whether the host invokes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HookSpec {
    /// The hook point.
    pub point: HookPoint,
    /// How outcomes fold.
    pub kind: HookKind,
    /// What happens when a step fails.
    pub on_error: OnError,
    /// Whether the real host ever calls this hook.
    pub invoked: bool,
    /// The payload the hook receives, as the contract describes it.
    pub payload: &'static str,
}

const fn spec(
    contract: Contract,
    name: &'static str,
    kind: HookKind,
    on_error: OnError,
    invoked: bool,
    payload: &'static str,
) -> HookSpec {
    HookSpec {
        point: HookPoint::new(contract, name),
        kind,
        on_error,
        invoked,
        payload,
    }
}

use HookKind::{Chain, Observe};

const FAIL_500: OnError = OnError::Stop { status: 500 };
const KEEP: OnError = OnError::KeepPrior;

/// The hook called `name` in `table`. Meant for `const` items and
/// `const { … }` blocks, as every host uses it: there a name missing from
/// the table is a compile error. Called at run time with a missing name,
/// it panics.
pub const fn hook(table: &'static [HookSpec], name: &str) -> &'static HookSpec {
    let mut i = 0;
    while i < table.len() {
        if same(table[i].point.name.as_bytes(), name.as_bytes()) {
            return &table[i];
        }
        i += 1;
    }
    panic!("no such hook in this table")
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Pylon's hooks: the `pylon_plugin::Plugin` methods its registry runs
/// (pylon-plugin 0.3.23 `src/lib.rs:11-95`, `:181-310`). A panic is not
/// caught on Pylon; hookcheck stops the request with 500 and names it.
pub(crate) const PYLON_HOOKS: &[HookSpec] = &[
    spec(
        Contract::PYLON,
        "on_init",
        Observe,
        FAIL_500,
        true,
        "the shared PluginContext (manifest + key-value store)",
    ),
    spec(
        Contract::PYLON,
        "on_request_with_meta",
        Chain,
        FAIL_500,
        true,
        "method, path, auth, RequestMeta { peer_ip }",
    ),
    spec(
        Contract::PYLON,
        "before_insert",
        Chain,
        FAIL_500,
        true,
        "entity, mutable JSON data, auth",
    ),
    spec(
        Contract::PYLON,
        "before_update",
        Chain,
        FAIL_500,
        true,
        "entity, id, mutable JSON data, auth",
    ),
    spec(
        Contract::PYLON,
        "before_delete",
        Chain,
        FAIL_500,
        true,
        "entity, id, auth (no data)",
    ),
    spec(
        Contract::PYLON,
        "after_insert",
        Observe,
        KEEP,
        true,
        "entity, id, written data, auth",
    ),
    spec(
        Contract::PYLON,
        "after_update",
        Observe,
        KEEP,
        true,
        "entity, id, written data, auth",
    ),
    spec(
        Contract::PYLON,
        "after_delete",
        Observe,
        KEEP,
        true,
        "entity, id, auth",
    ),
    spec(
        Contract::PYLON,
        "route",
        Chain,
        FAIL_500,
        true,
        "routes() on every request; the first route whose method equals and whose path prefixes the request's answers (body, path, auth)",
    ),
];

/// Lesstruct's hooks (contracts §2).
pub(crate) const LESSTRUCT_HOOKS: &[HookSpec] = &[
    spec(
        Contract::LESSTRUCT,
        "before_save",
        Chain,
        FAIL_500,
        true,
        "content JSON; only `customFields` is read back",
    ),
    spec(
        Contract::LESSTRUCT,
        "after_create",
        Observe,
        KEEP,
        true,
        "content JSON; result ignored",
    ),
    spec(
        Contract::LESSTRUCT,
        "after_publish",
        Observe,
        KEEP,
        true,
        "content JSON; result ignored",
    ),
    spec(
        Contract::LESSTRUCT,
        "on_plugin_loaded",
        Observe,
        KEEP,
        false,
        "defined, never invoked",
    ),
    spec(
        Contract::LESSTRUCT,
        "before_delete",
        Observe,
        KEEP,
        false,
        "defined, never invoked",
    ),
];

/// FeatherFly's hooks (contracts §3).
pub(crate) const FEATHERFLY_HOOKS: &[HookSpec] = &[
    spec(
        Contract::FEATHERFLY,
        "lifecycle",
        Observe,
        KEEP,
        true,
        "EventContext: event id 1-47 + payload",
    ),
    spec(
        Contract::FEATHERFLY,
        "config.mutate",
        Chain,
        KEEP,
        true,
        "raw config YAML",
    ),
    spec(
        Contract::FEATHERFLY,
        "request.intercept",
        Chain,
        KEEP,
        true,
        "method, path, headers JSON, body",
    ),
    spec(
        Contract::FEATHERFLY,
        "middleware.inject",
        Chain,
        KEEP,
        true,
        "method, path, headers JSON, body",
    ),
    spec(
        Contract::FEATHERFLY,
        "route",
        Chain,
        FAIL_500,
        true,
        "method, path, body",
    ),
    spec(
        Contract::FEATHERFLY,
        "json.response",
        Chain,
        KEEP,
        true,
        "whole JSON response body",
    ),
    spec(
        Contract::FEATHERFLY,
        "json.actions",
        Chain,
        KEEP,
        true,
        "top-level `actions` array",
    ),
    spec(
        Contract::FEATHERFLY,
        "cloudpanel.command",
        Chain,
        KEEP,
        true,
        "operation, command, args JSON",
    ),
];

/// Rustant's hook points (contracts §4).
pub(crate) const RUSTANT_HOOKS: &[HookSpec] = &[
    spec(
        Contract::RUSTANT,
        "BeforeToolExecution",
        Chain,
        KEEP,
        true,
        "tool name + arguments",
    ),
    spec(
        Contract::RUSTANT,
        "AfterToolExecution",
        Chain,
        KEEP,
        true,
        "tool name + result",
    ),
    spec(
        Contract::RUSTANT,
        "BeforeLlmRequest",
        Chain,
        KEEP,
        true,
        "LLM request",
    ),
    spec(
        Contract::RUSTANT,
        "AfterLlmResponse",
        Chain,
        KEEP,
        true,
        "LLM response",
    ),
    spec(
        Contract::RUSTANT,
        "OnSessionStart",
        Chain,
        KEEP,
        true,
        "session id",
    ),
    spec(
        Contract::RUSTANT,
        "OnSessionEnd",
        Chain,
        KEEP,
        true,
        "session id",
    ),
    spec(
        Contract::RUSTANT,
        "OnError",
        Chain,
        KEEP,
        true,
        "error message",
    ),
];

/// One FeatherFly lifecycle event from the contract's quick index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LifecycleEvent {
    /// The event id (1–47).
    pub id: u32,
    /// The dotted event name.
    pub name: &'static str,
    /// The payload the host sends.
    pub payload: &'static str,
}

const CP: &str =
    "JSON: { operation, command, args, siteType?, status?, duration_ms, error?, hook_handlers }";
const REQ: &str = "JSON: { request_id, client_ip, method, path, query }";

/// One row of the table: the id and name come from the pdk's
/// [`PluginEvent`], so plugins and the host share one list of events.
const fn ev(event: PluginEvent, payload: &'static str) -> LifecycleEvent {
    LifecycleEvent {
        id: event as u32,
        name: event.name(),
        payload,
    }
}

/// The 47 FeatherFly lifecycle events, ids 1–47 in order.
pub const LIFECYCLE_EVENTS: [LifecycleEvent; 47] = [
    ev(PluginEvent::DaemonStarting, "empty"),
    ev(
        PluginEvent::DaemonStarted,
        "UTF-8 listen address, e.g. 127.0.0.1:9090",
    ),
    ev(PluginEvent::DaemonStopping, "empty"),
    ev(
        PluginEvent::ConfigLoaded,
        "post-mutation raw config.yml bytes",
    ),
    ev(PluginEvent::PluginLoaded, "UTF-8 plugin name"),
    ev(PluginEvent::RequestReceived, REQ),
    ev(
        PluginEvent::RequestCompleted,
        "JSON: { request_id, client_ip, method, path, query, status, duration_ms }",
    ),
    ev(PluginEvent::RequestNotFound, REQ),
    ev(PluginEvent::RequestBlocked, REQ),
    ev(
        PluginEvent::ProbeClientBlocked,
        "JSON: { request_id, client_ip, unknown_hits, block_secs }",
    ),
    ev(PluginEvent::AuthFailed, REQ),
    ev(PluginEvent::RestartScheduled, "JSON: { delay_ms, reason? }"),
    ev(
        PluginEvent::PluginReloadRequested,
        "JSON: { plugin_count, delay_ms }",
    ),
    ev(
        PluginEvent::NodeIdentityGenerated,
        "JSON: { uuid, token_id }",
    ),
    ev(
        PluginEvent::PluginConfigMutated,
        "JSON: { hook_count, input_len, output_len }",
    ),
    ev(
        PluginEvent::PluginRequestShortCircuited,
        "JSON: { phase, method, path, status }",
    ),
    ev(
        PluginEvent::PluginJsonResponseMutated,
        "JSON: { method, path, input_len, output_len }",
    ),
    ev(
        PluginEvent::PluginJsonActionsMutated,
        "JSON: { method, path, input_len, output_len }",
    ),
    ev(
        PluginEvent::PluginRouteInvoked,
        "JSON: { plugin, method, path, status }",
    ),
    ev(
        PluginEvent::PluginRouteFailed,
        "JSON: { plugin, method, path, error }",
    ),
    ev(PluginEvent::CloudPanelSiteCreateRequested, CP),
    ev(PluginEvent::CloudPanelSiteCreated, CP),
    ev(PluginEvent::CloudPanelSiteCreateFailed, CP),
    ev(PluginEvent::CloudPanelSiteDeleteRequested, CP),
    ev(PluginEvent::CloudPanelSiteDeleted, CP),
    ev(PluginEvent::CloudPanelSiteDeleteFailed, CP),
    ev(PluginEvent::CloudPanelDatabaseCreateRequested, CP),
    ev(PluginEvent::CloudPanelDatabaseCreated, CP),
    ev(PluginEvent::CloudPanelDatabaseCreateFailed, CP),
    ev(PluginEvent::CloudPanelDatabaseDeleteRequested, CP),
    ev(PluginEvent::CloudPanelDatabaseDeleted, CP),
    ev(PluginEvent::CloudPanelDatabaseDeleteFailed, CP),
    ev(PluginEvent::CloudPanelDatabaseExportRequested, CP),
    ev(PluginEvent::CloudPanelDatabaseExported, CP),
    ev(PluginEvent::CloudPanelDatabaseExportFailed, CP),
    ev(PluginEvent::CloudPanelUserPasswordResetRequested, CP),
    ev(PluginEvent::CloudPanelUserPasswordReset, CP),
    ev(PluginEvent::CloudPanelUserPasswordResetFailed, CP),
    ev(PluginEvent::CloudPanelUserMfaDisableRequested, CP),
    ev(PluginEvent::CloudPanelUserMfaDisabled, CP),
    ev(PluginEvent::CloudPanelUserMfaDisableFailed, CP),
    ev(PluginEvent::CloudPanelCertificateInstallRequested, CP),
    ev(PluginEvent::CloudPanelCertificateInstalled, CP),
    ev(PluginEvent::CloudPanelCertificateInstallFailed, CP),
    ev(PluginEvent::CloudPanelVhostTemplatesImportRequested, CP),
    ev(PluginEvent::CloudPanelVhostTemplatesImported, CP),
    ev(PluginEvent::CloudPanelVhostTemplatesImportFailed, CP),
];

impl LifecycleEvent {
    /// Looks an event up by id.
    pub fn by_id(id: u32) -> Option<&'static LifecycleEvent> {
        LIFECYCLE_EVENTS.get(usize::try_from(id).ok()?.checked_sub(1)?)
    }
}
