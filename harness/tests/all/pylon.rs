//! The `pylon` contract (contracts §1).

use std::sync::Arc;

use hookcheck::Error;
use hookcheck::engine::{AuthContext, Failure, HttpMethod, Outcome, RequestMeta, WriteOp};
use hookcheck::pylon::{Plugin, PluginError, PylonHost, parse_manifest};
use hookcheck::store::EntityStore;
use hookcheck_fixtures::{
    AuditLog, FixedClock, OverwritesCreatedAt, PanicsInAfterWrite, PanicsInBeforeRequest,
    RateLimiter, RequireFields, Slugify, Timestamps, pylon_registry,
};
use rstest::rstest;
use serde_json::{Value, json};

fn host(plugins: Vec<Box<dyn Plugin>>) -> PylonHost {
    let mut host = PylonHost::new();
    for p in plugins {
        host.register(p).unwrap();
    }
    host
}

fn get(path: &str, ip: &str) -> RequestMeta {
    RequestMeta::new(HttpMethod::Get, path, ip)
}

#[rstest]
#[case::validation(PluginError::validation("bad_title", "title too long"), 400, None)]
#[case::rate_limited(PluginError::RateLimited { retry_after_secs: 17 }, 429, Some("17"))]
#[case::internal(PluginError::Internal { message: "db down".into() }, 500, None)]
fn plugin_errors_map_to_http(
    #[case] err: PluginError,
    #[case] status: u16,
    #[case] retry: Option<&str>,
) {
    let r = err.to_response();
    assert_eq!(r.status, status);
    assert_eq!(r.header("retry-after"), retry);
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["error"], err.code());
}

#[test]
fn rate_limiter_rejects_with_429_and_retry_after_per_client_ip() {
    let clock = FixedClock::at(1_000_030);
    let host = host(vec![Box::new(RateLimiter::with_clock(
        2,
        60,
        Arc::new(clock.clone()),
    ))]);
    let anon = AuthContext::anonymous();
    assert!(
        host.before_request(&get("/", "10.0.0.1"), &anon)
            .response
            .is_none()
    );
    assert!(
        host.before_request(&get("/", "10.0.0.1"), &anon)
            .response
            .is_none()
    );
    let third = host.before_request(&get("/", "10.0.0.1"), &anon);
    let response = third.response.expect("third request is limited");
    assert_eq!(response.status, 429);
    // window [999_960, 1_000_020) ... now 1_000_030 is in [1_000_020, 1_000_080)
    assert_eq!(response.header("Retry-After"), Some("50"));
    // another ip has its own budget
    assert!(
        host.before_request(&get("/", "10.0.0.2"), &anon)
            .response
            .is_none()
    );
    // a new window resets the count
    clock.set(1_000_080);
    assert!(
        host.before_request(&get("/", "10.0.0.1"), &anon)
            .response
            .is_none()
    );
}

#[test]
fn rate_limiter_keys_authenticated_callers_by_user_not_ip() {
    let host = host(vec![Box::new(RateLimiter::new(1, 3600))]);
    let alice = AuthContext::user("alice");
    assert!(
        host.before_request(&get("/", "10.0.0.1"), &alice)
            .response
            .is_none()
    );
    // same user from another ip is limited
    assert_eq!(
        host.before_request(&get("/", "10.9.9.9"), &alice)
            .response
            .unwrap()
            .status,
        429
    );
    // an anonymous caller on the first ip is not
    assert!(
        host.before_request(&get("/", "10.0.0.1"), &AuthContext::anonymous())
            .response
            .is_none()
    );
}

#[test]
fn before_request_error_short_circuits_later_plugins() {
    let host = host(vec![
        Box::new(RateLimiter::new(0, 60)),
        Box::new(PanicsInBeforeRequest),
    ]);
    let run = host.before_request(&get("/", "1.1.1.1"), &AuthContext::anonymous());
    assert_eq!(run.response.unwrap().status, 429);
    assert_eq!(run.trace.steps.len(), 1, "the panicking plugin never ran");
}

#[test]
fn panic_in_before_request_is_caught_and_names_plugin_and_hook() {
    let host = host(vec![Box::new(PanicsInBeforeRequest)]);
    let run = host.before_request(&get("/", "1.1.1.1"), &AuthContext::anonymous());
    let response = run.response.expect("a panic short-circuits the request");
    assert_eq!(response.status, 500);
    assert!(
        response.body.contains("panics_in_before_request"),
        "{}",
        response.body
    );
    let Outcome::Error { error } = &run.trace.steps[0].outcome else {
        panic!("not an error")
    };
    assert_eq!(error.plugin, "panics_in_before_request");
    assert_eq!(error.hook, "before_request");
    assert!(matches!(&error.failure, Failure::Panic { message } if message.contains("None")));
    // the host still serves the next request
    let ok = host.before_request(
        &get("/", "1.1.1.1").with_header("X-Tenant", "acme"),
        &AuthContext::anonymous(),
    );
    assert!(ok.response.is_none());
}

