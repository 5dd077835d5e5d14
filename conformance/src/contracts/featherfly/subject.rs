//! A FeatherFly plugin as a subject: a native library loaded in a child
//! runner, with the exercise its checks share.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hookcheck::featherfly::{
    FeatherFlyHost, Isolation, LoadError, NativeOptions, PluginInfo, RegInfo, RunnerCommand,
};

use crate::subject::{Artifact, Subject};
use crate::{Error, Inputs, Result};

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
    /// How many times the plugin was loaded (a runner started) so far.
    pub loads: std::sync::atomic::AtomicUsize,
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
        self.loads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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

/// A FeatherFly native plugin, probed once: a file the loader refuses
/// is bad input, not a plugin to check.
pub(super) fn open(artifact: Artifact, runner: Option<RunnerCommand>) -> Result<Subject> {
    if !artifact.is_elf() {
        return Err(artifact.bad("the featherfly profile needs an ELF shared library"));
    }
    let symbols = artifact.symbols()?.to_vec();
    let path = artifact.path;
    let bad = |reason: String| Error::artifact(&path, reason);
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
        loads: std::sync::atomic::AtomicUsize::new(0),
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
    Ok(Subject::new(native))
}
