//! `FF-*`: the FeatherFly contract (contracts §3, seed 003), checked with
//! the plugin in a child runner so crashes are findings, not the end.

use std::time::{Duration, Instant};

use hookcheck::engine::{
    Answer, BadOutput, Failure, HookPoint, HostileAct, HttpMethod, Outcome, ProcessEnd, Trace,
};
use hookcheck::featherfly::{
    FeatherFlyHost, LoadError, LoadWarning, NativeRequest, RegInfo, RegKind, pattern_diverges,
};
use serde_json::Value;

use super::subject::{Exercise, NativeSubject};
use crate::check::{Basis, Check, Judges, Rules, Severity, Verdict};
use crate::coverage::{Coverage, Exercised};
use crate::inputs::{
    CONFIG_YAML, cloudpanel_commands, event_payload, json_bodies, paths_for_pattern,
};
use crate::own_inputs::Inputs;
use crate::subject::Subject;
use crate::suite::Suite;
use crate::tally::{Tally, timed_out};

const CATALOG: Rules = Rules {
    exercise: Some(exercise_traces),
    profile: hookcheck::featherfly::CONTRACT,
    source: "docs/contracts/featherfly.md (restating the FeatherFly Plugin Reference, API v8, and the daemon's code)",
    owners: || CHECKS,
};
const CAPACITY: usize = hookcheck::featherfly::DEFAULT_CAPACITY;

/// What reaches a request hook's RESPOND when the standard requests do not.
const REQUEST_HINT: &str = "if the hook answers only some requests, send one it answers: `--header NAME:VALUE`, `--path PATH` or `--body FILE` (added to every request hookcheck derives), or a recorded request in `--inputs DIR`";
/// What reaches a JSON mixin's change.
const JSON_HINT: &str = "if the mixin changes only some bodies, give one it changes: a recorded JSON event (route and body) in `--inputs DIR`";
/// What reaches a config hook's change.
const CONFIG_HINT: &str = "if the hook changes only some documents, give one it changes: a recorded config event in `--inputs DIR`";
/// What reaches a hook that writes output.
const OUTPUT_HINT: &str = "give an input the hook answers with output: `--header`, `--path`, `--body` for request hooks, or recorded requests, JSON and config events in `--inputs DIR`";
/// What reaches a CloudPanel hook's change.
const CLOUDPANEL_HINT: &str = "hookcheck sends the standard CloudPanel commands only; a command the hook rewrites cannot be added yet";
/// What reaches a route.
const ROUTE_HINT: &str = "every registered route is called at its path with the body `{}`; if it answers ROUTE_OK only to some bodies, give one with `--body FILE`";

const REQUEST_HOOKS: &[&str] = &["request.intercept", "middleware.inject"];
const MODIFY_HOOKS: &[&str] = &[
    "config.mutate",
    "json.response",
    "json.actions",
    "cloudpanel.command",
];
const JSON_HOOKS: &[&str] = &["json.response", "json.actions"];

fn on_native(s: &Subject, f: impl FnOnce(&NativeSubject) -> Verdict) -> Verdict {
    match s.kind::<NativeSubject>() {
        Some(n) => f(n),
        None => Verdict::skip("not a native FeatherFly subject"),
    }
}

fn not_loaded(e: &hookcheck::Error) -> Verdict {
    Verdict::not_loaded(format!(
        "the plugin does not load ({e}); see the FF-LOAD checks"
    ))
}

/// Runs `f` on the run's one host for a check that makes its own calls:
/// the plugin is loaded once per run (the exercise's host, kept), as the
/// daemon loads it once per start, so a slow `init` is paid once. None
/// once the shared exercise saw a hook time out, so a run pays one
/// timeout, not one per check.
///
/// Nor once the exercise saw the plugin end its runner on its own (an
/// exit, a signal to itself): the daemon would be gone, and what later
/// calls see depends on when the plugin ends it (a thread that exits
/// 300 ms after its hook returned ends a fast check's calls or not,
/// with the machine's load), so the verdict would not be stable.
fn with_host(n: &NativeSubject, f: impl FnOnce(&FeatherFlyHost) -> Verdict) -> Verdict {
    if let Ok(exercise) = exercised(n) {
        if let Some(label) = &exercise.stopped {
            return Verdict::unexercised(format!(
                "not run: a hook timed out on `{label}` (see FF-SAFE-004), and a run waits for one timeout only"
            ));
        }
        if let Some(label) = ended_process(exercise) {
            return Verdict::no_valid_output(
                "FF-SAFE-003",
                format!(
                    "the plugin ended its runner during the exercise (`{label}`), so the daemon would be gone and what later calls see depends on when it ends it"
                ),
            );
        }
    }
    loaded(n, f)
}

/// The input during which the plugin ended its runner on its own (the
/// ends FF-SAFE-003 is about), if it did.
fn ended_process(exercise: &Exercise) -> Option<&str> {
    exercise.traces.iter().find_map(|(label, trace)| {
        trace
            .steps
            .iter()
            .filter_map(|step| step.outcome.failure()?.process_end())
            .any(ends_on_its_own)
            .then_some(label.as_str())
    })
}

/// Whether the process ended by the plugin's own doing: an exit, or a
/// signal it sent itself or its group (SIGTERM, SIGKILL, SIGXCPU), not a
/// fault or an abort.
fn ends_on_its_own(end: ProcessEnd) -> bool {
    !end.is_fault() && !end.is_abort()
}

/// Runs `f` on the run's one host, loading it if no check has yet, for a
/// check that reads what the plugin registered.
fn loaded(n: &NativeSubject, f: impl FnOnce(&FeatherFlyHost) -> Verdict) -> Verdict {
    let mut shared = n.shared.borrow_mut();
    if shared.is_none() {
        match n.host(CAPACITY) {
            Ok(host) => *shared = Some(host),
            Err(e) => return not_loaded(&e),
        }
    }
    match shared.as_ref() {
        Some(host) => f(host),
        None => Verdict::not_loaded("the plugin does not load"),
    }
}

fn request(method: HttpMethod, path: &str, headers: &[(&str, &str)]) -> NativeRequest {
    NativeRequest {
        method,
        path: path.into(),
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect(),
        body: Vec::new(),
    }
}

/// One input the exercise sends through the host.
enum Probe {
    Config(Vec<u8>),
    Request(NativeRequest),
    Json {
        method: HttpMethod,
        path: String,
        body: Value,
    },
    CloudPanel(&'static str, &'static str, Value),
    Route(HttpMethod, String, Vec<u8>),
    Event(u32),
    /// One of the author's own inputs (`--inputs`), by its file name.
    Own(String, Box<Probe>),
}

impl Probe {
    fn label(&self) -> String {
        match self {
            Probe::Config(_) => "config.mutate".into(),
            Probe::Request(r) if r.headers.is_empty() => format!("request {} {}", r.method, r.path),
            Probe::Request(r) => format!("request {} {} (with headers)", r.method, r.path),
            Probe::Json { method, path, .. } => format!("json {method} {path}"),
            Probe::CloudPanel(_, cmd, _) => format!("cloudpanel {cmd}"),
            Probe::Route(m, path, _) => format!("route {m} {path}"),
            Probe::Event(id) => format!("event {id}"),
            Probe::Own(file, probe) => format!("{} (input {file})", probe.label()),
        }
    }

