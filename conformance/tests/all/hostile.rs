//! Hostile native plugins cannot kill, fool or outlive hookcheck: the
//! runner is a sandbox, its death is read from the real wait status, its
//! channel cannot be forged, and a hanging init costs one budget.

use std::process::Command;
use std::time::{Duration, Instant};

use hookcheck_conformance::{RunOptions, Status, run_checks};
use hookcheck_fixtures::artifacts::native_fixture;

use crate::support::{conformance_cli, open};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn check<'a>(
    report: &'a hookcheck_conformance::Report,
    id: &str,
) -> &'a hookcheck_conformance::CheckResult {
    report.checks.iter().find(|c| c.id == id).unwrap()
}

/// Processes whose name is `name`.
fn processes_named(name: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| std::fs::read_to_string(e.path().join("comm")).is_ok_and(|c| c.trim() == name))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_plugin_that_signals_hookcheck_cannot_end_it() {
    let out = conformance_cli("kills_host", &[]);
    let stdout = text(&out.stdout);
    // Killed, hookcheck would have no exit code and no summary.
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    // Every signal at another process is refused, and each is a finding:
    // on FeatherFly it would have reached the daemon's family.
    assert!(stdout.contains("FF-SAFE-006    FAIL"), "{stdout}");
    assert!(
        stdout.contains("plugin did what its sandbox refused: kill(1, SIGKILL)"),
        "{stdout}"
    );
    // Where the machine allows them (some containers do not, and the
    // report then says what is missing).
    if hookcheck_fixtures::machine::user_namespaces() {
        assert!(
            stdout.contains("isolation: user namespace, PID namespace"),
            "{stdout}"
        );
    }
}

#[test]
fn a_crash_while_a_forked_child_holds_the_pipes_is_the_crash_and_the_child_dies() {
    let report = run_checks(
        &open("native:forks_and_crashes"),
        &RunOptions::default(),
        |_| {},
    );
    let safe = check(&report, "FF-SAFE-001");
    assert_eq!(safe.status, Status::Fail, "{}", safe.evidence);
    assert!(safe.evidence.contains("SIGSEGV"), "{}", safe.evidence);
    let time = check(&report, "FF-SAFE-004");
    assert_eq!(
        time.status,
        Status::Pass,
        "not a timeout: {}",
        time.evidence
    );
    // The fork itself is refused, and a finding.
    let fork = check(&report, "FF-SAFE-006");
    assert_eq!(fork.status, Status::Fail, "{}", fork.evidence);
    assert!(fork.evidence.contains("clone()"), "{}", fork.evidence);
    drop(report);
    let until = Instant::now() + Duration::from_secs(5);
    while !processes_named("hc-fork-probe").is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(processes_named("hc-fork-probe"), Vec::<String>::new());
}

#[test]
fn a_forged_answer_on_the_protocol_channel_is_a_protocol_failure() {
    let report = run_checks(&open("native:forges_frame"), &RunOptions::default(), |_| {});
    let channel = check(&report, "FF-SAFE-005");
    assert_eq!(channel.status, Status::Fail, "{}", channel.evidence);
    assert!(
        channel
            .evidence
            .contains("broke the native runner's protocol"),
        "{}",
        channel.evidence
    );
    assert!(!report.passed());
}

#[test]
fn a_thread_that_ends_the_process_after_its_hook_returned_is_caught() {
    let report = run_checks(&open("native:exits_later"), &RunOptions::default(), |_| {});
    let exits = check(&report, "FF-SAFE-003");
    assert_eq!(exits.status, Status::Fail, "{}", exits.evidence);
    assert!(
        exits.evidence.contains("exit status 0"),
        "{}",
        exits.evidence
    );
}

#[test]
fn the_runner_never_sees_hookcheck_environment_and_reports_carry_no_control_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .arg("conformance")
        .arg(native_fixture("prints_env"))
        .arg("--report-dir")
        .arg(dir.path())
        .env("HOOKCHECK_TEST_SECRET", "s3cr3t-token-value")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(
        report.contains("RUST_BACKTRACE=0"),
        "the crash report shows what the plugin printed: {report}"
    );
    assert!(!report.contains("s3cr3t-token-value"), "{report}");
    // It tried to read hookcheck's own environment, and could not.
    assert!(report.contains("host env unreadable"), "{report}");
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("s3cr3t-token-value"));
    let markdown = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for (name, shown) in [("stdout", &stdout), ("report.md", &markdown)] {
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{0}'),
            "{name} passes control bytes on: {shown}"
        );
    }
    assert!(markdown.contains("\\u{1b}[2Jscreen wiped"), "{markdown}");
}

