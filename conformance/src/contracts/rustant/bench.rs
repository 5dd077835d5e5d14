//! Rustant: one hook point through the agent's hook manager, and each of
//! the plugin's hooks at that point called directly with the same context.

use hookcheck::engine::TraceMode;
use hookcheck::fixtures::Event;
use hookcheck::rustant::{
    AgentHookPoint, AgentHost, Hook, HookContext, HookResult, SecurityPolicy,
};
use serde_json::json;

use super::subject::RustantSubject;
use crate::timed::{Caller, request_of};
use crate::{Error, Result};

/// The caller for the hook point named `hook`, its context made from the
/// request in `input`: a tool call (`http_request` with the method, path
/// and body), an LLM exchange (the same as data), a session or an error.
pub(crate) fn caller(
    r: &RustantSubject,
    hook: &'static str,
    input: &Event,
) -> Result<Box<dyn Caller>> {
    let request = request_of(input)?;
    let point = AgentHookPoint::ALL
        .into_iter()
        .find(|p| p.name() == hook)
        .ok_or_else(|| Error::Bench(format!("{hook} is not a Rustant hook point")))?;
    let (host, _) = AgentHost::load(&SecurityPolicy::default(), vec![(r.make)()]);
    let hooks = (r.make)()
        .hooks()
        .into_iter()
        .filter(|(p, _)| *p == point)
        .map(|(_, hook)| hook)
        .collect::<Vec<_>>();
    if hooks.is_empty() {
        return Err(Error::Bench(format!(
            "rustant:{}: it has no {hook} hook, so there is no hook to time",
            r.name
        )));
    }
    let data =
        json!({"method": request.method.as_str(), "path": request.path, "body": request.body});
    let context = match point {
        AgentHookPoint::BeforeToolExecution | AgentHookPoint::AfterToolExecution => {
            HookContext::tool(point, "http_request", data)
        }
        AgentHookPoint::BeforeLlmRequest | AgentHookPoint::AfterLlmResponse => {
            HookContext::llm(point, "bench", data)
        }
        AgentHookPoint::OnSessionStart | AgentHookPoint::OnSessionEnd => {
            HookContext::session(point, "bench")
        }
        AgentHookPoint::OnError => {
            HookContext::error(&format!("{} {} failed", request.method, request.path))
        }
    };
    Ok(Box::new(RustantCaller {
        hook,
        host: host.with_trace_mode(TraceMode::Off),
        hooks,
        context,
    }))
}

struct RustantCaller {
    hook: &'static str,
    host: AgentHost,
    hooks: Vec<Box<dyn Hook>>,
    context: HookContext,
}

impl Caller for RustantCaller {
    fn hook(&self) -> &'static str {
        self.hook
    }

    fn host(&mut self) -> bool {
        !matches!(self.host.run(&self.context).result, HookResult::Block(_))
    }

    fn floor(&mut self) -> Option<bool> {
        let mut go_on = true;
        for hook in &self.hooks {
            go_on &= !matches!(hook.execute(&self.context), HookResult::Block(_));
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
