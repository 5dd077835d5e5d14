//! Timing a hook: host path and floor interleaved, or two builds
//! interleaved, one call at a time.

use std::hint::black_box;
use std::time::Instant;

use hookcheck::fixtures::{Event, RequestEvent};
use serde::Serialize;

use super::caller::caller;
use super::stats::{Interval, Percentiles, ratio_interval};
use crate::subject::Subject;
use crate::{Error, Result};

/// A hook's timing, ready to run: [`before_request`] or [`of`] makes one.
#[must_use = "a bench does nothing until it runs"]
pub struct Bench<'a> {
    subject: &'a Subject,
    hook: Option<String>,
    input: Event,
    samples: usize,
    warmup: usize,
}

/// Times `subject`'s request hook (Pylon `on_request_with_meta`,
/// FeatherFly `request.intercept`, Lesstruct `before_save`, Rustant
/// `BeforeToolExecution`) with `request` as its input:
///
/// ```no_run
/// # use hookcheck_conformance::{Subject, bench};
/// # fn run(subject: &Subject, request: &hookcheck::fixtures::RequestEvent) -> hookcheck_conformance::Result<()> {
/// let m = bench::before_request(subject, request).samples(50_000).run()?;
/// println!("p99 {} ns through the host, {} ns alone", m.host.p99_ns, m.floor.map_or(0, |f| f.p99_ns));
/// # Ok(()) }
/// ```
pub fn before_request<'a>(subject: &'a Subject, request: &RequestEvent) -> Bench<'a> {
    Bench::new(subject, Event::Request(request.clone()))
}

/// Times a hook of `subject` with `input`, a request or a write fixture:
/// the contract's request hook, or for a write given to a Pylon plugin the
/// `before_*` hook of its operation, unless [`Bench::hook`] names another:
///
/// ```no_run
/// # use hookcheck_conformance::{Subject, bench};
/// # fn run(subject: &Subject, write: &hookcheck::fixtures::Event) -> hookcheck_conformance::Result<()> {
/// let m = bench::of(subject, write).hook("before_update").run()?;
/// # Ok(()) }
/// ```
pub fn of<'a>(subject: &'a Subject, input: &Event) -> Bench<'a> {
    Bench::new(subject, input.clone())
}

/// One plugin's hook, timed.
#[derive(Clone, Debug, Serialize)]
pub struct Measurement {
    /// The plugin.
    pub plugin: String,
    /// The hook.
    pub hook: &'static str,
    /// Through the host path, as the host calls it.
    pub host: Percentiles,
    /// Every host-path sample, ns, in the order taken (for a saved
    /// baseline).
    #[serde(skip)]
    pub host_samples: Vec<u64>,
    /// Every floor sample, ns, in the order taken.
    #[serde(skip)]
    pub floor_samples: Vec<u64>,
    /// The plugin called directly with the input already prepared; `None`
    /// for a WASM module's `hook_before_request`, which no host calls.
    pub floor: Option<Percentiles>,
    /// Host p99 over floor p99.
    pub ratio_p99: Option<f64>,
    /// For a WASM plugin, per call through the host path: how much its
    /// memory grew and how many `lesstruct` host functions it called.
    pub wasm: Option<WasmCounts>,
    /// The plugin alone on 1 thread and on many at once, for an in-process
    /// plugin: locks and other waits show up here.
    pub threads: Option<Threads>,
    /// The plugin's own heap allocations per call (the floor's, less the
    /// copy of its input a write hook gets), when this process counts them
    /// (`hookcheck::alloc::CountingAllocator`) and the plugin is an
    /// in-process one called directly; `None` otherwise (a WASM plugin's
    /// heap lives in its own memory, and a native plugin's calls go
    /// through the host's).
    pub allocations_per_call: Option<f64>,
}

/// What a WASM plugin's calls cost besides time, averaged over calls.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct WasmCounts {
    /// Calls counted.
    pub calls: usize,
    /// Bytes its linear memory grew per call (a plugin that grows on every
    /// call reaches the host's memory limit and fails).
    pub memory_growth_per_call: f64,
    /// `lesstruct` host functions (`http_*`, `db_*`, `log_*`) called per
    /// call (WASI calls are not counted).
    pub host_calls_per_call: f64,
}

/// An in-process plugin's request hook called by 1 thread, then by many
/// at once.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Threads {
    /// Threads in the concurrent part.
    pub threads: usize,
    /// Calls per thread.
    pub calls: usize,
    /// p99 with one thread, ns.
    pub p99_single_ns: u64,
    /// p99 with all threads at once, ns.
    pub p99_concurrent_ns: u64,
    /// Concurrent calls during which their thread blocked (a voluntary
    /// context switch: a contended lock, I/O, a sleep).
    pub blocked: usize,
}

