//! `LS-*`: the Lesstruct contract (contracts §2, seed 002).

use hookcheck::engine::{Answer, BadOutput, Failure, HookPoint, Outcome, Trace, TrapCode};
use hookcheck::lesstruct::{
    LARGEST_INPUT, LesstructHost, LoadProblem, ModuleFacts, SaveRun, data_segments, decode_result,
    inspect_module, invoked_hooks, is_invoked, is_rejection, layout, ungranted_imports,
};
use serde_json::Value;

use super::subject::{Saved, WasmSubject};
use crate::check::{Basis, Check, Judges, Rules, Severity, Verdict};
use crate::coverage::{Coverage, Exercised};
use crate::inputs::lesstruct_contents;
use crate::subject::Subject;
use crate::suite::Suite;
use crate::tally::{Tally, returned, timed_out};

/// What reaches a before_save result when the standard posts do not.
const RESULT_HINT: &str = "if the hook returns a result only for some posts, give one it changes: a recorded insert or update in `--inputs DIR` (its data is laid over a new post)";

const CATALOG: Rules = Rules {
    exercise: Some(save_traces),
    profile: hookcheck::lesstruct::CONTRACT,
    source: "docs/contracts/lesstruct.md (restating the Lesstruct Plugin Development Guide and the CMS's code)",
    owners: || CHECKS,
};

fn on_wasm(s: &Subject, f: impl FnOnce(&WasmSubject) -> Verdict) -> Verdict {
    match s.kind::<WasmSubject>() {
        Some(w) => f(w),
        None => Verdict::skip("not a WASM subject"),
    }
}

fn facts(w: &WasmSubject) -> Result<ModuleFacts, String> {
    let mut facts = inspect_module(&w.module, w.manifest.is_some());
    if let Some(Ok(manifest)) = &w.manifest {
        facts
            .problems
            .extend(ungranted_imports(&w.module, manifest));
    }
    Ok(facts)
}

fn load_rule(s: &Subject, what: &str, pick: fn(&LoadProblem) -> bool) -> Verdict {
    on_wasm(s, |w| match facts(w) {
        Err(e) => Verdict::fail(e),
        Ok(f) => match f.problems.iter().find(|p| pick(p)) {
            Some(p) => Verdict::fail(p.to_string()),
            None => Verdict::pass(what.to_owned()),
        },
    })
}

/// A fresh host for a check that makes its own calls; none once the shared
/// save run saw a hook time out, so a run pays one timeout, not one per
/// check.
fn host(w: &WasmSubject) -> Result<LesstructHost, Verdict> {
    if let Ok(saved) = saved(w)
        && let Some(label) = &saved.stopped
    {
        return Err(Verdict::unexercised(format!(
            "not run: {label} timed out (see LS-HOOK-002), and a run waits for one timeout only"
        )));
    }
    w.host().map_err(|e| {
        Verdict::not_loaded(format!(
            "the plugin does not load ({e}); see the LS-LOAD checks"
        ))
    })
}

/// The inputs every save-based check sends, labelled: the standard ones,
/// then the author's own (`--inputs`).
fn contents(w: &WasmSubject) -> Vec<(String, Value)> {
    let standard = lesstruct_contents()
        .into_iter()
        .enumerate()
        .map(|(i, c)| (format!("standard input #{i}"), c));
    standard.chain(w.inputs.lesstruct_contents()).collect()
}

/// Saves every input through a fresh host.
fn saves(w: &WasmSubject) -> Result<(LesstructHost, Vec<SaveRun>), Verdict> {
    let mut host = host(w)?;
    let runs = contents(w)
        .into_iter()
        .map(|(_, c)| host.before_save(c))
        .collect();
    Ok((host, runs))
}

/// The inputs saved once per subject, shared by the checks that
/// only read the outcome.
fn saved(w: &WasmSubject) -> Result<&Saved, Verdict> {
    let done = w.saved.get_or_init(|| {
        let mut host = w.host()?;
        let contents = contents(w);
        // Every hook the host invokes, so the coverage can say each ran.
        let exported: Vec<&str> = invoked_hooks()
            .filter(|h| host.plugins_mut()[0].has_hook(h))
            .collect();
        let mut coverage: Vec<Exercised> = exported
            .iter()
            .map(|h| {
                let answerable: &'static [Answer] = if *h == "before_save" {
                    &[Answer::Continue, Answer::Modify, Answer::Reject]
                } else {
                    &[Answer::Continue, Answer::Modify]
                };
                Exercised::answering(format!("hook_{h}"), answerable)
            })
            .collect();
        let mut count = |hook: &str, label: &str, trace: &Trace| {
            if let Some(entry) = coverage
                .iter_mut()
                .find(|e| e.registration.strip_prefix("hook_") == Some(hook))
            {
                entry.add_steps(label, trace.steps.iter().filter(|s| s.hook.name == hook));
            }
        };
        let (mut runs, mut after, mut stopped) = (Vec::new(), Vec::new(), None);
        // The first timeout ends the run: it is the finding, and a run must
        // end in bounded time.
        for (label, content) in &contents {
            let run = host.before_save(content.clone());
            count("before_save", label, &run.trace);
            let late = timed_out(&run.trace);
            runs.push(run);
            if late {
                stopped = Some(format!("before_save on {label}"));
                break;
            }
            let created = host.after_create(content);
            count("after_create", label, &created);
            let published = host.after_publish(content);
            count("after_publish", label, &published);
            let late = [&created, &published].into_iter().any(timed_out);
            after.push((format!("after_create on {label}"), created));
            after.push((format!("after_publish on {label}"), published));
            if late {
                stopped = Some(format!("an after hook on {label}"));
                break;
            }
        }
        let memory_size = host.plugins_mut()[0].memory_size().unwrap_or(0);
        let (refusals, refused) = host.services().refusals();
        let host_calls = host.services().host_calls();
        let denied = refusals.iter().map(ToString::to_string).collect();
        Ok(Saved {
            runs,
            after,
            memory_size,
            denied,
            refused,
            host_calls,
            coverage,
            stopped,
        })
    });
    done.as_ref().map_err(|e| {
        Verdict::not_loaded(format!(
            "the plugin does not load ({e}); see the LS-LOAD checks"
        ))
    })
}

