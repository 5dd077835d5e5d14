//! Pylon: where the plugin documentation (seed 000) and the `pylon-plugin`
//! crate 0.3.23 from crates.io (the code Pylon plugins compile against)
//! disagree. Paths are inside the crate.

use crate::host::{Divergence, Handling};

use Handling::{Emulated, KeptSafe, Reported};

/// Every known difference.
pub(crate) const DIVERGENCES: &[Divergence] = &[
    Divergence::new(
        "the trait",
        "seed 000 \"The Plugin trait\": init(config), before_request(meta, auth), before_write / after_write with a WriteOp, routes() + handle_route",
        "src/lib.rs:11-95: on_init(&PluginContext), on_request / on_request_with_meta(method, path, auth, meta), before_/after_ insert, update and delete (delete gets no data), on_session_create, entities(), routes() -> Vec<PluginRoute>",
        Emulated,
        "the pylon host hosts `pylon_plugin::Plugin`; a plugin written to the documents runs through `Documented` and PY-PORT-001 lists what it must change to compile",
    )
    .driving(&["PY-PORT-001"]),
    Divergence::new(
        "errors",
        "seed 000 \"Errors\": an enum; ValidationFailed answers 400, RateLimited 429 with Retry-After",
        "src/lib.rs:115-126: a struct {code, message, status}; the status is the plugin's, used as is; there is no Retry-After",
        Emulated,
        "the status is answered as the plugin sets it; PY-ERR-002 fails an Err whose status is not 400-599",
    )
    .driving(&["PY-ERR-002"]),
    Divergence::new(
        "request meta",
        "seed 000 before_request: `meta.client_ip` (contracts: method, path, client ip, headers)",
        "src/lib.rs:106-113: RequestMeta { peer_ip } only; method and path are arguments; no headers, no query string",
        Emulated,
        "a documented plugin sees an empty header list and no query on the real host, as it would after a port",
    )
    .driving(&[]),
    Divergence::new(
        "init cannot fail",
        "seed 000: init(config) -> Result; an Err fails the plugin",
        "src/lib.rs:16, 181-184: on_init returns (); every plugin gets the one shared PluginContext; there is no per-plugin config",
        Emulated,
        "the crate's plugins get on_init; a documented plugin's init(config) still runs first and PY-INIT-001 checks it",
    )
    .driving(&["PY-INIT-001"]),
    Divergence::new(
        "route matching",
        "seed 000 \"Routes\": routes() lists (method, path); handle_route may answer None to pass the request on; plugin routes come after the built-in ones",
        "src/lib.rs:295-310: routes() is called on every request; a route matches when the method is equal and the request path starts with the route's path; the first plugin wins; a handler cannot decline. The crate has no built-in routes: where the runtime asks it relative to its own API is not in the crate",
        Emulated,
        "hookcheck matches by prefix, first plugin first, and asks plugin routes before its built-in API (the Pylon runtime's order as hookcheck models it; seed 000 says after — hookcheck's assumption, not read in code); PY-ROUTE-001 fails a route whose prefix takes a built-in API path, which it claims either way once the runtime does not answer it first",
    )
    .driving(&["PY-ROUTE-001"]),
    Divergence::new(
        "manifest plugins",
        "seed 000 \"Registering\": register_builtin(name, constructor); the runtime reads `manifest.plugins`",
        "src/lib.rs:167-184 and pylon-kernel src/lib.rs:96-121: no register_builtin; AppManifest has no plugins field; PluginRegistry::register(Arc<dyn Plugin>) with no name check",
        Reported,
        "hookcheck keeps a manifest list for serve and replay (`builtin:NAME` enables a crate built-in); only a documented plugin's name is checked against its entry",
    )
    .driving(&[]),
    Divergence::new(
        "panics",
        "seed 000: a panic in a plugin can crash the runtime thread",
        "src/lib.rs:181-310: no catch_unwind anywhere in the crate; a panic in a hook unwinds out of the registry's run_* call",
        KeptSafe,
        "hookcheck catches it and names it: a request or before hook's panic answers 500; an after hook's panic leaves the write's 201/200 and the later plugins' after hooks still run, where the unwinding would skip them. What Pylon's server does with the unwinding panic is not in the crate; PY-REQ-001 / PY-WRITE-* say the crate does not catch it",
    )
    .driving(&["PY-REQ-001"]),
    Divergence::new(
        "built-ins",
        "seed 000 \"Built-in plugins\": 30+ in builtin/, before_write used by timestamps, slugify, computed, tenant_scope; before_request by rate_limit, cors, csrf",
        "src/builtin/mod.rs:1-30: 28 plugins; computed and tenant_scope implement no hook; cors and csrf answer Ok to every request (csrf.rs:118-128); timestamps keeps a client's createdAt and updatedAt on insert (timestamps.rs:65-67)",
        Emulated,
        "every built-in is a subject (`pylon:builtin:NAME`) and runs as the crate builds it",
    )
    .driving(&[]),
];
