//! The FeatherFly host side: alphabetical loading and the six pipelines,
//! over plugins loaded in this process or in a child runner.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::calls::{HookInput, HookOutput, PluginInfo, RegInfo, RegKind};
use super::child::{ChildRunner, RunnerCommand};
use super::library::InProcess;
use super::rules::{headers_json, pattern_matches, read, write_headers_json};
use crate::engine::{
    Answers, Bytes, Called, Failure, HookError, HookSpec, HttpMethod, HttpResponse, LoadWarning,
    Outcome, Pipeline, Stop, Tolerated, Trace, TraceMode, hook,
};
use crate::error::LoadError;
use crate::{Error, Result};

const LIFECYCLE: &HookSpec = hook(super::contract::HOOKS, "lifecycle");
const CONFIG: &HookSpec = hook(super::contract::HOOKS, "config.mutate");
const INTERCEPT: &HookSpec = hook(super::contract::HOOKS, "request.intercept");
const MIDDLEWARE: &HookSpec = hook(super::contract::HOOKS, "middleware.inject");
const ROUTE: &HookSpec = hook(super::contract::HOOKS, "route");
const JSON_RESPONSE: &HookSpec = hook(super::contract::HOOKS, "json.response");
const JSON_ACTIONS: &HookSpec = hook(super::contract::HOOKS, "json.actions");
const CLOUDPANEL: &HookSpec = hook(super::contract::HOOKS, "cloudpanel.command");

/// Where native plugins run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// In this process: fastest; a crashing plugin takes the host down.
    InProcess,
    /// In a child runner: crashes and hangs become outcomes.
    Child {
        /// How to start the runner.
        command: RunnerCommand,
        /// How long one hook call may take (loading has its own, longer
        /// limit).
        timeout: Duration,
    },
}

/// Options for loading native plugins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeOptions {
    /// The largest output buffer a call gets (default 2 MiB); each call
    /// gets the host's `max(input length, 4096) × 2` up to this.
    pub capacity: usize,
    /// Where plugins run.
    pub isolation: Isolation,
}

/// The largest host-owned output buffer unless set otherwise (the host's
/// rule is twice the input, at least 8192 bytes; its request bodies are at
/// most 1 MiB): 2 MiB.
pub const DEFAULT_CAPACITY: usize = 2 << 20;

impl Default for NativeOptions {
    fn default() -> Self {
        Self {
            capacity: DEFAULT_CAPACITY,
            isolation: Isolation::InProcess,
        }
    }
}

enum Backend {
    InProcess(InProcess),
    Child(ChildRunner),
}

impl Backend {
    fn call(&mut self, reg: usize, input: &HookInput) -> std::result::Result<HookOutput, Failure> {
        match self {
            Backend::InProcess(set) => Ok(set.call(reg, input)),
            Backend::Child(child) => child.call(reg, input),
        }
    }
}

/// A request as the request hooks see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeRequest {
    /// The method.
    pub method: HttpMethod,
    /// The path.
    pub path: String,
    /// Headers in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl From<&crate::fixtures::RequestEvent> for NativeRequest {
    /// The request as FeatherFly's request hooks see it: method, path,
    /// headers and body (the query is not passed to them).
    fn from(req: &crate::fixtures::RequestEvent) -> Self {
        Self {
            method: req.method,
            path: req.path.clone(),
            headers: req.header_list(),
            body: req.body.clone().into_bytes(),
        }
    }
}

/// A request prepared once as the host prepares it (headers JSON, output
/// buffer), with the functions of the request hooks it reaches, for timing
/// those hooks without the host's pipeline: made by
/// [`FeatherFlyHost::prepare_request`], called by
/// [`FeatherFlyHost::call_prepared`].
#[derive(Debug)]
pub struct PreparedRequest {
    hooks: Vec<(u32, hookcheck_pdk::featherfly::RequestCallback)>,
    method: u32,
    path: String,
    headers_json: Vec<u8>,
    body: Vec<u8>,
    out: Vec<u8>,
}

impl PreparedRequest {
    /// How many request hooks the request reaches.
    pub fn hooks(&self) -> usize {
        self.hooks.len()
    }
}

