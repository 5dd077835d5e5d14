//! One recorder run over the three forms (used by the bench and the gate).

use std::collections::BTreeMap;

use crate::{BenchError, BenchReport, Forms, Sampler, request_json, timer_overhead_ns};
use hdrhistogram::Histogram;

/// Histograms per form: (engine, floor).
pub type Histograms = BTreeMap<String, (Histogram<u64>, Histogram<u64>)>;

/// The `rustc version` this binary was built with.
fn rustc() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::read(p).ok())
        .unwrap_or_default();
    let marker = b"rustc version ";
    exe.windows(marker.len())
        .position(|w| w == marker)
        .map(|at| {
            exe[at..]
                .iter()
                .take_while(|b| **b != 0 && **b != b')')
                .map(|b| *b as char)
                .collect::<String>()
                + ")"
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Records every form with `samples` interleaved calls each.
pub fn record(samples: usize) -> Result<(BenchReport, Histograms), BenchError> {
    let forms = Forms::new()?;
    let overhead = timer_overhead_ns();
    let sampler = Sampler {
        warmup: samples / 10 + 1000,
        samples,
        overhead_ns: overhead,
    };
    let mut results = BTreeMap::new();
    let mut histograms = BTreeMap::new();
    let (r, e, f) = sampler.run(|| forms.in_process(), || forms.in_process_floor());
    results.insert("in_process".to_owned(), r);
    histograms.insert("in_process".to_owned(), (e, f));
    // The same engine path against the real host's own dispatch.
    let (r, _, _) = sampler.run(|| forms.in_process(), || forms.in_process_registry());
    results.insert("in_process_vs_registry".to_owned(), r);
    let (r, e, f) = sampler.run(|| forms.native(), || forms.native_floor());
    results.insert("native".to_owned(), r);
    histograms.insert("native".to_owned(), (e, f));
    let forms_cell = std::cell::RefCell::new(forms);
    let (r, e, f) = sampler.run(
        || forms_cell.borrow_mut().wasm(),
        || forms_cell.borrow_mut().wasm_floor(),
    );
    results.insert("wasm".to_owned(), r);
    histograms.insert("wasm".to_owned(), (e, f));
    let (peer_extism_p99_ns, peer_extism_ratio_p99) = peer(&sampler, &forms_cell)?;
    let machine = BTreeMap::from([
        (
            "cpus".to_owned(),
            std::thread::available_parallelism()
                .map_or(0, |n| n.get())
                .to_string(),
        ),
        ("os".to_owned(), std::env::consts::OS.to_owned()),
        ("arch".to_owned(), std::env::consts::ARCH.to_owned()),
    ]);
    let versions = BTreeMap::from([
        ("hookcheck".to_owned(), env!("CARGO_PKG_VERSION").to_owned()),
        ("wasmtime".to_owned(), "48.0.8".to_owned()),
        ("rustc".to_owned(), rustc()),
    ]);
    let report = BenchReport {
        machine,
        versions,
        request_bytes: request_json()?.len(),
        timer_overhead_ns: overhead,
        interruption: "epoch (engine and floor alike)".into(),
        forms: results,
        peer_extism_p99_ns,
        peer_extism_ratio_p99,
    };
    Ok((report, histograms))
}

/// With `peer-extism`: the Extism plugin interleaved with hookcheck's WASM
/// path; its p99 and its p99 over hookcheck's.
#[cfg(feature = "peer-extism")]
fn peer(
    sampler: &Sampler,
    forms: &std::cell::RefCell<Forms>,
) -> Result<(Option<u64>, Option<f64>), BenchError> {
    let mut peer = crate::ExtismPeer::new(request_json()?)?;
    let (r, _, _) = sampler.run(|| forms.borrow_mut().wasm(), || peer.call());
    let ratio = r.floor_p99_ns as f64 / r.p99_ns.max(1) as f64;
    Ok((Some(r.floor_p99_ns), Some(ratio)))
}

/// Without `peer-extism`: no peer.
#[cfg(not(feature = "peer-extism"))]
#[allow(clippy::unnecessary_wraps)]
fn peer(
    _: &Sampler,
    _: &std::cell::RefCell<Forms>,
) -> Result<(Option<u64>, Option<f64>), BenchError> {
    Ok((None, None))
}
