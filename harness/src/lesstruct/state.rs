//! What every plugin store holds: who it belongs to, what it may do, the
//! host's services (database, HTTP, log, refusals) and the budget of the
//! call in progress.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};

use wasmtime::StoreLimits;
use wasmtime_wasi::p1::WasiP1Ctx;

use super::database::ContentDb;
use super::deadline::CallBudget;
use super::http::HttpClient;
use super::manifest::CapabilityManifest;
use crate::Result;

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
