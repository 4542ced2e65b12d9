//! Community notes across processes: two `errdex serve` on one PostgreSQL (a change
//! through A is served by B, whose cache was primed first), notes acknowledged with 201
//! surviving SIGKILL on both backends, and `errdex notes export` / `import` (round trip,
//! idempotence, a bad line imports nothing). PostgreSQL parts run when
//! `ERRDEX_TEST_DATABASE_URL` names a server, and print `skipped: …` otherwise.

mod common;

use common::{http, post_note, post_published_note, Server, NOTES, TOKEN};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Where a server keeps its notes.
#[derive(Clone)]
enum Db {
    Dir(std::path::PathBuf),
    Url(String),
}

impl Db {
    fn args(&self) -> Vec<String> {
        match self {
            Db::Dir(dir) => vec!["--data-dir".into(), dir.display().to_string()],
            Db::Url(url) => vec!["--database-url".into(), url.clone()],
        }
    }
}

fn errdex() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_errdex"));
    c.env_remove("DATABASE_URL")
        .env_remove("ERRDEX_ADMIN_TOKEN")
        .env("RUST_LOG", "warn");
    c
}

fn start(db: &Db) -> Server {
    Server::spawn(
        errdex()
            .args(["serve", "--addr", "127.0.0.1:0", "--notes-per-hour", "0"])
            .args(db.args())
            .env("ERRDEX_ADMIN_TOKEN", TOKEN),
    )
}

fn fresh_postgres() -> Option<String> {
    let url = errdex_store::testing::postgres_url()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    Some(
        runtime
            .block_on(errdex_store::testing::fresh_database(&url))
            .unwrap(),
    )
}

#[test]
fn two_servers_on_one_postgres_serve_each_others_changes() {
    let Some(url) = fresh_postgres() else { return };
    let db = Db::Url(url);
    let a = start(&db);
    let b = start(&db);
    // Prime B's cache: wait until B answers from it (its LISTEN connection is up).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = http(&b.addr, "GET", NOTES, None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["notes"], serde_json::json!([]));
        if r.header("x-notes-cache") == Some("hit") {
            break;
        }
        assert!(Instant::now() < deadline, "B never cached its notes");
        std::thread::sleep(Duration::from_millis(50));
    }
    let page = http(
        &b.addr,
        "GET",
        "/errors/anthropic/authentication-error",
        None,
    );
    assert!(page.body.contains("No published notes yet"));

    // Posted and published through A.
    let id = post_published_note(&a.addr, "Posted through server A, published there too.");

    // B serves it: its cached fragment was dropped by A's NOTIFY.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let r = http(&b.addr, "GET", NOTES, None);
        if r.json()["notes"][0]["id"] == id.as_str() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "B still serves stale notes: {}",
            r.body
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let page = http(
        &b.addr,
        "GET",
        "/errors/anthropic/authentication-error",
        None,
    );
    assert!(
        page.body
            .contains("Posted through server A, published there too."),
        "B's page is stale"
    );
}

