//! hookcheck-conformance: the numbered checks of every contract, the runner
//! that applies them to one plugin, and the reports CI reads.
//!
//! ```no_run
//! use hookcheck_conformance::{Subject, RunOptions, run_checks, ProfileChoice};
//! let (subject, _why) = Subject::open("target/fixtures/wasm/hello.wasm", ProfileChoice::Auto, None).unwrap();
//! let report = run_checks(&subject, &RunOptions::default(), |_| {});
//! assert!(report.passed());
//! ```

mod assert;
pub mod bench;
mod catalog;
mod check;
mod contracts;
mod coverage;
mod docs;
mod entry;
mod error;
mod expect;
mod hosted;
mod inputs;
mod own_inputs;
mod report;
mod runner;
mod subject;
mod suite;
mod tally;
mod text;
mod timed;

pub use assert::{assert_conforms, assert_file_conforms};
pub use catalog::{Catalog, ProfileChoice, bundled_names, catalog, find};
pub use check::{
    Basis, Check, Decide, Exercise, Row, Rules, Severity, SkipReason, Status, Verdict,
};
#[cfg(feature = "wasm")]
pub use contracts::{COMPILE_BUDGET, Saved, WasmSubject};
pub use contracts::{
    Exercise as NativeExercise, NativeSubject, PylonSubject, RustantNativeSubject, RustantSubject,
    native_runner,
};
pub use coverage::{Coverage, Exercised};
pub use docs::{Lesson, checks_listing, explanation, lesson};
pub use entry::{ContractEntry, Document, Documents, OpenOptions, ServeOptions};
pub use error::{Error, Result};
pub use expect::{Expectation, Expectations};
pub use hosted::{HostedEntry, HostedPlugin, HostedRun, HostedSubject, hosted_exercise};
pub use own_inputs::{Inputs, MAX_BODY_BYTES, MAX_INPUT_FIXTURES, RequestExtras};
pub use report::{json_report, junit_report, junit_reports, markdown_report};
pub use runner::{
    CheckResult, Event, IN_PROCESS_DEADLINE, Report, RunOptions, Totals, run_checks, run_suite,
};
pub use subject::{Artifact, MAX_ARTIFACT_BYTES, Subject};
pub use suite::Suite;
pub use text::printable;

/// Exit code: every required check passed.
pub const EXIT_OK: u8 = 0;
/// Exit code: a required check failed (or any check, with `--strict`), or
/// an expectation was not met.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad usage, or an artifact that cannot be loaded at all.
pub const EXIT_USAGE: u8 = 2;
