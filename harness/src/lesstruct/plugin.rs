//! A loaded WASM plugin: validated exports and imports, a pre-linked
//! instance, and the hook call of the memory protocol.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use wasmtime::{
    ExternType, InstancePre, Memory, Module, Store, StoreLimitsBuilder, Trap, TypedFunc,
    UpdateDeadline, ValType,
};
use wasmtime_wasi::I32Exit;

use super::deadline::{CallBudget, CallClock, DeadlineExceeded};
use super::hostfns::HOST_FUNCTIONS;
use super::manifest::CapabilityManifest;
use super::protocol::{INPUT_OFFSET, locate_result};
use super::runtime::{TICK, WasmEngine};
use super::state::{HostServices, HostState, PluginCtx};
use crate::engine::{BadOutput, Failure, TrapCode};
use crate::{Error, Result};

const WASI_MODULE: &str = "wasi_snapshot_preview1";

struct Live {
    store: Store<HostState>,
    memory: Memory,
    hooks: HashMap<String, TypedFunc<(i32, i32), i32>>,
    result_len: Option<TypedFunc<i32, i32>>,
}

/// A WASM plugin under the Lesstruct protocol.
///
/// The module is compiled and linked once; one instance serves every call,
/// keeping its state between calls as the real host's does: after a trap
/// the instance is kept as the trap left it, and a timeout closes it for
/// good (every later call fails), as the host's runtime does.
pub struct WasmPlugin {
    name: String,
    path: Option<PathBuf>,
    module: Module,
    pre: InstancePre<HostState>,
    hooks: Vec<String>,
    ctx: Arc<PluginCtx>,
    memory_limit: usize,
    deadline_ms: u64,
    live: Option<Live>,
    /// Set when a call hit the deadline: the host's runtime closes the
    /// instance then, and every later call fails until the host restarts
    /// (internal/plugin/runtime/executor.go:31-32, wazero's
    /// close-on-context-done).
    closed: bool,
}

impl std::fmt::Debug for WasmPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmPlugin")
            .field("name", &self.name)
            .field("hooks", &self.hooks)
            .finish()
    }
}

fn is_i32s(types: impl ExactSizeIterator<Item = ValType>, n: usize) -> bool {
    types.len() == n && types.into_iter().all(|t| matches!(t, ValType::I32))
}

fn signature(ty: &wasmtime::FuncType) -> String {
    let list = |it: &mut dyn Iterator<Item = ValType>| {
        it.map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
    };
    format!(
        "({}) -> ({})",
        list(&mut ty.params()),
        list(&mut ty.results())
    )
}

fn classify(err: &wasmtime::Error, deadline_ms: u64) -> Failure {
    if err.downcast_ref::<DeadlineExceeded>().is_some() {
        return Failure::Timeout {
            limit_ms: deadline_ms,
        };
    }
    if let Some(trap) = err.downcast_ref::<Trap>() {
        let code = match trap {
            Trap::Interrupt => {
                return Failure::Timeout {
                    limit_ms: deadline_ms,
                };
            }
            Trap::StackOverflow => TrapCode::StackOverflow,
            Trap::MemoryOutOfBounds => TrapCode::MemoryOutOfBounds,
            Trap::TableOutOfBounds => TrapCode::TableOutOfBounds,
            Trap::UnreachableCodeReached => TrapCode::Unreachable,
            Trap::IntegerDivisionByZero => TrapCode::IntegerDivisionByZero,
            Trap::IntegerOverflow => TrapCode::IntegerOverflow,
            Trap::BadConversionToInteger => TrapCode::BadConversionToInteger,
            Trap::IndirectCallToNull => TrapCode::IndirectCallToNull,
            Trap::BadSignature => TrapCode::BadSignature,
            _ => TrapCode::Other,
        };
        let message = match code {
            TrapCode::StackOverflow => "stack overflow".to_owned(),
            _ => trap.to_string(),
        };
        return Failure::Trap { code, message };
    }
    if let Some(exit) = err.downcast_ref::<I32Exit>() {
        return Failure::Trap {
            code: TrapCode::ProcExit,
            message: format!("the module called proc_exit({})", exit.0),
        };
    }
    Failure::Trap {
        code: TrapCode::Other,
        message: format!("{err:#}"),
    }
}