/// The shared save run's traces, for the rows: every save, then the after
/// hooks.
fn save_traces(s: &Subject) -> Result<Vec<(String, &Trace)>, Verdict> {
    let Some(w) = s.kind::<WasmSubject>() else {
        return Err(Verdict::skip("not a WASM subject"));
    };
    let saved = saved(w)?;
    let saves = saved
        .runs
        .iter()
        .zip(contents(w))
        .map(|(run, (label, _))| (format!("before_save on {label}"), &run.trace));
    let after = saved.after.iter().map(|(label, t)| (label.clone(), t));
    Ok(saves.chain(after).collect())
}

/// Which invoked hooks the shared save run called.
pub(crate) fn coverage(w: &WasmSubject) -> Coverage {
    match saved(w) {
        Ok(saved) => Coverage {
            registrations: saved.coverage.clone(),
            note: saved.stopped.as_ref().map(|label| {
                format!("the save run stopped after {label} timed out; later inputs were not sent")
            }),
            notices: Vec::new(),
        },
        Err(v) => Coverage::nothing(v.evidence),
    }
}

/// The fix for a trap in a module that exports `_initialize`, which the
/// host never runs: the usual fix (no `unwrap`) does not help a module
/// whose runtime was never set up.
const INITIALIZE_FIX: &str = "The host never calls `_initialize` (internal/plugin/loader/loader.go:98-104), so what it sets up (a language runtime, static data) is missing when the hook runs: set state up lazily inside the hook, or build with a toolchain whose exports work without an initialiser (a Rust `cdylib` for wasm32-wasip1, as the pdk builds); Go's `-buildmode=c-shared` modules need `_initialize` and trap here.";

/// [`INITIALIZE_FIX`] for a trap in a module that exports `_initialize`.
fn initializer_help(s: &Subject, failure: &Failure) -> Option<&'static str> {
    let w = s.kind::<WasmSubject>()?;
    (matches!(failure, Failure::Trap { .. }) && w.module.get_export("_initialize").is_some())
        .then_some(INITIALIZE_FIX)
}

fn oob(f: &Failure) -> Option<(u64, u64, u64)> {
    match f {
        Failure::OutOfBounds {
            offset,
            len,
            memory_size,
        } => Some((*offset, *len, *memory_size)),
        _ => None,
    }
}

fn data_rule(s: &Subject, start: u64, len: u64, area: &str, only_with_imports: bool) -> Verdict {
    on_wasm(s, |w| {
        if only_with_imports {
            match facts(w) {
                Ok(f) if !f.imports.iter().any(|i| i.starts_with("lesstruct.")) => {
                    return Verdict::pass(
                        "imports no host functions, so the host never writes there",
                    );
                }
                Err(e) => return Verdict::skip(e),
                _ => {}
            }
        }
        let Some(segments) = data_segments(&w.binary) else {
            return Verdict::skip("the module's sections could not be read");
        };
        match segments.iter().find(|d| d.overlaps(start, len)) {
            Some(d) => Verdict::fail(format!(
                "a data segment of {} bytes at offset {} overlaps the {area} [{start}, {}): the host overwrites it",
                d.len,
                d.offset,
                start + len
            )),
            None => Verdict::pass(format!(
                "{} data segments, none in the {area}",
                segments.len()
            )),
        }
    })
}

/// Calls `hook` raw on every input, returning decoded results (by input
/// index) and the tally of calls; `None` when the plugin does not export
/// the hook.
/// Decoded results by input index, and the tally of the calls.
type Results = (Vec<(usize, Value)>, Tally);

/// The Lesstruct hook point `name` (one of its table's).
fn point(name: &str) -> HookPoint {
    hookcheck::engine::hook(hookcheck::lesstruct::HOOKS, name).point
}

/// The `before_save` point, for failures counted outside a pipeline.
const BEFORE_SAVE: HookPoint =
    hookcheck::engine::hook(hookcheck::lesstruct::HOOKS, "before_save").point;

fn raw_results(w: &WasmSubject, hook: &str) -> Result<Option<Results>, Verdict> {
    let mut host = host(w)?;
    let plugin = &mut host.plugins_mut()[0];
    if !plugin.has_hook(hook) {
        return Ok(None);
    }
    let mut out = Vec::new();
    let mut tally = Tally::default();
    for (i, (_, content)) in contents(w).into_iter().enumerate() {
        let input = serde_json::to_vec(&content).unwrap_or_default();
        match plugin.call_hook(hook, &input) {
            Ok(result) => {
                tally.add_outcome(&Outcome::Continue);
                if let Some(v) = result.and_then(|bytes| decode_result(&bytes).ok()) {
                    out.push((i, v));
                }
            }
            Err(failure) => tally.add_outcome(&Outcome::error(plugin.name(), point(hook), failure)),
        }
    }
    Ok(Some((out, tally)))
}

const LS_LOAD_001: Check = CATALOG.check(
    "LS-LOAD-001",
    "exports `memory`",
    "Every plugin .wasm file must export `memory`.",
    Severity::Required,
    "wat:no_memory",
    ls_load_001,
);

fn ls_load_001(s: &Subject) -> Verdict {
    load_rule(s, "exports `memory`", |p| {
        matches!(p, LoadProblem::NoMemory(_))
    })
}

const LS_LOAD_002: Check = CATALOG.check(
    "LS-LOAD-002",
    "hook exports are (i32, i32) -> i32",
    "Every hook function must follow the signature (offset, length) -> resultOffset, all i32.",
    Severity::Required,
    "wat:wrong_signature",
    ls_load_002,
);

fn ls_load_002(s: &Subject) -> Verdict {
    load_rule(s, "every hook_* export is (i32, i32) -> i32", |p| {
        matches!(p, LoadProblem::HookSignature(_))
    })
}

const LS_LOAD_003: Check = CATALOG.check(
    "LS-LOAD-003",
    "`__hook_result_len` is (i32) -> i32",
    "The optional export `__hook_result_len(input_len) -> i32`.",
    Severity::Required,
    "wat:bad_result_len_sig",
    ls_load_003,
);

fn ls_load_003(s: &Subject) -> Verdict {
    load_rule(s, "`__hook_result_len` is absent or (i32) -> i32", |p| {
        matches!(p, LoadProblem::ResultLenSignature(_))
    })
}

const LS_LOAD_004: Check = CATALOG.check(
    "LS-LOAD-004",
    "exports a hook the host invokes",
    "The host invokes hook_before_save, hook_after_create, hook_after_publish; a plugin exporting only hook_on_plugin_loaded / hook_before_delete loads and never runs.",
    Severity::Required,
    "wat:only_never_invoked",
    ls_load_004,
);

