//! Hostile input through the binary (the catalogue in SECURITY.md): multi-megabyte and
//! non-UTF-8 text to `diagnose`, `scan` and `--batch`, paths given as ids to `explain`, and
//! raw HTTP requests that try to inject headers or log lines into `errdex serve`.

mod common;

use common::{errdex, listening};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const INPUTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../diagnose/tests/inputs");
const AUTH: &str = "anthropic/authentication-error";

fn capture() -> Vec<u8> {
    std::fs::read(format!("{INPUTS}/capture-anthropic-401.txt")).unwrap()
}

/// 6 MB: a 2 MB line with no line break (over scan's 1 MiB line cut), 4 MB of log lines
/// with invalid UTF-8 in them, then a real traceback.
fn hostile_log() -> Vec<u8> {
    let mut log = vec![b'x'; 2 * 1024 * 1024];
    log.push(b'\n');
    let noise = b"2026-11-23 12:00:00,000 INFO GET /health 200 \xff\xfe\xc3\x28 ok\n";
    while log.len() < 6 * 1024 * 1024 {
        log.extend_from_slice(noise);
    }
    log.extend(capture());
    log
}

#[test]
fn diagnose_and_scan_take_multi_megabyte_non_utf8_input() {
    let log = hostile_log();
    let o = errdex(&["diagnose", "--json"], &log);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["matches"][0]["id"], AUTH);
    assert!(json["text"].as_str().unwrap().contains('\u{fffd}'));

    let o = errdex(&["diagnose", "--color", "never"], &log);
    assert!(o.status.success());
    assert!(String::from_utf8(o.stdout).unwrap().contains(AUTH));

    let o = errdex(&["scan", "--json"], &log);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["groups"][0]["id"], AUTH, "{json}");
    let lines = log.iter().filter(|&&b| b == b'\n').count() as u64;
    let first = json["groups"][0]["first_line"].as_u64().unwrap();
    assert!(
        first > lines - 30 && first <= lines + 1,
        "{first} of {lines}"
    );
}

/// Diagnosis holds the whole text (about four times its size in memory), so text over
/// 64 MiB is refused, pointing to `scan`, which reads logs of any size in flat memory; a
/// batch line over 64 MiB is skipped unread and answered with an error.
#[test]
fn text_over_64_mib_is_refused_and_scan_is_named() {
    let mut huge = vec![b'x'; 64 * 1024 * 1024 + 1];
    let o = errdex(&["diagnose"], &huge);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("standard input is over 64 MiB") && stderr.contains("errdex scan"),
        "{stderr}"
    );
    assert!(o.stdout.is_empty());

    huge.truncate(64 * 1024 * 1024 + 10);
    let mut batch = huge;
    batch.push(b'\n');
    let good = serde_json::json!({"id": 2, "text": String::from_utf8(capture()).unwrap()});
    batch.extend_from_slice(good.to_string().as_bytes());
    let o = errdex(&["diagnose", "--batch", "-"], &batch);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[0]["error"],
        "line 1 is over 64 MiB: diagnose reads one error; for a log of any size use `errdex scan`"
    );
    assert_eq!(lines[1]["matches"][0]["id"], AUTH);
}

/// A batch line that is not UTF-8, or whose JSON nests past serde_json's recursion limit,
/// is answered with an error on its own line; the lines around it are still diagnosed.
#[test]
fn a_bad_batch_line_is_answered_with_an_error_and_the_batch_goes_on() {
    let good = serde_json::json!({"id": 1, "text": String::from_utf8(capture()).unwrap()});
    let mut batch = good.to_string().into_bytes();
    batch.extend_from_slice(b"\n{\"id\": 2, \"text\": \"bad \xff\xfe bytes\"}\n");
    batch.extend_from_slice(
        format!(
            "{{\"id\": {}{}, \"text\": \"x\"}}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        )
        .as_bytes(),
    );
    batch.extend_from_slice(good.to_string().as_bytes());
    let o = errdex(&["diagnose", "--batch", "-"], &batch);
    assert_eq!(o.status.code(), Some(1), "a bad line is a failure");
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["matches"][0]["id"], AUTH);
    assert!(lines[1]["error"].as_str().unwrap().starts_with("line 2:"));
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .contains("recursion limit"));
    assert_eq!(lines[3]["matches"][0]["id"], AUTH);
}

/// Ids are looked up in the embedded index, never opened as files.
#[test]
fn explain_with_a_path_for_an_id_reads_nothing() {
    for id in [
        "../../etc/passwd",
        "anthropic/../../../etc/passwd",
        "anthropic/..%2F..%2Fetc%2Fpasswd",
        "anthropic\\..\\..\\windows\\win.ini",
        "/etc/passwd",
        "anthropic/authentication-error/../../../Cargo.toml",
    ] {
        for args in [vec!["explain", id], vec!["explain", id, "--json"]] {
            let o = errdex(&args, b"");
            assert_eq!(o.status.code(), Some(1), "{id}");
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(all.contains("no entry"), "{id}: {all}");
            assert!(!all.contains("root:") && !all.contains("[workspace]"));
        }
    }
}

struct Server {
    child: Child,
    addr: String,
    log: std::path::PathBuf,
    dir: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn serve() -> Server {
    let dir = std::env::temp_dir().join(format!("errdex-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("data"))
        .env_remove("DATABASE_URL")
        .env_remove("ERRDEX_ADMIN_TOKEN")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let addr = listening(&mut child);
    Server {
        child,
        addr,
        log,
        dir,
    }
}

/// Sends raw bytes, returns the whole answer (the server closes after it).
fn raw(addr: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn head(answer: &str) -> &str {
    answer.split("\r\n\r\n").next().unwrap_or_default()
}

/// CR, LF or other control characters cannot reach a response header or split a log line:
/// hyper refuses a header value holding them (400), a path carries them only
/// percent-encoded, and the one header echoed (`X-Request-Id`) is echoed as it came.
#[test]
fn header_and_log_injection_through_raw_requests_fails() {
    let server = serve();
    let addr = server.addr.as_str();
    for request in [
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\rSet-Cookie: admin=1\r\nConnection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: \x1b]0;owned\x07\r\nConnection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\0\r\nConnection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\rSet-Cookie: admin=1\r\nConnection: close\r\n\r\n",
        "GET /healthz\rSet-Cookie: admin=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ] {
        let answer = raw(addr, request.as_bytes());
        assert!(answer.starts_with("HTTP/1.1 400"), "{request:?}: {answer}");
        assert!(!answer.to_ascii_lowercase().contains("set-cookie"), "{answer}");
    }
    let answer = raw(
        addr,
        b"GET /errors/anthropic/x%0D%0ASet-Cookie:%20admin=1 HTTP/1.1\r\nHost: x\r\nX-Request-Id: probe-1\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(!head(&answer).to_ascii_lowercase().contains("set-cookie"));
    assert!(head(&answer).contains("x-request-id: probe-1"), "{answer}");
    let answer = raw(
        addr,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: <script>, ' OR 1=1 --\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The server is still serving, and its log kept one line per event.
    let answer = raw(
        addr,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(log.contains("x%0D%0ASet-Cookie"), "{log}");
    for line in log.lines() {
        assert!(
            !line
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("set-cookie"),
            "a request split a log line: {log}"
        );
        assert!(!line.contains("owned"), "{log}");
    }
}
