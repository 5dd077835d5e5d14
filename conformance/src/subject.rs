//! What a conformance run checks: a plugin artifact (or a bundled
//! in-process plugin), with its profile detected or chosen.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hookcheck::engine::Contract;
use hookcheck::featherfly::{
    FeatherFlyHost, Isolation, LoadError, NativeOptions, PluginInfo, RegInfo, RunnerCommand,
};
use hookcheck::host::ContractHost;
use hookcheck::pylon::{Plugin, PylonHost, PylonPlugin};
use hookcheck::rustant::AgentPlugin;

use crate::{Error, Inputs, Result};

mod bundled;
#[cfg(feature = "wasm")]
mod wasm;

pub use bundled::bundled_names;
#[cfg(feature = "wasm")]
pub(crate) use wasm::{Saved, WasmSubject};

/// Which profile to check against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileChoice {
    /// Detect from the artifact.
    Auto,
    /// A named profile.
    Fixed(Contract),
}

impl std::str::FromStr for ProfileChoice {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if s == "auto" {
            return Ok(Self::Auto);
        }
        hookcheck::contracts::from_name(s)
            .map(Self::Fixed)
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a profile (auto, {})",
                    hookcheck::contracts::names()
                )
            })
    }
}

/// Every hook of a native plugin driven once with the standard inputs.
#[derive(Debug)]
pub struct Exercise {
    /// Labelled traces.
    pub traces: Vec<(String, hookcheck::engine::Trace)>,
    /// Registration attempts after init.
    pub late: usize,
    /// Which registration each input called.
    pub coverage: Vec<crate::coverage::Exercised>,
    /// The input after which the exercise stopped because a hook timed
    /// out, if one did.
    pub stopped: Option<String>,
    /// What the author should know about what the inputs reached.
    pub notices: Vec<String>,
    /// What the sandbox refused, by the input during which it happened.
    pub acts: Vec<(String, hookcheck::engine::HostileAct)>,
    /// How many more acts there were.
    pub more_acts: usize,
    /// What confined the runner of the exercise.
    pub protections: Option<hookcheck::featherfly::Protections>,
    /// How long the exercise's load (the runner's start and every
    /// `init`) took.
    pub load_time: std::time::Duration,
}

impl Exercise {
    /// Hook calls over the whole exercise.
    pub fn calls(&self) -> usize {
        self.traces.iter().map(|(_, t)| t.steps.len()).sum()
    }
}

/// A native `.so` for the FeatherFly profile.
#[derive(Debug)]
pub struct NativeSubject {
    /// The file.
    pub path: PathBuf,
    /// How to start the child runner.
    pub runner: RunnerCommand,
    /// How long one hook call may take.
    pub timeout: Duration,
    /// Dynamic symbols it exports.
    pub symbols: Vec<String>,
    /// The shared exercise run, made on first use.
    pub exercised: std::sync::OnceLock<std::result::Result<Exercise, hookcheck::Error>>,
    /// Why the plugin did not load, once a load failed: a plugin whose
    /// `init` hangs costs the load budget once per run, not once per check.
    pub load_failure: std::sync::OnceLock<LoadError>,
    /// The plugins and registrations of the first load in this run.
    pub first_load: std::sync::OnceLock<(Vec<PluginInfo>, Vec<RegInfo>)>,
    /// How a later load differed from the first, once one did.
    pub drift: std::sync::Mutex<Option<String>>,
    /// The author's own inputs, sent after the standard ones.
    pub inputs: Arc<Inputs>,
    /// The run's one host, which the checks that make their own calls
    /// share (the plugin loads once per run, as the daemon loads it once
    /// per start); made by the exercise.
    pub shared: std::cell::RefCell<Option<FeatherFlyHost>>,
}

