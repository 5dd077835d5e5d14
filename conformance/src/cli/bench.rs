//! `hookcheck bench`: a plugin's hook timed through the host and alone, or
//! two builds of it side by side.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use hookcheck::fixtures::{Event, parse_fixture, read_fixture};
use hookcheck_conformance::bench::{self, Percentiles};
use hookcheck_conformance::{ProfileChoice, Subject};

/// The request timed unless `--input` names another: a recorded
/// `GET /api/system` with browser headers (about 530 bytes as JSON).
const BUNDLED_REQUEST: &str = include_str!("../../../fixtures/requests/before_request_530.json");
/// The write timed by a write hook unless `--input` names another: a
/// recorded post insert.
const BUNDLED_WRITE: &str = include_str!("../../../fixtures/writes/post-insert.yaml");

/// Arguments of `hookcheck bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct BenchArgs {
    /// The plugin, as `hookcheck conformance` takes it (`.wasm`, `.so`,
    /// `pylon:NAME`, `rustant:NAME`). A native plugin runs in this process
    /// for the timing, as its host runs it: one that crashes ends the run.
    plugin: String,
    /// Compare with this build of the plugin: calls alternate between the
    /// two, and the run exits 1 when the new one is slower by more than
    /// `--threshold` with the whole 95% interval (of p50 or of p99) past
    /// it. An interval that only reaches past it is reported as unclear
    /// and does not fail the run.
    #[arg(long, value_name = "OLD")]
    against: Option<String>,
    /// The slowdown, in percent, that counts as a regression.
    #[arg(long, default_value_t = 10.0, value_name = "PCT")]
    threshold: f64,
    /// Timed calls of each side.
    #[arg(long, default_value_t = 20_000)]
    samples: usize,
    /// The hook to time (default: the contract's request hook). Pylon:
    /// on_request_with_meta, before_insert, before_update, before_delete;
    /// FeatherFly: request.intercept, middleware.inject; Lesstruct:
    /// before_save, before_request; Rustant: BeforeToolExecution,
    /// AfterToolExecution, BeforeLlmRequest, AfterLlmResponse,
    /// OnSessionStart, OnSessionEnd, OnError.
    #[arg(long, value_name = "NAME")]
    hook: Option<String>,
    /// The fixture to send, in the `serve --record` format: a request
    /// (default: a recorded GET with browser headers), or for Pylon's
    /// before_* hooks a write (default: a recorded post insert; a write's
    /// entity and data go to the hook timed, whatever its operation).
    /// Lesstruct saves a request's JSON body, or a write's data, as a
    /// post.
    #[arg(long, value_name = "FILE", alias = "request")]
    input: Option<PathBuf>,
    /// Stop with an error when the whole run takes longer than this many
    /// seconds: an in-process or native plugin's call cannot be
    /// interrupted, so a hook that never returns would otherwise hang the
    /// run.
    #[arg(long, default_value_t = 600, value_name = "SECS")]
    timeout: u64,
    /// The contract (default: detected as `conformance` does).
    #[arg(long, default_value = "auto", value_parser = parse_profile)]
    profile: ProfileChoice,
    /// Also write the result as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Also write the result as Markdown here (fits $GITHUB_STEP_SUMMARY).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Also plot latency by percentile as SVG here (host and floor, or new
    /// and old).
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Save this run's host-path samples as baseline NAME (in
    /// target/hookcheck/bench/), for when only one build exists now.
    #[arg(long, value_name = "NAME", conflicts_with = "against")]
    save_baseline: Option<String>,
    /// Compare with the samples saved as baseline NAME, as --against does;
    /// the baseline ran at another time, so the machine's drift between
    /// the runs is in the ratio too (prefer --against when both builds
    /// exist).
    #[arg(long, value_name = "NAME", conflicts_with = "against")]
    baseline: Option<String>,
}

/// Samples saved by `--save-baseline`.
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    plugin: String,
    hook: String,
    samples: Vec<u64>,
}

