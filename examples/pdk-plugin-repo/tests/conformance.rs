//! The plugin under hookcheck: each build, made from source here, checked
//! against its host's whole catalog with one line. The native plugin runs
//! in a child `hookcheck` process: the one `$HOOKCHECK` names, or the
//! installed one on `PATH`.

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::PathBuf;

use hookcheck::artifacts::CargoBuild;
use hookcheck_conformance::assert_file_conforms;

/// Builds this crate's plugin for `target` (the host when `None`) with
/// the features this test was built with: `cargo test --features X`
/// checks the plugin built with X.
fn build(target: Option<&str>) -> PathBuf {
    let built = CargoBuild::for_this_test(target, target.is_some())
        .unwrap()
        .run()
        .unwrap();
    built.into_iter().next().unwrap()
}

#[test]
fn the_wasm_build_conforms_to_lesstruct() {
    assert_file_conforms(build(Some("wasm32-wasip1")));
}

#[test]
fn the_native_build_conforms_to_featherfly() {
    assert_file_conforms(build(None));
}
