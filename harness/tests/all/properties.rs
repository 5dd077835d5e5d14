//! Property tests: the memory-protocol read and return-code folding against
//! small reference models, over generated values, through the real paths.

use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use hookcheck::engine::{
    AuthContext, BadOutput, Bytes, Failure, HttpMethod, Outcome, Pipeline, RequestMeta, Trace,
    TraceMode,
};
use hookcheck::featherfly::{HookOutput, RegKind, interpret};
use hookcheck::lesstruct::{HostServices, WasmEngine, WasmLimits, WasmPlugin, locate_result};
use hookcheck::pylon::{Plugin, PluginError, PylonHost};
use hookcheck::rustant::{
    AgentHookPoint, AgentHost, AgentPlugin, Capability, Hook, HookContext, HookResult,
    PluginMetadata, SecurityPolicy,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;

/// FeatherFly's `json.response`, where these outcomes are filed.
const JSON_RESPONSE: hookcheck::engine::HookPoint =
    hookcheck::engine::hook(hookcheck::featherfly::HOOKS, "json.response").point;

const PAGE: u64 = 65_536;

/// A memory-protocol read: offset, length, memory size → range or failure.
type Reader = fn(i32, i32, u64) -> Result<Option<Range<usize>>, Failure>;
const PATTERN_AT: u64 = 1024;

fn pattern() -> Vec<u8> {
    (0u32..200).map(|i| (i * 7 + 3) as u8).collect()
}

/// One generated module + call.
#[derive(Clone, Debug)]
struct Case {
    pages: u32,
    grow: u32,
    input: Vec<u8>,
    offset: i32,
    answer: Option<i32>,
}

/// What the reference model says the host must see.
#[derive(Clone, Debug, PartialEq)]
enum Expect {
    NoChange,
    Bytes(Vec<u8>),
    Failure(Failure),
    /// The input does not fit the module's memory: the host never grows it.
    InputTooLarge,
}

/// The memory after the call: pattern at 1024, input at 65536 (the module's
/// own memory: the host never grows it for the input), then grown by the
/// module.
fn model_memory(case: &Case) -> Vec<u8> {
    let start = u64::from(case.pages) * PAGE;
    let size = start + u64::from(case.grow) * PAGE;
    let mut mem = vec![0u8; size as usize];
    let p = pattern();
    mem[PATTERN_AT as usize..PATTERN_AT as usize + p.len()].copy_from_slice(&p);
    mem[PAGE as usize..PAGE as usize + case.input.len()].copy_from_slice(&case.input);
    mem
}

/// The reference model of the Lesstruct read, written from the contract
/// text: 0 is no change; the length is the answer or the input length; the
/// range is unsigned 32-bit and must not wrap or pass the memory's end.
fn model(case: &Case, reader: Reader) -> Expect {
    if u64::from(case.pages) * PAGE < PAGE + case.input.len() as u64 {
        return Expect::InputTooLarge;
    }
    let mem = model_memory(case);
    let len = case.answer.unwrap_or(case.input.len() as i32);
    match reader(case.offset, len, mem.len() as u64) {
        Ok(None) => Expect::NoChange,
        Ok(Some(r)) => mem.get(r).map_or_else(
            || {
                Expect::Failure(Failure::Trap {
                    code: hookcheck::engine::TrapCode::Other,
                    message: "model read past memory".into(),
                })
            },
            |b| Expect::Bytes(b.to_vec()),
        ),
        Err(f) => Expect::Failure(f),
    }
}

/// The contract's read, independent of the engine's code.
fn reference_read(offset: i32, len: i32, size: u64) -> Result<Option<Range<usize>>, Failure> {
    let (o, l) = (u64::from(offset as u32), u64::from(len as u32));
    if o == 0 || l == 0 {
        return Ok(None);
    }
    if o + l > size || o + l > u64::from(u32::MAX) {
        return Err(Failure::OutOfBounds {
            offset: o,
            len: l,
            memory_size: size,
        });
    }
    Ok(Some(o as usize..(o + l) as usize))
}

/// A deliberately broken read: 32-bit wrapping sum.
fn wrapping_read(offset: i32, len: i32, size: u64) -> Result<Option<Range<usize>>, Failure> {
    let (o, l) = (offset as u32, len as u32);
    if o == 0 || l == 0 {
        return Ok(None);
    }
    let end = o.wrapping_add(l);
    if u64::from(end) > size {
        return Err(Failure::OutOfBounds {
            offset: o.into(),
            len: l.into(),
            memory_size: size,
        });
    }
    Ok(Some(o as usize..end.max(o) as usize))
}

fn near(size: u64) -> impl Strategy<Value = i32> {
    let s = size as i64;
    prop_oneof![
        Just(0),
        Just(PATTERN_AT as i32),
        Just(PAGE as i32),
        (s - 300..=s + 8).prop_map(|v| v as i32),
        Just(-1),
        Just(-16),
        Just(i32::MIN),
        Just(i32::MAX),
        (1i32..(s as i32)),
        any::<i32>(),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        1u32..4,
        0u32..3,
        proptest::collection::vec(any::<u8>(), 0..400),
    )
        .prop_flat_map(|(pages, grow, input)| {
            let needed = PAGE + input.len() as u64;
            let size = (u64::from(pages) * PAGE).max(needed.div_ceil(PAGE) * PAGE)
                + u64::from(grow) * PAGE;
            let answer =
                proptest::option::of(prop_oneof![near(size), (0i32..500), Just(-1), Just(0x20)]);
            (Just(pages), Just(grow), Just(input), near(size), answer).prop_map(
                |(pages, grow, input, offset, answer)| Case {
                    pages,
                    grow,
                    input,
                    offset,
                    answer,
                },
            )
        })
}

fn wat(case: &Case) -> String {
    let data: String = pattern().iter().map(|b| format!("\\{b:02x}")).collect();
    let grow = if case.grow > 0 {
        format!("(drop (memory.grow (i32.const {})))", case.grow)
    } else {
        String::new()
    };
    let answer = case
        .answer
        .map(|a| {
            format!(
                "(func (export \"__hook_result_len\") (param i32) (result i32) (i32.const {a}))"
            )
        })
        .unwrap_or_default();
    format!(
        "(module (memory (export \"memory\") {}) (data (i32.const {PATTERN_AT}) \"{data}\")
           (func (export \"hook_before_save\") (param i32 i32) (result i32) {grow} (i32.const {}))
           {answer})",
        case.pages, case.offset
    )
}

fn engine() -> &'static WasmEngine {
    static ENGINE: OnceLock<WasmEngine> = OnceLock::new();
    ENGINE.get_or_init(|| WasmEngine::new(WasmLimits::default()).unwrap())
}

fn services() -> Arc<HostServices> {
    static SERVICES: OnceLock<Arc<HostServices>> = OnceLock::new();
    Arc::clone(SERVICES.get_or_init(|| Arc::new(HostServices::new().unwrap())))
}

fn engine_answer(case: &Case) -> Expect {
    let mut plugin =
        WasmPlugin::from_bytes(engine(), "case", wat(case).as_bytes(), None, services()).unwrap();
    match plugin.call_hook("before_save", &case.input) {
        Ok(None) => Expect::NoChange,
        Ok(Some(bytes)) => Expect::Bytes(bytes),
        Err(f) if f.bad_output_kind() == Some(BadOutput::InputTooLarge) => Expect::InputTooLarge,
        Err(f) => Expect::Failure(f),
    }
}

proptest! {
    #![proptest_config(Config::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(96)))]

    /// Through real wasmtime: generated modules return generated offsets
    /// and lengths; the engine answers exactly what the model says.
    #[test]
    fn the_engine_reads_exactly_what_the_model_says(case in case()) {
        prop_assert_eq!(engine_answer(&case), model(&case, reference_read));
    }

    /// The engine's arithmetic agrees with the model on the whole `i32`
    /// range, memory sizes up to 4 GiB included.
    #[test]
    fn locate_result_agrees_with_the_model(offset in any::<i32>(), len in any::<i32>(), pages in 0u64..=65_536) {
        let size = pages * PAGE;
        prop_assert_eq!(locate_result(offset, len, size), reference_read(offset, len, size));
    }
}

#[test]
fn a_wrong_bounds_check_is_found_by_the_property() {
    let mut runner = TestRunner::new(Config::with_cases(256));
    let result = runner.run(&case(), |case| {
        prop_assert_eq!(model(&case, wrapping_read), model(&case, reference_read));
        Ok(())
    });
    let Err(proptest::test_runner::TestError::Fail(_, minimal)) = result else {
        panic!("the broken read went unnoticed")
    };
    let o = u64::from(minimal.offset as u32);
    let l = u64::from(minimal.answer.unwrap_or(minimal.input.len() as i32) as u32);
    assert!(
        o + l > u64::from(u32::MAX),
        "the counterexample wraps: {minimal:?}"
    );
}

// ---- return codes ----

/// A generated FeatherFly json.response step.
#[derive(Clone, Debug)]
struct NativeStep {
    code: i32,
    output: Option<Vec<u8>>,
    claimed: Option<u64>,
    overflowed: bool,
}

fn native_step() -> impl Strategy<Value = NativeStep> {
    let code = prop_oneof![
        Just(0),
        Just(1),
        Just(2),
        Just(7),
        Just(-1),
        Just(-2),
        Just(i32::MIN),
        any::<i32>()
    ];
    let output = proptest::option::of(prop_oneof![
        (0u32..100).prop_map(|n| format!("{{\"n\":{n}}}").into_bytes()),
        Just(b"[1,2]".to_vec()),
        Just(b"{nope".to_vec()),
        Just(Vec::new()),
    ]);
    (
        code,
        output,
        proptest::option::of(Just(2u64 << 20)),
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(code, output, claimed, overflowed)| NativeStep {
            code,
            output,
            claimed,
            overflowed,
        })
}

/// FeatherFly's json.response codes as the host's code reads them
/// (application/src/plugins/events.rs:384-387): 0 with bytes written
/// replaces the value with those bytes, unchecked; a length past the
/// capacity (or bytes into the guard area) fails; a negative code is an
/// error; anything else, and 0 with nothing written, keeps the value.
fn native_model(start: &[u8], steps: &[NativeStep]) -> (Vec<u8>, Vec<&'static str>) {
    let mut value = start.to_vec();
    let mut kinds = Vec::new();
    for s in steps {
        let past = s.overflowed || s.claimed.is_some();
        match (s.code, s.output.as_ref()) {
            (c, _) if c < 0 => kinds.push("error"),
            (0, _) if past => kinds.push("error"),
            (0, Some(out)) if !out.is_empty() => {
                value = out.clone();
                kinds.push("modified");
            }
            _ => kinds.push("continue"),
        }
    }
    (value, kinds)
}

/// What the host's JSON middleware sends after the chain: the final value
/// when it parses, else the original (both compact with sorted keys).
fn host_json(value: Vec<u8>, start: &[u8]) -> Vec<u8> {
    let parsed = serde_json::from_slice::<serde_json::Value>(&value)
        .or_else(|_| serde_json::from_slice(start))
        .unwrap();
    serde_json::to_vec(&parsed).unwrap()
}

fn output_of(s: &NativeStep) -> HookOutput {
    HookOutput {
        code: s.code,
        output: if s.claimed.is_some() {
            None
        } else {
            s.output.clone().map(Bytes)
        },
        claimed_len: s.claimed,
        overflowed: s.overflowed,
        ..HookOutput::default()
    }
}

fn engine_fold(
    steps: &[NativeStep],
    table: fn(&RegKind, &HookOutput, &str) -> Outcome,
) -> (Vec<u8>, Vec<&'static str>) {
    let spec = hookcheck::featherfly::PROFILE
        .hook("json.response")
        .unwrap();
    let mut trace = Trace::new(TraceMode::Outcomes);
    let kind = RegKind::Json {
        target: 1,
        pattern: "*".into(),
    };
    let names: Vec<String> = (0..steps.len()).map(|i| format!("p{i}")).collect();
    let calls = names.iter().zip(steps).map(|(n, s)| {
        let kind = &kind;
        (n.as_str(), move |_: &[u8]| table(kind, &output_of(s), n))
    });
    let folded = Pipeline::new(spec).run(b"{\"start\":true}".to_vec(), calls, &mut trace);
    (folded.value, trace.outcomes().map(Outcome::kind).collect())
}

/// A wrong code table: treats UNCHANGED (1) as MODIFIED.
fn wrong_table(kind: &RegKind, out: &HookOutput, plugin: &str) -> Outcome {
    let mut patched = out.clone();
    if patched.code == 1 {
        patched.code = 0;
    }
    interpret(kind, &patched, plugin)
}

proptest! {
    #![proptest_config(Config::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)))]

    /// FeatherFly: 1–8 native steps with generated codes and outputs fold to
    /// the model's value and outcome kinds.
    #[test]
    fn featherfly_json_codes_fold_as_the_model_says(steps in proptest::collection::vec(native_step(), 1..=8)) {
        prop_assert_eq!(engine_fold(&steps, interpret), native_model(b"{\"start\":true}", &steps));
    }

    /// Pylon: 1–8 in-process plugins returning generated results; the
    /// first error or panic answers, with the contract's status.
    #[test]
    fn pylon_before_request_folds_as_the_model_says(results in proptest::collection::vec(0u8..5, 1..=8)) {
        let mut host = PylonHost::new();
        for (i, r) in results.iter().enumerate() {
            host.register_documented_plugin(Box::new(Scripted { name: format!("p{i}"), result: *r })).unwrap();
        }
        let run = host.before_request(&RequestMeta::new(HttpMethod::Get, "/", "1.2.3.4"), &AuthContext::anonymous());
        let first = results.iter().position(|r| *r != 0);
        let status = first.map(|i| match results[i] { 1 => 400, 2 => 429, 3 => 403, _ => 500 });
        prop_assert_eq!(run.response.map(|r| r.status), status);
        prop_assert_eq!(run.trace.steps.len(), first.map_or(results.len(), |i| i + 1));
    }

    /// Rustant, as `HookManager::fire` folds (hooks.rs:140-156): hooks run
    /// in order until the first Block, every one sees the same context,
    /// Modified is only a flag, a panic is skipped.
    #[test]
    fn rustant_chain_folds_as_the_model_says(results in proptest::collection::vec(0u8..4, 1..=8)) {
        let seen: Seen = Arc::default();
        let plugins: Vec<Box<dyn AgentPlugin>> = results
            .iter()
            .enumerate()
            .map(|(i, r)| Box::new(Agent::new(i, *r, &seen)) as Box<dyn AgentPlugin>)
            .collect();
        let (host, _) = AgentHost::load(&SecurityPolicy::default(), plugins);
        let ctx = HookContext::tool(AgentHookPoint::BeforeToolExecution, "search", json!({"q": 1}));
        let run = host.run(&ctx);
        let block = results.iter().position(|r| *r == 1);
        let ran = &results[..block.map_or(results.len(), |i| i + 1)];
        let calls: Vec<(usize, HookContext)> = (0..ran.len()).map(|i| (i, ctx.clone())).collect();
        prop_assert_eq!(&*seen.lock().unwrap(), &calls);
        let expected = match block {
            Some(i) => HookResult::Block(format!("p{i}")),
            None if ran.contains(&2) => HookResult::Modified,
            None => HookResult::Continue,
        };
        prop_assert_eq!(run.result, expected);
    }
}

#[test]
fn a_wrong_code_table_is_found_by_the_property() {
    let mut runner = TestRunner::new(Config::with_cases(256));
    let result = runner.run(&proptest::collection::vec(native_step(), 1..=8), |steps| {
        prop_assert_eq!(
            engine_fold(&steps, wrong_table),
            native_model(b"{\"start\":true}", &steps)
        );
        Ok(())
    });
    let Err(proptest::test_runner::TestError::Fail(_, minimal)) = result else {
        panic!("the wrong table went unnoticed")
    };
    assert!(
        minimal.iter().any(|s| s.code == 1),
        "the counterexample uses UNCHANGED: {minimal:?}"
    );
}

struct Scripted {
    name: String,
    result: u8,
}

impl Plugin for Scripted {
    fn name(&self) -> &str {
        &self.name
    }
    fn before_request(&self, _: &RequestMeta, _: &AuthContext) -> Result<(), PluginError> {
        match self.result {
            0 => Ok(()),
            1 => Err(PluginError::validation("v", "bad")),
            2 => Err(PluginError::RateLimited {
                retry_after_secs: 3,
            }),
            3 => Err(PluginError::Forbidden {
                message: "no".into(),
            }),
            _ => panic!("scripted panic"),
        }
    }
}

type Seen = Arc<Mutex<Vec<(usize, HookContext)>>>;

/// Answers as scripted (0 Continue, 1 Block, 2 Modified, 3 panic) and
/// records the context it was called with.
struct Agent {
    index: usize,
    result: u8,
    seen: Seen,
}

impl Agent {
    fn new(index: usize, result: u8, seen: &Seen) -> Self {
        Self {
            index,
            result,
            seen: Arc::clone(seen),
        }
    }
}

impl AgentPlugin for Agent {
    fn metadata(&self) -> PluginMetadata {
        PluginMetadata {
            name: format!("p{}", self.index),
            version: "1".into(),
            description: String::new(),
            author: String::new(),
            min_core_version: None,
            capabilities: vec![Capability::HookRegistration],
        }
    }
    fn hooks(&self) -> Vec<(AgentHookPoint, Box<dyn Hook>)> {
        let (index, result, seen) = (self.index, self.result, Arc::clone(&self.seen));
        let hook = move |ctx: &HookContext| {
            seen.lock().unwrap().push((index, ctx.clone()));
            match result {
                0 => HookResult::Continue,
                1 => HookResult::Block(format!("p{index}")),
                2 => HookResult::Modified,
                _ => panic!("scripted agent panic"),
            }
        };
        vec![(AgentHookPoint::BeforeToolExecution, Box::new(hook))]
    }
}

// ---- for plugin authors ----

#[test]
fn the_totality_helper_finds_a_planted_trap_and_shrinks_it() {
    use hookcheck::strategies::check_lesstruct_total;
    let mut host = crate::support::lesstruct_host();
    host.load_file(&hookcheck_fixtures::artifacts::wasm_fixture(
        "traps_on_empty_custom_fields",
    ))
    .unwrap();
    let failure = check_lesstruct_total(&mut host, Config::with_cases(64), None).unwrap_err();
    assert!(
        failure
            .reason
            .contains("plugin `traps_on_empty_custom_fields` trapped"),
        "{}",
        failure.reason
    );
    assert!(
        failure.minimal.contains("\"customFields\": Object {}"),
        "shrunk to empty customFields: {}",
        failure.minimal
    );
    assert!(
        failure.minimal.contains("\"title\": String(\"\")"),
        "and everything else minimal: {}",
        failure.minimal
    );
}

#[test]
fn the_totality_helper_passes_a_total_plugin() {
    use hookcheck::strategies::check_lesstruct_total;
    let mut host = crate::support::lesstruct_host();
    host.load_file(&hookcheck_fixtures::artifacts::wasm_fixture(
        "content_transform",
    ))
    .unwrap();
    check_lesstruct_total(&mut host, Config::with_cases(64), None).unwrap();
}

proptest! {
    /// The public strategies produce what they promise.
    #[test]
    fn strategies_make_valid_inputs(
        content in hookcheck::strategies::lesstruct_content(),
        yaml in hookcheck::strategies::featherfly_config_yaml(),
        body in hookcheck::strategies::json_body_with_actions(),
        meta in hookcheck::strategies::request_meta(),
    ) {
        prop_assert_eq!(content.as_object().map(|o| o.len()), Some(8));
        prop_assert!(content["customFields"].is_object());
        prop_assert!(serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&yaml).is_ok(), "{}", yaml);
        if let Some(actions) = body.get("actions") {
            prop_assert!(actions.as_array().unwrap().iter().all(|a| a.get("id").is_some() && a.get("label").is_some() && a.get("step").is_some()));
        }
        prop_assert!(meta.path.starts_with('/'));
    }
}