impl NativeSubject {
    /// The plugin loaded in a fresh child runner with output capacity
    /// `capacity`.
    pub fn host(&self, capacity: usize) -> hookcheck::Result<FeatherFlyHost> {
        if let Some(why) = self.load_failure.get() {
            return Err(hookcheck::Error::NativeLoad(why.clone()));
        }
        let options = NativeOptions {
            capacity,
            isolation: Isolation::Child {
                command: self.runner.clone(),
                timeout: self.timeout,
            },
        };
        let host =
            FeatherFlyHost::load(std::slice::from_ref(&self.path), &options).inspect_err(|e| {
                if let hookcheck::Error::NativeLoad(why) = e {
                    let _ = self.load_failure.set(why.clone());
                }
            })?;
        let seen = (host.plugins().to_vec(), host.registrations().to_vec());
        let first = self.first_load.get_or_init(|| seen.clone());
        if *first != seen {
            let mut drift = self
                .drift
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            drift.get_or_insert_with(|| {
                let differs = first
                    .1
                    .iter()
                    .zip(&seen.1)
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!(" (first difference: {:?}, then {:?})", a.kind, b.kind))
                    .unwrap_or_default();
                format!(
                    "one load registered {} hook(s), a later one {}{differs}: the plugin does not register the same way every time it loads",
                    first.1.len(),
                    seen.1.len()
                )
            });
        }
        Ok(host)
    }

    /// How a later load differed from the first, if one did.
    pub fn drift(&self) -> Option<String> {
        self.drift
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

type PylonMaker = Arc<dyn Fn() -> PylonPlugin + Send + Sync>;
type AgentMaker = Arc<dyn Fn() -> Box<dyn AgentPlugin> + Send + Sync>;

/// An in-process Pylon plugin, built fresh for each check.
#[derive(Clone)]
pub struct PylonSubject {
    /// Its name.
    pub name: String,
    /// Builds a fresh instance.
    pub make: PylonMaker,
    /// The author's own inputs, sent after the standard ones.
    pub inputs: Arc<Inputs>,
}

impl PylonSubject {
    /// A fresh instance as the crate's trait (a documented plugin through
    /// the adapter, without its `init`).
    pub fn plugin(&self) -> std::sync::Arc<dyn hookcheck::pylon::real::Plugin> {
        (self.make)().into_real()
    }

    /// A host with a fresh instance registered (a documented plugin after
    /// `init(null)`).
    pub fn host(&self) -> hookcheck::Result<PylonHost> {
        let mut host = PylonHost::new();
        host.register_any((self.make)(), &serde_json::Value::Null)?;
        Ok(host)
    }
}

/// An in-process Rustant plugin, built fresh for each check.
#[derive(Clone)]
pub struct RustantSubject {
    /// Its name.
    pub name: String,
    /// Builds a fresh instance.
    pub make: AgentMaker,
}

/// A native Rustant plugin: never loaded, only read.
#[derive(Debug)]
pub struct RustantNativeSubject {
    /// The file.
    pub path: PathBuf,
    /// The `rustc version …` line in its `.comment` section.
    pub plugin_rustc: Option<String>,
    /// The same line of the host (this executable).
    pub host_rustc: Option<String>,
}

type HostMaker = Box<dyn Fn() -> hookcheck::Result<Box<dyn ContractHost>> + Send + Sync>;

/// What the generic exercise saw: every trace, labelled, and which
/// registered hook each input called.
#[derive(Debug)]
pub struct HostedRun {
    /// Labelled traces.
    pub traces: Vec<(String, hookcheck::engine::Trace)>,
    /// Calls per registered hook.
    pub coverage: Vec<crate::coverage::Exercised>,
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

/// A copy of an in-process subject that can move to another thread.
pub(crate) enum Detached {
    Pylon(PylonSubject),
    Rustant(RustantSubject),
}

impl Detached {
    /// The subject again, on the thread it moved to.
    pub(crate) fn into_subject(self) -> Subject {
        match self {
            Detached::Pylon(p) => Subject::Pylon(p),
            Detached::Rustant(r) => Subject::Rustant(r),
        }
    }
}

/// The thing a run checks.
#[allow(
    clippy::large_enum_variant,
    reason = "a run holds one subject; boxing the larger variants buys nothing"
)]
pub enum Subject {
    /// Plugins of any contract, played through the host seam.
    Hosted(HostedSubject),
    /// A Lesstruct WASM module.
    #[cfg(feature = "wasm")]
    Wasm(WasmSubject),
    /// A FeatherFly native plugin.
    Native(NativeSubject),
    /// A Pylon in-process plugin.
    Pylon(PylonSubject),
    /// A Rustant in-process plugin.
    Rustant(RustantSubject),
    /// A Rustant native plugin.
    RustantNative(RustantNativeSubject),
}

impl std::fmt::Debug for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Subject({})", self.display_name())
    }
}

