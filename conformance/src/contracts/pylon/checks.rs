//! `PY-*`: the Pylon contract (contracts §1, seed 000) as the real
//! `pylon-plugin` crate 0.3.23 hosts it. Host citations are paths inside
//! the crate.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hookcheck::engine::call_guarded;
use hookcheck::engine::{
    Answer, AuthContext, Failure, HookError, HttpMethod, RequestMeta, Trace, WriteOp,
};
use hookcheck::pylon::real::{Plugin as RealPlugin, PluginError as RealError};
use hookcheck::pylon::{PluginError, PylonHost, PylonPlugin, on_request, real_auth};
use hookcheck::store::EntityStore;
use serde_json::{Value, json};

use super::subject::{Labelled, PylonSubject, Run};
use crate::check::{Basis, Check, Judges, Rules, Severity, Verdict};
use crate::coverage::{Coverage, Exercised};
use crate::subject::Subject;
use crate::suite::Suite;

const CATALOG: Rules = Rules {
    exercise: None,
    profile: hookcheck::pylon::CONTRACT,
    source: "docs/contracts/pylon.md (restating Pylon's plugin page and the pylon-plugin crate)",
    owners: || CHECKS,
};
/// The rows over the shared request exercise.
const REQUESTS: Rules = Rules {
    exercise: Some(request_exercise),
    ..CATALOG
};
/// The rows over the `before_*` calls of the shared write exercise.
const BEFORE_WRITES: Rules = Rules {
    exercise: Some(before_write_exercise),
    ..CATALOG
};
/// The rows over the `after_*` calls of the shared write exercise.
const AFTER_WRITES: Rules = Rules {
    exercise: Some(after_write_exercise),
    ..CATALOG
};

/// Whether `e` is the plugin's own failure in one of `hooks` (a fault of
/// hookcheck's machinery is not).
fn plugin_failed(e: &HookError, hooks: &[&str]) -> bool {
    hooks.contains(&e.hook.as_str()) && !matches!(e.failure, Failure::HostFault { .. })
}

/// The shared request exercise: every request (the standard ones, then
/// the author's), anonymous and as a user, through one host.
fn request_exercise(s: &Subject) -> Result<Vec<(String, &Trace)>, Verdict> {
    let p = pylon_subject(s)?;
    labelled(p.runs.requests.get_or_init(|| run_requests(p)).as_ref())
}

/// The shared write exercise, its `before_*` calls: every write (the
/// standard ones, then the author's) through one host and a store seeded
/// with a row.
fn before_write_exercise(s: &Subject) -> Result<Vec<(String, &Trace)>, Verdict> {
    let p = pylon_subject(s)?;
    let runs = p.runs.writes.get_or_init(|| run_writes(p));
    labelled(runs.as_ref().map(|(before, _)| before))
}

/// The same writes' `after_*` calls: a row over them passes only on
/// after hooks that ran (a plugin that rejects every write runs none).
fn after_write_exercise(s: &Subject) -> Result<Vec<(String, &Trace)>, Verdict> {
    let p = pylon_subject(s)?;
    let runs = p.runs.writes.get_or_init(|| run_writes(p));
    labelled(runs.as_ref().map(|(_, after)| after))
}

/// The in-process plugin, or why `s` has none.
fn pylon_subject(s: &Subject) -> Result<&PylonSubject, Verdict> {
    s.kind::<PylonSubject>()
        .ok_or_else(|| Verdict::skip("not an in-process Pylon subject"))
}

/// An exercise's traces as the rows read them, or why it could not run.
fn labelled<'a>(run: Result<&'a Labelled, &Verdict>) -> Result<Vec<(String, &'a Trace)>, Verdict> {
    run.map(|traces| traces.iter().map(|(l, t)| (l.clone(), t)).collect())
        .map_err(Clone::clone)
}

fn run_requests(p: &PylonSubject) -> Run {
    let host = host(p)?;
    let mut out = Vec::new();
    for meta in requests(p) {
        for (auth, who) in [
            (AuthContext::anonymous(), ""),
            (AuthContext::user("u1"), " as u1"),
        ] {
            let run = host.before_request(&meta, &auth);
            out.push((format!("{} {}{who}", meta.method, meta.path), run.trace));
        }
    }
    Ok(out)
}

fn run_writes(p: &PylonSubject) -> Result<(Labelled, Labelled), Verdict> {
    let host = host(p)?;
    let store = EntityStore::in_memory().map_err(|e| Verdict::skip(e.to_string()))?;
    let _ = store.apply("Post", WriteOp::Insert, &json!({"title": "seed"}));
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for (entity, op, data) in writes(p) {
        // The store refuses a write of a row it does not hold (an update
        // after a rejected insert): that write's hooks do not run.
        if let Ok(run) = host.write(&store, &entity, op, data, &AuthContext::user("u1")) {
            let label = format!("{} {entity}", op.as_str());
            let (b, a) = split(run.trace, |hook| hook.starts_with("before_"));
            before.push((label.clone(), b));
            after.push((label, a));
        }
    }
    Ok((before, after))
}

