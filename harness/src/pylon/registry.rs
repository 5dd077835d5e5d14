//! Named plugin constructors and the manifest that enables them.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::builtins::{BUILTINS, builtin_named};
use super::plugin::Plugin;
use crate::{Error, Result};

/// A Pylon plugin as hookcheck hosts it.
pub enum PylonPlugin {
    /// Written against the `pylon-plugin` crate: hosted as is.
    Real(Arc<dyn pylon_plugin::Plugin>),
    /// Written to the documentation page's trait: hosted through
    /// [`Documented`](super::Documented), after its documented `init`.
    Documented(Box<dyn Plugin>),
}

impl std::fmt::Debug for PylonPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Real(p) => write!(f, "Real({})", p.name()),
            Self::Documented(p) => write!(f, "Documented({})", p.name()),
        }
    }
}

impl PylonPlugin {
    /// The plugin as the crate's trait (a documented plugin through the
    /// adapter, without its `init`).
    pub fn into_real(self) -> Arc<dyn pylon_plugin::Plugin> {
        match self {
            Self::Real(p) => p,
            Self::Documented(p) => Arc::new(super::Documented::new(p)),
        }
    }

    /// True when the plugin is written to the documented trait.
    pub fn is_documented(&self) -> bool {
        matches!(self, Self::Documented(_))
    }
}

/// The prefix that names a built-in of `pylon_plugin::builtin` in a
/// manifest (`builtin:timestamps`).
pub const BUILTIN_PREFIX: &str = "builtin:";

type MakeDocumented = Box<dyn Fn(&Value) -> Box<dyn Plugin> + Send + Sync>;
type MakeReal = Box<dyn Fn(&Value) -> Arc<dyn pylon_plugin::Plugin> + Send + Sync>;

enum Constructor {
    Documented(MakeDocumented),
    Real(MakeReal),
}

/// A registry of named plugin constructors. Every registry also knows the
/// crate's built-ins as `builtin:NAME`.
#[derive(Default)]
pub struct Registry {
    constructors: BTreeMap<String, Constructor>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("names", &self.names().collect::<Vec<_>>())
            .finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a constructor of a plugin written to the documented
    /// trait under `name`, as the documents' `register_builtin`, replacing
    /// an earlier one.
    pub fn register_builtin(
        &mut self,
        name: impl Into<String>,
        constructor: impl Fn(&Value) -> Box<dyn Plugin> + Send + Sync + 'static,
    ) -> &mut Self {
        self.constructors
            .insert(name.into(), Constructor::Documented(Box::new(constructor)));
        self
    }

    /// Registers a constructor of a `pylon_plugin::Plugin` under `name`,
    /// replacing an earlier one.
    pub fn register_plugin(
        &mut self,
        name: impl Into<String>,
        constructor: impl Fn(&Value) -> Arc<dyn pylon_plugin::Plugin> + Send + Sync + 'static,
    ) -> &mut Self {
        self.constructors
            .insert(name.into(), Constructor::Real(Box::new(constructor)));
        self
    }

    /// The registered names, sorted, then the crate's built-ins.
    pub fn names(&self) -> impl Iterator<Item = String> + '_ {
        self.constructors.keys().cloned().chain(
            BUILTINS
                .iter()
                .map(|b| format!("{BUILTIN_PREFIX}{}", b.name)),
        )
    }

    /// Builds the plugin called `name` from `config`.
    pub fn build(&self, name: &str, config: &Value) -> Result<PylonPlugin> {
        if let Some(ctor) = self.constructors.get(name) {
            return Ok(match ctor {
                Constructor::Documented(make) => PylonPlugin::Documented(make(config)),
                Constructor::Real(make) => PylonPlugin::Real(make(config)),
            });
        }
        if let Some(b) = name.strip_prefix(BUILTIN_PREFIX).and_then(builtin_named) {
            return Ok(PylonPlugin::Real(b.build(config)));
        }
        Err(Error::UnknownPlugin {
            name: name.to_owned(),
            known: self.names().collect::<Vec<_>>().join(", "),
        })
    }
}

/// One entry of the manifest's plugin list: `{ "name": …, "config": {…} }`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// The registered plugin name.
    pub name: String,
    /// The configuration passed to the constructor and to `init`.
    #[serde(default)]
    pub config: Value,
}

/// Parses a manifest plugin list from JSON text. `source` names the file in
/// errors.
pub fn parse_manifest(text: &str, source: &str) -> Result<Vec<ManifestEntry>> {
    serde_json::from_str(text).map_err(|e| Error::Manifest {
        source_name: source.to_owned(),
        reason: format!("line {}, column {}: {e}", e.line(), e.column()),
    })
}
