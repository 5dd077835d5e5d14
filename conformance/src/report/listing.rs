//! The catalog as `hookcheck checks` and `hookcheck explain` print it.

use std::fmt::Write as _;

use hookcheck::engine::{CodeEffect, Profile};

use crate::check::Check;

/// One line per check (id, profile, severity, how it decides, title), then
/// the count.
pub fn checks_listing(checks: &[&Check]) -> String {
    let mut out = String::new();
    for c in checks {
        let _ = writeln!(
            out,
            "{:<14} {:<11} {:<12} {:<4} {}",
            c.id,
            c.profile.to_string(),
            c.severity.to_string(),
            if c.is_row() { "row" } else { "fn" },
            c.title
        );
    }
    let rows = checks.iter().filter(|c| c.is_row()).count();
    let _ = writeln!(
        out,
        "\n{} checks ({rows} rows: a classifier over typed hook outcomes; fn: a check with its own inputs)",
        checks.len()
    );
    out
}

/// How hookcheck judges when a host's documents and its code disagree.
const JUDGING: &str = "When the documents and the host's code disagree, hookcheck's hosts behave like the code at the pinned commit: breaking the documents where the host tolerates it is a warning (basis `docs`, recommended), following the documents where the host breaks it is a failure naming the host's code (basis `host`), and where the host is less safe than its documents hookcheck keeps the safe behaviour. `hookcheck divergences` lists every known difference.";

/// Everything `explain` says about one check: the rule, its source, the
/// fixture that breaks it, how it decides, its lesson (why hosts care, a
/// bad and a good plugin, the fix), and the rows of the return-code
/// tables it reads — the same tables the host executes.
pub fn explanation(c: &Check) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}\n", c.id, c.title);
    let _ = writeln!(out, "profile:   {}", c.profile);
    let _ = writeln!(out, "severity:  {}", c.severity);
    let _ = writeln!(out, "rule:      {}", c.rule);
    let cited = super::contract_docs::citation(c.profile, c.id);
    match &cited {
        Some(cite) => {
            let _ = writeln!(out, "source:    {} {}", cite.path, cite.sections.join(", "));
        }
        None => {
            let _ = writeln!(out, "source:    {}", c.source);
        }
    }
    let _ = writeln!(out, "basis:     {}", c.basis);
    if let Some(host) = c.host_source {
        let _ = writeln!(out, "host code: {host}");
    }
    let _ = writeln!(
        out,
        "breaks it: {} — {} (a fixture plugin that fails this check; try `hookcheck conformance {}`)",
        c.breaker,
        breaker_source(c.breaker),
        breaker_argument(c.breaker)
    );
    let decides = match &c.decide {
        crate::check::Decide::Row(row) => format!(
            "row: fails on the first hook call of the shared exercise whose typed failure breaks the rule; a pass means \"{} over N hook calls\"",
            row.ok
        ),
        crate::check::Decide::Function(_) => "its own inputs (see the evidence)".to_owned(),
    };
    let _ = writeln!(out, "decides:   {decides}");
    if let Some(lesson) = super::lesson(c.profile, c.id) {
        let _ = writeln!(out, "\nWhy hosts care: {}", lesson.why);
        let _ = writeln!(out, "\nA plugin that breaks it:\n");
        for line in lesson.bad.lines() {
            let _ = writeln!(out, "  {line}");
        }
        let _ = writeln!(out, "\nA plugin that keeps it:\n");
        for line in lesson.good.lines() {
            let _ = writeln!(out, "  {line}");
        }
        let _ = writeln!(out, "\nFix: {}", lesson.fix);
        let _ = writeln!(out, "(from {})", lesson.path);
    }
    if let Some(cite) = &cited {
        let _ = writeln!(
            out,
            "\nThe contract, as {} {} states it:\n",
            cite.path,
            cite.sections.first().map_or("", String::as_str)
        );
        for line in cite.text.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = writeln!(out, "\n{}", JUDGING);
    let tables = Profile::builtin(c.profile)
        .map(|p| p.codes)
        .unwrap_or_default();
    for hook in c.codes {
        if let Some(table) = tables.iter().find(|t| t.hook == *hook) {
            let _ = writeln!(out, "\nreturn codes of {hook} (as the host executes them):");
            for m in table.codes {
                let _ = writeln!(out, "  {:>3}  {:<26} {}", m.code, m.name, m.meaning);
            }
            let _ = writeln!(out, "  < 0  {:<26} {}", "(negative)", table.negative);
            let _ = writeln!(
                out,
                "  else {:<26} {} ({})",
                "(undefined)",
                table.otherwise_meaning,
                if table.otherwise == CodeEffect::Fail {
                    "a failure: FF-CODE-001"
                } else {
                    "a warning: FF-CODE-002"
                }
            );
            let _ = writeln!(out, "  the host's code: {}", table.host);
        }
    }
    out
}

/// Where a breaker's source lives in this repository.
fn breaker_source(breaker: &str) -> String {
    let (kind, name) = breaker.split_once(':').unwrap_or(("", breaker));
    match kind {
        "wat" => format!("fixtures/wat/{name}.wat"),
        "wasm" if name == "default_layout" => {
            "fixtures/plugins/wasm-default/examples/default_layout.rs".to_owned()
        }
        "wasm" => format!("fixtures/plugins/wasm/examples/{name}.rs"),
        "native" => format!("fixtures/plugins/native/examples/{name}.rs"),
        "native-foreign-rustc" => format!(
            "fixtures/plugins/native/examples/{name}.rs, with another compiler's version in its .comment"
        ),
        "pylon" => match name.strip_prefix("builtin:") {
            Some(builtin) => format!("pylon_plugin::builtin::{builtin} (the crate's own plugin)"),
            None => format!("the bundled `{name}` in fixtures/plugins/inprocess/src/"),
        },
        "rustant" => format!("the bundled `{name}` in fixtures/plugins/inprocess/src/"),
        _ => breaker.to_owned(),
    }
}

/// What to pass `hookcheck conformance` to see the breaker fail, from the
/// repository root (`just fixtures` builds the wasm and native ones).
fn breaker_argument(breaker: &str) -> String {
    let (kind, name) = breaker.split_once(':').unwrap_or(("", breaker));
    match kind {
        "wat" => format!("fixtures/wat/{name}.wat"),
        "wasm" => format!("target/fixtures/wasm/{name}.wasm"),
        "native" | "native-foreign-rustc" => format!("target/fixtures/native/{name}.so"),
        _ => breaker.to_owned(),
    }
}