/// The result of a pipeline over one value.
#[derive(Debug)]
pub struct ValueRun {
    /// The value after the pipeline.
    pub value: Vec<u8>,
    /// Every step.
    pub trace: Trace,
}

/// The result of the request hooks.
#[derive(Debug)]
pub struct RequestRun {
    /// The short-circuit response, if a hook answered.
    pub response: Option<HttpResponse>,
    /// Every step, intercept then middleware.
    pub trace: Trace,
}

/// The result of a CloudPanel command's hooks.
#[derive(Debug)]
pub struct CloudPanelRun {
    /// The args after the hooks.
    pub args: Vec<u8>,
    /// The cancel reason, if a hook cancelled.
    pub cancelled: Option<String>,
    /// Every step.
    pub trace: Trace,
}

/// The result of an event's handlers.
#[derive(Debug)]
pub struct EventRun {
    /// The plugin that cancelled the remaining handlers, if one did.
    pub cancelled_by: Option<String>,
    /// Every step.
    pub trace: Trace,
}

/// A FeatherFly daemon's plugin system, run by hookcheck.
pub struct FeatherFlyHost {
    backend: RefCell<Backend>,
    plugins: Vec<PluginInfo>,
    regs: Vec<RegInfo>,
    warnings: Vec<LoadWarning>,
    late: RefCell<Vec<usize>>,
    calls: RefCell<Vec<usize>>,
    answers: RefCell<Vec<Answers>>,
    tolerated: RefCell<Vec<Tolerated>>,
    token: RefCell<Option<String>>,
    trace_mode: TraceMode,
    load_time: Duration,
    /// The last request's hook input, kept so the next request refills
    /// its buffers instead of allocating them.
    spare_request: RefCell<Option<HookInput>>,
}

impl std::fmt::Debug for FeatherFlyHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeatherFlyHost")
            .field("plugins", &self.plugins)
            .finish()
    }
}

/// `.so` files in `dir`, alphabetically by file name.
pub fn plugin_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read directory", dir, e))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "so"))
        .collect();
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(paths)
}

impl FeatherFlyHost {
    /// Loads `paths` sorted alphabetically by file name (that order is
    /// every pipeline's order).
    pub fn load(paths: &[PathBuf], options: &NativeOptions) -> Result<Self> {
        let started = std::time::Instant::now();
        // A bare file name would send `dlopen` searching the library path;
        // a plugin path is a path, relative to the current directory.
        let mut paths: Vec<PathBuf> = paths
            .iter()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
            .collect();
        paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        let (backend, plugins, regs, warnings, late) = match &options.isolation {
            Isolation::InProcess => {
                let set = InProcess::load(&paths, options.capacity)?;
                let info = (
                    set.plugins(),
                    set.registrations(),
                    set.warnings().to_vec(),
                    set.late_registrations(),
                );
                (Backend::InProcess(set), info.0, info.1, info.2, info.3)
            }
            Isolation::Child { command, timeout } => {
                let (runner, info) =
                    ChildRunner::start(command.clone(), paths.clone(), options.capacity, *timeout)
                        .map_err(Error::NativeLoad)?;
                (
                    Backend::Child(runner),
                    info.plugins,
                    info.registrations,
                    info.warnings,
                    info.late,
                )
            }
        };
        Ok(Self {
            backend: RefCell::new(backend),
            plugins,
            warnings,
            late: RefCell::new(late),
            calls: RefCell::new(vec![0; regs.len()]),
            answers: RefCell::new(vec![Answers::default(); regs.len()]),
            tolerated: RefCell::new(Vec::new()),
            token: RefCell::new(None),
            regs,
            trace_mode: TraceMode::Full,
            load_time: started.elapsed(),
            spare_request: RefCell::new(None),
        })
    }

