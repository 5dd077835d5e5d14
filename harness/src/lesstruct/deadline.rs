//! The deadline of one hook call covers all of its time, not only time in
//! WASM code: epoch interruption stops running code, and everything that
//! blocks outside it — a WASI `poll_oneoff` sleep, a `db_query`, an HTTP
//! call — is bounded by the same budget and ends the call as a timeout.
//!
//! A call's time is what the plugin spent, not what the machine was busy
//! with: the CPU time of the thread that runs it plus the time it waited
//! in the host (sleeps, HTTP, a database lock), so time another process
//! takes from it is not charged and a plugin well inside or well past
//! its deadline gets the same verdict on a busy CI runner as on a quiet
//! laptop (CPU time itself still grows a little under contention). Wall
//! time is capped at [`WALL_CEILING`] times the deadline, for a call the
//! machine cannot run at all. The real Lesstruct host's deadline, where it
//! has one, is wall time: under load there a call is cut sooner.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wasmtime::{Caller, Extern, Linker};

use super::runtime::{HostState, WASM_LOG_BYTES_PER_CALL, WASM_LOG_LINES_PER_CALL};

/// The error a host function returns when the call's deadline has passed;
/// it becomes a trap that [`super::plugin`] reports as a timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the hook call's deadline passed while it waited in the host")]
pub(crate) struct DeadlineExceeded;

/// How many times its deadline a call may take in wall time while the
/// machine is too busy to run it.
pub(crate) const WALL_CEILING: u32 = 4;

/// The CPU time the calling thread has used.
pub(crate) fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a
    // constant the kernel knows.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &raw mut ts) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// The time a call is charged: the thread's CPU time since the call
/// began plus the time it waited in the host; and the wall time, capped.
///
/// Reading a thread's CPU clock is a system call (no vDSO serves
/// `CLOCK_THREAD_CPUTIME_ID`), a few hundred nanoseconds on a VM, so a
/// short call never reads it: until the clock is [anchored](Self::anchor)
/// — at the first epoch tick ([`super::runtime::TICK`]) or the first wait
/// in the host — the call is charged its wall time, which is never less
/// than what it spent. After the anchor it is charged that first stretch
/// of wall time plus CPU time and waits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallClock {
    wall: Instant,
    anchor: Option<Anchor>,
    waited: Duration,
}

/// Where a clock switched from wall time to CPU time.
#[derive(Clone, Copy, Debug)]
struct Anchor {
    /// Wall time from the start of the call to the anchor (all charged).
    wall: Duration,
    /// The thread's CPU time at the anchor.
    cpu: Duration,
}

impl CallClock {
    /// Starts the clock on the calling thread (the one that runs the call).
    pub(crate) fn start() -> Self {
        Self {
            wall: Instant::now(),
            anchor: None,
            waited: Duration::ZERO,
        }
    }

    /// From now on, charges CPU time instead of wall time.
    pub(crate) fn anchor(&mut self) {
        if self.anchor.is_none() {
            self.anchor_at(Blocking::now());
        }
    }

    /// Anchors the clock at `at` (see [`Self::anchor`]).
    fn anchor_at(&mut self, at: Blocking) {
        self.anchor = Some(Anchor {
            wall: at.wall.saturating_duration_since(self.wall),
            cpu: at.cpu,
        });
    }

    /// The time charged so far.
    pub(crate) fn charged(&self) -> Duration {
        match self.anchor {
            None => self.wall.elapsed(),
            Some(a) => a.wall + thread_cpu().saturating_sub(a.cpu) + self.waited,
        }
    }

    /// What is left of `limit`, or `None` once the call is charged the
    /// whole of it or its wall time passes `WALL_CEILING` times it.
    pub(crate) fn left(&self, limit: Duration) -> Option<Duration> {
        let charged = limit.checked_sub(self.charged())?;
        let wall = limit
            .saturating_mul(WALL_CEILING)
            .checked_sub(self.wall.elapsed())?;
        Some(charged.min(wall)).filter(|d| !d.is_zero())
    }

    /// Charges a wait in the host that began at `since`: its wall time,
    /// less the CPU time the thread spent in it (already charged). A clock
    /// not yet anchored is anchored where the wait began.
    pub(crate) fn charge_wait(&mut self, since: Blocking) {
        if self.anchor.is_none() {
            self.anchor_at(since);
        }
        let wall = since.wall.elapsed();
        let cpu = thread_cpu().saturating_sub(since.cpu);
        self.waited += wall.saturating_sub(cpu);
    }
}

