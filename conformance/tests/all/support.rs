//! Opening fixtures as conformance subjects.

use std::path::PathBuf;

use hookcheck::featherfly::RunnerCommand;
use hookcheck_conformance::{ProfileChoice, Subject};
use hookcheck_fixtures::artifacts::{native_fixture, wasm_fixture, workspace_root};

pub fn runner() -> RunnerCommand {
    RunnerCommand {
        program: env!("CARGO_BIN_EXE_hookcheck").into(),
        args: vec!["native-runner".into()],
    }
}

/// A copy of native fixture `name` whose `.comment` says another rustc built it.
pub fn foreign_rustc_copy(name: &str) -> PathBuf {
    let original = std::fs::read(native_fixture(name)).unwrap();
    let marker = b"rustc version 1.";
    let at = original
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("the fixture carries a rustc version");
    let mut patched = original.clone();
    // 1.95.0 -> 1.05.0: same length, another compiler
    patched[at + marker.len()] = b'0';
    let dir = std::env::temp_dir().join(format!("hookcheck-foreign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.so"));
    std::fs::write(&path, patched).unwrap();
    path
}

/// The path or spec a fixture reference names.
pub fn spec(reference: &str) -> String {
    let (kind, name) = reference.split_once(':').unwrap();
    match kind {
        "wat" => workspace_root()
            .join("fixtures/wat")
            .join(format!("{name}.wat"))
            .display()
            .to_string(),
        "wasm" => wasm_fixture(name).display().to_string(),
        "native" => native_fixture(name).display().to_string(),
        "native-foreign-rustc" => foreign_rustc_copy(name).display().to_string(),
        "pylon" | "rustant" => reference.to_owned(),
        other => panic!("unknown fixture kind `{other}` in `{reference}`"),
    }
}

/// Opens a fixture reference as a subject (profile detected).
pub fn open(reference: &str) -> Subject {
    open_as(reference, ProfileChoice::Auto)
}

/// Opens a fixture reference as a subject checked against `profile`.
pub fn open_as(reference: &str, profile: ProfileChoice) -> Subject {
    Subject::open(&spec(reference), profile, Some(runner()))
        .unwrap_or_else(|e| panic!("{reference}: {e}"))
        .0
}

/// `hookcheck conformance` on native fixture `name`, with more arguments.
pub fn conformance_cli(name: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .arg("conformance")
        .arg(hookcheck_fixtures::artifacts::native_fixture(name))
        .args(args)
        .output()
        .unwrap()
}