fn ls_load_004(s: &Subject) -> Verdict {
    on_wasm(s, |w| match facts(w) {
        Err(e) => Verdict::fail(e),
        Ok(f) => {
            let invoked: Vec<&String> = f.hooks.iter().filter(|h| is_invoked(h)).collect();
            if invoked.is_empty() {
                let list = f
                    .hooks
                    .iter()
                    .map(|h| format!("hook_{h}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Verdict::fail(format!(
                    "exports only [{list}]: the host invokes hook_before_save, hook_after_create and hook_after_publish, so this plugin loads and never runs"
                ))
            } else {
                Verdict::pass(format!(
                    "exports invoked hooks: {}",
                    invoked
                        .iter()
                        .map(|h| format!("hook_{h}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
    })
}

const LS_LOAD_005: Check = CATALOG.check(
    "LS-LOAD-005",
    "imports only WASI and `lesstruct`",
    "A .wasm for WASI preview 1; host functions are the six `lesstruct` imports.",
    Severity::Required,
    "wat:foreign_import",
    ls_load_005,
);

fn ls_load_005(s: &Subject) -> Verdict {
    load_rule(
        s,
        "imports only WASI preview 1 and the six `lesstruct` functions",
        |p| {
            matches!(
                p,
                LoadProblem::ForeignImport(_) | LoadProblem::BadHostImport(_)
            )
        },
    )
}

const LS_LOAD_006: Check = CATALOG.check(
    "LS-LOAD-006",
    "host functions only with a manifest",
    "If no .manifest file exists, the plugin runs with zero host functions.",
    Severity::Required,
    "wat:import_without_manifest",
    ls_load_006,
);

fn ls_load_006(s: &Subject) -> Verdict {
    load_rule(
        s,
        "imports host functions only with a manifest that grants them",
        |p| {
            matches!(
                p,
                LoadProblem::ImportWithoutManifest(_) | LoadProblem::ImportNotGranted(_)
            )
        },
    )
}

const LS_LOAD_007: Check = CATALOG.check(
    "LS-LOAD-007",
    "the manifest is valid",
    "Manifest `name` and `version` are required and non-empty; database permissions are read|write:content|media|users.",
    Severity::Required,
    "wat:bad_manifest",
    ls_load_007,
);

fn ls_load_007(s: &Subject) -> Verdict {
    on_wasm(s, |w| match &w.manifest {
        None => Verdict::pass("no manifest (no host functions)"),
        Some(Ok(m)) if m.ignored.is_empty() => {
            Verdict::pass(format!("manifest `{}` {} is valid", m.name, m.version))
        }
        Some(Ok(m)) => Verdict::pass(format!(
            "manifest `{}` {} is valid; the host ignores: {}",
            m.name,
            m.version,
            m.ignored.join("; ")
        )),
        Some(Err(e)) => Verdict::fail(e.clone()),
    })
}

const LS_LOAD_008: Check = CATALOG.check(
    "LS-LOAD-008",
    "instantiates",
    "Lesstruct discovers and loads the plugin at startup.",
    Severity::Required,
    "wat:start_traps",
    ls_load_008,
);

fn ls_load_008(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let mut host = match host(w) {
            Ok(h) => h,
            Err(v) => return v,
        };
        match host.plugins_mut()[0].instantiate_now() {
            Ok(()) => {
                Verdict::pass("instantiates (the host runs a start section, never `_initialize`)")
            }
            Err(f) => {
                let evidence = format!("instantiation failed: {f}");
                Verdict::failed(f, evidence)
            }
        }
    })
}

const LS_MEM_005: Check = CATALOG.check(
    "LS-MEM-005",
    "no data in the input area",
    "The host writes the input at offset 65536 into memory the plugin also owns.",
    Severity::Required,
    "wat:data_at_input",
    ls_mem_005,
);

fn ls_mem_005(s: &Subject) -> Verdict {
    data_rule(s, 65_536, 65_536, "input area", false)
}

const LS_MEM_006: Check = CATALOG.check(
    "LS-MEM-006",
    "no data in the host-answer area",
    "Host-function results are written at offset 4096; each call overwrites the last.",
    Severity::Required,
    "wat:data_at_result_area",
    ls_mem_006,
);

fn ls_mem_006(s: &Subject) -> Verdict {
    data_rule(s, 4_096, 4_096, "host-answer area", true)
}
/// The linker settings that keep a Rust plugin's stack and data above the
/// host's areas (see the pdk's `lesstruct` module).
const LAYOUT_FIX: &str = "link with `-C link-arg=--no-stack-first -C link-arg=--global-base=2097152` (or, in the plugin's build.rs when the target arch is wasm32, print `cargo::rustc-link-arg=--no-stack-first` and `cargo::rustc-link-arg=--global-base=2097152`): data then starts at 2 MiB and the stack lies above it, clear of the host's areas";

/// A post as large as the host takes (its API reads 1 MiB of body).
fn large_post() -> Value {
    let mut post = lesstruct_contents().swap_remove(0);
    let filler = usize::try_from(LARGEST_INPUT).unwrap_or(1 << 20) - 8 * 1024;
    post["content"] = Value::String("word ".repeat(filler / 5));
    post
}

const LS_MEM_007: Check = CATALOG
    .check(
        "LS-MEM-007",
        "stack clear of the host's areas; a post as large as the host takes works",
        "The host writes the input at offset 65536 and host-function answers at 4096, in the plugin's own memory.",
        Severity::Required,
        "wat:stack_first",
        ls_mem_007,
    )
    .on_host(
        Basis::Both,
        "internal/plugin/registry/discover.go:13-31 (input at 65536; a memory too small for it fails the save) and internal/api/routes/routes.go:113 (bodies up to 1 MiB)",
    );
fn ls_mem_007(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let Some(layout) = layout(&w.binary) else {
            return Verdict::skip("the module's sections could not be read");
        };
        let areas = [
            ("host-answer area", 4_096, 65_536 - 4_096),
            ("input area", 65_536, LARGEST_INPUT),
        ];
        for (area, start, len) in areas {
            if layout.stack_overlaps(start, len) {
                return Verdict::fail(format!(
                    "the stack can reach the {area} [{start}, {}): {layout}. The host writes there, so a deep call or a large input corrupts one or the other; {LAYOUT_FIX}",
                    start + len
                ));
            }
        }
        // The layout is clear: now a post as large as the host takes, whose
        // result must come back as the small post's does.
        let mut small_host = match host(w) {
            Ok(h) => h,
            Err(v) => return v,
        };
        let mut large_host = match host(w) {
            Ok(h) => h,
            Err(v) => return v,
        };
        let small = small_host.before_save(lesstruct_contents().swap_remove(0));
        let large = large_host.before_save(large_post());
        let outcome = |run: &SaveRun| run.trace.steps.first().map(|s| s.outcome.clone());
        let calls = large.trace.steps.len();
        if calls == 0 {
            return Verdict::pass(format!(
                "{layout}; the plugin has no before_save, so no input reaches it"
            ));
        }
        match (outcome(&small), outcome(&large)) {
            (_, Some(Outcome::Error { error }))
                if error.failure.bad_output_kind() == Some(BadOutput::InputTooLarge) =>
            {
                Verdict::failed(
                    error.failure.clone(),
                    format!(
                        "a {} KiB post (the largest the host takes) does not fit: {error}; layout: {layout}",
                        LARGEST_INPUT / 1024
                    ),
                )
            }
            (Some(Outcome::Error { .. }), Some(Outcome::Error { .. })) => Verdict::pass(format!(
                "{layout}; the hook fails on a small post too (see LS-HOOK-001), so a large one tells nothing more"
            )),
            (_, Some(Outcome::Error { error })) => Verdict::failed(
                error.failure.clone(),
                format!(
                    "on a {} KiB post (the largest the host takes) the hook failed: {error}; layout: {layout}. The host writes the input at 65536: declare memory for 65536 + {LARGEST_INPUT} bytes, or {LAYOUT_FIX}",
                    LARGEST_INPUT / 1024
                ),
            ),
            (Some(Outcome::Modified { .. }), Some(Outcome::Continue)) => Verdict::fail(format!(
                "on a small post the hook returns a change, on a {} KiB post it changes nothing: the large input was lost (layout: {layout}); {LAYOUT_FIX}",
                LARGEST_INPUT / 1024
            )),
            _ if large.saved != small.saved || large.status != small.status => {
                Verdict::fail(format!(
                    "a small post saves with {}, a {} KiB post with {} ({}); layout: {layout}",
                    small.status,
                    LARGEST_INPUT / 1024,
                    large.status,
                    large.error.as_deref().unwrap_or("no error")
                ))
            }
            _ => Verdict::pass(format!(
                "{layout}; a {} KiB post comes back as a small one does",
                LARGEST_INPUT / 1024
            ))
            .with_calls(calls),
        }
    })
}

const LS_OUT_005: Check = CATALOG
    .check(
        "LS-OUT-005",
        "a result shorter than its input has its length",
        "Export __hook_result_len(input_len) returning the result's length; without it the host reads input_len bytes.",
        Severity::Required,
        "wat:short_result_no_len",
        ls_out_005,
    )
    .on_host(
        Basis::Both,
        "internal/plugin/registry/discover.go:56-73 (no __hook_result_len: the input's length) and internal/domain/content/service.go:273-291 (an unreadable result is dropped in silence)",
    )
.judging(Judges::calls(&["before_save"], &[Answer::Modify], "before_save result", RESULT_HINT));
fn ls_out_005(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let facts = match facts(w) {
            Ok(f) => f,
            Err(e) => return Verdict::skip(e),
        };
        if facts.has_result_len {
            return Verdict::pass(
                "exports __hook_result_len: the host reads the result's own length",
            );
        }
        let mut host = match host(w) {
            Ok(h) => h,
            Err(v) => return v,
        };
        let plugin = &mut host.plugins_mut()[0];
        if !plugin.has_hook("before_save") {
            return Verdict::skip("exports no hook_before_save");
        }
        let name = plugin.name().to_owned();
        let (mut calls, mut tally, mut not_json) = (0, Tally::default(), 0);
        for (_, content) in contents(w) {
            let input = serde_json::to_vec(&content).unwrap_or_default();
            let bytes = match plugin.call_hook("before_save", &input) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => {
                    tally.add_outcome(&Outcome::Continue);
                    continue;
                }
                Err(f) => {
                    tally.add_outcome(&Outcome::error(&name, BEFORE_SAVE, f));
                    continue;
                }
            };
            tally.add_outcome(&Outcome::Continue);
            calls += 1;
            // What the host reads is the input's length; a result of its
            // own length would parse as one value with nothing after it.
            let mut values = serde_json::Deserializer::from_slice(&bytes).into_iter::<Value>();
            match values.next() {
                Some(Ok(_)) => {
                    let used = values.byte_offset();
                    let rest = bytes.get(used..).unwrap_or_default();
                    if rest.iter().any(|b| !b.is_ascii_whitespace()) {
                        return Verdict::fail(format!(
                            "exports no __hook_result_len, so the host reads as many bytes as the input had ({}): the result is {used} bytes and {} bytes of leftover memory follow it, which Go cannot unmarshal — the change is dropped. Export `__hook_result_len` returning the result's length",
                            bytes.len(),
                            rest.len()
                        ));
                    }
                }
                Some(Err(e)) if e.is_eof() => {
                    return Verdict::fail(format!(
                        "exports no __hook_result_len, so the host reads only as many bytes as the input had ({}), which cuts the result short — the change is dropped. Export `__hook_result_len` returning the result's length",
                        bytes.len()
                    ));
                }
                // Not JSON at all: LS-OUT-002's business.
                _ => {
                    calls -= 1;
                    not_json += 1;
                }
            }
        }
        if let Some(v) = tally.nothing_returned(CHECKS) {
            return v;
        }
        if calls == 0 && not_json > 0 {
            return Verdict::no_valid_output(
                "LS-OUT-002",
                format!("none of the {not_json} results is JSON, so no length can be measured"),
            );
        }
        if calls == 0 {
            return Verdict::unverified(
                format!(
                    "unverified: no result came back over {} calls (every call answered \"no change\")",
                    tally.returned
                ),
                RESULT_HINT,
            )
            .with_calls(tally.returned);
        }
        Verdict::pass(format!(
            "no __hook_result_len, but each of {calls} results is exactly as long as its input"
        ))
        .with_calls(calls)
    })
}

