//! The FeatherFly side: a `request.intercept` hook on `/api` that counts
//! requests, and `GET /plugins/word-count` answering the count (the daemon
//! needs a plugin route to start; FF-HOST-001).

use std::sync::atomic::{AtomicU64, Ordering};

use hookcheck_pdk::featherfly::{
    HTTP_METHOD_GET, HostApi, REQUEST_CONTINUE, RequestHookContext, RequestHookPhase,
    RouteHandlerContext, write_route_response,
};
use hookcheck_pdk::{declare_plugin, hook_request, route};

static REQUESTS: AtomicU64 = AtomicU64::new(0);

extern "C" fn init(host: *const HostApi) -> i32 {
    hook_request!(host, RequestHookPhase::Intercept, "/api", on_request);
    route!(host, HTTP_METHOD_GET, "/plugins/word-count", on_route);
    0
}

extern "C" fn on_request(_ctx: *const RequestHookContext) -> i32 {
    REQUESTS.fetch_add(1, Ordering::Relaxed);
    if cfg!(feature = "planted-bug") {
        // The bug: a response without its status, which the host answers
        // with 200.
        return hookcheck_pdk::featherfly::REQUEST_RESPOND;
    }
    REQUEST_CONTINUE
}

extern "C" fn on_route(ctx: *const RouteHandlerContext) -> i32 {
    // SAFETY: the host passes a valid context, or null.
    let Some(ctx) = (unsafe { ctx.as_ref() }) else {
        return -1;
    };
    let body = format!("{{\"requests\":{}}}", REQUESTS.load(Ordering::Relaxed));
    write_route_response(ctx, 200, body.as_bytes())
}

declare_plugin! { name: "word_count", version: "0.1.0", init: init }
