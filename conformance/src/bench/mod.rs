//! `hookcheck bench` as a library: a plugin's request hook timed through
//! the host path next to its floor, and two builds compared side by side.

mod caller;
mod measure;
mod stats;
mod svg;

pub use measure::{Bench, Comparison, Measurement, Threads, Verdict, WasmCounts, before_request};
pub use stats::{Interval, Percentiles, ratio_interval};
pub use svg::latency_svg;
