//! The generic exercise for a contract that plays its host through the
//! seam ([`ContractHost`]): the standard requests, writes, config and
//! JSON bodies, and every hook called directly, through a
//! [`Harness`] around a fresh host.

use hookcheck::engine::{Contract, HttpMethod, Trace, TraceMode, WriteOp};
use hookcheck::fixtures::{ConfigEvent, JsonEvent, RequestEvent, WriteEvent};
use hookcheck::host::ContractHost;
use hookcheck::replay::Harness;
use serde_json::json;

use crate::check::{Check, Verdict};
use crate::coverage::{Coverage, Exercised};
use crate::entry::ContractEntry;
use crate::inputs::{CONFIG_YAML, json_bodies};
use crate::subject::{Subject, SubjectKind};
use crate::suite::Suite;
use crate::timed::{Caller, Takes, request_of};

type HostMaker = Box<dyn Fn() -> hookcheck::Result<Box<dyn ContractHost>> + Send + Sync>;

/// What the generic exercise saw: every trace, labelled, and which
/// registered hook each input called.
#[derive(Debug)]
pub struct HostedRun {
    /// Labelled traces.
    pub traces: Vec<(String, Trace)>,
    /// Calls per registered hook.
    pub coverage: Vec<Exercised>,
}

/// A plugin set played through the host seam by a contract's own host
/// (a contract added outside this crate).
pub struct HostedSubject {
    /// Its name.
    pub name: String,
    /// The contract.
    pub contract: Contract,
    /// Builds a fresh host with the plugins loaded.
    pub make: HostMaker,
    /// The shared exercise, made on first use.
    pub exercised: std::sync::OnceLock<std::result::Result<HostedRun, String>>,
}

impl HostedSubject {
    /// A fresh host with the plugins loaded.
    pub fn host(&self) -> hookcheck::Result<Box<dyn ContractHost>> {
        (self.make)()
    }
}

/// `hookcheck bench` times a hosted contract's request hooks, as the
/// seam's `request_hooks` runs them, with no floor.
const BENCH_HOOKS: &[(&str, Takes)] = &[("request hooks", Takes::Request)];

impl SubjectKind for HostedSubject {
    fn contract(&self) -> Contract {
        self.contract
    }

    fn display_name(&self) -> String {
        format!("{}:{}", self.contract, self.name)
    }

    fn bench_hooks(&self) -> &'static [(&'static str, Takes)] {
        BENCH_HOOKS
    }

    fn bench_caller(
        &self,
        hook: &'static str,
        _named: bool,
        input: &hookcheck::fixtures::Event,
    ) -> crate::Result<Box<dyn Caller>> {
        Ok(Box::new(HostedCaller {
            hook,
            host: self.host()?,
            request: request_of(input)?.clone(),
        }))
    }
}

/// The request hooks of a host played through the seam, untraced.
struct HostedCaller {
    hook: &'static str,
    host: Box<dyn ContractHost>,
    request: RequestEvent,
}

impl Caller for HostedCaller {
    fn hook(&self) -> &'static str {
        self.hook
    }

    fn host(&mut self) -> bool {
        let mut trace = Trace::new(TraceMode::Off);
        self.host.request_hooks(&self.request, &mut trace).is_none()
    }

    fn floor(&mut self) -> Option<bool> {
        None
    }
}

impl Subject {
    /// A subject for plugins of `contract` played by the host `make`
    /// builds (a contract added through the host seam; its suite is
    /// [`Suite::hosted`](crate::Suite::hosted)).
    pub fn hosted(
        name: impl Into<String>,
        contract: Contract,
        make: impl Fn() -> hookcheck::Result<Box<dyn ContractHost>> + Send + Sync + 'static,
    ) -> Self {
        Subject::new(HostedSubject {
            name: name.into(),
            contract,
            make: Box::new(make),
            exercised: std::sync::OnceLock::new(),
        })
    }
}

impl Suite {
    /// A suite for a contract whose host implements
    /// [`ContractHost`](hookcheck::host::ContractHost): its subjects are
    /// [`Subject::hosted`], its coverage and rows read the generic
    /// exercise ([`hosted_exercise`]).
    pub const fn hosted(contract: Contract, checks: &'static [Check]) -> Self {
        Self {
            contract,
            checks,
            coverage,
        }
    }
}

/// A bundled plugin of a hosted contract: its name and how to make it.
pub type HostedPlugin = (&'static str, fn(&'static str) -> Subject);

/// The entry of a contract played through the host seam, added outside
/// this crate: its suite and the plugins `CONTRACT:NAME` names.
///
/// ```ignore
/// static TOY: HostedEntry = HostedEntry::new(&SUITE, &[("polite", polite_subject)]);
/// let catalog = Catalog::builtin().with(&TOY);
/// ```
#[derive(Debug)]
pub struct HostedEntry {
    suite: &'static Suite,
    bundled: &'static [HostedPlugin],
}

impl HostedEntry {
    /// The entry of `suite`'s contract, whose plugins `bundled` names.
    pub const fn new(suite: &'static Suite, bundled: &'static [HostedPlugin]) -> Self {
        Self { suite, bundled }
    }
}

impl ContractEntry for HostedEntry {
    fn contract(&self) -> Contract {
        self.suite.contract
    }

    fn suite(&self) -> &'static Suite {
        self.suite
    }

    fn bundled_names(&self) -> Vec<String> {
        self.bundled.iter().map(|(n, _)| (*n).to_owned()).collect()
    }

    fn open_bundled(&self, name: &str) -> Option<(Subject, String)> {
        let (name, make) = self.bundled.iter().find(|(n, _)| *n == name)?;
        Some((
            make(name),
            format!(
                "profile {} (a plugin of a contract added through the host seam)",
                self.suite.contract
            ),
        ))
    }
}

/// The generic exercise's traces: the [`Exercise`](crate::check::Exercise)
/// of a [`Suite::hosted`](crate::Suite::hosted) suite's rows.
pub fn hosted_exercise(s: &Subject) -> Result<Vec<(String, &Trace)>, Verdict> {
    let Some(h) = s.kind::<HostedSubject>() else {
        return Err(Verdict::skip("not a subject played through the host seam"));
    };
    let run = exercised(h)?;
    Ok(run.traces.iter().map(|(l, t)| (l.clone(), t)).collect())
}

/// Which registered hooks the generic exercise called.
pub(crate) fn coverage(s: &Subject) -> Coverage {
    let Some(h) = s.kind::<HostedSubject>() else {
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
            entry.add_steps(label, trace.steps.iter().filter(|s| s.hook.name == name));
        }
    }
    Ok(HostedRun { traces, coverage })
}
