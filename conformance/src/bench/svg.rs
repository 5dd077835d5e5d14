//! A latency-by-percentile plot of timed series, as SVG: the x axis runs
//! from p0 to p99.99 on a log scale of 1/(1 − p), so the tail gets the room
//! it matters for; the y axis is latency.

use std::fmt::Write as _;

use super::stats::quantile;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 360.0;
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 24.0;
const RIGHT: f64 = 120.0;
/// Decades of 1/(1 − p) on the x axis: p0 … p99.99.
const DECADES: f64 = 4.0;
const COLOURS: [&str; 4] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

/// An SVG plot of each named series' latency (ns samples) by percentile.
pub fn latency_svg(title: &str, series: &[(&str, &[u64])]) -> String {
    let sorted: Vec<(&str, Vec<u64>)> = series
        .iter()
        .map(|(name, samples)| {
            let mut s = samples.to_vec();
            s.sort_unstable();
            (*name, s)
        })
        .collect();
    #[allow(clippy::cast_precision_loss, reason = "latencies in ns")]
    let at = |s: &[u64], p: f64| quantile(s, p) as f64 / 1_000.0;
    let top = 1.0 - 10f64.powf(-DECADES);
    let max = sorted
        .iter()
        .map(|(_, s)| at(s, top))
        .fold(0.0_f64, f64::max)
        .max(0.001)
        * 1.1;
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let x = |decade: f64| LEFT + decade / DECADES * plot_w;
    let y = |us: f64| TOP + plot_h - us / max * plot_h;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" font-family=\"sans-serif\" font-size=\"11\">\n<text x=\"{LEFT}\" y=\"15\" font-size=\"13\">{}</text>\n",
        escape(title)
    );
    for (decade, label) in [
        (0.0, "p0"),
        (1.0, "p90"),
        (2.0, "p99"),
        (3.0, "p99.9"),
        (4.0, "p99.99"),
    ] {
        let _ = writeln!(
            svg,
            "<line x1=\"{0:.1}\" y1=\"{TOP}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"#ddd\"/><text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\">{label}</text>",
            x(decade),
            TOP + plot_h,
            TOP + plot_h + 16.0
        );
    }
    for i in 0..=4 {
        let us = max * f64::from(i) / 4.0;
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{us:.2} µs</text>",
            LEFT - 6.0,
            y(us) + 4.0
        );
    }
    for (i, (name, s)) in sorted.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let points: Vec<String> = (0..=80)
            .map(|k| {
                let decade = f64::from(k) / 20.0;
                let p = 1.0 - 10f64.powf(-decade);
                format!("{:.1},{:.1}", x(decade), y(at(s, p)))
            })
            .collect();
        let _ = writeln!(
            svg,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{}\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{colour}\">{}</text>",
            points.join(" "),
            WIDTH - RIGHT + 8.0,
            TOP + 14.0 * (i as f64 + 1.0),
            escape(name)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// `text` safe inside SVG text and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_series_is_a_line_and_names_are_escaped() {
        let slow: Vec<u64> = (1..=1000).map(|n| n * 10).collect();
        let fast: Vec<u64> = (1..=1000).collect();
        let svg = latency_svg("a <b> & c", &[("host", &slow), ("floor", &fast)]);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("a &lt;b&gt; &amp; c"), "{svg}");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        // The empty series is drawn flat, not a panic.
        assert!(latency_svg("t", &[("none", &[])]).contains("<polyline"));
    }
}
