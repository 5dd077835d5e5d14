//! The three builds of the gate, each with its engine path and its floor.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use hookcheck::engine::{AuthContext, HttpMethod, RequestMeta, TraceMode};
use hookcheck::featherfly::{FeatherFlyHost, NativeOptions, NativeRequest};
use hookcheck::fixtures::{Event, RequestEvent, read_fixture};
use hookcheck::lesstruct::{HostServices, INPUT_OFFSET, WasmEngine, WasmLimits, WasmPlugin};
use hookcheck::pylon::{PylonHost, on_request, pylon_auth, real_auth};
use hookcheck_fixtures::RealGate;
use hookcheck_fixtures::artifacts::{native_fixture_release, wasm_fixture, workspace_root};

use crate::BenchError;
use wasmtime::{Linker, Memory, Module, Store, TypedFunc};
use wasmtime_wasi::p1::WasiP1Ctx;

/// The recorded request fixture every form sees.
pub fn recorded_request() -> Result<RequestEvent, BenchError> {
    let path = workspace_root().join("fixtures/requests/before_request_530.json");
    match read_fixture(&path)?.event {
        Event::Request(request) => Ok(request),
        other => Err(BenchError(format!(
            "failed to use {}: it holds a {} event, not a request",
            path.display(),
            other.kind()
        ))),
    }
}

/// The recorded request as the ~530 bytes of JSON the WASM form reads.
pub fn request_json() -> Result<Vec<u8>, BenchError> {
    serde_json::to_vec(&recorded_request()?)
        .map_err(|e| BenchError(format!("failed to encode the recorded request: {e}")))
}

fn w<T>(r: wasmtime::Result<T>) -> Result<T, BenchError> {
    r.map_err(|e| BenchError(format!("failed to set up the raw wasmtime floor: {e:#}")))
}

type RawGate = unsafe extern "C" fn(*const u8, usize) -> i32;

/// The raw wasmtime floor: same module, same copy into memory, same epoch
/// interruption, no engine.
struct RawWasm {
    store: Store<WasiP1Ctx>,
    memory: Memory,
    func: TypedFunc<(i32, i32), i32>,
    ticks: u64,
}

/// Everything the benchmarks call.
pub struct Forms {
    pylon: PylonHost,
    /// The crate's own registry with the same plugin: the real host's
    /// dispatch, the second in-process floor.
    registry: hookcheck::pylon::real::PluginRegistry,
    /// The request's method, as the crate's hooks get it.
    method: &'static str,
    gate: RealGate,
    meta: RequestMeta,
    auth: AuthContext,
    real_auth: pylon_auth::AuthContext,
    native: FeatherFlyHost,
    native_req: NativeRequest,
    native_response: std::cell::RefCell<Vec<u8>>,
    raw_native: RawGate,
    _lib: libloading::Library,
    wasm_engine: WasmEngine,
    wasm: WasmPlugin,
    wasm_input: Vec<u8>,
    raw_wasm: RawWasm,
    /// The WASM module's path (for compile/instantiate benches).
    pub wasm_path: PathBuf,
}

impl Forms {
    /// Builds the fixtures (first time) and sets every form up.
    pub fn new() -> Result<Self, BenchError> {
        let request = recorded_request()?;
        let headers: Vec<(String, String)> = request.headers.clone().into_iter().collect();
        let client_ip = request.client_ip.clone();
        let path = request.path.clone();

        let mut pylon = PylonHost::new().with_trace_mode(TraceMode::Off);
        pylon.register(Arc::new(RealGate::default()))?;
        let mut registry = hookcheck::pylon::real::PluginRegistry::new(
            hookcheck::pylon::pylon_kernel::AppManifest::default(),
        );
        registry.register(Arc::new(RealGate::default()));
        let mut meta = RequestMeta::new(HttpMethod::Get, path.clone(), client_ip);
        meta.headers.clone_from(&headers);

        let so = native_fixture_release("gate")?;
        let native = FeatherFlyHost::load(std::slice::from_ref(&so), &NativeOptions::default())?
            .with_trace_mode(TraceMode::Off);
        let native_req = NativeRequest {
            method: HttpMethod::Get,
            path,
            headers: headers.clone(),
            body: Vec::new(),
        };
        // SAFETY: loading the fixture we just built; its `gate_raw` has this type.
        let lib = unsafe { libloading::Library::new(&so) }
            .map_err(|e| BenchError(format!("failed to load {}: {e}", so.display())))?;
        // SAFETY: as above.
        let raw_native = *unsafe { lib.get::<RawGate>(b"gate_raw") }
            .map_err(|e| BenchError(format!("failed to find gate_raw: {e}")))?;

        let wasm_path = wasm_fixture("gate_wasm");
        let wasm_engine = WasmEngine::new(WasmLimits::default())?;
        let services = Arc::new(HostServices::new()?);
        let wasm = WasmPlugin::load(&wasm_engine, &wasm_path, services)?;
        let wasm_input = request_json()?;
        let raw_wasm = Self::raw_wasm(&wasm_engine, &wasm_path)?;
        Ok(Self {
            pylon,
            registry,
            method: HttpMethod::Get.as_str(),
            gate: RealGate::default(),
            meta,
            auth: AuthContext::anonymous(),
            real_auth: real_auth(&AuthContext::anonymous()),
            native,
            native_req,
            native_response: std::cell::RefCell::new(Vec::new()),
            raw_native,
            _lib: lib,
            wasm_engine,
            wasm,
            wasm_input,
            raw_wasm,
            wasm_path,
        })
    }