/// `trace` as two: the steps and tolerated breaks of the hooks `first`
/// selects, then the rest.
fn split(trace: Trace, first: impl Fn(&str) -> bool) -> (Trace, Trace) {
    let (mut a, mut b) = (Trace::new(trace.mode), Trace::new(trace.mode));
    for step in trace.steps {
        if first(step.hook.name) {
            &mut a
        } else {
            &mut b
        }
        .steps
        .push(step);
    }
    for t in trace.tolerated {
        if first(&t.error.hook) { &mut a } else { &mut b }
            .tolerated
            .push(t);
    }
    (a, b)
}

/// What reaches a hook's error when the standard requests and writes do
/// not.
const ERROR_HINT: &str = "if the plugin refuses only some requests or writes, give one it refuses: `--header NAME:VALUE`, `--path PATH`, `--body FILE`, or a recorded request or write in `--inputs DIR`";
/// What reaches an accepted write.
const WRITE_HINT: &str =
    "give a write the before hooks accept: a recorded insert or update in `--inputs DIR`";

/// Said with every panic a check finds: the crate catches none.
const UNCAUGHT: &str = "hookcheck caught it; pylon-plugin does not (no catch_unwind in the crate): the panic unwinds out of the registry into the server's request thread";

fn on_pylon(s: &Subject, f: impl FnOnce(&PylonSubject) -> Verdict) -> Verdict {
    pylon_subject(s).map_or_else(|v| v, f)
}

fn host(p: &PylonSubject) -> Result<PylonHost, Verdict> {
    p.host()
        .map_err(|e| Verdict::not_loaded(format!("does not register ({e}); see PY-INIT-001")))
}

/// The standard requests, then the author's own (`--inputs`).
fn requests(p: &PylonSubject) -> Vec<RequestMeta> {
    let standard = [
        RequestMeta::new(HttpMethod::Get, "/api/posts", "203.0.113.7"),
        RequestMeta::new(HttpMethod::Post, "/api/entities/Post", "198.51.100.2")
            .with_header("content-type", "application/json"),
        RequestMeta::new(HttpMethod::Delete, "/", "::1"),
    ];
    let own = p.inputs.request_metas().map(|(_, meta)| meta);
    let extras = &p.inputs.extras;
    let paths = extras
        .paths
        .iter()
        .map(|path| RequestMeta::new(HttpMethod::Get, path, "203.0.113.7"));
    let mut all: Vec<RequestMeta> = standard.into_iter().chain(own).chain(paths).collect();
    if !extras.headers.is_empty() {
        // Every request again with the author's headers (only a plugin
        // written to the documents' trait sees headers).
        let with: Vec<RequestMeta> = all
            .iter()
            .map(|meta| {
                extras
                    .headers
                    .iter()
                    .fold(meta.clone(), |m, (k, v)| m.with_header(k, v))
            })
            .collect();
        all.extend(with);
    }
    all
}

/// The standard writes, then the author's own (`--inputs`).
fn writes(p: &PylonSubject) -> Vec<(String, WriteOp, Value)> {
    let standard = [
        (
            "Post",
            WriteOp::Insert,
            json!({"title": "Hello", "body": "text"}),
        ),
        ("User", WriteOp::Insert, json!({"email": "a@example.com"})),
        ("Post", WriteOp::Insert, json!({"body": "no title"})),
        (
            "Post",
            WriteOp::Update,
            json!({"id": 1, "title": "Hello again", "createdAt": "2000-01-01T00:00:00Z"}),
        ),
        ("Post", WriteOp::Delete, json!({"id": 1})),
    ];
    let own = p
        .inputs
        .writes
        .iter()
        .map(|(_, w)| (w.entity.clone(), w.op, w.data.clone()));
    standard
        .into_iter()
        .map(|(entity, op, data)| (entity.to_owned(), op, data))
        .chain(own)
        .collect()
}

/// The built-in API's paths a plugin route must leave alone, by method.
const BUILTIN_API: &[(&str, &str)] = &[
    ("GET", "/api/system"),
    ("GET", "/api/entities/Post"),
    ("POST", "/api/entities/Post"),
    ("GET", "/api/entities/Post/1"),
    ("PUT", "/api/entities/Post/1"),
    ("PATCH", "/api/entities/Post/1"),
    ("DELETE", "/api/entities/Post/1"),
];