/// A header name from a small set, in any case, so duplicates and
/// `Authorization` come up often.
fn header_name() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["authorization", "x-block", "accept", "x-a", "x-\"q\""]),
        any::<u8>(),
    )
        .prop_map(|(name, mask)| {
            name.chars()
                .enumerate()
                .map(|(i, c)| {
                    if mask >> (i % 8) & 1 == 1 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect()
        })
}

/// A header value: plain text with at most one byte that is special to
/// JSON (every control byte, `"`, `\`) or next to one (space, DEL, `]`,
/// `#`, non-ASCII) at any position, or any printable Unicode.
fn header_value() -> impl Strategy<Value = String> {
    let specials: Vec<char> = (0u8..0x20)
        .map(char::from)
        .chain(['"', '\\', ' ', '!', '#', '[', ']', '\u{7f}', 'é', '€'])
        .collect();
    prop_oneof![
        3 => (
            "[a-zA-Z0-9 ,;=/.-]{0,24}",
            prop::option::of((any::<prop::sample::Index>(), prop::sample::select(specials))),
        )
            .prop_map(|(plain, special)| {
                let mut value = plain;
                if let Some((at, c)) = special {
                    value.insert(at.index(value.len() + 1), c);
                }
                value
            }),
        1 => "\\PC{0,24}",
    ]
}

proptest! {
    #![proptest_config(Config::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)))]

    /// FeatherFly's headers JSON equals the plain model: a sorted map of
    /// lowercase names, later duplicates winning, `authorization` redacted,
    /// serialized by serde_json (escapes included).
    #[test]
    fn headers_json_matches_the_sorted_map_model(
        headers in prop::collection::vec((header_name(), header_value()), 0..10),
    ) {
        let mut model = std::collections::BTreeMap::new();
        for (k, v) in &headers {
            let k = k.to_ascii_lowercase();
            let v = if k == "authorization" { "<redacted>".to_owned() } else { v.clone() };
            model.insert(k, v);
        }
        let expected = serde_json::to_vec(&model).unwrap();
        let actual = hookcheck::featherfly::headers_json(&headers);
        prop_assert_eq!(String::from_utf8_lossy(&actual), String::from_utf8_lossy(&expected));
    }
}

/// A generated Lesstruct plugin: what its `hook_before_save` does.
#[derive(Clone, Debug)]
enum WasmStep {
    /// Returns 0.
    NoChange,
    /// Returns `{"customFields":{"p<i>":<n>}}`.
    Set(u8),
    /// Returns a result that is not JSON.
    Garbage,
    /// Traps.
    Trap,
}

fn wasm_step() -> impl Strategy<Value = WasmStep> {
    prop_oneof![3 => Just(WasmStep::NoChange), 4 => any::<u8>().prop_map(WasmStep::Set), 1 => Just(WasmStep::Garbage), 1 => Just(WasmStep::Trap)]
}

fn step_wat(i: usize, step: &WasmStep) -> String {
    let result = |text: &str| {
        let escaped = text.replace('"', "\\\"");
        format!(
            "(data (i32.const 1024) \"{escaped}\") (func (export \"hook_before_save\") (param i32 i32) (result i32) (i32.const 1024)) (func (export \"__hook_result_len\") (param i32) (result i32) (i32.const {}))",
            text.len()
        )
    };
    let body = match step {
        WasmStep::NoChange => {
            "(func (export \"hook_before_save\") (param i32 i32) (result i32) (i32.const 0))"
                .to_owned()
        }
        WasmStep::Set(n) => result(&format!("{{\"customFields\":{{\"p{i}\":{n}}}}}")),
        WasmStep::Garbage => result("{customFields"),
        WasmStep::Trap => {
            "(func (export \"hook_before_save\") (param i32 i32) (result i32) unreachable)"
                .to_owned()
        }
    };
    format!("(module (memory (export \"memory\") 2) {body})")
}

/// Each Lesstruct case compiles up to eight modules, so it runs a hundredth
/// of `PROPTEST_CASES` (at least 64).
fn lesstruct_cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse::<u32>().ok())
        .map_or(64, |c| (c / 100).max(64))
}

