//! What a plugin set loads with that the host tolerates but reports, as
//! values a program can match.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Something a plugin set loads with that the host tolerates but reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LoadWarning {
    /// A plugin built for another API version: the host skips it.
    ApiVersion {
        /// The file.
        path: PathBuf,
        /// The version its descriptor declares.
        found: u32,
        /// The version the host speaks.
        expected: u32,
    },
    /// A plugin that did not load: the host logs it and loads the others.
    PluginSkipped {
        /// The file.
        path: PathBuf,
        /// Why it did not load.
        reason: String,
    },
    /// A registration the host refused (an event id, target, phase or
    /// method outside the tables, a pattern that is not a string).
    RegistrationRefused {
        /// The plugin.
        plugin: String,
        /// Why.
        reason: String,
    },
    /// A registration the host accepts but never calls as documented (an
    /// event id outside the table never fires; an unknown method is served
    /// as GET).
    RegistrationNeverCalled {
        /// The plugin.
        plugin: String,
        /// What the host does with it.
        reason: String,
    },
    /// A plugin exports hooks the host defines but never calls.
    HooksNeverCalled {
        /// The plugin.
        plugin: String,
        /// The hooks the host never calls, as the plugin exports them.
        hooks: Vec<String>,
        /// Whether the plugin has no hook the host calls: it loads but
        /// never runs.
        never_runs: bool,
        /// The hooks the host does call.
        invoked: Vec<String>,
    },
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadWarning::ApiVersion {
                path,
                found,
                expected,
            } => write!(
                f,
                "skipped {}: plugin API version {found} is not the host's {expected}",
                path.display(),
            ),
            LoadWarning::PluginSkipped { path, reason } => {
                write!(f, "skipped {}: {reason}; the others loaded", path.display())
            }
            LoadWarning::RegistrationRefused { plugin, reason } => {
                write!(f, "plugin `{plugin}`: registration refused: {reason}")
            }
            LoadWarning::RegistrationNeverCalled { plugin, reason } => {
                write!(
                    f,
                    "plugin `{plugin}`: registration accepted but never called as documented: {reason}"
                )
            }
            LoadWarning::HooksNeverCalled {
                plugin,
                hooks,
                never_runs: true,
                invoked,
            } => {
                let list = if hooks.is_empty() {
                    "no hooks at all".to_owned()
                } else {
                    hooks.join(", ")
                };
                write!(
                    f,
                    "plugin `{plugin}` loads but never runs: it exports {list}, and the host invokes only {}",
                    and_list(invoked)
                )
            }
            LoadWarning::HooksNeverCalled { plugin, hooks, .. } => write!(
                f,
                "plugin `{plugin}` exports {}, which the host never invokes",
                hooks.join(", ")
            ),
        }
    }
}

/// `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
