//! The `pylon` contract (contracts §1), hosted as the `pylon-plugin` crate
//! hosts it; plugins written to the documented trait run through the
//! adapter.

use std::sync::Arc;

use hookcheck::Error;
use hookcheck::engine::{AuthContext, Failure, HttpMethod, Outcome, RequestMeta, WriteOp};
use hookcheck::pylon::pylon_auth;
use hookcheck::pylon::real::{self, PluginRoute};
use hookcheck::pylon::{Plugin, PluginError, PylonHost, parse_manifest};
use hookcheck::store::EntityStore;
use hookcheck_fixtures::{
    AuditLog, FixedClock, OverwritesCreatedAt, PanicsInAfterWrite, PanicsInBeforeRequest,
    PanicsInOnInit, RateLimiter, RequireFields, Slugify, SuccessStatusError, Timestamps,
    pylon_registry,
};
use rstest::rstest;
use serde_json::{Value, json};

/// A host of plugins written to the documented trait.
fn host(plugins: Vec<Box<dyn Plugin>>) -> PylonHost {
    let mut host = PylonHost::new();
    for p in plugins {
        host.register_documented_plugin(p).unwrap();
    }
    host
}

/// A host of plugins written against the crate.
fn real_host(plugins: Vec<Arc<dyn real::Plugin>>) -> PylonHost {
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
#[case::validation(
    PluginError::validation("bad_title", "title too long"),
    400,
    "bad_title"
)]
#[case::rate_limited(PluginError::RateLimited { retry_after_secs: 17 }, 429, "rate_limited")]
#[case::internal(PluginError::Internal { message: "db down".into() }, 500, "internal")]
fn documented_errors_become_the_crates_error_with_the_documented_status(
    #[case] err: PluginError,
    #[case] status: u16,
    #[case] code: &str,
) {
    let real = hookcheck::pylon::real_error(&err);
    assert_eq!((real.status, real.code.as_str()), (status, code));
    assert_eq!(real.message, err.to_string());
}

#[test]
fn rate_limiter_rejects_with_429_per_client_ip_and_its_retry_after_is_lost_on_the_crate() {
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
    // The crate's PluginError has no Retry-After (pylon-plugin
    // src/lib.rs:115-120): the documented header does not survive.
    assert_eq!(response.header("Retry-After"), None);
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
    assert_eq!(error.hook, "on_request_with_meta");
    assert!(matches!(&error.failure, Failure::Panic { message } if message.contains("None")));
    // The host still serves the next request. It fails the same way even
    // with the header: the crate's RequestMeta carries no headers, so the
    // documented plugin's `unwrap` on X-Tenant can never succeed.
    let again = host.before_request(
        &get("/", "1.1.1.1").with_header("X-Tenant", "acme"),
        &AuthContext::anonymous(),
    );
    assert_eq!(again.response.unwrap().status, 500);
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
    let mut host = host(vec![
        Box::new(RequireFields::new("Post", &["title"])),
        Box::new(Slugify),
    ]);
    host.register(Arc::new(audit.clone())).unwrap();
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
    assert!(audit.entries().is_empty(), "after_insert never ran");
    assert_eq!(run.trace.steps.len(), 1, "slugify never ran");
}

#[test]
fn after_write_panic_never_fails_the_write() {
    let audit = AuditLog::new();
    let mut host = host(vec![Box::new(PanicsInAfterWrite)]);
    host.register(Arc::new(audit.clone())).unwrap();
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
        .find(|s| s.hook.name == "after_insert")
        .unwrap();
    let failure = step.outcome.to_string();
    assert!(failure.contains("panicked in after_insert"), "{failure}");
    assert_eq!(audit.entries().len(), 1, "later after hooks still run");
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
        .register_documented_plugin(Box::new(FailingInit))
        .unwrap_err()
        .to_string();
    assert!(
        msg.starts_with("failed to load plugin `failing_init`: init returned an error"),
        "{msg}"
    );
}

