//! The in-process plugins a run can name as `pylon:NAME`: this
//! repository's fixture plugins and `pylon:builtin:NAME`, the
//! `pylon-plugin` crate's own.

use std::sync::Arc;

use hookcheck::pylon::{BUILTIN_PREFIX, BUILTINS, PylonPlugin, builtin_named};
use hookcheck_fixtures as fx;

use crate::subject::Subject;

type PylonMake = fn() -> PylonPlugin;

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

/// The names of the bundled Pylon plugins.
pub(super) fn names() -> Vec<String> {
    PYLON
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .chain(
            BUILTINS
                .iter()
                .map(|b| format!("{BUILTIN_PREFIX}{}", b.name)),
        )
        .collect()
}

/// The bundled plugin `name` and what it is.
pub(super) fn open(name: &str) -> Option<(Subject, String)> {
    if let Some(b) = name.strip_prefix(BUILTIN_PREFIX) {
        let b = builtin_named(b)?;
        let subject = Subject::pylon(name, move || b.build(&serde_json::Value::Null));
        return Some((
            subject,
            format!(
                "profile pylon (pylon_plugin::builtin::{}, built as {})",
                b.name, b.setup
            ),
        ));
    }
    let make = PYLON.iter().find(|(n, _)| *n == name)?.1;
    Some((
        Subject::pylon_any(name, make),
        "profile pylon (a bundled in-process plugin)".into(),
    ))
}
