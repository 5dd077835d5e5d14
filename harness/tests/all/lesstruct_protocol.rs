//! The Lesstruct memory protocol and hostile modules (contracts §2).

use std::time::Duration;

use hookcheck::engine::{BadOutput, Failure, LoadWarning, Outcome};
use hookcheck::lesstruct::{INPUT_OFFSET, LesstructHost, WasmLimits, decode_result, locate_result};
use rstest::rstest;
use serde_json::json;

use crate::support::{lesstruct_host, post, test_limits, wat};

#[rstest]
#[case::zero_offset_is_no_change(0, 10, 1 << 20, Ok(None))]
#[case::zero_length_is_no_change(100, 0, 1 << 20, Ok(None))]
#[case::in_bounds(100, 10, 1 << 20, Ok(Some(100..110)))]
#[case::ends_exactly_at_memory_end(65_526, 10, 65_536, Ok(Some(65_526..65_536)))]
#[case::one_past_the_end(65_527, 10, 65_536, Err(Failure::OutOfBounds { offset: 65_527, len: 10, memory_size: 65_536 }))]
#[case::negative_offset(-16, 4, 1 << 20, Err(Failure::OutOfBounds { offset: 0xffff_fff0, len: 4, memory_size: 1 << 20 }))]
#[case::negative_length(100, -1, 1 << 20, Err(Failure::OutOfBounds { offset: 100, len: 0xffff_ffff, memory_size: 1 << 20 }))]
#[case::wrapping_sum(-16, 0x20, 1 << 20, Err(Failure::OutOfBounds { offset: 0xffff_fff0, len: 0x20, memory_size: 1 << 20 }))]
fn locate_result_checks_every_number(
    #[case] offset: i32,
    #[case] len: i32,
    #[case] size: u64,
    #[case] expected: Result<Option<std::ops::Range<usize>>, Failure>,
) {
    assert_eq!(locate_result(offset, len, size), expected);
}

#[test]
fn decode_result_names_utf8_and_json_problems() {
    let utf8 = decode_result(b"{\"a\":\xff}").unwrap_err().to_string();
    assert!(
        utf8.contains("not UTF-8: invalid byte at offset 5"),
        "{utf8}"
    );
    let json = decode_result(b"{nope").unwrap_err().to_string();
    assert!(json.contains("not JSON"), "{json}");
}

/// Loads the `edge` fixture followed by the Rust `hello` fixture on one
/// engine, and saves once.
fn save_with(edge: &str) -> (LesstructHost, hookcheck::lesstruct::SaveRun) {
    let mut host = lesstruct_host();
    host.load_file(&wat(edge)).unwrap();
    host.load_file(&hookcheck_fixtures::artifacts::wasm_fixture("hello"))
        .unwrap();
    let run = host.before_save(post("T", json!({})));
    (host, run)
}

/// After whatever the edge plugin did, the same engine still runs a
/// well-behaved plugin correctly.
fn hello_still_works(host: &mut LesstructHost) {
    let input = serde_json::to_vec(&post("T", json!({"k": 1}))).unwrap();
    let hello = host
        .plugins_mut()
        .iter_mut()
        .find(|p| p.name() == "hello")
        .unwrap();
    let out = hello.call_hook("before_save", &input).unwrap().unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        value["customFields"],
        json!({"k": 1, "greeting": "hello from wasm"})
    );
}

fn failure(run: &hookcheck::lesstruct::SaveRun) -> Failure {
    let stop = run.trace.steps.last().expect("a step ran");
    stop.outcome
        .failure()
        .cloned()
        .unwrap_or_else(|| panic!("not a failure: {}", stop.outcome))
}

#[rstest]
#[case::oob_offset("oob_offset")]
#[case::negative_offset("negative_offset")]
#[case::wrapping("wrapping")]
#[case::lying_len("lying_len")]
fn out_of_bounds_results_fail_the_save_and_name_the_numbers(#[case] edge: &str) {
    let (mut host, run) = save_with(edge);
    assert!(!run.saved);
    assert_eq!(run.status, 500);
    assert!(
        matches!(failure(&run), Failure::OutOfBounds { .. }),
        "{:?}",
        failure(&run)
    );
    assert!(
        run.error
            .unwrap()
            .contains(&format!("plugin `{edge}` pointed outside memory"))
    );
    assert_eq!(
        run.trace.steps.len(),
        1,
        "the failure stops the chain before hello"
    );
    hello_still_works(&mut host);
    let again = host.before_save(post("T", json!({})));
    assert!(
        matches!(failure(&again), Failure::OutOfBounds { .. }),
        "the edge plugin fails the same way again"
    );
}

