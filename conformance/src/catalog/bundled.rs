//! In-process fixture plugins a run can name as `pylon:NAME` or
//! `rustant:NAME`.

use hookcheck::engine::Contract;
use hookcheck::pylon::Plugin;
use hookcheck::rustant::AgentPlugin;
use hookcheck_fixtures as fx;

use crate::subject::{ProfileChoice, Subject};
use crate::{Error, Result};

type PylonMake = fn() -> Box<dyn Plugin>;
type AgentMake = fn() -> Box<dyn AgentPlugin>;

const PYLON: &[(&str, PylonMake)] = &[
    ("timestamps", || Box::new(fx::Timestamps::default())),
    ("slugify", || Box::new(fx::Slugify)),
    ("require_fields", || {
        Box::new(fx::RequireFields::new("Post", &["title"]))
    }),
    ("rate_limit", || Box::new(fx::RateLimiter::new(1000, 60))),
    ("audit_log", || Box::new(fx::AuditLog::new())),
    ("panics_in_before_request", || {
        Box::new(fx::PanicsInBeforeRequest)
    }),
    ("panics_in_after_write", || Box::new(fx::PanicsInAfterWrite)),
    ("overwrites_created_at", || {
        Box::new(fx::OverwritesCreatedAt::default())
    }),
    ("failing_init", || Box::new(fx::FailingInit)),
    ("empty_name", || Box::new(fx::EmptyName)),
    ("slow_before_request", || Box::new(fx::SlowBeforeRequest)),
    ("panics_in_before_write", || {
        Box::new(fx::PanicsInBeforeWrite)
    }),
    ("replaces_data", || Box::new(fx::ReplacesData)),
    ("greedy_router", || Box::new(fx::GreedyRouter)),
    ("bad_status_router", || Box::new(fx::BadStatusRouter)),
    ("empty_code_validator", || Box::new(fx::EmptyCodeValidator)),
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
    ("bad_metadata", || Box::new(fx::BadMetadata::default())),
    ("failing_on_load", || Box::new(fx::FailingOnLoad::default())),
    ("relies_on_modified", || {
        Box::new(fx::ReliesOnModified::default())
    }),
];

/// The names of the bundled plugins of `kind` (`pylon` or `rustant`).
pub fn bundled_names(kind: &str) -> Vec<&'static str> {
    match kind {
        "pylon" => PYLON.iter().map(|(n, _)| *n).collect(),
        "rustant" => RUSTANT.iter().map(|(n, _)| *n).collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn bundled(kind: &str, name: &str, choice: ProfileChoice) -> Result<(Subject, String)> {
    let spec = format!("{kind}:{name}");
    let wanted = if kind == "pylon" {
        Contract::PYLON
    } else {
        Contract::RUSTANT
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
        let make = PYLON
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(unknown)?
            .1;
        Subject::pylon(name, make)
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
