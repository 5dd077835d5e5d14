//! The Pylon host side: request gate, write pipeline, plugin routes.

use serde_json::Value;

use super::plugin::{Plugin, PluginError};
use super::registry::{ManifestEntry, Registry};
use crate::engine::{
    AuthContext, BadOutput, Failure, Folded, HookSpec, HttpMethod, HttpResponse, Outcome,
    PYLON_HOOKS, Pipeline, RequestMeta, Trace, TraceMode, WriteOp, call_guarded, hook,
};
use crate::store::EntityStore;
use crate::{Error, Result};

struct Entry {
    name: String,
    routes: Vec<(HttpMethod, String)>,
    plugin: Box<dyn Plugin>,
}

/// A Pylon runtime: plugins in registration order, and the host rules of
/// contracts §1 applied to every hook call.
pub struct PylonHost {
    specs: Specs,
    plugins: Vec<Entry>,
    trace_mode: TraceMode,
}

impl std::fmt::Debug for PylonHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PylonHost")
            .field("plugins", &self.plugin_names())
            .finish()
    }
}

impl Default for PylonHost {
    fn default() -> Self {
        Self::new()
    }
}

/// The result of the `before_request` gate.
#[derive(Debug)]
pub struct RequestRun {
    /// The response a plugin short-circuited with; `None` lets the request on.
    pub response: Option<HttpResponse>,
    /// Every step.
    pub trace: Trace,
}

/// The result of one entity write.
#[derive(Debug)]
pub struct WriteRun {
    /// What the host answers: 201/200 with the row, or the rejection.
    pub response: HttpResponse,
    /// The row as written, or `None` when the write was rejected.
    pub row: Option<Value>,
    /// Every `before_write` and `after_write` step.
    pub trace: Trace,
}

/// The result of routing one request.
#[derive(Debug)]
pub struct RouteRun {
    /// The response (404 when nothing claimed the route).
    pub response: HttpResponse,
    /// `builtin`, the plugin that answered, or `None`.
    pub handled_by: Option<String>,
    /// The plugin steps tried.
    pub trace: Trace,
}

/// The hook specs the host folds by, looked up once.
struct Specs {
    before_request: &'static HookSpec,
    before_write: &'static HookSpec,
    after_write: &'static HookSpec,
    handle_route: &'static HookSpec,
}

impl Specs {
    fn pylon() -> Self {
        Self {
            before_request: const { hook(PYLON_HOOKS, "before_request") },
            before_write: const { hook(PYLON_HOOKS, "before_write") },
            after_write: const { hook(PYLON_HOOKS, "after_write") },
            handle_route: const { hook(PYLON_HOOKS, "handle_route") },
        }
    }
}

fn rejection(err: &PluginError) -> Outcome {
    Outcome::Reject {
        status: err.status(),
        code: err.code().to_owned(),
        message: err.to_string(),
        headers: err.headers(),
    }
}

fn error_response(status: u16, outcome: &Outcome) -> HttpResponse {
    let body = serde_json::json!({ "error": "plugin_error", "message": outcome.to_string() });
    HttpResponse::new(status, body.to_string())
}

/// The response the host sends when a pipeline stopped.
fn stop_response(folded: &Folded) -> Option<HttpResponse> {
    let stop = folded.stop.as_ref()?;
    Some(match &stop.outcome {
        Outcome::Reject {
            status,
            code,
            message,
            headers,
        } => HttpResponse {
            status: *status,
            headers: headers.clone(),
            body: serde_json::json!({ "error": code, "message": message }).to_string(),
        },
        Outcome::Respond {
            status,
            headers,
            body,
        } => HttpResponse {
            status: *status,
            headers: headers.clone(),
            body: String::from_utf8_lossy(&body.0).into_owned(),
        },
        other => error_response(stop.status.unwrap_or(500), other),
    })
}

impl PylonHost {
    /// A host with no plugins.
    pub fn new() -> Self {
        Self {
            specs: Specs::pylon(),
            plugins: Vec::new(),
            trace_mode: TraceMode::Full,
        }
    }

    /// Sets how much every run records.
    pub fn with_trace_mode(mut self, mode: TraceMode) -> Self {
        self.trace_mode = mode;
        self
    }