/// The `rustc version …` line of an ELF file's `.comment` section.
pub(crate) fn rustc_of(data: &[u8]) -> Option<String> {
    use object::{Object, ObjectSection};
    let file = object::File::parse(data).ok()?;
    let comment = file.section_by_name(".comment")?.data().ok()?;
    comment
        .split(|b| *b == 0)
        .filter_map(|s| std::str::from_utf8(s).ok())
        .find(|s| s.starts_with("rustc version"))
        .map(str::to_owned)
}

fn elf_symbols(path: &Path, data: &[u8]) -> Result<Vec<String>> {
    use object::{Object, ObjectSymbol};
    let file = object::File::parse(data).map_err(|e| {
        Error::artifact(
            path,
            format!("not a shared library this host can read: {e}"),
        )
    })?;
    let names = file
        .dynamic_symbols()
        .filter(|s| s.is_definition() && s.is_global())
        .filter_map(|s| s.name().ok().map(str::to_owned))
        .collect();
    Ok(names)
}

/// Where native plugins run: a child `hookcheck native-runner`. The
/// `hookcheck` executable is this one when it is `hookcheck`, else the one
/// `$HOOKCHECK` names, else the first on `PATH` (a plugin repo's
/// `cargo test` uses the installed one).
///
/// # Errors
///
/// No `hookcheck` executable was found.
pub fn native_runner() -> std::io::Result<RunnerCommand> {
    let runner = |program: PathBuf| RunnerCommand {
        program,
        args: vec!["native-runner".into()],
    };
    let exe = std::env::current_exe()?;
    if exe.file_stem().is_some_and(|s| s == "hookcheck") {
        return Ok(runner(exe));
    }
    if let Some(path) = std::env::var_os("HOOKCHECK") {
        return Ok(runner(path.into()));
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("hookcheck"))
            .find(|p| p.is_file())
    });
    on_path.map(runner).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "native plugins run in a child `hookcheck native-runner`, and no hookcheck executable was found: install it (`cargo install --locked --path conformance`) or set HOOKCHECK to its path",
        )
    })
}

/// The largest plugin file hookcheck reads: a native library. A WASM
/// module is held to [`hookcheck::limits::MAX_WASM_BYTES`] and WAT text to
/// [`hookcheck::limits::MAX_WAT_BYTES`], both refused before reading.
pub const MAX_ARTIFACT_BYTES: u64 = 256 << 20;
/// How long compiling a WASM module may take before the module counts as
/// too large to check.
pub const COMPILE_BUDGET: Duration = Duration::from_secs(60);

