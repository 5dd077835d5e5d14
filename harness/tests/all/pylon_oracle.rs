//! The `pylon-plugin` crate as the test oracle: generated plugin chains —
//! the crate's own built-ins and generated plugins that mutate, reject with
//! generated statuses or answer routes — run through hookcheck's Pylon host
//! and through `pylon_plugin::PluginRegistry` itself, on generated
//! requests, writes and routes; the answers must be identical. The wrong
//! models below (built-ins first, last error wins) must be caught.

use std::sync::Arc;

use hookcheck::engine::{AuthContext, HttpMethod, RequestMeta, WriteOp};
use hookcheck::pylon::pylon_auth::AuthContext as RealAuth;
use hookcheck::pylon::real::{self, PluginError, PluginRegistry, PluginRoute};
use hookcheck::pylon::{PylonHost, builtin_named, pylon_kernel, real_auth, write_id};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

/// What a generated hook does.
#[derive(Clone, Debug)]
enum Act {
    Pass,
    Set(&'static str, i64),
    Reject(u16, &'static str),
}

/// A generated plugin.
#[derive(Clone, Debug)]
struct Spec {
    name: String,
    request: Act,
    insert: Act,
    update: Act,
    delete: Act,
    routes: Vec<(&'static str, &'static str, u16)>,
}

/// One link of a chain: a generated plugin or a built-in of the crate.
#[derive(Clone, Debug)]
enum Member {
    Generated(Spec),
    Builtin(&'static str),
}

/// Built-ins whose answers do not depend on the clock.
const BUILTINS: &[&str] = &[
    "rate_limit",
    "validation",
    "slugify",
    "soft_delete",
    "cors",
    "csrf",
    "api_keys",
    "cascade",
    "webhooks",
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE"];
const PATHS: &[&str] = &["/", "/api", "/api/x", "/apix", "/plugins/a", "/api/system"];
const KEYS: &[&str] = &["title", "slug", "n"];
const CODES: &[&str] = &["E1", "", "VALIDATION_FAILED"];

struct Generated(Spec);

fn act(a: &Act, data: Option<&mut Value>) -> Result<(), PluginError> {
    match a {
        Act::Pass => Ok(()),
        Act::Set(key, n) => {
            if let Some(obj) = data.and_then(Value::as_object_mut) {
                obj.insert((*key).to_owned(), json!(n));
            }
            Ok(())
        }
        Act::Reject(status, code) => Err(PluginError {
            code: (*code).to_owned(),
            message: format!("rejected {status}"),
            status: *status,
        }),
    }
}

impl real::Plugin for Generated {
    fn name(&self) -> &str {
        &self.0.name
    }
    fn routes(&self) -> Vec<PluginRoute> {
        let name = self.0.name.clone();
        self.0
            .routes
            .iter()
            .map(|&(method, path, status)| {
                let name = name.clone();
                PluginRoute {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    handler: Box::new(move |body: &str, path: &str, _: &RealAuth| {
                        (status, format!("{name} {path} {body}"))
                    }),
                }
            })
            .collect()
    }
    fn before_insert(&self, _: &str, data: &mut Value, _: &RealAuth) -> Result<(), PluginError> {
        act(&self.0.insert, Some(data))
    }
    fn before_update(
        &self,
        _: &str,
        _: &str,
        data: &mut Value,
        _: &RealAuth,
    ) -> Result<(), PluginError> {
        act(&self.0.update, Some(data))
    }
    fn before_delete(&self, _: &str, _: &str, _: &RealAuth) -> Result<(), PluginError> {
        act(&self.0.delete, None)
    }
    fn on_request(&self, _: &str, _: &str, _: &RealAuth) -> Result<(), PluginError> {
        act(&self.0.request, None)
    }
}

fn build(member: &Member) -> Arc<dyn real::Plugin> {
    match member {
        Member::Generated(spec) => Arc::new(Generated(spec.clone())),
        Member::Builtin(name) => builtin_named(name)
            .expect("a bundled built-in")
            .build(&json!({"max_requests": 2})),
    }
}

/// One thing a client does.
#[derive(Clone, Debug)]
enum Event {
    Request(
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    ),
    Write(&'static str, WriteOp, Value, Option<&'static str>),
    Route(&'static str, &'static str, Option<&'static str>),
}

/// What the host answers, in the crate's terms.
#[derive(Clone, Debug, PartialEq)]
enum Answer {
    /// `None`: the request goes on; else the first error's status and code.
    Request(Option<(u16, String)>),
    /// The data the store gets, or the first error's status and code.
    Write(Result<Value, (u16, String)>),
    /// The plugin route's answer, if one matched.
    Route(Option<(u16, String)>),
}

fn act_strategy() -> impl Strategy<Value = Act> {
    prop_oneof![
        3 => Just(Act::Pass),
        2 => (prop::sample::select(KEYS), -3i64..3).prop_map(|(k, n)| Act::Set(k, n)),
        1 => (prop::sample::select(&[200u16, 400, 403, 429, 500][..]), prop::sample::select(CODES))
            .prop_map(|(s, c)| Act::Reject(s, c)),
    ]
}

fn member_strategy() -> impl Strategy<Value = Member> {
    let generated = (
        act_strategy(),
        act_strategy(),
        act_strategy(),
        act_strategy(),
        proptest::collection::vec(
            (
                prop::sample::select(METHODS),
                prop::sample::select(PATHS),
                prop::sample::select(&[200u16, 201, 404][..]),
            ),
            0..3,
        ),
    )
        .prop_map(|(request, insert, update, delete, routes)| {
            Member::Generated(Spec {
                name: String::new(),
                request,
                insert,
                update,
                delete,
                routes,
            })
        });
    prop_oneof![
        3 => generated,
        1 => prop::sample::select(BUILTINS).prop_map(Member::Builtin),
    ]
}

fn chain_strategy() -> impl Strategy<Value = Vec<Member>> {
    proptest::collection::vec(member_strategy(), 1..=5).prop_map(|mut chain| {
        for (i, m) in chain.iter_mut().enumerate() {
            if let Member::Generated(spec) = m {
                spec.name = format!("p{i}");
            }
        }
        chain
    })
}

fn event_strategy() -> impl Strategy<Value = Event> {
    let user = prop::option::of(Just("u1"));
    let data = (
        prop::sample::select(&["", "Hello World", "x"][..]),
        prop::option::of(1i64..3),
    )
        .prop_map(|(title, id)| {
            // A float that only an exact round trip keeps.
            let mut v = json!({ "title": title, "score": 0.1 + 0.2 });
            if let Some(id) = id {
                v["id"] = json!(id);
            }
            v
        });
    prop_oneof![
        (
            prop::sample::select(METHODS),
            prop::sample::select(PATHS),
            prop::sample::select(&["10.0.0.1", "10.0.0.2", ""][..]),
            user.clone()
        )
            .prop_map(|(m, p, peer, u)| Event::Request(m, p, peer, u)),
        (
            prop::sample::select(&["Post", "User"][..]),
            prop::sample::select(&[WriteOp::Insert, WriteOp::Update, WriteOp::Delete][..]),
            data,
            user.clone(),
        )
            .prop_map(|(e, op, d, u)| Event::Write(e, op, d, u)),
        (
            prop::sample::select(METHODS),
            prop::sample::select(PATHS),
            user
        )
            .prop_map(|(m, p, u)| Event::Route(m, p, u)),
    ]
}

fn auth(user: Option<&str>) -> AuthContext {
    user.map_or_else(AuthContext::anonymous, AuthContext::user)
}

fn code_of(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A system that answers events: hookcheck's host, the crate, or a wrong
/// model of either.
trait System {
    fn answer(&mut self, event: &Event) -> Answer;
}

struct Hookcheck(PylonHost);

impl System for Hookcheck {
    fn answer(&mut self, event: &Event) -> Answer {
        match event {
            Event::Request(method, path, peer, user) => {
                let meta = RequestMeta::new(HttpMethod::parse(method).unwrap(), *path, *peer);
                let run = self.0.before_request(&meta, &auth(*user));
                Answer::Request(run.response.map(|r| (r.status, code_of(&r.body))))
            }
            Event::Write(entity, op, data, user) => {
                let run = self
                    .0
                    .before_write(entity, *op, data.clone(), &auth(*user))
                    .unwrap();
                Answer::Write(run.data.map_err(|r| (r.status, code_of(&r.body))))
            }
            Event::Route(method, path, user) => {
                let m = HttpMethod::parse(method).unwrap();
                let run = self.0.route(m, path, "{}", &auth(*user), |_, _, _| None);
                Answer::Route(
                    run.handled_by
                        .map(|_| (run.response.status, run.response.body)),
                )
            }
        }
    }
}

/// The crate's own registry: the oracle.
struct Crate(PluginRegistry);

impl System for Crate {
    fn answer(&mut self, event: &Event) -> Answer {
        match event {
            Event::Request(method, path, peer, user) => {
                let meta = real::RequestMeta { peer_ip: peer };
                let answer =
                    self.0
                        .run_on_request_with_meta(method, path, &real_auth(&auth(*user)), &meta);
                Answer::Request(answer.err().map(|e| (e.status, e.code)))
            }
            Event::Write(entity, op, data, user) => {
                let a = real_auth(&auth(*user));
                let mut data = data.clone();
                let id = write_id(&data);
                let answer = match op {
                    WriteOp::Insert => self.0.run_before_insert(entity, &mut data, &a),
                    WriteOp::Update => self.0.run_before_update(entity, &id, &mut data, &a),
                    WriteOp::Delete => self.0.run_before_delete(entity, &id, &a),
                };
                Answer::Write(answer.map(|()| data).map_err(|e| (e.status, e.code)))
            }
            Event::Route(method, path, user) => {
                Answer::Route(
                    self.0
                        .try_handle_route(method, path, "{}", &real_auth(&auth(*user))),
                )
            }
        }
    }
}

fn hookcheck(chain: &[Member]) -> Hookcheck {
    let mut host = PylonHost::new();
    for m in chain {
        host.register(build(m)).unwrap();
    }
    Hookcheck(host)
}

fn oracle(chain: &[Member]) -> Crate {
    let mut registry = PluginRegistry::new(pylon_kernel::AppManifest::default());
    for m in chain {
        registry.register(build(m));
    }
    Crate(registry)
}

/// Runs `events` through both and returns the first disagreement.
fn agree(
    chain: &[Member],
    events: &[Event],
    system: impl FnOnce(&[Member]) -> Box<dyn System>,
) -> Result<(), TestCaseError> {
    let mut ours = system(chain);
    let mut theirs = oracle(chain);
    for (i, event) in events.iter().enumerate() {
        let (a, b) = (ours.answer(event), theirs.answer(event));
        prop_assert_eq!(a, b, "event #{} {:?}", i, event);
    }
    Ok(())
}

/// Runs the property over `cases` generated cases; a fixed seed makes a
/// wrong model's counterexample certain to be found run after run.
fn property(
    system: fn(&[Member]) -> Box<dyn System>,
    cases: u32,
    fixed_seed: bool,
) -> Result<(), String> {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = if fixed_seed {
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
    } else {
        TestRunner::new(config)
    };
    let strategy = (
        chain_strategy(),
        proptest::collection::vec(event_strategy(), 1..=6),
    );
    runner
        .run(&strategy, |(chain, events)| agree(&chain, &events, system))
        .map_err(|e| e.to_string())
}

fn real_host(chain: &[Member]) -> Box<dyn System> {
    Box::new(hookcheck(chain))
}

#[test]
fn hookchecks_pylon_host_answers_as_the_crates_registry() {
    // At least 256 cases: PROPTEST_CASES only ever raises the count.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256)
        .max(256);
    property(real_host, cases, false).unwrap();
}

/// A wrong model: a built-in API that answers `/api/system` before the
/// plugins' routes are asked (the crate has no built-ins; both systems
/// share the same one, after every plugin route, so `Route(None)` means
/// "the built-in API or 404").
struct BuiltinsFirst(Hookcheck);

impl System for BuiltinsFirst {
    fn answer(&mut self, event: &Event) -> Answer {
        match event {
            Event::Route("GET", path, _) if path.starts_with("/api/system") => Answer::Route(None),
            other => self.0.answer(other),
        }
    }
}

/// A wrong model: every request hook runs (one host per plugin), the
/// last error wins; everything else is the real host.
struct LastErrorWins {
    each: Vec<Hookcheck>,
    full: Hookcheck,
}

impl System for LastErrorWins {
    fn answer(&mut self, event: &Event) -> Answer {
        match event {
            Event::Request(..) => {
                let answers: Vec<Answer> = self.each.iter_mut().map(|h| h.answer(event)).collect();
                answers
                    .into_iter()
                    .rev()
                    .find(|a| *a != Answer::Request(None))
                    .unwrap_or(Answer::Request(None))
            }
            other => self.full.answer(other),
        }
    }
}

#[test]
fn the_oracle_catches_built_ins_first_routing() {
    let wrong: fn(&[Member]) -> Box<dyn System> = |chain| Box::new(BuiltinsFirst(hookcheck(chain)));
    let err = property(wrong, 2048, true).expect_err("built-ins-first routing went unnoticed");
    assert!(err.contains("Route"), "{err}");
}

#[test]
fn the_oracle_catches_a_last_error_short_circuit() {
    let wrong: fn(&[Member]) -> Box<dyn System> = |chain| {
        Box::new(LastErrorWins {
            each: chain
                .iter()
                .map(|m| hookcheck(std::slice::from_ref(m)))
                .collect(),
            full: hookcheck(chain),
        })
    };
    let err = property(wrong, 2048, true).expect_err("last-error-wins went unnoticed");
    assert!(err.contains("Request"), "{err}");
}

/// What a request hook does in the fast-path property: pass, reject, or
/// panic.
#[derive(Clone, Copy, Debug)]
enum Hot {
    Pass,
    Reject(u16),
    Panic,
}

struct HotPlugin(String, Hot);

impl real::Plugin for HotPlugin {
    fn name(&self) -> &str {
        &self.0
    }
    fn on_request(&self, _: &str, _: &str, _: &RealAuth) -> Result<(), PluginError> {
        match self.1 {
            Hot::Pass => Ok(()),
            Hot::Reject(status) => Err(PluginError {
                code: "NO".into(),
                message: format!("rejected by {}", self.0),
                status,
            }),
            Hot::Panic => panic!("{} panics", self.0),
        }
    }
}

fn hot_host(chain: &[Hot]) -> PylonHost {
    let mut host = PylonHost::new();
    for (i, hot) in chain.iter().enumerate() {
        host.register(Arc::new(HotPlugin(format!("h{i}"), *hot)))
            .unwrap();
    }
    host
}

/// The traced path's answer in the fast path's terms: `None` goes on,
/// else which plugin stopped the request and how (`Some(status)` for an
/// error, `None` for a panic).
fn traced(host: &PylonHost, method: &str, path: &str) -> Option<(String, Option<u16>)> {
    let meta = RequestMeta::new(HttpMethod::parse(method).unwrap(), path, "203.0.113.7");
    let run = host.before_request(&meta, &AuthContext::anonymous());
    let last = run.trace.steps.last()?;
    match (&last.outcome, run.response) {
        (hookcheck::engine::Outcome::Error { .. }, _) => Some((last.plugin.clone(), None)),
        (_, Some(response)) => Some((last.plugin.clone(), Some(response.status))),
        (_, None) => None,
    }
}

/// The fast path's answer, in the same terms; `swap` seeds a wrong fast
/// path that reports the plugin after the one that answered.
fn fast(host: &PylonHost, method: &str, path: &str, swap: bool) -> Option<(String, Option<u16>)> {
    let auth = real_auth(&AuthContext::anonymous());
    let peer = real::RequestMeta {
        peer_ip: "203.0.113.7",
    };
    let name = |i: usize| format!("h{}", if swap { i + 1 } else { i });
    match host.before_request_fast(method, path, &auth, &peer) {
        hookcheck::pylon::FastRequest::Continue => None,
        hookcheck::pylon::FastRequest::Rejected { index, error } => {
            Some((name(index), Some(error.status)))
        }
        hookcheck::pylon::FastRequest::Panicked { index } => Some((name(index), None)),
    }
}

fn hot_strategy() -> impl Strategy<Value = Vec<Hot>> {
    let hot = prop_oneof![
        4 => Just(Hot::Pass),
        2 => prop::sample::select(&[400u16, 403, 429, 500][..]).prop_map(Hot::Reject),
        1 => Just(Hot::Panic),
    ];
    proptest::collection::vec(hot, 0..=6)
}

fn fast_property(swap: bool, cases: u32) -> Result<(), String> {
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    runner
        .run(
            &(
                hot_strategy(),
                prop::sample::select(METHODS),
                prop::sample::select(PATHS),
            ),
            |(chain, method, path)| {
                let host = hot_host(&chain);
                prop_assert_eq!(fast(&host, method, path, swap), traced(&host, method, path));
                Ok(())
            },
        )
        .map_err(|e| e.to_string())
}

#[test]
fn the_fast_path_answers_as_the_traced_one() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256)
        .max(256);
    fast_property(false, cases).unwrap();
}

#[test]
fn the_fast_path_property_catches_a_wrong_plugin_index() {
    let err = fast_property(true, 256).expect_err("a wrong index went unnoticed");
    assert!(err.contains("h"), "{err}");
}
