//! What a plugin did wrong in one hook call, as values a program matches:
//! every check decides from these variants and kinds, never from the
//! message. `Display` gives the one line a person reads.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a plugin did wrong in one hook call, or — [`Failure::HostFault`] —
/// what went wrong in hookcheck's own machinery while calling it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Failure {
    /// The plugin panicked (in-process) or unwound.
    Panic {
        /// The panic message.
        message: String,
    },
    /// A WASM trap.
    Trap {
        /// Which trap.
        code: TrapCode,
        /// wasmtime's description of it.
        message: String,
    },
    /// The call ran past its deadline and was interrupted.
    Timeout {
        /// The deadline, in milliseconds.
        limit_ms: u64,
    },
    /// The plugin pointed the host outside memory it may read.
    OutOfBounds {
        /// The offset the plugin gave.
        offset: u64,
        /// The length the host was to read.
        len: u64,
        /// The size of the memory at the time of the read.
        memory_size: u64,
    },
    /// The plugin's output broke the contract.
    BadOutput {
        /// What kind of breakage.
        kind: BadOutput,
        /// What exactly, for a person.
        reason: String,
    },
    /// The plugin's process died (native plugins run in a child process).
    Crash {
        /// How the process ended.
        end: ProcessEnd,
        /// The last lines the process wrote to stderr before it died (a
        /// panic message, an assertion), empty when it wrote none.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        stderr: String,
    },
    /// The plugin returned an error code the contract defines as failure.
    Code {
        /// The code.
        code: i64,
    },
    /// The plugin returned an error value.
    Plugin {
        /// The plugin's message.
        message: String,
    },
    /// The plugin broke the native runner's protocol: it wrote to the
    /// protocol channel itself (a forged or stale frame, garbage, an
    /// oversized frame) or closed or replaced it.
    Protocol {
        /// What the host saw.
        reason: String,
    },
    /// The plugin did what its sandbox refused or contained (a signal at
    /// another process, a fork, a write outside its scratch directory):
    /// on the real host it would have run, inside the host's process.
    Hostile {
        /// The first such act in the call.
        act: super::act::HostileAct,
        /// How many more the call made.
        #[serde(default, skip_serializing_if = "is_zero")]
        more: usize,
    },
    /// hookcheck's own machinery failed (a runner that would not start, a
    /// value the host could not encode): never the plugin's fault, and
    /// never a pass for it either.
    HostFault {
        /// What failed.
        reason: String,
    },
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The kinds of output that break a contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadOutput {
    /// Bytes that are not UTF-8.
    NotUtf8,
    /// Text that is not JSON.
    NotJson,
    /// Text that is not YAML (or nests past the parser's limits).
    NotYaml,
    /// JSON, but not the object the host reads.
    NotObject,
    /// A Lesstruct result whose `customFields` is not an object.
    CustomFieldsNotObject,
    /// A Lesstruct result with a known field of the wrong type
    /// (`"title": 5`), which the host cannot read.
    WrongShape,
    /// A `json.actions` output that is not an array.
    ActionsNotArray,
    /// A code that promises output (MODIFIED, RESPOND, ROUTE_OK) without
    /// an output length.
    MissingOutput,
    /// An output past, or claiming more than, the host's buffer.
    OverCapacity,
    /// A return code the hook's table does not define.
    UndefinedCode,
    /// REQUEST_RESPOND without a status in 100–599.
    RespondWithoutStatus,
    /// ROUTE_OK without a status in 100–599.
    RouteWithoutStatus,
    /// A lifecycle `HookResult` other than 0 or 1.
    EventResult,
    /// The plugin lacks an export the host calls.
    MissingExport,
    /// An input the plugin's memory cannot take.
    InputTooLarge,
    /// A value the host cannot encode back (in-process plugins).
    Unencodable,
}

/// How a plugin's process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum ProcessEnd {
    /// Killed by a signal.
    Signal {
        /// The signal number.
        number: i32,
    },
    /// Exited with a status.
    Exit {
        /// The exit status.
        code: i32,
    },
}

impl ProcessEnd {
    /// Whether the signal is a fault of the plugin's own code: SIGSEGV,
    /// SIGBUS, SIGILL, SIGFPE.
    pub fn is_fault(self) -> bool {
        matches!(self, ProcessEnd::Signal { number } if [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE].contains(&number))
    }

    /// Whether the process aborted (SIGABRT: `abort()`, or a panic that
    /// unwound into `extern "C"`).
    pub fn is_abort(self) -> bool {
        self == ProcessEnd::Signal {
            number: libc::SIGABRT,
        }
    }
}

impl fmt::Display for ProcessEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ProcessEnd::Signal { number } => match signal_name(number) {
                Some(name) => f.write_str(name),
                None => write!(f, "signal {number}"),
            },
            ProcessEnd::Exit { code } => {
                write!(f, "exit status {code} (the plugin ended the process)")
            }
        }
    }
}

