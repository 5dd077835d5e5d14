//! `hookcheck`: run plugins through the hook engine from the command line.

mod demo;
mod fixtures;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code: everything passed.
const EXIT_OK: u8 = 0;
/// Exit code: a plugin broke its contract.
const EXIT_FAILED: u8 = 1;
/// Exit code: bad usage or input that cannot be used at all.
const EXIT_USAGE: u8 = 2;

/// hookcheck: executable plugin-host contracts.
///
/// Exit codes: 0 all good; 1 a plugin broke its contract; 2 bad usage or
/// unusable input.
#[derive(Debug, Parser)]
#[command(name = "hookcheck", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the bundled in-process example plugins (pylon and rustant)
    /// through the engine and print every step's outcome.
    Demo(demo::DemoArgs),
    /// Build this repository's fixture plugins from source into
    /// `target/fixtures/{wasm,native}/` (needs the `wasm32-wasip1` target).
    Fixtures,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => demo::run(&args),
        Command::Fixtures => fixtures::run(),
    };
    match result {
        Ok(true) => ExitCode::from(EXIT_OK),
        Ok(false) => ExitCode::from(EXIT_FAILED),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
