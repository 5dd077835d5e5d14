//! The harness: one profile's host, an entity store and the built-in JSON
//! API, run the same way by `hookcheck serve`, by replay and from
//! `cargo test`.

use std::path::Path;

use serde_json::{Value, json};

use super::api::ApiRoute;
use crate::engine::{AuthContext, Contract, HttpResponse, RequestMeta, Trace, TraceMode, WriteOp};
use crate::featherfly::{FeatherFlyHost, NativeOptions, NativeRequest};
use crate::fixtures::{ConfigEvent, Expect, JsonEvent, RequestEvent, StepRecord, WriteEvent};
use crate::lesstruct::{LesstructHost, WasmLimits};
use crate::pylon::{PylonHost, Registry, parse_manifest};
use crate::store::EntityStore;
use crate::{Error, Result};

enum Host {
    Pylon(PylonHost),
    FeatherFly(Box<FeatherFlyHost>),
    Lesstruct(LesstructHost),
}

/// What one event came to: the status and body the client sees (or the
/// value after a pipeline), every step, and the writes it made.
#[derive(Debug)]
pub struct Observed {
    /// The HTTP status, for requests and writes.
    pub status: Option<u16>,
    /// Response headers a plugin added (`Retry-After`).
    pub headers: Vec<(String, String)>,
    /// The response body, the stored row, or the value after the pipeline.
    pub body: String,
    /// Every step, in order.
    pub trace: Trace,
    /// The writes a request made, each with its own result.
    pub writes: Vec<(WriteEvent, Observed)>,
}

impl Observed {
    fn value(body: Vec<u8>, trace: Trace) -> Self {
        Self {
            status: None,
            headers: Vec::new(),
            body: String::from_utf8_lossy(&body).into_owned(),
            trace,
            writes: Vec::new(),
        }
    }

    fn response(response: HttpResponse, trace: Trace) -> Self {
        Self {
            status: Some(response.status),
            headers: response.headers,
            body: response.body,
            trace,
            writes: Vec::new(),
        }
    }

    /// This result as an expectation: status, body and every step.
    pub fn expect(&self) -> Expect {
        Expect {
            status: self.status,
            body: Some(self.body.clone()),
            steps: Some(self.trace.steps.iter().map(StepRecord::from).collect()),
        }
    }
}

/// How [`Harness::load`] finds and runs plugins.
pub struct LoadOptions {
    /// Native plugins: buffer capacity and isolation.
    pub native: NativeOptions,
    /// WASM plugins: memory, deadline, stack.
    pub wasm: WasmLimits,
    /// The constructors a pylon `manifest.json` may name.
    pub registry: Registry,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            native: NativeOptions::default(),
            wasm: WasmLimits::default(),
            registry: Registry::new(),
        }
    }
}

/// A host under one profile with its plugins, an entity store and the
/// built-in JSON API. Every event goes through the profile's pipelines and
/// leaves a full trace.
///
/// ```
/// use hookcheck::engine::HttpMethod;
/// use hookcheck::fixtures::RequestEvent;
/// use hookcheck::pylon::PylonHost;
/// use hookcheck::replay::Harness;
///
/// let mut harness = Harness::pylon(PylonHost::new()).unwrap();
/// let created = harness.request(
///     &RequestEvent::new(HttpMethod::Post, "/api/entities/post").with_body(r#"{"title":"Hi"}"#),
/// );
/// assert_eq!(created.status, Some(201));
/// let row = harness.store().get("post", 1).unwrap().unwrap();
/// assert_eq!(row["title"], "Hi");
/// ```
pub struct Harness {
    host: Host,
    store: EntityStore,
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("profile", &self.contract().name())
            .field("plugins", &self.plugin_names())
            .finish_non_exhaustive()
    }
}

impl Harness {
    fn new(host: Host) -> Result<Self> {
        Ok(Self {
            host,
            store: EntityStore::in_memory()?,
        })
    }

    /// In-process pylon plugins.
    pub fn pylon(host: PylonHost) -> Result<Self> {
        Self::new(Host::Pylon(host.with_trace_mode(TraceMode::Full)))
    }

    /// Native FeatherFly plugins.
    pub fn featherfly(host: FeatherFlyHost) -> Result<Self> {
        Self::new(Host::FeatherFly(Box::new(
            host.with_trace_mode(TraceMode::Full),
        )))
    }

    /// WASM Lesstruct plugins.
    pub fn lesstruct(host: LesstructHost) -> Result<Self> {
        Self::new(Host::Lesstruct(host.with_trace_mode(TraceMode::Full)))
    }