/// Whether the file at `path` starts like a WASM binary, read without
/// blocking; anything but a regular file is left to [`read_artifact`] to
/// refuse.
fn starts_as_wasm(path: &Path) -> bool {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    else {
        return false;
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut magic = [0u8; 4];
    file.take(4).read_exact(&mut magic).is_ok() && magic == *b"\0asm"
}

/// The most hookcheck reads of the plugin file at `path`, and what kind of
/// file that limit is for: WAT text (`.wat`), a WASM module (`.wasm` or
/// `\0asm`), or anything else.
fn artifact_limit(path: &Path) -> (u64, &'static str) {
    match path.extension().and_then(|e| e.to_str()) {
        Some("wat") => (hookcheck::limits::MAX_WAT_BYTES, "WAT text"),
        Some("wasm") => (hookcheck::limits::MAX_WASM_BYTES, "a WASM module"),
        _ if starts_as_wasm(path) => (hookcheck::limits::MAX_WASM_BYTES, "a WASM module"),
        _ => (MAX_ARTIFACT_BYTES, "a plugin file"),
    }
}

/// Reads a plugin file: a regular file of at most [`artifact_limit`]
/// bytes, refused before reading otherwise (a 255 MB module cost a minute
/// and 3 GB of compiling before it was refused).
fn read_artifact(path: &Path) -> Result<Vec<u8>> {
    let (max, what) = artifact_limit(path);
    let data = hookcheck::limits::read_bounded(path, max).map_err(|e| match e {
        // Too large: say whose limit it is.
        hookcheck::Error::Input { reason, .. } if reason.contains(" bytes") => {
            Error::artifact(path, format!("{reason} (hookcheck's limit for {what})"))
        }
        hookcheck::Error::Input { reason, .. } => Error::artifact(path, reason),
        hookcheck::Error::Io { source, .. } => Error::io("read", path, source),
        other => Error::artifact(path, other.to_string()),
    })?;
    // Swapped for a WASM module between the look and the read.
    if max == MAX_ARTIFACT_BYTES
        && data.starts_with(b"\0asm")
        && data.len() as u64 > hookcheck::limits::MAX_WASM_BYTES
    {
        return Err(Error::artifact(
            path,
            format!(
                "a WASM module of {} bytes; hookcheck compiles modules of at most {} bytes",
                data.len(),
                hookcheck::limits::MAX_WASM_BYTES
            ),
        ));
    }
    Ok(data)
}

/// A plugin file read and sniffed, before a profile opens it.
struct Artifact {
    path: PathBuf,
    data: Vec<u8>,
    #[cfg(feature = "wasm")]
    name: String,
    #[cfg(feature = "wasm")]
    is_wasm: bool,
    is_elf: bool,
}

impl Artifact {
    fn bad(&self, reason: String) -> Error {
        Error::artifact(&self.path, reason)
    }

    /// A FeatherFly native plugin, probed once: a file the loader refuses
    /// is bad input, not a plugin to check.
    fn featherfly(self, runner: Option<RunnerCommand>) -> Result<Subject> {
        let Artifact {
            path, data, is_elf, ..
        } = self;
        let bad = |reason: String| Error::artifact(&path, reason);
        if !is_elf {
            return Err(bad(
                "the featherfly profile needs an ELF shared library".into()
            ));
        }
        let symbols = elf_symbols(&path, &data)?;
        let runner = match runner {
            Some(r) => r,
            None => native_runner().map_err(|e| bad(e.to_string()))?,
        };
        let native = NativeSubject {
            path,
            runner,
            timeout: Duration::from_secs(2),
            symbols,
            exercised: std::sync::OnceLock::new(),
            load_failure: std::sync::OnceLock::new(),
            first_load: std::sync::OnceLock::new(),
            drift: std::sync::Mutex::new(None),
            inputs: Arc::default(),
            shared: std::cell::RefCell::new(None),
        };
        // A file the dynamic loader refuses is not a plugin to
        // check: every check would be a skip. (A plugin that loads
        // and then fails init is a finding of the FF-LOAD checks.)
        match native.host(hookcheck::featherfly::DEFAULT_CAPACITY) {
            Err(hookcheck::Error::NativeLoad(LoadError::NotLoadable { reason, .. })) => {
                return Err(Error::artifact(
                    &native.path,
                    format!("not a loadable shared library: {reason}"),
                ));
            }
            // hookcheck's own machinery failed: not the plugin's fault,
            // so not a verdict on it either.
            Err(hookcheck::Error::NativeLoad(why @ LoadError::HostFault { .. })) => {
                return Err(Error::artifact(&native.path, why.to_string()));
            }
            // The first load is the run's host: the plugin's `init` runs
            // once per run, as once per daemon start.
            Ok(host) => *native.shared.borrow_mut() = Some(host),
            Err(_) => {}
        }
        Ok(Subject::Native(native))
    }

    /// A native Rustant plugin: read, never loaded.
    fn rustant(self) -> Result<Subject> {
        let Artifact {
            path, data, is_elf, ..
        } = self;
        let bad = |reason: String| Error::artifact(&path, reason);
        if !is_elf {
            return Err(bad("a rustant artifact must be a native shared library; in-process plugins are checked from `cargo test` or as `rustant:NAME`".into()));
        }
        let host_rustc = std::env::current_exe()
            .ok()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|d| rustc_of(&d));
        Ok(Subject::RustantNative(RustantNativeSubject {
            path,
            plugin_rustc: rustc_of(&data),
            host_rustc,
        }))
    }
}

