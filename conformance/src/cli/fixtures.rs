//! `hookcheck fixtures`: build this repository's fixture plugins, all of
//! them or only the ones named.

use std::path::PathBuf;

use anyhow::bail;
use hookcheck_fixtures::artifacts::{
    build_fixture, build_native_fixtures, build_wasm_fixtures, fixtures_dir,
};

/// Arguments of `hookcheck fixtures`.
#[derive(Debug, clap::Args)]
pub(crate) struct FixturesArgs {
    /// Build only these fixtures, named by the path they are written to
    /// (`target/fixtures/wasm/hello.wasm`, `target/fixtures/native/panics.so`);
    /// without paths, build every one.
    paths: Vec<PathBuf>,
}

/// Builds the fixtures and lists what was written.
pub(crate) fn run(args: &FixturesArgs) -> anyhow::Result<bool> {
    if !args.paths.is_empty() {
        for path in &args.paths {
            match build_fixture(path)? {
                Some(written) => println!("{}", written.display()),
                None => bail!(
                    "{}: not a fixture path (target/fixtures/wasm/NAME.wasm or target/fixtures/native/NAME.so)",
                    path.display()
                ),
            }
        }
        return Ok(true);
    }
    eprintln!("building WASM fixtures (wasm32-wasip1, release)…");
    let wasm = build_wasm_fixtures()?;
    println!(
        "{} WASM fixtures in {}",
        wasm.len(),
        fixtures_dir("wasm").display()
    );
    for path in &wasm {
        println!("  {}", path.display());
    }
    eprintln!("building native fixtures (host, debug)…");
    let native = build_native_fixtures()?;
    println!(
        "{} native fixtures in {}",
        native.len(),
        fixtures_dir("native").display()
    );
    for path in &native {
        println!("  {}", path.display());
    }
    Ok(true)
}
