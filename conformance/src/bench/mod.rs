//! `hookcheck bench` as a library: a plugin's hook timed through the host
//! path next to its floor, and two builds compared side by side.

mod caller;
mod measure;
mod stats;
mod svg;

pub use crate::timed::Takes;
pub use caller::{bench_hooks, choose};
pub use measure::{
    Bench, Comparison, Measurement, Threads, Verdict, WasmCounts, before_request, of,
};
pub use stats::{Interval, Percentiles, ratio_interval};
pub use svg::latency_svg;