/// Calls the crate's `before_*` hook for `op` directly.
fn before(
    plugin: &dyn RealPlugin,
    entity: &str,
    op: WriteOp,
    data: &mut Value,
) -> Result<(), RealError> {
    let auth = real_auth(&AuthContext::anonymous());
    let id = hookcheck::pylon::write_id(data);
    match op {
        WriteOp::Insert => plugin.before_insert(entity, data, &auth),
        WriteOp::Update => plugin.before_update(entity, &id, data, &auth),
        WriteOp::Delete => plugin.before_delete(entity, &id, &auth),
    }
}

const PY_NAME_001: Check = CATALOG
    .check(
        "PY-NAME-001",
        "a stable, non-empty name",
        "fn name(&self) -> &str: stable identifier — must match the plugin name in the manifest.",
        Severity::Recommended,
        "pylon:empty_name",
        py_name_001,
    )
    .on_host(
        Basis::Docs,
        "src/lib.rs:13, 181-184 (name() is required; the registry compares it with nothing)",
    );
fn py_name_001(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = p.plugin();
        let (a, b) = (plugin.name().to_owned(), plugin.name().to_owned());
        if a.trim().is_empty() {
            Verdict::fail(
                "name() is empty; the documents say it must equal the manifest entry's name (the crate compares it with nothing)",
            )
        } else if a != b {
            Verdict::fail(format!("name() changed between calls: `{a}` then `{b}`"))
        } else {
            Verdict::pass(format!("name() is `{a}`"))
        }
    })
}

const PY_INIT_001: Check = CATALOG
    .check(
        "PY-INIT-001",
        "init succeeds",
        "init(config) is called once at startup; Err fails the plugin.",
        Severity::Required,
        "pylon:failing_init",
        py_init_001,
    )
    .on_host(
        Basis::Both,
        "src/lib.rs:16, 181-184 (on_init runs at registration and cannot fail; a panic aborts the start)",
    );
fn py_init_001(s: &Subject) -> Verdict {
    on_pylon(s, |p| match p.host() {
        Ok(_) => Verdict::pass(match (p.make)() {
            PylonPlugin::Documented(_) => "init(null) succeeds",
            PylonPlugin::Real(_) => "on_init returns",
        }),
        Err(e) => match &e {
            hookcheck::Error::PluginStart { failure, .. } => {
                Verdict::failed(failure.clone(), e.to_string())
            }
            _ => Verdict::fail(e.to_string()),
        },
    })
}

const PY_REQ_001: Check = REQUESTS
    .row(
        "PY-REQ-001",
        "request hook does not panic",
        "Don't call .unwrap() in hooks. A panic in a plugin can crash the runtime thread.",
        Severity::Required,
        "pylon:panics_in_before_request",
        "on_request_with_meta never panicked",
        |e| plugin_failed(e, &["on_request_with_meta"]),
    )
    .on_host(
        Basis::Both,
        "src/lib.rs:281-292 (run_on_request_with_meta; no catch_unwind)",
    )
    .noting(UNCAUGHT);

const PY_REQ_002: Check = CATALOG.check(
    "PY-REQ-002",
    "request hook within budget",
    "before_request runs on every HTTP request — if it allocates or locks, it shows up at p99.",
    Severity::Recommended,
    "pylon:slow_before_request",
    py_req_002,
);

fn py_req_002(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = p.plugin();
        let auth = real_auth(&AuthContext::anonymous());
        let meta = hookcheck::pylon::real::RequestMeta {
            peer_ip: "203.0.113.7",
        };
        let mut times: Vec<Duration> = Vec::with_capacity(51);
        for _ in 0..51 {
            let start = Instant::now();
            let answer =
                call_guarded(|| plugin.on_request_with_meta("GET", "/api/posts", &auth, &meta));
            if answer.is_err() {
                return Verdict::skip("the hook panics, so its time means nothing; see PY-REQ-001");
            }
            times.push(start.elapsed());
        }
        times.sort();
        let median = times[times.len() / 2];
        // A trivial hook takes microseconds even in a debug build on a
        // loaded machine; the breaker sleeps 10 ms.
        let budget = Duration::from_millis(1);
        if median > budget {
            Verdict::fail(format!(
                "on_request_with_meta takes {median:?} (median of 51); the hot-path budget is {budget:?}"
            ))
        } else {
            Verdict::pass(format!(
                "on_request_with_meta takes {median:?} (median of 51)"
            ))
        }
    })
}
const PY_WRITE_001: Check = BEFORE_WRITES
    .row(
        "PY-WRITE-001",
        "before_insert / update / delete do not panic",
        "Don't call .unwrap() in hooks; return errors instead.",
        Severity::Required,
        "pylon:panics_in_before_write",
        "before_insert, before_update, before_delete never panicked",
        |e| plugin_failed(e, &["before_insert", "before_update", "before_delete"]),
    )
    .on_host(
        Basis::Both,
        "src/lib.rs:199-250 (run_before_*; no catch_unwind)",
    )
    .noting(UNCAUGHT);

