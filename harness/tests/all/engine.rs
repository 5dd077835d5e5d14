//! The contract-neutral core: fold rules, traces, catalog.

use hookcheck::engine::{
    Bytes, Failure, HookKind, Outcome, Pipeline, ProcessEnd, Profile, Trace, TraceMode,
};
use rstest::rstest;

/// FeatherFly's `json.response`, where these outcomes are filed.
const JSON_RESPONSE: hookcheck::engine::HookPoint =
    hookcheck::engine::hook(hookcheck::featherfly::HOOKS, "json.response").point;

fn run(
    profile: &Profile,
    hook: &str,
    outcomes: Vec<Outcome>,
) -> (hookcheck::engine::Folded, Trace) {
    let spec = profile.hook(hook).expect("hook exists");
    let mut trace = Trace::new(TraceMode::Full);
    let names: Vec<String> = (0..outcomes.len()).map(|i| format!("p{i}")).collect();
    let steps = names
        .iter()
        .zip(outcomes)
        .map(|(n, o)| (n.as_str(), move |_: &[u8]| o));
    let folded = Pipeline::new(spec).run(b"v0".to_vec(), steps, &mut trace);
    (folded, trace)
}

fn err() -> Outcome {
    Outcome::error("p", JSON_RESPONSE, Failure::Code { code: -1 })
}

#[rstest]
#[case::transform_chains_modifications("featherfly", "json.response", vec![Outcome::modified("a"), Outcome::modified("b")], "b", None)]
#[case::transform_keeps_prior_on_error("featherfly", "json.response", vec![Outcome::modified("a"), err(), Outcome::Continue], "a", None)]
#[case::transform_stops_on_error_when_fatal("lesstruct", "before_save", vec![Outcome::modified("a"), err(), Outcome::modified("c")], "a", Some(1))]
#[case::gate_respond_stops("featherfly", "request.intercept", vec![Outcome::Continue, Outcome::Respond { status: 403, headers: vec![], body: Bytes::default() }, Outcome::Continue], "v0", Some(1))]
#[case::gate_error_continues("featherfly", "request.intercept", vec![err(), Outcome::Continue], "v0", None)]
#[case::observe_ignores_errors("pylon", "after_insert", vec![err(), Outcome::modified("x"), Outcome::Continue], "v0", None)]
#[case::observe_cancel_stops("featherfly", "lifecycle", vec![Outcome::Continue, Outcome::Cancel { reason: "r".into() }, Outcome::Continue], "v0", Some(1))]
fn fold_rules(
    #[case] profile: &str,
    #[case] hook: &str,
    #[case] outcomes: Vec<Outcome>,
    #[case] value: &str,
    #[case] stopped_at: Option<usize>,
) {
    let profile =
        hookcheck::contracts::profile(hookcheck::contracts::from_name(profile).unwrap()).unwrap();
    let count = outcomes.len();
    let (folded, trace) = run(&profile, hook, outcomes);
    assert_eq!(folded.value, value.as_bytes());
    assert_eq!(folded.stop.as_ref().map(|s| s.step), stopped_at);
    let ran = stopped_at.map_or(count, |i| i + 1);
    assert_eq!(
        trace.steps.len(),
        ran,
        "every step that ran is traced, none after a stop"
    );
}

#[test]
fn trace_full_records_input_and_output_per_step() {
    let (_, trace) = run(
        &hookcheck::featherfly::PROFILE,
        "config.mutate",
        vec![Outcome::modified("a: 1"), Outcome::Continue],
    );
    assert_eq!(trace.steps[0].input.as_ref().unwrap().as_str(), Some("v0"));
    assert_eq!(
        trace.steps[0].output.as_ref().unwrap().as_str(),
        Some("a: 1")
    );
    assert_eq!(
        trace.steps[1].input.as_ref().unwrap().as_str(),
        Some("a: 1")
    );
    assert_eq!(trace.steps[1].plugin, "p1");
}

#[test]
fn trace_off_records_nothing() {
    let spec = hookcheck::featherfly::PROFILE
        .hook("json.response")
        .unwrap();
    let mut trace = Trace::new(TraceMode::Off);
    let steps = [("a", |_: &[u8]| Outcome::modified("x"))];
    let folded = Pipeline::new(spec).run(Vec::new(), steps, &mut trace);
    assert_eq!(folded.value, b"x");
    assert!(trace.steps.is_empty());
}

