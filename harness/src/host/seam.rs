//! The trait every contract's host implements once.

use serde_json::Value;

use crate::engine::{Contract, HttpMethod, HttpResponse, LoadWarning, Profile, Trace, WriteOp};
use crate::fixtures::{RequestEvent, WriteEvent};
use crate::store::EntityStore;

/// What a direct hook call came to (a hook that is not an HTTP event,
/// such as an agent's tool hook).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookAnswer {
    /// The value after the chain.
    pub value: Value,
    /// Why the chain stopped, if a plugin stopped it (a block, a cancel).
    pub stopped: Option<String>,
}

/// One contract's host with its plugins loaded: how it runs each kind of
/// event. Every method has the contract-neutral default "this contract has
/// no such hook", so a host implements only the events its contract
/// defines. A host decides from the pipelines' fold results, never from
/// the trace, and appends every step it runs to `trace`.
pub trait ContractHost {
    /// The contract this host plays.
    fn contract(&self) -> Contract;

    /// The hook table and return-code tables this host executes.
    fn profile(&self) -> Profile;

    /// The loaded plugins, in load order.
    fn plugin_names(&self) -> Vec<String>;

    /// The hooks a conformance run must call for its coverage to be
    /// complete, each once. Default: every hook of the profile that the
    /// host invokes; a host whose plugins register a subset names it.
    fn registered_hooks(&self) -> Vec<&'static str> {
        self.profile()
            .hooks
            .iter()
            .filter(|spec| spec.invoked)
            .map(|spec| spec.point.name)
            .collect()
    }

    /// What the plugins loaded with that the host tolerates but reports.
    fn warnings(&self) -> Vec<LoadWarning> {
        Vec::new()
    }

    /// The request hooks, before any handler: `Some` answers the request.
    fn request_hooks(&self, req: &RequestEvent, trace: &mut Trace) -> Option<HttpResponse> {
        let _ = (req, trace);
        None
    }

    /// The host's own access check, after the request hooks and before any
    /// handler: `Some` refuses the request with that answer.
    fn authorize(&self, req: &RequestEvent) -> Option<HttpResponse> {
        let _ = req;
        None
    }

    /// Whether plugin routes are matched before the built-in API (Pylon's
    /// runtime asks its plugin registry first); by default they only get
    /// what no built-in handler took.
    fn plugin_routes_first(&self) -> bool {
        false
    }

    /// A plugin route for the request: `None` when no plugin claims it.
    fn route(&self, req: &RequestEvent, trace: &mut Trace) -> Option<HttpResponse> {
        let _ = (req, trace);
        None
    }

    /// The response mixins over a JSON body: `None` when the contract has
    /// none (the body is kept).
    fn json_mixins(
        &self,
        method: HttpMethod,
        path: &str,
        body: &[u8],
        trace: &mut Trace,
    ) -> Option<Vec<u8>> {
        let _ = (method, path, body, trace);
        None
    }

    /// The config pipeline over a YAML document: `None` when the contract
    /// has none (the document is kept).
    fn config(&self, yaml: &[u8], trace: &mut Trace) -> Option<Vec<u8>> {
        let _ = (yaml, trace);
        None
    }

    /// One entity write through the contract's write hooks into `store`.
    /// A rejection or a store refusal is an answer (4xx/5xx). Default: the
    /// store alone.
    fn write(
        &mut self,
        store: &EntityStore,
        event: &WriteEvent,
        trace: &mut Trace,
    ) -> HttpResponse {
        let _ = trace;
        store_write(store, &event.entity, event.op, &event.data)
    }

    /// Calls the hook named `hook` directly with `data` (hooks that are not
    /// HTTP events): `None` when the contract has no such hook.
    fn hook(&mut self, hook: &str, data: &Value, trace: &mut Trace) -> Option<HookAnswer> {
        let _ = (hook, data, trace);
        None
    }
}

/// Writes `data` to `store` as the built-in API does: 201 with the row for
/// an insert, 200 otherwise, 400 for a write the store refuses as bad,
/// 500 for a store failure.
pub fn store_write(store: &EntityStore, entity: &str, op: WriteOp, data: &Value) -> HttpResponse {
    match store.apply(entity, op, data) {
        Ok(row) => HttpResponse::new(
            if op == WriteOp::Insert { 201 } else { 200 },
            row.to_string(),
        ),
        Err(e) => write_error(&e),
    }
}

/// A write's error as the API answers it.
pub(crate) fn write_error(e: &crate::Error) -> HttpResponse {
    match e {
        crate::Error::BadWrite { .. } => error_response(400, "bad_write", &e.to_string()),
        other => error_response(500, "store_failed", &other.to_string()),
    }
}

/// A JSON error body: `{"error": code, "message": message}`.
pub(crate) fn error_response(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        serde_json::json!({ "error": code, "message": message }).to_string(),
    )
}
