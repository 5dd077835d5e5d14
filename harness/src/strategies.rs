//! Proptest strategies for valid hook inputs, and a helper that asserts a
//! plugin is total on them: no trap, no error, valid output. Failures
//! shrink to a minimal input and their seeds go to proptest's regression
//! file beside the calling test. Enable with the `proptest` feature.
//!
//! ```
//! use hookcheck::strategies::{check_total, lesstruct_content};
//! use proptest::test_runner::{Config, RngSeed};
//!
//! // a "plugin" that needs a title: the helper finds and shrinks the bug
//! // (a fixed seed keeps this example deterministic; tests use random ones)
//! let config = Config { rng_seed: RngSeed::Fixed(7), ..Config::with_cases(64) };
//! let result = check_total(config, None, lesstruct_content(), |c| {
//!     if c["title"].as_str().is_some_and(str::is_empty) { Err("empty title".into()) } else { Ok(()) }
//! });
//! let failure = result.unwrap_err();
//! assert!(failure.minimal.contains(r#""title": String("")"#), "{}", failure.minimal);
//! ```

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestError, TestRunner};
use serde_json::{Map, Value, json};

use crate::engine::{HttpMethod, RequestMeta};

fn method() -> impl Strategy<Value = HttpMethod> {
    prop_oneof![
        Just(HttpMethod::Get),
        Just(HttpMethod::Post),
        Just(HttpMethod::Put),
        Just(HttpMethod::Patch),
        Just(HttpMethod::Delete),
    ]
}

fn segment() -> impl Strategy<Value = String> {
    "[a-z0-9_-]{1,12}"
}

fn ip() -> impl Strategy<Value = String> {
    prop_oneof![
        (any::<[u8; 4]>()).prop_map(|o| format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])),
        Just("::1".to_owned()),
        (any::<[u16; 2]>()).prop_map(|h| format!("2001:db8::{:x}:{:x}", h[0], h[1])),
    ]
}

/// Requests as a host sees them before dispatch: method, path, query,
/// client ip, 0–8 headers with lowercase names.
pub fn request_meta() -> impl Strategy<Value = RequestMeta> {
    (
        method(),
        vec(segment(), 0..5),
        "[a-z0-9=&]{0,20}",
        ip(),
        vec(("[a-z][a-z0-9-]{0,15}", "[ -~]{0,40}"), 0..8),
    )
        .prop_map(
            |(method, segments, query, client_ip, headers)| RequestMeta {
                method,
                path: format!("/{}", segments.join("/")),
                query,
                client_ip,
                headers,
            },
        )
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[ -~]{0,24}".prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ]
}

/// Lesstruct hook data: the eight keys, with generated values (empty
/// strings, empty and unicode titles, custom `status`/`postType`, 0–5
/// custom fields of any JSON scalar).
pub fn lesstruct_content() -> impl Strategy<Value = Value> {
    let status = prop_oneof![
        Just("draft".to_owned()),
        Just("published".to_owned()),
        Just("archived".to_owned()),
        "[a-z]{1,10}"
    ];
    let post_type = prop_oneof![
        Just("post".to_owned()),
        Just("page".to_owned()),
        "[a-z]{1,10}"
    ];
    (
        0u32..1000,
        1u32..100,
        text(40),
        text(200),
        vec("[a-z]{1,8}", 0..4),
        status,
        post_type,
        btree_map("[a-zA-Z][a-zA-Z0-9_]{0,12}", scalar(), 0..5),
    )
        .prop_map(|(content_id, user_id, title, content, tags, status, post_type, custom)| {
            json!({
                "contentId": content_id, "userId": user_id, "title": title, "content": content,
                "tags": tags, "status": status, "postType": post_type,
                "customFields": Value::Object(custom.into_iter().collect::<Map<String, Value>>()),
            })
        })
}

/// Text up to `max` characters, biased to the edges plugins get wrong:
/// empty and whitespace-only one case in five each way, else printable
/// Unicode.
fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        1 => "[ \t]{1,3}",
        8 => proptest::string::string_regex(&format!("\\PC{{1,{max}}}"))
            .unwrap_or_else(|_| unreachable!("a fixed, valid regex")),
    ]
}