proptest! {
    #![proptest_config(Config::with_cases(lesstruct_cases()))]

    /// Lesstruct, as the host's code runs it: 1–8 real WASM plugins, each
    /// handed the previous plugin's raw result; 0 is no change; only the
    /// final result is read, and only its `customFields` applied; a final
    /// result the host cannot read is dropped in silence (the save
    /// succeeds unchanged); a trap fails the save with 500 and stops the
    /// chain.
    #[test]
    fn lesstruct_before_save_folds_as_the_model_says(steps in proptest::collection::vec(wasm_step(), 1..=8)) {
        let mut host = crate::support::lesstruct_host();
        for (i, step) in steps.iter().enumerate() {
            host.load_bytes(&format!("p{i}"), step_wat(i, step).as_bytes(), None).unwrap();
        }
        let run = host.before_save(crate::support::post("T", json!({"user": 1})));
        let mut last = None;
        let mut failed_at = None;
        for (i, step) in steps.iter().enumerate() {
            match step {
                WasmStep::NoChange => {}
                WasmStep::Set(n) => last = Some(Some(json!({ format!("p{i}"): n }))),
                WasmStep::Garbage => last = Some(None),
                WasmStep::Trap => {
                    failed_at = Some(i);
                    break;
                }
            }
        }
        let custom = last.flatten().unwrap_or_else(|| json!({"user": 1}));
        prop_assert_eq!(run.saved, failed_at.is_none());
        prop_assert_eq!(run.status, if failed_at.is_some() { 500 } else { 200 });
        prop_assert_eq!(run.trace.steps.len(), failed_at.map_or(steps.len(), |i| i + 1));
        if failed_at.is_none() {
            prop_assert_eq!(&run.content["customFields"], &custom);
        }
    }
}

