//! Native plugins in a child process, so a segfault, `abort()`, a panic
//! across `extern "C"` or `exit(0)` inside a hook is an outcome, not the
//! end of the host.
//!
//! # Protocol
//!
//! The parent starts the runner (any program that calls [`serve_runner`])
//! and speaks in frames over its stdin and stdout: a little-endian `u32`
//! length, then that many bytes of JSON. Requests are [`Request`]s, each
//! answered by one [`Response`]. The runner moves its real stdout aside at
//! start, so whatever plugins print goes to stderr and never into a frame.
//! The parent reads that stderr and keeps its last few KiB: when the runner
//! dies, they (a panic message, an assertion) go into the crash outcome.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStderr, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::calls::{HookInput, HookOutput, PluginInfo, RegInfo};
use super::library::InProcess;
use super::load_error::LoadError;
use crate::Error;
use crate::engine::Failure;

/// A request from host to runner.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Load these files in this order with this output capacity.
    Load {
        /// The plugin files.
        paths: Vec<PathBuf>,
        /// Output buffer capacity in bytes.
        capacity: usize,
    },
    /// Call registration `reg`.
    Call {
        /// The registration index.
        reg: usize,
        /// The input.
        input: HookInput,
    },
    /// Run every `shutdown` and exit.
    Shutdown,
}

/// The runner's answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Response {
    /// Loaded.
    Loaded {
        /// Descriptors in load order.
        plugins: Vec<PluginInfo>,
        /// Registrations in load order.
        registrations: Vec<RegInfo>,
        /// Load warnings.
        warnings: Vec<String>,
        /// Registrations refused after init, per plugin.
        late: Vec<usize>,
    },
    /// Loading failed, or the request could not be served.
    Failed {
        /// Why.
        error: LoadError,
    },
    /// A hook call's output.
    Called {
        /// The output.
        output: HookOutput,
    },
    /// Shut down.
    Done,
}

fn write_frame(w: &mut impl Write, value: &impl Serialize) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    let len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(&bytes)?;
    w.flush()
}

fn read_frame(r: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let mut buf = vec![0; u32::from_le_bytes(len) as usize];
    r.read_exact(&mut buf)?;
    Ok(buf)
}

/// The runner's main loop: serve requests on stdin until `Shutdown` or EOF.
/// Returns the process exit code.
pub fn serve_runner() -> i32 {
    // Keep the protocol on a private copy of stdout; point fd 1 at stderr.
    // SAFETY: plain fd duplication on descriptors this process owns.
    let proto_fd = unsafe { libc::dup(1) };
    if proto_fd < 0 || unsafe { libc::dup2(2, 1) } < 0 {
        return 3;
    }
    // SAFETY: `proto_fd` is a fresh descriptor owned from here on.
    let mut out: std::fs::File = unsafe { std::os::fd::FromRawFd::from_raw_fd(proto_fd) };
    let mut input = std::io::stdin().lock();
    let mut loaded: Option<InProcess> = None;
    while let Ok(frame) = read_frame(&mut input) {
        let response = match serde_json::from_slice::<Request>(&frame) {
            Err(e) => Response::Failed {
                error: LoadError::HostFault {
                    reason: format!("bad request: {e}"),
                },
            },
            Ok(Request::Load { paths, capacity }) => match InProcess::load(&paths, capacity) {
                Ok(set) => {
                    let r = Response::Loaded {
                        plugins: set.plugins(),
                        registrations: set.registrations(),
                        warnings: set.warnings().to_vec(),
                        late: set.late_registrations(),
                    };
                    loaded = Some(set);
                    r
                }
                Err(Error::NativeLoad(error)) => Response::Failed { error },
                Err(e) => Response::Failed {
                    error: LoadError::HostFault {
                        reason: e.to_string(),
                    },
                },
            },
            Ok(Request::Call { reg, input }) => match loaded.as_mut() {
                Some(set) => Response::Called {
                    output: set.call(reg, &input),
                },
                None => Response::Failed {
                    error: LoadError::HostFault {
                        reason: "a call before anything was loaded".into(),
                    },
                },
            },
            Ok(Request::Shutdown) => {
                if let Some(mut set) = loaded.take() {
                    set.shutdown();
                }
                let _ = write_frame(&mut out, &Response::Done);
                return 0;
            }
        };
        if write_frame(&mut out, &response).is_err() {
            return 4;
        }
    }
    0
}

