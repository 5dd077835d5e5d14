//! The Markdown report, fit for `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write;

use crate::check::Status;
use crate::runner::Report;

fn cell(text: &str) -> String {
    crate::text::printable(text).replace('|', "\\|")
}

/// The report as Markdown: a verdict line, then failures first, then the
/// full table.
pub fn markdown_report(report: &Report) -> String {
    let t = &report.totals;
    let mut out = String::new();
    let verdict = if report.passed() {
        "✅ conforms"
    } else {
        "❌ does not conform"
    };
    let _ = writeln!(
        out,
        "## hookcheck: `{}` {verdict} to `{}`\n",
        cell(&report.artifact),
        report.profile
    );
    let _ = writeln!(out, "Verdict: **{}**\n", cell(&report.verdict()));
    let _ = writeln!(
        out,
        "{}; {} fail the run{}.\n",
        t.counts(),
        t.failing,
        if report.strict { " (strict)" } else { "" }
    );
    let _ = writeln!(out, "**{}**\n", cell(&report.coverage.to_string()));
    if let Some(p) = &report.protections {
        let weaker = if p.complete() {
            ""
        } else {
            "**weaker than meant**: "
        };
        let _ = writeln!(out, "Isolation: {weaker}{}\n", cell(&p.to_string()));
    }
    let failing: Vec<_> = report.checks.iter().filter(|c| c.fails_run).collect();
    if !failing.is_empty() || report.coverage_fails() {
        let _ = writeln!(out, "### What to fix\n");
        if report.coverage_fails() {
            let _ = writeln!(
                out,
                "- **coverage**: {} — a verdict on hooks that never ran predicts nothing; give them inputs that reach them, or pass `--allow-unexercised`",
                cell(&report.coverage.to_string())
            );
        }
        for c in failing {
            let _ = writeln!(out, "- **{}** {}: {}", c.id, c.title, cell(&c.evidence));
            if let Some(hint) = &c.hint {
                let _ = writeln!(out, "  - to reach it: {}", cell(hint));
            }
            if let Some(help) = c.help.filter(|_| c.status != Status::Unverified) {
                let _ = writeln!(out, "  - help: {}", cell(help));
            }
        }
        let _ = writeln!(out);
    }
    let unverified: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Unverified && !c.fails_run)
        .collect();
    if !unverified.is_empty() {
        let _ = writeln!(
            out,
            "### Not verified\n\nThe calls these rules are about never happened, so nothing says the plugin keeps them (a failure with `--strict`):\n"
        );
        for c in unverified {
            let _ = writeln!(out, "- **{}** {}: {}", c.id, c.title, cell(&c.evidence));
            if let Some(hint) = &c.hint {
                let _ = writeln!(out, "  - to reach it: {}", cell(hint));
            }
        }
        let _ = writeln!(out);
    }
    const HEADER: &str =
        "| check | status | severity | basis | title | evidence |\n|---|---|---|---|---|---|";
    let row = |out: &mut String, c: &crate::runner::CheckResult| {
        let status = match c.status {
            Status::Pass => "✅ pass",
            Status::Fail if c.fails_run => "❌ fail",
            Status::Fail => "⚠️ fail",
            Status::Warn if c.fails_run => "❌ warn",
            Status::Warn => "⚠️ warn",
            Status::Unverified if c.fails_run => "❌ unverified",
            Status::Unverified => "❔ unverified",
            Status::Skip if c.fails_run => "❌ not run",
            Status::Skip => "⏭️ skip",
        };
        let _ = writeln!(
            out,
            "| {} | {status} | {} | {} | {} | {} |",
            c.id,
            c.severity,
            match c.host_source {
                Some(host) => format!("{} (`{}`)", c.basis, cell(host)),
                None => c.basis.to_string(),
            },
            cell(c.title),
            cell(&c.evidence)
        );
    };
    // What did not pass stays in view; the passes fold away.
    let (passed, rest): (Vec<_>, Vec<_>) =
        report.checks.iter().partition(|c| c.status == Status::Pass);
    if !rest.is_empty() {
        let _ = writeln!(out, "{HEADER}");
        for c in rest {
            row(&mut out, c);
        }
    }
    if !passed.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>{} passing checks</summary>\n\n{HEADER}",
            passed.len()
        );
        for c in passed {
            row(&mut out, c);
        }
        let _ = writeln!(out, "\n</details>");
    }
    if !report.coverage.registrations.is_empty() {
        let _ = writeln!(
            out,
            "\n| registration | calls | answered | inputs |\n|---|---:|---|---|"
        );
        for r in &report.coverage.registrations {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&r.registration),
                r.calls,
                cell(&r.answers_text()),
                cell(&r.inputs_text())
            );
        }
        for notice in &report.coverage.notices {
            let _ = writeln!(out, "\n> {}", cell(notice));
        }
    }
    if let Some(sha) = &report.sha256 {
        let _ = writeln!(out, "\n<sub>{} · sha256 `{sha}`</sub>", report.tool);
    }
    out
}