impl Subject {
    /// Opens `spec`: a `.wasm`/`.wat` file, a `.so` file, or a bundled
    /// in-process plugin `pylon:NAME` / `rustant:NAME`. Returns the subject
    /// and a sentence saying which profile was chosen and why. Native
    /// plugins run in `runner` (default: this executable's hidden
    /// `native-runner` subcommand).
    pub fn open(
        spec: &str,
        choice: ProfileChoice,
        runner: Option<RunnerCommand>,
    ) -> Result<(Subject, String)> {
        if let Some((kind, name)) = spec.split_once(':')
            && matches!(kind, "pylon" | "rustant")
            && !Path::new(spec).exists()
        {
            return bundled::bundled(kind, name, choice);
        }
        let path = PathBuf::from(spec);
        let bad = |reason: String| Error::artifact(&path, reason);
        let data = read_artifact(&path)?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        let is_wasm = data.starts_with(b"\0asm") || ext == "wat";
        let is_elf = data.starts_with(b"\x7fELF");
        let profile = match choice {
            ProfileChoice::Fixed(c) => c,
            ProfileChoice::Auto if is_wasm => hookcheck::lesstruct::CONTRACT,
            ProfileChoice::Auto if is_elf => {
                let symbols = elf_symbols(&path, &data)?;
                if symbols.iter().any(|s| s == "featherfly_plugin_entry") {
                    hookcheck::featherfly::CONTRACT
                } else if symbols.iter().any(|s| s == "rustant_plugin_create") {
                    hookcheck::rustant::CONTRACT
                } else {
                    return Err(bad(
                        "a shared library that exports neither `featherfly_plugin_entry` nor `rustant_plugin_create`; pass --profile to check it anyway".into(),
                    ));
                }
            }
            ProfileChoice::Auto => {
                return Err(bad(
                    "not a plugin: neither a WASM module (`\\0asm`) nor an ELF shared library"
                        .into(),
                ));
            }
        };
        let why = match choice {
            ProfileChoice::Fixed(c) => format!("profile {c} (from --profile)"),
            ProfileChoice::Auto if is_wasm => "profile lesstruct (a WASM module)".into(),
            ProfileChoice::Auto if profile == hookcheck::featherfly::CONTRACT => {
                "profile featherfly (exports `featherfly_plugin_entry`)".into()
            }
            ProfileChoice::Auto => "profile rustant (exports `rustant_plugin_create`)".into(),
        };
        #[cfg(feature = "wasm")]
        let name = path
            .file_stem()
            .map_or_else(|| "plugin".into(), |s| s.to_string_lossy().into_owned());
        let artifact = Artifact {
            path,
            data,
            #[cfg(feature = "wasm")]
            name,
            #[cfg(feature = "wasm")]
            is_wasm,
            is_elf,
        };
        let subject = match profile {
            #[cfg(feature = "wasm")]
            hookcheck::lesstruct::CONTRACT => artifact.lesstruct()?,
            #[cfg(not(feature = "wasm"))]
            hookcheck::lesstruct::CONTRACT => return Err(artifact.bad("this hookcheck was built without its `wasm` feature, which Lesstruct plugins need; install it with default features".into())),
            hookcheck::featherfly::CONTRACT => artifact.featherfly(runner)?,
            hookcheck::rustant::CONTRACT => artifact.rustant()?,
            hookcheck::pylon::CONTRACT => return Err(artifact.bad("pylon plugins are Rust values compiled into the host; check them from `cargo test` with hookcheck_conformance, or name a bundled one as `pylon:NAME`".into())),
            other => return Err(artifact.bad(format!(
                "the {other} contract has no artifact loader; check its plugins through the library (`Subject::hosted`)"
            ))),
        };
        Ok((subject, why))
    }

    /// The same subject, fed `inputs` (recorded fixtures, see [`Inputs`])
    /// after the standard inputs by every check that sends that kind of
    /// input. A Rustant plugin takes none: check [`Subject::takes_inputs`].
    #[must_use]
    pub fn with_inputs(mut self, inputs: Inputs) -> Self {
        let inputs = Arc::new(inputs);
        match &mut self {
            #[cfg(feature = "wasm")]
            Subject::Wasm(w) => w.inputs = inputs,
            Subject::Native(n) => n.inputs = inputs,
            Subject::Pylon(p) => p.inputs = inputs,
            Subject::Hosted(_) | Subject::Rustant(_) | Subject::RustantNative(_) => {}
        }
        self
    }

    /// Whether checks feed this subject the author's inputs (Pylon,
    /// Lesstruct and FeatherFly plugins do; Rustant plugins and hosted
    /// contracts do not).
    pub fn takes_inputs(&self) -> bool {
        match self {
            #[cfg(feature = "wasm")]
            Subject::Wasm(_) => true,
            Subject::Native(_) | Subject::Pylon(_) => true,
            Subject::Hosted(_) | Subject::Rustant(_) | Subject::RustantNative(_) => false,
        }
    }

