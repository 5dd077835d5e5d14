//! Named plugin constructors and the manifest that enables them.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::plugin::Plugin;
use crate::{Error, Result};

type Constructor = Box<dyn Fn(&Value) -> Box<dyn Plugin> + Send + Sync>;

/// A registry of named plugin constructors, as Pylon's `register_builtin`.
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

    /// Registers `constructor` under `name`, replacing an earlier one.
    pub fn register_builtin(
        &mut self,
        name: impl Into<String>,
        constructor: impl Fn(&Value) -> Box<dyn Plugin> + Send + Sync + 'static,
    ) -> &mut Self {
        self.constructors.insert(name.into(), Box::new(constructor));
        self
    }

    /// The registered names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.constructors.keys().map(String::as_str)
    }

    /// Builds the plugin called `name` from `config`.
    pub fn build(&self, name: &str, config: &Value) -> Result<Box<dyn Plugin>> {
        let ctor = self
            .constructors
            .get(name)
            .ok_or_else(|| Error::UnknownPlugin {
                name: name.to_owned(),
                known: self.names().collect::<Vec<_>>().join(", "),
            })?;
        Ok(ctor(config))
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
