//! Lesstruct: `before_save` through the host's save path, and the module's
//! export called directly with the hook data already encoded; or
//! hookcheck's benchmark protocol `hook_before_request`, which no host
//! calls (no floor).

use hookcheck::engine::TraceMode;
use hookcheck::fixtures::Event;
use hookcheck::lesstruct::LesstructHost;
use serde_json::Value;

use super::subject::WasmSubject;
use crate::timed::{Caller, request_of};
use crate::{Error, Result};

/// The caller for `hook` with `input`. `before_save` gets the post the
/// input creates (a request's JSON body or a write's data laid over a new
/// post). Unless the hook was asked for by name or the input is a write, a
/// module without `before_save` but with `hook_before_request` is timed on
/// that; one with neither is an error, never a timing of nothing.
pub(crate) fn caller(
    w: &WasmSubject,
    hook: &'static str,
    explicit: bool,
    input: &Event,
) -> Result<Box<dyn Caller>> {
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
    let missing = |export: &str| {
        Err(Error::Bench(format!(
            "{}: the module does not export {export}, so there is no hook to time",
            w.path.display()
        )))
    };
    let on_request = match hook {
        "before_request" if !has("before_request") => return missing("hook_before_request"),
        "before_request" => true,
        _ if has("before_save") => false,
        _ if explicit || matches!(input, Event::Write(_)) => return missing("hook_before_save"),
        _ if has("before_request") => true,
        _ => return missing("hook_before_save or hook_before_request"),
    };
    if on_request {
        let input = serde_json::to_vec(request_of(input)?).unwrap_or_default();
        return Ok(Box::new(RequestCaller { direct, input }));
    }
    let fields = match input {
        Event::Request(r) => serde_json::from_str::<Value>(&r.body).ok(),
        Event::Write(w) => Some(w.data.clone()),
        other => {
            return Err(Error::Bench(format!(
                "before_save takes a request or a write fixture, and the input is a {}",
                other.kind()
            )));
        }
    };
    let content = crate::inputs::new_post(fields.as_ref().and_then(Value::as_object));
    let encoded = serde_json::to_vec(&content).unwrap_or_default();
    Ok(Box::new(SaveCaller {
        host: load()?.with_trace_mode(TraceMode::Off),
        direct,
        content,
        input: encoded,
    }))
}

/// The first plugin's memory size and the host's host-function calls.
fn counters(host: &mut LesstructHost) -> Option<(u64, u64)> {
    let calls = host.services().host_calls();
    let memory = host.plugins_mut().first_mut()?.memory_size()?;
    Some((memory, calls))
}

struct SaveCaller {
    host: LesstructHost,
    direct: LesstructHost,
    content: Value,
    input: Vec<u8>,
}

impl Caller for SaveCaller {
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

/// `hook_before_request`: the engine's memory protocol with the request
/// as JSON.
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
