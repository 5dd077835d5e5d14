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
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use std::os::fd::FromRawFd;

use super::calls::{HookInput, HookOutput, PluginInfo, RegInfo};
use super::isolation::Protections;
use super::library::InProcess;
use super::sandbox;
use crate::Error;
use crate::engine::LoadWarning;
use crate::engine::{Failure, HostileAct, ProcessEnd};
use crate::error::LoadError;

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
        /// The call's number: the answer must carry it back.
        seq: u64,
        /// The registration index.
        reg: usize,
        /// The input.
        input: HookInput,
    },
    /// Run every `shutdown` and exit.
    Shutdown,
}

/// [`Request::Call`] as the host sends it: the same frame, borrowing the
/// input instead of copying it for every call.
#[derive(Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum CallFrame<'a> {
    Call {
        seq: u64,
        reg: usize,
        input: &'a HookInput,
    },
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
        warnings: Vec<LoadWarning>,
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
        /// The number of the call this answers.
        seq: u64,
        /// The output.
        output: HookOutput,
        /// The plugin forked and left processes running, which hookcheck
        /// kills.
        #[serde(default)]
        forked: bool,
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

/// The largest frame either side accepts: above any honest answer (an
/// output buffer of at most 2 MiB, which JSON may write six bytes to the
/// byte, and at most 64 KiB of logs), far below what would hurt the host.
pub const MAX_FRAME: usize = 16 << 20;

/// Exit code of a runner whose protocol channel a plugin closed or
/// replaced: it stops rather than answer on a channel it cannot trust.
pub const CHANNEL_TAMPERED: i32 = 86;

fn read_frame(r: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes (the limit is {MAX_FRAME})"),
        ));
    }
    let mut buf = vec![0; len];
    r.read_exact(&mut buf)?;
    Ok(buf)
}

/// `hookcheck native-runner`: isolates the runner (namespaces, limits, a
/// seccomp filter that reports; see the `isolation` module), then serves
/// requests on stdin until `Shutdown` or EOF. Returns the process exit
/// code.
pub fn serve_runner() -> i32 {
    super::isolation::runner_main(serve_requests)
}

/// The runner's main loop: serve requests on stdin until `Shutdown` or EOF.
fn serve_requests() -> i32 {
    // Keep the protocol on a private copy of stdout; point fd 1 at stderr.
    // SAFETY: plain fd duplication on descriptors this process owns.
    let proto_fd = unsafe { libc::dup(1) };
    if proto_fd < 0 || unsafe { libc::dup2(2, 1) } < 0 {
        return 3;
    }
    // SAFETY: `proto_fd` is a fresh descriptor owned from here on.
    let mut out: std::fs::File = unsafe { std::os::fd::FromRawFd::from_raw_fd(proto_fd) };
    let channel = identity(proto_fd);
    // Orphans of what a plugin forks come back to the runner, which kills
    // them after every call.
    // SAFETY: a plain prctl on this process.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
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
            Ok(Request::Call { seq, reg, input }) => match loaded.as_mut() {
                Some(set) => {
                    let output = set.call(reg, &input);
                    let forked = sandbox::reap_finished();
                    Response::Called {
                        seq,
                        output,
                        forked,
                    }
                }
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
        // A plugin can reach every descriptor of this process: answer only
        // on the channel the runner started with.
        if channel.is_none() || identity(proto_fd) != channel {
            return CHANNEL_TAMPERED;
        }
        if write_frame(&mut out, &response).is_err() {
            return 4;
        }
    }
    0
}

/// Device and inode of a descriptor, to tell whether it is still the
/// same pipe.
fn identity(fd: i32) -> Option<(u64, u64)> {
    // SAFETY: an all-zero stat is a valid value to be overwritten.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes into `stat`; a bad fd is an error, not UB.
    if unsafe { libc::fstat(fd, &raw mut stat) } != 0 {
        return None;
    }
    Some((stat.st_dev, stat.st_ino))
}

/// How a child ended, from its wait status.
fn death(status: std::process::ExitStatus) -> ProcessEnd {
    use std::os::unix::process::ExitStatusExt;
    match (status.signal(), status.code()) {
        (Some(number), _) => ProcessEnd::Signal { number },
        (None, Some(code)) => ProcessEnd::Exit { code },
        // Neither a signal nor a code cannot come from a wait status on
        // Unix; say "killed" rather than invent a success.
        (None, None) => ProcessEnd::Signal {
            number: libc::SIGKILL,
        },
    }
}

