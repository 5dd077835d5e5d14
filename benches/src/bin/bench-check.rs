//! `just bench-check`: records before_request percentiles and fails when a
//! form is past one of the budgets of `reports/bench/baseline.json` (the
//! nanoseconds the in-process engine adds, ratios near 1).

use std::process::ExitCode;

use hookcheck_benches::{Baseline, check_against};
use hookcheck_fixtures::artifacts::workspace_root;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<bool> {
    let path = workspace_root().join("reports/bench/baseline.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("failed to read {}: {e}", path.display()))?;
    let baseline: Baseline = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("failed to read {}: {e}", path.display()))?;
    let samples = std::env::var("HOOKCHECK_BENCH_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let (report, _) = hookcheck_benches::record(samples)?;
    println!("{}", hookcheck_benches::markdown_table(&report));
    let rows = check_against(&report, &baseline);
    println!("| form | measure | budget | now | verdict |\n|---|---|---:|---:|---|");
    for r in &rows {
        println!(
            "| {} | {} | {:.2} | {:.2} | {} |",
            r.form,
            r.measure,
            r.limit,
            r.current,
            if r.ok { "ok" } else { "OVER BUDGET" }
        );
    }
    if let Some(r) = report.forms.get("in_process") {
        println!(
            "\nin_process adds {} ns at p50 and {} ns at p99 (net of pauses) over the plugin's own call",
            r.added_p50_ns, r.added_p99_ns
        );
    }
    Ok(rows.iter().all(|r| r.ok))
}
