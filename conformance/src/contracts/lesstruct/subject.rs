//! A Lesstruct WASM module as a subject (feature `wasm`): compiled once,
//! with its manifest and the save run its checks share.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hookcheck::lesstruct::{
    CapabilityManifest, LesstructHost, WasmEngine, WasmLimits, WasmModule, WasmPlugin,
};

use crate::subject::{Artifact, Subject};
use crate::{Inputs, Result};

/// How long compiling a WASM module may take before the module counts as
/// too large to check.
pub const COMPILE_BUDGET: Duration = Duration::from_secs(60);

/// The standard inputs saved once through a fresh host: what several
/// Lesstruct checks read.
#[derive(Debug)]
pub struct Saved {
    /// One save per standard input.
    pub runs: Vec<hookcheck::lesstruct::SaveRun>,
    /// The `after_create` and `after_publish` runs over the same inputs,
    /// labelled.
    pub after: Vec<(String, hookcheck::engine::Trace)>,
    /// The plugin's memory size afterwards.
    pub memory_size: u64,
    /// The first host calls refused under the manifest (`function: error:
    /// reason`), from the host's typed record of refusals, not its log.
    pub denied: Vec<String>,
    /// How many host calls were refused in all.
    pub refused: usize,
    /// How many host functions the plugin called over the save run.
    pub host_calls: u64,
    /// Which invoked hooks the save run called.
    pub coverage: Vec<crate::coverage::Exercised>,
    /// What timed out, when the save run stopped at a timeout.
    pub stopped: Option<String>,
}

impl Saved {
    /// Every trace of the save run: the saves, then the after hooks.
    pub fn traces(&self) -> impl Iterator<Item = &hookcheck::engine::Trace> {
        self.runs
            .iter()
            .map(|r| &r.trace)
            .chain(self.after.iter().map(|(_, t)| t))
    }
}

/// A WASM module for the Lesstruct profile.
#[derive(Debug)]
pub struct WasmSubject {
    /// The file.
    pub path: PathBuf,
    /// The plugin's name (the file stem).
    pub name: String,
    /// The module in binary form.
    pub binary: Vec<u8>,
    /// The manifest beside it: absent, parsed, or the parse error.
    pub manifest: Option<std::result::Result<CapabilityManifest, String>>,
    /// Limits for every check's host.
    pub limits: WasmLimits,
    /// The engine every check's host runs on.
    pub engine: Arc<WasmEngine>,
    /// The module, compiled once for the whole run.
    pub module: WasmModule,
    /// The shared save run, made on first use.
    pub saved: std::sync::OnceLock<std::result::Result<Saved, String>>,
    /// The author's own inputs, saved after the standard ones.
    pub inputs: Arc<Inputs>,
}

impl WasmSubject {
    /// A fresh host with this plugin loaded; the error is the load error.
    pub fn host(&self) -> std::result::Result<LesstructHost, String> {
        let mut host =
            LesstructHost::with_engine(Arc::clone(&self.engine)).map_err(|e| e.to_string())?;
        let manifest = self.manifest.clone().and_then(std::result::Result::ok);
        host.load_module(&self.name, self.module.clone(), manifest)
            .map_err(|e| e.to_string())?;
        Ok(host)
    }
}

/// Compiles `binary` on `engine` within [`COMPILE_BUDGET`]. Cranelift
/// cannot be interrupted: a compile past the budget is left to finish on
/// its thread while the run fails.
fn compile(engine: &Arc<WasmEngine>, binary: &[u8]) -> std::result::Result<WasmModule, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let engine = Arc::clone(engine);
    let binary = binary.to_vec();
    std::thread::Builder::new()
        .name("hookcheck-compile".into())
        .spawn(move || {
            let _ = tx.send(WasmPlugin::compile(&engine, &binary));
        })
        .map_err(|e| format!("cannot start the compiler thread: {e}"))?;
    match rx.recv_timeout(COMPILE_BUDGET) {
        Ok(result) => result,
        Err(_) => Err(format!(
            "compiling took longer than {} s: the module is too large to check",
            COMPILE_BUDGET.as_secs()
        )),
    }
}

/// A Lesstruct WASM module, compiled once for every check.
pub(super) fn open(artifact: Artifact) -> Result<Subject> {
    if !artifact.is_wasm() {
        return Err(artifact.bad("the lesstruct profile needs a WASM module"));
    }
    let name = artifact.name();
    let Artifact { path, data, .. } = artifact;
    let bad = |reason: String| crate::Error::artifact(&path, reason);
    // Past hookcheck's limits (size, exports, functions, instructions)
    // the module is refused here, before an engine starts or a
    // compiler sees it.
    let binary = hookcheck::limits::wasm_binary(&data)
        .map_err(bad)?
        .into_owned();
    let limits = WasmLimits {
        deadline: Duration::from_secs(2),
        ..WasmLimits::default()
    };
    // A module wasmtime cannot compile is not a plugin to check:
    // every check would be a skip. It is compiled once, here,
    // for every check.
    let engine = Arc::new(
        WasmEngine::new(limits).map_err(|e| bad(format!("the WASM engine did not start: {e}")))?,
    );
    let module = compile(&engine, &binary).map_err(bad)?;
    let manifest_path = path.with_extension("manifest");
    let manifest = manifest_path
        .is_file()
        .then(|| CapabilityManifest::read(&manifest_path).map_err(|e| e.to_string()));
    Ok(Subject::new(WasmSubject {
        path,
        name,
        binary,
        manifest,
        limits,
        engine,
        module,
        saved: std::sync::OnceLock::new(),
        inputs: Arc::default(),
    }))
}