/// FeatherFly config YAML: flat and one-level nested `key: value` maps.
pub fn featherfly_config_yaml() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        "[a-z0-9./:_ -]{0,20}".prop_map(|s| format!("\"{s}\"")),
        any::<u16>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string())
    ];
    let section = (
        "[a-z_]{1,10}",
        btree_map("[a-z_]{1,10}", value.clone(), 1..4),
    );
    (btree_map("[a-z_]{1,10}", value, 0..4), vec(section, 0..3)).prop_map(|(top, sections)| {
        let mut out = String::new();
        let mut seen = std::collections::BTreeSet::new();
        for (k, v) in top {
            seen.insert(k.clone());
            out.push_str(&format!("{k}: {v}\n"));
        }
        for (name, entries) in sections {
            if !seen.insert(name.clone()) {
                continue;
            }
            out.push_str(&format!("{name}:\n"));
            for (k, v) in entries {
                out.push_str(&format!("  {k}: {v}\n"));
            }
        }
        out
    })
}

/// FeatherFly JSON response bodies, with or without a top-level `actions`
/// array of `{ id, label, step }`.
pub fn json_body_with_actions() -> impl Strategy<Value = Value> {
    let action = (
        "[a-z-]{1,12}",
        "[ -~]{1,20}",
        prop_oneof![
            "[a-z]{1,8}".prop_map(Value::from),
            (0u32..10).prop_map(Value::from)
        ],
    )
        .prop_map(|(id, label, step)| json!({ "id": id, "label": label, "step": step }));
    (
        btree_map("[a-z_]{1,10}", scalar(), 0..6),
        proptest::option::of(vec(action, 0..4)),
    )
        .prop_map(|(fields, actions)| {
            let mut obj: Map<String, Value> = fields.into_iter().collect();
            if let Some(a) = actions {
                obj.insert("actions".into(), Value::Array(a));
            }
            Value::Object(obj)
        })
}

/// Why a plugin is not total, on the smallest input proptest found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotTotal {
    /// The minimal failing input, debug-printed.
    pub minimal: String,
    /// What went wrong on it.
    pub reason: String,
}

impl std::fmt::Display for NotTotal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not total: {} on minimal input {}",
            self.reason, self.minimal
        )
    }
}

/// Runs `call` on inputs from `strategy` until one fails, then shrinks it.
/// With `source_file` (pass `Some(file!())`), the failing seed is saved in
/// proptest's regression file beside it and replayed first next time.
pub fn check_total<S>(
    mut config: Config,
    source_file: Option<&'static str>,
    strategy: S,
    mut call: impl FnMut(&S::Value) -> Result<(), String>,
) -> Result<(), NotTotal>
where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    if let Some(file) = source_file {
        config.source_file = Some(file);
        config.failure_persistence =
            Some(Box::new(FileFailurePersistence::WithSource("regressions")));
    } else {
        config.failure_persistence = None;
    }
    let mut runner = TestRunner::new(config);
    let call = std::cell::RefCell::new(&mut call);
    match runner.run(&strategy, |input| {
        (call.borrow_mut())(&input).map_err(TestCaseError::fail)
    }) {
        Ok(()) => Ok(()),
        Err(TestError::Fail(reason, minimal)) => Err(NotTotal {
            minimal: format!("{minimal:#?}"),
            reason: reason.to_string(),
        }),
        Err(TestError::Abort(reason)) => Err(NotTotal {
            minimal: String::new(),
            reason: reason.to_string(),
        }),
    }
}

/// Checks that a Lesstruct WASM plugin saves every generated content item:
/// no trap, no error, valid output from every `before_save`.
#[cfg(feature = "wasm")]
pub fn check_lesstruct_total(
    host: &mut crate::lesstruct::LesstructHost,
    config: Config,
    source_file: Option<&'static str>,
) -> Result<(), NotTotal> {
    check_total(config, source_file, lesstruct_content(), |content| {
        let run = host.before_save(content.clone());
        match run.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    })
}
