//! The peer (feature `peer-extism`): the same gate logic as an Extism
//! plugin (`fixtures/plugins/extism`, built for `wasm32-wasip1`), called
//! through the `extism` crate with its compile cache off and no timeout,
//! so no per-call timer thread runs.

use hookcheck::artifacts::CargoBuild;
use hookcheck_fixtures::artifacts::workspace_root;

use crate::BenchError;

/// The Extism plugin and the request it is called with.
pub struct ExtismPeer {
    plugin: extism::Plugin,
    input: Vec<u8>,
}

impl ExtismPeer {
    /// Builds the guest (first time) and loads it with WASI.
    pub fn new(input: Vec<u8>) -> Result<Self, BenchError> {
        let built = CargoBuild {
            dir: workspace_root().join("fixtures/plugins/extism"),
            package: "hookcheck-fixtures-extism".into(),
            target: Some("wasm32-wasip1".into()),
            release: true,
            examples: false,
            only: None,
            ..CargoBuild::default()
        }
        .run()?;
        let wasm = built
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "wasm"))
            .ok_or_else(|| {
                BenchError("failed to build the Extism peer: no .wasm came out".into())
            })?;
        let bytes = std::fs::read(&wasm)
            .map_err(|e| BenchError(format!("failed to read {}: {e}", wasm.display())))?;
        let manifest = extism::Manifest::new([extism::Wasm::data(bytes)]);
        let plugin = extism::PluginBuilder::new(manifest)
            .with_wasi(true)
            .with_cache_disabled()
            .build()
            .map_err(|e| {
                BenchError(format!(
                    "failed to load the Extism peer {}: {e:#}",
                    wasm.display()
                ))
            })?;
        Ok(Self { plugin, input })
    }

    /// One `before_request` call; true when the request may continue.
    pub fn call(&mut self) -> bool {
        self.plugin
            .call::<&[u8], &[u8]>("before_request", &self.input)
            .is_ok_and(<[u8]>::is_empty)
    }
}
