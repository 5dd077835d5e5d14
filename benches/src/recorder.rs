//! Single-call latencies into HDR histograms, engine and floor interleaved
//! (A B A B …) so both see the same machine stalls.

use std::hint::black_box;
use std::time::Instant;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

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
    /// Samples of each.
    pub samples: u64,
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
    /// Records `engine` and `floor` interleaved; returns the result and the
    /// two histograms.
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
        for _ in 0..self.samples {
            let t0 = Instant::now();
            black_box(engine());
            let t1 = Instant::now();
            black_box(floor());
            let t2 = Instant::now();
            let clean = |d: std::time::Duration| {
                (d.as_nanos() as u64)
                    .saturating_sub(self.overhead_ns)
                    .max(1)
            };
            let _ = e.record(clean(t1 - t0));
            let _ = f.record(clean(t2 - t1));
        }
        let result = FormResult {
            p50_ns: e.value_at_quantile(0.5),
            p99_ns: e.value_at_quantile(0.99),
            p999_ns: e.value_at_quantile(0.999),
            floor_p50_ns: f.value_at_quantile(0.5),
            floor_p99_ns: f.value_at_quantile(0.99),
            ratio_p99: e.value_at_quantile(0.99) as f64 / f.value_at_quantile(0.99).max(1) as f64,
            samples: e.len(),
        };
        (result, e, f)
    }
}
