//! The library's layering, read from its source: no two modules import
//! each other, and the engine and the host seam name no contract.
//! (`cargo test -p hookcheck --test all modules` is the command.)

use std::path::Path;

use hookcheck_fixtures::modules::{cycles, graph, names_of};

fn library() -> hookcheck_fixtures::modules::Graph {
    graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap()
}

#[test]
fn no_two_modules_of_the_library_import_each_other() {
    let found = cycles(&library());
    assert!(found.is_empty(), "module cycles: {found:?}");
}

#[test]
fn the_engine_and_the_host_seam_name_no_contract() {
    let graph = library();
    for layer in ["engine", "host"] {
        let named = names_of(&graph, layer);
        for contract in hookcheck::contracts::BUILTIN {
            let module = contract.contract().name();
            assert!(
                !named.contains(module),
                "`{layer}` imports the contract module `{module}` (it names: {named:?})"
            );
        }
    }
}