/// The start of a host call that may block, for
/// [`CallClock::charge_wait`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Blocking {
    wall: Instant,
    cpu: Duration,
}

impl Blocking {
    /// Now, on the calling thread.
    pub(crate) fn now() -> Self {
        Self {
            wall: Instant::now(),
            cpu: thread_cpu(),
        }
    }
}

/// The deadline and the log budget of the call in progress.
#[derive(Debug, Default)]
pub(crate) struct CallBudget {
    clock: Option<(CallClock, Duration)>,
    /// Log lines and bytes kept in this call, and lines dropped.
    pub(crate) log_lines: usize,
    pub(crate) log_bytes: usize,
    pub(crate) log_dropped: usize,
}

impl CallBudget {
    /// Starts a call that may take `limit` on `clock`, which may have
    /// begun before (the whole call shares one clock).
    pub(crate) fn start_at(&mut self, clock: CallClock, limit: Duration) {
        *self = Self {
            clock: Some((clock, limit)),
            ..Self::default()
        };
    }

    /// Switches the call's clock from wall time to CPU time (see
    /// [`CallClock`]); the epoch callback does it at the first tick.
    pub(crate) fn anchor(&mut self) {
        if let Some((clock, _)) = &mut self.clock {
            clock.anchor();
        }
    }

    /// Whether the call's clock charges CPU time yet.
    pub(crate) fn anchored(&self) -> bool {
        self.clock.is_some_and(|(clock, _)| clock.anchor.is_some())
    }

    /// Charges a wait in the host that began at `since`.
    pub(crate) fn charge_wait(&mut self, since: Blocking) {
        if let Some((clock, _)) = &mut self.clock {
            clock.charge_wait(since);
        }
    }

    /// Counts a log line of `bytes` against the call's budget: `true` when
    /// it is kept, `false` when it is dropped.
    pub(crate) fn admit_log(&mut self, bytes: usize) -> bool {
        let fits = self.log_lines < WASM_LOG_LINES_PER_CALL
            && self.log_bytes + bytes <= WASM_LOG_BYTES_PER_CALL;
        if fits {
            self.log_lines += 1;
            self.log_bytes += bytes;
        } else {
            self.log_dropped += 1;
        }
        fits
    }

    /// A test, for work the host does on the calling thread (a database
    /// statement), of whether the call's time has run out: charged as the
    /// call is, its CPU time counted as it runs.
    pub(crate) fn spent(
        &mut self,
    ) -> impl Fn() -> bool + Clone + Send + std::panic::RefUnwindSafe + 'static {
        self.anchor();
        let clock = self.clock;
        move || clock.is_some_and(|(clock, limit)| clock.left(limit).is_none())
    }

    /// Resets the log budget for a new call, keeping the clock (the start
    /// section of a fresh instance and the hook share one).
    pub(crate) fn new_call(&mut self) {
        let clock = self.clock;
        *self = Self {
            clock,
            ..Self::default()
        };
    }

    /// Time left, or the error when none is.
    pub(crate) fn remaining(&self) -> Result<Option<Duration>, DeadlineExceeded> {
        match &self.clock {
            None => Ok(None),
            Some((clock, limit)) => clock.left(*limit).map(Some).ok_or(DeadlineExceeded),
        }
    }
}

// WASI preview 1 layouts.
const SUBSCRIPTION_SIZE: usize = 48;
const EVENT_SIZE: usize = 32;
const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_WRITE: u8 = 2;
const SUBCLOCKFLAGS_ABSTIME: u16 = 1;
const CLOCKID_REALTIME: u32 = 0;
const ERRNO_SUCCESS: i32 = 0;
const ERRNO_FAULT: i32 = 21;
const ERRNO_INVAL: i32 = 28;
/// More subscriptions than any sleep needs.
const MAX_SUBSCRIPTIONS: usize = 64;

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

/// One subscription: its userdata, its type, and for a clock how long it
/// waits from now.
struct Subscription {
    userdata: u64,
    kind: u8,
    wait: Duration,
}

fn parse(bytes: &[u8]) -> Subscription {
    let kind = bytes[8];
    let wait = if kind == EVENTTYPE_CLOCK {
        let clock = u32_at(bytes, 16);
        let timeout = u64_at(bytes, 24);
        let flags = u16::from_le_bytes([bytes[40], bytes[41]]);
        if flags & SUBCLOCKFLAGS_ABSTIME != 0 {
            // An absolute time: the realtime clock is wall time; the
            // monotonic clock's origin is the host's own, so an absolute
            // monotonic time is taken as "now".
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
            if clock == CLOCKID_REALTIME {
                Duration::from_nanos(timeout.saturating_sub(now))
            } else {
                Duration::ZERO
            }
        } else {
            Duration::from_nanos(timeout)
        }
    } else {
        Duration::ZERO
    };
    Subscription {
        userdata: u64_at(bytes, 0),
        kind,
        wait,
    }
}