/// Where baseline `name` lives, from the current directory.
fn baseline_path(name: &str) -> anyhow::Result<PathBuf> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        bail!("baseline name `{name}`: use letters, digits, `-`, `_` and `.`");
    }
    Ok(Path::new("target/hookcheck/bench").join(format!("{name}.json")))
}

fn parse_profile(s: &str) -> Result<ProfileChoice, String> {
    ProfileChoice::parse(s, super::catalog())
}

/// The bundled input for `hook` of `subject`: the write a Pylon
/// `before_*` hook takes, else the request.
fn bundled_input(subject: &Subject, hook: Option<&str>) -> anyhow::Result<Event> {
    let takes = bench::bench_hooks(subject)
        .iter()
        .find(|(name, _)| hook.is_none_or(|h| h == *name))
        .map(|(_, takes)| *takes);
    let fixture = if takes == Some(bench::Takes::Write) {
        parse_fixture(Path::new("post-insert.yaml"), BUNDLED_WRITE)?
    } else {
        parse_fixture(Path::new("before_request_530.json"), BUNDLED_REQUEST)?
    };
    Ok(fixture.event)
}

fn open(spec: &str, profile: ProfileChoice) -> anyhow::Result<Subject> {
    Ok(super::catalog()
        .open(spec, profile, Some(super::conformance::own_runner()?))?
        .0)
}