#[rstest]
#[case::invalid_utf8("invalid_utf8", BadOutput::NotUtf8)]
#[case::invalid_json("invalid_json", BadOutput::NotJson)]
fn a_result_the_host_cannot_read_is_dropped_and_the_save_succeeds(
    #[case] edge: &str,
    #[case] kind: BadOutput,
) {
    let mut host = lesstruct_host();
    host.load_file(&wat(edge)).unwrap();
    let run = host.before_save(post("T", json!({"k": 1})));
    assert_eq!((run.saved, run.status), (true, 200));
    assert_eq!(
        run.content["customFields"],
        json!({"k": 1}),
        "nothing applied"
    );
    let kinds: Vec<_> = run
        .trace
        .tolerated
        .iter()
        .map(|e| e.error.failure.bad_output_kind())
        .collect();
    assert!(kinds.contains(&Some(kind)), "{kinds:?}");
}

#[rstest]
#[case::trap("trap", "unreachable")]
#[case::deep_recursion("deep_recursion", "stack overflow")]
fn failing_results_are_outcomes_with_reasons(#[case] edge: &str, #[case] reason: &str) {
    let (mut host, run) = save_with(edge);
    assert_eq!((run.saved, run.status), (false, 500));
    let text = failure(&run).to_string();
    assert!(text.contains(reason), "{text}");
    hello_still_works(&mut host);
    let next = host.before_save(post("T", json!({})));
    assert_eq!(
        failure(&next).to_string(),
        text,
        "a fresh instance fails the same way, no worse"
    );
}

#[test]
fn an_infinite_loop_ends_at_the_deadline() {
    let limits = WasmLimits {
        deadline: Duration::from_millis(100),
        ..test_limits()
    };
    let mut host = LesstructHost::new(limits).unwrap();
    host.load_file(&wat("infinite_loop")).unwrap();
    let run = host.before_save(post("T", json!({})));
    assert_eq!(failure(&run), Failure::Timeout { limit_ms: 100 });
    host.load_file(&hookcheck_fixtures::artifacts::wasm_fixture("hello"))
        .unwrap();
    hello_still_works(&mut host);
    let again = host.before_save(post("T", json!({})));
    assert_eq!(failure(&again), Failure::Timeout { limit_ms: 100 });
}

#[test]
fn a_grow_bomb_stays_under_the_memory_limit() {
    let mut host = lesstruct_host();
    host.load_file(&wat("grow_bomb")).unwrap();
    let run = host.before_save(post("T", json!({})));
    assert!(
        run.saved,
        "the bomb returns 0 once growth fails: {:?}",
        run.error
    );
    let size = host.plugins_mut()[0].memory_size().unwrap();
    assert!(
        size <= test_limits().memory_bytes as u64,
        "memory grew to {size}"
    );
    assert!(
        size > 4 << 20,
        "the bomb did grow up to near the limit: {size}"
    );
    host.load_file(&hookcheck_fixtures::artifacts::wasm_fixture("hello"))
        .unwrap();
    hello_still_works(&mut host);
}

#[test]
fn reinstantiate_starts_over_from_the_modules_own_memory() {
    let mut host = lesstruct_host();
    host.load_file(&wat("grow_bomb")).unwrap();
    let plugin = &mut host.plugins_mut()[0];
    plugin.instantiate_now().unwrap();
    let initial = plugin.memory_size().unwrap();
    assert!(plugin.call_hook("before_save", b"{}").is_ok());
    let grown = plugin.memory_size().unwrap();
    assert!(
        grown > initial,
        "the bomb grew memory: {initial} -> {grown}"
    );
    plugin.reinstantiate().unwrap();
    assert_eq!(plugin.memory_size(), Some(initial));
}

#[test]
fn memory_grown_during_the_call_is_read_correctly() {
    let (mut host, run) = save_with("grows_during_call");
    assert!(run.saved, "{:?}", run.error);
    assert_eq!(
        run.content["customFields"],
        json!({"grown": true, "greeting": "hello from wasm"})
    );
    hello_still_works(&mut host);
}

#[test]
fn the_input_lands_at_65536_and_echo_round_trips() {
    let (_, run) = save_with("echo");
    assert!(run.saved);
    assert_eq!(run.content["customFields"]["greeting"], "hello from wasm");
    // The host hands the echoed bytes on as they are.
    assert!(matches!(
        run.trace.steps[0].outcome,
        Outcome::Modified { .. }
    ));
    assert_eq!(INPUT_OFFSET, 65_536);
}