/// The keys of the hook data a result must keep for the next plugin.
const HOOK_DATA_KEYS: [&str; 7] = [
    "contentId",
    "userId",
    "title",
    "content",
    "tags",
    "status",
    "postType",
];

const LS_CHAIN_001: Check = CATALOG
    .check(
        "LS-CHAIN-001",
        "results keep the hook data for the next plugin",
        "Each hook's result is a JSON object containing (at most) customFields; plugins run in order, each seeing the previous one's output.",
        Severity::Required,
        "wasm:only_custom_fields",
        ls_chain_001,
    )
    .on_host(
        Basis::Host,
        "internal/plugin/registry/registry.go:57-147 (each plugin gets the previous plugin's raw result as its input)",
    )
.judging(Judges::calls(&["before_save"], &[Answer::Modify], "before_save result", RESULT_HINT));
fn ls_chain_001(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let saved = match saved(w) {
            Ok(saved) => saved,
            Err(v) => return v,
        };
        let mut results = 0;
        let calls: usize = saved.runs.iter().map(|r| r.trace.steps.len()).sum();
        for (run, (label, _)) in saved.runs.iter().zip(contents(w)) {
            for step in &run.trace.steps {
                let (Some(input), Outcome::Modified { output }) = (&step.input, &step.outcome)
                else {
                    continue;
                };
                results += 1;
                let Ok(Value::Object(before)) = serde_json::from_slice::<Value>(&input.0) else {
                    continue;
                };
                // A result the host cannot read is LS-OUT's to judge.
                let Ok(Value::Object(after)) = serde_json::from_slice::<Value>(&output.0) else {
                    continue;
                };
                let dropped: Vec<&str> = HOOK_DATA_KEYS
                    .into_iter()
                    .filter(|k| before.contains_key(*k) && !after.contains_key(*k))
                    .collect();
                if !dropped.is_empty() {
                    return Verdict::fail(format!(
                        "{label}: the result drops {dropped:?}. The host reads back only `customFields`, but it hands this result to the next plugin as that plugin's input, which then sees no {}. Return the whole hook data with your `customFields`: it works on both",
                        dropped.join(", ")
                    ))
                    .with_calls(calls);
                }
            }
        }
        if results == 0 {
            let mut tally = Tally::default();
            saved.runs.iter().for_each(|r| tally.add(&r.trace));
            if let Some(v) = tally.nothing_returned(CHECKS) {
                return v;
            }
            return Verdict::unverified(
                format!("unverified: no before_save result came back over {calls} calls"),
                RESULT_HINT,
            )
            .with_calls(calls);
        }
        Verdict::pass(format!(
            "{results} result(s) over {calls} calls, each keeping the hook data for the next plugin"
        ))
        .with_calls(results)
    })
}

