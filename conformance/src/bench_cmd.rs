//! `hookcheck bench`: a plugin's request hook timed through the host and
//! alone, or two builds of it side by side.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use hookcheck::fixtures::{Event, RequestEvent, parse_fixture, read_fixture};
use hookcheck_conformance::bench::{self, Percentiles};
use hookcheck_conformance::{ProfileChoice, Subject};

/// The request timed unless `--request` names another: a recorded
/// `GET /api/system` with browser headers (about 530 bytes as JSON).
const BUNDLED_REQUEST: &str = include_str!("../../fixtures/requests/before_request_530.json");

/// Arguments of `hookcheck bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct BenchArgs {
    /// The plugin, as `hookcheck conformance` takes it (`.wasm`, `.so`,
    /// `pylon:NAME`, `rustant:NAME`). A native plugin runs in this process
    /// for the timing, as its host runs it: one that crashes ends the run.
    plugin: String,
    /// Compare with this build of the plugin: calls alternate between the
    /// two, and the run exits 1 when the new one is slower by more than
    /// `--threshold` with the whole 95% interval past it.
    #[arg(long, value_name = "OLD")]
    against: Option<String>,
    /// The slowdown, in percent, that counts as a regression.
    #[arg(long, default_value_t = 10.0, value_name = "PCT")]
    threshold: f64,
    /// Timed calls of each side.
    #[arg(long, default_value_t = 20_000)]
    samples: usize,
    /// The request fixture to send (default: a recorded GET with browser
    /// headers); Lesstruct saves its JSON body as a post.
    #[arg(long, value_name = "FILE")]
    request: Option<PathBuf>,
    /// The contract (default: detected as `conformance` does).
    #[arg(long, default_value = "auto", value_parser = parse_profile)]
    profile: ProfileChoice,
    /// Also write the result as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

fn parse_profile(s: &str) -> Result<ProfileChoice, String> {
    s.parse()
}

/// The request to time.
fn request(path: Option<&Path>) -> anyhow::Result<RequestEvent> {
    let fixture = match path {
        Some(p) => read_fixture(p)?,
        None => parse_fixture(Path::new("before_request_530.json"), BUNDLED_REQUEST)?,
    };
    match fixture.event {
        Event::Request(r) => Ok(r),
        other => bail!(
            "{}: holds a {} event; --request needs a request",
            path.map_or_else(|| "the bundled request".into(), |p| p.display().to_string()),
            other.kind()
        ),
    }
}

fn open(spec: &str, profile: ProfileChoice) -> anyhow::Result<Subject> {
    Ok(Subject::open(spec, profile, Some(crate::conformance::own_runner()?))?.0)
}

fn micros(ns: u64) -> String {
    #[allow(clippy::cast_precision_loss, reason = "nanosecond latencies")]
    let us = ns as f64 / 1_000.0;
    format!("{us:>9.2} µs")
}

fn row(label: &str, p: &Percentiles) -> String {
    format!(
        "  {label:<6} {} {} {}",
        micros(p.p50_ns),
        micros(p.p99_ns),
        micros(p.p999_ns)
    )
}

/// Runs the bench; `Ok(false)` when `--against` finds a regression.
pub(crate) fn run(args: &BenchArgs) -> anyhow::Result<bool> {
    if !(0.0..=1_000.0).contains(&args.threshold) {
        bail!(
            "--threshold {}: give a percentage from 0 to 1000",
            args.threshold
        );
    }
    let request = request(args.request.as_deref())?;
    let subject = open(&args.plugin, args.profile)?;
    let header = format!("  {:<6} {:>12} {:>12} {:>12}", "", "p50", "p99", "p99.9");
    let (text, json, ok) = match &args.against {
        None => {
            eprintln!(
                "hookcheck bench: timing {} through the host and alone, {} calls each…",
                subject.display_name(),
                args.samples
            );
            let m = bench::before_request(&subject, &request)
                .samples(args.samples)
                .run()?;
            let mut out = format!(
                "{} {} ({} calls each)\n{header}\n{}\n",
                m.plugin,
                m.hook,
                args.samples,
                row("host", &m.host)
            );
            match (&m.floor, m.ratio_p99) {
                (Some(floor), Some(ratio)) => {
                    out.push_str(&row("floor", floor));
                    out.push_str(&format!("\n  host/floor at p99: {ratio:.2}×\n"));
                }
                _ => out.push_str("  (no floor: hookcheck cannot call this contract's hooks without its host yet)\n"),
            }
            match m.allocations_per_call {
                Some(n) => out.push_str(&format!("  the plugin's own heap allocations per call: {n:.1}\n")),
                None => out.push_str("  heap allocations: not counted (only an in-process plugin's, called directly)\n"),
            }
            (out, serde_json::to_string_pretty(&m)?, true)
        }
        Some(old) => {
            let old = open(old, args.profile)?;
            if old.contract() != subject.contract() {
                bail!(
                    "{} is a {} plugin and {} a {} plugin: --against compares two builds of one plugin",
                    subject.display_name(),
                    subject.contract(),
                    old.display_name(),
                    old.contract()
                );
            }
            eprintln!(
                "hookcheck bench: timing {} against {}, calls alternating, {} each…",
                subject.display_name(),
                old.display_name(),
                args.samples
            );
            let c = bench::before_request(&subject, &request)
                .samples(args.samples)
                .against(&old, args.threshold / 100.0)?;
            let interval =
                |i: &bench::Interval| format!("{:.3} [{:.3}, {:.3}]", i.estimate, i.low, i.high);
            let verdict = if c.regressed() {
                format!("REGRESSION: slower by more than {}%", args.threshold)
            } else {
                format!("no regression past {}%", args.threshold)
            };
            let out = format!(
                "{} {} ({} calls each, alternating)\n{header}\n{}\n{}\n  new/old p50: {} · p99: {} (95% intervals)\n  {verdict}\n",
                c.new,
                c.hook,
                args.samples,
                row("new", &c.new_host),
                row("old", &c.old_host),
                interval(&c.ratio_p50),
                interval(&c.ratio_p99),
            );
            (out, serde_json::to_string_pretty(&c)?, !c.regressed())
        }
    };
    print!("{text}");
    if let Some(path) = &args.json {
        std::fs::write(path, json)
            .with_context(|| format!("failed to write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(ok)
}