struct Running {
    child: Child,
    stdin: ChildStdin,
    frames: Receiver<std::io::Result<Vec<u8>>>,
    stderr: StderrTail,
    /// The shim's reports: what confines the runner, and every act it
    /// refused (non-blocking; read after every answer).
    reports: std::fs::File,
    /// A report line not yet complete.
    partial: Vec<u8>,
}

impl Drop for Running {
    fn drop(&mut self) {
        // The runner and everything the plugin forked in its group.
        sandbox::kill_group(self.child.id());
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
    Failure::HostFault {
        reason: "no native runner is running".into(),
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
    pub(crate) warnings: Vec<LoadWarning>,
    pub(crate) late: Vec<usize>,
}

/// How long loading (starting the runner, dlopen and every `init`) may
/// take. It is separate from the per-call timeout: starting a process and
/// mapping libraries on a loaded CI machine takes far longer than one hook
/// call should, and a short call timeout must not make a healthy load
/// fail. A plugin whose `init` hangs fails the load after this long.
pub const LOAD_BUDGET: Duration = Duration::from_secs(10);

/// The parent's side: a runner process with the plugins loaded, restarted
/// after each crash or timeout.
pub(crate) struct ChildRunner {
    command: RunnerCommand,
    paths: Vec<PathBuf>,
    capacity: usize,
    timeout: Duration,
    running: Option<Running>,
    /// The number of the last call; every answer must carry it back.
    seq: u64,
    /// The plugins and registrations of the first load: a restarted runner
    /// must load the same, or calls would reach other callbacks.
    loaded: (Vec<PluginInfo>, Vec<RegInfo>),
    /// What confined the last runner started.
    protections: Option<Protections>,
    /// Acts the runners refused since the last [`ChildRunner::take_acts`],
    /// the first ones in full.
    acts: Vec<HostileAct>,
    /// How many more there were.
    more_acts: usize,
}

/// What came back while waiting for an answer.
enum Heard {
    Frame(Vec<u8>),
    /// A frame over the size limit.
    Broken(String),
    /// The runner's end of the channel closed, or the runner died.
    Gone,
    /// Nothing before the deadline.
    Nothing,
}

/// How long the plugins' `shutdown` may take before the runner is killed.
pub const SHUTDOWN_BUDGET: Duration = Duration::from_millis(500);

/// How often a wait for an answer also asks whether the runner died.
const POLL: Duration = Duration::from_millis(20);

/// How long a runner whose channel closed has to show up as exited.
const REAP_GRACE: Duration = Duration::from_millis(500);

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
            // Calls of different runners never share numbers.
            seq: std::hash::BuildHasher::hash_one(
                &std::collections::hash_map::RandomState::new(),
                std::process::id(),
            ),
            loaded: (Vec::new(), Vec::new()),
            protections: None,
            acts: Vec::new(),
            more_acts: 0,
        };
        let info = runner.spawn()?;
        runner.loaded = (info.plugins.clone(), info.registrations.clone());
        Ok((runner, info))
    }

    fn spawn(&mut self) -> Result<LoadedInfo, LoadError> {
        self.running = None;
        let mut command = Command::new(&self.command.program);
        command
            .args(&self.command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let (reports, report_end) = report_pipe().map_err(|e| LoadError::HostFault {
            reason: format!("cannot make the runner's report pipe: {e}"),
        })?;
        sandbox::confine(&mut command, std::os::fd::AsRawFd::as_raw_fd(&report_end));
        // After `confine`, which clears the environment.
        let plugins: Vec<String> = self
            .paths
            .iter()
            .map(|p| {
                std::path::absolute(p)
                    .unwrap_or_else(|_| p.clone())
                    .display()
                    .to_string()
            })
            .collect();
        command.env(super::isolation::PLUGINS_ENV, plugins.join("\n"));

        let spawned = command.spawn();
        // Only the runner keeps the writing end.
        drop(report_end);
        let mut child = spawned.map_err(|e| LoadError::HostFault {
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
            reports,
            partial: Vec::new(),
        });
        let load = Request::Load {
            paths: self.paths.clone(),
            capacity: self.capacity,
        };
        match self.exchange(&load, LOAD_BUDGET) {
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

    fn exchange(
        &mut self,
        request: &impl Serialize,
        timeout: Duration,
    ) -> Result<Response, Failure> {
        let answer = self.exchange_once(request, timeout);
        // Every act the call made was reported before the runner could
        // answer (the shim writes it before it lets the call return).
        self.drain_reports();
        answer
    }

    /// Reads every complete report line the shim has written.
    fn drain_reports(&mut self) {
        let Some(running) = self.running.as_mut() else {
            return;
        };
        let mut chunk = [0u8; 4096];
        // Bounded: a runner cannot make the host read forever.
        for _ in 0..64 {
            match running.reports.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => running.partial.extend_from_slice(&chunk[..n]),
            }
        }
        let lines: Vec<Vec<u8>> = match running.partial.iter().rposition(|b| *b == b'\n') {
            Some(end) => {
                let complete: Vec<u8> = running.partial.drain(..=end).collect();
                complete
                    .split(|b| *b == b'\n')
                    .map(<[u8]>::to_vec)
                    .collect()
            }
            None => Vec::new(),
        };
        // A line longer than any report is not one: drop it.
        if running.partial.len() > 64 << 10 {
            running.partial.clear();
        }
        for line in lines.iter().filter(|l| !l.is_empty()) {
            match serde_json::from_slice::<super::isolation::Report>(line) {
                Ok(super::isolation::Report::Protections(p)) => self.protections = Some(p),
                Ok(super::isolation::Report::Act(act)) => {
                    if self.acts.len() < super::isolation::ACTS_REPORTED {
                        self.acts.push(act);
                    } else {
                        self.more_acts += 1;
                    }
                }
                Ok(super::isolation::Report::More(n)) => self.more_acts += n,
                Err(_) => {}
            }
        }
    }

    /// The runner's threads now, read from `/proc`: the shim's child is
    /// the runner, or init whose child is the runner. `Some(0)` once the
    /// runner has ended (gone, or a zombie not yet reaped) while the shim
    /// is still there: its end is on its way.
    pub(crate) fn runner_threads(&mut self) -> Option<usize> {
        // The shim's report of what confines the runner (which tells how
        // deep the runner sits) may still be in the pipe: a busy machine
        // passes it on late, and without it the count would be unknown
        // and the exercise would stop waiting for a lingering thread.
        self.drain_reports();
        let running = self.running.as_ref()?;
        let mut pid = running.child.id();
        let protections = self.protections.as_ref()?;
        // The shim itself serves the plugins when it could not fork.
        let depth = match (protections.apart, protections.pid_namespace) {
            (false, _) => 0,
            (true, false) => 1,
            (true, true) => 2,
        };
        for _ in 0..depth {
            // An unreadable list says nothing; an empty one, that the
            // runner (or init, with it) has ended.
            match first_child(pid)? {
                Some(child) => pid = child,
                None => return Some(0),
            }
        }
        if is_zombie(pid) {
            return Some(0);
        }
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
        Some(tasks.count())
    }

    /// What confined the last runner started.
    pub(crate) fn protections(&self) -> Option<&Protections> {
        self.protections.as_ref()
    }

    /// The acts refused since the last call of this, the first ones in
    /// full, and how many more.
    pub(crate) fn take_acts(&mut self) -> (Vec<HostileAct>, usize) {
        self.drain_reports();
        (
            std::mem::take(&mut self.acts),
            std::mem::take(&mut self.more_acts),
        )
    }

    fn exchange_once(
        &mut self,
        request: &impl Serialize,
        timeout: Duration,
    ) -> Result<Response, Failure> {
        let Some(running) = self.running.as_mut() else {
            return Err(no_runner());
        };
        if write_frame(&mut running.stdin, request).is_err() {
            return Err(self.reap());
        }
        let deadline = Instant::now() + timeout;
        let heard = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break Heard::Nothing;
            }
            match running.frames.recv_timeout(left.min(POLL)) {
                Ok(Ok(frame)) => break Heard::Frame(frame),
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                    break Heard::Broken(e.to_string());
                }
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => break Heard::Gone,
                // A process the plugin forked can hold the pipes open after
                // the runner died: ask the kernel, not the pipe.
                Err(RecvTimeoutError::Timeout) => {
                    if matches!(running.child.try_wait(), Ok(Some(_))) {
                        break Heard::Gone;
                    }
                }
            }
        };
        match heard {
            Heard::Frame(frame) => serde_json::from_slice(&frame).map_err(|e| {
                self.running = None;
                Failure::Protocol {
                    reason: format!("the runner answered garbage: {e}"),
                }
            }),
            Heard::Broken(reason) => {
                self.running = None;
                Err(Failure::Protocol { reason })
            }
            Heard::Gone => Err(self.reap()),
            Heard::Nothing => {
                self.running = None;
                Err(Failure::Timeout {
                    limit_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
                })
            }
        }
    }

    /// The runner is gone, or stopped speaking: collect how it died from
    /// its real wait status. A runner still alive after its channel closed
    /// broke the protocol; it is killed.
    fn reap(&mut self) -> Failure {
        self.drain_reports();
        let Some(mut running) = self.running.take() else {
            return no_runner();
        };
        let give_up = Instant::now() + REAP_GRACE;
        let status = loop {
            match running.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < give_up => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Ok(None) | Err(_) => break None,
            }
        };
        match status {
            Some(status) if status.code() == Some(CHANNEL_TAMPERED) => Failure::Protocol {
                reason: "the runner stopped: the plugin closed or replaced its protocol channel"
                    .into(),
            },
            Some(status) => {
                // What the plugin forked may still hold the runner's
                // stderr: end it, so its last words arrive at once. (The
                // group id outlives the runner while members remain, so it
                // names no other process.)
                sandbox::kill_group(running.child.id());
                Failure::Crash {
                    end: death(status),
                    stderr: running.stderr.last_words(),
                }
            }
            None => Failure::Protocol {
                reason: "the runner's protocol channel closed while the runner was still running"
                    .into(),
            },
        }
    }

    /// Whether the runner is still there; when it died on its own (a
    /// thread that ended the process after its hook returned), how.
    pub(crate) fn check_alive(&mut self) -> Option<Failure> {
        let running = self.running.as_mut()?;
        match running.child.try_wait() {
            Ok(Some(_)) => Some(self.reap()),
            _ => None,
        }
    }

    pub(crate) fn call(&mut self, reg: usize, input: &HookInput) -> Result<HookOutput, Failure> {
        if self.running.is_none() {
            let again = self.spawn().map_err(|e| match e {
                // The plugin's own load failed this time: its crash or hang,
                // or an init that gives up on the second try.
                LoadError::Died { failure } => failure,
                e @ (LoadError::InitFailed { .. } | LoadError::BadDescriptor { .. }) => {
                    Failure::Plugin {
                        message: format!("did not load again after its runner restarted: {e}"),
                    }
                }
                other => Failure::HostFault {
                    reason: format!("the native runner did not restart: {other}"),
                },
            })?;
            if (again.plugins, again.registrations) != self.loaded {
                self.running = None;
                return Err(Failure::Plugin {
                    message: "loaded differently after its runner restarted (other plugins or registrations): its hooks cannot be called as registered".into(),
                });
            }
        }
        if let Some(running) = &self.running {
            running.stderr.clear();
        }
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let request = CallFrame::Call { seq, reg, input };
        match self.exchange(&request, self.timeout)? {
            // A process the plugin forked is a refused act, reported by
            // the shim; `forked` is only the runner's own word.
            Response::Called {
                seq: answered,
                output,
                ..
            } if answered == seq => Ok(cap_logs(output)),
            other => {
                // The channel cannot be trusted any more: start afresh.
                self.running = None;
                Err(Failure::Protocol {
                    reason: match other {
                        Response::Called { seq: answered, .. } => format!(
                            "an answer to call {answered} arrived for call {seq} (a forged or stale frame)"
                        ),
                        other => format!("the runner answered a call with {}", other.name()),
                    },
                })
            }
        }
    }

    /// Asks the plugins to shut down, waiting at most [`SHUTDOWN_BUDGET`]
    /// (or the call timeout, if shorter): a host is dropped once per check,
    /// and a `shutdown` that hangs must not cost a call timeout each time.
    /// The runner's group is killed either way.
    pub(crate) fn shutdown(&mut self) {
        if self.running.is_some() {
            let _ = self.exchange(&Request::Shutdown, self.timeout.min(SHUTDOWN_BUDGET));
        }
        self.running = None;
    }
}

