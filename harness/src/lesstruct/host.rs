//! The Lesstruct host side: alphabetical loading, `before_save` with the
//! `customFields` read-back and system-field rules, and the `after_*` hooks.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::hookdata::host_reads;
use super::plugin::WasmPlugin;
use super::protocol::decode_result;
use super::runtime::{WasmEngine, WasmLimits};
use super::schema::PostTypeSchema;
use super::state::HostServices;
use crate::engine::{
    Answer, Called, Failure, HookError, HookSpec, LoadWarning, Outcome, Pipeline, Tolerated, Trace,
    TraceMode, hook,
};
use crate::{Error, Result};

const BEFORE_SAVE: &HookSpec = hook(super::contract::HOOKS, "before_save");
const AFTER_CREATE: &HookSpec = hook(super::contract::HOOKS, "after_create");
const AFTER_PUBLISH: &HookSpec = hook(super::contract::HOOKS, "after_publish");

/// Whether the host ever calls hook `name` (the `invoked` column of the
/// Lesstruct hook table: `on_plugin_loaded` and `before_delete` are
/// defined but never called).
pub fn is_invoked(name: &str) -> bool {
    super::contract::PROFILE
        .hook(name)
        .is_some_and(|spec| spec.invoked)
}

/// The hooks the host calls, in table order.
pub fn invoked_hooks() -> impl Iterator<Item = &'static str> {
    super::contract::PROFILE
        .hooks
        .iter()
        .filter(|spec| spec.invoked)
        .map(|spec| spec.point.name)
}

/// The result of saving one content item.
#[derive(Debug)]
pub struct SaveRun {
    /// Whether the content was saved.
    pub saved: bool,
    /// The API status: 200; 500 when a hook failed; 400 when a plugin set
    /// an invalid system field (as the host answers).
    pub status: u16,
    /// The content as it would be stored (after hooks), or as submitted
    /// (after stripping) when not saved.
    pub content: Value,
    /// User-submitted system fields that were stripped.
    pub stripped: Vec<String>,
    /// Why it was not saved.
    pub error: Option<String>,
    /// Every `before_save` step.
    pub trace: Trace,
}

/// A Lesstruct CMS's plugin system, run by hookcheck.
pub struct LesstructHost {
    engine: Arc<WasmEngine>,
    services: Arc<HostServices>,
    plugins: Vec<WasmPlugin>,
    schemas: Vec<PostTypeSchema>,
    warnings: Vec<LoadWarning>,
    trace_mode: TraceMode,
}

impl std::fmt::Debug for LesstructHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LesstructHost")
            .field("plugins", &self.plugin_names())
            .finish()
    }
}

impl LesstructHost {
    /// A host with no plugins, `limits` on every store, and fresh services.
    pub fn new(limits: WasmLimits) -> Result<Self> {
        Self::with_engine(Arc::new(WasmEngine::new(limits)?))
    }

    /// A host with no plugins on a shared `engine` (modules compiled on it
    /// load without compiling again), and fresh services.
    pub fn with_engine(engine: Arc<WasmEngine>) -> Result<Self> {
        Ok(Self {
            engine,
            services: Arc::new(HostServices::new()?),
            plugins: Vec::new(),
            schemas: Vec::new(),
            warnings: Vec::new(),
            trace_mode: TraceMode::Full,
        })
    }

    /// Adds a post-type schema.
    pub fn with_schema(mut self, schema: PostTypeSchema) -> Self {
        self.schemas.push(schema);
        self
    }

    /// Records traces at `mode` (default [`TraceMode::Full`]).
    pub fn with_trace_mode(mut self, mode: TraceMode) -> Self {
        self.trace_mode = mode;
        self
    }

    /// The engine plugins run on.
    pub fn engine(&self) -> &WasmEngine {
        &self.engine
    }

    /// The database, HTTP client and log.
    pub fn services(&self) -> &Arc<HostServices> {
        &self.services
    }

