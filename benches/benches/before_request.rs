//! `cargo bench`: criterion groups with stable names, then (in bench mode
//! only) the HDR recorder writing `reports/bench/before_request.{json,svg,md}`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use hookcheck::engine::HttpMethod;
use hookcheck::featherfly::{FeatherFlyHost, NativeOptions};
use hookcheck::lesstruct::{HostServices, WasmPlugin};
use hookcheck_benches::{Forms, write_reports};
use hookcheck_fixtures::artifacts::{native_fixture_release, workspace_root};

#[allow(clippy::expect_used)]
fn benches(c: &mut Criterion) {
    let mut forms = Forms::new().expect("set up the three forms");
    let mut group = c.benchmark_group("before_request");
    group.bench_function("in_process", |b| b.iter(|| black_box(forms.in_process())));
    group.bench_function("in_process_floor", |b| {
        b.iter(|| black_box(forms.in_process_floor()))
    });
    group.bench_function("native", |b| b.iter(|| black_box(forms.native())));
    group.bench_function("native_floor", |b| {
        b.iter(|| black_box(forms.native_floor()))
    });
    group.bench_function("wasm", |b| b.iter(|| black_box(forms.wasm())));
    group.bench_function("wasm_floor", |b| b.iter(|| black_box(forms.wasm_floor())));
    group.finish();

    let bytes = std::fs::read(&forms.wasm_path).expect("read the WASM fixture");
    let services = std::sync::Arc::new(HostServices::new().expect("services"));
    let mut wasm = c.benchmark_group("wasm");
    wasm.bench_function("compile", |b| {
        b.iter(|| black_box(WasmPlugin::compile(forms.wasm_engine(), &bytes).is_ok()))
    });
    // Compiled once; each iteration is a fresh store and instance from the
    // pre-linked module, with `_initialize`.
    let mut plugin = WasmPlugin::from_bytes(forms.wasm_engine(), "gate", &bytes, None, services)
        .expect("load the WASM fixture");
    wasm.bench_function("instantiate", |b| {
        b.iter(|| black_box(plugin.reinstantiate().is_ok()))
    });
    wasm.finish();

    let mixins: Vec<_> = ["mixin_a", "mixin_b", "mixin_c"]
        .iter()
        .map(|n| native_fixture_release(n).expect("build the mixins"))
        .collect();
    let host = FeatherFlyHost::load(&mixins, &NativeOptions::default())
        .expect("load the mixins")
        .with_trace_mode(hookcheck::engine::TraceMode::Off);
    let body = br#"{"version":"8.1.0","actions":[{"id":"core","label":"Core","step":"x"}]}"#;
    c.benchmark_group("json_mixin")
        .bench_function("3_plugins", |b| {
            b.iter(|| black_box(host.json(HttpMethod::Get, "/api/system", body).value.len()))
        });
}

criterion_group!(groups, benches);

fn main() {
    groups();
    Criterion::default().configure_from_args().final_summary();
    if std::env::args().any(|a| a == "--bench") {
        let samples = std::env::var("HOOKCHECK_BENCH_SAMPLES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(200_000);
        match hookcheck_benches::record(samples) {
            Ok((report, histograms)) => {
                let dir = workspace_root().join("reports/bench");
                if let Err(e) = write_reports(&dir, &report, &histograms) {
                    eprintln!("error: failed to write the bench reports: {e:#}");
                }
                println!("\n{}", hookcheck_benches::markdown_table(&report));
                println!("wrote {}/before_request.{{json,svg,md}}", dir.display());
            }
            Err(e) => eprintln!("error: failed to record percentiles: {e:#}"),
        }
    }
}
