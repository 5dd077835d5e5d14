//! Matching a plugin build to the test that checks it: cargo's record of
//! the running test's features, and of the build that wrote an artifact.

use hookcheck::artifacts::{TestBuild, built_features};

#[test]
fn the_running_test_knows_its_own_features() {
    let test = TestBuild::current().unwrap();
    assert_eq!(test.package, "hookcheck");
    assert_eq!(
        test.features.iter().any(|f| f == "wasm"),
        cfg!(feature = "wasm"),
        "{:?}",
        test.features
    );
    assert!(test.profile_dir.ends_with("debug") || test.profile_dir.ends_with("release"));
}

/// A profile directory as cargo leaves it: two builds of `demo`'s library,
/// the newer one with feature `bug`, and the `cdylib` they wrote.
fn profile_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fingerprints = dir.path().join(".fingerprint");
    for (unit, features) in [("demo-1111", "[]"), ("demo-2222", "[\"bug\"]")] {
        std::fs::create_dir_all(fingerprints.join(unit)).unwrap();
        let json = serde_json::json!({"rustc": 1, "features": features});
        std::fs::write(
            fingerprints.join(unit).join("lib-demo.json"),
            json.to_string(),
        )
        .unwrap();
        // The second build is the newer one.
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::fs::create_dir_all(dir.path().join("deps")).unwrap();
    std::fs::write(dir.path().join("deps/libdemo.so"), b"").unwrap();
    dir
}

#[test]
fn a_build_with_other_features_is_refused_naming_both() {
    let dir = profile_dir();
    let artifact = dir.path().join("deps/libdemo.so");
    assert_eq!(built_features(&artifact, "demo").unwrap(), ["bug"]);
    let test = TestBuild {
        package: "demo".into(),
        features: Vec::new(),
        profile_dir: dir.path().to_owned(),
        release: false,
    };
    assert!(test.builds(&artifact));
    let refused = test.check(&artifact).unwrap_err().to_string();
    assert!(
        refused.contains("built with features [bug], this test with []"),
        "{refused}"
    );
    assert_eq!(refused.lines().count(), 1);
    let same = TestBuild {
        features: vec!["bug".into()],
        ..test
    };
    same.check(&artifact).unwrap();
}

#[test]
fn an_artifact_outside_a_cargo_profile_cannot_be_told() {
    let dir = tempfile::tempdir().unwrap();
    let loose = dir.path().join("libdemo.so");
    std::fs::write(&loose, b"").unwrap();
    let e = built_features(&loose, "demo").unwrap_err().to_string();
    assert!(e.contains("cannot tell which features"), "{e}");
}