    /// Builds a host from a manifest list, in the list's order: each entry's
    /// constructor is looked up in `registry`, its `name()` checked against
    /// the entry, and `init(config)` called.
    pub fn from_manifest(registry: &Registry, entries: &[ManifestEntry]) -> Result<Self> {
        let mut host = Self::new();
        for entry in entries {
            let plugin = registry.build(&entry.name, &entry.config)?;
            let actual = plugin.name().to_owned();
            if actual != entry.name {
                return Err(Error::PluginLoad {
                    plugin: entry.name.clone(),
                    reason: format!(
                        "its name() is `{actual}`, but the manifest entry says `{}`",
                        entry.name
                    ),
                });
            }
            host.register_with_config(plugin, &entry.config)?;
        }
        Ok(host)
    }

    /// Registers a plugin with a `null` config.
    pub fn register(&mut self, plugin: Box<dyn Plugin>) -> Result<&mut Self> {
        self.register_with_config(plugin, &Value::Null)
    }

    /// Registers a plugin, calling `init(config)` first. A failing or
    /// panicking `init`, or a name already taken, is a load error.
    pub fn register_with_config(
        &mut self,
        plugin: Box<dyn Plugin>,
        config: &Value,
    ) -> Result<&mut Self> {
        let name = call_guarded(|| plugin.name().to_owned()).map_err(|f| Error::PluginLoad {
            plugin: "<unnamed>".to_owned(),
            reason: format!("name() {f}"),
        })?;
        if self.plugins.iter().any(|e| e.name == name) {
            return Err(Error::PluginLoad {
                plugin: name,
                reason: "a plugin of that name is already registered".to_owned(),
            });
        }
        let load_err = |reason: String| Error::PluginLoad {
            plugin: name.clone(),
            reason,
        };
        match call_guarded(|| plugin.init(config)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(load_err(format!("init returned an error: {e}"))),
            Err(f) => return Err(load_err(format!("init {f}"))),
        }
        let routes =
            call_guarded(|| plugin.routes()).map_err(|f| load_err(format!("routes() {f}")))?;
        self.plugins.push(Entry {
            name,
            routes,
            plugin,
        });
        Ok(self)
    }

    /// The plugins' names in registration order.
    pub fn plugin_names(&self) -> Vec<&str> {
        self.plugins.iter().map(|e| e.name.as_str()).collect()
    }

    /// Runs every `before_request` hook. The first `Err` or panic
    /// short-circuits the request with its response.
    pub fn before_request(&self, meta: &RequestMeta, auth: &AuthContext) -> RequestRun {
        let mut trace = Trace::new(self.trace_mode);
        let steps = self.plugins.iter().map(|e| {
            let call = move |_: &[u8]| match call_guarded(|| e.plugin.before_request(meta, auth)) {
                Ok(Ok(())) => Outcome::Continue,
                Ok(Err(err)) => rejection(&err),
                Err(failure) => Outcome::error(&e.name, "before_request", failure),
            };
            (e.name.as_str(), call)
        });
        let folded = Pipeline::new(self.specs.before_request).run(Vec::new(), steps, &mut trace);
        RequestRun {
            response: stop_response(&folded),
            trace,
        }
    }

