//! The catalog as `hookcheck checks` and `hookcheck explain` print it.

use std::fmt::Write as _;

use hookcheck::engine::CodeEffect;
use hookcheck_fixtures::artifacts::{fixtures_dir, workspace_root};

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
/// fixture that breaks it (where its source is and how to run it), how it
/// decides, its lesson (why hosts care, a bad and a good plugin, the good
/// one in Rust with the pdk when the page has it, the fix), and the rows of
/// the return-code tables it reads — the same tables the host executes.
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
    out.push_str(&breaker_lines(
        c.breaker,
        breaker_on_disk(c.breaker).as_deref(),
    ));
    let decides = match &c.decide {
        crate::check::Decide::Row(row) if row.tolerated => format!(
            "row: reads what the host's code let through in the shared exercise: a failure where the host then does something the plugin did not say (its intent is lost), a warning where it still does what was meant; a pass means \"{}\"",
            row.ok
        ),
        crate::check::Decide::Row(row) => format!(
            "row: fails on the first hook call of the shared exercise whose typed failure breaks the rule; a pass means \"{}\"",
            row.ok
        ),
        crate::check::Decide::Function(_) => "its own inputs (see the evidence)".to_owned(),
    };
    let _ = writeln!(out, "decides:   {decides}");
    if let Some(j) = &c.judges {
        let _ = writeln!(
            out,
            "judges:    every {} — none seen is `unverified`, not a pass ({})",
            j.what, j.hint
        );
    }
    if let Some(lesson) = super::lesson(c.profile, c.id) {
        let _ = writeln!(out, "\nWhy hosts care: {}", lesson.why);
        let _ = writeln!(out, "\nA plugin that breaks it:\n");
        indent(&mut out, lesson.bad);
        let _ = writeln!(out, "\nA plugin that keeps it:\n");
        indent(&mut out, lesson.good);
        if let Some(rust) = lesson.rust {
            let _ = writeln!(out, "\nThe same, in Rust with the pdk:\n");
            indent(&mut out, rust);
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
    let tables = hookcheck::contracts::profile(c.profile)
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

/// `code` indented by two spaces, its blank lines left empty.
fn indent(out: &mut String, code: &str) {
    for line in code.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {line}");
        }
    }
}

/// The `breaks it:` lines: the breaker, where its source is in the
/// hookcheck repository, and how to run it. `on_disk` is where this
/// machine has it ready to run (see [`breaker_on_disk`]); without it the
/// advice holds in any hookcheck checkout, from its root, and the bundled
/// plugins run anywhere.
fn breaker_lines(breaker: &str, on_disk: Option<&str>) -> String {
    let (kind, name) = breaker.split_once(':').unwrap_or(("", breaker));
    let source = breaker_source(breaker);
    let run = match (kind, on_disk) {
        _ if bundled_by(kind).is_some() => {
            format!("`hookcheck conformance {breaker}` (built into hookcheck: works anywhere)")
        }
        ("native-foreign-rustc", _) => format!(
            "it fails only as built by a rustc other than hookcheck's (the tests patch the version in its .comment); built by `hookcheck fixtures target/fixtures/native/{name}.so`, it passes"
        ),
        (_, Some(path)) => format!("`hookcheck conformance {path}`"),
        ("wat", None) => {
            format!("in a hookcheck checkout, `hookcheck conformance {source}` (nothing to build)")
        }
        ("wasm" | "native", None) => {
            let built = built_path(kind, name);
            format!(
                "in a hookcheck checkout, `hookcheck fixtures {built}` builds it, then `hookcheck conformance {built}`"
            )
        }
        _ => format!("`hookcheck conformance {breaker}`"),
    };
    let repository = match kind {
        "wat" | "wasm" | "native" | "native-foreign-rustc" => " (in the hookcheck repository)",
        _ => "",
    };
    format!(
        "breaks it: {breaker} (a fixture plugin that fails this check)\n           source: {source}{repository}\n           run it: {run}\n"
    )
}

/// The built-in contract whose bundled plugins `kind:NAME` names, if
/// `kind` is one that has some.
fn bundled_by(kind: &str) -> Option<&'static dyn crate::ContractEntry> {
    crate::Catalog::builtin()
        .entries()
        .find(|e| e.contract().name() == kind && !e.bundled_names().is_empty())
}

