//! End to end: `hookcheck serve` on 127.0.0.1 with real HTTP traffic and
//! a recording, then `hookcheck replay` of that recording against the same
//! plugins and against a changed one.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use hookcheck::store::EntityStore;
use hookcheck_fixtures::artifacts::native_fixture;
use serde_json::{Value, json};

const HOOKCHECK: &str = env!("CARGO_BIN_EXE_hookcheck");

/// A running `hookcheck serve`, stopped with SIGTERM.
struct Server {
    child: Child,
    base: String,
    lines: mpsc::Receiver<String>,
}

impl Server {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(HOOKCHECK)
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        let base = loop {
            let line = lines
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|e| panic!("serve did not start ({e}); it printed {seen:?}"));
            if let Some(rest) = line.strip_prefix("listening on ") {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
            seen.push(line);
        };
        Self { child, base, lines }
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        user: Option<&str>,
    ) -> (u16, Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!("{}{path}", self.base);
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        if let Some(user) = user {
            request = request.header("authorization", format!("Bearer {user}"));
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let request = request
            .header("content-type", "application/json")
            .body(body)
            .unwrap();
        let mut response = agent.run(request).unwrap();
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// SIGTERM, then the rest of what it printed.
    fn stop(mut self) -> Vec<String> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "serve exited with {exit}");
        // The reader thread ends at EOF, right after the process is gone.
        let mut rest = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(30)) {
            rest.push(line);
        }
        rest
    }
}

fn replay(fixtures: &Path, profile: &str, plugins: &Path) -> (i32, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(HOOKCHECK)
        .arg("replay")
        .arg(fixtures)
        .args(["--profile", profile, "--plugins"])
        .arg(plugins)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr)
    );
    (status.code().unwrap_or(-1), text)
}

fn pylon_dir(root: &Path, name: &str, now: u64) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = json!([
        { "name": "require_fields", "config": { "entity": "post", "fields": ["title"] } },
        { "name": "slugify" },
        { "name": "timestamps", "config": { "fixed_now_secs": now } },
    ]);
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    dir
}

#[test]
fn pylon_serve_records_writes_into_sqlite_and_replay_finds_the_changed_stage() {
    let root = tempfile::tempdir().unwrap();
    let plugins = pylon_dir(root.path(), "plugins", 1_700_000_000);
    let record = root.path().join("recording");
    let db = root.path().join("rows.sqlite");
    let server = Server::start(&[
        "--profile",
        "pylon",
        "--plugins",
        plugins.to_str().unwrap(),
        "--record",
        record.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    let (status, created) = server.send(
        "POST",
        "/api/entities/post",
        Some(json!({"title": "Hello World"})),
        Some("u1"),
    );
    assert_eq!(status, 201, "{created}");
    let (status, rejected) = server.send(
        "POST",
        "/api/entities/post",
        Some(json!({"body": "no title"})),
        Some("u1"),
    );
    assert_eq!(status, 400, "{rejected}");
    let (status, updated) = server.send(
        "PUT",
        "/api/entities/post/1",
        Some(json!({"title": "Hello Again"})),
        None,
    );
    assert_eq!(status, 200, "{updated}");
    let (status, system) = server.send("GET", "/api/system", None, None);
    assert_eq!((status, system["profile"].clone()), (200, json!("pylon")));
    let (status, _) = server.send("GET", "/no/such/route", None, None);
    assert_eq!(status, 404);
    let said = server.stop();
    assert!(
        said.iter().any(|l| l.contains("fixture(s) recorded")),
        "no flush summary in {said:?}"
    );

    // The rows carry the plugins' mutations; the rejected write left none.
    let rows = EntityStore::open(&db).unwrap().rows("post").unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["title"], "Hello Again");
    assert_eq!(rows[0]["slug"], "hello-again", "slugify ran on the update");
    assert_eq!(
        rows[0]["updatedAt"], "2023-11-14T22:13:20Z",
        "timestamps ran"
    );

    let files: Vec<String> = std::fs::read_dir(&record)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files.iter().filter(|f| f.contains("-write-")).count(),
        3,
        "{files:?}"
    );
    assert_eq!(
        files.iter().filter(|f| f.contains("-request-")).count(),
        5,
        "{files:?}"
    );

    let (code, out) = replay(&record, "pylon", &plugins);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("8 fixture(s): 8 matched, 0 differed"), "{out}");

    let changed = pylon_dir(root.path(), "changed", 1_800_000_000);
    let (code, out) = replay(&record, "pylon", &changed);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("stage 3 (`timestamps` before_insert)"),
        "{out}"
    );
    assert!(
        !out.contains("(`slugify` before_insert)") && !out.contains("(`slugify` before_update)"),
        "only the changed plugin's stage differs:\n{out}"
    );
}

