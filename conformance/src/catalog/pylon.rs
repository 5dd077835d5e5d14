//! `PY-*`: the Pylon contract (contracts §1, seed 000).

use std::time::{Duration, Instant};

use hookcheck::engine::{
    AuthContext, Contract, HttpMethod, Outcome, RequestMeta, Trace, WriteOp, call_guarded,
};
use hookcheck::pylon::{PluginError, PylonHost};
use hookcheck::store::EntityStore;
use serde_json::{Value, json};

use crate::check::{Check, Rules, Severity, Verdict};
use crate::coverage::{Coverage, Exercised};
use crate::subject::{PylonSubject, Subject};
use crate::suite::Suite;

const CATALOG: Rules = Rules {
    exercise: None,
    profile: Contract::PYLON,
    source: "contracts/README.md §1; seed 000 (Pylon: writing a plugin)",
};

fn on_pylon(s: &Subject, f: impl FnOnce(&PylonSubject) -> Verdict) -> Verdict {
    match s {
        Subject::Pylon(p) => f(p),
        _ => Verdict::skip("not an in-process Pylon subject"),
    }
}

fn host(p: &PylonSubject) -> Result<PylonHost, Verdict> {
    let mut host = PylonHost::new();
    match host.register((p.make)()) {
        Ok(_) => Ok(host),
        Err(e) => Err(Verdict::not_loaded(format!(
            "does not register ({e}); see PY-INIT-001"
        ))),
    }
}

fn requests() -> Vec<RequestMeta> {
    vec![
        RequestMeta::new(HttpMethod::Get, "/api/posts", "203.0.113.7"),
        RequestMeta::new(HttpMethod::Post, "/api/entities/Post", "198.51.100.2")
            .with_header("content-type", "application/json"),
        RequestMeta::new(HttpMethod::Delete, "/", "::1"),
    ]
}

fn writes() -> Vec<(&'static str, WriteOp, Value)> {
    vec![
        (
            "Post",
            WriteOp::Insert,
            json!({"title": "Hello", "body": "text"}),
        ),
        ("User", WriteOp::Insert, json!({"email": "a@example.com"})),
        (
            "Post",
            WriteOp::Update,
            json!({"id": 1, "title": "Hello again", "createdAt": "2000-01-01T00:00:00Z"}),
        ),
    ]
}

fn errors_in(trace: &hookcheck::engine::Trace, hook: &str) -> Option<String> {
    trace
        .steps
        .iter()
        .filter(|s| s.hook == hook)
        .find_map(|s| match &s.outcome {
            Outcome::Error { error } => Some(error.to_string()),
            _ => None,
        })
}

