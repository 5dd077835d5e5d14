//! The crate's layering, read from its source: no two modules of the
//! library or of the `hookcheck` binary import each other.
//! (`cargo test -p hookcheck-conformance --test all modules` is the command.)

use std::path::Path;

use hookcheck_fixtures::modules::{cycles, graph};

#[test]
fn no_two_modules_of_the_crate_import_each_other() {
    let graph = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap();
    let found = cycles(&graph);
    assert!(found.is_empty(), "module cycles: {found:?}");
}