/// Epoch ticks for `time`, rounded up, plus one for the tick in flight.
fn ticks_for(time: Duration) -> u64 {
    let ticks = time.as_nanos().div_ceil(TICK.as_nanos());
    // Far below what wasmtime adds the current epoch to without overflow.
    u64::try_from(ticks)
        .unwrap_or(u64::MAX)
        .clamp(1, u64::MAX / 4)
}

/// Ticks to the next epoch check of a call with `left` to go: the next
/// tick while its clock still charges wall time (that check anchors it,
/// see [`super::deadline::CallClock`]), then the time left.
fn next_check(budget: &CallBudget, left: Duration) -> u64 {
    if budget.anchored() {
        ticks_for(left)
    } else {
        1
    }
}

/// An artifact error for the module of plugin `name`.
fn artifact_error(name: &str, reason: String) -> Error {
    Error::Artifact {
        path: PathBuf::from(format!("{name}.wasm")),
        reason,
    }
}

/// Elements one table of a plugin may hold (`table.grow` past it fails).
pub const WASM_TABLE_ELEMENTS: usize = 100_000;
/// Tables one plugin instance may have.
pub const WASM_TABLES: usize = 4;

impl WasmPlugin {
    /// Loads `path` (`.wasm`, or `.wat` text) with the manifest beside it
    /// (`<stem>.manifest`), if there is one. The plugin is named after the
    /// file's stem. A file over [`crate::limits::MAX_WASM_BYTES`] is refused
    /// before it is read, a module past the limits of
    /// [`crate::limits::check_wasm_binary`] before it is compiled.
    pub fn load(engine: &WasmEngine, path: &Path, services: Arc<HostServices>) -> Result<Self> {
        let bytes = crate::limits::read_bounded(path, crate::limits::MAX_WASM_BYTES)?;
        let name = path
            .file_stem()
            .map_or_else(|| "plugin".into(), |s| s.to_string_lossy().into_owned());
        let manifest_path = path.with_extension("manifest");
        let manifest = manifest_path
            .is_file()
            .then(|| CapabilityManifest::read(&manifest_path))
            .transpose()?;
        let mut plugin =
            Self::from_bytes(engine, &name, &bytes, manifest, services).map_err(|e| match e {
                Error::Artifact { reason, .. } => Error::Artifact {
                    path: path.to_owned(),
                    reason,
                },
                other => other,
            })?;
        plugin.path = Some(path.to_owned());
        Ok(plugin)
    }

    /// Loads a module from bytes (binary or `.wat` text), refused before
    /// compiling past the limits of [`crate::limits::wasm_binary`].
    pub fn from_bytes(
        engine: &WasmEngine,
        name: &str,
        bytes: &[u8],
        manifest: Option<CapabilityManifest>,
        services: Arc<HostServices>,
    ) -> Result<Self> {
        let bad = |reason| artifact_error(name, reason);
        let binary = crate::limits::wasm_binary(bytes).map_err(bad)?;
        let module = Module::new(&engine.engine, &binary)
            .map_err(|e| bad(format!("not a valid WASM module: {e:#}")))?;
        Self::from_module(engine, name, module, manifest, services)
    }

    /// A plugin from a module compiled already on `engine` (compile once,
    /// load many times).
    pub fn from_module(
        engine: &WasmEngine,
        name: &str,
        module: Module,
        manifest: Option<CapabilityManifest>,
        services: Arc<HostServices>,
    ) -> Result<Self> {
        let bad = |reason| artifact_error(name, reason);
        let mut facts = inspect_module(&module, manifest.is_some());
        if let Some(manifest) = &manifest {
            facts.problems.extend(ungranted_imports(&module, manifest));
        }
        if let Some(problem) = facts.problems.first() {
            return Err(bad(problem.to_string()));
        }
        let hooks = facts.hooks;
        let pre = engine
            .linker
            .instantiate_pre(&module)
            .map_err(|e| bad(format!("cannot link: {e:#}")))?;
        let ctx = Arc::new(PluginCtx {
            name: name.to_owned(),
            manifest,
            services,
        });
        Ok(Self {
            name: name.to_owned(),
            path: None,
            module,
            pre,
            hooks,
            ctx,
            memory_limit: engine.limits.memory_bytes,
            deadline_ms: u64::try_from(engine.limits.deadline.as_millis()).unwrap_or(u64::MAX),
            live: None,
            closed: false,
        })
    }

