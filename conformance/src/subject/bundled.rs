//! In-process fixture plugins a run can name as `pylon:NAME` or
//! `rustant:NAME`.

use std::sync::Arc;

use hookcheck::pylon::{BUILTIN_PREFIX, BUILTINS, PylonPlugin, builtin_named};
use hookcheck::rustant::AgentPlugin;
use hookcheck_fixtures as fx;

use super::{ProfileChoice, Subject};
use crate::{Error, Result};

type PylonMake = fn() -> PylonPlugin;
type AgentMake = fn() -> Box<dyn AgentPlugin>;

const PYLON: &[(&str, PylonMake)] = &[
    ("timestamps", || {
        PylonPlugin::Documented(Box::new(fx::Timestamps::default()))
    }),
    ("slugify", || PylonPlugin::Documented(Box::new(fx::Slugify))),
    ("require_fields", || {
        PylonPlugin::Documented(Box::new(fx::RequireFields::new("Post", &["title"])))
    }),
    ("rate_limit", || {
        PylonPlugin::Documented(Box::new(fx::RateLimiter::new(1000, 60)))
    }),
    ("audit_log", || {
        PylonPlugin::Real(Arc::new(fx::AuditLog::new()))
    }),
    ("panics_in_before_request", || {
        PylonPlugin::Documented(Box::new(fx::PanicsInBeforeRequest))
    }),
    ("panics_in_after_write", || {
        PylonPlugin::Documented(Box::new(fx::PanicsInAfterWrite))
    }),
    ("overwrites_created_at", || {
        PylonPlugin::Documented(Box::new(fx::OverwritesCreatedAt::default()))
    }),
    ("failing_init", || {
        PylonPlugin::Documented(Box::new(fx::FailingInit))
    }),
    ("empty_name", || {
        PylonPlugin::Documented(Box::new(fx::EmptyName))
    }),
    ("slow_before_request", || {
        PylonPlugin::Documented(Box::new(fx::SlowBeforeRequest))
    }),
    ("panics_in_before_write", || {
        PylonPlugin::Documented(Box::new(fx::PanicsInBeforeWrite))
    }),
    ("replaces_data", || {
        PylonPlugin::Documented(Box::new(fx::ReplacesData))
    }),
    ("bad_status_router", || {
        PylonPlugin::Documented(Box::new(fx::BadStatusRouter))
    }),
    ("empty_code_validator", || {
        PylonPlugin::Documented(Box::new(fx::EmptyCodeValidator))
    }),
    ("shadowing_router", || {
        PylonPlugin::Real(Arc::new(fx::ShadowingRouter))
    }),
    ("success_status_error", || {
        PylonPlugin::Real(Arc::new(fx::SuccessStatusError))
    }),
    ("allocates_per_request", || {
        PylonPlugin::Real(Arc::new(fx::AllocatesPerRequest))
    }),
    ("panics_in_on_init", || {
        PylonPlugin::Real(Arc::new(fx::PanicsInOnInit))
    }),
    ("post_guard", || {
        PylonPlugin::Real(Arc::new(fx::PostGuard::default()))
    }),
    ("hangs_in_request", || {
        PylonPlugin::Real(Arc::new(fx::HangsInRequest))
    }),
    ("rejects_all_writes", || {
        PylonPlugin::Real(Arc::new(fx::RejectsAllWrites))
    }),
    ("locks_per_request", || {
        PylonPlugin::Real(Arc::new(fx::LocksPerRequest::default()))
    }),
    ("gate", || {
        PylonPlugin::Real(Arc::new(fx::RealGate::default()))
    }),
    ("gate_slow10", || {
        PylonPlugin::Real(Arc::new(fx::RealGate::slow10()))
    }),
];

const RUSTANT: &[(&str, AgentMake)] = &[
    ("tool_guard", || Box::new(fx::ToolGuard::new(&["shell"]))),
    ("prompt_guard", || Box::new(fx::PromptGuard::default())),
    ("session_logger", || Box::new(fx::SessionLogger::default())),
    ("undeclared_tools", || {
        Box::new(fx::UndeclaredTools::default())
    }),
    ("network_hungry", || Box::new(fx::NetworkHungry::default())),
    ("panicky_hook", || Box::new(fx::PanickyAgentHook::default())),
    ("hanging_hook", || Box::new(fx::HangingAgentHook::default())),
    ("bad_metadata", || Box::new(fx::BadMetadata::default())),
    ("failing_on_load", || Box::new(fx::FailingOnLoad::default())),
    ("relies_on_modified", || {
        Box::new(fx::ReliesOnModified::default())
    }),
];

/// The names of the bundled plugins of `kind` (`pylon` or `rustant`).
pub fn bundled_names(kind: &str) -> Vec<String> {
    match kind {
        "pylon" => PYLON
            .iter()
            .map(|(n, _)| (*n).to_owned())
            .chain(
                BUILTINS
                    .iter()
                    .map(|b| format!("{BUILTIN_PREFIX}{}", b.name)),
            )
            .collect(),
        "rustant" => RUSTANT.iter().map(|(n, _)| (*n).to_owned()).collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn bundled(kind: &str, name: &str, choice: ProfileChoice) -> Result<(Subject, String)> {
    let spec = format!("{kind}:{name}");
    let wanted = if kind == "pylon" {
        hookcheck::pylon::CONTRACT
    } else {
        hookcheck::rustant::CONTRACT
    };
    if let ProfileChoice::Fixed(c) = choice
        && c != wanted
    {
        return Err(Error::Artifact {
            path: spec.into(),
            reason: format!("a bundled {kind} plugin cannot be checked against profile {c}"),
        });
    }
    let unknown = || Error::Artifact {
        path: spec.clone().into(),
        reason: format!(
            "no bundled {kind} plugin `{name}` (known: {})",
            bundled_names(kind).join(", ")
        ),
    };
    let subject = if kind == "pylon" {
        if let Some(b) = name.strip_prefix(BUILTIN_PREFIX) {
            let b = builtin_named(b).ok_or_else(unknown)?;
            let subject = Subject::pylon(name, move || b.build(&serde_json::Value::Null));
            return Ok((
                subject,
                format!(
                    "profile pylon (pylon_plugin::builtin::{}, built as {})",
                    b.name, b.setup
                ),
            ));
        } else {
            let make = PYLON
                .iter()
                .find(|(n, _)| *n == name)
                .ok_or_else(unknown)?
                .1;
            Subject::pylon_any(name, make)
        }
    } else {
        let make = RUSTANT
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(unknown)?
            .1;
        Subject::rustant(name, make)
    };
    Ok((
        subject,
        format!("profile {kind} (a bundled in-process plugin)"),
    ))
}
