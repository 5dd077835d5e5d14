//! Which build a `cargo test` is: its package, its features and its
//! profile, read from cargo's own record of the build, so a plugin crate's
//! test checks the artifact built the way the test was (`cargo test
//! --features X` checks the plugin with X), or refuses when it cannot
//! tell.
//!
//! Cargo writes a fingerprint for every unit it builds:
//! `<profile dir>/.fingerprint/<package>-<hash>/<kind>-<target>.json`,
//! whose `features` field lists the unit's features. A test executable is
//! `<profile dir>/deps/<target>-<hash>` with the same hash; a `cdylib` has
//! no hash in its name, so the newest `lib-<crate>.json` of its profile
//! directory is the build that wrote it.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::{Error, Result};

/// The running `cargo test` executable's build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestBuild {
    /// The package under test (`CARGO_PKG_NAME`).
    pub package: String,
    /// Its features in this build, sorted.
    pub features: Vec<String>,
    /// The profile directory the test was built in (`target/debug`).
    pub profile_dir: PathBuf,
    /// Whether that is a release build.
    pub release: bool,
}

fn build_error(path: &Path, reason: impl Into<String>) -> Error {
    Error::Build {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

/// Reads the `features` of one fingerprint file.
fn fingerprint_features(file: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::io("read", file, e))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| build_error(file, format!("cargo's fingerprint is not JSON: {e}")))?;
    // `features` is itself a JSON list written as a string.
    let listed = json["features"]
        .as_str()
        .ok_or_else(|| build_error(file, "cargo's fingerprint has no `features`"))?;
    let mut features: Vec<String> = serde_json::from_str(listed)
        .map_err(|e| build_error(file, format!("cargo's `features` is not a list: {e}")))?;
    features.sort();
    Ok(features)
}

impl TestBuild {
    /// The build of the running test executable, when it runs under
    /// `cargo test`.
    ///
    /// # Errors
    ///
    /// Not run by cargo (`CARGO_PKG_NAME` unset, not in a `deps`
    /// directory), or no fingerprint for it.
    pub fn current() -> Result<Self> {
        let exe = std::env::current_exe().map_err(|e| Error::io("find", Path::new("."), e))?;
        let package = std::env::var("CARGO_PKG_NAME")
            .map_err(|_| build_error(&exe, "not run by `cargo test` (CARGO_PKG_NAME is unset)"))?;
        Self::of(&exe, &package)
    }

    /// The build of test executable `exe` of `package`.
    ///
    /// # Errors
    ///
    /// `exe` is not in a cargo `deps` directory, or cargo left no
    /// fingerprint for it.
    pub fn of(exe: &Path, package: &str) -> Result<Self> {
        let deps = exe
            .parent()
            .filter(|d| d.file_name().is_some_and(|n| n == "deps"))
            .ok_or_else(|| build_error(exe, "not a test executable in a cargo `deps` directory"))?;
        let profile_dir = deps
            .parent()
            .ok_or_else(|| build_error(exe, "no profile directory above `deps`"))?
            .to_owned();
        let stem = exe
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let hash = stem
            .rsplit_once('-')
            .map(|(_, h)| h.to_owned())
            .ok_or_else(|| build_error(exe, "its name carries no cargo hash"))?;
        let dir = profile_dir
            .join(".fingerprint")
            .join(format!("{package}-{hash}"));
        let file = std::fs::read_dir(&dir)
            .map_err(|e| Error::io("read cargo's fingerprints in", &dir, e))?
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("test-"))
            })
            .ok_or_else(|| {
                build_error(
                    exe,
                    format!("cargo left no test fingerprint in {}", dir.display()),
                )
            })?;
        Ok(Self {
            package: package.to_owned(),
            features: fingerprint_features(&file)?,
            release: profile_dir.file_name().is_some_and(|n| n == "release"),
            profile_dir,
        })
    }

    /// The crate name of the package's library (`word-count` →
    /// `word_count`), as cargo names its artifacts unless `[lib] name`
    /// says otherwise.
    pub fn crate_name(&self) -> String {
        self.package.replace('-', "_")
    }

    /// Whether `artifact` is a build of this package's library: named
    /// after its crate (`libword_count.so`, `word_count.wasm`).
    pub fn builds(&self, artifact: &Path) -> bool {
        let stem = artifact
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        stem.strip_prefix("lib").unwrap_or(&stem) == self.crate_name()
    }

    /// Checks that `artifact`, a build of this package's library, was
    /// built with this test's features.
    ///
    /// # Errors
    ///
    /// Another feature set (naming both), or no way to tell.
    pub fn check(&self, artifact: &Path) -> Result<()> {
        let built = built_features(artifact, &self.crate_name())?;
        if built != self.features {
            return Err(build_error(
                artifact,
                format!(
                    "it was built with features [{}], this test with [{}]; build it with the test's features (`CargoBuild::for_this_test`)",
                    built.join(", "),
                    self.features.join(", ")
                ),
            ));
        }
        Ok(())
    }
}

/// The features the last build of library `crate_name` in `artifact`'s
/// profile directory had: the newest `lib-<crate>.json` fingerprint there.
///
/// # Errors
///
/// The artifact is not in a cargo profile directory, or cargo left no
/// fingerprint for the library.
pub fn built_features(artifact: &Path, crate_name: &str) -> Result<Vec<String>> {
    let mut dir = artifact
        .parent()
        .ok_or_else(|| build_error(artifact, "it is not in a cargo target directory"))?;
    if dir.file_name().is_some_and(|n| n == "deps") {
        dir = dir.parent().unwrap_or(dir);
    }
    let fingerprints = dir.join(".fingerprint");
    let wanted = format!("lib-{crate_name}.json");
    let mut newest: Option<(SystemTime, PathBuf)> = None;
    let entries = std::fs::read_dir(&fingerprints).map_err(|_| {
        build_error(
            artifact,
            format!(
                "cannot tell which features it was built with: it is not in a cargo profile directory ({} has no .fingerprint)",
                dir.display()
            ),
        )
    })?;
    for unit in entries.flatten() {
        let file = unit.path().join(&wanted);
        let Ok(modified) = std::fs::metadata(&file).and_then(|m| m.modified()) else {
            continue;
        };
        if newest.as_ref().is_none_or(|(t, _)| modified > *t) {
            newest = Some((modified, file));
        }
    }
    let (_, file) = newest.ok_or_else(|| {
        build_error(
            artifact,
            format!(
                "cannot tell which features it was built with: cargo left no {wanted} in {}",
                fingerprints.display()
            ),
        )
    })?;
    fingerprint_features(&file)
}
