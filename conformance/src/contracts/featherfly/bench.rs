//! FeatherFly: one phase of a request's hooks through the host, in this
//! process (as the daemon runs plugins and each phase), and that phase's
//! matching hooks' functions called directly with the context prepared
//! once.

use hookcheck::engine::TraceMode;
use hookcheck::featherfly::{
    FeatherFlyHost, Isolation, NativeOptions, NativeRequest, PreparedRequest, RegKind,
};
use hookcheck::fixtures::Event;

use super::subject::NativeSubject;
use crate::subject::SubjectKind;
use crate::timed::{Caller, request_of};
use crate::{Error, Result};

/// The caller for `request.intercept` (phase 1) or `middleware.inject`
/// (phase 2) with the request in `input`.
pub(crate) fn caller(
    n: &NativeSubject,
    hook: &'static str,
    input: &Event,
) -> Result<Box<dyn Caller>> {
    let request = request_of(input)?;
    let phase = if hook == "middleware.inject" { 2 } else { 1 };
    let options = NativeOptions {
        isolation: Isolation::InProcess,
        ..NativeOptions::default()
    };
    let host = FeatherFlyHost::load(std::slice::from_ref(&n.path), &options)?
        .with_trace_mode(TraceMode::Off);
    let of_phase: Vec<usize> = host
        .registrations()
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.kind, RegKind::Request { phase: p, .. } if p == phase))
        .map(|(i, _)| i)
        .collect();
    if of_phase.is_empty() {
        return Err(Error::Bench(format!(
            "{}: it registers no {hook} hook, so there is no hook to time",
            n.display_name()
        )));
    }
    let native = NativeRequest::from(request);
    // A request no pattern of the plugin matches would time the host alone.
    let calls = |host: &FeatherFlyHost| -> usize {
        let all = host.calls();
        of_phase.iter().filter_map(|i| all.get(*i)).sum()
    };
    let before = calls(&host);
    let _ = host.request_phase(&native, phase);
    if calls(&host) == before {
        return Err(Error::Bench(format!(
            "{}: {} {} reaches none of its {hook} hooks; give --input a request their patterns match",
            n.display_name(),
            request.method,
            request.path
        )));
    }
    let prepared = host.prepare_request(&native, Some(phase));
    Ok(Box::new(NativeCaller {
        hook,
        phase,
        host,
        request: native,
        prepared,
    }))
}

struct NativeCaller {
    hook: &'static str,
    phase: u32,
    host: FeatherFlyHost,
    request: NativeRequest,
    prepared: Option<PreparedRequest>,
}

impl Caller for NativeCaller {
    fn hook(&self) -> &'static str {
        self.hook
    }

    fn host(&mut self) -> bool {
        self.host
            .request_phase(&self.request, self.phase)
            .response
            .is_none()
    }

    fn floor(&mut self) -> Option<bool> {
        let prepared = self.prepared.as_mut()?;
        Some(self.host.call_prepared(prepared))
    }
}