const PY_WRITE_002: Check = AFTER_WRITES
    .row(
        "PY-WRITE-002",
        "after_insert / update / delete do not panic",
        "after-write side effects must never fail a successful write.",
        Severity::Required,
        "pylon:panics_in_after_write",
        "after_insert, after_update, after_delete never panicked",
        |e| plugin_failed(e, &["after_insert", "after_update", "after_delete"]),
    )
    .on_host(
        Basis::Both,
        "src/lib.rs:212-257 (after hooks return (); a panic unwinds after the row is written)",
    )
    .noting(UNCAUGHT);

const PY_WRITE_003: Check = CATALOG.check(
    "PY-WRITE-003",
    "update keeps createdAt",
    "if op == WriteOp::Insert && !obj.contains_key(\"createdAt\") — an update must not overwrite createdAt (non-idempotent before_write).",
    Severity::Required,
    "pylon:overwrites_created_at",
    py_write_003,
)
.judging(Judges::calls(&["before_update"], &[Answer::Continue, Answer::Modify], "accepted update", WRITE_HINT));
fn py_write_003(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = p.plugin();
        let mut data = json!({"id": 1, "title": "x", "createdAt": "2000-01-01T00:00:00Z"});
        match call_guarded(|| before(plugin.as_ref(), "Post", WriteOp::Update, &mut data)) {
            Ok(Ok(())) if data["createdAt"] != "2000-01-01T00:00:00Z" => Verdict::fail(format!(
                "an update rewrote createdAt from 2000-01-01T00:00:00Z to {}: before_update must not overwrite createdAt",
                data["createdAt"]
            )),
            Ok(Ok(())) => Verdict::pass("an update keeps createdAt").with_calls(1),
            Ok(Err(e)) => Verdict::unverified(
                format!(
                    "unverified: before_update rejected the update ({}: {}), so no update was written whose createdAt could be checked",
                    e.code, e.message
                ),
                WRITE_HINT,
            )
            .with_calls(1),
            Err(f) => Verdict::no_valid_output("PY-WRITE-001", format!("before_update {f}")),
        }
    })
}

const PY_WRITE_004: Check = CATALOG
    .check(
        "PY-WRITE-004",
        "data stays an object",
        "before_write mutates `data` in place to inject fields.",
        Severity::Required,
        "pylon:replaces_data",
        py_write_004,
    )
    .judging(Judges::calls(
        &["before_insert", "before_update"],
        &[Answer::Continue, Answer::Modify],
        "accepted insert or update",
        WRITE_HINT,
    ));
fn py_write_004(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = p.plugin();
        let (mut calls, mut tried) = (0, 0);
        // A delete carries no data to keep or break.
        for (entity, op, mut data) in writes(p).into_iter().filter(|w| w.1 != WriteOp::Delete) {
            tried += 1;
            let accepted = matches!(
                call_guarded(|| before(plugin.as_ref(), &entity, op, &mut data)),
                Ok(Ok(()))
            );
            calls += usize::from(accepted);
            if accepted && !data.is_object() {
                return Verdict::fail(format!(
                    "{} {entity}: the before hook left the data as {data}, not an object",
                    op.as_str()
                ));
            }
        }
        if calls == 0 {
            return Verdict::unverified(
                format!(
                    "unverified: the before hooks accepted none of the {tried} inserts and updates, so no written data could be checked"
                ),
                WRITE_HINT,
            );
        }
        Verdict::pass(format!(
            "the data stays a JSON object over {calls} accepted writes"
        ))
        .with_calls(calls)
    })
}

const PY_ROUTE_001: Check = CATALOG
    .check(
        "PY-ROUTE-001",
        "routes leave the built-in API alone",
        "The router checks plugin routes after its built-in routes, in plugin registration order.",
        Severity::Required,
        "pylon:shadowing_router",
        py_route_001,
    )
    .on_host(
        Basis::Host,
        "src/lib.rs:295-310 (try_handle_route: method equal, path.starts_with(route.path), first plugin wins; the order against the runtime's own API is not in the crate)",
    );
fn py_route_001(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = p.plugin();
        let routes = match call_guarded(|| plugin.routes()) {
            Ok(r) => r,
            Err(f) => return Verdict::fail(format!("routes() {f}; {UNCAUGHT}")),
        };
        for route in &routes {
            if let Some((method, path)) = BUILTIN_API
                .iter()
                .find(|(m, path)| *m == route.method && path.starts_with(&route.path))
            {
                return Verdict::fail(format!(
                    "route {} `{}` takes the built-in API's {method} {path}: plugin routes match by path prefix (pylon-plugin src/lib.rs:304), and hookcheck's Pylon asks them before its own API; serve it under a path of its own, such as `/plugins/{}`",
                    route.method,
                    route.path,
                    plugin.name()
                ));
            }
        }
        if routes.is_empty() {
            return Verdict::skip("the plugin declares no routes");
        }
        let listed: Vec<String> = routes
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        Verdict::pass(format!(
            "no route takes a built-in API path ({})",
            listed.join(", ")
        ))
        .with_calls(routes.len())
    })
}