const LS_HOOK_003: Check = CATALOG.check(
    "LS-HOOK-003",
    "does not grow memory to the limit",
    "The real host's default: 64 MiB memory.",
    Severity::Recommended,
    "wat:grow_bomb",
    ls_hook_003,
)
.on_host(
    Basis::Docs,
    "internal/plugin/runtime/runtime.go:43-46 (the 64 MiB default never reaches wazero: the host lets a plugin grow to 4 GiB; hookcheck keeps its cap)",
);

fn ls_hook_003(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let size = match saved(w) {
            Ok(saved) => saved.memory_size,
            Err(v) => return v,
        };
        let limit = w.limits.memory_bytes as u64;
        if size + 65_536 >= limit {
            Verdict::fail(format!(
                "memory grew to {size} bytes, the store's limit is {limit}: the plugin grows until refused"
            ))
        } else {
            Verdict::pass(format!(
                "memory is {size} bytes after the inputs (limit {limit})"
            ))
        }
    })
}

const LS_HOOK_005: Check = CATALOG.check(
    "LS-HOOK-005",
    "changes only `customFields`",
    "From a before_save result the host reads back only customFields; other keys are ignored (a plugin that edits title has a bug the host hides).",
    Severity::Required,
    "wat:edits_title",
    ls_hook_005,
)
.judging(Judges::calls(&["before_save"], &[Answer::Modify], "before_save result that edits the post", RESULT_HINT));
fn ls_hook_005(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let (results, tally) = match raw_results(w, "before_save") {
            Ok(Some(r)) => r,
            Ok(None) => return Verdict::skip("the plugin exports no hook_before_save"),
            Err(v) => return v,
        };
        let inputs = contents(w);
        let mut judged = 0;
        for (i, result) in &results {
            // A rejection is LS-HOOK-009's to judge: its `error` is not an
            // edit of the post.
            if is_rejection(result) {
                continue;
            }
            let Some(obj) = result.as_object() else {
                continue;
            };
            judged += 1;
            let changed: Vec<&String> = obj
                .iter()
                .filter(|(k, v)| *k != "customFields" && inputs[*i].1.get(k.as_str()) != Some(v))
                .map(|(k, _)| k)
                .collect();
            if !changed.is_empty() {
                return Verdict::fail(format!(
                    "on {} the result changes {changed:?}; the host reads back only `customFields`, so in production the post is saved without that change",
                    inputs[*i].0
                ));
            }
        }
        if let Some(v) = tally.nothing_returned(CHECKS) {
            return v;
        }
        if judged == 0 {
            return Verdict::unverified(
                format!(
                    "unverified: no result that edits the post came back over {} calls",
                    tally.returned
                ),
                RESULT_HINT,
            )
            .with_calls(tally.returned);
        }
        Verdict::pass(format!(
            "{judged} results over {} calls change nothing but customFields",
            tally.returned
        ))
        .with_calls(judged)
    })
}

const LS_HOOK_006: Check = CATALOG.check(
    "LS-HOOK-006",
    "after_* hooks write no customFields",
    "after_create and after_publish hooks can read but should not write system fields — their results are not stored.",
    Severity::Recommended,
    "wat:after_create_writes",
    ls_hook_006,
);

fn ls_hook_006(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let mut all = Tally::default();
        let mut exported = false;
        for hook in ["after_create", "after_publish"] {
            let (results, tally) = match raw_results(w, hook) {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(v) => return v,
            };
            exported = true;
            let inputs = contents(w);
            if let Some((i, r)) = results.iter().find(|(i, r)| {
                r.get("customFields")
                    .is_some_and(|c| Some(c) != inputs[*i].1.get("customFields"))
            }) {
                return Verdict::fail(format!(
                    "hook_{hook} returns new customFields on {} ({}): after_* results are never stored",
                    inputs[*i].0, r["customFields"]
                ));
            }
            all.returned += tally.returned;
            all.failed += tally.failed;
            if all.first.is_none() {
                all.first = tally.first;
            }
        }
        if !exported {
            return Verdict::skip("the plugin exports no after_* hook");
        }
        if let Some(v) = all.nothing_returned(CHECKS) {
            return v;
        }
        Verdict::pass(format!(
            "after_* hooks write no customFields over {} calls",
            all.returned
        ))
        .with_calls(all.returned)
    })
}

