//! The wasmtime side: one engine with an epoch ticker, the shared linker,
//! and the per-store state host functions see.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::{Config, Engine, Linker};

use super::hostfns;
use super::poll;
use super::state::HostState;
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
        poll::add_to_linker(&mut linker).map_err(setup)?;
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