const PY_ROUTE_002: Check = CATALOG.check(
    "PY-ROUTE-002",
    "route statuses are HTTP statuses",
    "handle_route returns Some((status, body)).",
    Severity::Required,
    "pylon:bad_status_router",
    py_route_002,
);

fn py_route_002(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = p.plugin();
        let Ok(routes) = call_guarded(|| plugin.routes()) else {
            return Verdict::skip("routes() panics; see PY-ROUTE-001");
        };
        if routes.is_empty() {
            return Verdict::skip("the plugin declares no routes");
        }
        let auth = real_auth(&AuthContext::anonymous());
        let mut calls = 0;
        for route in &routes {
            match call_guarded(|| (route.handler)("{}", &route.path, &auth)) {
                Ok((status, _)) => {
                    calls += 1;
                    if !(100..=599).contains(&status) {
                        return Verdict::fail(format!(
                            "{} {} answered status {status}, not an HTTP status",
                            route.method, route.path
                        ));
                    }
                }
                Err(f) => {
                    return Verdict::fail(format!(
                        "{} {} handler {f}; {UNCAUGHT}",
                        route.method, route.path
                    ));
                }
            }
        }
        Verdict::pass(format!("route statuses are 100-599 over {calls} answers")).with_calls(calls)
    })
}

/// Every `Err` a fresh instance returns on the requests and writes.
fn errors_of(p: &PylonSubject) -> (usize, Vec<(String, RealError)>) {
    let plugin = p.plugin();
    let plugin = plugin.as_ref();
    let mut calls = 0;
    let mut errors = Vec::new();
    let auth = real_auth(&AuthContext::anonymous());
    for meta in requests(p) {
        if let Ok(answer) = call_guarded(|| on_request(plugin, &meta, &auth)) {
            calls += 1;
            if let Err(e) = answer {
                errors.push((format!("{} {}", meta.method, meta.path), e));
            }
        }
    }
    for (entity, op, mut data) in writes(p) {
        if let Ok(answer) = call_guarded(|| before(plugin, &entity, op, &mut data)) {
            calls += 1;
            if let Err(e) = answer {
                errors.push((format!("{} {entity}", op.as_str()), e));
            }
        }
    }
    (calls, errors)
}

const PY_ERR_001: Check = CATALOG.check(
    "PY-ERR-001",
    "errors carry a code",
    "Err(PluginError::ValidationFailed { code, message }) rejects the write with a 400 response.",
    Severity::Required,
    "pylon:empty_code_validator",
    py_err_001,
)
.judging(Judges::calls(&["on_request_with_meta", "before_insert", "before_update", "before_delete"], &[Answer::Reject], "error (an `Err` from a hook)", ERROR_HINT));
fn py_err_001(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let (calls, errors) = errors_of(p);
        if errors.is_empty() {
            return Verdict::unverified(
                format!("unverified: no error (an `Err` from a hook) in {calls} calls, so no code to check"),
                ERROR_HINT,
            )
            .with_calls(calls);
        }
        if let Some((at, e)) = errors.iter().find(|(_, e)| e.code.trim().is_empty()) {
            return Verdict::fail(format!(
                "{at}: an error with an empty code (message `{}`): clients get `error: \"\"`",
                e.message
            ));
        }
        Verdict::pass(format!(
            "{} errors, each with a code, over {calls} calls",
            errors.len()
        ))
        .with_calls(errors.len())
    })
}

const PY_ERR_002: Check = CATALOG
    .check(
        "PY-ERR-002",
        "error statuses are 4xx or 5xx",
        "Err(PluginError::ValidationFailed { .. }) rejects the write with a 400 response; RateLimited with 429.",
        Severity::Required,
        "pylon:success_status_error",
        py_err_002,
    )
    .on_host(
        Basis::Host,
        "src/lib.rs:115-120 (PluginError { code, message, status }: the plugin's status is the response's)",
    )
