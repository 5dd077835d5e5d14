//! How each contract's host calls a plugin's request hook, and the floor:
//! the same plugin called directly with the input already prepared as the
//! host prepares it.

use std::sync::Arc;

use hookcheck::engine::{AuthContext, RequestMeta, TraceMode};
use hookcheck::featherfly::{FeatherFlyHost, Isolation, NativeOptions, NativeRequest};
use hookcheck::fixtures::RequestEvent;
use hookcheck::pylon::real::Plugin as RealPlugin;
use hookcheck::pylon::{PylonHost, on_request, pylon_auth, real_auth};
use hookcheck::rustant::{AgentHookPoint, AgentHost, Hook, HookContext, SecurityPolicy};
use serde_json::json;

use crate::subject::Subject;
use crate::{Error, Result};

/// One plugin's request hook, callable through the host and (when the
/// contract allows it) directly.
pub(crate) trait Caller {
    /// The hook, as the contract names it.
    fn hook(&self) -> &'static str;
    /// One call through the host path; `true` when the request goes on.
    fn host(&mut self) -> bool;
    /// One call of the plugin alone, when there is a floor.
    fn floor(&mut self) -> Option<bool>;
    /// Whether the floor's heap allocations are the plugin's own (an
    /// in-process plugin called directly).
    fn floor_allocates_as_plugin(&self) -> bool {
        false
    }
    /// The floor as a call many threads can make at once (in-process
    /// plugins, which a host calls from every request thread).
    fn concurrent(&self) -> Option<Box<dyn Fn() + Sync + '_>> {
        None
    }
    /// For a WASM plugin: its memory size in bytes and the `lesstruct`
    /// host-function calls made so far, to difference around calls.
    fn wasm_counters(&mut self) -> Option<(u64, u64)> {
        None
    }
}

/// The caller for `subject`'s request hook with `request` as its input.
pub(crate) fn caller(subject: &Subject, request: &RequestEvent) -> Result<Box<dyn Caller>> {
    let unsupported = |why: &str| {
        Err(Error::Bench(format!(
            "{}: {why}, so there is no request hook to time",
            subject.display_name()
        )))
    };
    match subject {
        Subject::Pylon(p) => {
            let host = p.host()?.with_trace_mode(TraceMode::Off);
            Ok(Box::new(PylonCaller {
                real_auth: real_auth(&request.auth),
                auth: request.auth.clone(),
                plugin: p.plugin(),
                host,
                meta: request.meta(),
            }))
        }
        #[cfg(feature = "wasm")]
        Subject::Wasm(w) => wasm::caller(w, request),
        Subject::Native(n) => {
            let options = NativeOptions {
                isolation: Isolation::InProcess,
                ..NativeOptions::default()
            };
            let host = FeatherFlyHost::load(std::slice::from_ref(&n.path), &options)?
                .with_trace_mode(TraceMode::Off);
            let serves = host
                .registrations()
                .iter()
                .any(|r| matches!(r.kind, hookcheck::featherfly::RegKind::Request { .. }));
            if !serves {
                return unsupported("it registers no request hook");
            }
            let native = NativeRequest::from(request);
            // A request no pattern of the plugin matches would time the
            // host alone.
            let before: usize = host.calls().iter().sum();
            let _ = host.request(&native);
            if host.calls().iter().sum::<usize>() == before {
                return Err(Error::Bench(format!(
                    "{}: {} {} reaches none of its request hooks; give --request a request its patterns match",
                    subject.display_name(),
                    request.method,
                    request.path
                )));
            }
            let prepared = host.prepare_request(&native);
            Ok(Box::new(NativeCaller {
                host,
                request: native,
                prepared,
            }))
        }
        Subject::Rustant(r) => {
            let (host, _) = AgentHost::load(&SecurityPolicy::default(), vec![(r.make)()]);
            let hooks = (r.make)()
                .hooks()
                .into_iter()
                .filter(|(point, _)| *point == AgentHookPoint::BeforeToolExecution)
                .map(|(_, hook)| hook)
                .collect::<Vec<_>>();
            if hooks.is_empty() {
                return unsupported("it has no BeforeToolExecution hook");
            }
            let args = json!({"method": request.method.as_str(), "path": request.path, "body": request.body});
            Ok(Box::new(RustantCaller {
                host: host.with_trace_mode(TraceMode::Off),
                hooks,
                context: HookContext::tool(
                    AgentHookPoint::BeforeToolExecution,
                    "http_request",
                    args,
                ),
            }))
        }
        Subject::RustantNative(_) => unsupported("a native Rustant plugin is read, never loaded"),
        Subject::Hosted(_) => unsupported("a contract added through the host seam has none here"),
    }
}

/// Pylon: `on_request_with_meta` through [`PylonHost`] (the registry's
/// chain and answer), and the trait method called directly.
struct PylonCaller {
    host: PylonHost,
    plugin: Arc<dyn RealPlugin>,
    meta: RequestMeta,
    auth: AuthContext,
    real_auth: pylon_auth::AuthContext,
}

impl PylonCaller {
    /// The trait method alone; `true` when the request goes on.
    fn direct(&self) -> bool {
        on_request(self.plugin.as_ref(), &self.meta, &self.real_auth).is_ok()
    }
}

impl Caller for PylonCaller {
    fn hook(&self) -> &'static str {
        "on_request_with_meta"
    }

    fn host(&mut self) -> bool {
        self.host
            .before_request(&self.meta, &self.auth)
            .response
            .is_none()
    }

    fn floor(&mut self) -> Option<bool> {
        Some(self.direct())
    }

    fn floor_allocates_as_plugin(&self) -> bool {
        true
    }

    fn concurrent(&self) -> Option<Box<dyn Fn() + Sync + '_>> {
        Some(Box::new(move || {
            self.direct();
        }))
    }
}