/// Two builds of a plugin, interleaved call by call.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The hook.
    pub hook: &'static str,
    /// The new build.
    pub new: String,
    /// The old build.
    pub old: String,
    /// The new build's percentiles.
    pub new_host: Percentiles,
    /// The old build's percentiles.
    pub old_host: Percentiles,
    /// Every sample of the new build, ns, in the order taken.
    #[serde(skip)]
    pub new_samples: Vec<u64>,
    /// Every sample of the old build, ns, in the order taken.
    #[serde(skip)]
    pub old_samples: Vec<u64>,
    /// New p50 over old p50, with its 95% interval.
    pub ratio_p50: Interval,
    /// New p99 over old p99, with its 95% interval.
    pub ratio_p99: Interval,
    /// How much slower counts as a regression (0.10: 10%).
    pub threshold: f64,
    /// What the intervals say about the threshold.
    pub verdict: Verdict,
}

/// What a comparison's p50 and p99 intervals say about `1 + threshold`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Both intervals lie wholly below the threshold: whatever slowdown
    /// there is, it is smaller.
    Within,
    /// An interval reaches past the threshold and none lies wholly past
    /// it: this run cannot tell (more samples narrow the intervals).
    Unclear,
    /// An interval lies wholly past the threshold: the new build is slower
    /// by more than it. The only verdict that fails a run.
    Slower,
}

impl Verdict {
    /// The verdict of the p50 and p99 intervals against `1 + threshold`.
    pub fn of(p50: &Interval, p99: &Interval, threshold: f64) -> Self {
        let limit = 1.0 + threshold;
        if p50.low > limit || p99.low > limit {
            Self::Slower
        } else if p50.high > limit || p99.high > limit {
            Self::Unclear
        } else {
            Self::Within
        }
    }
}

impl Comparison {
    /// Whether the new build is slower than the old by more than the
    /// threshold, at p50 or p99, with the whole interval past it
    /// ([`Verdict::Slower`]).
    pub fn regressed(&self) -> bool {
        self.verdict == Verdict::Slower
    }
}

/// Calls whose memory growth, host-function calls and allocations are
/// counted.
const COUNTED_CALLS: usize = 1_000;

/// Calls per thread when the plugin is called from many threads at once.
const THREAD_CALLS: usize = 500;

/// Blocks of consecutive samples the bootstrap resamples.
const BLOCKS: usize = 100;
/// Bootstrap resamples.
const RESAMPLES: usize = 1_000;

impl<'a> Bench<'a> {
    /// The default hook of `subject` with `input`, 20 000 samples after
    /// 2 000 warm-up calls.
    fn new(subject: &'a Subject, input: Event) -> Self {
        Self {
            subject,
            hook: None,
            input,
            samples: 20_000,
            warmup: 2_000,
        }
    }

    /// Times hook `name`, one of [`super::bench_hooks`] for the subject's
    /// contract (Pylon `before_insert`, FeatherFly `middleware.inject`,
    /// Rustant `AfterToolExecution` …).
    pub fn hook(mut self, name: &str) -> Self {
        self.hook = Some(name.to_owned());
        self
    }

    /// Records this many calls of each side (default 20 000).
    pub fn samples(mut self, samples: usize) -> Self {
        self.samples = samples.max(1);
        self
    }

    /// Makes this many untimed calls of each side first (default 2 000).
    pub fn warmup(mut self, warmup: usize) -> Self {
        self.warmup = warmup;
        self
    }

    /// Times the host path and the floor, interleaved (host, floor, host,
    /// floor …) so both see the same stalls of the machine.
    ///
    /// # Errors
    ///
    /// The subject has no such hook (or the input is not the kind it takes), or it does not load.
    pub fn run(self) -> Result<Measurement> {
        let mut c = caller(self.subject, self.hook.as_deref(), &self.input)?;
        let has_floor = c.floor().is_some();
        // Counted after a few calls, before the long warm-up: a plugin that
        // grows on every call would reach its memory limit during the
        // warm-up and then seem to grow no more.
        for _ in 0..10 {
            black_box(c.host());
        }
        let wasm = c.wasm_counters().and_then(|(memory, calls)| {
            for _ in 0..COUNTED_CALLS {
                black_box(c.host());
            }
            let (memory_after, calls_after) = c.wasm_counters()?;
            #[allow(clippy::cast_precision_loss, reason = "byte and call counts")]
            Some(WasmCounts {
                calls: COUNTED_CALLS,
                memory_growth_per_call: memory_after.saturating_sub(memory) as f64
                    / COUNTED_CALLS as f64,
                host_calls_per_call: calls_after.saturating_sub(calls) as f64
                    / COUNTED_CALLS as f64,
            })
        });
        for _ in 0..self.warmup {
            black_box(c.host());
            black_box(c.floor());
        }
        let allocations = if c.floor_allocates_as_plugin() {
            hookcheck::alloc::count(|| {
                for _ in 0..COUNTED_CALLS {
                    black_box(c.floor());
                }
            })
            .1
            .map(|n| n.saturating_sub(c.floor_input_allocations() * COUNTED_CALLS as u64))
        } else {
            None
        };
        let (mut host, mut floor) = (Vec::with_capacity(self.samples), Vec::new());
        for _ in 0..self.samples {
            host.push(timed(|| c.host()));
            if has_floor {
                floor.push(timed(|| c.floor().unwrap_or(false)));
            }
        }
        let host_samples = host;
        let host = Percentiles::of(&host_samples);
        let floor_samples = floor;
        let floor = has_floor.then(|| Percentiles::of(&floor_samples));
        let threads = c.concurrent().and_then(|call| {
            let n = std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .max(2)
                * 2;
            let m = hookcheck::contention::measure(n, THREAD_CALLS, call)?;
            let ns = |d: std::time::Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
            Some(Threads {
                threads: m.threads,
                calls: m.calls,
                p99_single_ns: ns(m.p99_single),
                p99_concurrent_ns: ns(m.p99_concurrent),
                blocked: m.blocked,
            })
        });
        #[allow(clippy::cast_precision_loss, reason = "nanosecond latencies, counts")]
        Ok(Measurement {
            plugin: self.subject.display_name(),
            hook: c.hook(),
            ratio_p99: floor.map(|f| host.p99_ns as f64 / f.p99_ns.max(1) as f64),
            host,
            host_samples,
            floor_samples,
            floor,
            wasm,
            threads,
            allocations_per_call: allocations.map(|n| n as f64 / COUNTED_CALLS as f64),
        })
    }