    /// The plugin's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file it came from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Its hooks, without the `hook_` prefix, in export order.
    pub fn hooks(&self) -> &[String] {
        &self.hooks
    }

    /// Whether it exports `hook_<name>`.
    pub fn has_hook(&self, name: &str) -> bool {
        self.hooks.iter().any(|h| h == name)
    }

    /// Its capability manifest, if it has one.
    pub fn manifest(&self) -> Option<&CapabilityManifest> {
        self.ctx.manifest.as_ref()
    }

    /// Compiles `bytes` (binary or text) on `engine` without linking, for
    /// inspection; refused before compiling past the limits of
    /// [`crate::limits::wasm_binary`].
    pub fn compile(engine: &WasmEngine, bytes: &[u8]) -> std::result::Result<Module, String> {
        let binary = crate::limits::wasm_binary(bytes)?;
        Module::new(&engine.engine, &binary).map_err(|e| format!("not a valid WASM module: {e:#}"))
    }

    /// The compiled module (for inspecting its layout).
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The current size of the live instance's memory, if there is one.
    pub fn memory_size(&mut self) -> Option<u64> {
        let live = self.live.as_mut()?;
        Some(live.memory.data_size(&live.store) as u64)
    }

    /// A fresh instance, its start section run on `clock` (the clock of
    /// the call that needs it, whose deadline it shares).
    fn instantiate(&self, clock: CallClock) -> Result<Live, Failure> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.memory_limit)
            .table_elements(WASM_TABLE_ELEMENTS)
            .tables(WASM_TABLES)
            .instances(1)
            .memories(1)
            .trap_on_grow_failure(false)
            .build();
        let mut state = HostState {
            wasi: wasmtime_wasi::WasiCtxBuilder::new().build_p1(),
            limits,
            ctx: Arc::clone(&self.ctx),
            budget: CallBudget::default(),
        };
        // A start section runs under the deadline of the call it is for.
        let limit = Duration::from_millis(self.deadline_ms);
        state.budget.start_at(clock, limit);
        let mut store = Store::new(self.pre.module().engine(), state);
        store.limiter(|s| &mut s.limits);
        store.set_epoch_deadline(1);
        // At each deadline the epoch passes, the call's charged time
        // decides (see `deadline`): a call the machine kept waiting goes
        // on, one that spent its time ends.
        store.epoch_deadline_callback(move |mut ctx| {
            // A call that reaches a tick is long enough to be charged CPU
            // time rather than wall time.
            ctx.data_mut().budget.anchor();
            Ok(match ctx.data().budget.remaining() {
                Ok(Some(left)) => UpdateDeadline::Continue(ticks_for(left)),
                Ok(None) => UpdateDeadline::Continue(ticks_for(limit)),
                Err(DeadlineExceeded) => UpdateDeadline::Interrupt,
            })
        });
        let instance = self
            .pre
            .instantiate(&mut store)
            .map_err(|e| classify(&e, self.deadline_ms))?;
        // The host instantiates with an empty start-function list: neither
        // `_start` nor `_initialize` ever runs
        // (internal/plugin/loader/loader.go:98-104); only a start section.
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| Failure::bad_output(BadOutput::MissingExport, "no `memory` export"))?;
        let mut hooks = HashMap::new();
        for hook in &self.hooks {
            let f = instance
                .get_typed_func::<(i32, i32), i32>(&mut store, &format!("hook_{hook}"))
                .map_err(|e| Failure::bad_output(BadOutput::MissingExport, format!("{e:#}")))?;
            hooks.insert(hook.clone(), f);
        }
        let result_len = instance
            .get_typed_func::<i32, i32>(&mut store, "__hook_result_len")
            .ok();
        Ok(Live {
            store,
            memory,
            hooks,
            result_len,
        })
    }

    /// Instantiates now (running a start section, never `_initialize`), if
    /// no live instance exists.
    pub fn instantiate_now(&mut self) -> Result<(), Failure> {
        if self.live.is_none() {
            self.live = Some(self.instantiate(CallClock::start())?);
        }
        Ok(())
    }

    /// Drops the live instance and makes a fresh one from the pre-linked
    /// module, as the host's restart does.
    pub fn reinstantiate(&mut self) -> Result<(), Failure> {
        self.live = None;
        self.closed = false;
        self.live = Some(self.instantiate(CallClock::start())?);
        Ok(())
    }

    /// Calls `hook_<hook>` exactly as the Lesstruct host does: `input` at
    /// offset 65536 (never growing memory for it, as the host does not), the call,
    /// then the result at the returned offset, `__hook_result_len(len)` (or
    /// `len`) bytes long, every number bounds-checked. `Ok(None)` is "no
    /// change"; `Ok(Some(bytes))` is the raw result, not yet decoded.
    pub fn call_hook(&mut self, hook: &str, input: &[u8]) -> Result<Option<Vec<u8>>, Failure> {
        if self.closed {
            // The call ends with "module closed with context deadline
            // exceeded", as every call after a timeout does on the host.
            return Err(Failure::Timeout {
                limit_ms: self.deadline_ms,
            });
        }
        let mut result = self.call_inner(hook, input);
        // After a trap the host keeps the instance as the trap left it
        // (memory, globals such as a stack pointer); after a timeout it is
        // closed for good.
        if matches!(result, Err(Failure::Timeout { .. })) {
            self.live = None;
            self.closed = true;
        }
        // A module that exports `_initialize` may need it; the host never
        // calls it, so a trap says so.
        if let Err(Failure::Trap { message, .. }) = &mut result
            && self.pre.module().get_export("_initialize").is_some()
        {
            message.push_str(
                " (the module exports `_initialize`, which the host never calls: internal/plugin/loader/loader.go:98-104; set up state lazily in the hook instead)",
            );
        }
        result
    }

    fn call_inner(&mut self, hook: &str, input: &[u8]) -> Result<Option<Vec<u8>>, Failure> {
        // One deadline for the whole call: a fresh instance's start section,
        // the hook, and `__hook_result_len` share it.
        let deadline_ms = self.deadline_ms;
        let limit_time = Duration::from_millis(deadline_ms);
        let clock = CallClock::start();
        let timeout = || Failure::Timeout {
            limit_ms: deadline_ms,
        };
        let limit = self.memory_limit as u64;
        let live = match self.live.take() {
            Some(mut live) => {
                live.store.data_mut().budget.start_at(clock, limit_time);
                self.live.insert(live)
            }
            None => {
                // The start section's waits stay on the call's clock.
                let mut fresh = self.instantiate(clock)?;
                fresh.store.data_mut().budget.new_call();
                self.live.insert(fresh)
            }
        };
        let func = live.hooks.get(hook).cloned().ok_or_else(|| {
            Failure::bad_output(
                BadOutput::MissingExport,
                format!("the module exports no `hook_{hook}`"),
            )
        })?;
        let len = i32::try_from(input.len()).map_err(|_| {
            Failure::bad_output(
                BadOutput::InputTooLarge,
                format!(
                    "input too large: {} bytes does not fit an i32 length",
                    input.len()
                ),
            )
        })?;
        // The host writes the input without growing memory
        // (internal/plugin/registry/discover.go:21-28): an input that does
        // not fit fails the save.
        let needed = u64::from(INPUT_OFFSET) + input.len() as u64;
        let size = live.memory.data_size(&live.store) as u64;
        if needed > size {
            return Err(Failure::bad_output(
                BadOutput::InputTooLarge,
                format!(
                    "input too large: {} bytes at offset {INPUT_OFFSET} need {needed} bytes of memory and the module has {size}; the host never grows memory for the input, so the save fails with 500 (declare more initial memory; hookcheck's limit is {limit})",
                    input.len()
                ),
            ));
        }
        live.memory
            .write(&mut live.store, INPUT_OFFSET as usize, input)
            .map_err(|e| Failure::HostFault {
                reason: format!("cannot write the input: {e}"),
            })?;
        let remaining = live
            .store
            .data()
            .budget
            .remaining()
            .ok()
            .flatten()
            .ok_or_else(timeout)?;
        live.store
            .set_epoch_deadline(next_check(&live.store.data().budget, remaining));
        let offset = func
            .call(&mut live.store, (INPUT_OFFSET as i32, len))
            .map_err(|e| classify(&e, deadline_ms))?;
        if offset == 0 {
            return Ok(None);
        }
        // A missing or failing `__hook_result_len` means the input's
        // length, as on the host (internal/plugin/registry/discover.go:56-73);
        // only running out of time ends the call.
        let result_len = match live.result_len.clone() {
            Some(f) => {
                // The hook's waits in the host are on the store's clock.
                let remaining = live
                    .store
                    .data()
                    .budget
                    .remaining()
                    .ok()
                    .flatten()
                    .ok_or_else(timeout)?;
                live.store
                    .set_epoch_deadline(next_check(&live.store.data().budget, remaining));
                match f.call(&mut live.store, len) {
                    Ok(n) => n,
                    Err(e) => match classify(&e, deadline_ms) {
                        t @ Failure::Timeout { .. } => return Err(t),
                        _ => len,
                    },
                }
            }
            None => len,
        };
        let size = live.memory.data_size(&live.store) as u64;
        let Some(range) = locate_result(offset, result_len, size)? else {
            return Ok(None);
        };
        let Some(result) = live.memory.data(&live.store).get(range) else {
            return Ok(None);
        };
        // Past the node limit the result is refused before anyone parses
        // it (as a value it would weigh 16 times its bytes).
        crate::limits::check_plugin_json(result).map_err(|why| {
            Failure::bad_output(
                BadOutput::NotJson,
                format!("result refused unparsed: {why}"),
            )
        })?;
        Ok(Some(result.to_vec()))
    }
}