    /// Loads every `*.wasm` in `dir` (not recursively), alphabetically by
    /// file name, each with its optional `<name>.manifest`; one that does
    /// not load is skipped with a warning.
    pub fn load_dir(&mut self, dir: &Path) -> Result<&mut Self> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read directory", dir, e))?;
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "wasm"))
            .collect();
        paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        // As the host does (internal/plugin/loader/loader.go:137-153), a
        // plugin that fails to load is skipped and the others load.
        for path in paths {
            if let Err(e) = self.load_file(&path) {
                self.warnings.push(LoadWarning::PluginSkipped {
                    path,
                    reason: e.to_string(),
                });
            }
        }
        Ok(self)
    }

    /// Loads one plugin file (with its manifest beside it).
    pub fn load_file(&mut self, path: &Path) -> Result<&mut Self> {
        let plugin = WasmPlugin::load(&self.engine, path, Arc::clone(&self.services))?;
        self.admit(plugin)
    }

    /// Loads a plugin from bytes.
    pub fn load_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        manifest: Option<super::manifest::CapabilityManifest>,
    ) -> Result<&mut Self> {
        let plugin = WasmPlugin::from_bytes(
            &self.engine,
            name,
            bytes,
            manifest,
            Arc::clone(&self.services),
        )?;
        self.admit(plugin)
    }

    /// Loads a plugin from a module compiled on this host's engine.
    pub fn load_module(
        &mut self,
        name: &str,
        module: super::WasmModule,
        manifest: Option<super::manifest::CapabilityManifest>,
    ) -> Result<&mut Self> {
        let plugin = WasmPlugin::from_module(
            &self.engine,
            name,
            module,
            manifest,
            Arc::clone(&self.services),
        )?;
        self.admit(plugin)
    }

    /// Adds `plugin` unless the host could not: its host functions are one
    /// `lesstruct` module per runtime, so a second plugin with a manifest
    /// fails to load there (`module[lesstruct] has already been
    /// instantiated`: internal/plugin/hostfunctions/registry.go:34-133, a
    /// host bug).
    fn admit(&mut self, plugin: WasmPlugin) -> Result<&mut Self> {
        if plugin.manifest().is_some()
            && let Some(first) = self.plugins.iter().find(|p| p.manifest().is_some())
        {
            return Err(Error::PluginLoad {
                plugin: plugin.name().to_owned(),
                reason: format!(
                    "instantiating host functions: module[lesstruct] has already been instantiated (by `{}`): the host loads only the first plugin with a manifest, a host bug",
                    first.name()
                ),
            });
        }
        Ok(self.add(plugin))
    }

    /// Adds a loaded plugin at the end of the load order, noting hooks the
    /// host will never call.
    pub fn add(&mut self, plugin: WasmPlugin) -> &mut Self {
        let exported = |h: &String| format!("hook_{h}");
        let calls_any = plugin.hooks().iter().any(|h| is_invoked(h));
        let unused: Vec<String> = plugin
            .hooks()
            .iter()
            .filter(|h| !is_invoked(h))
            .map(exported)
            .collect();
        if !calls_any || !unused.is_empty() {
            self.warnings.push(LoadWarning::HooksNeverCalled {
                plugin: plugin.name().to_owned(),
                hooks: unused,
                never_runs: !calls_any,
                invoked: invoked_hooks().map(|h| format!("hook_{h}")).collect(),
            });
        }
        self.plugins.push(plugin);
        self
    }

    /// Load-time warnings (never-invoked hooks).
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }

    /// Plugin names in load order.
    pub fn plugin_names(&self) -> Vec<&str> {
        self.plugins.iter().map(WasmPlugin::name).collect()
    }

    /// The loaded plugins, in load order.
    pub fn plugins_mut(&mut self) -> &mut [WasmPlugin] {
        &mut self.plugins
    }

    fn schema_for(&self, content: &Value) -> Option<&PostTypeSchema> {
        let post_type = content.get("postType").and_then(Value::as_str)?;
        self.schemas.iter().find(|s| s.name == post_type)
    }

    /// Saves `content` (the hook data) as the host does: strip
    /// user-submitted system fields, run every `hook_before_save` in load
    /// order (each on the previous one's raw result), read the final result
    /// as Go's `json.Unmarshal` would and apply only its `customFields` (a
    /// result it cannot read is dropped, and the save goes on), then
    /// validate the system fields. A failed hook call fails the save with
    /// 500, an invalid plugin-set system field with 400.
    pub fn before_save(&mut self, mut content: Value) -> SaveRun {
        let mut trace = Trace::new(self.trace_mode);
        let mut stripped = Vec::new();
        if let Some(schema) = self.schema_for(&content).cloned()
            && let Some(Value::Object(custom)) = content.get_mut("customFields")
        {
            stripped = schema.strip_system(custom);
        }
        let input = serde_json::to_vec(&content).unwrap_or_default();
        let names: Vec<String> = self.plugins.iter().map(|p| p.name().to_owned()).collect();
        // Who wrote the value the chain ends with, for what the host makes
        // of it.
        let last = std::cell::RefCell::new(None::<String>);
        let steps = names
            .iter()
            .zip(self.plugins.iter_mut())
            .filter(|(_, p)| p.has_hook("before_save"))
            .map(|(n, p)| {
                let last = &last;
                let call = move |current: &[u8]| {
                    let called = before_save_step(p, current);
                    if matches!(called.outcome, Outcome::Modified { .. }) {
                        *last.borrow_mut() = Some(n.clone());
                    }
                    called
                };
                (n.as_str(), call)
            });
        let folded = Pipeline::new(BEFORE_SAVE).run(input, steps, &mut trace);
        if let Some(stop) = folded.stop {
            let error = Some(stop.outcome.to_string());
            return SaveRun {
                saved: false,
                status: stop.status.unwrap_or(500),
                content,
                stripped,
                error,
                trace,
            };
        }
        if folded.modified {
            let plugin = last.into_inner().unwrap_or_default();
            let note = |failure: Failure| HookError {
                plugin: plugin.clone(),
                hook: "before_save".into(),
                failure,
            };
            // Only the final result is read, and only its `customFields` is
            // applied; a result the host cannot read is dropped in silence.
            let (not_utf8, read) = host_reads(&folded.value);
            trace
                .tolerated
                .extend(not_utf8.map(|f| Tolerated::kept(note(f))));
            match read {
                Ok(read) => {
                    if let (Some(custom), Value::Object(map)) = (read.custom_fields, &mut content) {
                        map.insert("customFields".into(), Value::Object(custom));
                    }
                }
                Err(failure) => trace.tolerated.push(Tolerated::lost(note(failure))),
            }
        }
        if let Some(schema) = self.schema_for(&content) {
            let empty = Map::new();
            let custom = content
                .get("customFields")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            // The host answers 400 `system_field_validation` (the documents
            // say 500): internal/api/handlers/content.go:73-76.
            if let Err(reason) = schema.validate_system(custom) {
                return SaveRun {
                    saved: false,
                    status: 400,
                    content,
                    stripped,
                    error: Some(reason),
                    trace,
                };
            }
        }
        SaveRun {
            saved: true,
            status: 200,
            content,
            stripped,
            error: None,
            trace,
        }
    }

    /// Runs every `hook_after_create`; results are ignored, failures are
    /// traced and logged, nothing is rolled back.
    pub fn after_create(&mut self, content: &Value) -> Trace {
        self.observe(AFTER_CREATE, content)
    }

    /// Runs every `hook_after_publish`, like [`Self::after_create`].
    pub fn after_publish(&mut self, content: &Value) -> Trace {
        self.observe(AFTER_PUBLISH, content)
    }

    fn observe(&mut self, spec: &'static HookSpec, content: &Value) -> Trace {
        let point = spec.point;
        let hook = point.name;
        let mut trace = Trace::new(self.trace_mode);
        let input = serde_json::to_vec(content).unwrap_or_default();
        let names: Vec<String> = self.plugins.iter().map(|p| p.name().to_owned()).collect();
        let steps = names
            .iter()
            .zip(self.plugins.iter_mut())
            .filter(|(_, p)| p.has_hook(hook))
            .map(|(n, p)| {
                let call = move |current: &[u8]| match p.call_hook(hook, current) {
                    Ok(None) => Outcome::Continue,
                    Ok(Some(bytes)) => match decode_result(&bytes) {
                        Ok(_) => Outcome::modified(bytes),
                        Err(f) => Outcome::error(p.name(), point, f),
                    },
                    Err(f) => Outcome::error(p.name(), point, f),
                };
                (n.as_str(), call)
            });
        let folded = Pipeline::new(spec).run(input, steps, &mut trace);
        for error in &folded.errors {
            self.services.log(&error.plugin, "error", error.to_string());
        }
        trace
    }
}