    /// Runs one write: every `before_write` in order (each sees the previous
    /// one's mutations), then the store write, then every `after_write`,
    /// whose failures are traced but never fail the write.
    ///
    /// Errors are the store's own; a rejection is a normal [`WriteRun`].
    pub fn write(
        &self,
        store: &EntityStore,
        entity: &str,
        op: WriteOp,
        data: Value,
        auth: &AuthContext,
    ) -> Result<WriteRun> {
        let mut trace = Trace::new(self.trace_mode);
        let input = serde_json::to_vec(&data).map_err(|e| Error::BadWrite {
            entity: entity.to_owned(),
            reason: e.to_string(),
        })?;
        let steps = self.plugins.iter().map(|e| {
            let call = move |current: &[u8]| before_write_step(e, entity, op, current, auth);
            (e.name.as_str(), call)
        });
        let folded = Pipeline::new(self.specs.before_write).run(input, steps, &mut trace);
        if let Some(response) = stop_response(&folded) {
            return Ok(WriteRun {
                response,
                row: None,
                trace,
            });
        }
        let data: Value = serde_json::from_slice(&folded.value).map_err(|e| Error::BadWrite {
            entity: entity.to_owned(),
            reason: format!("the folded data is not JSON: {e}"),
        })?;
        let row = store.apply(entity, op, &data)?;
        let row_bytes = serde_json::to_vec(&row).unwrap_or_default();
        let observers = self.plugins.iter().map(|e| {
            let row = &row;
            let call = move |_: &[u8]| match call_guarded(|| {
                e.plugin.after_write(entity, op, row, auth)
            }) {
                Ok(()) => Outcome::Continue,
                Err(failure) => Outcome::error(&e.name, "after_write", failure),
            };
            (e.name.as_str(), call)
        });
        Pipeline::new(self.specs.after_write).run(row_bytes, observers, &mut trace);
        let status = if op == WriteOp::Insert { 201 } else { 200 };
        let response = HttpResponse::new(status, row.to_string());
        Ok(WriteRun {
            response,
            row: Some(row),
            trace,
        })
    }

    /// Routes a request: `builtin` first, then every plugin that lists
    /// `(method, path)` in its routes, in registration order. The first
    /// `Some` answers; a panic answers 500.
    pub fn route(
        &self,
        method: HttpMethod,
        url: &str,
        body: &str,
        auth: &AuthContext,
        builtin: impl FnOnce(HttpMethod, &str, &str) -> Option<(u16, String)>,
    ) -> RouteRun {
        let mut trace = Trace::new(self.trace_mode);
        if let Some((status, body)) = builtin(method, url, body) {
            let response = HttpResponse::new(status, body);
            return RouteRun {
                response,
                handled_by: Some("builtin".to_owned()),
                trace,
            };
        }
        let path = url.split_once('?').map_or(url, |(p, _)| p);
        let claimants = self
            .plugins
            .iter()
            .filter(|e| e.routes.iter().any(|(m, p)| *m == method && p == path));
        let steps = claimants.map(|e| {
            let call = move |_: &[u8]| match call_guarded(|| {
                e.plugin.handle_route(method, url, body, auth)
            }) {
                Ok(None) => Outcome::Continue,
                Ok(Some((status, body))) => Outcome::Respond {
                    status,
                    headers: Vec::new(),
                    body: body.into(),
                },
                Err(failure) => Outcome::error(&e.name, "handle_route", failure),
            };
            (e.name.as_str(), call)
        });
        let folded = Pipeline::new(self.specs.handle_route).run(Vec::new(), steps, &mut trace);
        match (stop_response(&folded), folded.stop) {
            (Some(response), Some(stop)) => RouteRun {
                response,
                handled_by: Some(stop.plugin),
                trace,
            },
            _ => {
                let body = serde_json::json!({ "error": "not_found", "path": path }).to_string();
                RouteRun {
                    response: HttpResponse::new(404, body),
                    handled_by: None,
                    trace,
                }
            }
        }
    }
}

fn before_write_step(
    e: &Entry,
    entity: &str,
    op: WriteOp,
    current: &[u8],
    auth: &AuthContext,
) -> Outcome {
    let Ok(before) = serde_json::from_slice::<Value>(current) else {
        let reason = "the host could not decode its own write data".to_owned();
        return Outcome::error(&e.name, "before_write", Failure::HostFault { reason });
    };
    let mut data = before.clone();
    match call_guarded(|| e.plugin.before_write(entity, op, &mut data, auth)) {
        Ok(Ok(())) if data == before => Outcome::Continue,
        Ok(Ok(())) => match serde_json::to_vec(&data) {
            Ok(bytes) => Outcome::modified(bytes),
            Err(err) => Outcome::error(
                &e.name,
                "before_write",
                Failure::bad_output(BadOutput::Unencodable, err.to_string()),
            ),
        },
        Ok(Err(err)) => rejection(&err),
        Err(failure) => Outcome::error(&e.name, "before_write", failure),
    }
}