/// `poll_oneoff` as the host runs it: the earliest clock subscription
/// sleeps, never past the call's deadline (past it the call ends as a
/// timeout); descriptor subscriptions are reported ready at once.
fn poll_oneoff(
    caller: &mut Caller<'_, HostState>,
    subs_ptr: i32,
    events_ptr: i32,
    count: i32,
    nevents_ptr: i32,
) -> wasmtime::Result<i32> {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        return Ok(ERRNO_FAULT);
    };
    let count = count.cast_unsigned() as usize;
    if count == 0 || count > MAX_SUBSCRIPTIONS {
        return Ok(ERRNO_INVAL);
    }
    let start = subs_ptr.cast_unsigned() as usize;
    let Some(raw) = start
        .checked_add(count * SUBSCRIPTION_SIZE)
        .and_then(|end| memory.data(&caller).get(start..end))
        .map(<[u8]>::to_vec)
    else {
        return Ok(ERRNO_FAULT);
    };
    let subs: Vec<Subscription> = raw.chunks_exact(SUBSCRIPTION_SIZE).map(parse).collect();
    // Clock, fd_read and fd_write are the three kinds there are.
    if subs.iter().any(|s| s.kind > EVENTTYPE_FD_WRITE) {
        return Ok(ERRNO_INVAL);
    }
    let ready_now = subs.iter().any(|s| s.kind != EVENTTYPE_CLOCK);
    let wait = if ready_now {
        Duration::ZERO
    } else {
        subs.iter().map(|s| s.wait).min().unwrap_or(Duration::ZERO)
    };
    let since = Blocking::now();
    match caller.data().budget.remaining()? {
        Some(left) if wait >= left => {
            std::thread::sleep(left);
            caller.data_mut().budget.charge_wait(since);
            return Err(DeadlineExceeded.into());
        }
        _ => std::thread::sleep(wait),
    }
    caller.data_mut().budget.charge_wait(since);
    let mut events = Vec::new();
    for s in subs
        .iter()
        .filter(|s| s.kind != EVENTTYPE_CLOCK || s.wait <= wait)
    {
        let mut event = [0u8; EVENT_SIZE];
        event[0..8].copy_from_slice(&s.userdata.to_le_bytes());
        event[10] = s.kind;
        events.extend_from_slice(&event);
    }
    let written = u32::try_from(events.len() / EVENT_SIZE).unwrap_or(0);
    let out = events_ptr.cast_unsigned() as usize;
    if memory.write(&mut *caller, out, &events).is_err()
        || memory
            .write(
                &mut *caller,
                nevents_ptr.cast_unsigned() as usize,
                &written.to_le_bytes(),
            )
            .is_err()
    {
        return Ok(ERRNO_FAULT);
    }
    Ok(ERRNO_SUCCESS)
}

/// Replaces WASI's `poll_oneoff` in `linker` (added after WASI).
pub(crate) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    linker.func_wrap(
        "wasi_snapshot_preview1",
        "poll_oneoff",
        |mut c: Caller<'_, HostState>, subs: i32, events: i32, n: i32, nevents: i32| {
            poll_oneoff(&mut c, subs, events, n, nevents)
        },
    )?;
    linker.allow_shadowing(false);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Before its anchor a clock charges wall time (a sleep counts); after
    /// it, CPU time (a sleep outside the host's waits does not).
    #[test]
    fn a_clock_charges_wall_time_until_anchored_then_cpu_time() {
        let nap = Duration::from_millis(30);
        let mut clock = CallClock::start();
        std::thread::sleep(nap);
        assert!(clock.charged() >= nap, "unanchored: {:?}", clock.charged());
        clock.anchor();
        let at_anchor = clock.charged();
        std::thread::sleep(nap);
        let after = clock.charged();
        assert!(
            after - at_anchor < nap / 2,
            "anchored, a sleep charged {:?}",
            after - at_anchor
        );
        // A wait the host charges counts again.
        let since = Blocking::now();
        std::thread::sleep(nap);
        clock.charge_wait(since);
        assert!(clock.charged() >= after + nap);
    }
}