#[test]
fn before_write_mutations_land_in_the_written_row() {
    let clock = FixedClock::at(0);
    let host = host(vec![
        Box::new(Timestamps::new(Arc::new(clock.clone()))),
        Box::new(Slugify),
    ]);
    let store = EntityStore::in_memory().unwrap();
    let anon = AuthContext::anonymous();
    let run = host
        .write(
            &store,
            "Post",
            WriteOp::Insert,
            json!({"title": "Hello, World!"}),
            &anon,
        )
        .unwrap();
    assert_eq!(run.response.status, 201);
    let stored = store.get("Post", 1).unwrap().unwrap();
    assert_eq!(stored["slug"], "hello-world");
    assert_eq!(stored["createdAt"], "1970-01-01T00:00:00Z");
    assert_eq!(stored["updatedAt"], "1970-01-01T00:00:00Z");
    assert_eq!(run.row.unwrap(), stored);

    clock.set(86_400 + 3_661);
    let mut update = stored.clone();
    update["title"] = json!("Changed");
    host.write(&store, "Post", WriteOp::Update, update, &anon)
        .unwrap();
    let stored = store.get("Post", 1).unwrap().unwrap();
    assert_eq!(
        stored["createdAt"], "1970-01-01T00:00:00Z",
        "timestamps keeps createdAt on update"
    );
    assert_eq!(stored["updatedAt"], "1970-01-02T01:01:01Z");
}

#[test]
fn non_idempotent_before_write_rewrites_created_at_on_update() {
    let clock = FixedClock::at(0);
    let host = host(vec![Box::new(OverwritesCreatedAt::new(Arc::new(
        clock.clone(),
    )))]);
    let store = EntityStore::in_memory().unwrap();
    let anon = AuthContext::anonymous();
    let row = host
        .write(
            &store,
            "Post",
            WriteOp::Insert,
            json!({"title": "x"}),
            &anon,
        )
        .unwrap()
        .row
        .unwrap();
    clock.set(60);
    host.write(&store, "Post", WriteOp::Update, row, &anon)
        .unwrap();
    assert_eq!(
        store.get("Post", 1).unwrap().unwrap()["createdAt"],
        "1970-01-01T00:01:00Z"
    );
}

#[test]
fn rejection_stops_the_write_and_later_plugins() {
    let audit = AuditLog::new();
    let host = host(vec![
        Box::new(RequireFields::new("Post", &["title"])),
        Box::new(Slugify),
        Box::new(audit.clone()),
    ]);
    let store = EntityStore::in_memory().unwrap();
    let run = host
        .write(
            &store,
            "Post",
            WriteOp::Insert,
            json!({"body": "no title"}),
            &AuthContext::anonymous(),
        )
        .unwrap();
    assert_eq!(run.response.status, 400);
    assert!(run.response.body.contains("missing_field"));
    assert!(run.row.is_none());
    assert!(
        store.rows("Post").unwrap().is_empty(),
        "nothing was written"
    );
    assert!(audit.entries().is_empty(), "after_write never ran");
    assert_eq!(run.trace.steps.len(), 1, "slugify never ran");
}

#[test]
fn after_write_panic_never_fails_the_write() {
    let audit = AuditLog::new();
    let host = host(vec![Box::new(PanicsInAfterWrite), Box::new(audit.clone())]);
    let store = EntityStore::in_memory().unwrap();
    let run = host
        .write(
            &store,
            "User",
            WriteOp::Insert,
            json!({"email": "a@b.c"}),
            &AuthContext::user("u1"),
        )
        .unwrap();
    assert_eq!(run.response.status, 201);
    assert_eq!(store.rows("User").unwrap().len(), 1);
    let step = run
        .trace
        .steps_of("panics_in_after_write")
        .find(|s| s.hook == "after_write")
        .unwrap();
    let failure = step.outcome.to_string();
    assert!(failure.contains("panicked in after_write"), "{failure}");
    assert_eq!(
        audit.entries().len(),
        1,
        "later after_write hooks still run"
    );
    assert_eq!(audit.entries()[0].user, "u1");
}