#[test]
fn input_too_large_for_the_memory_limit_is_a_clear_error() {
    let limits = WasmLimits {
        memory_bytes: 256 << 10,
        ..test_limits()
    };
    let mut host = LesstructHost::new(limits).unwrap();
    host.load_file(&wat("small_memory")).unwrap();
    let big = "x".repeat(300 << 10);
    let run = host.before_save(post(&big, json!({})));
    let text = failure(&run).to_string();
    assert!(text.contains("input too large"), "{text}");
    let small = host.before_save(post("ok", json!({})));
    assert!(small.saved);
}

#[rstest]
#[case::no_memory("no_memory", "exports no `memory`")]
#[case::wrong_signature(
    "wrong_signature",
    "export `hook_before_save` has type (i32) -> (i32), expected (i32, i32) -> (i32)"
)]
#[case::import_without_manifest(
    "import_without_manifest",
    "imports `lesstruct.log_info` but has no capability manifest"
)]
fn bad_modules_fail_to_load_naming_the_problem(#[case] edge: &str, #[case] reason: &str) {
    let mut host = lesstruct_host();
    let err = host.load_file(&wat(edge)).unwrap_err().to_string();
    assert!(err.starts_with("failed to load "), "{err}");
    assert!(
        err.contains(&format!("{edge}.wat")),
        "names the file: {err}"
    );
    assert!(err.contains(reason), "{err}");
}

#[test]
fn a_plugin_with_only_never_invoked_hooks_loads_with_a_warning_and_never_runs() {
    let mut host = lesstruct_host();
    host.load_file(&wat("only_never_invoked")).unwrap();
    let [
        LoadWarning::HooksNeverCalled {
            hooks, never_runs, ..
        },
    ] = host.warnings()
    else {
        panic!("one never-called warning: {:?}", host.warnings());
    };
    assert!(never_runs);
    assert_eq!(hooks, &["hook_on_plugin_loaded", "hook_before_delete"]);
    assert!(
        host.warnings()[0]
            .to_string()
            .contains("loads but never runs"),
        "{}",
        host.warnings()[0]
    );
    let run = host.before_save(post("T", json!({})));
    assert!(run.saved);
    assert!(run.trace.steps.is_empty());
}

#[test]
fn a_garbage_file_is_not_a_module() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.wasm");
    std::fs::write(&path, b"\x7fELF not wasm").unwrap();
    let err = lesstruct_host().load_file(&path).unwrap_err().to_string();
    assert!(
        err.contains("junk.wasm") && err.contains("not a WASM module"),
        "{err}"
    );
}

#[test]
fn the_host_never_calls_initialize_and_a_trap_says_so() {
    let mut host = lesstruct_host();
    host.load_file(&wat("needs_initialize")).unwrap();
    let run = host.before_save(post("T", json!({})));
    assert_eq!((run.saved, run.status), (false, 500));
    let Failure::Trap { message, .. } = failure(&run) else {
        panic!("a trap: {:?}", run.trace);
    };
    assert!(
        message.contains("`_initialize`, which the host never calls"),
        "{message}"
    );
}

#[test]
fn after_a_trap_the_instance_is_kept_and_after_a_timeout_it_is_closed() {
    let mut host = lesstruct_host();
    host.load_file(&wat("traps_once")).unwrap();
    let first = host.before_save(post("T", json!({})));
    assert!(matches!(failure(&first), Failure::Trap { .. }));
    let second = host.before_save(post("T", json!({})));
    assert!(second.saved, "the kept instance remembers the first call");

    let limits = WasmLimits {
        deadline: Duration::from_millis(100),
        ..test_limits()
    };
    let mut host = LesstructHost::new(limits).unwrap();
    host.load_file(&wat("hangs_once")).unwrap();
    let first = host.before_save(post("T", json!({})));
    assert_eq!(failure(&first), Failure::Timeout { limit_ms: 100 });
    // The second call alone would return "no change": it fails because
    // the instance is closed.
    let second = host.before_save(post("T", json!({})));
    assert_eq!(failure(&second), Failure::Timeout { limit_ms: 100 });
}

#[test]
fn a_trapping_result_len_falls_back_to_the_input_length() {
    let mut host = lesstruct_host();
    host.load_file(&wat("result_len_traps")).unwrap();
    let run = host.before_save(post("T", json!({"k": 1})));
    assert!(run.saved, "{:?}", run.error);
    assert!(matches!(
        run.trace.steps[0].outcome,
        Outcome::Modified { .. }
    ));
    assert_eq!(run.content["customFields"], json!({"k": 1}));
}