    /// Loads every plugin in `dir` the way `contract`'s host does:
    /// `*.so` alphabetically (featherfly), `*.wasm` alphabetically with
    /// their manifests (lesstruct), or `manifest.json` naming constructors
    /// of `options.registry` in order (pylon).
    pub fn load(contract: Contract, dir: &Path, options: LoadOptions) -> Result<Self> {
        let unsupported = |reason: &str| Error::Host {
            profile: contract.name().to_owned(),
            reason: reason.to_owned(),
        };
        if !dir.is_dir() {
            return Err(Error::io(
                "read plugin directory",
                dir,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such directory"),
            ));
        }
        match contract {
            Contract::Pylon => {
                let path = dir.join("manifest.json");
                let text =
                    crate::limits::read_text_bounded(&path, crate::limits::MAX_INPUT_FILE_BYTES)?;
                let entries = parse_manifest(&text, &path.display().to_string())?;
                Self::pylon(PylonHost::from_manifest(&options.registry, &entries)?)
            }
            Contract::FeatherFly => {
                let host = FeatherFlyHost::load_dir(dir, &options.native)?;
                if host.plugins().is_empty() {
                    return Err(unsupported(&format!(
                        "{} holds no loadable .so plugin",
                        dir.display()
                    )));
                }
                Self::featherfly(host)
            }
            Contract::Lesstruct => {
                let mut host = LesstructHost::new(options.wasm)?;
                host.load_dir(dir)?;
                if host.plugin_names().is_empty() {
                    return Err(unsupported(&format!(
                        "{} holds no .wasm plugin",
                        dir.display()
                    )));
                }
                Self::lesstruct(host)
            }
            Contract::Rustant => Err(unsupported(
                "rustant plugins hook an agent, not an HTTP host; check them with `hookcheck conformance`",
            )),
        }
    }

    /// Loads these artifact files, in this order: `.so` files for
    /// featherfly, `.wasm` files (each with its optional `.manifest`) for
    /// lesstruct. Pylon plugins are values: use [`Harness::pylon`].
    pub fn load_files(
        contract: Contract,
        files: &[std::path::PathBuf],
        options: LoadOptions,
    ) -> Result<Self> {
        match contract {
            Contract::FeatherFly => Self::featherfly(FeatherFlyHost::load(files, &options.native)?),
            Contract::Lesstruct => {
                let mut host = LesstructHost::new(options.wasm)?;
                for file in files {
                    host.load_file(file)?;
                }
                Self::lesstruct(host)
            }
            other => Err(Error::Host {
                profile: other.name().to_owned(),
                reason: "its plugins are in-process values, not files; build the host and use `Harness::pylon`".into(),
            }),
        }
    }

    /// Uses `store` instead of the private in-memory database.
    pub fn with_store(mut self, store: EntityStore) -> Self {
        self.store = store;
        self
    }

    /// The entity store writes land in.
    pub fn store(&self) -> &EntityStore {
        &self.store
    }

    /// The contract this harness plays the host of.
    pub fn contract(&self) -> Contract {
        match &self.host {
            Host::Pylon(_) => Contract::Pylon,
            Host::FeatherFly(_) => Contract::FeatherFly,
            Host::Lesstruct(_) => Contract::Lesstruct,
        }
    }

    /// The loaded plugins, in load order.
    pub fn plugin_names(&self) -> Vec<String> {
        match &self.host {
            Host::Pylon(h) => h.plugin_names().into_iter().map(str::to_owned).collect(),
            Host::FeatherFly(h) => h.plugins().iter().map(|p| p.name.clone()).collect(),
            Host::Lesstruct(h) => h.plugin_names().into_iter().map(str::to_owned).collect(),
        }
    }

    /// Load-time warnings (skipped plugins, hooks never called).
    pub fn warnings(&self) -> Vec<String> {
        match &self.host {
            Host::Pylon(_) => Vec::new(),
            Host::FeatherFly(h) => h.warnings().iter().map(ToString::to_string).collect(),
            Host::Lesstruct(h) => h.warnings().to_vec(),
        }
    }

    /// Handles one HTTP request: request hooks, then the built-in API (whose
    /// JSON answers go through the JSON mixins), then plugin routes, else
    /// 404.
    pub fn request(&mut self, req: &RequestEvent) -> Observed {
        let mut trace = Trace::new(TraceMode::Full);
        if let Some(response) = self.request_hooks(req, &mut trace) {
            return Observed::response(response, trace);
        }
        if let Some(route) = ApiRoute::parse(req.method, &req.path) {
            let mut writes = Vec::new();
            let response = self.api(&route, req, &mut writes);
            for (_, w) in &writes {
                trace.steps.extend(w.trace.steps.iter().cloned());
            }
            let response = self.json_mixins(req, response, &mut trace);
            let mut observed = Observed::response(response, trace);
            observed.writes = writes;
            return observed;
        }
        let response = self.plugin_route(req, &mut trace);
        Observed::response(response, trace)
    }