/// One way a module breaks the Lesstruct load rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadProblem {
    /// No `memory` export, or `memory` is not a memory.
    NoMemory(String),
    /// A `hook_*` export that is not `(i32, i32) -> i32`.
    HookSignature(String),
    /// `__hook_result_len` is not `(i32) -> i32`.
    ResultLenSignature(String),
    /// An import from a module other than WASI and `lesstruct`.
    ForeignImport(String),
    /// A `lesstruct` import the host does not provide, or with the wrong type.
    BadHostImport(String),
    /// A `lesstruct` import without a capability manifest.
    ImportWithoutManifest(String),
    /// A `lesstruct` import the manifest does not grant: the host links
    /// HTTP functions only with URL patterns and database functions only
    /// with table grants, so the load fails there.
    ImportNotGranted(String),
}

impl std::fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoMemory(m)
            | Self::HookSignature(m)
            | Self::ResultLenSignature(m)
            | Self::ForeignImport(m)
            | Self::BadHostImport(m)
            | Self::ImportWithoutManifest(m)
            | Self::ImportNotGranted(m) => f.write_str(m),
        }
    }
}

/// What a module exports and imports, and every load rule it breaks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleFacts {
    /// Hook names without `hook_`, in export order.
    pub hooks: Vec<String>,
    /// Whether it exports `__hook_result_len`.
    pub has_result_len: bool,
    /// Imports as `module.name`.
    pub imports: Vec<String>,
    /// Every broken load rule, in module order.
    pub problems: Vec<LoadProblem>,
}

