//! Percentiles of latency samples, and a block-bootstrap confidence
//! interval for the ratio of two interleaved series' percentiles.

use serde::Serialize;

/// Percentiles of one series, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50_ns: u64,
    /// 99th percentile.
    pub p99_ns: u64,
    /// 99.9th percentile.
    pub p999_ns: u64,
    /// How many samples.
    pub samples: usize,
}

impl Percentiles {
    /// The percentiles of `samples` (any order).
    pub fn of(samples: &[u64]) -> Self {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        Self {
            p50_ns: quantile(&sorted, 0.5),
            p99_ns: quantile(&sorted, 0.99),
            p999_ns: quantile(&sorted, 0.999),
            samples: sorted.len(),
        }
    }
}

/// The `q` quantile of sorted samples (nearest rank); 0 for none.
pub(crate) fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "a rank within the slice's length"
    )]
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// A ratio with its confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// The ratio over all samples.
    pub estimate: f64,
    /// The interval's lower end.
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
}

/// The ratio of the `q` quantile of `new` over that of `old`, with a 95%
/// interval from a block bootstrap: both series were taken interleaved
/// (new, old, new, old …), so sample `i` of each saw the same moment of
/// the machine; they are cut into `blocks` runs of consecutive pairs, and
/// `resamples` times a set of blocks is drawn with replacement, keeping
/// each pair together, so a stall that hit both series stays in both.
/// Blocks keep the slow drifts (frequency, cache, other processes) that
/// make neighbouring samples alike, which a bootstrap of single samples
/// would pretend away.
pub fn ratio_interval(
    new: &[u64],
    old: &[u64],
    q: f64,
    blocks: usize,
    resamples: usize,
    seed: u64,
) -> Interval {
    let n = new.len().min(old.len());
    let blocks = blocks.clamp(1, n.max(1));
    let size = n / blocks;
    let ratio = |a: &mut Vec<u64>, b: &mut Vec<u64>| {
        a.sort_unstable();
        b.sort_unstable();
        #[allow(clippy::cast_precision_loss, reason = "nanosecond latencies")]
        let r = quantile(a, q) as f64 / quantile(b, q).max(1) as f64;
        r
    };
    let estimate = ratio(&mut new[..n].to_vec(), &mut old[..n].to_vec());
    if size == 0 {
        return Interval {
            estimate,
            low: estimate,
            high: estimate,
        };
    }
    let mut rng = SplitMix(seed);
    let mut ratios = Vec::with_capacity(resamples);
    let (mut a, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..resamples {
        a.clear();
        b.clear();
        for _ in 0..blocks {
            #[allow(clippy::cast_possible_truncation, reason = "below `blocks`")]
            let start = (rng.next() % blocks as u64) as usize * size;
            a.extend_from_slice(&new[start..start + size]);
            b.extend_from_slice(&old[start..start + size]);
        }
        ratios.push(ratio(&mut a, &mut b));
    }
    ratios.sort_by(f64::total_cmp);
    let at = |p: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "an index within the resamples"
        )]
        let i = ((p * ratios.len() as f64) as usize).min(ratios.len() - 1);
        ratios[i]
    };
    Interval {
        estimate,
        low: at(0.025),
        high: at(0.975),
    }
}

/// A small, seeded generator (SplitMix64): the same samples give the same
/// interval.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Latencies like a noisy machine's: a base, jitter, and a stall in
    /// about one call of a hundred, hitting both series at the same moment.
    fn series(n: usize, base: u64, seed: u64) -> (Vec<u64>, Vec<u64>) {
        let mut rng = SplitMix(seed);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let stall = if rng.next().is_multiple_of(100) {
                3_000
            } else {
                0
            };
            a.push(base + rng.next() % 50 + stall);
            b.push(1_000 + rng.next() % 50 + stall);
        }
        (a, b)
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let samples: Vec<u64> = (1..=1000).rev().collect();
        let p = Percentiles::of(&samples);
        assert_eq!(
            (p.p50_ns, p.p99_ns, p.p999_ns, p.samples),
            (500, 990, 999, 1000)
        );
        assert_eq!(Percentiles::of(&[]).p99_ns, 0);
    }

    #[test]
    fn the_interval_holds_the_true_ratio_and_separates_a_real_slowdown() {
        for seed in 0..2 {
            let (same_a, same_b) = series(4_000, 1_000, seed);
            let same = ratio_interval(&same_a, &same_b, 0.5, 40, 200, seed);
            assert!(same.low <= 1.0 && 1.0 <= same.high, "{same:?}");
            let (slow_a, slow_b) = series(4_000, 1_300, seed);
            let slow = ratio_interval(&slow_a, &slow_b, 0.5, 40, 200, seed);
            assert!(slow.low > 1.2 && slow.high < 1.4, "{slow:?}");
            // Swapped, the same samples say "faster": the ratio is new/old.
            let swapped = ratio_interval(&slow_b, &slow_a, 0.5, 40, 200, seed);
            assert!(swapped.high < 0.85, "{swapped:?}");
        }
    }

    #[test]
    fn too_few_samples_give_a_point_not_a_panic() {
        let i = ratio_interval(&[5], &[4], 0.99, 50, 100, 1);
        assert_eq!((i.low, i.estimate, i.high), (1.25, 1.25, 1.25));
        let none = ratio_interval(&[], &[], 0.5, 50, 100, 1);
        assert!(none.estimate.is_finite());
    }
}
