//! The machine's own pauses, learned from a probe interleaved with the
//! calls, and percentiles read net of them.
//!
//! A VM is paused by its host now and then (on fresh 2-core VMs, ~3 µs
//! about every 60 µs). A pause lands in a call with a chance in proportion
//! to the call's length, so a 724 ns engine call meets one in ~1.2% of
//! calls and a 331 ns floor in ~0.55%: p99 lands on the pause for one and
//! not the other, and the ratio of p99s measures the machine.
//!
//! The probe, a fixed busy loop timed between the calls, meets the same
//! pauses and nothing else. Its slow samples give how often the machine
//! pauses per nanosecond and how long each pause is. A series of calls is
//! then a mixture: with the share `s` a pause hit (its rate times the
//! calls' mean length), a call took its own time plus a pause. So its own
//! distribution is `F(x) = (F_obs(x) − s·G(x)) / (1 − s)`, where `G(x)`,
//! the chance that a call plus a pause is at most `x`, comes from the
//! observed calls and the probe's pause lengths; the net p99 is the least
//! `x` with `F(x) ≥ 0.99`. A plugin's own slow path is not in the probe,
//! so it stays in the net p99, even where it is longer than a pause.

use std::hint::black_box;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// How often the probe saw a pause, and how long the pauses were.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stalls {
    /// The probe's median, ns.
    pub probe_median_ns: u64,
    /// The share of probe samples that took more than twice the median.
    pub probe_hit_share: f64,
    /// How much longer than the median those samples took, ns, sorted (at
    /// most 256, evenly spaced over all of them).
    pub pauses_ns: Vec<u64>,
}

/// Pause lengths kept: enough to draw their distribution, few enough that
/// reading a net quantile stays cheap.
const MAX_PAUSES: usize = 256;

/// The most of a series counted as paused: past it the machine is too
/// busy to say anything about p99.
const MAX_SHARE: f64 = 0.5;

impl Stalls {
    /// Learns the pauses from the probe's samples (any order), ns.
    pub fn from_probe(samples: &[u64]) -> Self {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0);
        let excess: Vec<u64> = sorted
            .iter()
            .filter(|s| **s > median.saturating_mul(2))
            .map(|s| s - median)
            .collect();
        let step = excess.len().div_ceil(MAX_PAUSES).max(1);
        Self {
            probe_median_ns: median,
            probe_hit_share: excess.len() as f64 / sorted.len().max(1) as f64,
            pauses_ns: excess.iter().step_by(step).copied().collect(),
        }
    }

    /// Pauses per millisecond of running.
    pub fn per_ms(&self) -> f64 {
        self.probe_hit_share * 1e6 / self.probe_median_ns.max(1) as f64
    }

    /// The share of calls a pause lands in, for calls whose observed mean
    /// (pauses included) is `observed_mean_ns`: the pause rate times their
    /// own mean length, which is the observed mean less the pauses in it.
    pub fn share(&self, observed_mean_ns: f64) -> f64 {
        let rate = self.probe_hit_share / self.probe_median_ns.max(1) as f64;
        let pause = if self.pauses_ns.is_empty() {
            0.0
        } else {
            self.pauses_ns.iter().sum::<u64>() as f64 / self.pauses_ns.len() as f64
        };
        let own_mean = observed_mean_ns / (1.0 + rate * pause);
        (rate * own_mean).clamp(0.0, MAX_SHARE)
    }

    /// The `q` quantile of `h` net of pauses (see the module's words); the
    /// plain quantile when the probe saw no pause.
    pub fn net_quantile(&self, h: &Histogram<u64>, q: f64) -> u64 {
        let share = self.share(h.mean());
        if share <= 0.0 || self.pauses_ns.is_empty() || h.is_empty() {
            return h.value_at_quantile(q);
        }
        // The observed distribution as (value, calls at or below it).
        let mut cdf = Vec::new();
        let mut below = 0_u64;
        for v in h.iter_recorded() {
            below += v.count_at_value();
            cdf.push((v.value_iterated_to(), below));
        }
        let total = below as f64;
        let observed = |x: u64| -> f64 {
            let at = cdf.partition_point(|(v, _)| *v <= x);
            if at == 0 {
                0.0
            } else {
                cdf[at - 1].1 as f64 / total
            }
        };
        let paused = |x: u64| -> f64 {
            self.pauses_ns
                .iter()
                .map(|p| x.checked_sub(*p).map_or(0.0, &observed))
                .sum::<f64>()
                / self.pauses_ns.len() as f64
        };
        // Own F(x) ≤ F_obs(x) / (1 − s): no x below the observed quantile
        // at q(1 − s) can reach q.
        let start = cdf.partition_point(|(_, n)| (*n as f64) < q * (1.0 - share) * total);
        cdf[start.min(cdf.len() - 1)..]
            .iter()
            .map(|(v, _)| *v)
            .find(|x| (observed(*x) - share * paused(*x)) / (1.0 - share) >= q)
            .unwrap_or_else(|| h.value_at_quantile(q))
    }
}

