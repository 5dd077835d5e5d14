//! The capability validator: what a plugin may declare and use.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use super::plugin::{Capability, PluginMetadata};

/// A `major.minor.patch` version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Version(pub u64, pub u64, pub u64);

impl Version {
    /// Parses `x`, `x.y` or `x.y.z` (missing parts are 0).
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.trim().splitn(3, '.').map(|p| p.parse::<u64>().ok());
        let major = parts.next()??;
        let minor = parts.next().unwrap_or(Some(0))?;
        let patch = parts.next().unwrap_or(Some(0))?;
        Some(Self(major, minor, patch))
    }
}

impl Version {
    /// Reads `s` as the agent does (rustant-plugins/src/security.rs:138-153):
    /// each dot-separated piece that does not parse as a number is dropped
    /// and the rest move up, and a missing part is 0 — so `>=2.0.0` reads
    /// as 0.0.0 and `v1.2.3` as 2.3.0.
    pub fn parse_lenient(s: &str) -> Self {
        let mut parts = s.split('.').filter_map(|p| p.parse::<u64>().ok());
        let mut next = || parts.next().unwrap_or(0);
        Self(next(), next(), next())
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The agent's security settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityPolicy {
    /// Capabilities plugins may hold.
    pub allowed_capabilities: BTreeSet<Capability>,
    /// Plugin names that never load.
    pub blocked_plugins: BTreeSet<String>,
    /// `[plugins] allowed_plugins`: when set, only these names load.
    pub allowed_plugins: Option<BTreeSet<String>>,
    /// The agent core's version.
    pub core_version: Version,
}

impl Default for SecurityPolicy {
    /// Tools and hooks allowed, nothing else; no allow-list; core 1.0.0.
    fn default() -> Self {
        Self {
            allowed_capabilities: [Capability::ToolRegistration, Capability::HookRegistration]
                .into_iter()
                .collect(),
            blocked_plugins: BTreeSet::new(),
            allowed_plugins: None,
            core_version: Version(1, 0, 0),
        }
    }
}

/// A rule a plugin breaks. Some turn the plugin away on the agent
/// ([`Violation::blocks_load`]); the others are the documents' rules, which
/// the agent's validator only warns about or does not check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Violation {
    /// The name or the version is empty.
    Empty {
        /// `name` or `version`.
        field: &'static str,
    },
    /// The name is not in `allowed_plugins`.
    NotAllowed {
        /// The plugin.
        plugin: String,
    },
    /// The name is blocked.
    Blocked {
        /// The plugin.
        plugin: String,
    },
    /// The plugin needs a newer core.
    CoreTooOld {
        /// What the plugin needs.
        required: String,
        /// What the agent is.
        actual: Version,
    },
    /// `min_core_version` is not a version.
    BadVersion {
        /// The text.
        text: String,
    },
    /// A declared capability the policy does not allow.
    CapabilityNotAllowed {
        /// The capability.
        capability: Capability,
    },
    /// The plugin uses a capability it did not declare.
    ExceedsDeclaredScope {
        /// The capability it needs.
        capability: Capability,
        /// What it did that needs it.
        evidence: String,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty { field } => write!(f, "plugin {field} cannot be empty"),
            Self::NotAllowed { plugin } => write!(f, "`{plugin}` is not in allowed_plugins"),
            Self::Blocked { plugin } => write!(f, "`{plugin}` is blocked"),
            Self::CoreTooOld { required, actual } => {
                write!(f, "needs core {required} or newer, the agent is {actual}")
            }
            Self::BadVersion { text } => write!(
                f,
                "min_core_version `{text}` is not a version; the agent reads it as {}",
                Version::parse_lenient(text)
            ),
            Self::CapabilityNotAllowed { capability } => {
                write!(
                    f,
                    "declares {capability:?}, which the policy does not allow"
                )
            }
            Self::ExceedsDeclaredScope {
                capability,
                evidence,
            } => {
                write!(f, "{evidence} without declaring {capability:?}")
            }
        }
    }
}

impl Violation {
    /// Whether the agent turns the plugin away for it: an empty name or
    /// version, a blocked name, a core that is too old
    /// (rustant-plugins/src/security.rs:61-127). Capabilities outside the
    /// policy are warnings there (security.rs:92-108), and scopes and
    /// `allowed_plugins` are not checked at all.
    pub fn blocks_load(&self) -> bool {
        matches!(
            self,
            Self::Empty { .. } | Self::Blocked { .. } | Self::CoreTooOld { .. }
        )
    }
}

/// Checks one plugin against `policy`. `tools` and `hooks` are how many the
/// plugin actually registers; registering either without declaring the
/// matching capability exceeds the declared scope.
pub fn validate(
    meta: &PluginMetadata,
    tools: usize,
    hooks: usize,
    policy: &SecurityPolicy,
) -> Vec<Violation> {
    let mut out = Vec::new();
    let plugin = meta.name.clone();
    for (field, value) in [("name", &meta.name), ("version", &meta.version)] {
        if value.is_empty() {
            out.push(Violation::Empty { field });
        }
    }
    if let Some(allowed) = &policy.allowed_plugins
        && !allowed.contains(&meta.name)
    {
        out.push(Violation::NotAllowed {
            plugin: plugin.clone(),
        });
    }
    if policy.blocked_plugins.contains(&meta.name) {
        out.push(Violation::Blocked { plugin });
    }
    // An absent min_core_version skips the check (security.rs:111).
    if let Some(text) = &meta.min_core_version {
        if Version::parse(text).is_none() && !text.is_empty() {
            out.push(Violation::BadVersion { text: text.clone() });
        }
        if Version::parse_lenient(text) > policy.core_version {
            out.push(Violation::CoreTooOld {
                required: text.clone(),
                actual: policy.core_version,
            });
        }
    }
    let declared: BTreeSet<Capability> = meta.capabilities.iter().copied().collect();
    for capability in &declared {
        if !policy.allowed_capabilities.contains(capability) {
            out.push(Violation::CapabilityNotAllowed {
                capability: *capability,
            });
        }
    }
    let used = [
        (tools, Capability::ToolRegistration, "registers tools"),
        (hooks, Capability::HookRegistration, "registers hooks"),
    ];
    for (count, capability, what) in used {
        if count > 0 && !declared.contains(&capability) {
            let evidence = format!("{what} ({count})");
            out.push(Violation::ExceedsDeclaredScope {
                capability,
                evidence,
            });
        }
    }
    out
}