    fn request_hooks(&self, req: &RequestEvent, trace: &mut Trace) -> Option<HttpResponse> {
        let run = match &self.host {
            Host::Pylon(h) => {
                let meta = RequestMeta {
                    method: req.method,
                    path: req.path.clone(),
                    query: req.query.clone(),
                    client_ip: req.client_ip.clone(),
                    headers: headers_of(req),
                };
                let run = h.before_request(&meta, &req.auth);
                (run.response, run.trace)
            }
            Host::FeatherFly(h) => {
                let run = h.request(&NativeRequest {
                    method: req.method,
                    path: req.path.clone(),
                    headers: headers_of(req),
                    body: req.body.clone().into_bytes(),
                });
                (run.response, run.trace)
            }
            Host::Lesstruct(_) => return None,
        };
        trace.steps.extend(run.1.steps);
        run.0
    }

    fn api(
        &mut self,
        route: &ApiRoute,
        req: &RequestEvent,
        writes: &mut Vec<(WriteEvent, Observed)>,
    ) -> HttpResponse {
        match route {
            ApiRoute::System => {
                let body = json!({
                    "name": "hookcheck",
                    "version": env!("CARGO_PKG_VERSION"),
                    "profile": self.contract().name(),
                    "plugins": self.plugin_names(),
                    "actions": [],
                });
                HttpResponse::new(200, body.to_string())
            }
            ApiRoute::List { entity } => match self.store.rows(entity) {
                Ok(items) => {
                    let body = json!({ "entity": entity, "items": items, "actions": [] });
                    HttpResponse::new(200, body.to_string())
                }
                Err(e) => error_response(500, "store_failed", &e.to_string()),
            },
            ApiRoute::Get { entity, id } => match self.store.get(entity, *id) {
                Ok(Some(row)) => HttpResponse::new(200, row.to_string()),
                Ok(None) => error_response(404, "not_found", &format!("no {entity} {id}")),
                Err(e) => error_response(500, "store_failed", &e.to_string()),
            },
            ApiRoute::Write { entity, op, id } => {
                let mut data = if *op == WriteOp::Delete && req.body.trim().is_empty() {
                    json!({})
                } else {
                    match serde_json::from_str::<Value>(&req.body) {
                        Ok(v @ Value::Object(_)) => v,
                        Ok(_) => {
                            return error_response(
                                400,
                                "bad_body",
                                "the body must be a JSON object",
                            );
                        }
                        Err(e) => return error_response(400, "bad_json", &e.to_string()),
                    }
                };
                if let (Some(id), Value::Object(map)) = (id, &mut data) {
                    map.insert("id".into(), (*id).into());
                }
                let event = WriteEvent {
                    entity: entity.clone(),
                    op: *op,
                    data,
                    auth: req.auth.clone(),
                    via_request: None,
                };
                let observed = self.write(&event);
                let response = HttpResponse {
                    status: observed.status.unwrap_or(500),
                    headers: observed.headers.clone(),
                    body: observed.body.clone(),
                };
                writes.push((event, observed));
                response
            }
        }
    }

    fn json_mixins(
        &self,
        req: &RequestEvent,
        response: HttpResponse,
        trace: &mut Trace,
    ) -> HttpResponse {
        let Host::FeatherFly(h) = &self.host else {
            return response;
        };
        if !(200..300).contains(&response.status)
            || serde_json::from_str::<Value>(&response.body).is_err()
        {
            return response;
        }
        let run = h.json(req.method, &req.path, response.body.as_bytes());
        trace.steps.extend(run.trace.steps);
        HttpResponse {
            body: String::from_utf8_lossy(&run.value).into_owned(),
            ..response
        }
    }

    fn plugin_route(&self, req: &RequestEvent, trace: &mut Trace) -> HttpResponse {
        let not_found = || error_response(404, "not_found", &req.path);
        match &self.host {
            Host::Pylon(h) => {
                let url = if req.query.is_empty() {
                    req.path.clone()
                } else {
                    format!("{}?{}", req.path, req.query)
                };
                let run = h.route(req.method, &url, &req.body, &req.auth, |_, _, _| None);
                trace.steps.extend(run.trace.steps);
                run.response
            }
            Host::FeatherFly(h) => match h.route(req.method, &req.path, req.body.as_bytes()) {
                Some((response, run)) => {
                    trace.steps.extend(run.steps);
                    response
                }
                None => not_found(),
            },
            Host::Lesstruct(_) => not_found(),
        }
    }