.judging(Judges::calls(&["on_request_with_meta", "before_insert", "before_update", "before_delete"], &[Answer::Reject], "error (an `Err` from a hook)", ERROR_HINT));
fn py_err_002(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let (calls, errors) = errors_of(p);
        if errors.is_empty() {
            return Verdict::unverified(
                format!("unverified: no error (an `Err` from a hook) in {calls} calls, so no status to check"),
                ERROR_HINT,
            )
            .with_calls(calls);
        }
        if let Some((at, e)) = errors
            .iter()
            .find(|(_, e)| !(400..=599).contains(&e.status))
        {
            return Verdict::fail(format!(
                "{at}: an error `{}` with status {}: Pylon answers a PluginError with its status as is (pylon-plugin src/lib.rs:115-120), so the client sees {} for a rejected call; use 4xx for the caller's mistakes, 5xx for the plugin's",
                e.code, e.status, e.status
            ));
        }
        Verdict::pass(format!(
            "{} errors, each with a 4xx/5xx status, over {calls} calls",
            errors.len()
        ))
        .with_calls(errors.len())
    })
}

/// What a plugin written to the documents must change to compile against
/// `pylon-plugin` 0.3.23.
const PORT: &[&str] = &[
    "init(config) -> Result becomes on_init(&PluginContext), which cannot fail and gets no per-plugin config",
    "before_request(meta, auth) becomes on_request_with_meta(method, path, auth, &RequestMeta { peer_ip }): no headers, no query",
    "before_write(entity, WriteOp, data, auth) becomes before_insert(entity, data, auth) / before_update(entity, id, data, auth) / before_delete(entity, id, auth) (no data)",
    "after_write becomes after_insert / after_update / after_delete(entity, id, auth)",
    "routes() + handle_route become routes() -> Vec<PluginRoute { method, path, handler }>: matched by path prefix, and a handler cannot decline",
    "PluginError is a struct { code, message, status }",
];

const PY_PORT_001: Check = CATALOG
    .check(
        "PY-PORT-001",
        "written against pylon-plugin",
        "pub trait Plugin: Send + Sync (the documentation page's trait).",
        Severity::Recommended,
        "pylon:timestamps",
        py_port_001,
    )
    .on_host(
        Basis::Host,
        "src/lib.rs:11-136 (the crate's Plugin, RequestMeta, PluginError and PluginRoute)",
    );
fn py_port_001(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let PylonPlugin::Documented(plugin) = (p.make)() else {
            return Verdict::pass("implements pylon_plugin::Plugin (0.3.23)");
        };
        let mut found = Vec::new();
        let auth = AuthContext::anonymous();
        // Repeat one client's request (up to 2 000 times, 200 ms) so a rate
        // limit shows itself.
        let started = Instant::now();
        let meta = RequestMeta::new(HttpMethod::Get, "/api/posts", "203.0.113.7");
        for _ in (0..2_000).take_while(|_| started.elapsed() < Duration::from_millis(200)) {
            if let Ok(Err(PluginError::RateLimited { retry_after_secs })) =
                call_guarded(|| plugin.before_request(&meta, &auth))
            {
                found.push(format!(
                    "it answered RateLimited (Retry-After {retry_after_secs}): the crate's error has no Retry-After, so clients lose it"
                ));
                break;
            }
        }
        let routes = call_guarded(|| plugin.routes()).unwrap_or_default();
        for (method, path) in &routes {
            let sibling = format!("{path}-hookcheck");
            if let Ok(None) = call_guarded(|| plugin.handle_route(*method, &sibling, "", &auth)) {
                found.push(format!(
                    "it declines {method} {sibling} with None, but on Pylon its route `{path}` also matches that path and must answer it"
                ));
                break;
            }
        }
        let mut evidence = format!(
            "written to the documentation's trait, which does not compile against pylon-plugin 0.3.23: {}",
            PORT.join("; ")
        );
        if !found.is_empty() {
            evidence.push_str(". Seen in this plugin: ");
            evidence.push_str(&found.join("; "));
        }
        Verdict::fail(evidence)
    })
}

fn per_call(total: u64, calls: u64) -> String {
    if total.is_multiple_of(calls) {
        format!("{}", total / calls)
    } else {
        format!("{:.2}", total as f64 / calls as f64)
    }
}

const PY_PERF_001: Check = CATALOG.check(
    "PY-PERF-001",
    "request hook does not allocate",
    "before_request runs on every HTTP request — if it allocates or locks, it shows up at p99.",
    Severity::Recommended,
    "pylon:allocates_per_request",
    py_perf_001,
);