    fn run(&self, host: &FeatherFlyHost) -> Trace {
        match self {
            Probe::Config(yaml) => host.config_mutate(yaml).trace,
            Probe::Request(r) => host.request(r).trace,
            Probe::Json { method, path, body } => {
                host.json(*method, path, body.to_string().as_bytes()).trace
            }
            Probe::CloudPanel(op, cmd, args) => {
                host.cloudpanel(op, cmd, args.to_string().as_bytes()).trace
            }
            Probe::Route(m, path, body) => host
                .route(*m, path, body)
                .map(|(_, trace)| trace)
                .unwrap_or_default(),
            Probe::Event(id) => host.event(*id, &event_payload(*id)).trace,
            Probe::Own(_, probe) => probe.run(host),
        }
    }
}

/// Paths for JSON mixins: the standard routes, and the paths derived from
/// every JSON registration's pattern.
fn json_paths(regs: &[RegInfo]) -> Vec<String> {
    let mut paths: Vec<String> = json_bodies().iter().map(|(p, _)| (*p).to_owned()).collect();
    for r in regs {
        if let RegKind::Json { pattern, .. } = &r.kind {
            paths.extend(paths_for_pattern(pattern).into_iter().map(|(p, _)| p));
        }
    }
    dedup(paths)
}

/// JSON inputs: each standard body on its own route, and every body on
/// every path derived from the plugin's JSON patterns.
fn json_inputs(regs: &[RegInfo]) -> Vec<(String, Value)> {
    let standard = json_bodies();
    let mut out: Vec<(String, Value)> = standard
        .iter()
        .map(|(p, b)| ((*p).to_owned(), b.clone()))
        .collect();
    for path in json_paths(regs) {
        if standard.iter().any(|(p, _)| *p == path) {
            continue;
        }
        out.extend(standard.iter().map(|(_, b)| (path.clone(), b.clone())));
    }
    out
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|i| seen.insert(i.clone()))
        .collect()
}