    /// A copy that can move to another thread and outlive this one, for
    /// a subject whose plugin runs in this process (Pylon, Rustant): its
    /// checks run on a worker thread, so a hook that never returns costs a
    /// deadline, not the run. `None` for the others, whose hooks have
    /// deadlines of their own (a child runner, an epoch deadline).
    pub(crate) fn detached(&self) -> Option<Detached> {
        match self {
            Subject::Pylon(p) => Some(Detached::Pylon(p.clone())),
            Subject::Rustant(r) => Some(Detached::Rustant(r.clone())),
            _ => None,
        }
    }

    /// What confined the plugin while its checks ran, for a plugin that
    /// runs in a child runner (after the checks ran).
    pub fn protections(&self) -> Option<hookcheck::featherfly::Protections> {
        match self {
            Subject::Native(n) => n
                .exercised
                .get()
                .and_then(|e| e.as_ref().ok())
                .and_then(|e| e.protections.clone()),
            _ => None,
        }
    }

    /// The contract this subject is checked against.
    pub fn contract(&self) -> Contract {
        match self {
            Subject::Hosted(h) => h.contract,
            #[cfg(feature = "wasm")]
            Subject::Wasm(_) => hookcheck::lesstruct::CONTRACT,
            Subject::Native(_) => hookcheck::featherfly::CONTRACT,
            Subject::Pylon(_) => hookcheck::pylon::CONTRACT,
            Subject::Rustant(_) | Subject::RustantNative(_) => hookcheck::rustant::CONTRACT,
        }
    }

    /// The artifact's path, if it is a file.
    pub fn path(&self) -> Option<&Path> {
        match self {
            #[cfg(feature = "wasm")]
            Subject::Wasm(s) => Some(&s.path),
            Subject::Native(s) => Some(&s.path),
            Subject::RustantNative(s) => Some(&s.path),
            Subject::Pylon(_) | Subject::Rustant(_) | Subject::Hosted(_) => None,
        }
    }

    /// A name for reports.
    pub fn display_name(&self) -> String {
        match self {
            Subject::Pylon(p) => format!("pylon:{}", p.name),
            Subject::Rustant(p) => format!("rustant:{}", p.name),
            Subject::Hosted(h) => format!("{}:{}", h.contract, h.name),
            other => other
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        }
    }

    /// A subject for an in-process plugin written against the
    /// `pylon-plugin` crate, built by `make`:
    /// `Subject::pylon("mine", || Arc::new(Mine::default()))`.
    pub fn pylon(
        name: impl Into<String>,
        make: impl Fn() -> std::sync::Arc<dyn hookcheck::pylon::real::Plugin> + Send + Sync + 'static,
    ) -> Self {
        Self::pylon_any(name, move || PylonPlugin::Real(make()))
    }

    /// A subject for an in-process plugin written to the documentation
    /// page's trait ([`hookcheck::pylon::Plugin`]), built by `make`; it
    /// runs on the real host model through the adapter.
    pub fn pylon_documented(
        name: impl Into<String>,
        make: impl Fn() -> Box<dyn Plugin> + Send + Sync + 'static,
    ) -> Self {
        Self::pylon_any(name, move || PylonPlugin::Documented(make()))
    }

    /// A subject for an in-process Pylon plugin of either kind.
    pub fn pylon_any(
        name: impl Into<String>,
        make: impl Fn() -> PylonPlugin + Send + Sync + 'static,
    ) -> Self {
        Subject::Pylon(PylonSubject {
            name: name.into(),
            make: Arc::new(make),
            inputs: Arc::default(),
        })
    }

    /// A subject for plugins of `contract` played by the host `make`
    /// builds (a contract added through the host seam; its suite is
    /// [`Suite::hosted`](crate::Suite::hosted)).
    pub fn hosted(
        name: impl Into<String>,
        contract: Contract,
        make: impl Fn() -> hookcheck::Result<Box<dyn ContractHost>> + Send + Sync + 'static,
    ) -> Self {
        Subject::Hosted(HostedSubject {
            name: name.into(),
            contract,
            make: Box::new(make),
            exercised: std::sync::OnceLock::new(),
        })
    }

    /// A subject for an in-process Rustant plugin built by `make`.
    pub fn rustant(
        name: impl Into<String>,
        make: impl Fn() -> Box<dyn AgentPlugin> + Send + Sync + 'static,
    ) -> Self {
        Subject::Rustant(RustantSubject {
            name: name.into(),
            make: Arc::new(make),
        })
    }
}
