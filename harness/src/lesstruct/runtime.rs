//! The wasmtime side: one engine with an epoch ticker, the shared linker,
//! and the per-store state host functions see.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::{Config, Engine, Linker, StoreLimits};
use wasmtime_wasi::p1::WasiP1Ctx;

use super::database::ContentDb;
use super::deadline::{self, CallBudget};
use super::hostfns;
use super::http::HttpClient;
use super::manifest::CapabilityManifest;
use crate::{Error, Result};

/// How often the engine's epoch advances; deadlines are whole ticks.
pub(crate) const TICK: Duration = Duration::from_millis(2);

/// Limits every plugin store gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WasmLimits {
    /// Largest linear memory, in bytes (the real host: 64 MiB).
    pub memory_bytes: usize,
    /// Wall-clock time one hook call may take (the real host: 30 s).
    pub deadline: Duration,
    /// Largest wasm stack, in bytes.
    pub max_stack: usize,
}

impl Default for WasmLimits {
    fn default() -> Self {
        Self {
            memory_bytes: 64 << 20,
            deadline: Duration::from_secs(30),
            max_stack: 512 << 10,
        }
    }
}

/// One line a plugin logged, or a host call the host refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// The plugin.
    pub plugin: String,
    /// `info`, `error`, or `denied` (a refused host call).
    pub level: &'static str,
    /// The message; for `denied`, `function: reason`.
    pub message: String,
}

/// A host call the host refused under the plugin's manifest: a typed
/// record apart from the log, so no amount of logging hides one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The plugin.
    pub plugin: String,
    /// The host function (`db_query`).
    pub function: &'static str,
    /// The host's error (`permission_denied`, `url_not_allowed`).
    pub error: String,
    /// What was refused (the URL, the table), cut to a bounded length.
    pub message: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.function, self.error, self.message)
    }
}

/// Refusals kept in full; past it they are only counted.
pub const REFUSALS_KEPT: usize = 64;

/// What host functions reach: the content database, the HTTP client, and
/// the log.
#[derive(Debug)]
pub struct HostServices {
    /// The database behind `db_query` / `db_exec`.
    pub db: ContentDb,
    pub(crate) http: HttpClient,
    log: Mutex<std::collections::VecDeque<LogLine>>,
    /// The first refusals, and how many there were in all.
    refusals: Mutex<(Vec<Refusal>, usize)>,
    /// Calls of the `lesstruct` host functions so far, by every plugin.
    host_calls: std::sync::atomic::AtomicU64,
}

/// Log lines a WASM plugin may write in one hook call; past it, lines are
/// counted, not kept.
pub const WASM_LOG_LINES_PER_CALL: usize = 256;
/// Log bytes a WASM plugin may write in one hook call.
pub const WASM_LOG_BYTES_PER_CALL: usize = 64 << 10;
/// Log lines the host keeps over its whole life (the oldest go first), so
/// a long `serve` never grows without bound.
pub const LOG_LINES_KEPT: usize = 10_000;

impl HostServices {
    /// Services over a fresh in-memory content database.
    pub fn new() -> Result<Self> {
        Ok(Self {
            db: ContentDb::in_memory()?,
            http: HttpClient::default(),
            log: Mutex::new(std::collections::VecDeque::new()),
            refusals: Mutex::new((Vec::new(), 0)),
            host_calls: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// How many times plugins called a `lesstruct` host function
    /// (`http_*`, `db_*`, `log_*`) so far.
    pub fn host_calls(&self) -> u64 {
        self.host_calls.load(Ordering::Relaxed)
    }

    /// Counts one host-function call.
    pub(crate) fn count_host_call(&self) {
        self.host_calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Appends a log line.
    pub fn log(&self, plugin: &str, level: &'static str, message: String) {
        let line = LogLine {
            plugin: plugin.to_owned(),
            level,
            message,
        };
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        if log.len() >= LOG_LINES_KEPT {
            log.pop_front();
        }
        log.push_back(line);
    }

    /// Records a refused host call.
    pub(crate) fn refuse(&self, refusal: Refusal) {
        let mut refusals = self.refusals.lock().unwrap_or_else(PoisonError::into_inner);
        refusals.1 += 1;
        if refusals.0.len() < REFUSALS_KEPT {
            refusals.0.push(refusal);
        }
    }

    /// The first [`REFUSALS_KEPT`] refused host calls, and how many there
    /// were in all.
    pub fn refusals(&self) -> (Vec<Refusal>, usize) {
        self.refusals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Everything logged so far.
    pub fn log_lines(&self) -> Vec<LogLine> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }
}

/// Who a store belongs to and what it may do.
#[derive(Debug)]
pub(crate) struct PluginCtx {
    pub(crate) name: String,
    pub(crate) manifest: Option<CapabilityManifest>,
    pub(crate) services: Arc<HostServices>,
}

/// The data of every plugin store.
pub(crate) struct HostState {
    pub(crate) wasi: WasiP1Ctx,
    pub(crate) limits: StoreLimits,
    pub(crate) ctx: Arc<PluginCtx>,
    /// The deadline and log budget of the call in progress.
    pub(crate) budget: CallBudget,
}

struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A wasmtime engine configured for hostile plugins: epoch interruption
/// driven by a ticker thread, a bounded stack, and a linker holding WASI
/// preview 1 and the `lesstruct` host functions.
pub struct WasmEngine {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<HostState>,
    pub(crate) limits: WasmLimits,
    _ticker: Ticker,
}

impl std::fmt::Debug for WasmEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmEngine")
            .field("limits", &self.limits)
            .finish()
    }
}

impl WasmEngine {
    /// An engine with `limits`.
    pub fn new(limits: WasmLimits) -> Result<Self> {
        let setup = |e: wasmtime::Error| Error::PluginLoad {
            plugin: "<engine>".into(),
            reason: format!("{e:#}"),
        };
        let mut config = Config::new();
        config
            .epoch_interruption(true)
            .max_wasm_stack(limits.max_stack);
        let engine = Engine::new(&config).map_err(setup)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |s: &mut HostState| &mut s.wasi)
            .map_err(setup)?;
        deadline::add_to_linker(&mut linker).map_err(setup)?;
        hostfns::add_to_linker(&mut linker).map_err(setup)?;
        let stop = Arc::new(AtomicBool::new(false));
        let ticking = engine.clone();
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("hookcheck-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(TICK);
                    ticking.increment_epoch();
                }
            })
            .map_err(|e| Error::PluginLoad {
                plugin: "<engine>".into(),
                reason: format!("start the epoch ticker: {e}"),
            })?;
        Ok(Self {
            engine,
            linker,
            limits,
            _ticker: Ticker {
                stop,
                thread: Some(thread),
            },
        })
    }

    /// The underlying wasmtime engine (epoch interruption on), for tools
    /// that must measure against the same configuration.
    pub fn wasmtime(&self) -> &Engine {
        &self.engine
    }

    /// The limits every store gets.
    pub fn limits(&self) -> WasmLimits {
        self.limits
    }

    /// Deadline in epoch ticks, rounded up, plus one for the tick in flight.
    pub fn deadline_ticks(&self) -> u64 {
        let ticks = self.limits.deadline.as_nanos().div_ceil(TICK.as_nanos());
        u64::try_from(ticks).unwrap_or(u64::MAX).saturating_add(1)
    }
}