/// Every input the exercise sends: the standard ones, inputs derived
/// from what the plugin registered (its patterns, sub-paths and near
/// misses, its routes, its events with their payloads), and the author's
/// own.
fn probes(regs: &[RegInfo], inputs: &Inputs) -> Vec<Probe> {
    let mut out = vec![Probe::Config(CONFIG_YAML.to_vec())];
    let mut paths: Vec<String> = ["/api/system", "/plugins/hello", "/"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    for r in regs {
        if let RegKind::Request { pattern, .. } = &r.kind {
            paths.extend(paths_for_pattern(pattern).into_iter().map(|(p, _)| p));
        }
    }
    let extras = &inputs.extras;
    paths.extend(extras.paths.iter().cloned());
    for path in dedup(paths) {
        out.push(Probe::Request(request(
            HttpMethod::Get,
            &path,
            &[("Authorization", "Bearer t"), ("X-Block", "1")],
        )));
        out.push(Probe::Request(request(HttpMethod::Get, &path, &[])));
        let mut post = request(
            HttpMethod::Post,
            &path,
            &[("content-type", "application/json")],
        );
        post.body = br#"{"name":"probe"}"#.to_vec();
        out.push(Probe::Request(post));
        out.extend(
            extra_requests(&path, extras)
                .map(|r| Probe::Own("--header/--body".to_owned(), Box::new(Probe::Request(r)))),
        );
    }
    out.extend(
        json_inputs(regs)
            .into_iter()
            .map(|(path, body)| Probe::Json {
                method: HttpMethod::Get,
                path,
                body,
            }),
    );
    if let Some(body) = extras.json_body() {
        let mut json_paths = json_paths(regs);
        json_paths.extend(extras.paths.iter().cloned());
        out.extend(dedup(json_paths).into_iter().map(|path| {
            let probe = Probe::Json {
                method: HttpMethod::Get,
                path,
                body: body.clone(),
            };
            Probe::Own("--body".to_owned(), Box::new(probe))
        }));
    }
    out.extend(
        cloudpanel_commands()
            .into_iter()
            .map(|(op, cmd, args)| Probe::CloudPanel(op, cmd, args)),
    );
    for r in regs {
        if let RegKind::Route { method, path } = &r.kind {
            // The host serves an unknown method code as GET.
            let m = HttpMethod::from_code(*method).unwrap_or(HttpMethod::Get);
            out.push(Probe::Route(m, path.clone(), b"{}".to_vec()));
            if let Some(body) = &inputs.extras.body {
                let probe = Probe::Route(m, path.clone(), body.clone());
                out.push(Probe::Own("--body".to_owned(), Box::new(probe)));
            }
        }
    }
    out.extend((1..=47).map(Probe::Event));
    own_probes(inputs, &mut out);
    out
}

/// The requests the author's `--header` and `--body` add for `path`: a GET
/// and a POST with the headers, and a POST with the body (and headers).
fn extra_requests(
    path: &str,
    extras: &crate::own_inputs::RequestExtras,
) -> impl Iterator<Item = NativeRequest> {
    let headers: Vec<(&str, &str)> = extras
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut out = Vec::new();
    if !headers.is_empty() {
        out.push(request(HttpMethod::Get, path, &headers));
        out.push(request(HttpMethod::Post, path, &headers));
    }
    if let Some(body) = &extras.body {
        let mut post = request(HttpMethod::Post, path, &headers);
        post.body.clone_from(body);
        out.push(post);
    }
    out.into_iter()
}

/// The author's requests, configuration documents and JSON bodies.
fn own_probes(inputs: &Inputs, out: &mut Vec<Probe>) {
    let own = |file: &str, probe: Probe| Probe::Own(file.to_owned(), Box::new(probe));
    for (file, config) in &inputs.configs {
        out.push(own(file, Probe::Config(config.yaml.clone().into_bytes())));
    }
    for (file, r) in &inputs.requests {
        out.push(own(file, Probe::Request(NativeRequest::from(r))));
    }
    for (file, json) in &inputs.json {
        let probe = Probe::Json {
            method: json.method,
            path: json.route.clone(),
            body: json.body.clone(),
        };
        out.push(own(file, probe));
    }
}

/// What the shared exercise saw.
struct Seen {
    traces: Vec<(String, Trace)>,
    coverage: Vec<Exercised>,
    /// The input after which the exercise stopped because a hook timed
    /// out: one timeout is the finding, and a run must end in bounded time.
    stopped: Option<String>,
    /// What the sandbox refused, by the input during which it happened.
    acts: Vec<(String, HostileAct)>,
    /// How many more acts there were.
    more_acts: usize,
}

/// Drives every registered hook with the standard and the derived
/// inputs; returns every trace, labelled, and which registration each
/// input called. The first timeout ends the exercise.
fn exercise(host: &FeatherFlyHost, inputs: &Inputs) -> Seen {
    let mut coverage: Vec<Exercised> = host
        .registrations()
        .iter()
        .map(|r| Exercised::answering(registration_name(&r.kind), answerable(&r.kind)))
        .collect();
    let mut out = Vec::new();
    let mut stopped = None;
    // What the plugins tried while they loaded (their `init`).
    let (load_acts, mut more_acts) = host.take_acts();
    let mut acts: Vec<(String, HostileAct)> = load_acts
        .into_iter()
        .map(|act| ("init (loading)".to_owned(), act))
        .collect();
    for probe in probes(host.registrations(), inputs) {
        let (before, answered) = (host.calls(), host.answers());
        let mut trace = probe.run(host);
        let label = probe.label();
        for (((entry, after), before), (now, then)) in coverage
            .iter_mut()
            .zip(host.calls())
            .zip(before)
            .zip(host.answers().iter().zip(&answered))
        {
            entry.add(&label, after.saturating_sub(before));
            entry.add_answers(&now.since(then));
        }
        // A plugin thread that ends the process after its hook returned
        // is caught here, or by the next call.
        note_death(host, &mut trace);
        let (new, more) = host.take_acts();
        more_acts += more;
        acts.extend(new.into_iter().map(|act| (label.clone(), act)));
        let late = timed_out(&trace);
        out.push((label.clone(), trace));
        if late {
            stopped = Some(label);
            break;
        }
    }
    if stopped.is_none() {
        // The end of the run: give such a thread a moment, and while the
        // plugin keeps threads of its own running, up to a call's deadline
        // (a thread that ends the process 300 ms after its hook returned
        // would end the daemon): look again.
        let mut last = Trace::new(hookcheck::engine::TraceMode::Full);
        let until = Instant::now() + LINGER;
        std::thread::sleep(SETTLE);
        let mut death = host.runner_death();
        // Zero threads: the runner is gone and its end is on its way up
        // through init and the shim, which a loaded machine takes a while
        // to pass on; wait for it too. A count that cannot be read (the
        // shim's report of where the runner sits not in yet, `/proc`
        // entries vanishing while the runner ends) says nothing either
        // way: keep looking too. Only a runner seen with its one thread
        // left stops the wait early.
        while death.is_none() && Instant::now() < until {
            if host.runner_threads() == Some(1) {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
            death = host.runner_death();
        }
        if let Some(failure) = death {
            let after = out
                .iter()
                .rev()
                .find_map(|(_, t)| t.steps.last())
                .map(|s| s.hook);
            record_death(host, &mut last, failure, after);
        }
        out.push(("after the last call".to_owned(), last));
    }
    let (new, more) = host.take_acts();
    more_acts += more;
    acts.extend(
        new.into_iter()
            .map(|act| ("after the last call".to_owned(), act)),
    );
    Seen {
        traces: out,
        coverage,
        stopped,
        acts,
        more_acts,
    }
}

/// How long the exercise waits after its last call before it looks whether
/// the runner is still there.
const SETTLE: Duration = Duration::from_millis(20);
/// How long it waits, at most, while a thread the plugin started is still
/// running after the last call.
const LINGER: Duration = Duration::from_secs(2);
/// A load (the runner's start, `dlopen`, every `init`) slower than this
/// delays the daemon's start noticeably (FF-LOAD-009).
const SLOW_LOAD: Duration = Duration::from_secs(1);

/// Records, as a failed step, that the runner died on its own after the
/// calls of `trace` returned.
fn note_death(host: &FeatherFlyHost, trace: &mut Trace) {
    if let Some(failure) = host.runner_death() {
        let after = trace.steps.last().map(|s| s.hook);
        record_death(host, trace, failure, after);
    }
}

/// Records the runner's death `failure` as a failed step of the hook
/// whose call returned last before it (`after`), or of the lifecycle
/// (`init`) when no hook was called yet.
fn record_death(
    host: &FeatherFlyHost,
    trace: &mut Trace,
    failure: Failure,
    after: Option<HookPoint>,
) {
    let plugin = host.plugins().first().map_or("?", |p| p.name.as_str());
    let hook = after.unwrap_or(LIFECYCLE);
    let outcome = Outcome::error(plugin, hook, failure);
    trace.push(plugin, hook, None, &outcome, None, Duration::ZERO);
}

/// The lifecycle hook point: where a death before any hook call is filed.
const LIFECYCLE: HookPoint =
    hookcheck::engine::hook(hookcheck::featherfly::HOOKS, "lifecycle").point;

/// The answers a registration's hook can give, which coverage lists even
/// when never seen.
fn answerable(kind: &RegKind) -> &'static [Answer] {
    match kind {
        RegKind::Event { .. } => &[Answer::Continue, Answer::Cancel],
        RegKind::Config | RegKind::Json { .. } => &[Answer::Continue, Answer::Modify],
        RegKind::Request { .. } => &[Answer::Continue, Answer::Respond],
        RegKind::Route { .. } => &[Answer::Respond],
        RegKind::CloudPanel => &[Answer::Continue, Answer::Modify, Answer::Cancel],
    }
}

/// What the author should know about a registration's pattern: the host
/// matches a plain prefix, so a pattern without a trailing `/` also covers
/// every path that merely starts with it (`/api/system` covers
/// `/api/systemx`), which the exercise's near misses reach.
fn pattern_notices(regs: &[RegInfo]) -> Vec<String> {
    let mut out = Vec::new();
    for r in regs {
        let (RegKind::Request { pattern, .. } | RegKind::Json { pattern, .. }) = &r.kind else {
            continue;
        };
        if pattern == "*" || pattern.ends_with('/') || pattern.contains('*') {
            continue;
        }
        let sibling = format!("{pattern}x");
        if hookcheck::featherfly::pattern_matches(pattern, &sibling) {
            let line = format!(
                "`{}` also runs on `{sibling}` and every other path that starts with `{pattern}`: the host matches a plain prefix (application/src/plugins/events.rs:418-420). If it is meant for `{pattern}` and what lies under it only, check the path in the hook (or register `{pattern}/` for what lies under it).",
                registration_name(&r.kind)
            );
            if !out.contains(&line) {
                out.push(line);
            }
        }
    }
    out
}

/// A registration as reports name it.
fn registration_name(kind: &RegKind) -> String {
    match kind {
        RegKind::Event { event } => format!("lifecycle event {event}"),
        RegKind::Config => "config.mutate".into(),
        RegKind::Request { pattern, .. } | RegKind::Json { pattern, .. } => {
            format!("{} {pattern}", kind.hook_name())
        }
        RegKind::Route { method, path } => match HttpMethod::from_code(*method) {
            Some(m) => format!("route {m} {path}"),
            None => format!("route (method {method}) {path}"),
        },
        RegKind::CloudPanel => "cloudpanel.command".into(),
    }
}

/// Every hook exercised once per subject: the traces and the late
/// registrations seen, shared by the checks that read them.
fn exercised(n: &NativeSubject) -> Result<&Exercise, Verdict> {
    let done = n.exercised.get_or_init(|| {
        // The host the subject was opened with, when it is still there.
        let kept = n.shared.borrow_mut().take();
        let host = match kept {
            Some(host) => host,
            None => n.host(CAPACITY)?,
        };
        let seen = exercise(&host, &n.inputs);
        let late = host.late_registrations().iter().sum();
        let done = Exercise {
            traces: seen.traces,
            late,
            coverage: seen.coverage,
            stopped: seen.stopped,
            notices: pattern_notices(host.registrations()),
            acts: seen.acts,
            more_acts: seen.more_acts,
            protections: host.protections(),
            load_time: host.load_time(),
        };
        // The checks that make their own calls use this host: the plugin
        // loads once per run.
        *n.shared.borrow_mut() = Some(host);
        Ok(done)
    });
    done.as_ref().map_err(not_loaded)
}

/// The shared exercise's traces, for the rows.
fn exercise_traces(s: &Subject) -> Result<Vec<(String, &Trace)>, Verdict> {
    let Some(n) = s.kind::<NativeSubject>() else {
        return Err(Verdict::skip("not a native FeatherFly subject"));
    };
    let exercise = exercised(n)?;
    Ok(exercise
        .traces
        .iter()
        .map(|(label, trace)| (label.clone(), trace))
        .collect())
}

/// Which registrations the shared exercise called.
pub(crate) fn coverage(n: &NativeSubject) -> Coverage {
    match exercised(n) {
        Ok(e) => Coverage {
            registrations: e.coverage.clone(),
            note: e.stopped.as_ref().map(|label| {
                format!(
                    "the exercise stopped after `{label}` timed out; later inputs were not sent"
                )
            }),
            notices: e.notices.clone(),
        },
        Err(v) => Coverage::nothing(v.evidence),
    }
}

const FF_PAT_001: Check = CATALOG.check(
    "FF-PAT-001",
    "patterns mean the same to docs and host",
    "Request and JSON hook patterns: `*`, or a path prefix (the documents: `/api/*` covers everything under `/api/`).",
    Severity::Required,
    "native:star_pattern",
    ff_pat_001,
)
.on_host(
    Basis::Host,
    "application/src/plugins/events.rs:418-420 (`*` alone matches everything; any other pattern is a plain prefix, so `/api/*` matches no path)",
);

fn ff_pat_001(s: &Subject) -> Verdict {
    on_native(s, |n| {
        loaded(n, |host| {
            let patterns: Vec<&str> = host
                .registrations()
                .iter()
                .filter_map(|r| match &r.kind {
                    RegKind::Request { pattern, .. } | RegKind::Json { pattern, .. } => {
                        Some(pattern.as_str())
                    }
                    _ => None,
                })
                .collect();
            match patterns.iter().find(|p| pattern_diverges(p)) {
                Some(p) => {
                    let fix = p
                        .split('*')
                        .next()
                        .unwrap_or_default()
                        .trim_end_matches('/');
                    let fix = if fix.is_empty() { "*" } else { fix };
                    Verdict::fail(format!(
                        "pattern `{p}` matches no path on the host: it reads `*` only as the whole pattern and otherwise matches a plain prefix, so this hook never runs in production. Use `{fix}` (a prefix on both; on the host it also covers `{fix}x`)"
                    ))
                }
                None => Verdict::pass(format!(
                    "{} pattern(s), each read the same way by the documents and the host",
                    patterns.len()
                )),
            }
        })
    })
}

const FF_HOST_001: Check = CATALOG.check(
    "FF-HOST-001",
    "the host starts with this plugin",
    "The daemon at the pinned commit builds its plugin router with a route layer, which panics when no plugin registered a route.",
    Severity::Recommended,
    "native:modified_without_output",
    ff_host_001,
)
.on_host(
    Basis::Host,
    "application/src/plugins/routes.rs:14-27 (route_layer on an empty router panics at start: a host bug)",
);

fn ff_host_001(s: &Subject) -> Verdict {
    on_native(s, |n| {
        loaded(n, |h| match () {
            () if h
                .registrations()
                .iter()
                .any(|r| matches!(r.kind, RegKind::Route { .. })) =>
            {
                Verdict::pass("registers a route, so the host's plugin router is not empty")
            }
            () => Verdict::fail(
                "registers no route: the daemon at the pinned commit panics at start unless some loaded plugin registers one (a host bug); load it beside a plugin with a route",
            ),
        })
    })
}

const FF_LOAD_009: Check = CATALOG
    .check(
        "FF-LOAD-009",
        "loads quickly",
        "The daemon loads each .so, checks the plugin API version, calls init — before it serves.",
        Severity::Recommended,
        "native:slow_init",
        ff_load_009,
    )
    .on_host(
        Basis::Host,
        "application/src/daemon.rs:15-55 and plugins/mod.rs:351-385 (every plugin's init runs before the daemon serves; a slow init delays every start)",
    );
fn ff_load_009(s: &Subject) -> Verdict {
    on_native(s, |n| {
        let e = match exercised(n) {
            Ok(e) => e,
            Err(v) => return v,
        };
        if e.load_time > SLOW_LOAD {
            Verdict::fail(format!(
                "loading took {:?} (starting the runner, dlopen and init): the daemon loads every plugin before it serves, so its start waits that long, every start; move slow work out of init (do it lazily, or on a thread that never blocks a hook)",
                e.load_time
            ))
        } else {
            Verdict::pass(format!(
                "loads in {:?} (starting the runner included)",
                e.load_time
            ))
        }
    })
}

const FF_SAFE_006: Check = CATALOG.check(
    "FF-SAFE-006",
    "does nothing its sandbox must stop",
    "Plugins run inside the daemon: a signal at another process or the daemon's group, a new process or program, a new session, a changed death signal, or a write to the machine's files acts with the daemon's identity.",
    Severity::Required,
    "native:kills_host",
    ff_safe_006,
);

fn ff_safe_006(s: &Subject) -> Verdict {
    on_native(s, |n| {
        let e = match exercised(n) {
            Ok(e) => e,
            Err(v) => return v,
        };
        let calls = e.calls();
        if let Some((label, act)) = e.acts.first() {
            let more = e.acts.len() - 1 + e.more_acts;
            let failure = Failure::Hostile {
                act: act.clone(),
                more,
            };
            return Verdict::failed(
                failure.clone(),
                format!(
                    "{label}: plugin {failure}. hookcheck's sandbox refused it; on FeatherFly the plugin runs inside the daemon's own process, with the daemon's permissions, and it would have run"
                ),
            )
            .with_calls(calls);
        }
        match &e.protections {
            Some(p) if p.acts_reported => Verdict::pass(format!(
                "the sandbox refused nothing over {calls} hook calls and the loading"
            ))
            .with_calls(calls),
            _ => Verdict::unverified(
                "unverified: the sandbox here refuses such acts without saying so (no seccomp user notification), so none could be seen",
                "run where seccomp user notification works (Linux 5.5 and later, not disabled by a container)",
            ),
        }
    })
}

const FF_LOAD_001: Check = CATALOG
    .check(
        "FF-LOAD-001",
        "exports the entry symbol",
        "A plugin exports one symbol: `featherfly_plugin_entry`.",
        Severity::Required,
        "native:no_entry",
        ff_load_001,
    )
    .on_host(Basis::Both, "application/src/plugins/mod.rs:355");
fn ff_load_001(s: &Subject) -> Verdict {
    on_native(s, |n| {
        if n.symbols.iter().any(|s| s == "featherfly_plugin_entry") {
            Verdict::pass("exports `featherfly_plugin_entry`")
        } else {
            Verdict::fail(format!(
                "`featherfly_plugin_entry` is not among its {} exported symbols",
                n.symbols.len()
            ))
        }
    })
}
/// Runs `rule` over why the plugin did not load: `Some` is a failure of
/// this check, `None` a not-loaded skip (another check owns that reason).
fn load_rule(
    n: &NativeSubject,
    rule: impl Fn(&LoadError) -> bool,
    then: impl FnOnce(&FeatherFlyHost) -> Verdict,
) -> Verdict {
    if let Some(why) = n.load_failure.get() {
        return if rule(why) {
            match why.failure() {
                Some(failure) => Verdict::failed(failure, why.to_string()),
                None => Verdict::fail(why.to_string()),
            }
        } else {
            Verdict::not_loaded(format!("does not load: {why}"))
        };
    }
    loaded(n, then)
}

const FF_LOAD_002: Check = CATALOG
    .check(
        "FF-LOAD-002",
        "API version 8",
        "If descriptor.api_version ≠ daemon API version, the plugin is skipped with a warning.",
        Severity::Required,
        "native:wrong_api_version",
        ff_load_002,
    )
    .on_host(
        Basis::Both,
        "application/src/plugins/mod.rs:359-364 (not loaded; the others load)",
    );
fn ff_load_002(s: &Subject) -> Verdict {
    on_native(s, |n| {
        loaded(n, |h| {
            match h
                .warnings()
                .iter()
                .find(|w| matches!(w, LoadWarning::ApiVersion { .. }))
            {
                Some(w) => Verdict::fail(w.to_string()),
                None => Verdict::pass("api_version is 8"),
            }
        })
    })
}

const FF_LOAD_003: Check = CATALOG.check(
    "FF-LOAD-003",
    "descriptor name and version",
    "Descriptor name and version are UTF-8 strings (ptr/len, not NUL-terminated); the name identifies the plugin.",
    Severity::Required,
    "native:bad_descriptor",
    ff_load_003,
)
.on_host(Basis::Both, "application/src/plugins/mod.rs:366-369");
fn ff_load_003(s: &Subject) -> Verdict {
    on_native(s, |n| {
        load_rule(
            n,
            |e| matches!(e, LoadError::BadDescriptor { .. }),
            |h| match h.plugins().first() {
                Some(p) if p.name.trim().is_empty() => {
                    Verdict::fail("the descriptor's name is empty")
                }
                Some(p) if p.version.trim().is_empty() => {
                    Verdict::fail("the descriptor's version is empty")
                }
                Some(p) => Verdict::pass(format!("name `{}`, version `{}`", p.name, p.version)),
                None => Verdict::not_loaded("no plugin loaded (see FF-LOAD-002)"),
            },
        )
    })
}

const FF_LOAD_004: Check = CATALOG
    .check(
        "FF-LOAD-004",
        "init returns 0",
        "init return codes: 0 = success. Any other value fails plugin load.",
        Severity::Required,
        "native:init_fails",
        ff_load_004,
    )
    .on_host(Basis::Both, "application/src/plugins/mod.rs:381-385");
fn ff_load_004(s: &Subject) -> Verdict {
    on_native(s, |n| {
        load_rule(
            n,
            |e| matches!(e, LoadError::InitFailed { .. }),
            |_| Verdict::pass("init returned 0"),
        )
    })
}

const FF_LOAD_005: Check = CATALOG.check(
    "FF-LOAD-005",
    "registrations are valid",
    "Events are ids 1–47; JSON targets 1, 2; phases 1, 2; methods 1–5.",
    Severity::Recommended,
    "native:bad_registration",
    ff_load_005,
)
.on_host(
    Basis::Docs,
    "application/src/plugins/events.rs:89-94, 433-441 (out-of-range ids, phases and targets are stored and never fire; an unknown method is served as GET)",
);

fn ff_load_005(s: &Subject) -> Verdict {
    on_native(s, |n| {
        loaded(n, |h| {
            let refused: Vec<&LoadWarning> = h
                .warnings()
                .iter()
                .filter(|w| {
                    matches!(
                        w,
                        LoadWarning::RegistrationRefused { .. }
                            | LoadWarning::RegistrationNeverCalled { .. }
                    )
                })
                .collect();
            match refused.first() {
                Some(first) => Verdict::fail(format!(
                    "{} invalid registration(s), first: {first}",
                    refused.len()
                )),
                None => Verdict::pass(format!(
                    "{} registrations, all valid",
                    h.registrations().len()
                )),
            }
        })
    })
}

const FF_LOAD_006: Check = CATALOG.check(
    "FF-LOAD-006",
    "registers only during init",
    "Register hooks only inside init.",
    Severity::Required,
    "native:registers_after_init",
    ff_load_006,
);

fn ff_load_006(s: &Subject) -> Verdict {
    on_native(s, |n| {
        let (late, calls) = match exercised(n) {
            Ok(e) => (e.late, e.calls()),
            Err(v) => return v,
        };
        if late > 0 {
            Verdict::fail(format!(
                "tried to register {late} hook(s) after init returned; the host refuses (hooks may be registered only during init)"
            ))
        } else {
            Verdict::pass(format!(
                "registered hooks only during init (no late attempt over {calls} hook calls)"
            ))
            .with_calls(calls)
        }
    })
}

const FF_LOAD_007: Check = CATALOG.check(
    "FF-LOAD-007",
    "loads without crashing",
    "The daemon loads each .so, checks the plugin API version, calls init.",
    Severity::Required,
    "native:init_crashes",
    ff_load_007,
);

fn ff_load_007(s: &Subject) -> Verdict {
    on_native(s, |n| {
        load_rule(
            n,
            |e| matches!(e, LoadError::Died { .. }),
            |_| Verdict::pass("loads and initializes without crashing"),
        )
    })
}

const FF_LOAD_008: Check = CATALOG.check(
    "FF-LOAD-008",
    "registers the same way on every load",
    "Plugins register hooks during init; the daemon loads each .so at every start, so what a plugin registers must not depend on how often it was loaded before.",
    Severity::Required,
    "native:registers_differently",
    ff_load_008,
);

fn ff_load_008(s: &Subject) -> Verdict {
    on_native(s, |n| {
        // The run has loaded it once (its one host); one more load, then
        // what both registered is compared.
        if let Err(e) = n.host(CAPACITY) {
            return not_loaded(&e);
        }
        match n.drift() {
            Some(why) => Verdict::fail(why),
            None => Verdict::pass("every load registered the same hooks"),
        }
    })
}
/// Whether the plugin registered any hook `pick` selects.
fn registers(host: &FeatherFlyHost, pick: impl Fn(&RegKind) -> bool) -> bool {
    host.registrations().iter().any(|r| pick(&r.kind))
}

fn is_json(kind: &RegKind) -> bool {
    matches!(kind, RegKind::Json { .. })
}

/// Runs every JSON input through the plugin's JSON hooks; `judge` sees
/// each input's path and body and the JSON that came out, and names what
/// is wrong, or `None` when it keeps the rule; `judged` says whether the
/// output is one the rule is about (`None`: every output is). With no
/// output the rule is about, `unseen` gives the verdict.
fn json_rule(
    s: &Subject,
    ok: &str,
    judged: Option<fn(&Value, &Value) -> bool>,
    judge: impl Fn(&str, &Value, &Value) -> Option<String>,
    unseen: impl FnOnce(&FeatherFlyHost, usize) -> Verdict,
) -> Verdict {
    on_native(s, |n| {
        with_host(n, |host| {
            if !registers(host, is_json) {
                return Verdict::skip("the plugin registers no JSON hook");
            }
            let mut tally = Tally::default();
            let mut about = 0;
            for (path, body) in json_inputs(host.registrations()) {
                let run = host.json(HttpMethod::Get, &path, body.to_string().as_bytes());
                tally.add(&run.trace);
                let Ok(after) = serde_json::from_slice::<Value>(&run.value) else {
                    continue;
                };
                if judged.is_some_and(|about| !about(&body, &after)) {
                    continue;
                }
                about += 1;
                if let Some(why) = judge(&path, &body, &after) {
                    return Verdict::fail(why);
                }
            }
            if let Some(v) = tally.nothing_returned(CHECKS) {
                return v;
            }
            if about == 0 {
                return unseen(host, tally.returned);
            }
            Verdict::pass(format!(
                "{ok} over {about} bodies ({} JSON hook calls)",
                tally.returned
            ))
            .with_calls(tally.returned)
        })
    })
}

const FF_JSON_003: Check = CATALOG
    .check(
        "FF-JSON-003",
        "actions are { id, label, step }",
        "Action: a panel step object { id, label, step }.",
        Severity::Required,
        "native:bad_actions",
        ff_json_003,
    )
    .judging(Judges::calls(
        &["json.actions", "json.response"],
        &[Answer::Modify],
        "body whose actions the plugin changed",
        JSON_HINT,
    ));
fn ff_json_003(s: &Subject) -> Verdict {
    json_rule(
        s,
        "every action has id, label and step",
        // The actions the plugin made: a body whose `actions` it changed.
        Some(|body, after| body.get("actions") != after.get("actions")),
        |path, _, after| {
            after
                .get("actions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find_map(|item| {
                    let missing: Vec<&str> = ["id", "label", "step"]
                        .into_iter()
                        .filter(|k| item.get(k).is_none())
                        .collect();
                    (!missing.is_empty()).then(|| {
                        format!(
                            "GET {path}: action {item} lacks {missing:?}; actions are {{ id, label, step }}"
                        )
                    })
                })
        },
        |host, calls| {
            if registers(host, |k| matches!(k, RegKind::Json { target: 2, .. })) {
                Verdict::unverified(
                    format!("unverified: the json.actions hook changed no body's actions over {calls} JSON hook calls"),
                    JSON_HINT,
                )
                .with_calls(calls)
            } else {
                Verdict::skip(
                    "the plugin registers no json.actions hook and changed no body's actions",
                )
            }
        },
    )
}