/// A call's logs cut to what the runner keeps per call: a frame the plugin
/// forged may carry more, and the host keeps no more than it promised.
fn cap_logs(mut output: HookOutput) -> HookOutput {
    use super::registry::{LOG_BYTES_PER_CALL, LOG_LINES_PER_CALL};
    let mut bytes = 0usize;
    let mut kept = 0usize;
    for line in &output.logs {
        if kept == LOG_LINES_PER_CALL || bytes + line.len() > LOG_BYTES_PER_CALL {
            break;
        }
        bytes += line.len();
        kept += 1;
    }
    let dropped = output.logs.len() - kept;
    output.logs.truncate(kept);
    if dropped > 0 {
        output.logs.push(format!(
            "[{dropped} more log lines dropped: the host keeps {LOG_LINES_PER_CALL} lines and {LOG_BYTES_PER_CALL} bytes per call]"
        ));
    }
    output
}

/// The first child of process `pid` (`/proc/<pid>/task/<pid>/children`).
/// Whether process `pid` has ended and waits to be reaped (state `Z` in
/// `/proc/<pid>/stat`; the state follows the command name's last `)`).
fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X']))
    })
}

/// The first child of process `pid`: `None` when the list cannot be
/// read, `Some(None)` when it has none.
fn first_child(pid: u32) -> Option<Option<u32>> {
    let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
    Some(
        children
            .split_whitespace()
            .next()
            .and_then(|c| c.parse().ok()),
    )
}