const LS_HOOK_007: Check = CATALOG.check(
    "LS-HOOK-007",
    "deterministic",
    "The same input twice gives the same result (hooks are called once per save, in any process).",
    Severity::Required,
    "wat:nondeterministic",
    ls_hook_007,
);

fn ls_hook_007(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let mut host = match host(w) {
            Ok(h) => h,
            Err(v) => return v,
        };
        let plugin = &mut host.plugins_mut()[0];
        if !plugin.has_hook("before_save") {
            return Verdict::skip("the plugin exports no hook_before_save");
        }
        let name = plugin.name().to_owned();
        let (mut compared, mut tally) = (0, Tally::default());
        for (label, content) in contents(w) {
            let input = serde_json::to_vec(&content).unwrap_or_default();
            let first = plugin.call_hook("before_save", &input);
            let second = plugin.call_hook("before_save", &input);
            let mut failed = false;
            for result in [&first, &second] {
                match result {
                    Ok(_) => tally.add_outcome(&Outcome::Continue),
                    Err(f) => {
                        failed = true;
                        tally.add_outcome(&Outcome::error(&name, BEFORE_SAVE, f.clone()));
                    }
                }
            }
            // A call that failed says nothing about determinism: a second
            // call after a trap runs on the instance the trap left (as on
            // the host), so a difference is the trap's, which its own
            // check owns.
            if failed {
                continue;
            }
            compared += 1;
            if first != second {
                let show = |r: &Result<Option<Vec<u8>>, Failure>| match r {
                    Ok(Some(b)) => String::from_utf8_lossy(b).into_owned(),
                    Ok(None) => "no change".into(),
                    Err(f) => f.to_string(),
                };
                return Verdict::fail(format!(
                    "{label} twice gave different results: {} then {}",
                    show(&first),
                    show(&second)
                ));
            }
        }
        if compared == 0 {
            if let Some(v) = tally.nothing_returned(CHECKS) {
                return v;
            }
            if let Some(first) = &tally.first {
                let cause = crate::check::owner(CHECKS, first).unwrap_or("the other checks");
                return Verdict::no_valid_output(
                    cause,
                    format!("a call failed on every input, the first: {first}"),
                );
            }
        }
        let failed = if tally.failed > 0 {
            format!(
                "; {} calls failed and are not judged here (see {})",
                tally.failed,
                tally
                    .first
                    .as_ref()
                    .and_then(|f| crate::check::owner(CHECKS, f))
                    .unwrap_or("the other checks")
            )
        } else {
            String::new()
        };
        Verdict::pass(format!(
            "the same input gives the same result on {compared} inputs called twice{failed}"
        ))
        .with_calls(compared * 2)
    })
}
/// Whether a save's before_save hooks changed the post: a result came back.
fn changed(run: &SaveRun) -> bool {
    run.trace
        .steps
        .iter()
        .any(|s| matches!(s.outcome, Outcome::Modified { .. }))
}

/// The verdict for a check about saves the hooks changed when none did:
/// no valid output (every call failed), or unverified.
fn no_change_seen(runs: &[SaveRun]) -> Verdict {
    let mut tally = Tally::default();
    runs.iter().for_each(|r| tally.add(&r.trace));
    if let Some(v) = tally.nothing_returned(CHECKS) {
        return v;
    }
    Verdict::unverified(
        format!(
            "unverified: no save came back changed over {} before_save calls",
            tally.returned
        ),
        RESULT_HINT,
    )
    .with_calls(tally.returned)
}

const LS_HOOK_008: Check = CATALOG.check(
    "LS-HOOK-008",
    "idempotent",
    "Saving an item the hooks already produced changes nothing more (updates re-run before_save).",
    Severity::Recommended,
    "wasm:not_idempotent",
    ls_hook_008,
)
.judging(Judges::calls(&["before_save"], &[Answer::Modify], "save the hooks changed", RESULT_HINT));
fn ls_hook_008(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let (mut host, runs) = match saves(w) {
            Ok(r) => r,
            Err(v) => return v,
        };
        let mut calls = 0;
        for (i, run) in runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.saved && changed(r))
        {
            let again = host.before_save(run.content.clone());
            calls += usize::from(again.saved);
            if again.saved && again.content["customFields"] != run.content["customFields"] {
                return Verdict::fail(format!(
                    "saving the saved content of input #{i} changes customFields again: {} then {}",
                    run.content["customFields"], again.content["customFields"]
                ));
            }
        }
        if calls == 0 {
            return no_change_seen(&runs);
        }
        Verdict::pass(format!(
            "saving a saved item changes nothing more ({calls} changed items saved twice)"
        ))
        .with_calls(calls)
    })
}

const LS_ORDER_001: Check = CATALOG.check(
    "LS-ORDER-001",
    "keeps fields it does not own",
    "Plugins load alphabetically and each before_save sees the previous output; a result that drops other fields makes the outcome depend on load order.",
    Severity::Required,
    "wat:clobbers_custom_fields",
    ls_order_001,
)
.judging(Judges::calls(&["before_save"], &[Answer::Modify], "save the hooks changed", RESULT_HINT));
fn ls_order_001(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let runs = match saved(w) {
            Ok(saved) => &saved.runs,
            Err(v) => return v,
        };
        let mut calls = 0;
        for (run, (label, input)) in runs
            .iter()
            .zip(contents(w))
            .filter(|(r, _)| r.saved && changed(r))
        {
            let Some(before) = input["customFields"].as_object() else {
                continue;
            };
            calls += 1;
            let dropped: Vec<&String> = before
                .keys()
                .filter(|k| run.content["customFields"].get(k.as_str()).is_none())
                .collect();
            if !dropped.is_empty() {
                return Verdict::fail(format!(
                    "on {label} the result drops customFields {dropped:?} it did not set: in a chain, whichever plugin runs last wins, so load order decides the content"
                ));
            }
        }
        if calls == 0 {
            return no_change_seen(runs);
        }
        Verdict::pass(format!(
            "keeps every custom field it does not own over {calls} changed saves, so its place in the load order does not matter"
        ))
        .with_calls(calls)
    })
}