const FF_DET_001: Check = CATALOG.check(
    "FF-DET-001",
    "deterministic",
    "The same input through a pipeline gives the same output (each hook sees the previous output).",
    Severity::Required,
    "native:nondeterministic",
    ff_det_001,
);

fn ff_det_001(s: &Subject) -> Verdict {
    on_native(s, |n| {
        with_host(n, |host| {
            if !registers(host, |k| is_json(k) || matches!(k, RegKind::Config)) {
                return Verdict::skip("the plugin registers no JSON or config hook");
            }
            let mut tally = Tally::default();
            for (path, body) in json_inputs(host.registrations()) {
                let body = body.to_string();
                let a = host.json(HttpMethod::Get, &path, body.as_bytes());
                let b = host.json(HttpMethod::Get, &path, body.as_bytes());
                tally.add(&a.trace);
                tally.add(&b.trace);
                if a.value != b.value {
                    return Verdict::fail(format!(
                        "GET {path} twice gave {} then {}",
                        String::from_utf8_lossy(&a.value),
                        String::from_utf8_lossy(&b.value)
                    ));
                }
            }
            let a = host.config_mutate(CONFIG_YAML);
            let b = host.config_mutate(CONFIG_YAML);
            tally.add(&a.trace);
            tally.add(&b.trace);
            if a.value != b.value {
                return Verdict::fail(
                    "config.mutate twice over the same YAML gave different output",
                );
            }
            if let Some(v) = tally.nothing_returned(CHECKS) {
                return v;
            }
            Verdict::pass(format!(
                "the same input gives the same output over {} hook calls",
                tally.returned
            ))
            .with_calls(tally.returned)
        })
    })
}

