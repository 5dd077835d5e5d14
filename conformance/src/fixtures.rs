//! `hookcheck fixtures`: build every fixture plugin of this repository.

use hookcheck_fixtures::artifacts::{build_native_fixtures, build_wasm_fixtures, fixtures_dir};

/// Builds the fixtures and lists what was written.
pub(crate) fn run() -> anyhow::Result<bool> {
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
