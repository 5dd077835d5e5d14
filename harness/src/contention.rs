//! Does a hook block when many threads call it at once? Threads are held
//! at a barrier before every round, so every round's calls start together
//! and overlap whatever else the machine is doing; the calls that blocked
//! are counted exactly: a call during which its thread made a voluntary
//! context switch (`getrusage(RUSAGE_THREAD)`'s `ru_nvcsw`) waited on
//! something — a contended lock, I/O, a sleep. Lock-free code that only
//! computes makes none, however loaded the machine is (being preempted is
//! an involuntary switch); a lock-free control run in the same process
//! measures what the machine itself adds. The verdict rests on these
//! counts, not on latencies, which move with the load.

use std::sync::Barrier;
use std::time::{Duration, Instant};

/// What one run measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contention {
    /// Threads in the concurrent part.
    pub threads: usize,
    /// Calls per thread (and in the single-thread part).
    pub calls: usize,
    /// p99 latency with one thread.
    pub p99_single: Duration,
    /// p99 latency over all threads' calls, all running at once.
    pub p99_concurrent: Duration,
    /// Concurrent calls during which their thread blocked.
    pub blocked: usize,
    /// Concurrent calls that returned (a thread that panicked stops).
    pub completed: usize,
    /// Threads whose calls panicked.
    pub panicked: usize,
    /// Calls of the lock-free control, run the same way, that blocked:
    /// what the machine adds on its own.
    pub control_blocked: usize,
}

impl Contention {
    /// The concurrent p99 over the single-thread p99 (for the evidence
    /// only: latencies move with the machine's load).
    pub fn ratio(&self) -> f64 {
        self.p99_concurrent.as_secs_f64() / self.p99_single.as_secs_f64().max(1e-9)
    }

    /// Whether the hook blocks under concurrency: at least 1 % of its
    /// concurrent calls blocked, and ten times as many as the lock-free
    /// control's (plus one). Lock-free code blocks in none, however busy
    /// the machine. A lock held for long blocks in a large share of calls;
    /// one held for a few microseconds blocks only when its holder is
    /// preempted, a share that moves with the machine's load, so the
    /// threshold sits well above it (measured here on 2 cores, with and
    /// without a busy loop per core beside it).
    pub fn blocks(&self) -> bool {
        self.blocked * 100 >= self.completed.max(1) && self.blocked > 10 * self.control_blocked
    }

    /// Whether the count is near the threshold, so another batch of rounds
    /// should decide: some calls blocked, but not twice the threshold.
    pub fn unsure(&self) -> bool {
        self.blocked > 0 && self.blocked * 50 < self.completed.max(1)
    }

    /// This run and `more`, of the same hook, as one.
    #[must_use]
    pub fn and(mut self, more: &Contention) -> Self {
        self.calls += more.calls;
        self.blocked += more.blocked;
        self.completed += more.completed;
        self.panicked = self.panicked.max(more.panicked);
        self.control_blocked += more.control_blocked;
        self.p99_single = self.p99_single.max(more.p99_single);
        self.p99_concurrent = self.p99_concurrent.max(more.p99_concurrent);
        self
    }
}

/// A lock-free control call: computes for about as long as a small hook.
fn control() {
    let mut x = 0u64;
    for i in 0..2_000u64 {
        x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i));
    }
    std::hint::black_box(x);
}

/// This thread's voluntary context switches so far; `None` where the
/// kernel does not count them per thread.
fn voluntary_switches() -> Option<i64> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` is a valid, writable `rusage`; RUSAGE_THREAD reads
    // the calling thread's counters into it and touches nothing else.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: getrusage returned 0, so it filled `usage`.
    Some(unsafe { usage.assume_init() }.ru_nvcsw)
}

fn p99(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    let at = (times.len() * 99 / 100).min(times.len().saturating_sub(1));
    times.get(at).copied().unwrap_or_default()
}

/// Times `calls` calls of `f` on one thread, then `calls` rounds on
/// `threads` threads released together at a barrier before each round,
/// counting the concurrent calls that blocked; then the same for a
/// lock-free control. `None` where blocking cannot be counted (no
/// per-thread `getrusage`).
pub fn measure(threads: usize, calls: usize, f: impl Fn() + Sync) -> Option<Contention> {
    voluntary_switches()?;
    // Every thread takes part in every round, so the barrier never waits
    // for a thread that is gone: after a panic a thread stops calling but
    // keeps meeting the others.
    let timed = |f: &(dyn Fn() + Sync), round: Option<&Barrier>| {
        let mut times = Vec::with_capacity(calls);
        let (mut blocked, mut panicked) = (0, false);
        for _ in 0..calls {
            if let Some(barrier) = round {
                barrier.wait();
            }
            if panicked {
                continue;
            }
            let switches = voluntary_switches();
            let start = Instant::now();
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err() {
                panicked = true;
                continue;
            }
            times.push(start.elapsed());
            blocked += usize::from(voluntary_switches() != switches);
        }
        (times, blocked, panicked)
    };
    let (single, _, _) = timed(&f, None);
    let concurrent = |f: &(dyn Fn() + Sync)| {
        let round = Barrier::new(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| scope.spawn(|| timed(f, Some(&round))))
                .collect();
            let mut all = Vec::with_capacity(threads * calls);
            let (mut blocked, mut panicked) = (0, 0);
            for h in handles {
                if let Ok((times, b, p)) = h.join() {
                    all.extend(times);
                    blocked += b;
                    panicked += usize::from(p);
                }
            }
            (all, blocked, panicked)
        })
    };
    let (times, blocked, panicked) = concurrent(&f);
    let (_, control_blocked, _) = concurrent(&control);
    Some(Contention {
        threads,
        calls,
        p99_single: p99(single),
        completed: times.len(),
        p99_concurrent: p99(times),
        blocked,
        panicked,
        control_blocked,
    })
}
