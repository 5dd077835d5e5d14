//! Lesstruct's entry: a WASM module (or WAT text), with the manifest
//! beside it.

use hookcheck::engine::Contract;

#[cfg(feature = "wasm")]
use hookcheck::host::LoadOptions;

#[cfg(feature = "wasm")]
use crate::entry::ServeOptions;
use crate::entry::{ContractEntry, Documents, OpenOptions, documents};
use crate::subject::{Artifact, Subject};
use crate::suite::Suite;
use crate::{RequestExtras, Result};

/// Without the `wasm` feature: no checks, and every module refused with
/// the reason.
#[cfg(not(feature = "wasm"))]
static UNBUILT: Suite = Suite {
    contract: hookcheck::lesstruct::CONTRACT,
    checks: &[],
    coverage: |_| crate::coverage::Coverage::nothing("this hookcheck was built without `wasm`"),
};

/// The Lesstruct contract's entry.
pub(crate) struct Lesstruct;

impl ContractEntry for Lesstruct {
    fn contract(&self) -> Contract {
        hookcheck::lesstruct::CONTRACT
    }

    fn suite(&self) -> &'static Suite {
        #[cfg(feature = "wasm")]
        return &super::checks::SUITE;
        #[cfg(not(feature = "wasm"))]
        return &UNBUILT;
    }

    fn claims(&self) -> Option<&'static str> {
        Some("a WASM module (`\\0asm` or `.wat`)")
    }

    fn detect(&self, artifact: &Artifact) -> Option<&'static str> {
        artifact.is_wasm().then_some("a WASM module")
    }

    fn open(&self, artifact: Artifact, _options: &OpenOptions) -> Result<Subject> {
        #[cfg(feature = "wasm")]
        return super::subject::open(artifact);
        #[cfg(not(feature = "wasm"))]
        return Err(artifact.bad("this hookcheck was built without its `wasm` feature, which Lesstruct plugins need; install it with default features"));
    }

    #[cfg(feature = "wasm")]
    fn load_options(&self, options: LoadOptions, serve: &ServeOptions) -> LoadOptions {
        options.with(hookcheck::lesstruct::WasmLimits {
            deadline: serve.timeout,
            ..hookcheck::lesstruct::WasmLimits::default()
        })
    }

    fn input_kinds(&self) -> &'static [&'static str] {
        &["write"]
    }

    fn request_flags(&self, extras: &RequestExtras) -> &'static [&'static str] {
        if extras.json_body().is_some_and(|b| b.is_object()) {
            &["--body"]
        } else {
            &[]
        }
    }

    fn documents(&self) -> Option<Documents> {
        Some(documents!("lesstruct"))
    }
}
