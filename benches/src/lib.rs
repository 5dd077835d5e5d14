//! hookcheck's benchmarks: the same `before_request` logic built three ways
//! (in-process, native, WASM), each measured through the engine and
//! against its floor, with percentiles from an HDR histogram, a plot, and
//! a regression gate over a committed baseline.

mod forms;
mod gate;
#[cfg(feature = "peer-extism")]
mod peer;
mod record;
mod recorder;
mod report;
mod stalls;

pub use forms::{Forms, recorded_request, request_json};
pub use gate::{Baseline, Budget, GateRow, check_against};
#[cfg(feature = "peer-extism")]
pub use peer::ExtismPeer;
pub use record::{Histograms, record};
pub use recorder::{FormResult, Sampler, timer_overhead_ns};
pub use report::{BenchReport, markdown_table, svg_plot, write_reports};
pub use stalls::{Stalls, probe};

/// Why a benchmark run could not start or finish.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BenchError(pub String);

impl From<hookcheck::Error> for BenchError {
    fn from(e: hookcheck::Error) -> Self {
        Self(e.to_string())
    }
}
