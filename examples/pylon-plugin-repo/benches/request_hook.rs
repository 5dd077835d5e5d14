//! `cargo bench`: `on_request_with_meta` through Pylon's host and alone,
//! with hookcheck's recorder (p50 / p99 / p99.9, allocations per call, 1 vs
//! many threads). `cargo bench --bench request_hook -- --against-denying`
//! also compares the plugin with a deny list against the plain one, calls
//! alternating, and fails on a slowdown past 10% with the whole 95%
//! interval.

use std::sync::Arc;

use hookcheck::engine::HttpMethod;
use hookcheck::fixtures::RequestEvent;
use hookcheck_conformance::{Subject, bench};
use title_guard::TitleGuard;

#[global_allocator]
static ALLOC: hookcheck::alloc::CountingAllocator = hookcheck::alloc::CountingAllocator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let request = RequestEvent::new(HttpMethod::Get, "/api/entities/Post")
        .with_header("accept", "application/json");
    let plain = Subject::pylon("title_guard", || Arc::new(TitleGuard::default()));
    let m = bench::before_request(&plain, &request)
        .samples(50_000)
        .run()?;
    println!(
        "{} {}: p50 {} ns, p99 {} ns, p99.9 {} ns through the host; p99 {} ns alone; {:?} allocations per call",
        m.plugin,
        m.hook,
        m.host.p50_ns,
        m.host.p99_ns,
        m.host.p999_ns,
        m.floor.map_or(0, |f| f.p99_ns),
        m.allocations_per_call
    );
    if std::env::args().any(|a| a == "--against-denying") {
        let denying = Subject::pylon("title_guard+deny", || {
            Arc::new(TitleGuard::denying(&["198.51.100.9", "203.0.113.50"]))
        });
        let c = bench::before_request(&denying, &request)
            .samples(50_000)
            .against(&plain, 0.10)?;
        println!(
            "deny list vs none: p50 ×{:.3} [{:.3}, {:.3}], p99 ×{:.3} [{:.3}, {:.3}]",
            c.ratio_p50.estimate,
            c.ratio_p50.low,
            c.ratio_p50.high,
            c.ratio_p99.estimate,
            c.ratio_p99.low,
            c.ratio_p99.high
        );
        if c.regressed() {
            return Err("the deny list slows the hook by more than 10%".into());
        }
    }
    Ok(())
}