/// One `before_save` call as the host makes it: the plugin gets the
/// previous plugin's raw result, and its own result goes on unchecked
/// (internal/plugin/registry/registry.go:57-147); a failed call stops the
/// chain. A result that carries an `error` is, in the plugin's words, a
/// rejection ([`Answer::Reject`]); the host reads back only its
/// `customFields` and saves the post anyway.
fn before_save_step(plugin: &mut WasmPlugin, current: &[u8]) -> Called {
    match plugin.call_hook("before_save", current) {
        Ok(None) => Outcome::Continue.into(),
        Ok(Some(bytes)) => {
            let said = if rejects(&bytes) {
                Answer::Reject
            } else {
                Answer::Modify
            };
            Called::said(Outcome::modified(bytes), said)
        }
        Err(f) => Outcome::error(plugin.name(), BEFORE_SAVE.point, f).into(),
    }
}

/// Whether a hook result says the save should not happen.
fn rejects(result: &[u8]) -> bool {
    serde_json::from_slice::<Value>(result).is_ok_and(|v| is_rejection(&v))
}

/// Whether a decoded hook result says, in the plugin's words, that the save
/// should not happen: a JSON object with an `error` that is not empty
/// (`{"error": "validation failed"}`, as Lesstruct's own validation
/// example returns), or `"valid": false`. The host saves it anyway.
pub fn is_rejection(result: &Value) -> bool {
    let Value::Object(map) = result else {
        return false;
    };
    let error = match map.get("error") {
        None | Some(Value::Null | Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    };
    error || map.get("valid") == Some(&Value::Bool(false))
}