/// The `lesstruct` imports `manifest` does not grant. The host links the
/// HTTP functions only when the manifest lists URL patterns and the
/// database functions only when it grants tables
/// (internal/plugin/hostfunctions/registry.go:45-101), so importing any
/// other fails the load there.
pub fn ungranted_imports(module: &Module, manifest: &CapabilityManifest) -> Vec<LoadProblem> {
    module
        .imports()
        .filter(|i| i.module() == "lesstruct")
        .filter_map(|i| {
            let (granted, what) = match i.name() {
                "http_get" | "http_post" => (!manifest.http.is_empty(), "HTTP URL patterns"),
                "db_query" | "db_exec" => (!manifest.database.is_empty(), "database tables"),
                _ => (true, ""),
            };
            (!granted).then(|| {
                LoadProblem::ImportNotGranted(format!(
                    "imports `lesstruct.{}` but its manifest grants no {what}: the host links that function only with such a grant, so the plugin does not load there",
                    i.name()
                ))
            })
        })
        .collect()
}

/// Inspects a compiled module against the Lesstruct load rules;
/// `has_manifest` says whether it comes with a capability manifest.
pub fn inspect_module(module: &Module, has_manifest: bool) -> ModuleFacts {
    let mut facts = ModuleFacts::default();
    let mut has_memory = false;
    for export in module.exports() {
        let name = export.name();
        match (name, export.ty()) {
            ("memory", ExternType::Memory(_)) => has_memory = true,
            ("memory", other) => facts.problems.push(LoadProblem::NoMemory(format!(
                "export `memory` is a {other:?}, expected a memory"
            ))),
            ("__hook_result_len", ExternType::Func(f)) => {
                facts.has_result_len = true;
                if !(is_i32s(f.params(), 1) && is_i32s(f.results(), 1)) {
                    facts.problems.push(LoadProblem::ResultLenSignature(format!(
                        "export `__hook_result_len` has type {}, expected (i32) -> (i32)",
                        signature(&f)
                    )));
                }
            }
            (n, ExternType::Func(f)) if n.starts_with("hook_") => {
                if is_i32s(f.params(), 2) && is_i32s(f.results(), 1) {
                    facts.hooks.push(n.trim_start_matches("hook_").to_owned());
                } else {
                    facts.problems.push(LoadProblem::HookSignature(format!(
                        "export `{n}` has type {}, expected (i32, i32) -> (i32)",
                        signature(&f)
                    )));
                }
            }
            (n, other) if n.starts_with("hook_") || n == "__hook_result_len" => {
                facts.problems.push(LoadProblem::HookSignature(format!(
                    "export `{n}` is a {other:?}, expected a function"
                )));
            }
            _ => {}
        }
    }
    if !has_memory
        && !facts
            .problems
            .iter()
            .any(|p| matches!(p, LoadProblem::NoMemory(_)))
    {
        facts.problems.insert(
            0,
            LoadProblem::NoMemory(
                "the module exports no `memory`; the host has nowhere to write the input".into(),
            ),
        );
    }
    for import in module.imports() {
        let (m, n) = (import.module(), import.name());
        facts.imports.push(format!("{m}.{n}"));
        if m == WASI_MODULE {
            continue;
        }
        if m != "lesstruct" {
            facts.problems.push(LoadProblem::ForeignImport(format!(
                "imports `{m}.{n}`; the host provides only `{WASI_MODULE}` and `lesstruct`"
            )));
            continue;
        }
        let Some((_, params, returns)) = HOST_FUNCTIONS.iter().find(|(f, _, _)| *f == n) else {
            facts.problems.push(LoadProblem::BadHostImport(format!(
                "imports `lesstruct.{n}`, which the host does not provide"
            )));
            continue;
        };
        if !has_manifest {
            facts.problems.push(LoadProblem::ImportWithoutManifest(format!(
                "imports `lesstruct.{n}` but has no capability manifest: without `<name>.manifest` a plugin gets no host functions"
            )));
            continue;
        }
        let ok = match import.ty() {
            ExternType::Func(f) => {
                is_i32s(f.params(), *params) && is_i32s(f.results(), usize::from(*returns))
            }
            _ => false,
        };
        if !ok {
            facts.problems.push(LoadProblem::BadHostImport(format!(
                "imports `lesstruct.{n}` with the wrong type; the host's has {params} i32 parameters"
            )));
        }
    }
    facts
}