const LS_HOOK_009: Check = CATALOG
    .check(
        "LS-HOOK-009",
        "a rejection stops the save",
        "When a hook returns an error, the request fails: the content service maps the error to a 500 response and the content is not saved (for before_save).",
        Severity::Required,
        "wat:rejects_with_result",
        ls_hook_009,
    )
    .on_host(
        Basis::Host,
        "internal/domain/content/service.go:273-291 (only `customFields` is read back from a result) and 515-518 (only a failed hook call, an error from executing the module, fails the save with 500)",
    );
/// A rejection, in the plugin's words, that the host ignores: the post is
/// saved anyway.
fn ls_hook_009(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let saved = match saved(w) {
            Ok(saved) => saved,
            Err(v) => return v,
        };
        let (mut calls, mut rejections) = (0, 0);
        for (run, (label, _)) in saved.runs.iter().zip(contents(w)) {
            for step in &run.trace.steps {
                calls += 1;
                if step.answer() != Answer::Reject {
                    continue;
                }
                rejections += 1;
                if run.saved {
                    let result = match &step.outcome {
                        Outcome::Modified { output } => {
                            let text = String::from_utf8_lossy(&output.0);
                            let mut shown: String = text.chars().take(160).collect();
                            if text.chars().count() > 160 {
                                shown.push('…');
                            }
                            shown
                        }
                        _ => "a rejection".into(),
                    };
                    return Verdict::fail(format!(
                        "before_save on {label} returned {result}: a rejection in the plugin's words, but the host reads back only `customFields` from a result, so in production the post is saved anyway (status {}). On Lesstruct only a failed hook call stops a save: 500, nothing saved. To reject, make the call fail: trap (`unreachable`; in Rust `core::arch::wasm32::unreachable()`)",
                        run.status
                    ))
                    .with_calls(calls);
                }
            }
        }
        if calls == 0 {
            return Verdict::skip("the plugin exports no hook_before_save");
        }
        // Like any rule against one kind of result, it judges every result
        // the plugin gave: no result rejected a post (a rejection by a
        // failed call is the host's way, and LS-HOOK-001's business).
        if rejections == 0 {
            return Verdict::pass(format!(
                "no before_save result rejects a post over {calls} calls (on this host a rejection is a failed call)"
            ))
            .with_calls(calls);
        }
        Verdict::pass(format!(
            "{rejections} rejection(s) over {calls} calls, each stopping the save"
        ))
        .with_calls(rejections)
    })
}

const LS_ROB_001: Check = CATALOG.check(
    "LS-ROB-001",
    "robust on valid inputs",
    "Valid hook data (the eight keys, empty values included) never makes a plugin fail.",
    Severity::Required,
    "wasm:traps_on_empty_custom_fields",
    ls_rob_001,
);

fn ls_rob_001(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let mut host = match host(w) {
            Ok(h) => h,
            Err(v) => return v,
        };
        let mut calls = 0;
        for (label, content) in contents(w) {
            let save = host.before_save(content.clone());
            let traces = [
                save.trace,
                host.after_create(&content),
                host.after_publish(&content),
            ];
            for step in traces.iter().flat_map(|t| t.steps.iter()) {
                if let Outcome::Error { error } = &step.outcome {
                    return Verdict::failed(error.failure.clone(), format!("{label}: {error}"))
                        .with_help(initializer_help(s, &error.failure));
                }
                calls += 1;
            }
        }
        Verdict::pass(format!(
            "{} inputs through every invoked hook, {calls} calls, no error",
            contents(w).len()
        ))
        .with_calls(calls)
    })
}
/// Whether the module imports a `lesstruct` host function.
fn imports_host_functions(w: &WasmSubject) -> bool {
    facts(w).is_ok_and(|f| f.imports.iter().any(|i| i.starts_with("lesstruct.")))
}

const LS_CAP_001: Check = CATALOG
    .check(
        "LS-CAP-001",
        "host calls stay within the manifest",
        "URLs must match an allowlist pattern; every table touched needs read:<t> / write:<t>.",
        Severity::Required,
        "wasm:sneaky_db",
        ls_cap_001,
    )
    .judging(Judges::calls(&[], &[], "host function call", RESULT_HINT));
fn ls_cap_001(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let saved = match saved(w) {
            Ok(saved) => saved,
            Err(v) => return v,
        };
        match saved.denied.first() {
            Some(first) => Verdict::fail(format!(
                "{} host call(s) refused under the manifest, first: {first}",
                saved.refused
            )),
            None if !imports_host_functions(w) => Verdict::skip(
                "the module imports no host function, so no host call can leave the manifest",
            ),
            None if saved.host_calls == 0 => {
                let calls: usize = saved.traces().map(returned).sum();
                Verdict::unverified(
                    format!("unverified: no host function was called over {calls} hook calls"),
                    "if the plugin calls the host only for some posts, give one that makes it: a recorded insert or update in `--inputs DIR`",
                )
                .with_calls(calls)
            }
            None => {
                let calls = saved.traces().map(returned).sum();
                Verdict::pass(format!(
                    "every one of {} host calls stayed within the manifest over {calls} hook calls",
                    saved.host_calls
                ))
                .with_calls(calls)
            }
        }
    })
}

const LS_CAP_002: Check = CATALOG.check(
    "LS-CAP-002",
    "declares only capabilities it uses",
    "capabilities.http / capabilities.database are set if the plugin uses http_* / db_*.",
    Severity::Recommended,
    "wat:overgranted",
    ls_cap_002,
);

fn ls_cap_002(s: &Subject) -> Verdict {
    on_wasm(s, |w| {
        let Some(Ok(manifest)) = &w.manifest else {
            return Verdict::pass("no capabilities declared");
        };
        let f = match facts(w) {
            Ok(f) => f,
            Err(e) => return Verdict::skip(e),
        };
        let imports = |p: &str| f.imports.iter().any(|i| i.starts_with(p));
        let mut unused = Vec::new();
        if !manifest.http.is_empty() && !imports("lesstruct.http_") {
            unused.push(format!("http {:?}", manifest.http));
        }
        if !manifest.database.is_empty() && !imports("lesstruct.db_") {
            unused.push(format!("database ({} grants)", manifest.database.len()));
        }
        if unused.is_empty() {
            Verdict::pass("every declared capability has an import that uses it")
        } else {
            Verdict::fail(format!(
                "the manifest grants {} but the module imports no function that uses it",
                unused.join(" and ")
            ))
        }
    })
}

/// The suite: these checks, with the coverage of the shared exercise.
pub(crate) const SUITE: Suite = Suite {
    contract: CATALOG.profile,
    checks: CHECKS,
    coverage: suite_coverage,
};