#[test]
fn manifest_enables_plugins_in_list_order_with_config() {
    let text = r#"[
        {"name": "require_fields", "config": {"entity": "Post", "fields": ["title", "body"]}},
        {"name": "slugify"},
        {"name": "rate_limit", "config": {"limit": 5}}
    ]"#;
    let entries = parse_manifest(text, "manifest.json").unwrap();
    let host = PylonHost::from_manifest(&pylon_registry(), &entries).unwrap();
    assert_eq!(
        host.plugin_names(),
        ["require_fields", "slugify", "rate_limit"]
    );
    let store = EntityStore::in_memory().unwrap();
    let run = host
        .write(
            &store,
            "Post",
            WriteOp::Insert,
            json!({"title": "t"}),
            &AuthContext::anonymous(),
        )
        .unwrap();
    assert_eq!(run.response.status, 400, "config made body required");
}

#[test]
fn manifest_with_unknown_name_is_an_error_naming_it() {
    let entries =
        parse_manifest(r#"[{"name": "slugify"}, {"name": "sluggify"}]"#, "m.json").unwrap();
    let err = PylonHost::from_manifest(&pylon_registry(), &entries).unwrap_err();
    assert!(matches!(&err, Error::UnknownPlugin { name, .. } if name == "sluggify"));
    let msg = err.to_string();
    assert!(
        msg.contains("`sluggify`") && msg.contains("slugify"),
        "{msg}"
    );
}

#[test]
fn malformed_manifest_names_the_file_and_position() {
    let err = parse_manifest(r#"[{"name": "slugify", "confg": {}}]"#, "plugins.json").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("failed to read manifest plugins.json: line 1"),
        "{msg}"
    );
    assert!(msg.contains("confg"), "{msg}");
}

struct Named(&'static str);
impl Plugin for Named {
    fn name(&self) -> &str {
        self.0
    }
}

#[test]
fn plugin_name_must_equal_manifest_name() {
    let mut registry = pylon_registry();
    registry.register_builtin("alias", |_| Box::new(Named("real_name")));
    let entries = parse_manifest(r#"[{"name": "alias"}]"#, "m.json").unwrap();
    let msg = PylonHost::from_manifest(&registry, &entries)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("`real_name`") && msg.contains("`alias`"),
        "{msg}"
    );
}

struct FailingInit;
impl Plugin for FailingInit {
    fn name(&self) -> &str {
        "failing_init"
    }
    fn init(&self, config: &Value) -> Result<(), PluginError> {
        Err(PluginError::validation(
            "config",
            format!("missing webhook_url in {config}"),
        ))
    }
}

#[test]
fn failing_init_is_a_load_error() {
    let msg = PylonHost::new()
        .register(Box::new(FailingInit))
        .unwrap_err()
        .to_string();
    assert!(
        msg.starts_with("failed to load plugin `failing_init`: init returned an error"),
        "{msg}"
    );
}

struct Router {
    name: &'static str,
    answer: Option<(u16, &'static str)>,
}
impl Plugin for Router {
    fn name(&self) -> &str {
        self.name
    }
    fn routes(&self) -> Vec<(HttpMethod, String)> {
        vec![
            (HttpMethod::Post, "/api/hook".into()),
            (HttpMethod::Get, "/api/system".into()),
        ]
    }
    fn handle_route(
        &self,
        _: HttpMethod,
        _: &str,
        _: &str,
        _: &AuthContext,
    ) -> Option<(u16, String)> {
        self.answer.map(|(s, b)| (s, b.to_owned()))
    }
}

fn builtin(method: HttpMethod, url: &str, _: &str) -> Option<(u16, String)> {
    (method == HttpMethod::Get && url == "/api/system").then(|| (200, "core".to_owned()))
}

#[test]
fn routes_try_builtin_first_then_plugins_in_registration_order() {
    let host = host(vec![
        Box::new(Router {
            name: "declines",
            answer: None,
        }),
        Box::new(Router {
            name: "first",
            answer: Some((202, "one")),
        }),
        Box::new(Router {
            name: "second",
            answer: Some((200, "two")),
        }),
    ]);
    let anon = AuthContext::anonymous();
    let core = host.route(HttpMethod::Get, "/api/system", "", &anon, builtin);
    assert_eq!(
        (core.response.status, core.handled_by.as_deref()),
        (200, Some("builtin"))
    );
    let run = host.route(HttpMethod::Post, "/api/hook?x=1", "{}", &anon, builtin);
    assert_eq!(run.response.status, 202);
    assert_eq!(run.response.body, "one");
    assert_eq!(run.handled_by.as_deref(), Some("first"));
    assert_eq!(
        run.trace.steps.len(),
        2,
        "declines, then first; second never asked"
    );
    let missing = host.route(HttpMethod::Delete, "/api/hook", "", &anon, builtin);
    assert_eq!(missing.response.status, 404);
}
