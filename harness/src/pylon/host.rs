//! The Pylon host side, as `pylon_plugin::PluginRegistry` runs plugins
//! (pylon-plugin 0.3.23 `src/lib.rs:167-310`): registration order, `on_init`
//! at registration, the first `Err` stopping `before_*` and
//! `on_request_with_meta`, `after_*` unable to fail, plugin routes matched
//! by method and path prefix (and, as hookcheck models Pylon's runtime,
//! before the built-in API — the crate itself has none), `routes()` asked on
//! every request. What hookcheck adds is its own and says so: a panic is
//! caught and named (Pylon would unwind into the request thread).

use std::sync::Arc;

use pylon_plugin::Plugin as RealPlugin;
use serde_json::Value;

use super::adapter::{Documented, real_auth};
use super::plugin::Plugin;
use super::registry::{ManifestEntry, PylonPlugin, Registry};
use crate::engine::{
    AuthContext, BadOutput, Failure, Folded, HookPoint, HookSpec, HttpMethod, HttpResponse,
    Outcome, Pipeline, RequestMeta, Trace, TraceMode, WriteOp, call_guarded, call_guarded_quiet,
    hook,
};
use crate::store::EntityStore;

/// The request hook and the route, for failures named by their point.
const REQUEST: &HookSpec = hook(super::contract::HOOKS, "on_request_with_meta");
const ROUTE: &HookSpec = hook(super::contract::HOOKS, "route");
use crate::{Error, Result};

struct Entry {
    name: String,
    plugin: Arc<dyn RealPlugin>,
}

/// What the request hooks answered on the fast path
/// ([`PylonHost::before_request_fast`]).
#[derive(Debug)]
pub enum FastRequest {
    /// Every plugin let the request go on.
    Continue,
    /// Plugin `index` (registration order) answered with an error: the
    /// response has its status and code.
    Rejected {
        /// The plugin's place in registration order.
        index: usize,
        /// Its error, as it returned it.
        error: pylon_plugin::PluginError,
    },
    /// Plugin `index` panicked (hookcheck caught it; the crate would not).
    Panicked {
        /// The plugin's place in registration order.
        index: usize,
    },
}

/// A Pylon runtime: plugins in registration order around one shared
/// `PluginContext`, run as the crate's registry runs them.
pub struct PylonHost {
    specs: Specs,
    plugins: Vec<Entry>,
    context: pylon_plugin::PluginContext,
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

/// The result of the request hooks.
#[derive(Debug)]
pub struct RequestRun {
    /// The response a plugin's `Err` short-circuited with; `None` lets the
    /// request on.
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
    /// Every `before_*` and `after_*` step.
    pub trace: Trace,
}

/// The result of the `before_*` hooks of one write.
#[derive(Debug)]
pub struct BeforeRun {
    /// The data the store would write, or the response that rejected it.
    pub data: std::result::Result<Value, HttpResponse>,
    /// Every `before_*` step.
    pub trace: Trace,
}

/// The result of routing one request.
#[derive(Debug)]
pub struct RouteRun {
    /// The response (404 when nothing claimed the route).
    pub response: HttpResponse,
    /// The plugin that answered, `builtin`, or `None`.
    pub handled_by: Option<String>,
    /// One step per plugin asked for its routes, in order.
    pub trace: Trace,
}

/// The hook specs the host folds by, looked up once.
struct Specs {
    request: &'static HookSpec,
    before_insert: &'static HookSpec,
    before_update: &'static HookSpec,
    before_delete: &'static HookSpec,
    after_insert: &'static HookSpec,
    after_update: &'static HookSpec,
    after_delete: &'static HookSpec,
    route: &'static HookSpec,
}

impl Specs {
    fn pylon() -> Self {
        Self {
            request: const { hook(super::contract::HOOKS, "on_request_with_meta") },
            before_insert: const { hook(super::contract::HOOKS, "before_insert") },
            before_update: const { hook(super::contract::HOOKS, "before_update") },
            before_delete: const { hook(super::contract::HOOKS, "before_delete") },
            after_insert: const { hook(super::contract::HOOKS, "after_insert") },
            after_update: const { hook(super::contract::HOOKS, "after_update") },
            after_delete: const { hook(super::contract::HOOKS, "after_delete") },
            route: const { hook(super::contract::HOOKS, "route") },
        }
    }