fn py_name_001(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = (p.make)();
        let (a, b) = (plugin.name().to_owned(), plugin.name().to_owned());
        if a.trim().is_empty() {
            Verdict::fail("name() is empty; it must equal the manifest entry's name")
        } else if a != b {
            Verdict::fail(format!("name() changed between calls: `{a}` then `{b}`"))
        } else {
            Verdict::pass(format!("name() is `{a}`"))
        }
    })
}
fn py_init_001(s: &Subject) -> Verdict {
    on_pylon(s, |p| match PylonHost::new().register((p.make)()) {
        Ok(_) => Verdict::pass("init(null) succeeds"),
        Err(e) => Verdict::fail(e.to_string()),
    })
}
fn py_req_001(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let host = match host(p) {
            Ok(h) => h,
            Err(v) => return v,
        };
        let mut calls = 0;
        for meta in requests() {
            for auth in [AuthContext::anonymous(), AuthContext::user("u1")] {
                let run = host.before_request(&meta, &auth);
                calls += run.trace.steps.len();
                if let Some(e) = errors_in(&run.trace, "before_request") {
                    return Verdict::fail(format!("{} {}: {e}", meta.method, meta.path));
                }
            }
        }
        Verdict::pass(format!("before_request never panicked over {calls} calls")).with_calls(calls)
    })
}
fn py_req_002(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = (p.make)();
        let meta = RequestMeta::new(HttpMethod::Get, "/api/posts", "203.0.113.7");
        let auth = AuthContext::anonymous();
        let mut times: Vec<Duration> = (0..51)
            .map(|_| {
                let start = Instant::now();
                let _ = call_guarded(|| plugin.before_request(&meta, &auth));
                start.elapsed()
            })
            .collect();
        times.sort();
        let median = times[times.len() / 2];
        // A trivial hook takes microseconds even in a debug build on a
        // loaded machine; the breaker sleeps 10 ms.
        let budget = Duration::from_millis(1);
        if median > budget {
            Verdict::fail(format!(
                "before_request takes {median:?} (median of 51); the hot-path budget is {budget:?}"
            ))
        } else {
            Verdict::pass(format!("before_request takes {median:?} (median of 51)"))
        }
    })
}
fn write_rule(s: &Subject, hook: &str) -> Verdict {
    on_pylon(s, |p| {
        let host = match host(p) {
            Ok(h) => h,
            Err(v) => return v,
        };
        let store = match EntityStore::in_memory() {
            Ok(s) => s,
            Err(e) => return Verdict::skip(e.to_string()),
        };
        let _ = store.apply("Post", WriteOp::Insert, &json!({"title": "seed"}));
        let mut calls = 0;
        for (entity, op, data) in writes() {
            match host.write(&store, entity, op, data, &AuthContext::user("u1")) {
                Ok(run) => {
                    calls += run.trace.steps.iter().filter(|s| s.hook == hook).count();
                    if let Some(e) = errors_in(&run.trace, hook) {
                        return Verdict::fail(format!("{} {entity}: {e}", op.as_str()));
                    }
                }
                Err(e) => return Verdict::skip(e.to_string()),
            }
        }
        Verdict::pass(format!("{hook} never panicked over {calls} calls")).with_calls(calls)
    })
}
fn py_write_001(s: &Subject) -> Verdict {
    write_rule(s, "before_write")
}
fn py_write_002(s: &Subject) -> Verdict {
    write_rule(s, "after_write")
}
fn py_write_003(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = (p.make)();
        let mut data = json!({"id": 1, "title": "x", "createdAt": "2000-01-01T00:00:00Z"});
        match call_guarded(|| {
            plugin.before_write(
                "Post",
                WriteOp::Update,
                &mut data,
                &AuthContext::anonymous(),
            )
        }) {
            Ok(Ok(())) if data["createdAt"] != "2000-01-01T00:00:00Z" => Verdict::fail(format!(
                "an update rewrote createdAt from 2000-01-01T00:00:00Z to {}: before_write must not overwrite createdAt on update",
                data["createdAt"]
            )),
            Ok(_) => Verdict::pass("an update keeps createdAt"),
            Err(f) => Verdict::skip(format!("before_write {f}; see PY-WRITE-001")),
        }
    })
}
fn py_write_004(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = (p.make)();
        let mut calls = 0;
        for (entity, op, mut data) in writes() {
            let accepted = matches!(
                call_guarded(|| plugin.before_write(
                    entity,
                    op,
                    &mut data,
                    &AuthContext::anonymous()
                )),
                Ok(Ok(()))
            );
            calls += usize::from(accepted);
            if accepted && !data.is_object() {
                return Verdict::fail(format!(
                    "{} {entity}: before_write left the data as {data}, not an object",
                    op.as_str()
                ));
            }
        }
        Verdict::pass(format!(
            "the data stays a JSON object over {calls} accepted writes"
        ))
        .with_calls(calls)
    })
}
fn py_route_001(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = (p.make)();
        let routes = plugin.routes();
        let probe = "/hookcheck/not-a-route";
        match call_guarded(|| {
            plugin.handle_route(HttpMethod::Get, probe, "", &AuthContext::anonymous())
        }) {
            Ok(Some((status, _))) => Verdict::fail(format!(
                "answered GET {probe} with {status}, a route it never declared (declared: {routes:?}); answer None to pass a request on"
            )),
            _ => Verdict::pass(format!(
                "declines undeclared routes ({} declared)",
                routes.len()
            )),
        }
    })
}
fn py_route_002(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = (p.make)();
        let routes = plugin.routes();
        if routes.is_empty() {
            return Verdict::skip("the plugin declares no routes");
        }
        let mut calls = 0;
        for (method, path) in routes {
            if let Ok(Some((status, _))) =
                call_guarded(|| plugin.handle_route(method, &path, "{}", &AuthContext::anonymous()))
            {
                calls += 1;
                if !(100..=599).contains(&status) {
                    return Verdict::fail(format!(
                        "{method} {path} answered status {status}, not an HTTP status"
                    ));
                }
            }
        }
        Verdict::pass(format!("route statuses are 100-599 over {calls} answers")).with_calls(calls)
    })
}
fn py_err_001(s: &Subject) -> Verdict {
    on_pylon(s, |p| {
        let plugin = (p.make)();
        let mut calls = 0;
        for (entity, op, mut data) in writes() {
            let answer = call_guarded(|| {
                plugin.before_write(entity, op, &mut data, &AuthContext::anonymous())
            });
            calls += usize::from(answer.is_ok());
            if let Ok(Err(PluginError::ValidationFailed { code, message })) = answer
                && code.trim().is_empty()
            {
                return Verdict::fail(format!(
                    "ValidationFailed with an empty code (message `{message}`): clients get `error: \"\"`"
                ));
            }
        }
        Verdict::pass(format!(
            "validation errors carry a code over {calls} writes"
        ))
        .with_calls(calls)
    })
}

/// The suite: these checks, with the coverage of the shared exercise.
pub(crate) const SUITE: Suite = Suite {
    contract: CATALOG.profile,
    checks: CHECKS,
    coverage: suite_coverage,
};