/// Serves `POST /api/hook` and `GET /api/system` with a fixed answer.
struct Router {
    name: &'static str,
    answer: (u16, &'static str),
}
impl real::Plugin for Router {
    fn name(&self) -> &str {
        self.name
    }
    fn routes(&self) -> Vec<PluginRoute> {
        let (status, body) = self.answer;
        [("POST", "/api/hook"), ("GET", "/api/system")]
            .into_iter()
            .map(|(method, path)| PluginRoute {
                method: method.to_owned(),
                path: path.to_owned(),
                handler: Box::new(move |_: &str, _: &str, _: &pylon_auth::AuthContext| {
                    (status, body.to_owned())
                }),
            })
            .collect()
    }
}

fn builtin(method: HttpMethod, url: &str, _: &str) -> Option<(u16, String)> {
    (method == HttpMethod::Get && (url == "/api/system" || url == "/api/entities/Post"))
        .then(|| (200, "core".to_owned()))
}

#[test]
fn plugin_routes_match_by_prefix_first_plugin_first_and_before_the_builtin_api() {
    let host = real_host(vec![
        Arc::new(Router {
            name: "first",
            answer: (202, "one"),
        }),
        Arc::new(Router {
            name: "second",
            answer: (200, "two"),
        }),
    ]);
    let anon = AuthContext::anonymous();
    // A plugin route takes a built-in path (src/lib.rs:295-310).
    let taken = host.route(HttpMethod::Get, "/api/system", "", &anon, builtin);
    assert_eq!(taken.handled_by.as_deref(), Some("first"));
    assert_eq!(taken.response.body, "one");
    let run = host.route(HttpMethod::Post, "/api/hook?x=1", "{}", &anon, builtin);
    assert_eq!(
        (run.response.status, run.response.body.as_str()),
        (202, "one")
    );
    assert_eq!(run.trace.steps.len(), 1, "second is never asked");
    // `starts_with`: the route also answers a longer path.
    let prefix = host.route(HttpMethod::Post, "/api/hookah", "", &anon, builtin);
    assert_eq!(prefix.handled_by.as_deref(), Some("first"));
    // Only what no plugin route matches reaches the built-in API.
    let core = host.route(HttpMethod::Get, "/api/entities/Post", "", &anon, builtin);
    assert_eq!(core.handled_by.as_deref(), Some("builtin"));
    assert_eq!(core.trace.steps.len(), 2, "routes() asked of every plugin");
    let missing = host.route(HttpMethod::Delete, "/api/hook", "", &anon, builtin);
    assert_eq!(missing.response.status, 404);
}

/// Declares `GET /docs` and declines everything with `None`.
struct Declines;
impl Plugin for Declines {
    fn name(&self) -> &str {
        "declines"
    }
    fn routes(&self) -> Vec<(HttpMethod, String)> {
        vec![(HttpMethod::Get, "/docs".into())]
    }
}

#[test]
fn a_documented_route_that_declines_answers_404_because_a_handler_cannot_decline() {
    let host = host(vec![Box::new(Declines)]);
    let run = host.route(
        HttpMethod::Get,
        "/docs/page",
        "",
        &AuthContext::anonymous(),
        builtin,
    );
    assert_eq!(run.handled_by.as_deref(), Some("declines"));
    assert_eq!(run.response.status, 404);
}

#[test]
fn an_error_status_is_answered_as_is() {
    let host = real_host(vec![Arc::new(SuccessStatusError)]);
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
    assert_eq!(run.response.status, 200);
    assert!(
        run.response.body.contains("NOT_ALLOWED"),
        "{}",
        run.response.body
    );
    assert!(run.row.is_none());
}

#[test]
fn on_init_runs_at_registration_and_a_panic_there_is_a_load_error() {
    let err = PylonHost::new()
        .register(Arc::new(PanicsInOnInit))
        .unwrap_err()
        .to_string();
    assert!(err.contains("on_init panicked"), "{err}");
    assert!(err.contains("required_key"), "{err}");
}

#[test]
fn names_are_not_deduplicated_as_in_the_crate() {
    let host = real_host(vec![Arc::new(AuditLog::new()), Arc::new(AuditLog::new())]);
    assert_eq!(host.plugin_names(), ["audit_log", "audit_log"]);
}

#[test]
fn a_manifest_enables_the_crates_built_ins_by_name() {
    let entries = parse_manifest(
        r#"[{"name": "builtin:timestamps"}, {"name": "builtin:rate_limit", "config": {"max_requests": 1}}]"#,
        "m.json",
    )
    .unwrap();
    let host = PylonHost::from_manifest(&pylon_registry(), &entries).unwrap();
    assert_eq!(host.plugin_names(), ["timestamps", "rate-limit"]);
    let store = EntityStore::in_memory().unwrap();
    let row = host
        .write(
            &store,
            "Post",
            WriteOp::Insert,
            json!({"title": "t"}),
            &AuthContext::anonymous(),
        )
        .unwrap()
        .row
        .unwrap();
    assert!(row["createdAt"].is_string(), "{row}");
    let anon = AuthContext::anonymous();
    assert!(
        host.before_request(&get("/", "10.0.0.1"), &anon)
            .response
            .is_none()
    );
    let limited = host.before_request(&get("/", "10.0.0.1"), &anon);
    assert_eq!(limited.response.unwrap().status, 429);
}
