//! The command line: its commands, parsed, run, and their errors printed
//! on one line with the exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use super::{bench, conformance, demo, divergences, fixtures, serve};
use hookcheck_conformance::Catalog;
use hookcheck_conformance::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// hookcheck: executable plugin-host contracts.
///
/// Exit codes: 0 every required check passed; 1 a required check failed (or
/// any check with --strict, or an expectation was not met); 2 bad usage, or
/// an artifact that cannot be loaded at all.
#[derive(Debug, Parser)]
#[command(name = "hookcheck", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check one plugin against its host's contract, check by check.
    Conformance(conformance::ConformanceArgs),
    /// List the checks of the catalog.
    Checks(conformance::ChecksArgs),
    /// Teach one check: the rule, why hosts care, a plugin that breaks it
    /// and one that keeps it, the fix, the fixture that breaks it and the
    /// contract section it enforces.
    Explain(conformance::ExplainArgs),
    /// Time a plugin's request hook (or --hook NAME) through its host and
    /// alone, or two builds of it side by side (exit 1 when the new one is
    /// slower by more than --threshold).
    Bench(bench::BenchArgs),
    /// List where each host's documents and its own code disagree, with
    /// both citations and the verdict that follows.
    Divergences(divergences::DivergencesArgs),
    /// Run the bundled in-process example plugins (pylon and rustant)
    /// through the engine and print every step's outcome.
    Demo(demo::DemoArgs),
    /// Run the plugins of a directory behind a real HTTP server, optionally
    /// recording every event as a fixture.
    Serve(serve::ServeArgs),
    /// Replay recorded fixtures against a set of plugins and print every
    /// difference (exit 0 all matched, 1 a difference, 2 bad input).
    Replay(serve::ReplayArgs),
    /// Build this repository's fixture plugins from source into
    /// `target/fixtures/{wasm,native}/` (needs the `wasm32-wasip1` target):
    /// every one, or only the paths given.
    Fixtures(fixtures::FixturesArgs),
    /// The child-process runner for native plugins (framed JSON on
    /// stdin/stdout); started by `conformance`, not by hand.
    #[command(hide = true)]
    NativeRunner,
}

/// Runs the command line with the contracts of `catalog`: the `hookcheck`
/// executable passes the built-in ones; a build that adds a contract
/// passes them and its own (one registration line).
pub(crate) fn main(catalog: Catalog) -> ExitCode {
    super::catalog::set(catalog);
    let cli = Cli::parse();
    if matches!(
        cli.command,
        Command::Checks(_) | Command::Explain(_) | Command::Divergences(_)
    ) {
        end_quietly_when_the_reader_leaves();
    }
    let result = match cli.command {
        Command::Conformance(args) => conformance::run(&args),
        Command::Checks(args) => conformance::list(&args),
        Command::Explain(args) => conformance::explain(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Divergences(args) => divergences::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Replay(args) => serve::replay(&args),
        Command::Fixtures(args) => fixtures::run(&args),
        Command::NativeRunner => {
            let code = hookcheck::featherfly::serve_runner();
            return ExitCode::from(u8::try_from(code).unwrap_or(EXIT_USAGE));
        }
    };
    match result {
        Ok(true) => ExitCode::from(EXIT_OK),
        Ok(false) => ExitCode::from(EXIT_FAILED),
        Err(err) => {
            // An error can quote what a plugin wrote: no control byte
            // reaches the terminal.
            eprintln!(
                "error: {}",
                hookcheck_conformance::printable(&one_line(&err))
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Restores the default SIGPIPE action, as command-line tools have it:
/// `hookcheck checks | head` ends when `head` stops reading instead of
/// panicking on the next print. Only the listing commands do: the others
/// talk to a native plugin's runner over a pipe, and a runner that died
/// must be a broken-pipe error they report, never a signal that ends
/// hookcheck without its report (and `serve` must outlive a client that
/// hangs up).
fn end_quietly_when_the_reader_leaves() {
    // SAFETY: called once at the start of main, before any thread is
    // started; SIG_DFL is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The error and its causes on one line, each cause only when the message
/// before it does not already say it (an I/O error's text is part of the
/// message that wraps it).
fn one_line(err: &anyhow::Error) -> String {
    let mut line = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line
}
