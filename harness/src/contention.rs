//! Does a hook block when many threads call it at once? One thread, then
//! N threads, call the same function; the latencies are compared and the
//! calls that blocked are counted exactly: a call during which its thread
//! made a voluntary context switch (`getrusage(RUSAGE_THREAD)`'s
//! `ru_nvcsw`) waited on something — a contended lock, I/O, a sleep.
//! Lock-free code that only computes makes none, however loaded the
//! machine is (being preempted is an involuntary switch).

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
}

impl Contention {
    /// The concurrent p99 over the single-thread p99.
    pub fn ratio(&self) -> f64 {
        self.p99_concurrent.as_secs_f64() / self.p99_single.as_secs_f64().max(1e-9)
    }
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

/// Times `calls` calls of `f` on one thread, then `calls` calls on each of
/// `threads` threads started together, counting the concurrent calls that
/// blocked. `None` where blocking cannot be counted (no per-thread
/// `getrusage`).
pub fn measure(threads: usize, calls: usize, f: impl Fn() + Sync) -> Option<Contention> {
    voluntary_switches()?;
    // Between calls a thread yields, as a server thread goes back to its
    // queue between requests: without it, the thread holding a lock takes
    // it again at once and the others never get to queue for it.
    let timed = |f: &(dyn Fn() + Sync)| {
        let mut times = Vec::with_capacity(calls);
        let mut blocked = 0;
        for _ in 0..calls {
            let switches = voluntary_switches();
            let start = Instant::now();
            f();
            times.push(start.elapsed());
            blocked += usize::from(voluntary_switches() != switches);
            std::thread::yield_now();
        }
        (times, blocked)
    };
    let (single, _) = timed(&f);
    let start = Barrier::new(threads);
    let (times, blocked) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    timed(&f)
                })
            })
            .collect();
        let mut all = Vec::with_capacity(threads * calls);
        let (mut blocked, mut panicked) = (0, 0);
        for h in handles {
            // A panicking call ends its thread: its calls are missing from
            // the counts, and the thread is counted.
            match h.join() {
                Ok((times, b)) => {
                    all.extend(times);
                    blocked += b;
                }
                Err(_) => panicked += 1,
            }
        }
        (all, (blocked, panicked))
    });
    let (blocked, panicked) = blocked;
    Some(Contention {
        threads,
        calls,
        p99_single: p99(single),
        completed: times.len(),
        p99_concurrent: p99(times),
        blocked,
        panicked,
    })
}
