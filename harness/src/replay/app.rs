//! The harness: one profile's host, an entity store and the built-in JSON
//! API, run the same way by `hookcheck serve`, by replay and from
//! `cargo test`.

use std::path::Path;

use serde_json::{Value, json};

use super::api::ApiRoute;
use crate::contracts::entry;
use crate::engine::{AuthContext, Contract, HttpResponse, Trace, TraceMode, WriteOp};
use crate::featherfly::FeatherFlyHost;
use crate::fixtures::{ConfigEvent, Expect, JsonEvent, RequestEvent, StepRecord, WriteEvent};
use crate::host::{ContractHost, LoadOptions, error_response};
#[cfg(feature = "wasm")]
use crate::lesstruct::LesstructHost;
use crate::pylon::PylonHost;
use crate::rustant::AgentHost;
use crate::store::EntityStore;
use crate::{Error, Result};

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
    host: Box<dyn ContractHost>,
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
    /// A harness around any contract's host: the seam every contract
    /// implements once.
    pub fn with_host(host: Box<dyn ContractHost>) -> Result<Self> {
        Ok(Self {
            host,
            store: EntityStore::in_memory()?,
        })
    }

    /// In-process pylon plugins.
    pub fn pylon(host: PylonHost) -> Result<Self> {
        Self::with_host(Box::new(host.with_trace_mode(TraceMode::Full)))
    }

    /// Native FeatherFly plugins.
    pub fn featherfly(host: FeatherFlyHost) -> Result<Self> {
        Self::with_host(Box::new(host.with_trace_mode(TraceMode::Full)))
    }

    /// WASM Lesstruct plugins.
    #[cfg(feature = "wasm")]
    pub fn lesstruct(host: LesstructHost) -> Result<Self> {
        Self::with_host(Box::new(host.with_trace_mode(TraceMode::Full)))
    }

    /// In-process Rustant agent plugins; their hooks are called with
    /// [`Harness::hook`].
    pub fn rustant(host: AgentHost) -> Result<Self> {
        Self::with_host(Box::new(host.with_trace_mode(TraceMode::Full)))
    }

    /// Loads every plugin in `dir` the way `contract`'s host does:
    /// `*.so` alphabetically (featherfly), `*.wasm` alphabetically with
    /// their manifests (lesstruct), or `manifest.json` naming constructors
    /// of the `Registry` in `options` in order (pylon).
    pub fn load(contract: Contract, dir: &Path, options: LoadOptions) -> Result<Self> {
        if !dir.is_dir() {
            return Err(Error::io(
                "read plugin directory",
                dir,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such directory"),
            ));
        }
        Self::with_host((entry(contract)?.load_dir)(dir, &options)?)
    }

    /// Loads these artifact files, in this order: `.so` files for
    /// featherfly, `.wasm` files (each with its optional `.manifest`) for
    /// lesstruct. Pylon and Rustant plugins are values: use
    /// [`Harness::pylon`] or [`Harness::rustant`].
    pub fn load_files(
        contract: Contract,
        files: &[std::path::PathBuf],
        options: LoadOptions,
    ) -> Result<Self> {
        Self::with_host((entry(contract)?.load_files)(files, &options)?)
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

    /// The host, through the seam.
    pub fn host(&self) -> &dyn ContractHost {
        self.host.as_ref()
    }

    /// The contract this harness plays the host of.
    pub fn contract(&self) -> Contract {
        self.host.contract()
    }

    /// The loaded plugins, in load order.
    pub fn plugin_names(&self) -> Vec<String> {
        self.host.plugin_names()
    }

    /// Load-time warnings (skipped plugins, refused registrations, hooks
    /// never called).
    pub fn warnings(&self) -> Vec<crate::engine::LoadWarning> {
        self.host.warnings()
    }

    /// Handles one HTTP request: request hooks, then the built-in API (whose
    /// JSON answers go through the JSON mixins), then plugin routes, else
    /// 404 — plugin routes first where the host matches them first (Pylon).
    pub fn request(&mut self, req: &RequestEvent) -> Observed {
        let mut trace = Trace::new(TraceMode::Full);
        if let Some(response) = self.host.request_hooks(req, &mut trace) {
            return Observed::response(response, trace);
        }
        if let Some(refused) = self.host.authorize(req) {
            let response = self.json_mixins(req, refused, &mut trace);
            return Observed::response(response, trace);
        }
        if self.host.plugin_routes_first()
            && let Some(response) = self.host.route(req, &mut trace)
        {
            return Observed::response(response, trace);
        }
        if let Some(route) = ApiRoute::parse(req.method, &req.path) {
            let mut writes = Vec::new();
            let response = self.api(&route, req, &mut writes);
            for (_, w) in &writes {
                trace.absorb(w.trace.clone());
            }
            let response = self.json_mixins(req, response, &mut trace);
            let mut observed = Observed::response(response, trace);
            observed.writes = writes;
            return observed;
        }
        let routed = if self.host.plugin_routes_first() {
            None
        } else {
            self.host.route(req, &mut trace)
        };
        let response = routed.unwrap_or_else(|| error_response(404, "not_found", &req.path));
        Observed::response(response, trace)
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
        // Every JSON answer of the host's own handlers, errors too.
        if serde_json::from_str::<Value>(&response.body).is_err() {
            return response;
        }
        match self
            .host
            .json_mixins(req.method, &req.path, response.body.as_bytes(), trace)
        {
            Some(body) => HttpResponse {
                body: String::from_utf8_lossy(&body).into_owned(),
                ..response
            },
            None => response,
        }
    }

    /// Runs one write: the profile's before-write hooks, the store, the
    /// after-write hooks. A rejection or a store refusal is an answer
    /// (4xx/5xx), never an `Err`.
    pub fn write(&mut self, event: &WriteEvent) -> Observed {
        let mut trace = Trace::new(TraceMode::Full);
        let response = self.host.write(&self.store, event, &mut trace);
        Observed::response(response, trace)
    }

    /// Runs the config pipeline over a YAML document (`config.mutate` for
    /// featherfly; the other profiles have none and keep it as is).
    pub fn config(&mut self, event: &ConfigEvent) -> Observed {
        let mut trace = Trace::new(TraceMode::Full);
        let yaml = event.yaml.as_bytes();
        let value = self
            .host
            .config(yaml, &mut trace)
            .unwrap_or_else(|| yaml.to_vec());
        Observed::value(value, trace)
    }

    /// Runs the JSON mixins over a response body (featherfly; the other
    /// profiles have none and keep it as is).
    pub fn json(&mut self, event: &JsonEvent) -> Observed {
        let mut trace = Trace::new(TraceMode::Full);
        let body = event.body.to_string().into_bytes();
        let value = self
            .host
            .json_mixins(event.method, &event.route, &body, &mut trace)
            .unwrap_or(body);
        Observed::value(value, trace)
    }

    /// Calls the hook named `hook` directly with `data` (an agent's
    /// `BeforeToolExecution`, …): the value after the chain, with `status`
    /// 403 when a plugin stopped it. A hook the contract does not have is
    /// a 404 and runs nothing.
    pub fn hook(&mut self, hook: &str, data: &Value) -> Observed {
        let mut trace = Trace::new(TraceMode::Full);
        match self.host.hook(hook, data, &mut trace) {
            Some(answer) => {
                let mut observed = Observed::value(answer.value.to_string().into_bytes(), trace);
                if let Some(reason) = answer.stopped {
                    observed.status = Some(403);
                    observed.headers.push(("x-stopped".into(), reason));
                }
                observed
            }
            None => Observed::response(
                error_response(
                    404,
                    "no_such_hook",
                    &format!("the {} contract has no hook `{hook}`", self.contract()),
                ),
                trace,
            ),
        }
    }
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