/// Rounds of the probe's loop: about 1 µs here, long enough that a pause
/// of a few µs more than doubles it.
const PROBE_ROUNDS: u64 = 800;

/// The probe: a fixed busy loop with no memory traffic, no system calls,
/// nothing to wait for. `true` so it fits the recorder's callers.
pub fn probe() -> bool {
    let mut h: u64 = black_box(0xcbf2_9ce4_8422_2325);
    for i in 0..black_box(PROBE_ROUNDS) {
        h = (h ^ i).wrapping_mul(0x0100_0000_01b3);
    }
    black_box(h) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seeded generator (SplitMix64).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Engine, floor and probe calls one after another on a machine that
    /// pauses for 3 µs at random moments, every 60 µs on average (the
    /// fresh VM's pattern). `slow_path` is the share of engine calls that
    /// take 5 µs more on their own (a lock the plugin waits on); see
    /// [`run_with`] for another length.
    fn run(slow_path: f64, seed: u64) -> [Histogram<u64>; 3] {
        run_with(slow_path, 5_000.0, seed)
    }

    /// As [`run`], the slow path taking `slow_ns` more.
    fn run_with(slow_path: f64, slow_ns: f64, seed: u64) -> [Histogram<u64>; 3] {
        let mut rng = Rng(seed);
        let mut hs = [(); 3].map(|()| Histogram::<u64>::new_with_bounds(1, 1 << 40, 3).unwrap());
        let (mut now, mut next_pause) = (0.0_f64, 0.0_f64);
        for _ in 0..50_000 {
            for (i, base) in [724.0, 331.0, 1_000.0].into_iter().enumerate() {
                let mut took = base + rng.unit() * 40.0;
                if i == 0 && rng.unit() < slow_path {
                    took += slow_ns;
                }
                while next_pause < now + took {
                    if next_pause >= now {
                        took += 3_000.0;
                    }
                    next_pause += -60_000.0 * (1.0 - rng.unit()).ln();
                }
                now += took;
                hs[i].record(took as u64).unwrap();
            }
        }
        hs
    }

    fn probe_samples(h: &Histogram<u64>) -> Vec<u64> {
        h.iter_recorded()
            .flat_map(|v| std::iter::repeat_n(v.value_iterated_to(), v.count_at_value() as usize))
            .collect()
    }

    #[test]
    fn pauses_that_wreck_the_raw_p99_ratio_leave_the_net_one_alone() {
        for seed in 0..3 {
            let [engine, floor, probe] = run(0.0, seed);
            let raw = engine.value_at_quantile(0.99) as f64 / floor.value_at_quantile(0.99) as f64;
            // The fresh VM's failure, reproduced: the raw ratio measures
            // the pauses (the true one is about 764 / 371 = 2.1).
            assert!(raw > 5.0, "raw {raw}");
            let stalls = Stalls::from_probe(&probe_samples(&probe));
            assert!((14.0..20.0).contains(&stalls.per_ms()), "{stalls:?}");
            let net = stalls.net_quantile(&engine, 0.99) as f64
                / stalls.net_quantile(&floor, 0.99) as f64;
            assert!((1.9..2.3).contains(&net), "net {net}");
        }
    }

    #[test]
    fn a_plugins_own_slow_path_stays_in_the_net_p99() {
        // 2% of engine calls wait 5 µs on their own, longer than a pause:
        // more than 1%, so the plugin's own p99 is in that slow path
        // (5.7 µs and up), above the paused fast calls (3.7-3.8 µs).
        for seed in 0..3 {
            let [engine, _, probe] = run(0.02, seed);
            let stalls = Stalls::from_probe(&probe_samples(&probe));
            let net = stalls.net_quantile(&engine, 0.99);
            assert!(net >= 5_700, "seed {seed}: net p99 {net} ns");
        }
    }

    #[test]
    fn a_short_slow_path_below_the_pauses_is_kept_too() {
        // 3% of calls take 1 µs more on their own: the plugin's p99 is in
        // that band (1.7-1.8 µs), under the paused calls (3.7 µs and up).
        let [engine, _, probe] = run_with(0.03, 1_000.0, 11);
        let stalls = Stalls::from_probe(&probe_samples(&probe));
        let net = stalls.net_quantile(&engine, 0.99);
        assert!((1_700..1_850).contains(&net), "net p99 {net} ns");
    }

    #[test]
    fn a_quiet_machine_reads_the_plain_p99() {
        let stalls = Stalls::from_probe(&[1_000; 100]);
        assert_eq!(stalls.probe_hit_share, 0.0);
        let mut h = Histogram::<u64>::new_with_bounds(1, 1 << 40, 3).unwrap();
        for v in 1..=1000 {
            h.record(v).unwrap();
        }
        assert_eq!(stalls.net_quantile(&h, 0.99), h.value_at_quantile(0.99));
        assert!(Stalls::from_probe(&[]).share(500.0).is_finite());
    }

    #[test]
    fn the_probe_runs() {
        assert!(probe());
    }
}