fn py_perf_001(s: &Subject) -> Verdict {
    const CALLS: u64 = 1000;
    on_pylon(s, |p| {
        if !hookcheck::alloc::is_installed() {
            return Verdict::skip(
                "allocations are not counted in this process: install `hookcheck::alloc::CountingAllocator` as its #[global_allocator] (the hookcheck binary does)",
            );
        }
        let made = (p.make)();
        let (what, counted) = match &made {
            PylonPlugin::Documented(plugin) => {
                let meta = RequestMeta::new(HttpMethod::Get, "/api/posts", "203.0.113.7");
                let auth = AuthContext::anonymous();
                let call = || {
                    let _ = plugin.before_request(&meta, &auth);
                };
                ("before_request", count_calls(call, CALLS))
            }
            PylonPlugin::Real(plugin) => {
                let auth = real_auth(&AuthContext::anonymous());
                let meta = hookcheck::pylon::real::RequestMeta {
                    peer_ip: "203.0.113.7",
                };
                let call = || {
                    let _ = plugin.on_request_with_meta("GET", "/api/posts", &auth, &meta);
                };
                ("on_request_with_meta", count_calls(call, CALLS))
            }
        };
        let plugin = made.into_real();
        let routes = count_calls(
            || {
                let _ = plugin.routes();
            },
            100,
        );
        match (counted, routes) {
            (Err(f), _) | (_, Err(f)) => Verdict::skip(format!("the hook {f}; see PY-REQ-001")),
            (Ok(total), Ok(route_total)) => {
                let routes_note = format!(
                    "; routes(), which Pylon calls on every request (pylon-plugin src/lib.rs:303), allocates {} times per call",
                    per_call(route_total, 100)
                );
                if total == 0 {
                    Verdict::pass(format!(
                        "{what} allocates nothing (0 allocations over {CALLS} calls){routes_note}"
                    ))
                    .with_calls(CALLS as usize)
                } else {
                    Verdict::fail(format!(
                        "{what} makes {} heap allocations per call ({total} over {CALLS} calls); it runs on every request, and allocation shows up at p99{routes_note}",
                        per_call(total, CALLS)
                    ))
                    .with_calls(CALLS as usize)
                }
            }
        }
    })
}

const PY_PERF_002: Check = CATALOG.check(
    "PY-PERF-002",
    "request hook does not block under concurrency",
    "before_request runs on every HTTP request — if it allocates or locks, it shows up at p99. Use Mutex sparingly.",
    Severity::Recommended,
    "pylon:locks_per_request",
    py_perf_002,
);

fn py_perf_002(s: &Subject) -> Verdict {
    const THREADS: usize = 8;
    const CALLS: usize = 200;
    on_pylon(s, |p| {
        let plugin = p.plugin();
        let auth = real_auth(&AuthContext::anonymous());
        let meta = hookcheck::pylon::real::RequestMeta {
            peer_ip: "203.0.113.7",
        };
        let call = || {
            let _ = plugin.on_request_with_meta("GET", "/api/posts", &auth, &meta);
        };
        // Up to four batches while the count is small enough to be chance.
        let batches = || {
            let mut all = hookcheck::contention::measure(THREADS, CALLS, call)?;
            for _ in 1..4 {
                if !all.unsure() {
                    break;
                }
                all = all.and(&hookcheck::contention::measure(THREADS, CALLS, call)?);
            }
            Some(all)
        };
        let measured = match call_guarded(batches) {
            Ok(Some(m)) if m.panicked == 0 => m,
            Ok(Some(_)) => return Verdict::skip("the hook panicked; see PY-REQ-001"),
            Ok(None) => {
                return Verdict::skip(
                    "this kernel does not count context switches per thread (getrusage RUSAGE_THREAD)",
                );
            }
            Err(f) => return Verdict::skip(format!("the hook {f}; see PY-REQ-001")),
        };
        let total = measured.completed;
        let numbers = format!(
            "a lock-free control blocked {} times; p99 with 1 thread {:?}, with {THREADS} at once {:?} ({:.1}x, latencies for reference only)",
            measured.control_blocked,
            measured.p99_single,
            measured.p99_concurrent,
            measured.ratio()
        );
        // Counts, not latencies: a call that made its thread give up the
        // CPU waited on something (a lock the callers queue on, I/O, a
        // sleep); computing code does not, however busy the machine is.
        if measured.blocks() {
            Verdict::fail(format!(
                "{} of {total} on_request_with_meta calls from {THREADS} threads released together blocked (their thread gave up the CPU mid-call: a contended lock, I/O or a sleep); {numbers}. Every request pays for that wait at p99: keep locks out of the request path",
                measured.blocked
            ))
            .with_calls(total)
        } else {
            Verdict::pass(format!(
                "{} of {total} concurrent calls blocked; {numbers}",
                measured.blocked
            ))
            .with_calls(total)
        }
    })
}

/// Allocations over `calls` calls of `f` after a warm-up, or the panic.
fn count_calls(f: impl Fn(), calls: u64) -> Result<u64, hookcheck::engine::Failure> {
    call_guarded(|| {
        for _ in 0..3 {
            f();
        }
        let ((), counted) = hookcheck::alloc::count(|| {
            for _ in 0..calls {
                f();
            }
        });
        counted.unwrap_or(0)
    })
}

