//! The plugin under hookcheck: the whole Pylon catalog, the hooks through
//! the host as Pylon runs them, and a snapshot of a write pipeline.

use std::sync::Arc;

use hookcheck::engine::{AuthContext, HttpMethod, RequestMeta, WriteOp};
use hookcheck::fixtures::WriteEvent;
use hookcheck::pylon::PylonHost;
use hookcheck::replay::{Harness, Stages};
use hookcheck_conformance::{Subject, assert_conforms};
use serde_json::json;
use title_guard::TitleGuard;

#[global_allocator]
static ALLOC: hookcheck::alloc::CountingAllocator = hookcheck::alloc::CountingAllocator;

#[test]
fn conforms_to_every_pylon_check() {
    assert_conforms(&Subject::pylon("title_guard", || {
        Arc::new(TitleGuard::default())
    }));
}

fn host() -> PylonHost {
    let mut host = PylonHost::new();
    host.register(Arc::new(TitleGuard::denying(&["198.51.100.9"])))
        .unwrap();
    host
}

#[test]
fn an_empty_title_is_rejected_and_a_padded_one_trimmed() {
    let host = host();
    let anon = AuthContext::anonymous();
    let rejected = host
        .before_write("Post", WriteOp::Insert, json!({"title": "  "}), &anon)
        .unwrap();
    let response = rejected.data.unwrap_err();
    assert_eq!(response.status, 400);
    assert!(
        response.body.contains("TITLE_REQUIRED"),
        "{}",
        response.body
    );
    let kept = host
        .before_write("Post", WriteOp::Insert, json!({"title": "  Hi "}), &anon)
        .unwrap();
    assert_eq!(kept.data.unwrap()["title"], "Hi");
}

#[test]
fn a_denied_peer_is_turned_away_before_anything_else() {
    let host = host();
    let anon = AuthContext::anonymous();
    let denied = RequestMeta::new(HttpMethod::Get, "/api/posts", "198.51.100.9");
    assert_eq!(
        host.before_request(&denied, &anon).response.unwrap().status,
        403
    );
    let allowed = RequestMeta::new(HttpMethod::Get, "/api/posts", "203.0.113.1");
    assert!(host.before_request(&allowed, &anon).response.is_none());
}

#[test]
fn a_write_pipeline_snapshot() {
    let mut harness = Harness::pylon(host()).unwrap();
    let observed = harness.write(&WriteEvent {
        entity: "Post".to_owned(),
        op: WriteOp::Insert,
        data: json!({"title": "  Hello, Pylon  "}),
        auth: AuthContext::user("u1"),
        via_request: None,
    });
    assert_eq!(observed.status, Some(201));
    insta::assert_yaml_snapshot!(Stages::of(&observed.trace));
}
