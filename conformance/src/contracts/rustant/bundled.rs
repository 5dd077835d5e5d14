//! The in-process plugins a run can name as `rustant:NAME`.

use hookcheck::rustant::AgentPlugin;
use hookcheck_fixtures as fx;

use crate::subject::Subject;

type AgentMake = fn() -> Box<dyn AgentPlugin>;

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

/// The names of the bundled Rustant plugins.
pub(super) fn names() -> Vec<String> {
    RUSTANT.iter().map(|(n, _)| (*n).to_owned()).collect()
}

/// The bundled plugin `name` and what it is.
pub(super) fn open(name: &str) -> Option<(Subject, String)> {
    let make = RUSTANT.iter().find(|(n, _)| *n == name)?.1;
    Some((
        Subject::rustant(name, make),
        "profile rustant (a bundled in-process plugin)".into(),
    ))
}