// ---- real native plugins with generated codes ----

/// What one `scripted` copy is told to do (see
/// `fixtures/plugins/native/examples/scripted.rs`).
#[derive(Clone, Debug)]
struct ScriptStep {
    code: i32,
    mode: char,
    output: Vec<u8>,
}

fn script_step() -> impl Strategy<Value = ScriptStep> {
    let code = prop_oneof![
        3 => Just(0),
        2 => Just(1),
        1 => Just(2),
        1 => Just(-1),
        1 => Just(-2),
        1 => Just(i32::MIN),
        1 => any::<i32>(),
    ];
    let mode = prop_oneof![
        4 => Just('w'),
        1 => Just('n'),
        1 => Just('c'),
        1 => Just('o'),
    ];
    let output = prop_oneof![
        (0u32..100).prop_map(|n| format!("{{\"n\":{n}}}").into_bytes()),
        Just(b"[1,2]".to_vec()),
        Just(b"{nope".to_vec()),
        Just(Vec::new()),
        Just(vec![0xff, 0xfe]),
    ];
    (code, mode, output).prop_map(|(code, mode, output)| ScriptStep { code, mode, output })
}

/// The step as the code-table model sees it.
fn modelled(s: &ScriptStep) -> NativeStep {
    NativeStep {
        code: s.code,
        output: (s.mode == 'w').then(|| s.output.clone()),
        claimed: matches!(s.mode, 'c' | 'o').then_some(SCRIPT_CAPACITY as u64 + 1),
        overflowed: s.mode == 'o',
    }
}

