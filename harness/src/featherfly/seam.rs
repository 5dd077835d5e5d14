//! The FeatherFly host on the host seam.

use std::path::{Path, PathBuf};

use super::host::{FeatherFlyHost, NativeRequest};
use crate::Result;
use crate::engine::{Contract, HttpMethod, HttpResponse, LoadWarning, Profile, Trace, TraceMode};
use crate::fixtures::RequestEvent;
use crate::host::{ContractHost, HostEntry, LoadOptions};

/// How the harness loads FeatherFly plugins: `*.so` files alphabetically.
pub const HOST: HostEntry = HostEntry {
    contract: Contract::FEATHERFLY,
    load_dir,
    load_files,
    divergences: super::divergences::DIVERGENCES,
};

fn load_dir(dir: &Path, options: &LoadOptions) -> Result<Box<dyn ContractHost>> {
    let host = FeatherFlyHost::load_dir(dir, &options.native)?;
    if host.plugins().is_empty() {
        return Err(HostEntry::unsupported(
            Contract::FEATHERFLY,
            format!("{} holds no loadable .so plugin", dir.display()),
        ));
    }
    Ok(Box::new(host.with_trace_mode(TraceMode::Full)))
}

fn load_files(files: &[PathBuf], options: &LoadOptions) -> Result<Box<dyn ContractHost>> {
    let host = FeatherFlyHost::load(files, &options.native)?;
    Ok(Box::new(host.with_trace_mode(TraceMode::Full)))
}

impl ContractHost for FeatherFlyHost {
    fn contract(&self) -> Contract {
        Contract::FEATHERFLY
    }

    fn profile(&self) -> Profile {
        Profile::featherfly()
    }

    fn plugin_names(&self) -> Vec<String> {
        self.plugins().iter().map(|p| p.name.clone()).collect()
    }

    fn warnings(&self) -> Vec<LoadWarning> {
        FeatherFlyHost::warnings(self).to_vec()
    }

    fn request_hooks(&self, req: &RequestEvent, trace: &mut Trace) -> Option<HttpResponse> {
        let run = self.request(&NativeRequest {
            method: req.method,
            path: req.path.clone(),
            headers: req.header_list(),
            body: req.body.clone().into_bytes(),
        });
        trace.steps.extend(run.trace.steps);
        run.response
    }

    fn route(&self, req: &RequestEvent, trace: &mut Trace) -> Option<HttpResponse> {
        let (response, run) =
            FeatherFlyHost::route(self, req.method, &req.path, req.body.as_bytes())?;
        trace.steps.extend(run.steps);
        Some(response)
    }

    fn json_mixins(
        &self,
        method: HttpMethod,
        path: &str,
        body: &[u8],
        trace: &mut Trace,
    ) -> Option<Vec<u8>> {
        let run = self.json(method, path, body);
        trace.steps.extend(run.trace.steps);
        Some(run.value)
    }

    fn config(&self, yaml: &[u8], trace: &mut Trace) -> Option<Vec<u8>> {
        let run = self.config_mutate(yaml);
        trace.steps.extend(run.trace.steps);
        Some(run.value)
    }
}