/// FeatherFly: `request.intercept` and `middleware.inject` through the
/// host, in this process (as the daemon runs plugins), and the matching
/// hooks' functions called directly with the context prepared once.
struct NativeCaller {
    host: FeatherFlyHost,
    request: NativeRequest,
    prepared: Option<hookcheck::featherfly::PreparedRequest>,
}

impl Caller for NativeCaller {
    fn hook(&self) -> &'static str {
        "request.intercept"
    }

    fn host(&mut self) -> bool {
        self.host.request(&self.request).response.is_none()
    }

    fn floor(&mut self) -> Option<bool> {
        let prepared = self.prepared.as_mut()?;
        Some(self.host.call_prepared(prepared))
    }
}

/// Rustant: `BeforeToolExecution` through the agent's hook manager, and
/// each hook's `execute` called directly.
struct RustantCaller {
    host: AgentHost,
    hooks: Vec<Box<dyn Hook>>,
    context: HookContext,
}

impl Caller for RustantCaller {
    fn hook(&self) -> &'static str {
        "BeforeToolExecution"
    }

    fn host(&mut self) -> bool {
        !matches!(
            self.host.run(&self.context).result,
            hookcheck::rustant::HookResult::Block(_)
        )
    }

    fn floor(&mut self) -> Option<bool> {
        let mut go_on = true;
        for hook in &self.hooks {
            go_on &= !matches!(
                hook.execute(&self.context),
                hookcheck::rustant::HookResult::Block(_)
            );
        }
        Some(go_on)
    }

    fn floor_allocates_as_plugin(&self) -> bool {
        true
    }

    fn concurrent(&self) -> Option<Box<dyn Fn() + Sync + '_>> {
        Some(Box::new(move || {
            for hook in &self.hooks {
                let _ = hook.execute(&self.context);
            }
        }))
    }
}

#[cfg(feature = "wasm")]
mod wasm {
    //! Lesstruct: `before_save` through the host's save path, and the
    //! module's export called directly with the hook data already encoded.

    use hookcheck::engine::TraceMode;
    use hookcheck::fixtures::RequestEvent;
    use hookcheck::lesstruct::LesstructHost;
    use serde_json::Value;

    use super::Caller;
    use crate::subject::WasmSubject;
    use crate::{Error, Result};

    struct WasmCaller {
        host: LesstructHost,
        direct: LesstructHost,
        content: Value,
        input: Vec<u8>,
    }

    /// A module that serves `hook_before_request` (hookcheck's benchmark
    /// protocol, which Lesstruct never calls): the engine's memory
    /// protocol with the request as JSON. No floor.
    struct RequestCaller {
        direct: LesstructHost,
        input: Vec<u8>,
    }

    impl Caller for RequestCaller {
        fn hook(&self) -> &'static str {
            "before_request"
        }

        fn host(&mut self) -> bool {
            self.direct
                .plugins_mut()
                .first_mut()
                .is_some_and(|p| matches!(p.call_hook("before_request", &self.input), Ok(None)))
        }

        fn floor(&mut self) -> Option<bool> {
            None
        }

        fn wasm_counters(&mut self) -> Option<(u64, u64)> {
            counters(&mut self.direct)
        }
    }

    /// The first plugin's memory size and the host's host-function calls.
    fn counters(host: &mut LesstructHost) -> Option<(u64, u64)> {
        let calls = host.services().host_calls();
        let memory = host.plugins_mut().first_mut()?.memory_size()?;
        Some((memory, calls))
    }

    /// `before_save` with the post the request creates (its JSON body laid
    /// over a new post); a module without it but with `hook_before_request`
    /// gets the request as JSON; one with neither is an error, never a
    /// timing of nothing.
    pub(super) fn caller(w: &WasmSubject, request: &RequestEvent) -> Result<Box<dyn Caller>> {
        let load = || {
            w.host()
                .map_err(|e| Error::Bench(format!("{}: {e}", w.path.display())))
        };
        let mut direct = load()?;
        let mut has = |hook: &str| {
            direct
                .plugins_mut()
                .first_mut()
                .is_some_and(|p| p.has_hook(hook))
        };
        if !has("before_save") {
            if has("before_request") {
                let input = serde_json::to_vec(request).unwrap_or_default();
                return Ok(Box::new(RequestCaller { direct, input }));
            }
            return Err(Error::Bench(format!(
                "{}: the module exports neither hook_before_save nor hook_before_request",
                w.path.display()
            )));
        }
        let host = load()?.with_trace_mode(TraceMode::Off);
        let body = serde_json::from_str::<Value>(&request.body).ok();
        let content = crate::inputs::new_post(body.as_ref().and_then(Value::as_object));
        let input = serde_json::to_vec(&content).unwrap_or_default();
        Ok(Box::new(WasmCaller {
            host,
            direct,
            content,
            input,
        }))
    }

    impl Caller for WasmCaller {
        fn hook(&self) -> &'static str {
            "before_save"
        }

        fn host(&mut self) -> bool {
            self.host.before_save(self.content.clone()).saved
        }

        fn floor(&mut self) -> Option<bool> {
            let plugin = self.direct.plugins_mut().first_mut()?;
            Some(plugin.call_hook("before_save", &self.input).is_ok())
        }

        fn wasm_counters(&mut self) -> Option<(u64, u64)> {
            counters(&mut self.host)
        }
    }
}