    /// Loads every `.so` in `dir`.
    ///
    /// As the daemon does (application/src/plugins/mod.rs:296-326), a
    /// plugin that fails to load is skipped with a warning and the others
    /// load: the culprit is the file that ends the shortest prefix of the
    /// load order that does not load (a plugin that fails alone, or one
    /// that clashes with an earlier one, such as a second route on a path).
    pub fn load_dir(dir: &Path, options: &NativeOptions) -> Result<Self> {
        let mut paths = plugin_files(dir)?;
        let mut skipped = Vec::new();
        loop {
            let why = match Self::load(&paths, options) {
                Ok(mut host) => {
                    host.warnings.splice(0..0, skipped);
                    return Ok(host);
                }
                // hookcheck's own machinery failed: no plugin is to blame.
                Err(Error::NativeLoad(LoadError::HostFault { reason })) => {
                    return Err(Error::NativeLoad(LoadError::HostFault { reason }));
                }
                Err(Error::NativeLoad(why)) => why,
                Err(other) => return Err(other),
            };
            // The daemon loads in order and skips the one that fails: the
            // culprit ends the shortest prefix that does not load.
            let culprit = (0..paths.len())
                .find(|&k| Self::load(&paths[..=k], options).is_err())
                .unwrap_or(paths.len().saturating_sub(1));
            if culprit >= paths.len() {
                return Err(Error::NativeLoad(why));
            }
            let path = paths.remove(culprit);
            skipped.push(LoadWarning::PluginSkipped {
                path,
                reason: why.to_string(),
            });
        }
    }

    /// Sets how much every run records.
    pub fn with_trace_mode(mut self, mode: TraceMode) -> Self {
        self.trace_mode = mode;
        self
    }

    /// Loaded plugins in load order.
    pub fn plugins(&self) -> &[PluginInfo] {
        &self.plugins
    }

    /// Every registration in load order.
    pub fn registrations(&self) -> &[RegInfo] {
        &self.regs
    }

    /// The daemon API's bearer token: the `token` of the config after
    /// `config.mutate`, once a config went through the host.
    pub fn token(&self) -> Option<String> {
        self.token.borrow().clone()
    }

    /// Sets the bearer token the host's own API requires.
    pub fn set_token(&self, token: Option<String>) {
        *self.token.borrow_mut() = token;
    }

