//! `reports/bench/before_request.{json,svg,md}`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use crate::recorder::FormResult;

/// The whole recorder output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// Cores, OS, architecture.
    pub machine: BTreeMap<String, String>,
    /// hookcheck, wasmtime, rustc.
    pub versions: BTreeMap<String, String>,
    /// The request's size in bytes.
    pub request_bytes: usize,
    /// Subtracted from every sample.
    pub timer_overhead_ns: u64,
    /// How WASM calls are interrupted (engine and floor alike).
    pub interruption: String,
    /// Per form: `in_process`, `native`, `wasm`.
    pub forms: BTreeMap<String, FormResult>,
    /// The same logic as an Extism plugin, when measured.
    pub peer_extism_p99_ns: Option<u64>,
    /// Extism p99 / hookcheck WASM p99, when measured.
    pub peer_extism_ratio_p99: Option<f64>,
}

/// The Markdown table of a report.
pub fn markdown_table(r: &BenchReport) -> String {
    let mut out = String::from(
        "| form | p50 | p99 | p99.9 | floor p50 | floor p99 | ratio p99 | net of pauses: p99 / floor p99 / ratio | pauses per ms | samples |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (name, f) in &r.forms {
        let _ = writeln!(
            out,
            "| {name} | {} ns | {} ns | {} ns | {} ns | {} ns | {:.2} | {} ns / {} ns / {:.2} | {:.2} | {} |",
            f.p50_ns,
            f.p99_ns,
            f.p999_ns,
            f.floor_p50_ns,
            f.floor_p99_ns,
            f.ratio_p99,
            f.net_p99_ns,
            f.floor_net_p99_ns,
            f.ratio_p99_net,
            f.pauses_per_ms,
            f.samples
        );
    }
    if let (Some(p99), Some(ratio)) = (r.peer_extism_p99_ns, r.peer_extism_ratio_p99) {
        let _ = writeln!(
            out,
            "\nExtism, same logic: p99 {p99} ns, {ratio:.1}× hookcheck's WASM p99."
        );
    }
    let _ = writeln!(
        out,
        "\nTimer overhead {} ns subtracted; WASM interruption: {}; request {} bytes.",
        r.timer_overhead_ns, r.interruption, r.request_bytes
    );
    out
}

const COLOURS: [&str; 3] = ["#1f77b4", "#d62728", "#2ca02c"];
const QUANTILES: [f64; 12] = [
    0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 1.0,
];

/// An SVG plot: latency by percentile (x on a "nines" scale) for each form,
/// log-scaled y, with each form's floor p50 and p99 as dashed lines.
pub fn svg_plot(
    r: &BenchReport,
    histograms: &BTreeMap<String, (Histogram<u64>, Histogram<u64>)>,
) -> String {
    let (w, h, left, right, top, bottom) = (820.0, 440.0, 70.0, 170.0, 30.0, 50.0);
    let nines = |q: f64| -(1.0 - q.min(0.99999)).log10();
    let x = |q: f64| left + (w - left - right) * nines(q) / nines(1.0);
    let max = histograms
        .values()
        .map(|(e, _)| e.max())
        .max()
        .unwrap_or(1)
        .max(10) as f64;
    let min = histograms
        .values()
        .map(|(_, f)| f.min())
        .min()
        .unwrap_or(1)
        .max(1) as f64;
    let (lo, hi) = (min.log10().floor(), max.log10().ceil());
    let y = |ns: f64| {
        top + (h - top - bottom) * (1.0 - (ns.max(1.0).log10() - lo) / (hi - lo).max(1.0))
    };
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{left}\" y=\"18\" font-size=\"14\">before_request latency by percentile (solid: engine, dashed: floor p50/p99)</text>\n"
    );
    let mut decade = lo;
    while decade <= hi {
        let yy = y(10f64.powf(decade));
        let _ = writeln!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            w - right,
            left - 6.0,
            yy + 4.0,
            human(10f64.powf(decade))
        );
        decade += 1.0;
    }
    for q in [0.5, 0.9, 0.99, 0.999, 0.9999] {
        let xx = x(q);
        let _ = writeln!(
            s,
            "<line x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{top}\" y2=\"{}\" stroke=\"#eee\"/><text x=\"{xx:.1}\" y=\"{}\" text-anchor=\"middle\">p{}</text>",
            h - bottom,
            h - bottom + 16.0,
            q * 100.0
        );
    }
    for (i, (name, (engine, floor))) in histograms.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let points: Vec<String> = QUANTILES
            .iter()
            .map(|q| format!("{:.1},{:.1}", x(*q), y(engine.value_at_quantile(*q) as f64)))
            .collect();
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        );
        for q in [0.5, 0.99] {
            let yy = y(floor.value_at_quantile(q) as f64);
            let _ = writeln!(
                s,
                "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"{colour}\" stroke-dasharray=\"4 3\" opacity=\"0.7\"/>",
                w - right
            );
        }
        let ratio = r.forms.get(name).map_or(0.0, |f| f.ratio_p99);
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" fill=\"{colour}\">{name} (p99 ×{ratio:.2})</text>",
            w - right + 10.0,
            top + 20.0 + 18.0 * i as f64
        );
    }
    s.push_str("</svg>\n");
    s
}

fn human(ns: f64) -> String {
    match ns {
        n if n >= 1e6 => format!("{:.0} ms", n / 1e6),
        n if n >= 1e3 => format!("{:.0} µs", n / 1e3),
        n => format!("{n:.0} ns"),
    }
}

/// Writes `before_request.json`, `.svg` and `.md` into `dir`.
pub fn write_reports(
    dir: &Path,
    report: &BenchReport,
    histograms: &BTreeMap<String, (Histogram<u64>, Histogram<u64>)>,
) -> Result<(), crate::BenchError> {
    let io = |e: std::io::Error| {
        crate::BenchError(format!(
            "failed to write reports into {}: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let json =
        serde_json::to_string_pretty(report).map_err(|e| crate::BenchError(e.to_string()))?;
    std::fs::write(dir.join("before_request.json"), json + "\n").map_err(io)?;
    std::fs::write(dir.join("before_request.svg"), svg_plot(report, histograms)).map_err(io)?;
    std::fs::write(dir.join("before_request.md"), markdown_table(report)).map_err(io)?;
    Ok(())
}