const FF_ORDER_001: Check = CATALOG.check(
    "FF-ORDER-001",
    "keeps keys it does not own",
    "Mixins: multiple plugins stack transformations on the same response in load order; small plugins each do one job.",
    Severity::Required,
    "native:clobbers_body",
    ff_order_001,
)
.judging(Judges::calls(JSON_HOOKS, &[Answer::Modify], "body the mixin changed", JSON_HINT));
fn ff_order_001(s: &Subject) -> Verdict {
    json_rule(
        s,
        "keeps every key of the body it did not add",
        // The bodies the plugin changed.
        Some(|body, after| body != after),
        |path, body, after| {
            let dropped: Vec<&String> = body
                .as_object()
                .into_iter()
                .flat_map(|o| o.keys())
                .filter(|k| after.get(k.as_str()).is_none())
                .collect();
            (!dropped.is_empty()).then(|| {
                format!(
                    "GET {path}: json.response drops {dropped:?} from the body; mixins stack in load order, so a plugin that replaces the body erases every plugin before it"
                )
            })
        },
        |_, calls| {
            Verdict::unverified(
                format!("unverified: no body changed over {calls} JSON hook calls"),
                JSON_HINT,
            )
            .with_calls(calls)
        },
    )
}

const FF_PERF_001: Check = CATALOG.check(
    "FF-PERF-001",
    "request hooks within budget",
    "request.intercept runs on every matching request, before the handler: keep it fast.",
    Severity::Recommended,
    "native:slow_request",
    ff_perf_001,
);