fn signal_name(number: i32) -> Option<&'static str> {
    Some(match number {
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGXCPU => "SIGXCPU",
        libc::SIGSYS => "SIGSYS",
        _ => return None,
    })
}

/// Which WASM trap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrapCode {
    /// The wasm stack ran out.
    StackOverflow,
    /// A load or store outside linear memory.
    MemoryOutOfBounds,
    /// An access outside a table.
    TableOutOfBounds,
    /// `unreachable` was executed.
    Unreachable,
    /// Integer division by zero.
    IntegerDivisionByZero,
    /// Integer overflow (`i32.div_s` of MIN by -1).
    IntegerOverflow,
    /// A float that does not convert to an integer.
    BadConversionToInteger,
    /// An indirect call through a null entry.
    IndirectCallToNull,
    /// An indirect call with the wrong signature.
    BadSignature,
    /// The module called WASI `proc_exit`.
    ProcExit,
    /// Instantiation or a host call failed another way.
    Other,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Panic { message } => write!(f, "panicked: {message}"),
            Failure::Trap { message, .. } => write!(f, "trapped: {message}"),
            Failure::Timeout { limit_ms } => write!(f, "timed out after {limit_ms} ms"),
            Failure::OutOfBounds {
                offset,
                len,
                memory_size,
            } => write!(
                f,
                "pointed outside memory: {len} bytes at offset {offset}, memory is {memory_size} bytes"
            ),
            Failure::BadOutput { reason, .. } => write!(f, "returned bad output: {reason}"),
            Failure::Crash { end, stderr } => {
                write!(f, "crashed with {end}")?;
                last_words(f, stderr)
            }
            Failure::Code { code } => write!(f, "returned error code {code}"),
            Failure::Plugin { message } => write!(f, "returned an error: {message}"),
            Failure::Protocol { reason } => {
                write!(f, "broke the native runner's protocol: {reason}")
            }
            Failure::HostFault { reason } => {
                write!(
                    f,
                    "could not be called: hookcheck's own machinery failed ({reason})"
                )
            }
            Failure::Hostile { act, more } => {
                write!(
                    f,
                    "did what its sandbox refused: {act}, which {}",
                    act.on_the_host()
                )?;
                if *more > 0 {
                    write!(f, " (and {more} more such acts)")?;
                }
                Ok(())
            }
        }
    }
}

impl Failure {
    /// A [`Failure::BadOutput`] of `kind`.
    pub fn bad_output(kind: BadOutput, reason: impl Into<String>) -> Self {
        Failure::BadOutput {
            kind,
            reason: reason.into(),
        }
    }

    /// The kind of bad output, when this is one.
    pub fn bad_output_kind(&self) -> Option<BadOutput> {
        match self {
            Failure::BadOutput { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// How the process ended, when this is a crash.
    pub fn process_end(&self) -> Option<ProcessEnd> {
        match self {
            Failure::Crash { end, .. } => Some(*end),
            _ => None,
        }
    }
}

/// A [`Failure`] with the plugin and hook it happened in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookError {
    /// The plugin's name.
    pub plugin: String,
    /// The hook's name.
    pub hook: String,
    /// What went wrong.
    pub failure: Failure,
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            plugin,
            hook,
            failure,
        } = self;
        match failure {
            Failure::Crash { end, stderr } => {
                write!(f, "plugin `{plugin}` crashed with {end} in {hook}")?;
                last_words(f, stderr)
            }
            Failure::Panic { message } => {
                write!(f, "plugin `{plugin}` panicked in {hook}: {message}")
            }
            other => write!(f, "plugin `{plugin}` {other} in {hook}"),
        }
    }
}

/// At most this many of a crashed process's last stderr lines go into the
/// one-line message; the whole text stays in [`Failure::Crash`].
const LAST_LINES: usize = 6;

/// `; its stderr ended: … / …`: the last lines of a crashed process's
/// stderr that say something, on one line. Blank lines, notes and the frames
/// of a Rust backtrace (which a panic in a function that cannot unwind
/// prints whatever `RUST_BACKTRACE` says) are left out.
fn last_words(f: &mut fmt::Formatter<'_>, stderr: &str) -> fmt::Result {
    let frame = |l: &str| {
        l.starts_with("at ")
            || l.split_once(": ")
                .is_some_and(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()))
    };
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("note: ") && *l != "stack backtrace:" && !frame(l)
        })
        .collect();
    if lines.is_empty() {
        return Ok(());
    }
    let tail = &lines[lines.len().saturating_sub(LAST_LINES)..];
    write!(f, "; its stderr ended: {}", tail.join(" / "))
}
