//! Pylon's entry: plugins are Rust values compiled into the host, so no
//! file opens as one; the bundled ones are named `pylon:NAME`.

use hookcheck::engine::Contract;

use hookcheck::host::LoadOptions;

use crate::entry::{ContractEntry, Documents, OpenOptions, ServeOptions, documents};
use crate::subject::{Artifact, Subject};
use crate::suite::Suite;
use crate::{RequestExtras, Result};

/// The Pylon contract's entry.
pub(crate) struct Pylon;

impl ContractEntry for Pylon {
    fn contract(&self) -> Contract {
        hookcheck::pylon::CONTRACT
    }

    fn suite(&self) -> &'static Suite {
        &super::checks::SUITE
    }

    fn open(&self, artifact: Artifact, _options: &OpenOptions) -> Result<Subject> {
        Err(artifact.bad("pylon plugins are Rust values compiled into the host; check them from `cargo test` with hookcheck_conformance, or name a bundled one as `pylon:NAME`"))
    }

    fn bundled_names(&self) -> Vec<String> {
        super::bundled::names()
    }

    fn open_bundled(&self, name: &str) -> Option<(Subject, String)> {
        super::bundled::open(name)
    }

    fn bundled_source(&self, name: &str) -> String {
        match name.strip_prefix(hookcheck::pylon::BUILTIN_PREFIX) {
            Some(builtin) => {
                format!("pylon_plugin::builtin::{builtin} (the pylon crate's own plugin)")
            }
            None => format!(
                "the bundled `{name}` in fixtures/plugins/inprocess/src/ (in the hookcheck repository)"
            ),
        }
    }

    /// A manifest names plugins of the bundled registry (this
    /// repository's fixtures and the crate's built-ins).
    fn load_options(&self, options: LoadOptions, _serve: &ServeOptions) -> LoadOptions {
        options.with(hookcheck_fixtures::pylon_registry())
    }

    fn input_kinds(&self) -> &'static [&'static str] {
        &["request", "write", "delete"]
    }

    fn request_flags(&self, _extras: &RequestExtras) -> &'static [&'static str] {
        &["--header", "--path"]
    }

    fn documents(&self) -> Option<Documents> {
        Some(documents!("pylon"))
    }
}