fn ff_perf_001(s: &Subject) -> Verdict {
    on_native(s, |n| {
        with_host(n, |host| {
            let Some(pattern) = host.registrations().iter().find_map(|r| match &r.kind {
                RegKind::Request { pattern, .. } => Some(pattern.clone()),
                _ => None,
            }) else {
                return Verdict::skip("the plugin registers no request hook");
            };
            let Some(path) = paths_for_pattern(&pattern)
                .into_iter()
                .find_map(|(p, matches)| matches.then_some(p))
            else {
                return Verdict::unexercised(format!(
                    "no request path matches the pattern `{pattern}`"
                ));
            };
            let req = request(HttpMethod::Get, &path, &[("accept", "application/json")]);
            let first = host.request(&req).trace;
            let hooked = first.steps.len();
            if hooked == 0 {
                return Verdict::unexercised(format!(
                    "a request to {path} (matching `{pattern}`) reached no request hook"
                ));
            }
            // A hook that fails has no time of its own: a crash's restart or
            // a timeout would be timed instead.
            let mut tally = Tally::default();
            tally.add(&first);
            let mut times = Vec::with_capacity(21);
            for _ in 0..21 {
                let start = Instant::now();
                let run = host.request(&req);
                times.push(start.elapsed());
                tally.add(&run.trace);
            }
            if let Some(error) = tally.first.as_ref() {
                let cause = crate::check::owner(CHECKS, error).unwrap_or("the other checks");
                return Verdict::no_valid_output(
                    cause,
                    format!("a request hook failed ({error}), so its time means nothing"),
                );
            }
            times.sort();
            let median = times[times.len() / 2];
            // Far above a child round trip even on a loaded debug build, far
            // below the breaker's 25 ms.
            let budget = Duration::from_millis(10);
            if median > budget {
                Verdict::fail(format!(
                    "request hooks on {path} take {median:?} per request (median of 21, child-process round trip included); the budget is {budget:?}"
                ))
            } else {
                Verdict::pass(format!(
                "request hooks on {path} take {median:?} per request (median of 21, child-process round trip included)"
            ))
            .with_calls(hooked * 22)
            }
        })
    })
}

