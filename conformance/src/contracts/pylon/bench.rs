//! Pylon: `on_request_with_meta` and the `before_*` write hooks through
//! [`PylonHost`] (the registry's chain and answer), and the trait method
//! called directly.

use std::hint::black_box;
use std::sync::Arc;

use hookcheck::engine::{AuthContext, RequestMeta, TraceMode, WriteOp};
use hookcheck::fixtures::Event;
use hookcheck::pylon::real::Plugin as RealPlugin;
use hookcheck::pylon::{PylonHost, on_request, pylon_auth, real_auth, write_id};
use serde_json::Value;

use super::subject::PylonSubject;
use crate::timed::{Caller, request_of};
use crate::{Error, Result};

/// The caller for `hook` (a name from the Pylon table) with `input`.
pub(crate) fn caller(
    p: &PylonSubject,
    hook: &'static str,
    input: &Event,
) -> Result<Box<dyn Caller>> {
    let host = p.host()?.with_trace_mode(TraceMode::Off);
    let op = match hook {
        "before_insert" => WriteOp::Insert,
        "before_update" => WriteOp::Update,
        "before_delete" => WriteOp::Delete,
        _ => {
            let request = request_of(input)?;
            return Ok(Box::new(RequestCaller {
                real_auth: real_auth(&request.auth),
                plugin: p.plugin(),
                host,
                meta: request.meta(),
            }));
        }
    };
    let Event::Write(write) = input else {
        return Err(Error::Bench(format!(
            "{hook} takes a write fixture, and the input is a {}",
            input.kind()
        )));
    };
    let data = write.data.clone();
    // The copy each floor call makes, so the plugin's changes do not pile
    // up; counted here once and taken off the plugin's own count.
    let input_allocations = hookcheck::alloc::count(|| black_box(data.clone()))
        .1
        .unwrap_or(0);
    Ok(Box::new(WriteCaller {
        host,
        plugin: p.plugin(),
        hook,
        op,
        entity: write.entity.clone(),
        id: write_id(&data),
        real_auth: real_auth(&write.auth),
        auth: write.auth.clone(),
        data,
        input_allocations,
    }))
}

/// `on_request_with_meta`.
struct RequestCaller {
    host: PylonHost,
    plugin: Arc<dyn RealPlugin>,
    meta: RequestMeta,
    real_auth: pylon_auth::AuthContext,
}

impl RequestCaller {
    /// The trait method alone; `true` when the request goes on.
    fn direct(&self) -> bool {
        on_request(self.plugin.as_ref(), &self.meta, &self.real_auth).is_ok()
    }
}

impl Caller for RequestCaller {
    fn hook(&self) -> &'static str {
        "on_request_with_meta"
    }

    /// The host's fast path (the registry's loop, panics caught, no
    /// trace): what `hookcheck bench` times.
    fn host(&mut self) -> bool {
        let peer = hookcheck::pylon::real::RequestMeta {
            peer_ip: &self.meta.client_ip,
        };
        matches!(
            self.host.before_request_fast(
                self.meta.method.as_str(),
                &self.meta.path,
                &self.real_auth,
                &peer
            ),
            hookcheck::pylon::FastRequest::Continue
        )
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

/// `before_insert`, `before_update` or `before_delete` with a write's
/// data: through the host's before-write chain, and the trait method on a
/// fresh copy of the data.
struct WriteCaller {
    host: PylonHost,
    plugin: Arc<dyn RealPlugin>,
    hook: &'static str,
    op: WriteOp,
    entity: String,
    id: String,
    data: Value,
    auth: AuthContext,
    real_auth: pylon_auth::AuthContext,
    input_allocations: u64,
}

impl WriteCaller {
    /// The trait method alone on a fresh copy of the data; `true` when
    /// the write goes on.
    fn direct(&self) -> bool {
        let mut data = self.data.clone();
        let (plugin, entity, auth) = (&self.plugin, self.entity.as_str(), &self.real_auth);
        match self.op {
            WriteOp::Insert => plugin.before_insert(entity, &mut data, auth),
            WriteOp::Update => plugin.before_update(entity, &self.id, &mut data, auth),
            WriteOp::Delete => plugin.before_delete(entity, &self.id, auth),
        }
        .is_ok()
    }
}

impl Caller for WriteCaller {
    fn hook(&self) -> &'static str {
        self.hook
    }

    fn host(&mut self) -> bool {
        self.host
            .before_write(&self.entity, self.op, self.data.clone(), &self.auth)
            .is_ok_and(|run| run.data.is_ok())
    }

    fn floor(&mut self) -> Option<bool> {
        Some(self.direct())
    }

    fn floor_allocates_as_plugin(&self) -> bool {
        true
    }

    fn floor_input_allocations(&self) -> u64 {
        self.input_allocations
    }

    fn concurrent(&self) -> Option<Box<dyn Fn() + Sync + '_>> {
        Some(Box::new(move || {
            self.direct();
        }))
    }
}