/// Where a breaker's source lives in the hookcheck repository.
fn breaker_source(breaker: &str) -> String {
    let (kind, name) = breaker.split_once(':').unwrap_or(("", breaker));
    match kind {
        "wat" => format!("fixtures/wat/{name}.wat"),
        "wasm" if name == "default_layout" => {
            "fixtures/plugins/wasm-default/examples/default_layout.rs".to_owned()
        }
        "wasm" => format!("fixtures/plugins/wasm/examples/{name}.rs"),
        "native" | "native-foreign-rustc" => format!("fixtures/plugins/native/examples/{name}.rs"),
        _ => match bundled_by(kind) {
            Some(entry) => entry.bundled_source(name),
            None => breaker.to_owned(),
        },
    }
}

/// Where `hookcheck fixtures` writes a wasm or native breaker, from the
/// root of a hookcheck checkout.
fn built_path(kind: &str, name: &str) -> String {
    match kind {
        "wasm" => format!("target/fixtures/wasm/{name}.wasm"),
        _ => format!("target/fixtures/native/{name}.so"),
    }
}

/// The breaker ready to run on this machine, when hookcheck runs from (or
/// was built in) a checkout that has it: the built `.wasm`/`.so` under
/// `target/fixtures/`, or the `.wat` source itself; relative to the working
/// directory when it is under it. `None` elsewhere, and for the bundled
/// plugins, which need no file.
fn breaker_on_disk(breaker: &str) -> Option<String> {
    let (kind, name) = breaker.split_once(':')?;
    let path = match kind {
        "wat" => workspace_root()
            .join("fixtures/wat")
            .join(format!("{name}.wat")),
        "wasm" => fixtures_dir("wasm").join(format!("{name}.wasm")),
        "native" => fixtures_dir("native").join(format!("{name}.so")),
        _ => return None,
    };
    if !path.is_file() {
        return None;
    }
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path.as_path());
    Some(shown.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breaker_not_built_here_names_its_source_and_how_a_checkout_builds_it() {
        let lines = breaker_lines("native:respond_without_status", None);
        for expected in [
            "breaks it: native:respond_without_status (a fixture plugin that fails this check)",
            "source: fixtures/plugins/native/examples/respond_without_status.rs",
            "in a hookcheck checkout, `hookcheck fixtures target/fixtures/native/respond_without_status.so` builds it",
        ] {
            assert!(lines.contains(expected), "{expected}: {lines}");
        }
        let lines = breaker_lines("wasm:default_layout", None);
        assert!(
            lines.contains("source: fixtures/plugins/wasm-default/examples/default_layout.rs")
                && lines.contains("`hookcheck fixtures target/fixtures/wasm/default_layout.wasm`"),
            "{lines}"
        );
        let lines = breaker_lines("wat:trap", None);
        assert!(
            lines.contains("source: fixtures/wat/trap.wat")
                && lines
                    .contains("`hookcheck conformance fixtures/wat/trap.wat` (nothing to build)"),
            "{lines}"
        );
    }

    #[test]
    fn a_breaker_built_here_is_run_as_is_and_a_bundled_one_anywhere() {
        let lines = breaker_lines(
            "native:respond_without_status",
            Some("target/fixtures/native/respond_without_status.so"),
        );
        assert!(
            lines.contains(
                "run it: `hookcheck conformance target/fixtures/native/respond_without_status.so`"
            ) && !lines.contains("hookcheck fixtures"),
            "{lines}"
        );
        for bundled in [
            "pylon:slow_hook",
            "pylon:builtin:logger",
            "rustant:relies_on_modified",
        ] {
            let lines = breaker_lines(bundled, None);
            assert!(
                lines.contains(&format!(
                    "`hookcheck conformance {bundled}` (built into hookcheck: works anywhere)"
                )),
                "{lines}"
            );
        }
    }

    #[test]
    fn every_breaker_source_is_a_file_of_the_repository() {
        let root = workspace_root();
        for c in crate::catalog(None) {
            let (kind, _) = c.breaker.split_once(':').unwrap_or_default();
            if matches!(kind, "wat" | "wasm" | "native" | "native-foreign-rustc") {
                let source = breaker_source(c.breaker);
                assert!(root.join(&source).is_file(), "{}: {source}", c.id);
            }
        }
    }

    #[test]
    fn explain_prints_the_rust_example_after_the_c_one() {
        let Some(c) = crate::find("FF-REQ-001") else {
            unreachable!("FF-REQ-001 is a check");
        };
        let text = explanation(c);
        let keeps = text.find("A plugin that keeps it:");
        let rust = text.find("The same, in Rust with the pdk:");
        let fix = text.find("\nFix: ");
        assert!(keeps.is_some() && rust > keeps && fix > rust, "{text}");
        assert!(text.contains("write_request_response(ctx, 403"), "{text}");
        let pylon = crate::catalog(Some(hookcheck::pylon::CONTRACT));
        let text = explanation(pylon[0]);
        assert!(!text.contains("in Rust with the pdk"), "{text}");
    }
}