#[test]
fn an_unwritable_report_is_refused_before_any_check_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = conformance_cli("segfault", &["--junit".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("it is a directory"), "{stderr}");
    assert!(!stderr.contains("checking"), "no check ran: {stderr}");
    assert!(text(&out.stdout).is_empty());
}

#[test]
fn a_report_that_fails_to_write_does_not_lose_the_others_or_the_verdict() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let run = |plugin: &str| {
        let args = ["--markdown", "/dev/full", "--json"].map(std::ffi::OsStr::new);
        conformance_cli(plugin, &[&args[..], &[json.as_os_str()]].concat())
    };
    // A failing plugin: its exit 1 stays, the JSON report is written.
    let out = run("segfault");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("/dev/full"),
        "{}",
        text(&out.stderr)
    );
    assert!(json.is_file());
    std::fs::remove_file(&json).unwrap();
    // A conforming plugin: exit 2, because a report CI expects is missing.
    let out = run("admin_ok");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(json.is_file());
}

#[test]
fn a_hanging_init_fails_once_within_the_load_budget() {
    let start = Instant::now();
    let report = run_checks(
        &open("native:hangs_in_init"),
        &RunOptions::default(),
        |_| {},
    );
    let elapsed = start.elapsed();
    let load = check(&report, "FF-LOAD-007");
    assert_eq!(load.status, Status::Fail, "{}", load.evidence);
    assert!(load.evidence.contains("timed out"), "{}", load.evidence);
    // One load budget (10 s), not one per check (26 × 10 s): a liveness
    // bound, far from any speed claim.
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
}

/// Logs are capped per call, refusals are not: a module that logs 300
/// lines (more than the host keeps) and then makes one refused database
/// query still fails LS-CAP-001, because the check reads the host's typed
/// record of refusals, not its log.
#[test]
fn a_refused_host_call_after_a_flood_of_logs_still_fails_the_capability_check() {
    let check = hookcheck_conformance::find("LS-CAP-001").unwrap();
    let verdict = check.run(&crate::support::open("wat:logs_then_refused"));
    assert_eq!(
        verdict.status,
        hookcheck_conformance::Status::Fail,
        "{}",
        verdict.evidence
    );
    assert!(
        verdict.evidence.contains("db_query: table_not_allowed"),
        "{}",
        verdict.evidence
    );
}

/// A WASM module with `exports` function exports besides its memory,
/// built in memory: one function exported under many names.
fn module_with_exports(exports: u32) -> Vec<u8> {
    fn leb(mut n: u32, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let mut body = Vec::new();
    leb(exports + 1, &mut body);
    body.extend_from_slice(b"\x06memory\x02\x00");
    for i in 0..exports {
        let name = format!("e{i}");
        leb(name.len() as u32, &mut body);
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(b"\x00\x00");
    }
    let mut module =
        b"\0asm\x01\0\0\0\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x05\x03\x01\x00\x01\x07".to_vec();
    leb(body.len() as u32, &mut module);
    module.extend_from_slice(&body);
    module.extend_from_slice(b"\x0a\x04\x01\x02\x00\x0b");
    module
}

/// `hookcheck conformance` on a module whose cost is in its size or its
/// sections ends at once with exit 2 and one line naming the file and the
/// number, before any compiler runs: 100 000 exported functions cost 14 s
/// and 1.2 GB to compile and check, a 255 MB module a minute and 3 GB.
#[test]
fn a_module_too_large_to_compile_is_refused_before_compiling() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("many_exports.wasm");
    std::fs::write(&exports, module_with_exports(100_000)).unwrap();
    let huge = dir.path().join("huge.wasm");
    // Sparse: 255 MB that cost no disk, refused before a byte is read.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(255_000_000)
        .unwrap();
    let wat_text = dir.path().join("huge.wat");
    std::fs::File::create(&wat_text)
        .unwrap()
        .set_len(5 << 20)
        .unwrap();
    for (file, says) in [
        (
            &exports,
            "100001 exports; hookcheck compiles modules of at most 1000 exports",
        ),
        (
            &huge,
            "255000000 bytes; files over 33554432 bytes are not read (hookcheck's limit for a WASM module)",
        ),
        (
            &wat_text,
            "5242880 bytes; files over 4194304 bytes are not read (hookcheck's limit for WAT text)",
        ),
    ] {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_hookcheck"))
            .arg("conformance")
            .arg(file)
            .output()
            .unwrap();
        let took = started.elapsed();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("{}: {says}", file.display())),
            "{stderr}"
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        // Generous for a debug build on a loaded machine: not minutes.
        assert!(took < Duration::from_secs(10), "{took:?}");
    }
    // At the limit the module is checked as usual.
    std::fs::write(&exports, module_with_exports(999)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hookcheck"))
        .arg("conformance")
        .arg(&exports)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
}