    /// Runs one write: the profile's before-write hooks, the store, the
    /// after-write hooks. A rejection or a store refusal is an answer
    /// (4xx/5xx), never an `Err`.
    pub fn write(&mut self, event: &WriteEvent) -> Observed {
        let WriteEvent {
            entity,
            op,
            data,
            auth,
            ..
        } = event;
        match &mut self.host {
            Host::Pylon(h) => match h.write(&self.store, entity, *op, data.clone(), auth) {
                Ok(run) => Observed::response(run.response, run.trace),
                Err(e) => Observed::response(write_error(&e), Trace::new(TraceMode::Full)),
            },
            Host::FeatherFly(_) => {
                let trace = Trace::new(TraceMode::Full);
                Observed::response(store_write(&self.store, entity, *op, data), trace)
            }
            Host::Lesstruct(h) => lesstruct_write(h, &self.store, event),
        }
    }

    /// Runs the config pipeline over a YAML document (`config.mutate` for
    /// featherfly; the other profiles have none and keep it as is).
    pub fn config(&mut self, event: &ConfigEvent) -> Observed {
        match &self.host {
            Host::FeatherFly(h) => {
                let run = h.config_mutate(event.yaml.as_bytes());
                Observed::value(run.value, run.trace)
            }
            _ => Observed::value(event.yaml.clone().into_bytes(), Trace::new(TraceMode::Full)),
        }
    }

    /// Runs the JSON mixins over a response body (featherfly; the other
    /// profiles have none and keep it as is).
    pub fn json(&mut self, event: &JsonEvent) -> Observed {
        let body = event.body.to_string();
        match &self.host {
            Host::FeatherFly(h) => {
                let run = h.json(event.method, &event.route, body.as_bytes());
                Observed::value(run.value, run.trace)
            }
            _ => Observed::value(body.into_bytes(), Trace::new(TraceMode::Full)),
        }
    }
}

fn headers_of(req: &RequestEvent) -> Vec<(String, String)> {
    req.headers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn error_response(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        json!({ "error": code, "message": message }).to_string(),
    )
}

fn write_error(e: &Error) -> HttpResponse {
    match e {
        Error::BadWrite { .. } => error_response(400, "bad_write", &e.to_string()),
        other => error_response(500, "store_failed", &other.to_string()),
    }
}

fn store_write(store: &EntityStore, entity: &str, op: WriteOp, data: &Value) -> HttpResponse {
    match store.apply(entity, op, data) {
        Ok(row) => HttpResponse::new(
            if op == WriteOp::Insert { 201 } else { 200 },
            row.to_string(),
        ),
        Err(e) => write_error(&e),
    }
}

/// The eight-key hook data Lesstruct plugins see, from the submitted item.
fn hook_data(event: &WriteEvent) -> Value {
    let field = |k: &str, default: Value| event.data.get(k).cloned().unwrap_or(default);
    let user_id = event
        .auth
        .user_id
        .as_deref()
        .and_then(|u| u.parse::<i64>().ok())
        .unwrap_or(0);
    json!({
        "contentId": event.data.get("id").and_then(Value::as_i64).unwrap_or(0),
        "userId": user_id,
        "title": field("title", json!("")),
        "content": field("content", json!("")),
        "tags": field("tags", json!([])),
        "status": field("status", json!("draft")),
        "postType": field("postType", json!("post")),
        "customFields": field("customFields", json!({})),
    })
}

fn lesstruct_write(host: &mut LesstructHost, store: &EntityStore, event: &WriteEvent) -> Observed {
    let mut trace = Trace::new(TraceMode::Full);
    if event.op == WriteOp::Delete {
        return Observed::response(
            store_write(store, &event.entity, event.op, &event.data),
            trace,
        );
    }
    let run = host.before_save(hook_data(event));
    trace.steps.extend(run.trace.steps);
    if !run.saved {
        let message = run.error.unwrap_or_default();
        return Observed::response(error_response(run.status, "save_failed", &message), trace);
    }
    // The stored row keys on `id`; `contentId` is hook data only.
    let mut row = run.content;
    if let Value::Object(map) = &mut row {
        map.remove("contentId");
        if let Some(id) = event.data.get("id") {
            map.insert("id".into(), id.clone());
        }
    }
    let response = store_write(store, &event.entity, event.op, &row);
    if response.status < 300
        && let Ok(stored) = serde_json::from_str::<Value>(&response.body)
    {
        if event.op == WriteOp::Insert {
            trace.steps.extend(host.after_create(&stored).steps);
        }
        if stored.get("status").and_then(Value::as_str) == Some("published") {
            trace.steps.extend(host.after_publish(&stored).steps);
        }
    }
    Observed::response(response, trace)
}

/// The auth a request carries: `authorization: Bearer USER` names the
/// user; anything else is anonymous.
pub fn auth_from_authorization(value: Option<&str>) -> AuthContext {
    value
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map_or_else(AuthContext::anonymous, AuthContext::user)
}