    /// Times this build against `old` through the host path, interleaved
    /// (new, old, new, old …), and gives the p50 and p99 ratios with 95%
    /// intervals; `threshold` is the slowdown that counts (0.10: 10%).
    ///
    /// # Errors
    ///
    /// Either subject has no such hook to time or does not load, or the
    /// two are of different contracts.
    pub fn against(self, old: &Subject, threshold: f64) -> Result<Comparison> {
        if old.contract() != self.subject.contract() {
            return Err(Error::Bench(format!(
                "{} is a {} plugin and {} a {} plugin: compare two builds of one plugin",
                self.subject.display_name(),
                self.subject.contract(),
                old.display_name(),
                old.contract()
            )));
        }
        let mut a = caller(self.subject, self.hook.as_deref(), &self.input)?;
        let mut b = caller(old, self.hook.as_deref(), &self.input)?;
        for _ in 0..self.warmup {
            black_box(a.host());
            black_box(b.host());
        }
        let (mut new, mut was) = (
            Vec::with_capacity(self.samples),
            Vec::with_capacity(self.samples),
        );
        for i in 0..self.samples {
            // Alternate who goes first, so neither always runs on the
            // other's warm cache.
            if i % 2 == 0 {
                new.push(timed(|| a.host()));
                was.push(timed(|| b.host()));
            } else {
                was.push(timed(|| b.host()));
                new.push(timed(|| a.host()));
            }
        }
        Ok(Comparison::of(
            a.hook(),
            (self.subject.display_name(), new),
            (old.display_name(), was),
            threshold,
        ))
    }
}

impl Comparison {
    /// Two series of `hook`'s latencies (name, ns samples in the order
    /// taken) compared at p50 and p99 with 95% block-bootstrap intervals;
    /// `threshold` is the slowdown that counts (0.10: 10%).
    pub fn of(
        hook: &'static str,
        (new, new_samples): (String, Vec<u64>),
        (old, old_samples): (String, Vec<u64>),
        threshold: f64,
    ) -> Self {
        let seed = 0x0068_656f_6f6b_636b;
        let ratio = |q| ratio_interval(&new_samples, &old_samples, q, BLOCKS, RESAMPLES, seed);
        let (ratio_p50, ratio_p99) = (ratio(0.5), ratio(0.99));
        Self {
            hook,
            new,
            old,
            new_host: Percentiles::of(&new_samples),
            old_host: Percentiles::of(&old_samples),
            verdict: Verdict::of(&ratio_p50, &ratio_p99, threshold),
            ratio_p50,
            ratio_p99,
            new_samples,
            old_samples,
            threshold,
        }
    }
}

/// The wall time of one call, in nanoseconds.
fn timed(f: impl FnOnce() -> bool) -> u64 {
    let start = Instant::now();
    black_box(f());
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(low: f64, high: f64) -> Interval {
        Interval {
            estimate: f64::midpoint(low, high),
            low,
            high,
        }
    }

    #[test]
    fn only_an_interval_wholly_past_the_threshold_is_slower() {
        let within = at(0.97, 1.04);
        // p99 alone wholly past 10% is enough.
        assert_eq!(Verdict::of(&within, &at(1.12, 1.3), 0.10), Verdict::Slower);
        assert_eq!(Verdict::of(&at(1.101, 1.2), &within, 0.10), Verdict::Slower);
        // Reaching past it, or touching it, is not enough.
        assert_eq!(
            Verdict::of(&at(1.05, 1.15), &within, 0.10),
            Verdict::Unclear
        );
        assert_eq!(Verdict::of(&within, &at(1.1, 1.2), 0.10), Verdict::Unclear);
        assert_eq!(Verdict::of(&within, &within, 0.10), Verdict::Within);
        // The threshold moves the line: the same intervals, 2%.
        assert_eq!(Verdict::of(&within, &at(1.03, 1.05), 0.02), Verdict::Slower);
    }
}