fn suite_coverage(s: &Subject) -> Coverage {
    match s {
        Subject::Pylon(p) => coverage(p),
        _ => Coverage::nothing("not an in-process Pylon subject"),
    }
}

const CHECKS: &[Check] = &[
    CATALOG.check(
        "PY-NAME-001",
        "a stable, non-empty name",
        "fn name(&self) -> &str: stable identifier — must match the plugin name in the manifest.",
        Severity::Required,
        "pylon:empty_name",
        py_name_001,
    ),
    CATALOG.check(
        "PY-INIT-001",
        "init succeeds",
        "init(config) is called once at startup; Err fails the plugin.",
        Severity::Required,
        "pylon:failing_init",
        py_init_001,
    ),
    CATALOG.check(
        "PY-REQ-001",
        "before_request does not panic",
        "Don't call .unwrap() in hooks. A panic in a plugin can crash the runtime thread.",
        Severity::Required,
        "pylon:panics_in_before_request",
        py_req_001,
    ),
    CATALOG.check(
        "PY-REQ-002",
        "before_request within budget",
        "before_request runs on every HTTP request — if it allocates or locks, it shows up at p99.",
        Severity::Recommended,
        "pylon:slow_before_request",
        py_req_002,
    ),
    CATALOG.check(
        "PY-WRITE-001",
        "before_write does not panic",
        "Don't call .unwrap() in hooks; return errors instead.",
        Severity::Required,
        "pylon:panics_in_before_write",
        py_write_001,
    ),
    CATALOG.check(
        "PY-WRITE-002",
        "after_write does not panic",
        "after-write side effects must never fail a successful write.",
        Severity::Required,
        "pylon:panics_in_after_write",
        py_write_002,
    ),
    CATALOG.check(
        "PY-WRITE-003",
        "update keeps createdAt",
        "if op == WriteOp::Insert && !obj.contains_key(\"createdAt\") — an update must not overwrite createdAt (non-idempotent before_write).",
        Severity::Required,
        "pylon:overwrites_created_at",
        py_write_003,
    ),
    CATALOG.check(
        "PY-WRITE-004",
        "data stays an object",
        "before_write mutates `data` in place to inject fields.",
        Severity::Required,
        "pylon:replaces_data",
        py_write_004,
    ),
    CATALOG.check(
        "PY-ROUTE-001",
        "answers only declared routes",
        "routes() returns the (method, path) pairs the router dispatches to handle_route; None passes the request on.",
        Severity::Required,
        "pylon:greedy_router",
        py_route_001,
    ),
    CATALOG.check(
        "PY-ROUTE-002",
        "route statuses are HTTP statuses",
        "handle_route returns Some((status, body)).",
        Severity::Required,
        "pylon:bad_status_router",
        py_route_002,
    ),
    CATALOG.check(
        "PY-ERR-001",
        "validation errors carry a code",
        "Err(PluginError::ValidationFailed { code, message }) rejects the write with a 400 response.",
        Severity::Required,
        "pylon:empty_code_validator",
        py_err_001,
    ),
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
    let routes = call_guarded(|| (p.make)().routes()).unwrap_or_default();
    let mut entries: Vec<Exercised> = ["before_request", "before_write", "after_write"]
        .into_iter()
        .map(Exercised::new)
        .collect();
    entries.extend(
        routes
            .iter()
            .map(|(m, path)| Exercised::new(format!("route {m} {path}"))),
    );
    let count = |entries: &mut [Exercised], hook: &str, label: &str, trace: &Trace| {
        if let Some(e) = entries.iter_mut().find(|e| e.registration == hook) {
            e.add(label, trace.steps.iter().filter(|s| s.hook == hook).count());
        }
    };
    for meta in requests() {
        let run = host.before_request(&meta, &AuthContext::anonymous());
        let label = format!("request {} {}", meta.method, meta.path);
        count(&mut entries, "before_request", &label, &run.trace);
    }
    if let Ok(store) = EntityStore::in_memory() {
        let _ = store.apply("Post", WriteOp::Insert, &json!({"title": "seed"}));
        for (entity, op, data) in writes() {
            if let Ok(run) = host.write(&store, entity, op, data, &AuthContext::user("u1")) {
                let label = format!("write {} {entity}", op.as_str());
                count(&mut entries, "before_write", &label, &run.trace);
                count(&mut entries, "after_write", &label, &run.trace);
            }
        }
    }
    for (i, (method, path)) in routes.iter().enumerate() {
        for url in [path.clone(), format!("{path}?probe=1")] {
            let run = host.route(*method, &url, "{}", &AuthContext::anonymous(), |_, _, _| {
                None
            });
            entries[3 + i].add(&format!("{method} {url}"), run.trace.steps.len());
        }
    }
    Coverage {
        registrations: entries,
        note: None,
    }
}
