//! What the binary's integration tests share: the `errdex` command without the
//! developer's own keys, starting `errdex serve` and reading the address it listens on,
//! and one raw HTTP/1.1 request (no client library needed).

// Each test file is its own crate and uses part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The admin token the servers of these tests are started with.
pub const TOKEN: &str = "cli-test-admin-token";
/// The notes API of the entry the tests write notes to.
pub const NOTES: &str = "/api/v1/errors/anthropic/authentication-error/notes";

/// `errdex` with no provider keys, base URLs or `NO_COLOR` from the environment the tests
/// run in, so that what they assert does not depend on the developer's shell.
pub fn errdex_without_keys() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_errdex"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().to_string();
        if name.ends_with("_API_KEY")
            || name.ends_with("_AUTH_TOKEN")
            || name.ends_with("_BASE_URL")
            || name == "NO_COLOR"
        {
            cmd.env_remove(&name);
        }
    }
    cmd
}

/// Runs `errdex ARGS` with `stdin` as its input.
pub fn errdex(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = errdex_without_keys()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("errdex runs");
    // A command that refuses an input too large stops reading it: a broken pipe is
    // expected then, and the output says the rest.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

/// The address an `errdex serve` child (stdout piped) listens on, from its first line.
pub fn listening(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim()
        .strip_prefix("errdex serve: listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string()
}

/// A running `errdex serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Server {
    /// Spawns `serve` (its stdout piped, its stderr dropped) and waits for its address.
    pub fn spawn(serve: &mut Command) -> Server {
        let mut child = serve
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr = listening(&mut child);
        Server { child, addr }
    }

    /// SIGTERM, and wait: a clean stop (the SQLite WAL checkpointed into the file).
    pub fn stop(mut self) {
        // SAFETY: kill has no memory preconditions; the pid is our own child's.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
    pub took: Duration,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One HTTP/1.1 request on its own connection, as the admin ([`TOKEN`]).
pub fn http(addr: &str, method: &str, path: &str, body: Option<&serde_json::Value>) -> Reply {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
        took: started.elapsed(),
    }
}

/// A new note on the entry of [`NOTES`].
pub fn post_note(addr: &str, text: &str) -> Reply {
    http(
        addr,
        "POST",
        NOTES,
        Some(&serde_json::json!({"text": text, "sdk_version": "anthropic 0.40.0"})),
    )
}

/// A new note on the entry of [`NOTES`], published by the admin: its id.
pub fn post_published_note(addr: &str, text: &str) -> String {
    let created = post_note(addr, text);
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    let published = http(
        addr,
        "POST",
        &format!("/api/v1/admin/notes/{id}/publish"),
        None,
    );
    assert_eq!(published.status, 200, "{}", published.body);
    id
}

/// The SQLite file passes `PRAGMA integrity_check` (opened read-only: the check changes
/// nothing).
pub fn assert_sqlite_sound(file: &Path) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = errdex_store::Store::open(&errdex_store::StoreConfig {
            database_url: Some(format!("sqlite://{}?mode=ro", file.display())),
            data_dir: None,
        })
        .await
        .unwrap();
        store.check_integrity().await.unwrap();
        store.close().await;
    });
}
