//! `hookcheck replay`: fixtures back through a set of plugins, each
//! difference printed where it happened.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use hookcheck::engine::Contract;
use hookcheck::fixtures::{read_dir, read_fixture};
use hookcheck::replay::Replayed;
use hookcheck_conformance::printable;

use super::command::{load_harness, parse_profile};

/// Options of `hookcheck replay`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Exit codes: 0 every fixture matched; 1 at least one differed; 2 bad input
(a missing or malformed fixture, plugins that do not load).

A directory replays in file-name order against one fresh in-memory store,
as `hookcheck serve --record` wrote it. A write recorded inside a request
(`via_request`) is compared with the write that request makes on replay.")]
pub(crate) struct ReplayArgs {
    /// A fixture file, or a directory of them (`.yaml`, `.yml`, `.json`).
    fixtures: PathBuf,
    /// The host contract: featherfly, lesstruct or pylon.
    #[arg(long, value_parser = parse_profile)]
    profile: Contract,
    /// The plugins, as for `hookcheck serve --plugins`.
    #[arg(long, value_name = "DIR")]
    plugins: PathBuf,
    /// How long one native hook call may take, in milliseconds.
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    timeout_ms: u64,
}

/// Replays and prints; `Ok(false)` when anything differed.
pub(crate) fn run(args: &ReplayArgs) -> anyhow::Result<bool> {
    let fixtures = if args.fixtures.is_dir() {
        read_dir(&args.fixtures)?
    } else {
        vec![(args.fixtures.clone(), read_fixture(&args.fixtures)?)]
    };
    if fixtures.is_empty() {
        anyhow::bail!(
            "failed to replay {}: it holds no fixture (.yaml, .yml, .json)",
            args.fixtures.display()
        );
    }
    let mut harness = load_harness(args.profile, &args.plugins, args.timeout_ms)?;
    println!(
        "replaying {} fixture(s) against the {} host with {} plugin(s): {}",
        fixtures.len(),
        harness.contract().name(),
        harness.plugin_names().len(),
        printable(&harness.plugin_names().join(", "))
    );
    let results = harness.replay_all(&fixtures);
    let mut out = std::io::stdout().lock();
    for result in &results {
        if print_result(&mut out, result).is_err() {
            break;
        }
    }
    let differed = results.iter().filter(|r| !r.matched()).count();
    let unchecked = results.iter().filter(|r| r.unchecked.is_some()).count();
    let _ = writeln!(
        out,
        "{} fixture(s): {} matched, {} differed{}",
        results.len(),
        results.len() - differed - unchecked,
        differed,
        if unchecked > 0 {
            format!(", {unchecked} had no expectation")
        } else {
            String::new()
        }
    );
    Ok(differed == 0)
}

/// Prints one result; a closed stdout (`| head`) ends the output quietly.
/// Every line goes through [`printable`]: a difference quotes what plugins
/// wrote, and their bytes must not reach the terminal as escapes.
fn print_result(out: &mut impl Write, result: &Replayed) -> std::io::Result<()> {
    let name = printable(&result.name);
    if let Some(why) = &result.unchecked {
        writeln!(out, "  ran   {name} ({})", printable(why))
    } else if result.matched() {
        writeln!(out, "  ok    {name}")
    } else {
        writeln!(out, "  DIFF  {name}")?;
        for difference in &result.differences {
            for line in difference.to_string().lines() {
                writeln!(out, "    {}", printable(line))?;
            }
        }
        Ok(())
    }
}
