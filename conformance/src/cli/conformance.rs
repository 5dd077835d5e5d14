//! `hookcheck conformance`, `checks` and `explain`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;
use hookcheck::engine::Contract;
use hookcheck_conformance::{
    Event, Expectations, Inputs, ProfileChoice, Report, RequestExtras, RunOptions, Status, Subject,
    checks_listing, explanation, json_report, junit_report, junit_reports, markdown_report,
    printable, run_suite,
};

use super::catalog;
use regex::Regex;

/// Options of `hookcheck conformance`.
#[derive(Debug, Args)]
pub(crate) struct ConformanceArgs {
    /// The plugins: each a `.wasm`/`.wat` module (lesstruct), a `.so`
    /// (featherfly, or rustant when it exports `rustant_plugin_create`), a
    /// bundled in-process plugin `pylon:NAME` / `pylon:builtin:NAME` /
    /// `rustant:NAME`, or a directory (its `.wasm`, `.wat` and `.so` files).
    /// With several, each is checked and the reports are merged.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Check only part k of n of the plugins (`--partition 2/4`): the
    /// sorted list is dealt round-robin, so n CI machines together check
    /// each plugin once.
    #[arg(long, value_name = "K/N", value_parser = parse_partition)]
    partition: Option<(usize, usize)>,
    /// Check this many plugins at once (several plugins only; default:
    /// the number of cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// The contract to check against; `auto` detects it from the artifact
    /// (extension, exports, entry symbol) and says what it chose.
    #[arg(long, default_value = "auto", value_parser = parse_profile)]
    profile: ProfileChoice,
    /// Write junit.xml, report.json and report.md into this directory.
    #[arg(long)]
    report_dir: Option<PathBuf>,
    /// Write the JUnit XML report here.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Write the JSON report here (schema: reports/README.md).
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write the Markdown report here (fits $GITHUB_STEP_SUMMARY).
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Also feed the plugin the recorded fixtures in this directory
    /// (requests, writes, config and JSON events, the format of
    /// `hookcheck serve --record`), after the standard inputs: Pylon takes
    /// requests and writes, Lesstruct writes (as posts), FeatherFly
    /// requests, config and JSON; Rustant none.
    #[arg(long, value_name = "DIR")]
    inputs: Option<PathBuf>,
    /// Add this header to every request hookcheck derives (each sent again
    /// with it), to reach a hook that answers only some requests
    /// (`--header x-deny:1`). Repeatable. FeatherFly request hooks; Pylon
    /// plugins written to the documents' trait (the crate's hook sees no
    /// headers).
    #[arg(long = "header", value_name = "NAME:VALUE", value_parser = RequestExtras::parse_header)]
    headers: Vec<(String, String)>,
    /// Also request this path (and derive the usual requests for it).
    /// Repeatable. FeatherFly and Pylon.
    #[arg(long = "path", value_name = "PATH", value_parser = RequestExtras::parse_path)]
    request_paths: Vec<String>,
    /// Send this file's bytes as the body of every derived POST; when it
    /// is JSON, also give it to the JSON mixins on every derived path
    /// (FeatherFly) and save it as a post (Lesstruct: laid over a new
    /// post). At most 1 MiB.
    #[arg(long, value_name = "FILE")]
    body: Option<PathBuf>,
    /// A TOML file of known failures and skips, each with a reason; a
    /// listed failure that passes fails the run.
    #[arg(long)]
    expectations: Option<PathBuf>,
    /// Run only the checks whose id matches this regex.
    #[arg(long, value_name = "REGEX")]
    only: Option<Regex>,
    /// Skip the checks whose id matches this regex.
    #[arg(long, value_name = "REGEX")]
    skip: Option<Regex>,
    /// Count recommended checks as required.
    #[arg(long)]
    strict: bool,
    /// Conform although some registrations were never called or some
    /// checks ran without a call of the plugin (both are still reported).
    /// A run that called nothing of the plugin never conforms.
    #[arg(long)]
    allow_unexercised: bool,
    /// How long one check of an in-process plugin (pylon:, rustant:) may
    /// run, in seconds: a hook that never returns fails that check as a
    /// timeout and the remaining checks are not run.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_seconds)]
    in_process_deadline: f64,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 3600.0 => Ok(v),
        _ => Err(format!(
            "`{s}` is not a number of seconds between 0 and 3600"
        )),
    }
}

