//! FeatherFly's contract as data: its hooks, the return codes the host
//! interprets, and its 47 lifecycle events.

use hookcheck_pdk::featherfly::PluginEvent;
use serde::Serialize;

use crate::engine::{
    CodeEffect, CodeMeaning, CodeTable, Contract,
    HookKind::{Chain, Observe},
    HookSpec, OnError, Profile,
};

/// The contract's name, as users type it.
pub const CONTRACT: Contract = Contract::new("featherfly");

/// The contract: its hooks and return codes.
pub const PROFILE: Profile = Profile::new(CONTRACT, HOOKS, CODES);

/// FeatherFly's hooks (contracts §3).
pub const HOOKS: &[HookSpec] = &[
    HookSpec::new(
        CONTRACT,
        "lifecycle",
        Observe,
        OnError::KeepPrior,
        true,
        "EventContext: event id 1-47 + payload",
    ),
    HookSpec::new(
        CONTRACT,
        "config.mutate",
        Chain,
        OnError::KeepPrior,
        true,
        "raw config YAML",
    ),
    HookSpec::new(
        CONTRACT,
        "request.intercept",
        Chain,
        OnError::KeepPrior,
        true,
        "method, path, headers JSON, body",
    ),
    HookSpec::new(
        CONTRACT,
        "middleware.inject",
        Chain,
        OnError::KeepPrior,
        true,
        "method, path, headers JSON, body",
    ),
    HookSpec::new(
        CONTRACT,
        "route",
        Chain,
        OnError::FAIL_500,
        true,
        "method, path, body",
    ),
    HookSpec::new(
        CONTRACT,
        "json.response",
        Chain,
        OnError::KeepPrior,
        true,
        "whole JSON response body",
    ),
    HookSpec::new(
        CONTRACT,
        "json.actions",
        Chain,
        OnError::KeepPrior,
        true,
        "top-level `actions` array",
    ),
    HookSpec::new(
        CONTRACT,
        "cloudpanel.command",
        Chain,
        OnError::KeepPrior,
        true,
        "operation, command, args JSON",
    ),
];

const fn code(
    code: i32,
    name: &'static str,
    effect: CodeEffect,
    meaning: &'static str,
) -> CodeMeaning {
    CodeMeaning::new(code, name, effect, meaning)
}

/// The codes of both request hook phases.
const REQUEST_CODES: &[CodeMeaning] = &[
    code(
        0,
        "REQUEST_CONTINUE",
        CodeEffect::Keep,
        "next hook or handler",
    ),
    code(
        1,
        "REQUEST_RESPOND",
        CodeEffect::Respond,
        "short-circuit with status + body",
    ),
];

/// The table of a request hook phase: both phases read codes alike.
const fn request_codes(hook: &'static str) -> CodeTable {
    CodeTable {
        hook,
        codes: REQUEST_CODES,
        negative: "error, request continues",
        otherwise: CodeEffect::Keep,
        otherwise_meaning: "any other code: the request continues (only exactly 1 responds)",
        host: "application/src/plugins/events.rs:273-280",
    }
}

/// FeatherFly's return codes per hook (contracts §3): the table the
/// FeatherFly host interprets every return code with.
pub const CODES: &[CodeTable] = &[
    CodeTable {
        hook: "config.mutate",
        codes: &[
            code(
                0,
                "CONFIG_MUTATE_MODIFIED",
                CodeEffect::Replace,
                "output written, replaces the YAML",
            ),
            code(
                1,
                "CONFIG_MUTATE_UNCHANGED",
                CodeEffect::Keep,
                "prior YAML kept",
            ),
        ],
        negative: "error, prior YAML kept",
        otherwise: CodeEffect::Keep,
        otherwise_meaning: "any other code: prior YAML kept, silently",
        host: "application/src/plugins/events.rs:230-233",
    },
    CodeTable {
        hook: "json.response",
        codes: &[
            code(
                0,
                "JSON_MUTATE_MODIFIED",
                CodeEffect::Replace,
                "output written, replaces the body",
            ),
            code(
                1,
                "JSON_MUTATE_UNCHANGED",
                CodeEffect::Keep,
                "prior JSON kept",
            ),
        ],
        negative: "error, prior JSON kept",
        otherwise: CodeEffect::Keep,
        otherwise_meaning: "any other code: prior JSON kept, silently",
        host: "application/src/plugins/events.rs:384-387",
    },
    CodeTable {
        hook: "json.actions",
        codes: &[
            code(
                0,
                "JSON_MUTATE_MODIFIED",
                CodeEffect::Replace,
                "output written, replaces `actions`",
            ),
            code(
                1,
                "JSON_MUTATE_UNCHANGED",
                CodeEffect::Keep,
                "prior actions kept",
            ),
        ],
        negative: "error, prior JSON kept",
        otherwise: CodeEffect::Keep,
        otherwise_meaning: "any other code: prior actions kept, silently",
        host: "application/src/plugins/events.rs:384-387",
    },
    request_codes("request.intercept"),
    request_codes("middleware.inject"),
    CodeTable {
        hook: "route",
        codes: &[code(
            0,
            "ROUTE_OK",
            CodeEffect::Respond,
            "status + body written",
        )],
        negative: "handler error, 500",
        otherwise: CodeEffect::Fail,
        otherwise_meaning: "any other code: 500 with an empty body",
        host: "application/src/plugins/routes.rs:91-104",
    },
    CodeTable {
        hook: "cloudpanel.command",
        codes: &[
            code(
                0,
                "CLOUDPANEL_CONTINUE",
                CodeEffect::Keep,
                "args kept, command runs",
            ),
            code(
                1,
                "CLOUDPANEL_MODIFIED",
                CodeEffect::Replace,
                "args written, replace the args",
            ),
            code(
                2,
                "CLOUDPANEL_CANCEL",
                CodeEffect::Cancel,
                "command cancelled, reason written",
            ),
        ],
        negative: "error, args kept",
        otherwise: CodeEffect::Keep,
        otherwise_meaning: "any other code: the command runs with the args kept",
        host: "application/src/plugins/events.rs:327-348",
    },
];

/// The hooks of FeatherFly's code tables, in table order (derived from
/// the tables while compiling).
pub const CODE_HOOKS: [&str; CODES.len()] = {
    let mut hooks = [""; CODES.len()];
    let mut i = 0;
    while i < hooks.len() {
        hooks[i] = CODES[i].hook;
        i += 1;
    }
    hooks
};

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
pub const EVENTS: [LifecycleEvent; 47] = [
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
        EVENTS.get(usize::try_from(id).ok()?.checked_sub(1)?)
    }
}
