//! `errdex serve` when things go wrong around it, as real processes: PostgreSQL stopped
//! under load and started again (a throwaway cluster of the test's own, so that it can be
//! stopped), an SQLite file that cannot be written (opened read-only, or full at its
//! `max_page_count`), and slow clients (headers a byte at a time, a silent connection, a
//! body trickled in).
//! The server must answer what needs the database with a quick 503 and a JSON error, keep
//! serving everything else, lose or damage nothing, and recover by itself.

mod common;

use common::{
    assert_sqlite_sound, http, post_note, post_published_note, Reply, Server, NOTES, TOKEN,
};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ENTRY: &str = "anthropic/authentication-error";
const PAGE: &str = "/errors/anthropic/authentication-error";
/// What the entry page says in place of the notes when they cannot be read.
const NOTES_UNAVAILABLE: &str = "The notes cannot be read right now";
/// How long a request that needs an unreachable database may take: the pool waits 1 s
/// for a connection (`PG_ACQUIRE_TIMEOUT`); far below the 10 s request timeout, which
/// is what a hanging request would run into.
const FAST: Duration = Duration::from_secs(4);

fn start(args: &[&str]) -> Server {
    Server::spawn(
        Command::new(env!("CARGO_BIN_EXE_errdex"))
            .args(["serve", "--addr", "127.0.0.1:0", "--notes-per-hour", "0"])
            .args(["--confirmations-per-hour", "0"])
            .args(args)
            .env_remove("DATABASE_URL")
            .env("ERRDEX_ADMIN_TOKEN", TOKEN)
            .env("RUST_LOG", "warn"),
    )
}

trait Unavailable {
    /// A 503 with the API's JSON error body, and quickly.
    fn assert_unavailable(&self, what: &str);
}

impl Unavailable for Reply {
    fn assert_unavailable(&self, what: &str) {
        assert_eq!(self.status, 503, "{what}: {}", self.body);
        assert_eq!(self.json()["error"]["code"], "unavailable", "{what}");
        assert!(
            self.took < FAST,
            "{what}: a 503 should come fast, took {:?}",
            self.took
        );
    }
}

fn diagnose(addr: &str) -> Reply {
    http(
        addr,
        "POST",
        "/api/v1/diagnose",
        Some(
            &serde_json::json!({"text": "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}}"}),
        ),
    )
}

