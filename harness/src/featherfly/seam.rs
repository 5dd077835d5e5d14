//! The FeatherFly host on the host seam.

use std::path::{Path, PathBuf};

use super::calls::RegKind;
use super::host::{FeatherFlyHost, NativeOptions, NativeRequest};
use crate::Result;
use crate::engine::{Contract, HttpMethod, HttpResponse, LoadWarning, Profile, Trace, TraceMode};
use crate::fixtures::{REDACTED_AUTHORIZATION, RequestEvent};
use crate::host::{ContractHost, HostEntry, LoadOptions};

/// How the harness loads FeatherFly plugins: `*.so` files alphabetically.
pub const HOST: HostEntry = HostEntry {
    profile: super::contract::PROFILE,
    load_dir,
    load_files,
    divergences: super::divergences::DIVERGENCES,
};

fn load_dir(dir: &Path, options: &LoadOptions) -> Result<Box<dyn ContractHost>> {
    let host = FeatherFlyHost::load_dir(dir, &options.get_or_default::<NativeOptions>())?;
    if host.plugins().is_empty() {
        return Err(HostEntry::unsupported(
            super::contract::CONTRACT,
            format!("{} holds no loadable .so plugin", dir.display()),
        ));
    }
    Ok(Box::new(host.with_trace_mode(TraceMode::Full)))
}

fn load_files(files: &[PathBuf], options: &LoadOptions) -> Result<Box<dyn ContractHost>> {
    let host = FeatherFlyHost::load(files, &options.get_or_default::<NativeOptions>())?;
    Ok(Box::new(host.with_trace_mode(TraceMode::Full)))
}

impl ContractHost for FeatherFlyHost {
    fn contract(&self) -> Contract {
        super::contract::CONTRACT
    }

    fn profile(&self) -> Profile {
        super::contract::PROFILE
    }

    fn plugin_names(&self) -> Vec<String> {
        self.plugins().iter().map(|p| p.name.clone()).collect()
    }

    fn warnings(&self) -> Vec<LoadWarning> {
        FeatherFlyHost::warnings(self).to_vec()
    }

    fn request_hooks(&self, req: &RequestEvent, trace: &mut Trace) -> Option<HttpResponse> {
        let run = self.request(&NativeRequest::from(req));
        trace.absorb(run.trace);
        run.response
    }

    fn route(&self, req: &RequestEvent, trace: &mut Trace) -> Option<HttpResponse> {
        let (response, run) =
            FeatherFlyHost::route(self, req.method, &req.path, req.body.as_bytes())?;
        trace.absorb(run);
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
        trace.absorb(run.trace);
        Some(run.value)
    }

    fn config(&self, yaml: &[u8], trace: &mut Trace) -> Option<Vec<u8>> {
        let run = self.config_mutate(yaml);
        trace.absorb(run.trace);
        self.set_token(token_of(&run.value));
        Some(run.value)
    }

    /// The daemon's bearer check (application/src/auth.rs:29-66,
    /// utils/auth.rs:6-16): on `/api/system` and below and on plugin
    /// routes, `Authorization` must be exactly `Bearer <token>` with the
    /// config's `token`; otherwise 401. Without a config (so without a
    /// token), nothing is checked.
    fn authorize(&self, req: &RequestEvent) -> Option<HttpResponse> {
        let token = self.token()?;
        let guarded = req.path == "/api/system"
            || req.path.starts_with("/api/system/")
            || self
                .registrations()
                .iter()
                .any(|r| matches!(&r.kind, RegKind::Route { path, .. } if *path == req.path));
        if !guarded {
            return None;
        }
        // The header as sent (`serve`), or as given (`Harness`); a recorded
        // request keeps only its redacted form and the user it named.
        let presented = req
            .raw_authorization
            .as_deref()
            .or_else(|| req.headers.get("authorization").map(String::as_str))
            .filter(|v| *v != REDACTED_AUTHORIZATION);
        let accepted = match presented {
            Some(v) => v
                .split_once(' ')
                .is_some_and(|(scheme, value)| scheme == "Bearer" && value == token),
            None => req.auth.user_id.as_deref() == Some(token.as_str()),
        };
        if accepted {
            return None;
        }
        Some(HttpResponse {
            status: 401,
            headers: vec![("www-authenticate".into(), "Bearer".into())],
            body: r#"{"error":"invalid authorization token","code":"unauthorized","status":401}"#
                .into(),
        })
    }
}

/// The top-level `token` of a config document, when it is set.
fn token_of(yaml: &[u8]) -> Option<String> {
    // Bounded by the parser's own walk first: the document may be a
    // plugin's output.
    crate::limits::check_yaml(yaml).ok()?;
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_slice(yaml).ok()?;
    value
        .get("token")
        .and_then(serde_yaml_ng::Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}
