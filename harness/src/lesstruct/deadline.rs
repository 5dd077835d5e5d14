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

use std::time::{Duration, Instant};

/// Log lines a WASM plugin may write in one hook call; past it, lines are
/// counted, not kept.
pub const WASM_LOG_LINES_PER_CALL: usize = 256;
/// Log bytes a WASM plugin may write in one hook call.
pub const WASM_LOG_BYTES_PER_CALL: usize = 64 << 10;

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
