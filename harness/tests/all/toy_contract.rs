//! A fifth contract, written only here: one module that implements the host
//! seam and declares one suite. It runs in `Harness`, appears in the check
//! listing and runs in conformance through the library API, with no edit
//! anywhere else — the proof that adding a contract is one module plus one
//! registration line.

use hookcheck::engine::{
    Contract, Failure, HookKind, HookPoint, HookSpec, HttpMethod, HttpResponse, OnError, Outcome,
    Pipeline, Profile, Trace, call_guarded, hook,
};
use hookcheck::fixtures::RequestEvent;
use hookcheck::host::ContractHost;
use hookcheck::replay::Harness;
use hookcheck_conformance::{
    Catalog, Check, Rules, RunOptions, Severity, Status, Subject, Suite, checks_listing,
    hosted_exercise, json_report, run_suite,
};

/// The toy contract: plugins greet every request; a greeting that is not
/// empty answers it.
const TOY: Contract = Contract::new("toy");

const TOY_HOOKS: &[HookSpec] = &[HookSpec {
    point: HookPoint::new(TOY, "greet"),
    kind: HookKind::Chain,
    on_error: OnError::KeepPrior,
    invoked: true,
    payload: "the request path",
}];

const GREET: &HookSpec = hook(TOY_HOOKS, "greet");

/// A toy plugin: its name and what it says to a path.
type Greeter = fn(&str) -> Option<String>;

/// The toy host: plugins in load order, each called through the greet
/// pipeline with panics contained.
struct ToyHost {
    plugins: Vec<(&'static str, Greeter)>,
}

impl ContractHost for ToyHost {
    fn contract(&self) -> Contract {
        TOY
    }

    fn profile(&self) -> Profile {
        Profile::new(TOY, TOY_HOOKS, &[])
    }

    fn plugin_names(&self) -> Vec<String> {
        self.plugins.iter().map(|(n, _)| (*n).to_owned()).collect()
    }

    fn request_hooks(&self, req: &RequestEvent, trace: &mut Trace) -> Option<HttpResponse> {
        let steps = self.plugins.iter().map(|(name, greet)| {
            let call = move |path: &[u8]| {
                let path = String::from_utf8_lossy(path).into_owned();
                match call_guarded(|| greet(&path)) {
                    Ok(None) => Outcome::Continue,
                    Ok(Some(text)) => Outcome::Respond {
                        status: 200,
                        headers: Vec::new(),
                        body: text.into_bytes().into(),
                    },
                    Err(failure) => Outcome::error(*name, "greet", failure),
                }
            };
            (*name, call)
        });
        let folded = Pipeline::new(GREET).run(req.path.clone().into_bytes(), steps, trace);
        match folded.stop?.outcome {
            Outcome::Respond { status, body, .. } => Some(HttpResponse::new(
                status,
                String::from_utf8_lossy(&body.0).into_owned(),
            )),
            _ => None,
        }
    }
}

const RULES: Rules = Rules {
    profile: TOY,
    source: "toy contract §1",
    exercise: Some(hosted_exercise),
    owners: || CHECKS,
};

static CHECKS: &[Check] = &[RULES.row(
    "TOY-001",
    "greet never panics",
    "A greeter returns a greeting or nothing; it never panics.",
    Severity::Required,
    "toy:panicky",
    "greet returned",
    |e| matches!(e.failure, Failure::Panic { .. }),
)];

/// The registration line.
static SUITE: Suite = Suite::hosted(TOY, CHECKS);

fn polite(path: &str) -> Option<String> {
    (path == "/plugins/hello").then(|| "hello".to_owned())
}

fn panicky(path: &str) -> Option<String> {
    assert!(path != "/plugins/hello", "greeter gave up on {path}");
    None
}

fn subject(name: &str, greeter: Greeter) -> Subject {
    let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
    Subject::hosted(name, TOY, move || {
        Ok(Box::new(ToyHost {
            plugins: vec![(name, greeter)],
        }))
    })
}

#[test]
fn the_toy_contract_runs_in_the_harness_through_the_seam() {
    let mut harness = Harness::with_host(Box::new(ToyHost {
        plugins: vec![("polite", polite)],
    }))
    .unwrap();
    assert_eq!(harness.contract(), TOY);
    let hello = harness.request(&RequestEvent::new(HttpMethod::Get, "/plugins/hello"));
    assert_eq!((hello.status, hello.body.as_str()), (Some(200), "hello"));
    assert_eq!(hello.trace.steps.len(), 1);
    // Not greeted: the built-in API answers as for every contract.
    let system = harness.request(&RequestEvent::new(HttpMethod::Get, "/api/system"));
    assert_eq!(system.status, Some(200));
    assert!(
        system.body.contains(r#""profile":"toy""#),
        "{}",
        system.body
    );
}

#[test]
fn the_toy_contract_appears_in_the_check_listing() {
    let catalog = Catalog::builtin().with(&SUITE);
    let ids: Vec<&str> = catalog.checks(Some(TOY)).iter().map(|c| c.id).collect();
    assert_eq!(ids, ["TOY-001"]);
    let listing = checks_listing(&catalog.checks(None));
    let line = listing
        .lines()
        .find(|l| l.starts_with("TOY-001"))
        .unwrap_or_else(|| panic!("TOY-001 missing from:\n{listing}"));
    assert!(line.contains("toy") && line.contains("row"), "{line}");
    // The built-in catalog does not know it.
    assert!(Catalog::builtin().find("TOY-001").is_none());
}

#[test]
fn a_good_toy_plugin_conforms_and_a_panicking_one_fails_with_a_typed_failure() {
    let catalog = Catalog::builtin().with(&SUITE);
    let good = run_suite(
        &catalog,
        &subject("polite", polite),
        &RunOptions::default(),
        |_| {},
    );
    assert!(good.passed(), "{good:#?}");
    assert_eq!(good.checks[0].status, Status::Pass);
    assert!(good.coverage.complete(), "{}", good.coverage);
    assert!(good.checks[0].calls.unwrap() > 0);

    let bad = run_suite(
        &catalog,
        &subject("panicky", panicky),
        &RunOptions::default(),
        |_| {},
    );
    assert!(!bad.passed());
    assert_eq!(bad.checks[0].status, Status::Fail);
    assert!(matches!(bad.checks[0].failure, Some(Failure::Panic { .. })));
    let json: serde_json::Value = serde_json::from_str(&json_report(&bad).unwrap()).unwrap();
    assert_eq!(json["profile"], "toy");
    assert_eq!(json["checks"][0]["failure"]["type"], "panic");
}