/// The name of the signal or exit that ended a child.
fn death(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.signal(), status.code()) {
        (Some(sig), _) => match sig {
            libc::SIGSEGV => "SIGSEGV".into(),
            libc::SIGABRT => "SIGABRT".into(),
            libc::SIGBUS => "SIGBUS".into(),
            libc::SIGILL => "SIGILL".into(),
            libc::SIGFPE => "SIGFPE".into(),
            libc::SIGKILL => "SIGKILL".into(),
            libc::SIGTERM => "SIGTERM".into(),
            libc::SIGPIPE => "SIGPIPE".into(),
            other => format!("signal {other}"),
        },
        (None, Some(code)) => format!("exit status {code} (the plugin ended the process)"),
        (None, None) => "an unknown exit".into(),
    }
}

struct Running {
    child: Child,
    stdin: ChildStdin,
    frames: Receiver<std::io::Result<Vec<u8>>>,
    stderr: StderrTail,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How much of the runner's stderr the parent keeps since the last call
/// began: this much from the start (where a panic message is) and this much
/// from the end (where an abort message is).
const STDERR_KEEP: usize = 8 * 1024;

/// The start and the end of what the runner wrote to stderr, read on a
/// thread of their own so a chatty plugin never blocks on a full pipe.
struct StderrTail {
    kept: Arc<Mutex<Kept>>,
    /// Says "closed" once the runner's stderr reached end of file.
    closed: Receiver<()>,
}

#[derive(Default)]
struct Kept {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    /// Bytes dropped between `head` and `tail`.
    skipped: usize,
}

impl Kept {
    fn push(&mut self, mut bytes: &[u8]) {
        let room = STDERR_KEEP - self.head.len();
        if room > 0 {
            let n = room.min(bytes.len());
            self.head.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
        }
        self.tail.extend(bytes);
        let excess = self.tail.len().saturating_sub(STDERR_KEEP);
        self.tail.drain(..excess);
        self.skipped += excess;
    }

    fn text(&self) -> String {
        let mut all = self.head.clone();
        if self.skipped > 0 {
            all.extend_from_slice(format!("\n[{} bytes left out]\n", self.skipped).as_bytes());
        }
        all.extend(&self.tail);
        String::from_utf8_lossy(&all).into_owned()
    }
}

impl StderrTail {
    fn follow(mut stderr: ChildStderr) -> Self {
        let kept = Arc::new(Mutex::new(Kept::default()));
        let (tx, rx) = channel();
        let sink = Arc::clone(&kept);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 1024];
            loop {
                let n = match stderr.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                };
                sink.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(&chunk[..n]);
            }
            let _ = tx.send(());
        });
        Self { kept, closed: rx }
    }

    /// Forgets what was written so far (before a call, so a crash report
    /// shows only that call's output).
    fn clear(&self) {
        *self.kept.lock().unwrap_or_else(PoisonError::into_inner) = Kept::default();
    }

    /// What was kept, once the runner is dead: waits (briefly) for the
    /// reader to see end of file, so the last lines are in.
    fn last_words(&self) -> String {
        let _ = self.closed.recv_timeout(Duration::from_secs(1));
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .text()
    }
}

fn no_runner() -> Failure {
    Failure::Crash {
        signal: "no runner".into(),
        stderr: String::new(),
    }
}

/// How to start the runner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunnerCommand {
    /// The program.
    pub program: PathBuf,
    /// Its arguments (e.g. a hidden subcommand).
    pub args: Vec<String>,
}

/// What a (re)started runner reported after loading.
#[derive(Clone, Debug, Default)]
pub(crate) struct LoadedInfo {
    pub(crate) plugins: Vec<PluginInfo>,
    pub(crate) registrations: Vec<RegInfo>,
    pub(crate) warnings: Vec<String>,
    pub(crate) late: Vec<usize>,
}

/// How long loading (dlopen and every `init`) may take in the runner. It is
/// separate from the per-call timeout: starting a process and mapping
/// libraries on a loaded CI machine takes far longer than one hook call
/// should, and a short call timeout must not make a healthy load fail.
pub(crate) const LOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// The parent's side: a runner process with the plugins loaded, restarted
/// after each crash or timeout.
pub(crate) struct ChildRunner {
    command: RunnerCommand,
    paths: Vec<PathBuf>,
    capacity: usize,
    timeout: Duration,
    running: Option<Running>,
}