    /// Load warnings: skipped plugins, refused registrations.
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }

    /// Registration attempts after `init` so far, per plugin (all refused).
    pub fn late_registrations(&self) -> Vec<usize> {
        self.late.borrow().clone()
    }

    /// How many times each registration (same index as
    /// [`Self::registrations`]) has been called so far.
    pub fn calls(&self) -> Vec<usize> {
        self.calls.borrow().clone()
    }

    /// What each registration answered so far, in the plugin's own words
    /// (its return codes' meanings), in registration order.
    pub fn answers(&self) -> Vec<Answers> {
        self.answers.borrow().clone()
    }

    fn plugin_name(&self, reg: &RegInfo) -> &str {
        self.plugins
            .get(reg.plugin)
            .map_or("?", |p| p.name.as_str())
    }

    /// Calls one registration and reads the result as the host does.
    fn step(&self, index: usize, input: &HookInput) -> Called {
        let reg = &self.regs[index];
        let name = self.plugin_name(reg);
        if let Some(count) = self.calls.borrow_mut().get_mut(index) {
            *count += 1;
        }
        let called = match self.backend.borrow_mut().call(index, input) {
            Ok(out) => {
                if out.late_registrations > 0
                    && let Some(count) = self.late.borrow_mut().get_mut(reg.plugin)
                {
                    *count += out.late_registrations;
                }
                let reading = read(&reg.kind, &out, name);
                for (failure, intent) in reading.tolerated {
                    let error = HookError {
                        plugin: name.to_owned(),
                        hook: reg.kind.hook_name().to_owned(),
                        failure,
                    };
                    self.tolerated
                        .borrow_mut()
                        .push(Tolerated { error, intent });
                }
                reading.called
            }
            Err(failure) => Outcome::error(name, reg.kind.hook_point(), failure).into(),
        };
        if let Some(answers) = self.answers.borrow_mut().get_mut(index) {
            answers.add(called.said.unwrap_or_else(|| called.outcome.answer()));
        }
        called
    }

    /// Runs `spec`'s pipeline over the registrations `matching`, each
    /// called with `input` of the value so far: a fresh [`HookInput`], or
    /// a borrowed one when every call gets the same input.
    fn run<'a, I: Borrow<HookInput>>(
        &'a self,
        spec: &'static HookSpec,
        value: Vec<u8>,
        matching: impl Iterator<Item = usize> + 'a,
        input: impl Fn(&[u8]) -> I + 'a,
        trace: &mut Trace,
    ) -> crate::engine::Folded {
        let input = &input;
        let steps = matching.map(move |i| {
            (self.plugin_name(&self.regs[i]), move |v: &[u8]| {
                self.step(i, input(v).borrow())
            })
        });
        let folded = Pipeline::new(spec).run(value, steps, trace);
        trace.tolerated.append(&mut self.tolerated.borrow_mut());
        folded
    }

    /// Indices of the registrations `pred` selects, in load order.
    fn matching<'a>(
        &'a self,
        pred: impl Fn(&RegKind) -> bool + 'a,
    ) -> impl Iterator<Item = usize> + 'a {
        self.regs
            .iter()
            .enumerate()
            .filter(move |(_, r)| pred(&r.kind))
            .map(|(i, _)| i)
    }

    /// `config.mutate`: every hook in load order over the raw YAML; a
    /// failing hook keeps the prior YAML.
    pub fn config_mutate(&self, yaml: &[u8]) -> ValueRun {
        let mut trace = Trace::new(self.trace_mode);
        let regs = self.matching(|k| matches!(k, RegKind::Config));
        let folded = self.run(
            CONFIG,
            yaml.to_vec(),
            regs,
            |v| HookInput::Config {
                yaml: Bytes::from(v),
            },
            &mut trace,
        );
        ValueRun {
            value: folded.value,
            trace,
        }
    }

    /// Request hooks for `req.path`: every `request.intercept`, then every
    /// `middleware.inject`; the first RESPOND answers the request.
    pub fn request(&self, req: &NativeRequest) -> RequestRun {
        self.request_phases(req, &[1, 2])
    }

    /// The request hooks of one phase for `req.path` (1: every
    /// `request.intercept`, 2: every `middleware.inject`), as the daemon
    /// runs each phase on its own (`run_request_hooks(phase, …)`,
    /// application/src/plugins/events.rs:239-289); the first RESPOND
    /// answers. Any other phase runs nothing.
    pub fn request_phase(&self, req: &NativeRequest, phase: u32) -> RequestRun {
        self.request_phases(req, &[phase])
    }

    fn request_phases(&self, req: &NativeRequest, phases: &[u32]) -> RequestRun {
        let trace = Trace::new(self.trace_mode);
        // Built once: every hook of every phase reads the same request, as
        // the daemon hands every hook the same headers JSON and body
        // slices (events.rs:257-266).
        let mut input = self.request_input(req);
        let run = self.request_phases_with(req, phases, &mut input, trace);
        self.spare_request.replace(Some(input));
        run
    }

    /// The hook input for `req`, in the spare input's buffers when there is
    /// one.
    fn request_input(&self, req: &NativeRequest) -> HookInput {
        /// Spare buffers larger than this in all are dropped rather than
        /// refilled, so one large request is not held on to.
        const KEEP: usize = 64 * 1024;
        let (mut path, mut json, mut body) = match self.spare_request.take() {
            Some(HookInput::Request {
                path,
                headers_json,
                body,
                ..
            }) if path.capacity() + headers_json.0.capacity() + body.0.capacity() <= KEEP => {
                (path, headers_json.0, body.0)
            }
            _ => Default::default(),
        };
        path.clone_from(&req.path);
        write_headers_json(&mut json, &req.headers);
        body.clone_from(&req.body);
        HookInput::Request {
            phase: 1,
            method: req.method.code(),
            path,
            headers_json: Bytes(json),
            body: Bytes(body),
        }
    }

    fn request_phases_with(
        &self,
        req: &NativeRequest,
        phases: &[u32],
        input: &mut HookInput,
        mut trace: Trace,
    ) -> RequestRun {
        for (phase, hook) in [(1, INTERCEPT), (2, MIDDLEWARE)] {
            if !phases.contains(&phase) {
                continue;
            }
            let mut regs = self.matching(|k| matches!(k, RegKind::Request { phase: p, pattern } if *p == phase && pattern_matches(pattern, &req.path))).peekable();
            if regs.peek().is_none() {
                continue;
            }
            if let HookInput::Request { phase: p, .. } = input {
                *p = phase;
            }
            let input = &*input;
            let folded = self.run(hook, Vec::new(), regs, |_: &[u8]| input, &mut trace);
            if let Some(stop) = folded.stop
                && let Outcome::Respond {
                    status,
                    headers,
                    body,
                } = stop.outcome
            {
                let body = String::from_utf8_lossy(&body.0).into_owned();
                return RequestRun {
                    response: Some(HttpResponse {
                        status,
                        headers,
                        body,
                    }),
                    trace,
                };
            }
        }
        RequestRun {
            response: None,
            trace,
        }
    }

    /// `req` prepared for [`FeatherFlyHost::call_prepared`]: the request
    /// hooks it reaches (every `request.intercept`, then every
    /// `middleware.inject`; only those of `phase` when given: 1 intercept,
    /// 2 middleware) and its context's buffers, made once. `None` for
    /// plugins in a child runner, whose functions live in another process.
    pub fn prepare_request(
        &self,
        req: &NativeRequest,
        phase: Option<u32>,
    ) -> Option<PreparedRequest> {
        let backend = self.backend.borrow();
        let Backend::InProcess(set) = &*backend else {
            return None;
        };
        let mut hooks = Vec::new();
        for phase in [1, 2]
            .into_iter()
            .filter(|p| phase.is_none_or(|only| only == *p))
        {
            for i in self.matching(|k| matches!(k, RegKind::Request { phase: p, pattern } if *p == phase && pattern_matches(pattern, &req.path))) {
                hooks.extend(set.request_callback(i).map(|f| (phase, f)));
            }
        }
        let headers_json = headers_json(&req.headers);
        let capacity = headers_json.len().max(req.body.len()).max(4096) * 2;
        Some(PreparedRequest {
            hooks,
            method: req.method.code(),
            path: req.path.clone(),
            headers_json,
            body: req.body.clone(),
            out: vec![0; capacity],
        })
    }

    /// Calls the prepared request hooks directly, in order, each with a
    /// context over the prepared buffers: the plugins' own cost without
    /// the host's pipeline, trace or output reading. `true` when none
    /// answered (RESPOND), as [`FeatherFlyHost::request`] lets a request
    /// through.
    pub fn call_prepared(&self, p: &mut PreparedRequest) -> bool {
        // The borrow keeps the in-process libraries, and so the functions,
        // loaded for the calls.
        let backend = self.backend.borrow();
        if !matches!(&*backend, Backend::InProcess(_)) {
            return false;
        }
        let capacity = p.out.len();
        for (phase, f) in &p.hooks {
            let (mut status, mut len) = (0_u16, usize::MAX);
            let ctx = hookcheck_pdk::featherfly::RequestHookContext {
                phase: *phase,
                method: p.method,
                path_ptr: p.path.as_ptr(),
                path_len: p.path.len(),
                headers_json_ptr: p.headers_json.as_ptr(),
                headers_json_len: p.headers_json.len(),
                body_in_ptr: p.body.as_ptr(),
                body_in_len: p.body.len(),
                status_code: &raw mut status,
                response_body_ptr: p.out.as_mut_ptr(),
                response_body_capacity: capacity,
                response_body_len: &raw mut len,
            };
            // SAFETY: `f` was registered by a plugin of this host's
            // in-process libraries, which the borrow above keeps loaded;
            // every pointer in `ctx` points into `p` or this frame and
            // lives for the call, with the capacities stated.
            let code = unsafe { f(&raw const ctx) };
            if code == hookcheck_pdk::featherfly::REQUEST_RESPOND {
                return false;
            }
        }
        true
    }

    /// A plugin route: the first registration with this method and exact
    /// path answers; a failing handler answers 500. `None` when no plugin
    /// registered the route.
    pub fn route(
        &self,
        method: HttpMethod,
        path: &str,
        body: &[u8],
    ) -> Option<(HttpResponse, Trace)> {
        // As the daemon dispatches (application/src/plugins/routes.rs:41-55,
        // 91-107): the first route on this exact path whose method matches
        // (an unknown method code is served as GET); the path with another
        // method is a 405; a failed handler a 500; neither has a body.
        let on_path: Vec<usize> = self
            .regs
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(&r.kind, RegKind::Route { path: p, .. } if p == path))
            .map(|(i, _)| i)
            .collect();
        if on_path.is_empty() {
            return None;
        }
        let served_as = |code: u32| HttpMethod::from_code(code).unwrap_or(HttpMethod::Get);
        let Some(index) = on_path.into_iter().find(|i| {
            matches!(&self.regs[*i].kind, RegKind::Route { method: m, .. } if served_as(*m) == method)
        }) else {
            return Some((HttpResponse::new(405, ""), Trace::new(self.trace_mode)));
        };
        let mut trace = Trace::new(self.trace_mode);
        let input = |_: &[u8]| HookInput::Route {
            method: method.code(),
            path: path.to_owned(),
            body: Bytes(body.to_vec()),
        };
        let folded = self.run(ROUTE, Vec::new(), std::iter::once(index), input, &mut trace);
        let response = match folded.stop {
            Some(Stop {
                outcome:
                    Outcome::Respond {
                        status,
                        headers,
                        body,
                    },
                ..
            }) => HttpResponse {
                status,
                headers,
                body: String::from_utf8_lossy(&body.0).into_owned(),
            },
            _ => HttpResponse::new(500, ""),
        };
        Some((response, trace))
    }

    /// JSON mixins for a JSON response to `method path`, as the host's
    /// response middleware runs them (application/src/plugins/middleware.rs:12-93):
    /// a body that is not JSON passes unchanged and no hook runs; otherwise
    /// every matching `json.response` runs over the body re-serialised
    /// compact with sorted keys, each hook getting the previous hook's raw
    /// bytes; a final value that does not parse is dropped for the body
    /// before the hooks. Then every matching `json.actions` runs over the
    /// top-level `actions` (`[]` when absent), whose final value replaces
    /// `actions` when it parses as any JSON value. The answer is compact
    /// with sorted keys.
    pub fn json(&self, method: HttpMethod, path: &str, body: &[u8]) -> ValueRun {
        let mut trace = Trace::new(self.trace_mode);
        let Ok(original) = serde_json::from_slice::<Value>(body) else {
            return ValueRun {
                value: body.to_vec(),
                trace,
            };
        };
        let input = |target: u32| {
            move |v: &[u8]| HookInput::Json {
                target,
                route: path.to_owned(),
                method: method.code(),
                json: Bytes::from(v),
            }
        };
        let bodies = self.matching(
            |k| matches!(k, RegKind::Json { target: 1, pattern } if pattern_matches(pattern, path)),
        );
        let start = sorted_json(&original);
        let folded = self.run(JSON_RESPONSE, start, bodies, input(1), &mut trace);
        let mut value = serde_json::from_slice::<Value>(&folded.value).unwrap_or(original);
        let actions_hooks: Vec<usize> =
            self.matching(|k| matches!(k, RegKind::Json { target: 2, pattern } if pattern_matches(pattern, path))).collect();
        if !actions_hooks.is_empty()
            && let Value::Object(object) = &mut value
        {
            let had_actions = object.contains_key("actions");
            let actions = object
                .get("actions")
                .cloned()
                .unwrap_or_else(|| Value::Array(Vec::new()));
            let start = sorted_json(&actions);
            let folded = self.run(
                JSON_ACTIONS,
                start,
                actions_hooks.into_iter(),
                input(2),
                &mut trace,
            );
            if (had_actions || folded.value != b"[]")
                && let Ok(actions) = serde_json::from_slice::<Value>(&folded.value)
            {
                object.insert("actions".into(), actions);
            }
        }
        ValueRun {
            value: sorted_json(&value),
            trace,
        }
    }

    /// CloudPanel command hooks: CONTINUE keeps the args, MODIFIED replaces
    /// them, CANCEL stops the command with its reason.
    pub fn cloudpanel(&self, operation: &str, command: &str, args: &[u8]) -> CloudPanelRun {
        let mut trace = Trace::new(self.trace_mode);
        let regs = self.matching(|k| matches!(k, RegKind::CloudPanel));
        let input = |v: &[u8]| HookInput::CloudPanel {
            operation: operation.to_owned(),
            command: command.to_owned(),
            args: Bytes::from(v),
        };
        let folded = self.run(CLOUDPANEL, args.to_vec(), regs, input, &mut trace);
        let cancelled = folded.stop.and_then(|s| match s.outcome {
            Outcome::Cancel { reason } => Some(reason),
            _ => None,
        });
        CloudPanelRun {
            args: folded.value,
            cancelled,
            trace,
        }
    }

    /// Fires lifecycle event `event` (1–47) with `payload`; a handler's
    /// cancel stops the remaining handlers of this event.
    pub fn event(&self, event: u32, payload: &[u8]) -> EventRun {
        let mut trace = Trace::new(self.trace_mode);
        let regs = self.matching(|k| matches!(k, RegKind::Event { event: e } if *e == event));
        let input = |_: &[u8]| HookInput::Event {
            event,
            payload: Bytes::from(payload),
        };
        let folded = self.run(LIFECYCLE, Vec::new(), regs, input, &mut trace);
        EventRun {
            cancelled_by: folded.stop.map(|s| s.plugin),
            trace,
        }
    }

    /// How the runner died on its own since the last call (a plugin thread
    /// that ended the process after its hook returned); `None` while it
    /// runs, and always for plugins loaded in this process.
    pub fn runner_death(&self) -> Option<Failure> {
        match &mut *self.backend.borrow_mut() {
            Backend::InProcess(_) => None,
            Backend::Child(child) => child.check_alive(),
        }
    }

    /// How long loading took: the runner's start, every `dlopen` and every
    /// `init` (the daemon pays it at every start).
    pub fn load_time(&self) -> Duration {
        self.load_time
    }

    /// How many threads the plugins' runner has now (`None` in this
    /// process, or when it cannot be told): more than one means a plugin
    /// left a thread running after its call returned; zero, that the
    /// runner has ended and [`runner_death`](Self::runner_death) will
    /// soon say how.
    pub fn runner_threads(&self) -> Option<usize> {
        match &mut *self.backend.borrow_mut() {
            Backend::InProcess(_) => None,
            Backend::Child(child) => child.runner_threads(),
        }
    }

    /// What confines the plugins' runner (`None` in this process).
    pub fn protections(&self) -> Option<super::Protections> {
        match &*self.backend.borrow() {
            Backend::InProcess(_) => None,
            Backend::Child(child) => child.protections().cloned(),
        }
    }

    /// The acts the plugins' runner refused since the last call of this
    /// (loading included): signals at other processes, forks, writes
    /// outside the scratch directory. The first
    /// [`ACTS_REPORTED`](super::ACTS_REPORTED) in full, and how many more.
    /// On the real host each would have run inside the daemon.
    pub fn take_acts(&self) -> (Vec<crate::engine::HostileAct>, usize) {
        match &mut *self.backend.borrow_mut() {
            Backend::InProcess(_) => (Vec::new(), 0),
            Backend::Child(child) => child.take_acts(),
        }
    }

    /// Runs every plugin's `shutdown` (also done on drop).
    pub fn shutdown(&self) {
        match &mut *self.backend.borrow_mut() {
            Backend::InProcess(set) => set.shutdown(),
            Backend::Child(child) => child.shutdown(),
        }
    }
}

/// `value` as compact JSON with every object's keys sorted, as the host's
/// `serde_json` (without `preserve_order`) writes it.
fn sorted_json(value: &Value) -> Vec<u8> {
    fn sort(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let sorted: std::collections::BTreeMap<&String, Value> =
                    map.iter().map(|(k, v)| (k, sort(v))).collect();
                Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_vec(&sort(value)).unwrap_or_default()
}