/// A latency in a 12-column cell: whole nanoseconds below 10 µs, where
/// in-process hooks live, else microseconds.
fn micros(ns: u64) -> String {
    if ns < 10_000 {
        return format!("{ns:>9} ns");
    }
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

/// What a run prints and writes, and whether it passed.
struct Outcome {
    text: String,
    json: String,
    markdown: String,
    svg: String,
    ok: bool,
}

/// Runs the bench; `Ok(false)` when a comparison finds a regression.
pub(crate) fn run(args: &BenchArgs) -> anyhow::Result<bool> {
    if !(0.0..=1_000.0).contains(&args.threshold) {
        bail!(
            "--threshold {}: give a percentage from 0 to 1000",
            args.threshold
        );
    }
    // A bad fixture ends the run before any plugin loads.
    let given = args.input.as_deref().map(read_fixture).transpose()?;
    let subject = open(&args.plugin, args.profile)?;
    let input = match given {
        Some(fixture) => fixture.event,
        None => bundled_input(&subject, args.hook.as_deref())?,
    };
    bench::choose(&subject, args.hook.as_deref(), &input)?;
    watchdog(std::time::Duration::from_secs(args.timeout), &args.plugin);
    let outcome = match &args.against {
        None => one(args, &subject, &input)?,
        Some(old) => against(args, &subject, &open(old, args.profile)?, &input)?,
    };
    print!("{}", outcome.text);
    for (path, body) in [
        (&args.json, &outcome.json),
        (&args.markdown, &outcome.markdown),
        (&args.svg, &outcome.svg),
    ] {
        if let Some(path) = path {
            std::fs::write(path, body)
                .with_context(|| format!("failed to write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(outcome.ok)
}

/// Ends the process with exit 2 if the run is still going after `limit`:
/// the plugin's call in progress cannot be stopped, only abandoned.
fn watchdog(limit: std::time::Duration, plugin: &str) {
    let plugin = plugin.to_owned();
    let spawned = std::thread::Builder::new()
        .name("hookcheck-bench-watchdog".into())
        .spawn(move || {
            std::thread::sleep(limit);
            eprintln!(
                "error: {plugin}: the bench did not finish in {} s (--timeout); a call of the plugin may never return",
                limit.as_secs()
            );
            std::process::exit(i32::from(hookcheck_conformance::EXIT_USAGE));
        });
    if let Err(e) = spawned {
        eprintln!(
            "hookcheck bench: no watchdog ({e}); a hook that never returns would hang this run"
        );
    }
}

const HEADER: &str = "                  p50          p99        p99.9";

/// One build: host path and floor, threads, allocations; a saved baseline
/// compared or written.
fn one(args: &BenchArgs, subject: &Subject, input: &Event) -> anyhow::Result<Outcome> {
    // Bad baseline arguments end the run before the timing, not after.
    let save_to = args
        .save_baseline
        .as_deref()
        .map(baseline_path)
        .transpose()?;
    let baseline = match &args.baseline {
        Some(name) => {
            let path = baseline_path(name)?;
            let bytes = std::fs::read(&path).with_context(|| {
                format!("failed to read baseline `{name}` ({})", path.display())
            })?;
            let saved: Saved = serde_json::from_slice(&bytes).with_context(|| {
                format!("failed to read baseline `{name}` ({})", path.display())
            })?;
            Some((name, path, saved))
        }
        None => None,
    };
    eprintln!(
        "hookcheck bench: timing {} through the host and alone, {} calls each…",
        subject.display_name(),
        args.samples
    );
    let m = timing(args, subject, input).run()?;
    let mut text = format!(
        "{} {} ({} calls each)\n{HEADER}\n{}\n",
        m.plugin,
        m.hook,
        args.samples,
        row("host", &m.host)
    );
    match (&m.floor, m.ratio_p99) {
        (Some(floor), Some(ratio)) => {
            text.push_str(&row("floor", floor));
            text.push_str(&format!("\n  host/floor at p99: {ratio:.2}×\n"));
        }
        _ => text.push_str("  (no floor: this hook is timed through hookcheck's engine only)\n"),
    }
    match m.allocations_per_call {
        Some(n) => text.push_str(&format!(
            "  the plugin's own heap allocations per call: {n:.1}\n"
        )),
        None => text.push_str(
            "  heap allocations: not counted (only an in-process plugin's, called directly)\n",
        ),
    }
    if let Some(w) = &m.wasm {
        text.push_str(&format!(
            "  per call through the host: memory grew {:.1} bytes, {:.2} lesstruct host-function calls (over {} calls)\n",
            w.memory_growth_per_call, w.host_calls_per_call, w.calls
        ));
    }
    if let Some(t) = &m.threads {
        #[allow(clippy::cast_precision_loss, reason = "nanosecond latencies")]
        let ratio = t.p99_concurrent_ns as f64 / t.p99_single_ns.max(1) as f64;
        text.push_str(&format!(
            "  alone, p99 with 1 thread {} and with {} at once {} ({ratio:.1}×); {} of {} calls blocked\n",
            micros(t.p99_single_ns).trim(),
            t.threads,
            micros(t.p99_concurrent_ns).trim(),
            t.blocked,
            t.threads * t.calls
        ));
    }
    let mut ok = true;
    if let (Some(name), Some(path)) = (&args.save_baseline, save_to) {
        let saved = Saved {
            plugin: m.plugin.clone(),
            hook: m.hook.to_owned(),
            samples: m.host_samples.clone(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("failed to create {}", dir.display()))?;
        }
        std::fs::write(&path, serde_json::to_vec(&saved)?)
            .with_context(|| format!("failed to write {}", path.display()))?;
        text.push_str(&format!(
            "  saved as baseline `{name}` ({})\n",
            path.display()
        ));
    }
    if let Some((name, path, saved)) = baseline {
        if saved.hook != m.hook {
            bail!(
                "{}: baseline `{name}` timed {}, this run {}",
                path.display(),
                saved.hook,
                m.hook
            );
        }
        let c = bench::Comparison::of(
            m.hook,
            (m.plugin.clone(), m.host_samples.clone()),
            (saved.plugin, saved.samples),
            args.threshold / 100.0,
        );
        ok = !c.regressed();
        text.push_str(&format!(
            "  against baseline `{name}` ({}): p50 {} · p99 {} (95% intervals)\n  caveat: the baseline ran at another time, so the machine's drift between the runs is in these ratios; --against is the fair comparison\n  {}\n",
            c.old,
            interval(&c.ratio_p50),
            interval(&c.ratio_p99),
            verdict(c.verdict, args.threshold)
        ));
    }
    let mut series = vec![("host", m.host_samples.as_slice())];
    if m.floor.is_some() {
        series.push(("floor", m.floor_samples.as_slice()));
    }
    let svg = bench::latency_svg(&format!("{} {}", m.plugin, m.hook), &series);
    Ok(Outcome {
        text,
        json: serde_json::to_string_pretty(&m)?,
        markdown: markdown_one(&m),
        svg,
        ok,
    })
}

/// Two builds, calls alternating.
fn against(
    args: &BenchArgs,
    subject: &Subject,
    old: &Subject,
    input: &Event,
) -> anyhow::Result<Outcome> {
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
    let c = timing(args, subject, input).against(old, args.threshold / 100.0)?;
    let verdict = verdict(c.verdict, args.threshold);
    let text = format!(
        "{} {} ({} calls each, alternating)\n{HEADER}\n{}\n{}\n  new/old p50: {} · p99: {} (95% intervals)\n  {verdict}\n",
        c.new,
        c.hook,
        args.samples,
        row("new", &c.new_host),
        row("old", &c.old_host),
        interval(&c.ratio_p50),
        interval(&c.ratio_p99),
    );
    let markdown = format!(
        "### hookcheck bench: `{}` against `{}` ({})\n\n| | p50 | p99 | p99.9 |\n|---|---|---|---|\n{}\n{}\n\nnew/old p50 {} · p99 {} (95% intervals): **{verdict}**\n",
        c.new,
        c.old,
        c.hook,
        md_row("new", &c.new_host),
        md_row("old", &c.old_host),
        interval(&c.ratio_p50),
        interval(&c.ratio_p99),
    );
    let svg = bench::latency_svg(
        &format!("{} against {} ({})", c.new, c.old, c.hook),
        &[("new", &c.new_samples), ("old", &c.old_samples)],
    );
    Ok(Outcome {
        text,
        json: serde_json::to_string_pretty(&c)?,
        markdown,
        svg,
        ok: !c.regressed(),
    })
}

/// The bench of `--hook` (or the default hook) with `input`.
fn timing<'a>(args: &BenchArgs, subject: &'a Subject, input: &Event) -> bench::Bench<'a> {
    let bench = bench::of(subject, input).samples(args.samples);
    match &args.hook {
        Some(h) => bench.hook(h),
        None => bench,
    }
}

fn interval(i: &bench::Interval) -> String {
    format!("{:.3} [{:.3}, {:.3}]", i.estimate, i.low, i.high)
}

fn verdict(verdict: bench::Verdict, threshold: f64) -> String {
    match verdict {
        bench::Verdict::Slower => format!("REGRESSION: slower by more than {threshold}%"),
        bench::Verdict::Unclear => format!(
            "unclear: an interval reaches past {threshold}% but does not lie past it (not a failure; more --samples narrow it)"
        ),
        bench::Verdict::Within => format!("no regression past {threshold}%"),
    }
}

fn md_row(label: &str, p: &Percentiles) -> String {
    format!(
        "| {label} | {} | {} | {} |",
        micros(p.p50_ns).trim(),
        micros(p.p99_ns).trim(),
        micros(p.p999_ns).trim()
    )
}

/// One build's result as Markdown.
fn markdown_one(m: &bench::Measurement) -> String {
    let mut md = format!(
        "### hookcheck bench: `{}` {}\n\n| | p50 | p99 | p99.9 |\n|---|---|---|---|\n{}\n",
        m.plugin,
        m.hook,
        md_row("host", &m.host)
    );
    if let Some(floor) = &m.floor {
        md.push_str(&md_row("floor", floor));
        md.push('\n');
    }
    if let Some(ratio) = m.ratio_p99 {
        md.push_str(&format!("\nhost/floor at p99: {ratio:.2}×\n"));
    }
    if let Some(n) = m.allocations_per_call {
        md.push_str(&format!(
            "\nthe plugin's own heap allocations per call: {n:.1}\n"
        ));
    }
    md
}
