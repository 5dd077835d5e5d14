//! `cargo build` of `cdylib` plugins, reading the artifacts cargo reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::{Error, Result};

/// One `cargo build` of a package's `cdylib` library or examples.
#[derive(Clone, Debug, Default)]
pub struct CargoBuild {
    /// The workspace (or package) directory to run cargo in.
    pub dir: PathBuf,
    /// The package (`-p`).
    pub package: String,
    /// The target triple (`--target`), or the host.
    pub target: Option<String>,
    /// `--release`.
    pub release: bool,
    /// `--examples` instead of the library.
    pub examples: bool,
    /// With `examples`: only this example (`--example NAME`).
    pub only: Option<String>,
    /// `--features` (none when empty).
    pub features: Vec<String>,
    /// `--no-default-features`.
    pub no_default_features: bool,
}

/// The target directory cargo uses for `workspace`: `$CARGO_TARGET_DIR`, or
/// `<workspace>/target`.
pub fn target_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace.join("target"), PathBuf::from)
}

impl CargoBuild {
    /// A build of the running test's own package (the plugin crate whose
    /// `cargo test` this is) for `target` (the host when `None`), with the
    /// test's features, exactly: `cargo test --features X` checks the
    /// plugin built with X. The default features are named in the
    /// test's list when they are on, so the build turns them off and
    /// passes the list. `release` picks the profile.
    ///
    /// # Errors
    ///
    /// Not run by `cargo test`, or cargo's record of the test's build
    /// cannot be read.
    pub fn for_this_test(target: Option<&str>, release: bool) -> Result<Self> {
        let test = super::TestBuild::current()?;
        let dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .ok_or_else(|| Error::Build {
                path: test.profile_dir.clone(),
                reason: "not run by `cargo test` (CARGO_MANIFEST_DIR is unset)".into(),
            })?;
        Ok(Self {
            dir,
            package: test.package,
            target: target.map(str::to_owned),
            release,
            features: test.features,
            no_default_features: true,
            ..Self::default()
        })
    }

    /// Runs the build and returns every `cdylib` file it produced
    /// (`.wasm`, `.so`, `.dylib`, `.dll`).
    pub fn run(&self) -> Result<Vec<PathBuf>> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&self.dir)
            .args([
                "build",
                "--quiet",
                "--message-format=json-render-diagnostics",
                "-p",
                &self.package,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(t) = &self.target {
            cmd.args(["--target", t]);
        }
        if self.release {
            cmd.arg("--release");
        }
        if self.no_default_features {
            cmd.arg("--no-default-features");
        }
        if !self.features.is_empty() {
            cmd.args(["--features", &self.features.join(",")]);
        }
        match (&self.only, self.examples) {
            (Some(name), true) => {
                cmd.args(["--example", name]);
            }
            (_, true) => {
                cmd.arg("--examples");
            }
            (_, false) => {}
        }
        let what = format!("build `{}`", self.package);
        let output = cmd
            .output()
            .map_err(|e| Error::io("run cargo to", &self.dir, e))?;
        if !output.status.success() {
            return Err(Error::PluginLoad {
                plugin: self.package.clone(),
                reason: format!(
                    "`cargo {what}` failed ({}); cargo's messages are above",
                    output.status
                ),
            });
        }
        let mut files = Vec::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(msg) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if msg["reason"] != "compiler-artifact" {
                continue;
            }
            let cdylib = msg["target"]["crate_types"]
                .as_array()
                .is_some_and(|t| t.iter().any(|k| k == "cdylib"));
            if !cdylib {
                continue;
            }
            for f in msg["filenames"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let is_lib = [".wasm", ".so", ".dylib", ".dll"]
                    .iter()
                    .any(|x| f.ends_with(x));
                if is_lib {
                    files.push(PathBuf::from(f));
                }
            }
        }
        Ok(files)
    }
}

/// Copies each artifact into `dir` as `<name>.<ext>`, where `name` is the
/// file stem without a `lib` prefix; returns the new paths. Each copy is
/// written beside its destination and renamed over it, so a library that
/// is loaded right now keeps its (old) file instead of being overwritten
/// in place under its mapping.
pub fn copy_artifacts(artifacts: &[PathBuf], dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let mut out = Vec::new();
    for src in artifacts {
        let stem = src
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = stem.strip_prefix("lib").unwrap_or(&stem);
        let ext = src
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dest = dir.join(format!("{name}.{ext}"));
        let partial = dir.join(format!(".{name}.{ext}.partial"));
        std::fs::copy(src, &partial).map_err(|e| Error::io("copy", &partial, e))?;
        std::fs::rename(&partial, &dest).map_err(|e| Error::io("replace", &dest, e))?;
        out.push(dest);
    }
    Ok(out)
}