const SCRIPT_CAPACITY: usize = 4096;

/// Eight copies of the `scripted` fixture in `dir`, `scripted_0.so` to
/// `scripted_7.so`: eight distinct libraries for `dlopen`.
fn scripted_copies(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let scripted = hookcheck_fixtures::artifacts::native_fixture("scripted");
    (0..8)
        .map(|i| {
            let path = dir.join(format!("scripted_{i}.so"));
            std::fs::copy(&scripted, &path).unwrap();
            path
        })
        .collect()
}

fn script_route(steps: &[ScriptStep]) -> String {
    let parts: Vec<String> = steps
        .iter()
        .map(|s| {
            let hex: String = s.output.iter().map(|b| format!("{b:02x}")).collect();
            format!("{},{},{hex}", s.code, s.mode)
        })
        .collect();
    format!("/script/{}", parts.join("/"))
}

/// FeatherFly json.response over 1–8 real `.so` plugins (copies of
/// `scripted`, loaded through `dlopen` like any plugin) returning generated
/// codes and writing generated outputs — including nothing, a length past
/// the capacity and bytes into the guard area: the final JSON and every
/// step's outcome equal the code-table model's.
#[test]
fn real_native_plugins_fold_generated_codes_as_the_model_says() {
    let dir = tempfile::tempdir().unwrap();
    let copies = scripted_copies(dir.path());
    let options = hookcheck::featherfly::NativeOptions {
        capacity: SCRIPT_CAPACITY,
        isolation: hookcheck::featherfly::Isolation::InProcess,
    };
    let hosts: Vec<hookcheck::featherfly::FeatherFlyHost> = (1..=8)
        .map(|k| {
            hookcheck::featherfly::FeatherFlyHost::load(&copies[..k], &options)
                .unwrap()
                .with_trace_mode(TraceMode::Outcomes)
        })
        .collect();
    let start = b"{\"start\":true}";
    let mut runner = TestRunner::new(Config::default());
    let result = runner.run(&proptest::collection::vec(script_step(), 1..=8), |steps| {
        let host = &hosts[steps.len() - 1];
        let run = host.json(HttpMethod::Get, &script_route(&steps), start);
        let kinds: Vec<&str> = run.trace.outcomes().map(Outcome::kind).collect();
        let model: Vec<NativeStep> = steps.iter().map(modelled).collect();
        let (value, expected) = native_model(start, &model);
        prop_assert_eq!(kinds, expected);
        prop_assert_eq!(run.value, host_json(value, start));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ---- one pipeline, three plugin forms ----

/// One step of a mixed pipeline: an in-process closure, a real `.so`
/// (a `scripted` copy), or a real WASM module.
#[derive(Clone, Debug)]
enum MixedStep {
    /// In-process: 0 no change, 1 a new JSON value, 2 a panic.
    InProcess(u8),
    /// Native, told what to do through the route.
    Native(ScriptStep),
    /// WASM, generated as WAT.
    Wasm(WasmStep),
}

fn mixed_step() -> impl Strategy<Value = MixedStep> {
    prop_oneof![
        (0u8..3).prop_map(MixedStep::InProcess),
        script_step().prop_map(MixedStep::Native),
        wasm_step().prop_map(MixedStep::Wasm),
    ]
}

/// What the model says one step does to the value: `Some(new)` modified,
/// `None` continue, `Err` an error (the prior value is kept).
fn mixed_model_step(i: usize, step: &MixedStep) -> Result<Option<Vec<u8>>, ()> {
    match step {
        MixedStep::InProcess(0) => Ok(None),
        MixedStep::InProcess(1) => Ok(Some(format!("{{\"in_process\":{i}}}").into_bytes())),
        MixedStep::InProcess(_) => Err(()),
        MixedStep::Native(s) => {
            let (value, kinds) = native_model(b"prior", std::slice::from_ref(&modelled(s)));
            match kinds[0] {
                "modified" => Ok(Some(value)),
                "continue" => Ok(None),
                _ => Err(()),
            }
        }
        MixedStep::Wasm(WasmStep::NoChange) => Ok(None),
        MixedStep::Wasm(WasmStep::Set(n)) => Ok(Some(
            format!("{{\"customFields\":{{\"p{i}\":{n}}}}}").into_bytes(),
        )),
        MixedStep::Wasm(WasmStep::Garbage | WasmStep::Trap) => Err(()),
    }
}

/// One transform pipeline (FeatherFly's json.response rule: an error keeps
/// the prior value) over 1–8 plugins of mixed forms — in-process closures
/// under the panic guard, real `.so` copies through `dlopen`, real WASM
/// modules through wasmtime — each returning generated codes and outputs:
/// the final value and every step's outcome kind equal the model's.
#[test]
fn a_pipeline_of_mixed_forms_folds_as_the_model_says() {
    let dir = tempfile::tempdir().unwrap();
    let copies = scripted_copies(dir.path());
    let native = std::cell::RefCell::new(
        hookcheck::featherfly::InProcess::load(&copies, SCRIPT_CAPACITY).unwrap(),
    );
    let spec = hookcheck::featherfly::PROFILE
        .hook("json.response")
        .unwrap();
    let mut runner = TestRunner::new(Config::with_cases(lesstruct_cases()));
    let result = runner.run(&proptest::collection::vec(mixed_step(), 1..=8), |steps| {
        // Copy i follows step i of the route; steps of other forms leave
        // their slot as UNCHANGED with no output.
        let script: Vec<ScriptStep> = steps
            .iter()
            .map(|s| match s {
                MixedStep::Native(n) => n.clone(),
                _ => ScriptStep {
                    code: 1,
                    mode: 'n',
                    output: Vec::new(),
                },
            })
            .collect();
        let route = script_route(&script);
        let mut wasm: Vec<Option<WasmPlugin>> = steps
            .iter()
            .enumerate()
            .map(|(i, s)| match s {
                MixedStep::Wasm(w) => Some(
                    WasmPlugin::from_bytes(
                        engine(),
                        &format!("w{i}"),
                        step_wat(i, w).as_bytes(),
                        None,
                        services(),
                    )
                    .unwrap(),
                ),
                _ => None,
            })
            .collect();
        let wasm = std::cell::RefCell::new(&mut wasm);
        let names: Vec<String> = (0..steps.len()).map(|i| format!("p{i}")).collect();
        let calls = steps.iter().enumerate().map(|(i, step)| {
            let (name, route, native, wasm) = (&names[i], &route, &native, &wasm);
            let call = move |current: &[u8]| -> Outcome {
                match step {
                    MixedStep::InProcess(kind) => {
                        let kind = *kind;
                        match hookcheck::engine::call_guarded(|| match kind {
                            0 => None,
                            1 => Some(format!("{{\"in_process\":{i}}}")),
                            _ => panic!("generated panic"),
                        }) {
                            Ok(None) => Outcome::Continue,
                            Ok(Some(v)) => Outcome::modified(v),
                            Err(f) => Outcome::error(name, JSON_RESPONSE, f),
                        }
                    }
                    MixedStep::Native(_) => {
                        let input = hookcheck::featherfly::HookInput::Json {
                            target: 1,
                            route: route.clone(),
                            method: 1,
                            json: Bytes::from(current),
                        };
                        let out = native.borrow_mut().call(i, &input);
                        let kind = RegKind::Json {
                            target: 1,
                            pattern: "*".into(),
                        };
                        interpret(&kind, &out, name)
                    }
                    MixedStep::Wasm(_) => {
                        let mut plugins = wasm.borrow_mut();
                        let Some(plugin) = plugins[i].as_mut() else {
                            unreachable!("step {i} is WASM")
                        };
                        match plugin.call_hook("before_save", current) {
                            Ok(None) => Outcome::Continue,
                            Ok(Some(bytes)) => match hookcheck::lesstruct::decode_result(&bytes) {
                                Ok(v) => Outcome::modified(v.to_string()),
                                Err(f) => Outcome::error(name, JSON_RESPONSE, f),
                            },
                            Err(f) => Outcome::error(name, JSON_RESPONSE, f),
                        }
                    }
                }
            };
            (name.as_str(), call)
        });
        let mut trace = Trace::new(TraceMode::Outcomes);
        let folded = Pipeline::new(spec).run(b"{\"start\":true}".to_vec(), calls, &mut trace);

        let mut value = b"{\"start\":true}".to_vec();
        let mut kinds = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            match mixed_model_step(i, step) {
                Ok(Some(v)) => {
                    value = v;
                    kinds.push("modified");
                }
                Ok(None) => kinds.push("continue"),
                Err(()) => kinds.push("error"),
            }
        }
        prop_assert_eq!(
            trace.outcomes().map(Outcome::kind).collect::<Vec<_>>(),
            kinds
        );
        prop_assert_eq!(folded.value, value);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
