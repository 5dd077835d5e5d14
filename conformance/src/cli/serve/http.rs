//! The HTTP side: every request becomes a [`RequestEvent`] for the engine
//! thread, and its answer becomes the HTTP response.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::mpsc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hookcheck::engine::{HttpMethod, HttpResponse};
use hookcheck::fixtures::REDACTED_AUTHORIZATION;
use hookcheck::fixtures::RequestEvent;
use hookcheck::replay::auth_from_authorization;
use tokio::sync::oneshot;

use super::engine::Job;

/// The state every handler shares: the way to the engine thread.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) jobs: mpsc::Sender<Job>,
}

/// The one handler: all routing happens in the engine, as the host's would.
pub(crate) async fn handle(
    State(shared): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(method) = HttpMethod::parse(method.as_str()) else {
        let body = r#"{"error":"method_not_allowed"}"#;
        return (StatusCode::METHOD_NOT_ALLOWED, body).into_response();
    };
    let request = event(method, &uri, &headers, peer, &body);
    let (reply, answer) = oneshot::channel();
    if shared.jobs.send(Job { request, reply }).is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, "the engine has stopped").into_response();
    }
    match answer.await {
        Ok(response) => into_response(response),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the engine dropped the request",
        )
            .into_response(),
    }
}

/// The request as the engine and the fixture see it: lower-case header
/// names (repeats joined with `, `), `authorization` turned into the auth
/// context and redacted.
fn event(
    method: HttpMethod,
    uri: &Uri,
    headers: &HeaderMap,
    peer: SocketAddr,
    body: &[u8],
) -> RequestEvent {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        map.entry(name.as_str().to_owned())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    let auth = auth_from_authorization(map.get("authorization").map(String::as_str));
    let raw_authorization = map.get("authorization").cloned();
    if let Some(v) = map.get_mut("authorization") {
        REDACTED_AUTHORIZATION.clone_into(v);
    }
    // Connection details: they change from run to run (the port in
    // `host`) and no plugin should depend on them.
    for hop in ["host", "connection", "content-length"] {
        map.remove(hop);
    }
    RequestEvent {
        method,
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        headers: map,
        raw_authorization,
        client_ip: peer.ip().to_string(),
        body: String::from_utf8_lossy(body).into_owned(),
        auth,
    }
}

fn into_response(response: HttpResponse) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let is_json = serde_json::from_str::<serde_json::Value>(&response.body).is_ok();
    let mut out = (status, response.body).into_response();
    let content_type = if is_json {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    out.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    for (name, value) in response.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            out.headers_mut().append(name, value);
        }
    }
    out
}
