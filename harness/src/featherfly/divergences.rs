//! FeatherFly: where the plugin reference (seed 003) and the daemon's code
//! at `MythicalLTD/FeatherFly@009ad5890490fd39a267c4c48310844a2bbf5a6f`
//! disagree.

use crate::host::{Divergence, Handling};

use Handling::{Emulated, KeptSafe};

/// Every known difference, in the reference's order.
pub(crate) const DIVERGENCES: &[Divergence] = &[
    Divergence::new(
        "pattern matching",
        "seed 003 HTTP REQUEST PIPELINE: \"prefix matching: `/api/*` matches `/api/system`\"",
        "application/src/plugins/events.rs:418-420: `*` alone matches everything, any other pattern is a plain byte prefix; `/api/*` matches no path, `/api` also matches `/apix`",
        Emulated,
        "FF-PAT-001 fails (required) for a pattern with `*` that is not the whole pattern, and says `/api` works on both",
    )
    .driving(&["FF-PAT-001"]),
    Divergence::new(
        "RESPOND without status",
        "seed 003 RETURN CODES: REQUEST_RESPOND short-circuits with the status from write_request_response",
        "application/src/plugins/events.rs:254-256 and request_middleware.rs:76: the status starts at 200; a status outside 100-999 is answered as 200",
        Emulated,
        "FF-REQ-001 fails (required) for a status outside 100-999: the host answers 200, so a denial reaches the client as a success (the intent is lost); it warns for 600-999, which the host sends as set",
    )
    .driving(&["FF-REQ-001"]),
    Divergence::new(
        "RESPOND / ROUTE_OK without body",
        "seed 003 RETURN CODES: the body comes from write_request_response / write_route_response",
        "application/src/plugins/events.rs:254-279, routes.rs:75-77, 106-107: nothing written is an empty body with status 200",
        Emulated,
        "FF-REQ-002 warns for a missing body (an empty body is what the plugin wrote); FF-ROUTE-001 fails (required) for a ROUTE_OK without a status (a 200 the plugin never said) and warns for a missing body",
    )
    .driving(&["FF-REQ-002", "FF-ROUTE-001"]),
    Divergence::new(
        "MODIFIED without output",
        "seed 003 RETURN CODES: MODIFIED (0) means output was written via write_* helpers",
        "application/src/plugins/events.rs:231, 328, 385: a MODIFIED with zero bytes keeps the prior value, silently",
        Emulated,
        "FF-OUT-001 fails (required): the change the plugin meant is lost, and the failure says the host keeps the prior value",
    )
    .driving(&["FF-OUT-001"]),
    Divergence::new(
        "codes outside the tables",
        "seed 003 RETURN CODES: the listed codes, or negative for an error",
        "application/src/plugins/events.rs:230-233, 273-280, 327-348, 384-387: config and JSON treat any non-0 as unchanged, request hooks any non-1 as continue, CloudPanel continues",
        Emulated,
        "FF-CODE-002 fails (required): the host does what the table says for \"otherwise\", whatever the plugin meant by the code",
    )
    .driving(&["FF-CODE-002"]),
    Divergence::new(
        "route codes",
        "seed 003 RETURN CODES route.register: negative is a handler error and 500",
        "application/src/plugins/routes.rs:91-104: any non-zero code, positive too, is a 500 with an empty body",
        Emulated,
        "FF-CODE-001 fails (required)",
    )
    .driving(&["FF-CODE-001"]),
    Divergence::new(
        "lifecycle results",
        "seed 003 RETURN CODES Lifecycle hooks: continue or cancel",
        "application/src/plugins/events.rs:199-210: any non-zero `cancelled` byte cancels the remaining handlers; no caller reads the result",
        Emulated,
        "FF-EVT-001 warns: any non-zero value cancels, which is what a plugin returning one means",
    )
    .driving(&["FF-EVT-001"]),
    Divergence::new(
        "output buffer size",
        "seed 003 HOST API: output buffers are host-owned (no size given)",
        "application/src/plugins/events.rs:220, 255, 307, 370 and routes.rs:75: max(input length, 4096) x 2 per call; the cancel reason gets 1024 bytes (events.rs:309)",
        Emulated,
        "a write past it is what the SDK refuses (-2): FF-JSON-004 fails (required)",
    )
    .driving(&["FF-JSON-004"]),
    Divergence::new(
        "length past the buffer",
        "seed 003: writers return an error when the output does not fit",
        "application/src/plugins/events.rs:232, 278, 329, 386: the host slices its buffer at the claimed length; past the capacity it panics under the event-bus lock, and the poisoned lock disables every plugin",
        Emulated,
        "FF-JSON-004 fails (required) naming what happens on the host",
    )
    .driving(&["FF-JSON-004"]),
    Divergence::new(
        "JSON between mixins",
        "seed 003 JSON HOOKS: hooks receive JSON and write JSON",
        "application/src/plugins/middleware.rs:40-63: no check between hooks; a final body that does not parse is replaced by the original (re-serialised), so every plugin's change is lost",
        Emulated,
        "FF-JSON-001 fails (required), worded by the consequence",
    )
    .driving(&["FF-JSON-001"]),
    Divergence::new(
        "actions output",
        "seed 003 json.actions: output is inserted into the top-level actions field (an array)",
        "application/src/plugins/middleware.rs:65-89: any JSON value is inserted as `actions`",
        Emulated,
        "FF-JSON-002 warns: the host inserts the value the plugin wrote",
    )
    .driving(&["FF-JSON-002"]),
    Divergence::new(
        "JSON re-serialisation",
        "seed 003 JSON HOOKS: hooks receive the serialized JSON response body",
        "application/src/plugins/middleware.rs:44, 91: the body is parsed and re-serialised compact with sorted keys before the hooks and after them",
        Emulated,
        "none: inputs and answers are shaped as the host shapes them",
    )
    .driving(&[]),
    Divergence::new(
        "invalid config YAML",
        "seed 003 config.mutate: \"Invalid output keeps the prior bytes\"",
        "application/src/daemon.rs:72-78: the daemon prints the parse error and exits with status 1",
        Emulated,
        "FF-CFG-001 fails (required): the daemon does not start",
    )
    .driving(&["FF-CFG-001"]),
    Divergence::new(
        "authorization redaction",
        "seed 003 HTTP REQUEST PIPELINE: `authorization` is redacted",
        "application/src/plugins/request_middleware.rs:43-57: only `authorization`, replaced by `<redacted>`; keys lowercase and sorted, the last duplicate wins, `host` included over HTTP/1.1",
        Emulated,
        "none: headers are shaped as the host shapes them",
    )
    .driving(&[]),
    Divergence::new(
        "event payloads",
        "seed 003 LIFECYCLE EVENTS: CloudPanel payloads carry `siteType?`",
        "application/src/utils/plugin_events.rs:97-110: the key is `site_type`; `request_id` and `query` are left out when empty; events 1-5 are raw bytes",
        Emulated,
        "none: conformance sends the host's shapes",
    )
    .driving(&[]),
    Divergence::new(
        "hook deadline",
        "seed 003: request and JSON hooks run on every matching request (no deadline stated)",
        "application/src/plugins/events.rs:216-237, 250-280, 365-388 and mod.rs:113-161: hooks are plain calls with no timeout, and all hooks but routes run under one global lock",
        KeptSafe,
        "FF-SAFE-004 is hookcheck's own rule (2 s): a hook that hangs stalls every request on the host",
    )
    .driving(&["FF-SAFE-004"]),
    Divergence::new(
        "no route registered",
        "seed 003 route.register: routes are optional",
        "application/src/plugins/routes.rs:14-27: the plugin router always gets a route layer, which panics at start when no plugin registered a route (a host bug)",
        Emulated,
        "FF-HOST-001 warns (recommended) that the host will not start with this plugin alone",
    )
    .driving(&["FF-HOST-001"]),
    Divergence::new(
        "registration validation",
        "seed 003: events are ids 1-47, JSON targets 1-2, phases 1-2, methods 1-5",
        "application/src/plugins/mod.rs:424-558, events.rs:89-94, 433-441: out-of-range ids, targets and phases are stored and never fire; an unknown method is served as GET; an empty pattern is -2, a route without a leading `/` or a duplicate is -4",
        Emulated,
        "FF-LOAD-005 warns (recommended); hookcheck stores them as the host does, never calls them, and serves an unknown method as GET; -2 and -4 as the host returns them",
    )
    .driving(&["FF-LOAD-005"]),
    Divergence::new(
        "init fails after registering",
        "seed 003 RETURN CODES init: non-zero fails the load and the .so is skipped",
        "application/src/plugins/mod.rs:381-385: the hooks registered before the failure stay in the bus while the library is unloaded: the host later calls unmapped code",
        Emulated,
        "FF-LOAD-004 fails (required) and, when init registered hooks first, says the daemon will call unmapped code",
    )
    .driving(&["FF-LOAD-004"]),
    Divergence::new(
        "HostApi lifetime",
        "seed 003 HOST API: FeatherFly passes a HostApi struct during init",
        "application/src/plugins/mod.rs:379-382: a stack value that dies when init returns; a kept pointer reads freed memory",
        Emulated,
        "the HostApi lives in a page made unreadable when init returns: a plugin that reads the kept pointer crashes (FF-SAFE-001); a copy of the struct keeps working, as on the daemon",
    )
    .driving(&["FF-SAFE-001"]),
    Divergence::new(
        "load failures",
        "seed 003: a plugin with another API version is skipped with a warning",
        "application/src/plugins/mod.rs:296-326: any plugin that fails to load is logged at WARN and skipped; the others load",
        Emulated,
        "FF-LOAD-* fail for the plugin; `serve`, `replay` and `Harness` skip it with a warning and load the others",
    )
    .driving(&[]),
    Divergence::new(
        "bearer auth and order",
        "seed 003 HTTP REQUEST PIPELINE: request hooks, then handlers",
        "application/src/daemon.rs:118-145, auth.rs:29-66: request hooks run before bearer auth; /api/system/** and plugin routes need `Authorization: Bearer <token>` with the config's `token` (401 JSON body, which the JSON mixins also rewrite)",
        Emulated,
        "`serve --config` and `Harness::config` take the token from the config after config.mutate; without a config nothing is checked",
    )
    .driving(&[]),
];
