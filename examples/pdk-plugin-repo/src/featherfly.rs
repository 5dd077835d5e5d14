//! The FeatherFly side: a `request.intercept` hook on `/api`.

use std::sync::atomic::{AtomicU64, Ordering};

use hookcheck_pdk::featherfly::{HostApi, REQUEST_CONTINUE, RequestHookContext, RequestHookPhase};
use hookcheck_pdk::{declare_plugin, hook_request};

static REQUESTS: AtomicU64 = AtomicU64::new(0);

extern "C" fn init(host: *const HostApi) -> i32 {
    hook_request!(host, RequestHookPhase::Intercept, "/api", on_request);
    0
}

extern "C" fn on_request(_ctx: *const RequestHookContext) -> i32 {
    REQUESTS.fetch_add(1, Ordering::Relaxed);
    REQUEST_CONTINUE
}

declare_plugin! { name: "word_count", version: "0.1.0", init: init }