#[test]
fn catalog_lists_every_hook_of_every_contract() {
    let count = |c| hookcheck::contracts::profile(c).unwrap().hooks.len();
    assert_eq!(count(hookcheck::pylon::CONTRACT), 9);
    assert_eq!(count(hookcheck::lesstruct::CONTRACT), 5);
    assert_eq!(count(hookcheck::featherfly::CONTRACT), 8);
    assert_eq!(count(hookcheck::rustant::CONTRACT), 7);
    let never: Vec<_> = hookcheck::lesstruct::PROFILE
        .hooks
        .iter()
        .filter(|h| !h.invoked)
        .map(|h| h.point.name)
        .collect();
    assert_eq!(never, ["on_plugin_loaded", "before_delete"]);
    assert_eq!(
        hookcheck::pylon::PROFILE.hook("route").unwrap().kind,
        HookKind::Chain
    );
}

#[test]
fn lifecycle_events_are_numbered_1_to_47() {
    for (i, e) in hookcheck::featherfly::EVENTS.iter().enumerate() {
        assert_eq!(e.id as usize, i + 1);
    }
    assert_eq!(
        hookcheck::featherfly::LifecycleEvent::by_id(1)
            .unwrap()
            .name,
        "daemon.starting"
    );
    assert_eq!(
        hookcheck::featherfly::LifecycleEvent::by_id(47)
            .unwrap()
            .name,
        "cloudpanel.vhost_templates.import_failed"
    );
    assert!(hookcheck::featherfly::LifecycleEvent::by_id(0).is_none());
    assert!(hookcheck::featherfly::LifecycleEvent::by_id(48).is_none());
}

#[test]
fn featherfly_code_tables_follow_the_contract() {
    let p = hookcheck::featherfly::PROFILE;
    let cp = p.codes_for("cloudpanel.command").unwrap();
    assert_eq!(cp.meaning(2).unwrap().name, "CLOUDPANEL_CANCEL");
    assert!(cp.meaning(3).is_none());
    assert_eq!(
        p.codes_for("route").unwrap().meaning(0).unwrap().name,
        "ROUTE_OK"
    );
}

#[test]
fn bytes_serialize_as_text_or_hex_and_round_trip() {
    let text = serde_json::to_string(&Bytes::from("hi")).unwrap();
    assert_eq!(text, "\"hi\"");
    let bin = serde_json::to_string(&Bytes(vec![0xff, 0x00])).unwrap();
    assert_eq!(bin, r#"{"hex":"ff00"}"#);
    let back: Bytes = serde_json::from_str(&bin).unwrap();
    assert_eq!(back.0, [0xff, 0x00]);
    assert!(serde_json::from_str::<Bytes>(r#"{"hex":"f"}"#).is_err());
}

#[test]
fn hook_errors_name_plugin_and_hook() {
    let o = Outcome::error(
        "x",
        JSON_RESPONSE,
        Failure::Crash {
            end: ProcessEnd::Signal {
                number: libc::SIGSEGV,
            },
            stderr: String::new(),
        },
    );
    assert_eq!(
        o.to_string(),
        "error: plugin `x` crashed with SIGSEGV in json.response"
    );
    let said = Outcome::error(
        "x",
        JSON_RESPONSE,
        Failure::Crash {
            end: ProcessEnd::Signal {
                number: libc::SIGABRT,
            },
            stderr: [
                "one",
                "two",
                "",
                "thread panicked at a.rs:1:1:",
                "boom",
                "note: run with `RUST_BACKTRACE=1`",
                "stack backtrace:",
                "   0: std::panic",
                "             at ./a.rs:1",
                "  41: 0x0 - <unknown>",
                "thread caused non-unwinding panic. aborting.",
            ]
            .join("\n"),
        },
    );
    assert_eq!(
        said.to_string(),
        "error: plugin `x` crashed with SIGABRT in json.response; its stderr ended: one / two / \
         thread panicked at a.rs:1:1: / boom / thread caused non-unwinding panic. aborting.",
        "the lines that say something, on one line, without notes or backtrace frames"
    );
}
