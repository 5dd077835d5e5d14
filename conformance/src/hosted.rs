//! The generic exercise for a contract that plays its host through the
//! seam ([`ContractHost`]): the standard requests, writes, config and
//! JSON bodies, and every hook called directly, through a
//! [`Harness`] around a fresh host.

use hookcheck::engine::{HttpMethod, Trace, WriteOp};
use hookcheck::fixtures::{ConfigEvent, JsonEvent, RequestEvent, WriteEvent};
use hookcheck::host::ContractHost;
use hookcheck::replay::Harness;
use serde_json::json;

use crate::check::Verdict;
use crate::coverage::{Coverage, Exercised};
use crate::inputs::{CONFIG_YAML, json_bodies};
use crate::subject::{HostedRun, HostedSubject, Subject};

/// The generic exercise's traces: the [`Exercise`](crate::check::Exercise)
/// of a [`Suite::hosted`](crate::Suite::hosted) suite's rows.
pub fn hosted_exercise(s: &Subject) -> Result<Vec<(String, &Trace)>, Verdict> {
    let Subject::Hosted(h) = s else {
        return Err(Verdict::skip("not a subject played through the host seam"));
    };
    let run = exercised(h)?;
    Ok(run.traces.iter().map(|(l, t)| (l.clone(), t)).collect())
}

/// Which registered hooks the generic exercise called.
pub(crate) fn coverage(s: &Subject) -> Coverage {
    let Subject::Hosted(h) = s else {
        return Coverage::nothing("not a subject played through the host seam");
    };
    match exercised(h) {
        Ok(run) => Coverage {
            registrations: run.coverage.clone(),
            note: None,
            notices: Vec::new(),
        },
        Err(v) => Coverage::nothing(v.evidence),
    }
}

fn exercised(h: &HostedSubject) -> Result<&HostedRun, Verdict> {
    h.exercised
        .get_or_init(|| {
            let host = h.host().map_err(|e| e.to_string())?;
            run(host).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Verdict::not_loaded(format!("the plugin does not load ({e})")))
}

fn run(host: Box<dyn ContractHost>) -> hookcheck::Result<HostedRun> {
    let hooks = host.registered_hooks();
    let profile = host.profile();
    let mut harness = Harness::with_host(host)?;
    let mut traces = Vec::new();
    for (method, path, body) in [
        (HttpMethod::Get, "/api/system", ""),
        (HttpMethod::Get, "/plugins/hello", ""),
        (
            HttpMethod::Post,
            "/api/entities/post",
            r#"{"title":"probe"}"#,
        ),
        (HttpMethod::Get, "/", ""),
    ] {
        for user in [None, Some("u1")] {
            let mut req = RequestEvent::new(method, path).with_body(body);
            if let Some(user) = user {
                req = req.with_user(user);
            }
            let label = match user {
                Some(u) => format!("request {method} {path} as {u}"),
                None => format!("request {method} {path}"),
            };
            traces.push((label, harness.request(&req).trace));
        }
    }
    for (op, data) in [
        (
            WriteOp::Insert,
            json!({"title": "Hello", "status": "published"}),
        ),
        (WriteOp::Update, json!({"id": 1, "title": "Hello again"})),
    ] {
        let event = WriteEvent {
            entity: "post".into(),
            op,
            data,
            auth: hookcheck::engine::AuthContext::user("u1"),
            via_request: None,
        };
        traces.push((format!("write {op:?} post"), harness.write(&event).trace));
    }
    let yaml = String::from_utf8_lossy(CONFIG_YAML).into_owned();
    traces.push(("config".into(), harness.config(&ConfigEvent { yaml }).trace));
    for (path, body) in json_bodies() {
        let event = JsonEvent {
            method: HttpMethod::Get,
            route: path.into(),
            body,
        };
        traces.push((format!("json GET {path}"), harness.json(&event).trace));
    }
    for spec in profile.hooks {
        let name = spec.point.name;
        let observed = harness.hook(name, &json!({}));
        traces.push((format!("hook {name}"), observed.trace));
    }
    let mut coverage: Vec<Exercised> = hooks
        .iter()
        .map(|h| Exercised::answering(*h, &[]))
        .collect();
    for (label, trace) in &traces {
        for entry in &mut coverage {
            let name = entry.registration.clone();
            entry.add_steps(label, trace.steps.iter().filter(|s| s.hook == name));
        }
    }
    Ok(HostedRun { traces, coverage })
}
