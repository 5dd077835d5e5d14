//! What a plugin tried that its sandbox refused or contained: a signal at
//! another process, a fork, a new session, a write outside its scratch
//! directory. On the real host each of these would have run, inside the
//! host's own process: so each is a finding about the plugin, not a quiet
//! refusal.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One act a sandbox refused or contained.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum HostileAct {
    /// A signal aimed at another process, the process group, or every
    /// process (`kill`, `tkill`, `tgkill`, `rt_sigqueueinfo`, …).
    Signal {
        /// The system call.
        call: String,
        /// Its target as the plugin gave it (`0` is the caller's group,
        /// negative a group, `-1` every process).
        target: i64,
        /// The signal number.
        signal: i64,
    },
    /// `fcntl(F_SETOWN…)` aiming a file's I/O signals at another process.
    SignalOwner {
        /// The process or group named.
        target: i64,
    },
    /// A new process (`fork`, `vfork`, `clone` without `CLONE_THREAD`).
    Fork {
        /// The system call.
        call: String,
    },
    /// Running another program (`execve`, `execveat`).
    Exec {
        /// The program, when it could be read.
        path: String,
    },
    /// Leaving the host's session (`setsid`, `setpgid`).
    NewSession {
        /// The system call.
        call: String,
    },
    /// Changing the signal it gets when its parent dies
    /// (`prctl(PR_SET_PDEATHSIG)`), to outlive the host.
    DeathSignal {
        /// The signal it asked for (`0` clears it).
        signal: i64,
    },
    /// A write, a new file or a removal outside its scratch directory.
    WriteOutside {
        /// The system call.
        call: String,
        /// The path, when it could be read.
        path: String,
    },
}

impl HostileAct {
    /// What the act would do on a host that runs plugins inside its own
    /// process (FeatherFly's daemon): the consequence the finding names.
    pub fn on_the_host(&self) -> String {
        match self {
            HostileAct::Signal { target, signal, .. } => {
                let what = signal_name(*signal);
                match *target {
                    0 => format!("{what} to its own process group: on the host that is the host's group, so this reaches the host process itself"),
                    -1 => format!("{what} to every process it may signal: on the host that is every process of the host's user"),
                    t if t < 0 => format!("{what} to process group {}: another group than its own", -t),
                    _ => format!("{what} to another process (the plugin runs inside the host: its parent is the host's parent, its siblings the host's)"),
                }
            }
            HostileAct::SignalOwner { .. } => "points a file's I/O signals at another process (with F_SETSIG, any signal, SIGKILL included, on every write)".into(),
            HostileAct::Fork { .. } => "starts a process inside the host's process tree, which outlives a request and holds the host's descriptors".into(),
            HostileAct::Exec { .. } => "replaces the host process with another program".into(),
            HostileAct::NewSession { .. } => "leaves the host's session or group, so stopping the host no longer stops it".into(),
            HostileAct::DeathSignal { .. } => "changes the signal the host process gets when its parent dies".into(),
            HostileAct::WriteOutside { .. } => "writes to the host machine's files with the host's permissions".into(),
        }
    }
}

/// `SIGTERM` for 15, else `signal N`.
fn signal_name(signal: i64) -> String {
    let name = i32::try_from(signal).ok().and_then(|n| {
        Some(match n {
            libc::SIGHUP => "SIGHUP",
            libc::SIGINT => "SIGINT",
            libc::SIGQUIT => "SIGQUIT",
            libc::SIGKILL => "SIGKILL",
            libc::SIGTERM => "SIGTERM",
            libc::SIGSTOP => "SIGSTOP",
            libc::SIGUSR1 => "SIGUSR1",
            libc::SIGUSR2 => "SIGUSR2",
            libc::SIGABRT => "SIGABRT",
            libc::SIGSEGV => "SIGSEGV",
            0 => "signal 0 (a probe)",
            _ => return None,
        })
    });
    name.map_or_else(|| format!("signal {signal}"), str::to_owned)
}

impl fmt::Display for HostileAct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostileAct::Signal {
                call,
                target,
                signal,
            } => write!(f, "{call}({target}, {})", signal_name(*signal)),
            HostileAct::SignalOwner { target } => write!(f, "fcntl(F_SETOWN, {target})"),
            HostileAct::Fork { call } => write!(f, "{call}()"),
            HostileAct::Exec { path } => write!(f, "execve({path:?})"),
            HostileAct::NewSession { call } => write!(f, "{call}()"),
            HostileAct::DeathSignal { signal } => {
                write!(f, "prctl(PR_SET_PDEATHSIG, {signal})")
            }
            HostileAct::WriteOutside { call, path } => write!(f, "{call}({path:?})"),
        }
    }
}