#[test]
fn featherfly_serve_records_json_mixins_and_replay_finds_the_changed_stage() {
    let root = tempfile::tempdir().unwrap();
    let plugins = root.path().join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    for name in ["mixin_a", "mixin_b", "mixin_c"] {
        std::fs::copy(native_fixture(name), plugins.join(format!("{name}.so"))).unwrap();
    }
    let config = root.path().join("config.yaml");
    std::fs::write(&config, "server:\n  port: 8080\n").unwrap();
    let record = root.path().join("recording");
    let server = Server::start(&[
        "--profile",
        "featherfly",
        "--plugins",
        plugins.to_str().unwrap(),
        "--record",
        record.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    let (status, system) = server.send("GET", "/api/system", None, None);
    assert_eq!(status, 200);
    assert_eq!(
        system["trail"], "abc",
        "three mixins in load order: {system}"
    );
    assert_eq!(
        system["actions"].as_array().map(Vec::len),
        Some(3),
        "{system}"
    );
    let (status, _) = server.send(
        "POST",
        "/api/entities/note",
        Some(json!({"text": "x"})),
        None,
    );
    assert_eq!(status, 201);
    server.stop();

    let (code, out) = replay(&record, "featherfly", &plugins);
    assert_eq!(code, 0, "{out}");

    std::fs::copy(native_fixture("mixin_b_v2"), plugins.join("mixin_b.so")).unwrap();
    let (code, out) = replay(&record, "featherfly", &plugins);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("stage 2 (`mixin-b` json.response)"), "{out}");
    assert!(out.contains("+   trail: aB"), "{out}");
    assert!(
        !out.contains("(`mixin-a` json.response)"),
        "mixin-a is unchanged:\n{out}"
    );
}

#[test]
fn serve_and_replay_refuse_bad_input_in_one_line() {
    let root = tempfile::tempdir().unwrap();
    let broken = root.path().join("broken.yaml");
    std::fs::write(
        &broken,
        "version: 1\nrequest:\n  method: FETCH\n  path: /x\n",
    )
    .unwrap();
    let plugins = pylon_dir(root.path(), "plugins", 1);
    let (code, out) = replay(&broken, "pylon", &plugins);
    assert_eq!(code, 2, "{out}");
    let line = out.trim();
    assert!(!line.contains('\n'), "one line: {line}");
    assert!(
        line.contains("broken.yaml") && line.contains("line 3") && line.contains("request.method"),
        "{line}"
    );

    let missing = Command::new(HOOKCHECK)
        .args([
            "serve",
            "--profile",
            "featherfly",
            "--plugins",
            "/no/such/dir",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{err}");
    assert!(
        err.trim().lines().count() == 1 && err.contains("/no/such/dir"),
        "{err}"
    );
}

#[test]
fn serve_stays_responsive_and_stops_while_a_wasm_hook_sleeps_past_its_deadline() {
    let root = tempfile::tempdir().unwrap();
    let plugins = root.path().join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    // WAT text in a .wasm file: the loader accepts both forms.
    std::fs::copy(
        hookcheck_fixtures::artifacts::workspace_root().join("fixtures/wat/sleeps_in_wasi.wat"),
        plugins.join("sleeps.wasm"),
    )
    .unwrap();
    let server = Server::start(&[
        "--profile",
        "lesstruct",
        "--plugins",
        plugins.to_str().unwrap(),
        "--timeout-ms",
        "300",
    ]);
    // before_save sleeps ten seconds in poll_oneoff: the deadline ends it.
    let (status, body) = server.send(
        "POST",
        "/api/entities/post",
        Some(json!({"title": "T", "content": "", "status": "draft", "postType": "post", "customFields": {}})),
        Some("u1"),
    );
    assert_eq!(status, 500, "{body}");
    assert!(body.to_string().contains("timed out"), "{body}");
    let (status, _) = server.send("GET", "/api/system", None, None);
    assert_eq!(status, 200);
    let said = server.stop();
    assert!(said.iter().any(|l| l.starts_with("stopped:")), "{said:?}");
}