/// A pipe for the shim's reports: the reading end (non-blocking) and the
/// writing end, both close-on-exec (the runner gets a copy as fd 3).
fn report_pipe() -> std::io::Result<(std::fs::File, std::os::fd::OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two fresh descriptors into `fds`.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both are fresh and owned from here on.
    let (read, write) = unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::os::fd::OwnedFd::from_raw_fd(fds[1]),
        )
    };
    // The writing end blocks (the shim sets its own copy non-blocking).
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        let fd = std::os::fd::AsRawFd::as_raw_fd(&write);
        let flags = libc::fcntl(fd, libc::F_GETFL);
        libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
    }
    Ok((read, write))
}

impl Response {
    /// The variant's name, for messages.
    fn name(&self) -> &'static str {
        match self {
            Response::Loaded { .. } => "loaded",
            Response::Failed { .. } => "failed",
            Response::Called { .. } => "called",
            Response::Done => "done",
        }
    }
}

impl Drop for ChildRunner {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The borrowed call frame is byte for byte the runner's `Request::Call`.
    #[test]
    fn a_call_frame_is_the_request_the_runner_reads() {
        let input = HookInput::Request {
            phase: 2,
            method: 1,
            path: "/api/posts".into(),
            headers_json: crate::engine::Bytes(br#"{"accept":"*/*"}"#.to_vec()),
            body: crate::engine::Bytes(b"x".to_vec()),
        };
        let mut sent = Vec::new();
        let frame = CallFrame::Call {
            seq: 7,
            reg: 3,
            input: &input,
        };
        write_frame(&mut sent, &frame).unwrap();
        let mut owned = Vec::new();
        let request = Request::Call {
            seq: 7,
            reg: 3,
            input: input.clone(),
        };
        write_frame(&mut owned, &request).unwrap();
        assert_eq!(sent, owned);
        let read: Request = serde_json::from_slice(&read_frame(&mut &sent[..]).unwrap()).unwrap();
        assert!(matches!(read, Request::Call { seq: 7, reg: 3, input: i } if i == input));
    }

    #[test]
    fn a_frame_claiming_more_than_the_limit_is_refused_before_allocating() {
        let mut claim = u32::MAX.to_le_bytes().to_vec();
        claim.extend_from_slice(b"{}");
        let error = read_frame(&mut claim.as_slice()).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
        let mut ok = 2u32.to_le_bytes().to_vec();
        ok.extend_from_slice(b"{}");
        assert_eq!(read_frame(&mut ok.as_slice()).unwrap(), b"{}");
    }
}
