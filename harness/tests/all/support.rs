//! Shared test helpers: fixture paths, hosts with short limits, and a real
//! HTTP server on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hookcheck::lesstruct::{LesstructHost, WasmLimits};

/// A `.wat` edge-case fixture.
pub fn wat(name: &str) -> PathBuf {
    hookcheck_fixtures::artifacts::workspace_root()
        .join("fixtures/wat")
        .join(format!("{name}.wat"))
}

/// Small memory limits for tests. The deadline is generous so a loaded CI
/// machine never turns a healthy call into a timeout; tests of the deadline
/// set their own.
pub fn test_limits() -> WasmLimits {
    WasmLimits {
        memory_bytes: 8 << 20,
        deadline: Duration::from_secs(10),
        max_stack: 256 << 10,
    }
}

/// An empty Lesstruct host with [`test_limits`].
pub fn lesstruct_host() -> LesstructHost {
    LesstructHost::new(test_limits()).unwrap()
}

/// The hook data of a new post.
pub fn post(title: &str, custom: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "contentId": 0, "userId": 7, "title": title, "content": "one two three",
        "tags": ["a"], "status": "draft", "postType": "post", "customFields": custom,
    })
}

/// A small HTTP/1.1 server on 127.0.0.1 that records every path it serves.
pub struct TestServer {
    pub port: u16,
    pub seen: Arc<Mutex<Vec<String>>>,
}

impl TestServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                std::thread::spawn(move || serve(stream, port, &log));
            }
        });
        Self { port, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn paths(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, port: u16, log: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_owned();
    log.lock().unwrap().push(path.clone());
    let (status, extra, payload) = match path.as_str() {
        "/allowed/data" => ("200 OK", String::new(), r#"{"ok":true}"#.to_owned()),
        "/allowed/echo" => (
            "200 OK",
            String::new(),
            String::from_utf8_lossy(&body).into_owned(),
        ),
        "/allowed/redirect-in" => (
            "302 Found",
            "Location: /allowed/data\r\n".to_owned(),
            String::new(),
        ),
        "/allowed/redirect-out" => (
            "302 Found",
            format!("Location: http://127.0.0.2:{port}/allowed/data\r\n"),
            String::new(),
        ),
        "/allowed/redirect-secret" => (
            "302 Found",
            "Location: /secret\r\n".to_owned(),
            String::new(),
        ),
        "/allowed/big" => ("200 OK", String::new(), "x".repeat((1 << 20) + 10)),
        "/allowed/stall" => {
            // A server that takes its time: longer than a short deadline.
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", String::new(), r#"{"late":true}"#.to_owned())
        }
        _ => ("200 OK", String::new(), "secret".to_owned()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    let mut stream = reader.into_inner();
    let _ = stream.write_all(response.as_bytes());
}