fn suite_coverage(s: &Subject) -> Coverage {
    match s.kind::<WasmSubject>() {
        Some(w) => coverage(w),
        None => Coverage::nothing("not a WASM subject"),
    }
}

const CHECKS: &[Check] = &[
    LS_LOAD_001,
    LS_LOAD_002,
    LS_LOAD_003,
    LS_LOAD_004,
    LS_LOAD_005,
    LS_LOAD_006,
    LS_LOAD_007,
    LS_LOAD_008,
    CATALOG.row(
        "LS-MEM-001",
        "result offset lies in memory",
        "The host reads the result from the returned offset; a read outside memory is an error.",
        Severity::Required,
        "wat:oob_offset",
        "every result offset lies in memory",
        |e| oob(&e.failure).is_some_and(|(o, _, m)| o < 1 << 31 && o >= m),
    ),
    CATALOG.row(
        "LS-MEM-002",
        "result offset is not negative",
        "Offsets are i32 wasm addresses; a negative one points past 2 GiB.",
        Severity::Required,
        "wat:negative_offset",
        "no negative result offset",
        |e| oob(&e.failure).is_some_and(|(o, _, _)| o >= 1 << 31),
    ),
    CATALOG.row(
        "LS-MEM-003",
        "offset + length does not wrap",
        "The result range [offset, offset + len) must be a range in memory, not a 32-bit wrap.",
        Severity::Required,
        "wat:wrapping",
        "no offset + length wraps past 2^32",
        |e| oob(&e.failure).is_some_and(|(o, l, _)| o + l > u64::from(u32::MAX)),
    ),
    CATALOG.row(
        "LS-MEM-004",
        "`__hook_result_len` stays in memory",
        "The result length is __hook_result_len(input_len) when exported; a read outside memory is an error.",
        Severity::Required,
        "wat:lying_len",
        "every result length stays in memory",
        |e| {
            oob(&e.failure)
                .is_some_and(|(o, l, m)| o < m && o + l > m && o + l <= u64::from(u32::MAX))
        },
    ),
    LS_MEM_005,
    LS_MEM_007,
    LS_MEM_006,
    LS_OUT_005,
    CATALOG.row(
        "LS-OUT-001",
        "results are UTF-8",
        "All data passed through hooks is JSON-encoded bytes (UTF-8).",
        Severity::Recommended,
        "wat:invalid_utf8",
        "every result is UTF-8",
        |e| e.failure.bad_output_kind() == Some(BadOutput::NotUtf8),
    )
    .tolerated()
    .judging(Judges::calls(
        &["before_save"],
        &[Answer::Modify, Answer::Reject],
        "before_save result",
        RESULT_HINT,
    ))
    .on_host(
        Basis::Docs,
        "internal/domain/content/service.go:273-291 (Go replaces invalid UTF-8 with U+FFFD, no error)",
    ),
    CATALOG.row(
        "LS-OUT-002",
        "results are JSON",
        "All data passed through hooks is JSON-encoded bytes (UTF-8).",
        Severity::Required,
        "wat:invalid_json",
        "every result is JSON",
        |e| e.failure.bad_output_kind() == Some(BadOutput::NotJson),
    )
    .tolerated()
    .judging(Judges::calls(
        &["before_save"],
        &[Answer::Modify, Answer::Reject],
        "before_save result",
        RESULT_HINT,
    ))
    .on_host(Basis::Both, "internal/domain/content/service.go:273-291 (a result Go cannot unmarshal into the hook data is ignored, silently: the save succeeds without the plugin's change)"),
    CATALOG.row(
        "LS-OUT-003",
        "results are JSON objects",
        "Each hook's result is a JSON object containing (at most) customFields.",
        Severity::Required,
        "wat:returns_array",
        "every result is a JSON object the host can read",
        |e| {
            matches!(
                e.failure.bad_output_kind(),
                Some(BadOutput::NotObject | BadOutput::WrongShape)
            )
        },
    )
    .tolerated()
    .judging(Judges::calls(
        &["before_save"],
        &[Answer::Modify, Answer::Reject],
        "before_save result",
        RESULT_HINT,
    ))
    .on_host(Basis::Both, "internal/domain/content/service.go:273-291 (a result Go cannot unmarshal into the hook data is ignored, silently: the save succeeds without the plugin's change)"),
    CATALOG.row(
        "LS-OUT-004",
        "`customFields` is an object",
        "The host only reads back the customFields key; customFields is a JSON map.",
        Severity::Required,
        "wat:custom_fields_string",
        "`customFields` is always an object",
        |e| e.failure.bad_output_kind() == Some(BadOutput::CustomFieldsNotObject),
    )
    .tolerated()
    .judging(Judges::calls(
        &["before_save"],
        &[Answer::Modify, Answer::Reject],
        "before_save result",
        RESULT_HINT,
    ))
    .on_host(Basis::Both, "internal/domain/content/service.go:273-291 (a result Go cannot unmarshal into the hook data is ignored, silently: the save succeeds without the plugin's change)"),
    LS_CHAIN_001,
    CATALOG.row(
        "LS-HOOK-001",
        "before_save does not trap",
        "A before_save error (trap, bad result) → 500, content not saved.",
        Severity::Required,
        "wat:trap",
        "no trap",
        |e| matches!(e.failure, Failure::Trap { code, .. } if code != TrapCode::StackOverflow),
    )
    .help_for(initializer_help),
    CATALOG.row(
        "LS-HOOK-002",
        "returns within the deadline",
        "The real host's default: 30 s execution time per call (checked here with 2 s).",
        Severity::Required,
        "wat:infinite_loop",
        "every call returns within the deadline",
        |e| matches!(e.failure, Failure::Timeout { .. }),
    ),
    LS_HOOK_003,
    CATALOG.row(
        "LS-HOOK-004",
        "no stack overflow",
        "A before_save error (trap) → 500, content not saved.",
        Severity::Required,
        "wat:deep_recursion",
        "no stack overflow",
        |e| {
            matches!(
                e.failure,
                Failure::Trap {
                    code: TrapCode::StackOverflow,
                    ..
                }
            )
        },
    )
    .help_for(initializer_help),
    LS_HOOK_005,
    LS_HOOK_006,
    LS_HOOK_007,
    LS_HOOK_008,
    LS_HOOK_009,
    LS_ORDER_001,
    LS_ROB_001,
    LS_CAP_001,
    LS_CAP_002,
];