/// The suite: these checks, with the coverage of the shared exercise.
pub(crate) const SUITE: Suite = Suite {
    contract: CATALOG.profile,
    checks: CHECKS,
    coverage: suite_coverage,
};

fn suite_coverage(s: &Subject) -> Coverage {
    match s.kind::<PylonSubject>() {
        Some(p) => coverage(p),
        None => Coverage::nothing("not an in-process Pylon subject"),
    }
}

const CHECKS: &[Check] = &[
    PY_NAME_001,
    PY_INIT_001,
    PY_REQ_001,
    PY_REQ_002,
    PY_WRITE_001,
    PY_WRITE_002,
    PY_WRITE_003,
    PY_WRITE_004,
    PY_ROUTE_001,
    PY_ROUTE_002,
    PY_ERR_001,
    PY_ERR_002,
    PY_PORT_001,
    PY_PERF_002,
    PY_PERF_001,
];

/// Which hooks and routes of the plugin the standard requests, writes and
/// route probes call. Every trait method counts as registered (the trait
/// gives each a default); each route is probed at its path and with a
/// query string.
pub(crate) fn coverage(p: &PylonSubject) -> Coverage {
    let host = match host(p) {
        Ok(h) => h,
        Err(v) => return Coverage::nothing(v.evidence),
    };
    let plugin: Arc<dyn RealPlugin> = p.plugin();
    let routes: Vec<(String, String)> = call_guarded(|| plugin.routes())
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    const HOOKS: [&str; 7] = [
        "on_request_with_meta",
        "before_insert",
        "before_update",
        "before_delete",
        "after_insert",
        "after_update",
        "after_delete",
    ];
    let mut entries: Vec<Exercised> = HOOKS
        .into_iter()
        .map(|hook| {
            let answerable: &'static [Answer] = match hook {
                "on_request_with_meta" => &[Answer::Continue, Answer::Reject],
                h if h.starts_with("before_") => {
                    &[Answer::Continue, Answer::Modify, Answer::Reject]
                }
                _ => &[Answer::Continue],
            };
            Exercised::answering(hook, answerable)
        })
        .collect();
    entries.extend(
        routes
            .iter()
            .map(|(m, path)| Exercised::new(format!("route {m} {path}"))),
    );
    let count = |entries: &mut [Exercised], label: &str, trace: &Trace| {
        for e in entries.iter_mut() {
            let name = e.registration.clone();
            let steps = trace.steps.iter().filter(|s| s.hook.name == name);
            if HOOKS.contains(&name.as_str()) {
                e.add_steps(label, steps);
            } else {
                e.add(label, steps.count());
            }
        }
    };
    for meta in requests(p) {
        let run = host.before_request(&meta, &AuthContext::anonymous());
        count(
            &mut entries,
            &format!("request {} {}", meta.method, meta.path),
            &run.trace,
        );
    }
    // An after hook the plugin's own before hook keeps from running (a
    // plugin that rejects every delete) is not a gap in the inputs.
    let mut rejected: Vec<(WriteOp, String)> = Vec::new();
    let mut accepted: Vec<WriteOp> = Vec::new();
    if let Ok(store) = EntityStore::in_memory() {
        let _ = store.apply("Post", WriteOp::Insert, &json!({"title": "seed"}));
        for (entity, op, data) in writes(p) {
            if let Ok(run) = host.write(&store, &entity, op, data, &AuthContext::user("u1")) {
                count(
                    &mut entries,
                    &format!("write {} {entity}", op.as_str()),
                    &run.trace,
                );
                if run.row.is_some() {
                    accepted.push(op);
                } else if let Some(stop) = run.trace.steps.last() {
                    rejected.push((op, format!("{}: {}", stop.hook, stop.outcome)));
                }
            }
        }
    }
    let mut notes = Vec::new();
    for (op, why) in rejected {
        let after = format!("after_{}", op.as_str());
        if !accepted.contains(&op) && entries.iter().any(|e| e.registration == after) {
            entries.retain(|e| e.registration != after);
            notes.push(format!(
                "{after} not reachable: the plugin rejects every {} ({why})",
                op.as_str()
            ));
        }
    }
    for (i, (method, path)) in routes.iter().enumerate() {
        let Some(m) = HttpMethod::parse(method) else {
            continue;
        };
        for url in [path.clone(), format!("{path}?probe=1")] {
            let run = host.route(m, &url, "{}", &AuthContext::anonymous(), |_, _, _| None);
            let answered = usize::from(run.handled_by.as_deref() == Some(plugin.name()));
            entries[HOOKS.len() + i].add(&format!("{method} {url}"), answered);
        }
    }
    Coverage {
        registrations: entries,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
        notices: Vec::new(),
    }
}