fn until<T>(what: &str, limit: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

// ---------------------------------------------------------------- PostgreSQL stopped

/// A PostgreSQL cluster of this test's own in a temporary directory, on a free port,
/// found and run the way `.ci/postgres.sh` does (as `postgres` when the test is root:
/// PostgreSQL refuses to run as root). Stopped and removed when dropped.
struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl Postgres {
    /// None (and a printed reason) when PostgreSQL is not installed; a failure instead
    /// with `ERRDEX_REQUIRE_POSTGRES=1`.
    fn start() -> Option<Postgres> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").is_file() && b.join("pg_ctl").is_file())
            .max_by_key(|b| {
                b.parent()
                    .and_then(|v| v.file_name())
                    .and_then(|v| v.to_str())
                    .and_then(|v| v.parse::<u32>().ok())
            });
        let Some(bin) = bin else {
            assert!(
                !std::env::var("ERRDEX_REQUIRE_POSTGRES").is_ok_and(|v| v == "1"),
                "ERRDEX_REQUIRE_POSTGRES=1 but no initdb/pg_ctl under /usr/lib/postgresql/*/bin"
            );
            println!(
                "skipped: no initdb/pg_ctl under /usr/lib/postgresql/*/bin (Debian's `postgresql`)"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = Postgres { bin, dir, port };
        if is_root() {
            run_ok(Command::new("chown").arg("postgres").arg(pg.dir.path()));
        }
        pg.run(&format!(
            "'{}' -D '{}' -A trust -U postgres",
            pg.bin.join("initdb").display(),
            pg.data().display()
        ));
        pg.ctl("start");
        Some(pg)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// `pg_ctl start` (waits until it accepts connections) or `stop -m immediate` (no
    /// shutdown checkpoint, every connection dropped: as close to a crash as pg_ctl goes).
    fn ctl(&self, action: &str) {
        let pg_ctl = self.bin.join("pg_ctl");
        let command = match action {
            "start" => format!(
                "'{}' -D '{}' -l '{}' -w -o \"-c listen_addresses=127.0.0.1 -p {} -k '{}'\" start",
                pg_ctl.display(),
                self.data().display(),
                self.dir.path().join("log").display(),
                self.port,
                self.dir.path().display()
            ),
            _ => format!(
                "'{}' -D '{}' -m immediate -w stop",
                pg_ctl.display(),
                self.data().display()
            ),
        };
        self.run(&command);
    }

    fn run(&self, command: &str) {
        if is_root() {
            run_ok(Command::new("su").args(["postgres", "-s", "/bin/sh", "-c", command]));
        } else {
            run_ok(Command::new("sh").args(["-c", command]));
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let command = format!(
            "'{}' -D '{}' -m immediate stop",
            self.bin.join("pg_ctl").display(),
            self.data().display()
        );
        let mut stop = match is_root() {
            true => {
                let mut c = Command::new("su");
                c.args(["postgres", "-s", "/bin/sh", "-c", &command]);
                c
            }
            false => {
                let mut c = Command::new("sh");
                c.args(["-c", &command]);
                c
            }
        };
        let _ = stop.stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn run_ok(command: &mut Command) {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What a client sending a steady mix of requests saw, by route.
#[derive(Default)]
struct Seen {
    /// (route, status) of every answer.
    answers: Vec<(&'static str, u16)>,
}

/// A client that keeps sending until stopped: the page, search and diagnosis (which do
/// not need the database) and a note (which does).
fn keep_sending(addr: String, stop: Arc<AtomicBool>, seen: Arc<Mutex<Seen>>) {
    let mut n = 0u32;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let answers = [
            ("healthz", http(&addr, "GET", "/healthz", None).status),
            (
                "search",
                http(&addr, "GET", "/api/v1/search?q=rate+limit", None).status,
            ),
            ("diagnose", diagnose(&addr).status),
            ("page", http(&addr, "GET", PAGE, None).status),
            (
                "note",
                post_note(
                    &addr,
                    &format!("Note {n} sent while the database comes and goes."),
                )
                .status,
            ),
        ];
        seen.lock().unwrap().answers.extend(answers);
    }
}

#[test]
fn postgres_stopped_under_load_fails_fast_with_503_and_the_server_recovers() {
    let Some(pg) = Postgres::start() else { return };
    let server = start(&["--database-url", &pg.url()]);
    let addr = server.addr.clone();

    // Healthy: a published note, shown on the page and by the API.
    assert_eq!(http(&addr, "GET", "/readyz", None).status, 200);
    let created = post_note(&addr, "Published before the database went away.");
    assert_eq!(created.status, 201, "{}", created.body);
    let published = created.json()["id"].as_str().unwrap().to_string();
    let r = http(
        &addr,
        "POST",
        &format!("/api/v1/admin/notes/{published}/publish"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(http(&addr, "GET", PAGE, None)
        .body
        .contains("Published before the database went away."));

    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let client = {
        let (addr, stop, seen) = (addr.clone(), stop.clone(), seen.clone());
        std::thread::spawn(move || keep_sending(addr, stop, seen))
    };
    std::thread::sleep(Duration::from_millis(300));

    pg.ctl("stop");
    // Readiness goes red (at once: the next check finds no database).
    let ready = http(&addr, "GET", "/readyz", None);
    ready.assert_unavailable("/readyz with the database stopped");

    // What needs the database: a quick 503 with the JSON error.
    post_note(&addr, "Sent while the database is stopped.").assert_unavailable("a new note");
    http(
        &addr,
        "POST",
        &format!("/api/v1/notes/{published}/confirmations"),
        Some(&serde_json::json!({"worked": true, "sdk_version": "0.40.0"})),
    )
    .assert_unavailable("a confirmation");
    http(&addr, "GET", "/api/v1/admin/notes?status=all", None).assert_unavailable("moderation");
    http(&addr, "GET", NOTES, None).assert_unavailable("the notes API");
    let refused = post_note(&addr, "Sent while the database is stopped, again.");
    assert!(
        refused.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("database does not answer"),
        "{}",
        refused.body
    );

    // What does not: served as ever; the entry page says its notes are unavailable.
    assert_eq!(http(&addr, "GET", "/healthz", None).status, 200);
    let search = http(&addr, "GET", "/api/v1/search?q=overloaded", None);
    assert_eq!(search.status, 200, "{}", search.body);
    assert!(!search.json()["results"].as_array().unwrap().is_empty());
    let diagnosis = diagnose(&addr);
    assert_eq!(diagnosis.status, 200, "{}", diagnosis.body);
    assert_eq!(
        diagnosis.json()["matches"][0]["id"],
        "anthropic/authentication-error"
    );
    let entry = http(&addr, "GET", &format!("/api/v1/errors/{ENTRY}"), None);
    assert_eq!(entry.status, 200);
    let page = http(&addr, "GET", PAGE, None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Invalid API key (authentication_error)"),
        "the entry is there"
    );
    assert!(
        page.body.contains(NOTES_UNAVAILABLE),
        "notes marked unavailable"
    );
    assert!(
        !page
            .body
            .contains("Published before the database went away."),
        "no notes from a cache that can no longer be checked"
    );
    assert!(page.took < FAST, "the page waited {:?}", page.took);

    // Started again: the same process recovers without a restart.
    pg.ctl("start");
    until("/readyz answers 200 again", Duration::from_secs(30), || {
        (http(&addr, "GET", "/readyz", None).status == 200).then_some(())
    });
    let created = until("a note is accepted again", Duration::from_secs(30), || {
        let r = post_note(&addr, "Written after the database came back.");
        (r.status == 201).then_some(r)
    });
    let id = created.json()["id"].as_str().unwrap().to_string();
    let r = http(
        &addr,
        "POST",
        &format!("/api/v1/admin/notes/{id}/publish"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // The LISTEN connection is back: the notes are cached again (nothing is cached while
    // it is down), and they are the database's, the new note included.
    let notes = until(
        "the notes are cached again",
        Duration::from_secs(30),
        || {
            let r = http(&addr, "GET", NOTES, None);
            assert_eq!(r.status, 200, "{}", r.body);
            (r.header("x-notes-cache") == Some("hit")).then_some(r)
        },
    );
    let ids: Vec<String> = notes.json()["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.contains(&published) && ids.contains(&id), "{ids:?}");
    let page = http(&addr, "GET", PAGE, None);
    assert!(page.body.contains("Written after the database came back."));
    assert!(!page.body.contains(NOTES_UNAVAILABLE));

    stop.store(true, Ordering::Relaxed);
    client.join().unwrap();
    // The client kept being served throughout: only the note could fail, and only with
    // 503; nothing timed out, nothing was a 500.
    let seen = seen.lock().unwrap();
    for (route, status) in &seen.answers {
        match *route {
            "note" => assert!([201, 503].contains(status), "a note was answered {status}"),
            _ => assert_eq!(*status, 200, "{route} was answered {status}"),
        }
    }
    let notes: Vec<u16> = seen
        .answers
        .iter()
        .filter(|(r, _)| *r == "note")
        .map(|(_, s)| *s)
        .collect();
    assert!(
        notes.contains(&201) && notes.contains(&503),
        "the client saw both sides: {notes:?}"
    );
}

// ---------------------------------------------------------------- SQLite unwritable

/// Every note of the database (any status), by id, through `errdex notes export`.
fn exported_notes(url: &str) -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["notes", "export", "--database-url", url])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["type"] == "note")
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Writes refused with a 503 that says the database cannot be written; reads served.
fn assert_unwritable(addr: &str, why: &str, published: &str, confirm: bool) {
    let refused = post_note(addr, "This one cannot be written.");
    refused.assert_unavailable("a note");
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("cannot be written") && message.contains(why),
        "{message}"
    );
    if confirm {
        http(
            addr,
            "POST",
            &format!("/api/v1/notes/{published}/confirmations"),
            Some(&serde_json::json!({"worked": true, "sdk_version": "0.40.0"})),
        )
        .assert_unavailable("a confirmation");
    }
    // No crash: everything that only reads goes on.
    assert_eq!(http(addr, "GET", "/healthz", None).status, 200);
    assert_eq!(http(addr, "GET", "/readyz", None).status, 200);
    assert_eq!(diagnose(addr).status, 200);
    let notes = http(addr, "GET", NOTES, None);
    assert_eq!(notes.status, 200, "{}", notes.body);
    assert_eq!(notes.json()["notes"][0]["id"], published);
    let page = http(addr, "GET", PAGE, None);
    assert_eq!(page.status, 200);
    assert!(!page.body.contains(NOTES_UNAVAILABLE));
}

/// A database with one published note, written by a server that is then stopped.
fn database_with_a_published_note(dir: &Path) -> (PathBuf, String) {
    let file = dir.join(errdex_store::SQLITE_FILE);
    let server = start(&["--data-dir", dir.to_str().unwrap()]);
    let id = post_published_note(&server.addr, "Written while the file could be written.");
    server.stop();
    (file, id)
}

#[test]
fn sqlite_opened_read_only_refuses_writes_with_503_and_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let (file, published) = database_with_a_published_note(dir.path());
    let url = format!("sqlite://{}?mode=ro", file.display());
    let server = start(&["--database-url", &url]);
    assert_unwritable(&server.addr, "read-only", &published, true);
    server.stop();
    assert_sqlite_sound(&file);
    let notes = exported_notes(&format!("sqlite://{}", file.display()));
    assert_eq!(
        notes,
        [(
            published,
            "Written while the file could be written.".to_string()
        )]
    );
}

#[test]
fn sqlite_full_at_max_page_count_refuses_writes_with_503_and_stays_intact() {
    let dir = tempfile::tempdir().unwrap();
    let (file, published) = database_with_a_published_note(dir.path());
    // Room for a few more notes of 4,000 characters, then full.
    let pages = std::fs::metadata(&file).unwrap().len() / 4096 + 16;
    let url = format!("sqlite://{}?max_page_count={pages}", file.display());
    let server = start(&["--database-url", &url]);
    let mut accepted = vec![(
        published.clone(),
        "Written while the file could be written.".to_string(),
    )];
    // Long notes until one does not fit, then short ones until none fits either.
    for long in [true, false] {
        let refused = (0..200)
            .find_map(|n| {
                let text = match long {
                    true => format!("{n:03}{}", " A long note that fills the file.".repeat(120)),
                    false => format!("Short note {n:03}."),
                };
                let r = post_note(&server.addr, &text);
                match r.status {
                    201 => {
                        accepted.push((r.json()["id"].as_str().unwrap().to_string(), text));
                        None
                    }
                    _ => Some(r),
                }
            })
            .expect("the file filled up");
        refused.assert_unavailable("the note that did not fit");
        if long {
            assert!(accepted.len() > 1, "some notes fitted before it was full");
        }
    }
    // (A confirmation is a few bytes that may still fit in a page with room.)
    assert_unwritable(&server.addr, "full", &published, false);
    server.stop();
    assert_sqlite_sound(&file);
    let mut notes = exported_notes(&format!("sqlite://{}", file.display()));
    notes.sort();
    accepted.sort();
    assert_eq!(
        notes, accepted,
        "every acknowledged note, whole, and no other"
    );
}

// ---------------------------------------------------------------- slow clients

/// Whether the server closed this connection (EOF or reset), waiting up to `limit`.
fn closed_by_server(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut got = Vec::new();
    match stream.read_to_end(&mut got) {
        Ok(_) => Some(got),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Some(got),
        Err(_) => None,
    }
}

#[test]
fn slow_clients_are_cut_off_by_timeouts_while_others_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--header-timeout",
        "2",
        "--request-timeout",
        "2",
    ]);
    let addr = server.addr.clone();

    // 200 slowloris connections: each sends its request head one byte at a time and
    // would need about a minute to finish it.
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: slow-{}\r\nX-Padding: {}\r\n\r\n",
        "x".repeat(20),
        "y".repeat(500)
    );
    let mut slow: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(&addr).unwrap())
        .collect();
    // One that sends nothing at all.
    let mut silent = TcpStream::connect(&addr).unwrap();
    // A body announced as 100 KB and trickled in.
    let mut trickle = TcpStream::connect(&addr).unwrap();
    write!(
        trickle,
        "POST /api/v1/diagnose HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"text\": \""
    )
    .unwrap();
    for s in &slow {
        s.set_nonblocking(true).unwrap();
    }
    trickle.set_nonblocking(true).unwrap();

    // One byte per connection every 100 ms, on a thread of its own, while a normal
    // client is served.
    let stop = Arc::new(AtomicBool::new(false));
    let feeder = {
        let stop = stop.clone();
        let head = head.into_bytes();
        let mut streams: Vec<TcpStream> = slow.iter().map(|s| s.try_clone().unwrap()).collect();
        let mut body = trickle.try_clone().unwrap();
        std::thread::spawn(move || {
            let mut at = 0;
            while !stop.load(Ordering::Relaxed) && at < head.len() {
                for s in &mut streams {
                    let _ = s.write(&head[at..at + 1]);
                }
                let _ = body.write(b"a");
                at += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            at
        })
    };

    // Meanwhile, a normal client gets its answers while the slow ones are still open.
    std::thread::sleep(Duration::from_millis(300));
    let health = http(&addr, "GET", "/healthz", None);
    assert_eq!(health.status, 200);
    let diagnosis = diagnose(&addr);
    assert_eq!(diagnosis.status, 200, "{}", diagnosis.body);
    assert_eq!(
        diagnosis.json()["matches"][0]["id"],
        "anthropic/authentication-error"
    );
    assert!(
        !feeder.is_finished(),
        "the slow clients were still sending while the others were served"
    );

    // The slow ones are cut off by the timeouts, long before they would have finished.
    for s in &slow {
        s.set_nonblocking(false).unwrap();
    }
    trickle.set_nonblocking(false).unwrap();
    for (n, s) in slow.iter_mut().enumerate() {
        let got = closed_by_server(s, Duration::from_secs(20))
            .unwrap_or_else(|| panic!("slow connection {n} is still open"));
        let got = String::from_utf8_lossy(&got);
        assert!(
            got.is_empty() || got.starts_with("HTTP/1.1 408"),
            "a half-sent head is not answered: {got}"
        );
    }
    let got = closed_by_server(&mut silent, Duration::from_secs(20))
        .expect("the silent connection is still open");
    assert!(got.is_empty(), "{got:?}");
    let got = closed_by_server(&mut trickle, Duration::from_secs(20))
        .expect("the trickled request is still open");
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
    assert!(got.contains("\"code\":\"timeout\""), "{got}");
    stop.store(true, Ordering::Relaxed);
    feeder.join().unwrap();

    // And the server is as responsive as before.
    assert_eq!(http(&addr, "GET", "/healthz", None).status, 200);
    assert_eq!(diagnose(&addr).status, 200);
}
