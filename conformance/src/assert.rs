//! The one line a plugin's own `cargo test` needs.

use std::path::Path;

use crate::catalog::ProfileChoice;
use crate::report::markdown_report;
use crate::runner::{Report, RunOptions, run_checks};
use crate::subject::Subject;

/// Runs every check of the subject's profile with the default options and
/// panics, with the whole report, unless the plugin conforms. Returns the
/// report for further assertions.
///
/// ```no_run
/// use std::sync::Arc;
/// use hookcheck::pylon::real::Plugin;
/// use hookcheck_conformance::{Subject, assert_conforms};
///
/// struct Mine;
/// impl Plugin for Mine {
///     fn name(&self) -> &str { "mine" }
/// }
///
/// assert_conforms(&Subject::pylon("mine", || Arc::new(Mine)));
/// ```
#[track_caller]
pub fn assert_conforms(subject: &Subject) -> Report {
    let report = run_checks(subject, &RunOptions::default(), |_| {});
    if !report.passed() {
        panic!(
            "{} {}\n\n{}",
            report.artifact,
            report.verdict(),
            markdown_report(&report)
        );
    }
    report
}

/// [`assert_conforms`] for a plugin file (`.wasm`, `.wat`, `.so`), its
/// contract detected as `hookcheck conformance` detects it. Native plugins
/// run in a child `hookcheck` process (see
/// [`native_runner`](crate::native_runner)).
///
/// ```no_run
/// hookcheck_conformance::assert_file_conforms("target/wasm32-wasip1/release/my_plugin.wasm");
/// ```
///
/// Run from the plugin crate's own `cargo test`, a build of that crate's
/// library is checked only when it was built with the test's features
/// (`cargo test --features X` checks the plugin built with X; build it
/// with [`CargoBuild::for_this_test`](hookcheck::artifacts::CargoBuild::for_this_test));
/// another feature set, or a build whose features cannot be told, panics
/// with one line saying so instead of checking a different plugin.
#[track_caller]
pub fn assert_file_conforms(path: impl AsRef<Path>) -> Report {
    let path = path.as_ref();
    if let Ok(test) = hookcheck::artifacts::TestBuild::current()
        && test.builds(path)
        && let Err(e) = test.check(path)
    {
        panic!("{e}");
    }
    match Subject::open(&path.to_string_lossy(), ProfileChoice::Auto, None) {
        Ok((subject, _)) => assert_conforms(&subject),
        Err(e) => panic!("{e}"),
    }
}