    fn before(&self, op: WriteOp) -> &'static HookSpec {
        match op {
            WriteOp::Insert => self.before_insert,
            WriteOp::Update => self.before_update,
            WriteOp::Delete => self.before_delete,
        }
    }

    fn after(&self, op: WriteOp) -> &'static HookSpec {
        match op {
            WriteOp::Insert => self.after_insert,
            WriteOp::Update => self.after_update,
            WriteOp::Delete => self.after_delete,
        }
    }
}

/// A plugin's `Err`, as the registry hands it on: its status as is.
fn rejection(err: &pylon_plugin::PluginError) -> Outcome {
    Outcome::Reject {
        status: err.status,
        code: err.code.clone(),
        message: err.message.clone(),
        headers: Vec::new(),
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

/// The id the crate's update and delete hooks receive: the data's `id`,
/// as text (a string as it is, anything else as JSON).
pub fn write_id(data: &Value) -> String {
    match data.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

impl PylonHost {
    /// A host with no plugins and a default app manifest.
    pub fn new() -> Self {
        Self::with_app_manifest(pylon_kernel::AppManifest::default())
    }

    /// A host whose plugins' `on_init` sees `manifest`.
    pub fn with_app_manifest(manifest: pylon_kernel::AppManifest) -> Self {
        Self {
            specs: Specs::pylon(),
            plugins: Vec::new(),
            context: pylon_plugin::PluginContext::new(manifest),
            trace_mode: TraceMode::Full,
        }
    }

    /// Sets how much every run records.
    pub fn with_trace_mode(mut self, mode: TraceMode) -> Self {
        self.trace_mode = mode;
        self
    }

    /// Builds a host from a manifest list, in the list's order: each
    /// entry's constructor is looked up in `registry` and registered. A
    /// plugin written to the documented trait must have the entry's name
    /// and gets `init(config)`, as the documents say; the crate's plugins
    /// get `on_init` and no name check (nothing in the crate compares
    /// names).
    pub fn from_manifest(registry: &Registry, entries: &[ManifestEntry]) -> Result<Self> {
        let mut host = Self::new();
        for entry in entries {
            match registry.build(&entry.name, &entry.config)? {
                PylonPlugin::Documented(plugin) => {
                    let actual = call_guarded(|| plugin.name().to_owned()).map_err(|f| {
                        Error::PluginLoad {
                            plugin: entry.name.clone(),
                            reason: format!("name() {f}"),
                        }
                    })?;
                    if actual != entry.name {
                        return Err(Error::PluginLoad {
                            plugin: entry.name.clone(),
                            reason: format!(
                                "its name() is `{actual}`, but the manifest entry says `{}`",
                                entry.name
                            ),
                        });
                    }
                    host.register_documented(plugin, &entry.config)?;
                }
                PylonPlugin::Real(plugin) => {
                    host.register(plugin)?;
                }
            }
        }
        Ok(host)
    }

    /// Registers a `pylon_plugin::Plugin`, calling `on_init` with the
    /// shared context first, as `PluginRegistry::register` does. Names are
    /// not deduplicated. A panic in `name()` or `on_init` is a load error
    /// (on Pylon it would unwind out of the server's start).
    pub fn register(&mut self, plugin: Arc<dyn RealPlugin>) -> Result<&mut Self> {
        let name = call_guarded(|| plugin.name().to_owned()).map_err(|f| Error::PluginLoad {
            plugin: "<unnamed>".to_owned(),
            reason: format!("name() {f}"),
        })?;
        let context = &self.context;
        call_guarded(|| plugin.on_init(context)).map_err(|f| Error::PluginStart {
            plugin: name.clone(),
            reason: format!("on_init {f} (Pylon does not catch it: the server would not start)"),
            failure: f,
        })?;
        self.plugins.push(Entry { name, plugin });
        Ok(self)
    }

    /// Registers a plugin written to the documented trait with a `null`
    /// config.
    pub fn register_documented_plugin(&mut self, plugin: Box<dyn Plugin>) -> Result<&mut Self> {
        self.register_documented(plugin, &Value::Null)
    }

    /// Registers a plugin written to the documented trait: its `init(config)`
    /// first (a failing or panicking `init` is a load error, as the
    /// documents say), then the plugin through [`Documented`].
    pub fn register_documented(
        &mut self,
        plugin: Box<dyn Plugin>,
        config: &Value,
    ) -> Result<&mut Self> {
        let name = call_guarded(|| plugin.name().to_owned()).map_err(|f| Error::PluginLoad {
            plugin: "<unnamed>".to_owned(),
            reason: format!("name() {f}"),
        })?;
        let start_err = |reason: String, failure: Failure| Error::PluginStart {
            plugin: name.clone(),
            reason,
            failure,
        };
        match call_guarded(|| plugin.init(config)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let reason = format!("init returned an error: {e}");
                let failure = Failure::Plugin {
                    message: e.to_string(),
                };
                return Err(start_err(reason, failure));
            }
            Err(f) => return Err(start_err(format!("init {f}"), f)),
        }
        self.register(Arc::new(Documented::new(plugin)))
    }

    /// Registers either kind of plugin: see [`PylonHost::register`] and
    /// [`PylonHost::register_documented`].
    pub fn register_any(&mut self, plugin: PylonPlugin, config: &Value) -> Result<&mut Self> {
        match plugin {
            PylonPlugin::Real(p) => self.register(p),
            PylonPlugin::Documented(p) => self.register_documented(p, config),
        }
    }

    /// The plugins' names in registration order.
    pub fn plugin_names(&self) -> Vec<&str> {
        self.plugins.iter().map(|e| e.name.as_str()).collect()
    }

    /// Runs every plugin's `on_request_with_meta` in order, as
    /// `run_on_request_with_meta` does: the first `Err` (or, in hookcheck,
    /// panic) short-circuits the request with its status as is. The crate's
    /// `RequestMeta` carries only the peer address: headers and the query
    /// string do not reach a plugin.
    pub fn before_request(&self, meta: &RequestMeta, auth: &AuthContext) -> RequestRun {
        let mut trace = Trace::new(self.trace_mode);
        let auth = &real_auth(auth);
        let steps = self.plugins.iter().map(|e| {
            let call =
                move |_: &[u8]| match call_guarded(|| on_request(e.plugin.as_ref(), meta, auth)) {
                    Ok(Ok(())) => Outcome::Continue,
                    Ok(Err(err)) => rejection(&err),
                    Err(failure) => Outcome::error(&e.name, REQUEST.point, failure),
                };
            (e.name.as_str(), call)
        });
        let folded = Pipeline::new(self.specs.request).run(Vec::new(), steps, &mut trace);
        RequestRun {
            response: stop_response(&folded),
            trace,
        }
    }

    /// The request hooks as the crate's registry runs them
    /// (`run_on_request_with_meta`: every plugin in order, the first `Err`
    /// answers), plus only what hookcheck must add: a panic is caught and
    /// becomes an answer. No trace, no copy of the arguments, no heap
    /// allocation of hookcheck's own: the hot path of `serve`, `hookcheck
    /// bench` and the benchmarks. [`PylonHost::before_request`] is the
    /// traced path the checks read; both give the same outcome (a property
    /// test holds them to it).
    pub fn before_request_fast(
        &self,
        method: &str,
        path: &str,
        auth: &pylon_auth::AuthContext,
        meta: &pylon_plugin::RequestMeta<'_>,
    ) -> FastRequest {
        // One guard around the loop, not one per plugin: the plugin being
        // called is kept beside it, so a panic is still put on the right
        // plugin.
        let at = std::cell::Cell::new(0);
        let run = call_guarded_quiet(|| {
            for (index, e) in self.plugins.iter().enumerate() {
                at.set(index);
                e.plugin.on_request_with_meta(method, path, auth, meta)?;
            }
            Ok(())
        });
        match run {
            Ok(Ok(())) => FastRequest::Continue,
            Ok(Err(error)) => FastRequest::Rejected {
                index: at.get(),
                error,
            },
            Err(_) => FastRequest::Panicked { index: at.get() },
        }
    }

    /// Runs the `before_*` hook of `op` over every plugin in order, as
    /// `run_before_insert` / `_update` / `_delete` do: each sees the
    /// previous one's changes (delete gets no data), the first `Err` stops
    /// with its status. The result is the data the store would get, or the
    /// response the host sends instead.
    pub fn before_write(
        &self,
        entity: &str,
        op: WriteOp,
        data: Value,
        auth: &AuthContext,
    ) -> Result<BeforeRun> {
        let mut trace = Trace::new(self.trace_mode);
        let input = serde_json::to_vec(&data).map_err(|e| Error::BadWrite {
            entity: entity.to_owned(),
            reason: e.to_string(),
        })?;
        let id = write_id(&data);
        let real = real_auth(auth);
        let (id_ref, real_ref) = (id.as_str(), &real);
        let spec = self.specs.before(op);
        let steps = self.plugins.iter().map(|e| {
            let call = move |current: &[u8]| {
                before_step(e, op, spec.point, entity, id_ref, current, real_ref)
            };
            (e.name.as_str(), call)
        });
        let folded = Pipeline::new(spec).run(input, steps, &mut trace);
        if let Some(response) = stop_response(&folded) {
            return Ok(BeforeRun {
                data: Err(response),
                trace,
            });
        }
        let data: Value = serde_json::from_slice(&folded.value).map_err(|e| Error::BadWrite {
            entity: entity.to_owned(),
            reason: format!("the folded data is not JSON: {e}"),
        })?;
        Ok(BeforeRun {
            data: Ok(data),
            trace,
        })
    }

    /// Runs one write: [`PylonHost::before_write`], the store write, then
    /// the `after_*` hook of `op`, which cannot fail the write.
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
        let id = write_id(&data);
        let BeforeRun { data, mut trace } = self.before_write(entity, op, data, auth)?;
        let data = match data {
            Ok(data) => data,
            Err(response) => {
                return Ok(WriteRun {
                    response,
                    row: None,
                    trace,
                });
            }
        };
        let real = real_auth(auth);
        let real_ref = &real;
        let row = store.apply(entity, op, &data)?;
        let row_bytes = serde_json::to_vec(&row).unwrap_or_default();
        let row_id = match write_id(&row) {
            found if !found.is_empty() => found,
            _ => id,
        };
        let spec = self.specs.after(op);
        let (row_ref, row_id) = (&row, row_id.as_str());
        let observers = self.plugins.iter().map(|e| {
            let call = move |_: &[u8]| {
                let plugin = &e.plugin;
                match call_guarded(|| match op {
                    WriteOp::Insert => plugin.after_insert(entity, row_id, row_ref, real_ref),
                    WriteOp::Update => plugin.after_update(entity, row_id, row_ref, real_ref),
                    WriteOp::Delete => plugin.after_delete(entity, row_id, real_ref),
                }) {
                    Ok(()) => Outcome::Continue,
                    Err(failure) => Outcome::error(&e.name, spec.point, failure),
                }
            };
            (e.name.as_str(), call)
        });
        Pipeline::new(spec).run(row_bytes, observers, &mut trace);
        let status = if op == WriteOp::Insert { 201 } else { 200 };
        let response = HttpResponse::new(status, row.to_string());
        Ok(WriteRun {
            response,
            row: Some(row),
            trace,
        })
    }

    /// Routes a request as `try_handle_route` does, before the built-in
    /// API: every plugin in order is asked for its `routes()` (on every
    /// request), and the first route whose method equals the request's and
    /// whose path is a prefix of the request's path answers with its
    /// handler's `(status, body)`. Only when no plugin route matches does
    /// `builtin` get the request; then 404.
    pub fn route(
        &self,
        method: HttpMethod,
        url: &str,
        body: &str,
        auth: &AuthContext,
        builtin: impl FnOnce(HttpMethod, &str, &str) -> Option<(u16, String)>,
    ) -> RouteRun {
        let mut trace = Trace::new(self.trace_mode);
        let path = url.split_once('?').map_or(url, |(p, _)| p);
        let real = real_auth(auth);
        let (method_str, real_ref) = (method.as_str(), &real);
        let steps = self.plugins.iter().map(|e| {
            let call = move |_: &[u8]| route_step(e, method_str, path, body, real_ref);
            (e.name.as_str(), call)
        });
        let folded = Pipeline::new(self.specs.route).run(Vec::new(), steps, &mut trace);
        if let (Some(response), Some(stop)) = (stop_response(&folded), folded.stop) {
            return RouteRun {
                response,
                handled_by: Some(stop.plugin),
                trace,
            };
        }
        if let Some((status, body)) = builtin(method, url, body) {
            return RouteRun {
                response: HttpResponse::new(status, body),
                handled_by: Some("builtin".to_owned()),
                trace,
            };
        }
        let body = serde_json::json!({ "error": "not_found", "path": path }).to_string();
        RouteRun {
            response: HttpResponse::new(404, body),
            handled_by: None,
            trace,
        }
    }
}

/// One plugin's turn at routing: its `routes()`, then the first match's
/// handler.
fn route_step(
    e: &Entry,
    method: &str,
    path: &str,
    body: &str,
    auth: &pylon_auth::AuthContext,
) -> Outcome {
    let answer = call_guarded(|| {
        e.plugin
            .routes()
            .into_iter()
            .find(|r| r.method == method && path.starts_with(&r.path))
            .map(|r| (r.handler)(body, path, auth))
    });
    match answer {
        Ok(None) => Outcome::Continue,
        Ok(Some((status, body))) => Outcome::Respond {
            status,
            headers: Vec::new(),
            body: body.into(),
        },
        Err(failure) => Outcome::error(&e.name, ROUTE.point, failure),
    }
}

/// One plugin's `before_*` call (`hook`, the spec's name for `op`) on the
/// data so far.
fn before_step(
    e: &Entry,
    op: WriteOp,
    hook: HookPoint,
    entity: &str,
    id: &str,
    current: &[u8],
    auth: &pylon_auth::AuthContext,
) -> Outcome {
    let Ok(before) = serde_json::from_slice::<Value>(current) else {
        let reason = "the host could not decode its own write data".to_owned();
        return Outcome::error(&e.name, hook, Failure::HostFault { reason });
    };
    let mut data = before.clone();
    let plugin = &e.plugin;
    let answer = call_guarded(|| match op {
        WriteOp::Insert => plugin.before_insert(entity, &mut data, auth),
        WriteOp::Update => plugin.before_update(entity, id, &mut data, auth),
        WriteOp::Delete => plugin.before_delete(entity, id, auth),
    });
    match answer {
        Ok(Ok(())) if data == before => Outcome::Continue,
        Ok(Ok(())) => match serde_json::to_vec(&data) {
            Ok(bytes) => Outcome::modified(bytes),
            Err(err) => Outcome::error(
                &e.name,
                hook,
                Failure::bad_output(BadOutput::Unencodable, err.to_string()),
            ),
        },
        Ok(Err(err)) => rejection(&err),
        Err(failure) => Outcome::error(&e.name, hook, failure),
    }
}

/// Calls `plugin`'s `on_request_with_meta` as the crate's registry does:
/// the method and path, `auth`, and the crate's `RequestMeta`, which
/// carries only the peer address (headers and the query never reach a
/// plugin).
///
/// # Errors
///
/// The plugin's own `Err`: it rejects the request.
pub fn on_request(
    plugin: &dyn pylon_plugin::Plugin,
    meta: &RequestMeta,
    auth: &pylon_auth::AuthContext,
) -> std::result::Result<(), pylon_plugin::PluginError> {
    let peer = pylon_plugin::RequestMeta {
        peer_ip: &meta.client_ip,
    };
    plugin.on_request_with_meta(meta.method.as_str(), &meta.path, auth, &peer)
}
