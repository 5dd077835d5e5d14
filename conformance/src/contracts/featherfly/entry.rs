//! FeatherFly's entry: a native library that exports
//! `featherfly_plugin_entry`, loaded in a child runner.

use hookcheck::engine::Contract;

use hookcheck::host::LoadOptions;

use crate::entry::{ContractEntry, Documents, OpenOptions, ServeOptions, documents};
use crate::subject::{Artifact, Subject};
use crate::suite::Suite;
use crate::{RequestExtras, Result};

/// The FeatherFly contract's entry.
pub(crate) struct FeatherFly;

impl ContractEntry for FeatherFly {
    fn contract(&self) -> Contract {
        hookcheck::featherfly::CONTRACT
    }

    fn suite(&self) -> &'static Suite {
        &super::checks::SUITE
    }

    fn claims(&self) -> Option<&'static str> {
        Some("a shared library exporting `featherfly_plugin_entry`")
    }

    fn detect(&self, artifact: &Artifact) -> Option<&'static str> {
        artifact
            .exports("featherfly_plugin_entry")
            .then_some("exports `featherfly_plugin_entry`")
    }

    fn open(&self, artifact: Artifact, options: &OpenOptions) -> Result<Subject> {
        super::subject::open(artifact, options.runner.clone())
    }

    fn load_options(&self, options: LoadOptions, serve: &ServeOptions) -> LoadOptions {
        options.with(hookcheck::featherfly::NativeOptions {
            capacity: hookcheck::featherfly::DEFAULT_CAPACITY,
            isolation: hookcheck::featherfly::Isolation::Child {
                command: serve.runner.clone(),
                timeout: serve.timeout,
            },
        })
    }

    fn input_kinds(&self) -> &'static [&'static str] {
        &["request", "config document", "JSON body"]
    }

    fn request_flags(&self, _extras: &RequestExtras) -> &'static [&'static str] {
        &["--header", "--path", "--body"]
    }

    fn documents(&self) -> Option<Documents> {
        Some(documents!("featherfly"))
    }
}