impl ChildRunner {
    pub(crate) fn start(
        command: RunnerCommand,
        paths: Vec<PathBuf>,
        capacity: usize,
        timeout: Duration,
    ) -> Result<(Self, LoadedInfo), LoadError> {
        let mut runner = Self {
            command,
            paths,
            capacity,
            timeout,
            running: None,
        };
        let info = runner.spawn()?;
        Ok((runner, info))
    }

    fn spawn(&mut self) -> Result<LoadedInfo, LoadError> {
        self.running = None;
        let mut child = Command::new(&self.command.program)
            .args(&self.command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A plugin panic that aborts the runner is reported as the
            // crash outcome; a symbolized backtrace of it would only flood
            // the host's stderr and take seconds to print.
            .env("RUST_BACKTRACE", "0")
            .spawn()
            .map_err(|e| LoadError::HostFault {
                reason: format!(
                    "cannot start the native runner {}: {e}",
                    self.command.program.display()
                ),
            })?;
        let (Some(stdin), Some(mut stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(LoadError::HostFault {
                reason: "the native runner has no pipes".into(),
            });
        };
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            loop {
                let frame = read_frame(&mut stdout);
                let stop = frame.is_err();
                if tx.send(frame).is_err() || stop {
                    break;
                }
            }
        });
        self.running = Some(Running {
            child,
            stdin,
            frames: rx,
            stderr: StderrTail::follow(stderr),
        });
        let load = Request::Load {
            paths: self.paths.clone(),
            capacity: self.capacity,
        };
        match self.exchange(&load, LOAD_TIMEOUT) {
            Ok(Response::Loaded {
                plugins,
                registrations,
                warnings,
                late,
            }) => Ok(LoadedInfo {
                plugins,
                registrations,
                warnings,
                late,
            }),
            Ok(Response::Failed { error }) => Err(error),
            Ok(other) => Err(LoadError::HostFault {
                reason: format!("unexpected answer to load: {other:?}"),
            }),
            Err(failure) => Err(LoadError::Died { failure }),
        }
    }

    fn exchange(&mut self, request: &Request, timeout: Duration) -> Result<Response, Failure> {
        let Some(running) = self.running.as_mut() else {
            return Err(no_runner());
        };
        if write_frame(&mut running.stdin, request).is_err() {
            return Err(self.reap());
        }
        match running.frames.recv_timeout(timeout) {
            Ok(Ok(frame)) => serde_json::from_slice(&frame).map_err(|e| Failure::BadOutput {
                reason: format!("runner answered garbage: {e}"),
            }),
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => Err(self.reap()),
            Err(RecvTimeoutError::Timeout) => {
                self.running = None;
                Err(Failure::Timeout {
                    limit_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
                })
            }
        }
    }

    /// The runner is gone: collect how it died.
    fn reap(&mut self) -> Failure {
        let Some(mut running) = self.running.take() else {
            return no_runner();
        };
        let status = running.child.wait();
        let signal = status.map_or_else(|e| format!("an unknown end ({e})"), death);
        Failure::Crash {
            signal,
            stderr: running.stderr.last_words(),
        }
    }

    pub(crate) fn call(&mut self, reg: usize, input: &HookInput) -> Result<HookOutput, Failure> {
        if self.running.is_none() {
            self.spawn().map_err(|e| Failure::Crash {
                signal: format!("runner restart failed: {e}"),
                stderr: String::new(),
            })?;
        }
        if let Some(running) = &self.running {
            running.stderr.clear();
        }
        let request = Request::Call {
            reg,
            input: input.clone(),
        };
        match self.exchange(&request, self.timeout)? {
            Response::Called { output } => Ok(output),
            other => Err(Failure::BadOutput {
                reason: format!("runner answered {other:?}"),
            }),
        }
    }

    pub(crate) fn shutdown(&mut self) {
        if self.running.is_some() {
            let _ = self.exchange(&Request::Shutdown, self.timeout);
        }
        self.running = None;
    }
}

impl Drop for ChildRunner {
    fn drop(&mut self) {
        self.shutdown();
    }
}