/// A burst of POSTs; SIGKILL as soon as the last 201 arrived; after a restart every
/// acknowledged note is there, whole (its text exactly as sent), and nothing else is: no
/// half-written note, no note twice.
fn acknowledged_notes_survive_sigkill(db: Db) {
    let mut server = start(&db);
    let addr = server.addr.clone();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                (0..6)
                    .filter_map(|n| {
                        // Long enough to span several SQLite pages.
                        let text = format!(
                            "Burst note {t}-{n} before the kill.{}",
                            " Padding that makes the row span pages.".repeat(80)
                        );
                        let r = post_note(&addr, &text);
                        (r.status == 201)
                            .then(|| (r.json()["id"].as_str().unwrap().to_string(), text))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let acknowledged: std::collections::BTreeMap<String, String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.child.wait().unwrap();
    assert_eq!(acknowledged.len(), 48, "every POST is answered 201");

    let again = start(&db);
    let listed = http(
        &again.addr,
        "GET",
        "/api/v1/admin/notes?status=all&limit=500",
        None,
    );
    assert_eq!(listed.status, 200, "{}", listed.body);
    let stored: std::collections::BTreeMap<String, String> = listed.json()["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_string(),
                n["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for id in acknowledged.keys() {
        assert!(
            stored.contains_key(id),
            "note {id} was acknowledged and lost"
        );
    }
    assert_eq!(stored, acknowledged, "nothing half-written, nothing else");
    drop(again);
    if let Db::Dir(dir) = &db {
        // The file itself is sound after two kills.
        common::assert_sqlite_sound(&dir.join(errdex_store::SQLITE_FILE));
    }
}

#[test]
fn acknowledged_notes_survive_sigkill_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    acknowledged_notes_survive_sigkill(Db::Dir(dir.path().to_path_buf()));
}

#[test]
fn acknowledged_notes_survive_sigkill_on_postgres() {
    let Some(url) = fresh_postgres() else { return };
    acknowledged_notes_survive_sigkill(Db::Url(url));
}

fn run(command: &mut Command) -> Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        command,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn export(db: &Db) -> String {
    let out = run(errdex().args(["notes", "export"]).args(db.args()));
    String::from_utf8(out.stdout).unwrap()
}

fn import(db: &Db, file: &Path) -> String {
    let out = run(errdex().args(["notes", "import"]).arg(file).args(db.args()));
    String::from_utf8(out.stderr).unwrap()
}

/// Notes of every status, a confirmation and the audit log, made through a server.
fn fill(db: &Db) {
    let server = start(db);
    let mut ids = Vec::new();
    for text in [
        "stays pending",
        "gets published",
        "gets rejected",
        "gets deleted",
    ] {
        let r = post_note(&server.addr, &format!("This note {text}."));
        ids.push(r.json()["id"].as_str().unwrap().to_string());
    }
    for (id, action) in [(&ids[1], "publish"), (&ids[2], "reject")] {
        let r = http(
            &server.addr,
            "POST",
            &format!("/api/v1/admin/notes/{id}/{action}"),
            Some(&serde_json::json!({"reason": "test"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = http(
        &server.addr,
        "DELETE",
        &format!("/api/v1/admin/notes/{}", ids[3]),
        None,
    );
    assert_eq!(r.status, 200);
    let r = http(
        &server.addr,
        "POST",
        &format!("/api/v1/notes/{}/confirmations", ids[1]),
        Some(&serde_json::json!({"worked": true, "sdk_version": "0.41.0"})),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn export_then_import_round_trips_and_importing_twice_changes_nothing() {
    let dirs = tempfile::tempdir().unwrap();
    let source = Db::Dir(dirs.path().join("source"));
    fill(&source);
    let exported = export(&source);
    let kinds: Vec<String> = exported
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "note",
            "note",
            "note",
            "confirmation",
            "audit",
            "audit",
            "audit"
        ],
        "{exported}"
    );
    for status in ["\"pending\"", "\"published\"", "\"rejected\""] {
        assert!(exported.contains(status), "{status} missing: {exported}");
    }
    let file = dirs.path().join("notes.jsonl");
    std::fs::write(&file, &exported).unwrap();

    let mut targets = vec![Db::Dir(dirs.path().join("target"))];
    if let Some(url) = fresh_postgres() {
        targets.push(Db::Url(url));
    }
    for target in targets {
        let first = import(&target, &file);
        assert!(first.contains("notes 3 written, 0 unchanged"), "{first}");
        assert_eq!(export(&target), exported, "the copy is the original");
        let second = import(&target, &file);
        assert!(
            second.contains("notes 0 written, 3 unchanged; confirmations 0 written, 1 unchanged; audit entries 0 written, 3 unchanged"),
            "{second}"
        );
        assert_eq!(export(&target), exported, "importing twice changes nothing");
        // The imported notes are served.
        let server = start(&target);
        let listed = http(&server.addr, "GET", NOTES, None).json();
        assert_eq!(listed["notes"].as_array().unwrap().len(), 1);
        assert_eq!(listed["notes"][0]["worked"], 1);
    }
}

#[test]
fn an_import_with_a_bad_line_names_it_and_imports_nothing() {
    let dirs = tempfile::tempdir().unwrap();
    let source = Db::Dir(dirs.path().join("source"));
    fill(&source);
    let exported = export(&source);
    let target = Db::Dir(dirs.path().join("target"));
    let bad = dirs.path().join("bad.jsonl");
    // A good file with one broken line in the middle.
    let mut lines: Vec<&str> = exported.lines().collect();
    lines.insert(2, "{\"type\": \"note\", \"id\": \"not a uuid\"}");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let out = errdex()
        .args(["notes", "import"])
        .arg(&bad)
        .args(target.args())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.jsonl:3:") && stderr.contains("nothing was imported"),
        "{stderr}"
    );
    assert_eq!(export(&target), "");
    // A confirmation of a note that is nowhere: named by its line too.
    let orphan: Vec<&str> = exported
        .lines()
        .filter(|l| l.contains("\"confirmation\""))
        .collect();
    std::fs::write(&bad, orphan.join("\n")).unwrap();
    let out = errdex()
        .args(["notes", "import"])
        .arg(&bad)
        .args(target.args())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.jsonl:1: a confirmation of note"),
        "{stderr}"
    );
    assert_eq!(export(&target), "");
}
