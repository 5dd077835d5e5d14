//! A fifth contract, written only here: one file that implements the host
//! seam, declares one suite and its entry. Registered with one line
//! (`Catalog::builtin().with(&TOY)`, in `main.rs`), it runs through the whole
//! command line — `conformance`, `checks`, `explain`, `bench` and the three
//! reports — with no edit anywhere else: the proof that adding a contract
//! is one module plus one registration line.

use hookcheck::engine::{
    Contract, Failure, HookKind, HookPoint, HookSpec, HttpResponse, OnError, Outcome, Pipeline,
    Profile, Trace, call_guarded, hook,
};
use hookcheck::fixtures::RequestEvent;
use hookcheck::host::ContractHost;
use hookcheck_conformance::{Check, HostedEntry, Rules, Severity, Subject, Suite, hosted_exercise};

/// The toy contract: plugins greet every request; a greeting that is not
/// empty answers it.
pub(crate) const TOY: Contract = Contract::new("toy");

const TOY_HOOKS: &[HookSpec] = &[HookSpec {
    point: HookPoint::new(TOY, "greet"),
    kind: HookKind::Chain,
    on_error: OnError::KeepPrior,
    invoked: true,
    payload: "the request path",
}];

const GREET: &HookSpec = hook(TOY_HOOKS, "greet");

/// A toy plugin: its name and what it says to a path.
pub(crate) type Greeter = fn(&str) -> Option<String>;

/// The toy host: plugins in load order, each called through the greet
/// pipeline with panics contained.
pub(crate) struct ToyHost {
    /// The plugins, in load order.
    pub(crate) plugins: Vec<(&'static str, Greeter)>,
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
                    Err(failure) => Outcome::error(*name, GREET.point, failure),
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

/// The toy's suite: its one check.
static SUITE: Suite = Suite::hosted(TOY, CHECKS);

/// The toy's entry: its suite and the plugins `toy:NAME` names.
pub(crate) static ENTRY: HostedEntry = HostedEntry::new(
    &SUITE,
    &[
        ("polite", |name| subject(name, polite)),
        ("panicky", |name| subject(name, panicky)),
    ],
);

/// Greets `/plugins/hello`, lets everything else through.
pub(crate) fn polite(path: &str) -> Option<String> {
    (path == "/plugins/hello").then(|| "hello".to_owned())
}

/// Panics on `/plugins/hello`.
pub(crate) fn panicky(path: &str) -> Option<String> {
    assert!(path != "/plugins/hello", "greeter gave up on {path}");
    None
}

/// A toy plugin called `name` as a conformance subject.
pub(crate) fn subject(name: &'static str, greeter: Greeter) -> Subject {
    Subject::hosted(name, TOY, move || {
        Ok(Box::new(ToyHost {
            plugins: vec![(name, greeter)],
        }))
    })
}