fn parse_profile(s: &str) -> Result<ProfileChoice, String> {
    ProfileChoice::parse(s, catalog())
}

fn parse_partition(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{s}` is not a partition: write K/N with 1 <= K <= N, e.g. 1/2");
    let (k, n) = s
        .strip_prefix("count:")
        .unwrap_or(s)
        .split_once('/')
        .ok_or_else(bad)?;
    let (k, n) = (
        k.parse::<usize>().map_err(|_| bad())?,
        n.parse::<usize>().map_err(|_| bad())?,
    );
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// The plugins the arguments name, directories expanded, sorted within a
/// directory, and only the partition's share.
fn plugins(args: &ConformanceArgs) -> anyhow::Result<Vec<String>> {
    let mut all = Vec::new();
    for path in &args.paths {
        let dir = Path::new(path);
        if !dir.is_dir() {
            all.push(path.clone());
            continue;
        }
        let mut found: Vec<String> = std::fs::read_dir(dir)
            .with_context(|| format!("failed to read directory {path}"))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("wasm" | "wat" | "so")
                    )
            })
            .map(|p| p.display().to_string())
            .collect();
        if found.is_empty() {
            bail!("failed to find plugins in {path}: it holds no .wasm, .wat or .so file");
        }
        found.sort();
        all.append(&mut found);
    }
    if let Some((k, n)) = args.partition {
        let total = all.len();
        all = all
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % n == k - 1)
            .map(|(_, p)| p)
            .collect();
        eprintln!(
            "hookcheck: partition {k}/{n}: {} of {total} plugins",
            all.len()
        );
    }
    Ok(all)
}

/// Options of `hookcheck checks`.
#[derive(Debug, Args)]
pub(crate) struct ChecksArgs {
    /// Only this profile's checks.
    #[arg(long, value_parser = parse_contract)]
    profile: Option<Contract>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn parse_contract(s: &str) -> Result<Contract, String> {
    catalog()
        .contract(s)
        .ok_or_else(|| format!("`{s}` is not a profile ({})", catalog().names()))
}

/// Options of `hookcheck explain`.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The check id, e.g. LS-MEM-004.
    id: String,
}

/// A report format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReportKind {
    Junit,
    Json,
    Markdown,
}

impl ReportKind {
    fn render(self, report: &Report) -> anyhow::Result<String> {
        Ok(match self {
            ReportKind::Junit => junit_report(report)?,
            ReportKind::Json => json_report(report)?,
            ReportKind::Markdown => markdown_report(report),
        })
    }
}

/// Every report file the arguments ask for.
fn report_targets(args: &ConformanceArgs) -> Vec<(PathBuf, ReportKind)> {
    let mut targets = Vec::new();
    if let Some(dir) = &args.report_dir {
        targets.push((dir.join("junit.xml"), ReportKind::Junit));
        targets.push((dir.join("report.json"), ReportKind::Json));
        targets.push((dir.join("report.md"), ReportKind::Markdown));
    }
    targets.extend(args.junit.iter().map(|p| (p.clone(), ReportKind::Junit)));
    targets.extend(args.json.iter().map(|p| (p.clone(), ReportKind::Json)));
    targets.extend(
        args.markdown
            .iter()
            .map(|p| (p.clone(), ReportKind::Markdown)),
    );
    targets
}

/// Checks, before any check runs, that every report can be written: its
/// directory exists or can be made, and the path is a writable file.
fn validate_target(path: &Path) -> anyhow::Result<()> {
    if path.is_dir() {
        bail!(
            "cannot write a report to {}: it is a directory",
            path.display()
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| {
            format!(
                "cannot write a report to {}: failed to create directory {}",
                path.display(),
                dir.display()
            )
        })?;
    }
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("cannot write a report to {}", path.display()))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// Writes every report; one that fails does not stop the others. Returns
/// the paths written and the failures.
fn write_reports(
    targets: &[(PathBuf, ReportKind)],
    report: &Report,
) -> (Vec<PathBuf>, Vec<anyhow::Error>) {
    let mut written = Vec::new();
    let mut failed = Vec::new();
    for (path, kind) in targets {
        let result = kind.render(report).and_then(|text| {
            std::fs::write(path, text)
                .with_context(|| format!("failed to write {}", path.display()))
        });
        match result {
            Ok(()) => written.push(path.clone()),
            Err(e) => failed.push(e),
        }
    }
    (written, failed)
}

/// The mark a check's status gets in the terminal: upper case when it
/// fails the run.
fn mark(c: &hookcheck_conformance::CheckResult) -> &'static str {
    match (c.status, c.fails_run) {
        (Status::Pass, _) => "pass",
        (Status::Fail, true) => "FAIL",
        (Status::Fail, false) => "fail*",
        (Status::Warn, true) => "WARN",
        (Status::Warn, false) => "warn",
        (Status::Unverified, true) => "UNVERIFIED",
        (Status::Unverified, false) => "unverified",
        (Status::Skip, true) => "NOTRUN",
        (Status::Skip, false) => "skip",
    }
}

fn summary(report: &Report) {
    let width = report
        .checks
        .iter()
        .map(|c| c.title.len())
        .max()
        .unwrap_or(10)
        .min(48);
    println!(
        "\n{:<14} {:<10} {:<11} {:<9} {:<width$}  evidence",
        "check", "status", "severity", "basis", "title"
    );
    for c in &report.checks {
        let clean = printable(&c.evidence);
        let mut evidence: String = clean.chars().take(110).collect();
        if clean.chars().count() > 110 {
            evidence.push('…');
        }
        println!(
            "{:<14} {:<10} {:<11} {:<9} {:<width$}  {evidence}",
            c.id,
            mark(c),
            c.severity.to_string(),
            c.basis.to_string(),
            c.title
        );
    }
    // Every result that is not a plain pass or skip in full below the
    // table, as a test runner prints its failures: the table cuts evidence
    // to fit a line.
    for c in report.checks.iter().filter(|c| {
        matches!(c.status, Status::Fail | Status::Warn | Status::Unverified)
            || (c.status == Status::Skip && c.fails_run)
    }) {
        println!(
            "\n--- {} {} {} ({}, basis {})",
            mark(c).to_uppercase(),
            c.id,
            c.title,
            c.severity,
            c.basis
        );
        println!("  {}", printable(&c.evidence));
        if let Some(hint) = &c.hint {
            println!("  to reach it: {}", printable(hint));
        }
        if let Some(host) = c.host_source {
            println!("  host: {host}");
        }
        if matches!(c.status, Status::Fail | Status::Warn)
            && let Some(help) = c.help
        {
            println!("  help: {help} (more: hookcheck explain {})", c.id);
        }
    }
    let legend = [
        (
            report
                .checks
                .iter()
                .any(|c| c.status == Status::Fail && !c.fails_run),
            "fail* = a failure that does not fail the run (recommended without --strict, or expected)",
        ),
        (
            report.checks.iter().any(|c| c.status == Status::Warn),
            "warn = the plugin breaks the documents, and the host's code tolerates it and still does what the plugin meant (a failure with --strict)",
        ),
        (
            report.checks.iter().any(|c| c.status == Status::Unverified),
            "unverified = the calls the rule is about never happened, so it is not a pass (a failure with --strict)",
        ),
        (
            report
                .checks
                .iter()
                .any(|c| c.status == Status::Skip && c.fails_run),
            "NOTRUN = a check that could not run (the plugin did not load or hung, or no call reached it) and so fails the run",
        ),
    ];
    let legend: Vec<&str> = legend
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, l)| *l)
        .collect();
    if !legend.is_empty() {
        println!("\n{}", legend.join("\n"));
    }
    println!();
    for r in &report.coverage.registrations {
        let answered = r.answers_text();
        let answered = if answered.is_empty() {
            String::new()
        } else {
            format!("  ({})", printable(&answered))
        };
        println!(
            "  {:<40} {:>5} calls{answered}  {}",
            printable(&r.registration),
            r.calls,
            printable(&r.inputs_text())
        );
    }
    println!("{}", printable(&report.coverage.to_string()));
    for notice in &report.coverage.notices {
        println!("note: {}", printable(notice));
    }
    if let Some(p) = &report.protections {
        let weaker = if p.complete() {
            ""
        } else {
            "WEAKER THAN MEANT: "
        };
        println!("isolation: {weaker}{}", printable(&p.to_string()));
    }
    println!(
        "\n{}: {} — {}",
        printable(&report.artifact),
        report.totals.counts(),
        report.verdict()
    );
}

/// Runs the checks; `Ok(false)` when the run fails.
pub(crate) fn run(args: &ConformanceArgs) -> anyhow::Result<bool> {
    let plugins = plugins(args)?;
    if plugins.is_empty() {
        eprintln!("hookcheck: this partition holds no plugin");
        return Ok(true);
    }
    let expectations = match &args.expectations {
        Some(p) => Expectations::read(p)?,
        None => Expectations::default(),
    };
    let targets = report_targets(args);
    for (path, _) in &targets {
        validate_target(path)?;
    }
    let mut inputs = match &args.inputs {
        Some(dir) => Inputs::read_dir(dir)?,
        None => Inputs::default(),
    };
    inputs.extras = RequestExtras {
        headers: args.headers.clone(),
        paths: args.request_paths.clone(),
        body: args
            .body
            .as_deref()
            .map(RequestExtras::read_body)
            .transpose()?,
    };
    match plugins.as_slice() {
        [one] if args.partition.is_none() && !Path::new(&args.paths[0]).is_dir() => {
            run_one(args, one, expectations, &inputs, &targets)
        }
        many => run_many(args, many, options(args, expectations), &inputs, &targets),
    }
}

/// Opens `spec` and gives it the author's inputs; says on stderr when the
/// subject takes none.
///
/// Says which of the author's inputs the subject's contract does not take;
/// with `alone` (a run of one plugin), inputs none of which it takes are
/// an error: the user meant them for this plugin.
fn open(
    args: &ConformanceArgs,
    spec: &str,
    inputs: &Inputs,
    alone: bool,
) -> anyhow::Result<(Subject, String)> {
    let (subject, why) = catalog().open(spec, args.profile, Some(own_runner()?))?;
    if inputs.is_empty() {
        return Ok((subject, why));
    }
    let name = subject.display_name();
    let contract = subject.contract();
    let entry = catalog()
        .entry(contract)
        .context("the subject's contract is not in the catalog")?;
    let extras = extras_taken(&inputs.extras, entry.request_flags(&inputs.extras));
    let (taken, left) = match &args.inputs {
        Some(_) => inputs.taken_by(entry.input_kinds()),
        None => (0, Vec::new()),
    };
    let what = || match &args.inputs {
        Some(dir) => format!("the inputs in {}", dir.display()),
        None => "--header, --path and --body".to_owned(),
    };
    if (taken == 0 && extras.is_empty()) || !subject.takes_inputs() {
        if alone {
            let mut not: Vec<String> = left.clone();
            not.extend(flags_given(&inputs.extras));
            bail!(
                "{}: a {contract} plugin takes none of these inputs ({})",
                what(),
                not.join(", ")
            );
        }
        eprintln!("hookcheck: {name}: a {contract} plugin takes none of your inputs");
        return Ok((subject, why));
    }
    if !left.is_empty() {
        eprintln!(
            "hookcheck: {name}: a {contract} plugin does not take {} of your inputs",
            left.join(", ")
        );
    }
    let unused: Vec<String> = flags_given(&inputs.extras)
        .into_iter()
        .filter(|f| !extras.contains(&f.as_str()))
        .collect();
    if !unused.is_empty() {
        eprintln!(
            "hookcheck: {name}: a {contract} plugin does not take {}",
            unused.join(", ")
        );
    }
    if alone {
        if let Some(dir) = &args.inputs {
            eprintln!(
                "hookcheck: with {taken} inputs of your own from {}",
                dir.display()
            );
        }
        if !extras.is_empty() {
            eprintln!("hookcheck: with your {}", extras.join(", "));
        }
    }
    Ok((subject.with_inputs(inputs.clone()), why))
}

/// The request flags given.
fn flags_given(extras: &RequestExtras) -> Vec<String> {
    let mut out = Vec::new();
    if !extras.headers.is_empty() {
        out.push("--header".to_owned());
    }
    if !extras.paths.is_empty() {
        out.push("--path".to_owned());
    }
    if extras.body.is_some() {
        out.push("--body".to_owned());
    }
    out
}

/// Which of the request flags given are in `takes` (the flags the
/// contract's checks use).
fn extras_taken(extras: &RequestExtras, takes: &'static [&'static str]) -> Vec<&'static str> {
    flags_given(extras)
        .into_iter()
        .filter_map(|f| takes.iter().copied().find(|t| *t == f))
        .collect()
}

/// This executable's hidden `native-runner` subcommand, where native
/// plugins run: the runner always speaks this build's protocol.
pub(crate) fn own_runner() -> anyhow::Result<hookcheck::featherfly::RunnerCommand> {
    Ok(hookcheck::featherfly::RunnerCommand {
        program: std::env::current_exe().context("failed to find the hookcheck executable")?,
        args: vec!["native-runner".into()],
    })
}

/// The options every plugin of a run shares.
fn options(args: &ConformanceArgs, expectations: Expectations) -> RunOptions {
    RunOptions {
        only: args.only.clone(),
        skip: args.skip.clone(),
        strict: args.strict,
        expectations,
        allow_unexercised: args.allow_unexercised,
        in_process_deadline: Some(std::time::Duration::from_secs_f64(args.in_process_deadline)),
    }
}

/// Several plugins: each checked (`--jobs` at once), one line each as it
/// finishes, a summary, and merged reports.
fn run_many(
    args: &ConformanceArgs,
    plugins: &[String],
    options: RunOptions,
    inputs: &Inputs,
    targets: &[(PathBuf, ReportKind)],
) -> anyhow::Result<bool> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<Report, String>>>> = plugins
        .iter()
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    std::thread::scope(|scope| {
        let jobs = args.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        for _ in 0..jobs.clamp(1, plugins.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(spec) = plugins.get(i) else { break };
                    let result = open(args, spec, inputs, false)
                        .map_err(|e| e.to_string())
                        .map(|(subject, _)| run_suite(catalog(), &subject, &options, |_| {}));
                    let line = match &result {
                        Ok(r) => r.verdict(),
                        Err(e) => format!("error: {e}"),
                    };
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    eprintln!(
                        "[{n:>3}/{}] {}: {}",
                        plugins.len(),
                        printable(spec),
                        printable(&line)
                    );
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    let mut reports = Vec::new();
    let mut unreadable = Vec::new();
    println!(
        "\n{:<8} {:>6} {:>6} {:>6} {:>10} {:>7} {:>7}  plugin",
        "verdict", "passed", "warned", "failed", "unverified", "not run", "skipped"
    );
    for (spec, slot) in plugins.iter().zip(results) {
        match slot.into_inner().ok().flatten() {
            Some(Ok(report)) => {
                let t = report.totals;
                println!(
                    "{:<8} {:>6} {:>6} {:>6} {:>10} {:>7} {:>7}  {}",
                    if report.passed() { "ok" } else { "FAIL" },
                    t.passed,
                    t.warned,
                    t.failed,
                    t.unverified,
                    t.not_run,
                    t.skipped,
                    printable(spec)
                );
                reports.push(report);
            }
            Some(Err(e)) => unreadable.push(e),
            None => unreadable.push(format!("{spec}: the check did not finish")),
        }
    }
    let passing = reports.iter().filter(|r| r.passed()).count();
    println!(
        "\n{} plugins: {passing} conform, {} do not, {} could not be read",
        plugins.len(),
        reports.len() - passing,
        unreadable.len()
    );
    for (path, kind) in targets {
        let text = match kind {
            ReportKind::Junit => junit_reports(&reports)?,
            ReportKind::Markdown => reports
                .iter()
                .map(markdown_report)
                .collect::<Vec<_>>()
                .join("\n---\n\n"),
            ReportKind::Json => {
                let items: Vec<String> =
                    reports.iter().map(json_report).collect::<Result<_, _>>()?;
                format!("[{}]", items.join(","))
            }
        };
        std::fs::write(path, text)
            .with_context(|| format!("failed to write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(first) = unreadable.first() {
        bail!(
            "{} plugin(s) could not be read; the first: {first}",
            unreadable.len()
        );
    }
    Ok(passing == reports.len())
}

/// One plugin: progress per check, the full summary, the reports.
fn run_one(
    args: &ConformanceArgs,
    spec: &str,
    expectations: Expectations,
    inputs: &Inputs,
    targets: &[(PathBuf, ReportKind)],
) -> anyhow::Result<bool> {
    let (subject, why) = open(args, spec, inputs, true)?;
    if let Some(path) = &args.expectations {
        expectations.check_profile(subject.contract(), path)?;
    }
    eprintln!(
        "hookcheck: checking {} against {}",
        printable(&subject.display_name()),
        printable(&why)
    );
    let options = options(args, expectations);
    let tty = std::io::stderr().is_terminal();
    let report = run_suite(catalog(), &subject, &options, |event| match event {
        Event::Started { total: 0 } => eprintln!("no check selected"),
        Event::Started { .. } => {}
        Event::Finished {
            index,
            total,
            result,
        } => {
            let line = format!(
                "[{index:>2}/{total}] {:<13} {} ({:.0?})",
                result.id, result.status, result.duration
            );
            if tty {
                let colour = match result.status {
                    Status::Pass => "32",
                    _ if result.fails_run => "31",
                    _ => "33",
                };
                eprintln!("\x1b[{colour}m{line}\x1b[0m");
            } else {
                eprintln!("{line}");
            }
        }
    });
    if report.totals.total == 0 {
        bail!(
            "no check matched --only/--skip for profile {}",
            report.profile
        );
    }
    summary(&report);
    let (written, failed) = write_reports(targets, &report);
    for path in written {
        eprintln!("wrote {}", path.display());
    }
    if failed.is_empty() {
        return Ok(report.passed());
    }
    for error in &failed {
        eprintln!("hookcheck: {error:#}");
    }
    // The verdict stays visible: a failing plugin still exits 1; a passing
    // one exits 2, because a report CI expects is missing.
    if report.passed() {
        bail!("{} report(s) could not be written", failed.len());
    }
    Ok(false)
}

/// `hookcheck checks`.
pub(crate) fn list(args: &ChecksArgs) -> anyhow::Result<bool> {
    let checks = catalog().checks(args.profile);
    if args.json {
        let items: Vec<_> = checks
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id, "profile": c.profile, "title": c.title, "severity": c.severity,
                    "rule": c.rule, "source": c.source, "breaker": c.breaker,
                    "decides": if c.is_row() { "row" } else { "function" }, "codes": c.codes,
                    "judges": c.judges.map(|j| j.what),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(true);
    }
    print!("{}", checks_listing(&checks));
    Ok(true)
}

/// `hookcheck explain ID`.
pub(crate) fn explain(args: &ExplainArgs) -> anyhow::Result<bool> {
    let Some(c) = catalog().find(&args.id) else {
        bail!(
            "`{}` is not a check id; `hookcheck checks` lists them",
            args.id
        );
    };
    print!("{}", explanation(c));
    Ok(true)
}
