//! The Pylon host on the host seam.

use std::path::{Path, PathBuf};

use super::host::PylonHost;
use super::registry::{Registry, parse_manifest};
use crate::Result;
use crate::engine::{Contract, HttpResponse, Profile, Trace, TraceMode};
use crate::fixtures::{RequestEvent, WriteEvent};
use crate::host::{ContractHost, HostEntry, LoadOptions};
use crate::limits::{MAX_INPUT_FILE_BYTES, read_text_bounded};
use crate::store::EntityStore;

/// How the harness loads Pylon plugins: `manifest.json` naming
/// constructors of the options' registry (or `builtin:NAME`), in order.
pub const HOST: HostEntry = HostEntry {
    profile: super::contract::PROFILE,
    load_dir,
    load_files,
    divergences: super::divergences::DIVERGENCES,
};

fn load_dir(dir: &Path, options: &LoadOptions) -> Result<Box<dyn ContractHost>> {
    let path = dir.join("manifest.json");
    let text = read_text_bounded(&path, MAX_INPUT_FILE_BYTES)?;
    let entries = parse_manifest(&text, &path.display().to_string())?;
    let bundled = Registry::new();
    let registry = options.get::<Registry>().unwrap_or(&bundled);
    let host = PylonHost::from_manifest(registry, &entries)?;
    Ok(Box::new(host.with_trace_mode(TraceMode::Full)))
}

fn load_files(_: &[PathBuf], _: &LoadOptions) -> Result<Box<dyn ContractHost>> {
    Err(HostEntry::unsupported(
        super::contract::CONTRACT,
        "its plugins are in-process values, not files; build the host and use `Harness::pylon`",
    ))
}

impl ContractHost for PylonHost {
    fn contract(&self) -> Contract {
        super::contract::CONTRACT
    }

    fn profile(&self) -> Profile {
        super::contract::PROFILE
    }

    fn plugin_names(&self) -> Vec<String> {
        PylonHost::plugin_names(self)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn request_hooks(&self, req: &RequestEvent, trace: &mut Trace) -> Option<HttpResponse> {
        let run = self.before_request(&req.meta(), &req.auth);
        trace.absorb(run.trace);
        run.response
    }

    fn route(&self, req: &RequestEvent, trace: &mut Trace) -> Option<HttpResponse> {
        let url = if req.query.is_empty() {
            req.path.clone()
        } else {
            format!("{}?{}", req.path, req.query)
        };
        let run = PylonHost::route(self, req.method, &url, &req.body, &req.auth, |_, _, _| None);
        trace.absorb(run.trace);
        run.handled_by.map(|_| run.response)
    }

    fn plugin_routes_first(&self) -> bool {
        true
    }

    fn write(
        &mut self,
        store: &EntityStore,
        event: &WriteEvent,
        trace: &mut Trace,
    ) -> HttpResponse {
        match PylonHost::write(
            self,
            store,
            &event.entity,
            event.op,
            event.data.clone(),
            &event.auth,
        ) {
            Ok(run) => {
                trace.absorb(run.trace);
                run.response
            }
            Err(e) => crate::host::write_error(&e),
        }
    }
}
