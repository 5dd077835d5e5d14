//! Rustant's entry: a native library that exports `rustant_plugin_create`
//! (read, never loaded), or a bundled in-process plugin `rustant:NAME`.

use hookcheck::engine::Contract;

use super::subject::RustantNativeSubject;
use crate::Result;
use crate::entry::{ContractEntry, Documents, OpenOptions, documents};
use crate::subject::{Artifact, Subject, rustc_of};
use crate::suite::Suite;

/// The Rustant contract's entry.
pub(crate) struct Rustant;

impl ContractEntry for Rustant {
    fn contract(&self) -> Contract {
        hookcheck::rustant::CONTRACT
    }

    fn suite(&self) -> &'static Suite {
        &super::checks::SUITE
    }

    fn claims(&self) -> Option<&'static str> {
        Some("a shared library exporting `rustant_plugin_create`")
    }

    fn detect(&self, artifact: &Artifact) -> Option<&'static str> {
        artifact
            .exports("rustant_plugin_create")
            .then_some("exports `rustant_plugin_create`")
    }

    fn open(&self, artifact: Artifact, _options: &OpenOptions) -> Result<Subject> {
        if !artifact.is_elf() {
            return Err(artifact.bad("a rustant artifact must be a native shared library; in-process plugins are checked from `cargo test` or as `rustant:NAME`"));
        }
        let host_rustc = std::env::current_exe()
            .ok()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|d| rustc_of(&d));
        Ok(Subject::new(RustantNativeSubject {
            plugin_rustc: rustc_of(&artifact.data),
            path: artifact.path,
            host_rustc,
        }))
    }

    fn bundled_names(&self) -> Vec<String> {
        super::bundled::names()
    }

    fn open_bundled(&self, name: &str) -> Option<(Subject, String)> {
        super::bundled::open(name)
    }

    fn bundled_source(&self, name: &str) -> String {
        format!(
            "the bundled `{name}` in fixtures/plugins/inprocess/src/ (in the hookcheck repository)"
        )
    }

    fn documents(&self) -> Option<Documents> {
        Some(documents!("rustant"))
    }
}