    fn raw_wasm(engine: &WasmEngine, path: &PathBuf) -> Result<RawWasm, BenchError> {
        let module = w(Module::from_file(engine.wasmtime(), path))?;
        let mut linker: Linker<WasiP1Ctx> = Linker::new(engine.wasmtime());
        w(wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |c| c))?;
        let mut store = Store::new(
            engine.wasmtime(),
            wasmtime_wasi::WasiCtxBuilder::new().build_p1(),
        );
        store.set_epoch_deadline(engine.deadline_ticks());
        store.epoch_deadline_trap();
        let instance = w(linker.instantiate(&mut store, &module))?;
        if let Ok(init) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
            w(init.call(&mut store, ()))?;
        }
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| BenchError("failed to find the gate module's memory".into()))?;
        let func =
            w(instance.get_typed_func::<(i32, i32), i32>(&mut store, "hook_before_request"))?;
        Ok(RawWasm {
            store,
            memory,
            func,
            ticks: engine.deadline_ticks(),
        })
    }

    /// The engine this process's WASM plugin runs on.
    pub fn wasm_engine(&self) -> &WasmEngine {
        &self.wasm_engine
    }

    /// In-process, through the Pylon host's fast path (what `serve` and
    /// `hookcheck bench` run: the registry's loop, panics caught, no trace).
    /// `true` when the request goes on.
    pub fn in_process(&self) -> bool {
        let peer = hookcheck::pylon::real::RequestMeta {
            peer_ip: &self.meta.client_ip,
        };
        matches!(
            self.pylon
                .before_request_fast(self.method, &self.meta.path, &self.real_auth, &peer),
            hookcheck::pylon::FastRequest::Continue
        )
    }

    /// In-process, through the traced path the checks read.
    pub fn in_process_traced(&self) -> bool {
        self.pylon
            .before_request(&self.meta, &self.auth)
            .response
            .is_none()
    }

    /// The real host's dispatch: the crate's `PluginRegistry` with the
    /// same plugin, `run_on_request_with_meta`.
    pub fn in_process_registry(&self) -> bool {
        let peer = hookcheck::pylon::real::RequestMeta {
            peer_ip: &self.meta.client_ip,
        };
        self.registry
            .run_on_request_with_meta(self.method, &self.meta.path, &self.real_auth, &peer)
            .is_ok()
    }

    /// In-process floor: the plugin's trait method called directly, with
    /// the crate's arguments prepared once.
    pub fn in_process_floor(&self) -> bool {
        on_request(&self.gate, &self.meta, &self.real_auth).is_ok()
    }

    /// Native, through the FeatherFly host (in-process isolation).
    pub fn native(&self) -> bool {
        self.native.request(&self.native_req).response.is_none()
    }

    /// Native floor: what FeatherFly prepares for every request hook call
    /// before the plugin runs, since the contract hands plugins both, so a
    /// fair floor pays for them too: the headers JSON, and a zeroed
    /// response buffer of twice the body, at least 8192 bytes
    /// (application/src/plugins/events.rs:249-255 at 009ad58; the daemon
    /// allocates it fresh, the engine and this floor zero one they keep).
    /// Then the same function through a raw `libloading` symbol.
    pub fn native_floor(&self) -> bool {
        let json = hookcheck::featherfly::headers_json(&self.native_req.headers);
        let mut response = self.native_response.borrow_mut();
        response.clear();
        response.resize(self.native_req.body.len().max(4096).saturating_mul(2), 0);
        black_box(response.as_mut_ptr());
        // SAFETY: `gate_raw` reads `len` bytes at the pointer we pass.
        unsafe { (self.raw_native)(json.as_ptr(), json.len()) == 0 }
    }

    /// WASM, through the engine's memory protocol.
    pub fn wasm(&mut self) -> bool {
        matches!(
            self.wasm.call_hook("before_request", &self.wasm_input),
            Ok(None)
        )
    }

    /// WASM floor: the same copy into memory and a raw typed call under the
    /// same epoch interruption.
    pub fn wasm_floor(&mut self) -> bool {
        let raw = &mut self.raw_wasm;
        let len = self.wasm_input.len();
        if raw
            .memory
            .write(&mut raw.store, INPUT_OFFSET as usize, &self.wasm_input)
            .is_err()
        {
            return false;
        }
        raw.store.set_epoch_deadline(raw.ticks);
        matches!(
            raw.func
                .call(&mut raw.store, (INPUT_OFFSET as i32, len as i32)),
            Ok(0)
        )
    }
}