/// The suite: these checks, with the coverage of the shared exercise.
pub(crate) const SUITE: Suite = Suite {
    contract: CATALOG.profile,
    checks: CHECKS,
    coverage: suite_coverage,
};

fn suite_coverage(s: &Subject) -> Coverage {
    match s.kind::<NativeSubject>() {
        Some(n) => coverage(n),
        None => Coverage::nothing("not a native FeatherFly subject"),
    }
}

const CHECKS: &[Check] = &[
    FF_LOAD_001,
    FF_LOAD_002,
    FF_LOAD_003,
    FF_LOAD_004,
    FF_LOAD_005,
    FF_LOAD_006,
    FF_LOAD_007,
    FF_LOAD_008,
    FF_LOAD_009,
    CATALOG.row(
        "FF-CFG-001",
        "config output is YAML",
        "config.mutate: output replacement YAML bytes via write_yaml_output.",
        Severity::Required,
        "native:invalid_json",
        "config output is valid YAML",
        |e| e.failure.bad_output_kind() == Some(BadOutput::NotYaml),
    )
    .reading_codes(&["config.mutate"])
    .judging(Judges::calls(
        &["config.mutate"],
        &[Answer::Modify],
        "config.mutate MODIFIED",
        CONFIG_HINT,
    ))
    .on_host(
        Basis::Both,
        "application/src/daemon.rs:72-78 (the daemon exits 1 when the final config does not parse)",
    ),
    CATALOG.row(
        "FF-OUT-001",
        "MODIFIED writes output",
        "CONFIG_MUTATE_MODIFIED / JSON_MUTATE_MODIFIED (0) — output written via write_* helpers.",
        Severity::Required,
        "native:modified_without_output",
        "MODIFIED always comes with output",
        |e| {
            e.failure.bad_output_kind() == Some(BadOutput::MissingOutput)
                && matches!(
                    e.hook.as_str(),
                    "config.mutate" | "json.response" | "json.actions" | "cloudpanel.command"
                )
        },
    )
    .reading_codes(&["config.mutate", "json.response", "json.actions", "cloudpanel.command"])
    .tolerated()
    .judging(Judges::calls(
        MODIFY_HOOKS,
        &[Answer::Modify],
        "MODIFIED",
        OUTPUT_HINT,
    ))
    .on_host(
        Basis::Docs,
        "application/src/plugins/events.rs:231, 328, 385 (MODIFIED with nothing written keeps the prior value: the change is lost)",
    ),
    CATALOG.row(
        "FF-CODE-001",
        "route codes are in the table",
        "ROUTE_OK (0) answers; ROUTE_ERROR (-1) is a 500. The host answers any other code with 500 too.",
        Severity::Required,
        "native:unknown_codes",
        "every route code is one the table defines",
        |e| e.failure.bad_output_kind() == Some(BadOutput::UndefinedCode),
    )
    .reading_codes(&["route"])
    .judging(Judges::calls(
        &["route"],
        &[],
        "route call",
        ROUTE_HINT,
    ))
    .on_host(
        Basis::Both,
        "application/src/plugins/routes.rs:91-104 (any non-zero code: 500 with an empty body)",
    ),
    CATALOG.row(
        "FF-CODE-002",
        "return codes are in the tables",
        "Each hook's codes: the table's non-negative codes, or negative for an error.",
        Severity::Required,
        "native:unknown_codes",
        "every code is one the tables define",
        |e| e.failure.bad_output_kind() == Some(BadOutput::UndefinedCode),
    )
    .reading_codes(&hookcheck::featherfly::CODE_HOOKS)
    .tolerated()
    .judging(Judges::calls(
        &hookcheck::featherfly::CODE_HOOKS,
        &[],
        "call of a hook with a code table",
        OUTPUT_HINT,
    ))
    .on_host(
        Basis::Docs,
        "application/src/plugins/events.rs:230-233, 273-280, 327-348, 384-387 (an undefined code keeps the value or lets the request go on, whatever the plugin meant by it)",
    ),
    CATALOG.row(
        "FF-JSON-001",
        "JSON output is JSON",
        "JSON hooks receive JSON, may rewrite it, and return modified output.",
        Severity::Required,
        "native:invalid_json",
        "JSON output is valid JSON",
        |e| e.failure.bad_output_kind() == Some(BadOutput::NotJson),
    )
    .reading_codes(&["json.response", "json.actions"])
    .tolerated()
    .judging(Judges::calls(
        JSON_HOOKS,
        &[Answer::Modify],
        "JSON mixin MODIFIED",
        JSON_HINT,
    ))
    .on_host(
        Basis::Both,
        "application/src/plugins/middleware.rs:40-63 (no check between hooks; a final body that does not parse is replaced by the original: every plugin's change is lost)",
    ),
    CATALOG.row(
        "FF-JSON-002",
        "actions output is an array",
        "json.actions: mutate only the top-level actions array; output is inserted into the top-level actions field.",
        Severity::Recommended,
        "native:invalid_json",
        "json.actions output is an array",
        |e| e.failure.bad_output_kind() == Some(BadOutput::ActionsNotArray),
    )
    .reading_codes(&["json.actions"])
    .tolerated()
    .judging(Judges::calls(
        &["json.actions"],
        &[Answer::Modify],
        "json.actions MODIFIED",
        JSON_HINT,
    ))
    .on_host(
        Basis::Docs,
        "application/src/plugins/middleware.rs:65-89 (any JSON value is inserted as `actions`)",
    ),
    FF_JSON_003,
    CATALOG.row(
        "FF-JSON-004",
        "output fits the buffer",
        "Output buffers are host-owned with a fixed capacity; writing more must fail (the SDK's writers return -2).",
        Severity::Required,
        "native:writes_past_capacity",
        "output fits the host's buffer",
        |e| e.failure.bad_output_kind() == Some(BadOutput::OverCapacity),
    )
    .judging(Judges::calls(
        &[],
        &[Answer::Modify, Answer::Respond],
        "output written (a MODIFIED or a RESPOND)",
        OUTPUT_HINT,
    ))
    .on_host(
        Basis::Both,
        "application/src/plugins/events.rs:232, 278, 329, 386 (the host slices its buffer at the claimed length: past the capacity it panics, and the poisoned lock disables every plugin)",
    ),
    CATALOG.row(
        "FF-REQ-001",
        "RESPOND sets a status",
        "REQUEST_RESPOND (1) — short-circuit with write_request_response (status + body).",
        Severity::Required,
        "native:respond_without_status",
        "every RESPOND sets a status 100-599",
        |e| e.failure.bad_output_kind() == Some(BadOutput::RespondWithoutStatus),
    )
    .reading_codes(&["request.intercept", "middleware.inject"])
    .tolerated()
    .judging(Judges::calls(
        REQUEST_HOOKS,
        &[Answer::Respond],
        "RESPOND from a request hook",
        REQUEST_HINT,
    ))
    .on_host(
        Basis::Docs,
        "application/src/plugins/request_middleware.rs:76 (a status outside 100-999 is answered as 200: a denial becomes a success; 600-999 is sent as set)",
    ),
    CATALOG.row(
        "FF-REQ-002",
        "RESPOND writes a body",
        "REQUEST_RESPOND (1) — short-circuit; body from write_request_response.",
        Severity::Recommended,
        "native:respond_without_body",
        "every RESPOND writes a body length",
        |e| {
            e.failure.bad_output_kind() == Some(BadOutput::MissingOutput)
                && matches!(e.hook.as_str(), "request.intercept" | "middleware.inject")
        },
    )
    .reading_codes(&["request.intercept", "middleware.inject"])
    .tolerated()
    .judging(Judges::calls(
        REQUEST_HOOKS,
        &[Answer::Respond],
        "RESPOND from a request hook",
        REQUEST_HINT,
    ))
    .on_host(
        Basis::Docs,
        "application/src/plugins/events.rs:254-256, 273-279 (RESPOND with nothing written: an empty body)",
    ),
    CATALOG.row(
        "FF-ROUTE-001",
        "routes answer with status and body",
        "ROUTE_OK (0) — response written via write_route_response.",
        Severity::Required,
        "native:bad_route",
        "every ROUTE_OK writes a valid status and body",
        |e| e.hook == "route" && e.failure.bad_output_kind().is_some(),
    )
    .reading_codes(&["route"])
    .tolerated()
    .judging(Judges::calls(
        &["route"],
        &[Answer::Respond],
        "ROUTE_OK",
        ROUTE_HINT,
    ))
    .on_host(
        Basis::Docs,
        "application/src/plugins/routes.rs:75-77, 106-107 (ROUTE_OK without a status: 200, which the plugin never said; without a body: an empty one)",
    ),
    CATALOG.row(
        "FF-CP-001",
        "CloudPanel args are JSON",
        "CLOUDPANEL_MODIFIED (1) — output written via write_cloudpanel_args (CLI args JSON).",
        Severity::Required,
        "native:bad_cloudpanel",
        "CLOUDPANEL_MODIFIED args are JSON",
        |e| {
            e.hook == "cloudpanel.command"
                && e.failure
                    .bad_output_kind()
                    .is_some_and(|k| k != BadOutput::UndefinedCode)
        },
    )
    .reading_codes(&["cloudpanel.command"])
    .judging(Judges::calls(
        &["cloudpanel.command"],
        &[Answer::Modify],
        "CLOUDPANEL_MODIFIED",
        CLOUDPANEL_HINT,
    ))
    .on_host(
        Basis::Both,
        "application/src/controllers/system/cloudpanel.rs:636-638, 717-746 (args that are not the documented JSON: 400)",
    ),
    CATALOG.row(
        "FF-EVT-001",
        "lifecycle results are 0 or 1",
        "HookResult: cancelled 0 continue, 1 cancel.",
        Severity::Recommended,
        "native:bad_event",
        "HookResult.cancelled is 0 or 1",
        |e| e.failure.bad_output_kind() == Some(BadOutput::EventResult),
    )
    .tolerated()
    .judging(Judges::calls(
        &["lifecycle"],
        &[],
        "lifecycle event call",
        "every registered event is fired with its payload",
    ))
    .on_host(
        Basis::Docs,
        "application/src/plugins/events.rs:199-210 (any non-zero `cancelled` cancels)",
    ),
    CATALOG.row(
        "FF-SAFE-001",
        "no memory faults",
        "Plugins run inside the daemon: a fault in a hook takes the daemon down.",
        Severity::Required,
        "native:segfault",
        "no memory fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE)",
        |e| e.failure.process_end().is_some_and(ProcessEnd::is_fault),
    ),
    CATALOG.row(
        "FF-SAFE-002",
        "no abort or panic across extern \"C\"",
        "A panic that unwinds out of an extern \"C\" hook aborts the daemon.",
        Severity::Required,
        "native:aborts",
        "no abort (abort(), or a panic unwinding into extern \"C\")",
        |e| e.failure.process_end().is_some_and(ProcessEnd::is_abort),
    ),
    CATALOG.row(
        "FF-SAFE-003",
        "never ends the process",
        "shutdown() runs at daemon stop; a plugin never ends the daemon (no exit, no signal to itself or its group).",
        Severity::Required,
        "native:exits",
        "never ends the daemon process",
        |e| {
            // Any other end of the process: an exit, or a signal the plugin
            // sent itself or its group (SIGTERM, SIGKILL, SIGXCPU).
            e.failure.process_end().is_some_and(ends_on_its_own)
        },
    ),
    CATALOG.row(
        "FF-SAFE-004",
        "returns in time",
        "Request and JSON hooks run on every matching HTTP request.",
        Severity::Required,
        "native:sleeps",
        "every hook returns within 2 s",
        |e| matches!(e.failure, Failure::Timeout { .. }),
    ),
    CATALOG.row(
        "FF-SAFE-005",
        "leaves the host's descriptors alone",
        "Plugins run inside the daemon: a plugin that writes to, closes or replaces descriptors it does not own corrupts the daemon's I/O.",
        Severity::Required,
        "native:forges_frame",
        "never writes to, closes or replaces the host's channels",
        |e| matches!(e.failure, Failure::Protocol { .. }),
    ),
    FF_SAFE_006,
    FF_DET_001,
    FF_ORDER_001,
    FF_PERF_001,
    FF_PAT_001,
    FF_HOST_001,
];

#[cfg(test)]
mod tests {
    use hookcheck::fixtures::{ConfigEvent, JsonEvent, RequestEvent};

    use super::*;

    #[test]
    fn the_authors_inputs_follow_the_standard_ones_labelled_by_file() {
        let mut inputs = Inputs::default();
        inputs.requests.push((
            "r.yaml".into(),
            RequestEvent::new(HttpMethod::Post, "/api/orders").with_body("{}"),
        ));
        inputs.configs.push((
            "c.yaml".into(),
            ConfigEvent {
                yaml: "a: 1\n".into(),
            },
        ));
        inputs.json.push((
            "j.yaml".into(),
            JsonEvent {
                method: HttpMethod::Put,
                route: "/api/x".into(),
                body: serde_json::json!({"a": 1}),
            },
        ));
        let standard = probes(&[], &Inputs::default()).len();
        let all = probes(&[], &inputs);
        let own: Vec<String> = all[standard..].iter().map(Probe::label).collect();
        assert_eq!(
            own,
            [
                "config.mutate (input c.yaml)",
                "request POST /api/orders (input r.yaml)",
                "json PUT /api/x (input j.yaml)"
            ]
        );
    }
}
