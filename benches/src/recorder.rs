//! Single-call latencies into HDR histograms, engine, floor and the pause
//! probe interleaved (A B P B A P …) so all see the same machine stalls.

use std::hint::black_box;
use std::time::Instant;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use crate::stalls::{Stalls, probe};

/// The cost of the clock, in ns: the median of back-to-back `Instant::now()`
/// pairs.
pub fn timer_overhead_ns() -> u64 {
    let mut v: Vec<u64> = (0..20_001)
        .map(|_| {
            let a = Instant::now();
            let b = Instant::now();
            (b - a).as_nanos() as u64
        })
        .collect();
    v.sort_unstable();
    v[v.len() / 2]
}

/// One form's percentiles.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormResult {
    /// Engine p50, ns.
    pub p50_ns: u64,
    /// Engine p99, ns.
    pub p99_ns: u64,
    /// Engine p99.9, ns.
    pub p999_ns: u64,
    /// Floor p50, ns.
    pub floor_p50_ns: u64,
    /// Floor p99, ns.
    pub floor_p99_ns: u64,
    /// Engine p99 / floor p99.
    pub ratio_p99: f64,
    /// Engine p99 net of the machine's pauses, ns (see [`Stalls`]).
    pub net_p99_ns: u64,
    /// Floor p99 net of the machine's pauses, ns.
    pub floor_net_p99_ns: u64,
    /// Engine net p99 / floor net p99: what the gate compares.
    pub ratio_p99_net: f64,
    /// Engine p50 minus floor p50, ns: what the engine adds (negative
    /// when the floor was the slower).
    #[serde(default)]
    pub added_p50_ns: i64,
    /// Engine net p99 minus floor net p99, ns.
    #[serde(default)]
    pub added_p99_ns: i64,
    /// Pauses of the machine per millisecond, from the probe.
    pub pauses_per_ms: f64,
    /// Samples of each.
    pub samples: u64,
}

impl FormResult {
    /// The result of an engine and a floor histogram, with the pauses the
    /// probe saw meanwhile.
    pub fn of(e: &Histogram<u64>, f: &Histogram<u64>, stalls: &Stalls) -> Self {
        let (net, floor_net) = (stalls.net_quantile(e, 0.99), stalls.net_quantile(f, 0.99));
        Self {
            p50_ns: e.value_at_quantile(0.5),
            p99_ns: e.value_at_quantile(0.99),
            p999_ns: e.value_at_quantile(0.999),
            floor_p50_ns: f.value_at_quantile(0.5),
            floor_p99_ns: f.value_at_quantile(0.99),
            ratio_p99: e.value_at_quantile(0.99) as f64 / f.value_at_quantile(0.99).max(1) as f64,
            net_p99_ns: net,
            floor_net_p99_ns: floor_net,
            ratio_p99_net: net as f64 / floor_net.max(1) as f64,
            added_p50_ns: e.value_at_quantile(0.5).cast_signed()
                - f.value_at_quantile(0.5).cast_signed(),
            added_p99_ns: net.cast_signed() - floor_net.cast_signed(),
            pauses_per_ms: stalls.per_ms(),
            samples: e.len(),
        }
    }
}

/// Samples engine and floor calls.
#[derive(Clone, Copy, Debug)]
pub struct Sampler {
    /// Calls of each before recording.
    pub warmup: usize,
    /// Recorded calls of each.
    pub samples: usize,
    /// Subtracted from every sample.
    pub overhead_ns: u64,
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3)
        .unwrap_or_else(|_| unreachable!("valid bounds"))
}

impl Sampler {
    /// Records `engine`, `floor` and the pause probe interleaved; returns
    /// the result and the engine's and floor's histograms.
    pub fn run(
        &self,
        mut engine: impl FnMut() -> bool,
        mut floor: impl FnMut() -> bool,
    ) -> (FormResult, Histogram<u64>, Histogram<u64>) {
        for _ in 0..self.warmup {
            black_box(engine());
            black_box(floor());
        }
        let (mut e, mut f) = (histogram(), histogram());
        let mut p = Vec::with_capacity(self.samples);
        let clean = |d: std::time::Duration| {
            (d.as_nanos() as u64)
                .saturating_sub(self.overhead_ns)
                .max(1)
        };
        for i in 0..self.samples {
            // Which form goes first alternates: the first call after the
            // bookkeeping below (two histograms, the probe's vector) finds
            // the caches it disturbed, and on some machines that cold
            // start alone is a p99. Alternating gives both forms the same
            // share of it (A B P, B A P, …).
            let engine_first = i % 2 == 0;
            let t0 = Instant::now();
            black_box(if engine_first { engine() } else { floor() });
            let t1 = Instant::now();
            black_box(if engine_first { floor() } else { engine() });
            let t2 = Instant::now();
            let (engine_ns, floor_ns) = if engine_first {
                (t1 - t0, t2 - t1)
            } else {
                (t2 - t1, t1 - t0)
            };
            black_box(probe());
            let t3 = Instant::now();
            let _ = e.record(clean(engine_ns));
            let _ = f.record(clean(floor_ns));
            p.push(clean(t3 - t2));
        }
        let result = FormResult::of(&e, &f, &Stalls::from_probe(&p));
        (result, e, f)
    }
}
