//! Community notes against both backends: SQLite always, PostgreSQL when
//! `ERRDEX_TEST_DATABASE_URL` names a server (a fresh database per test; see
//! `errdex_store::testing`). Every test runs the same body on each store it gets.

use errdex_store::{
    AuditAction, Confirmed, NewNote, NoteStatus, Record, Store, StoreConfig, Timestamp,
};
use std::time::Duration;

/// A fresh SQLite store, and a fresh PostgreSQL one when a server is given. The temporary
/// directories live as long as the test.
async fn stores() -> (Vec<Store>, Vec<tempfile::TempDir>) {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open(&StoreConfig {
        database_url: None,
        data_dir: Some(dir.path().to_path_buf()),
    })
    .await
    .unwrap();
    let mut stores = vec![sqlite];
    if let Some(url) = errdex_store::testing::postgres_url() {
        stores.push(open_url(&errdex_store::testing::fresh_database(&url).await.unwrap()).await);
    }
    (stores, vec![dir])
}

async fn open_url(url: &str) -> Store {
    Store::open(&StoreConfig {
        database_url: Some(url.to_string()),
        data_dir: None,
    })
    .await
    .unwrap()
}

fn new_note(entry: &str, text: &str) -> NewNote {
    NewNote {
        entry_id: entry.into(),
        text: text.into(),
        sdk_package: "anthropic".into(),
        sdk_version: "0.40.0".into(),
        name: None,
    }
}

const ENTRY: &str = "anthropic/authentication-error";

#[tokio::test]
async fn notes_move_through_moderation_and_every_action_is_audited() {
    let (stores, _dirs) = stores().await;
    for store in stores {
        let b = store.backend();
        let mut new = new_note(
            ENTRY,
            "Set `ANTHROPIC_API_KEY` before importing the client.",
        );
        new.name = Some("Ada".into());
        let note = store.create_note(&new).await.unwrap();
        assert_eq!(note.status, NoteStatus::Pending, "{b:?}");
        assert_eq!(note.id.get_version_num(), 4);
        assert!(store.published_notes(ENTRY).await.unwrap().is_empty());
        let pending = store.notes(Some(NoteStatus::Pending), 100).await.unwrap();
        assert_eq!(pending, vec![note.clone()], "{b:?}");

        let published = store.publish(note.id, "test").await.unwrap().unwrap();
        assert_eq!(published.status, NoteStatus::Published);
        assert!(published.updated_at >= note.updated_at);
        let shown = store.published_notes(ENTRY).await.unwrap();
        assert_eq!(shown.len(), 1, "{b:?}");
        assert_eq!(shown[0].text, new.text);
        assert_eq!(shown[0].name.as_deref(), Some("Ada"));
        assert!(store
            .published_notes("openai/other")
            .await
            .unwrap()
            .is_empty());

        let rejected = store
            .reject(note.id, "off-topic", "test")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rejected.status, NoteStatus::Rejected);
        assert_eq!(rejected.reject_reason.as_deref(), Some("off-topic"));
        assert!(store.published_notes(ENTRY).await.unwrap().is_empty());

        let deleted = store.delete_note(note.id, "test").await.unwrap().unwrap();
        assert_eq!(deleted.id, note.id);
        assert_eq!(store.note(note.id).await.unwrap(), None);
        // Unknown ids: nothing happens and nothing is logged.
        assert_eq!(store.publish(note.id, "test").await.unwrap(), None);
        assert_eq!(store.delete_note(note.id, "test").await.unwrap(), None);

        let log = store.audit_log(10).await.unwrap();
        let actions: Vec<_> = log.iter().rev().map(|a| a.action).collect();
        assert_eq!(
            actions,
            [
                AuditAction::Publish,
                AuditAction::Reject,
                AuditAction::Delete
            ],
            "{b:?}"
        );
        assert!(log
            .iter()
            .all(|a| a.note_id == note.id && a.entry_id == ENTRY));
        assert_eq!(log[1].reason.as_deref(), Some("off-topic"));
    }
}

#[tokio::test]
async fn one_confirmation_per_note_per_client_per_day() {
    let (stores, _dirs) = stores().await;
    for store in stores {
        let b = store.backend();
        let note = store
            .create_note(&new_note(ENTRY, "Rotate the key."))
            .await
            .unwrap();
        let today = Timestamp::now();
        let me = store.client_key("203.0.113.7").await.unwrap();
        let you = store.client_key("198.51.100.1").await.unwrap();
        // Not published yet: nobody can confirm it.
        assert_eq!(
            store
                .confirm(note.id, true, "0.40.0", &me, today)
                .await
                .unwrap(),
            Confirmed::NoSuchNote,
            "{b:?}"
        );
        store.publish(note.id, "test").await.unwrap();
        assert!(matches!(
            store.confirm(note.id, true, "0.40.0", &me, today).await.unwrap(),
            Confirmed::Counted { ref entry_id } if entry_id == ENTRY
        ));
        // The same client the same day, even changing its answer: not counted again.
        assert_eq!(
            store
                .confirm(note.id, false, "0.41.0", &me, today)
                .await
                .unwrap(),
            Confirmed::AlreadyToday,
            "{b:?}"
        );
        let tomorrow =
            Timestamp::parse(&format!("{}T12:00:00Z", today.day().next_day().unwrap())).unwrap();
        assert!(matches!(
            store
                .confirm(note.id, false, "0.41.0", &me, tomorrow)
                .await
                .unwrap(),
            Confirmed::Counted { .. }
        ));
        assert!(matches!(
            store
                .confirm(note.id, true, "0.40.0", &you, today)
                .await
                .unwrap(),
            Confirmed::Counted { .. }
        ));
        let shown = &store.published_notes(ENTRY).await.unwrap()[0];
        assert_eq!((shown.worked(), shown.did_not_work()), (2, 1), "{b:?}");
        let counts: Vec<_> = shown
            .counts
            .iter()
            .map(|c| (c.sdk_version.as_str(), c.worked, c.did_not_work))
            .collect();
        assert_eq!(counts, [("0.40.0", 2, 0), ("0.41.0", 0, 1)], "{b:?}");
        assert_eq!(
            store
                .confirm(uuid::Uuid::new_v4(), true, "0.40.0", &me, today)
                .await
                .unwrap(),
            Confirmed::NoSuchNote
        );
    }
}

#[tokio::test]
async fn the_most_confirmed_notes_come_first_then_the_newest() {
    let (stores, _dirs) = stores().await;
    for store in stores {
        let mut ids = Vec::new();
        for text in ["oldest, confirmed twice", "middle", "newest"] {
            let n = store.create_note(&new_note(ENTRY, text)).await.unwrap();
            store.publish(n.id, "test").await.unwrap();
            ids.push(n.id);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let now = Timestamp::now();
        for client in ["a", "b"] {
            let key = store.client_key(client).await.unwrap();
            store
                .confirm(ids[0], true, "0.40.0", &key, now)
                .await
                .unwrap();
        }
        let order: Vec<_> = store
            .published_notes(ENTRY)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.text)
            .collect();
        assert_eq!(
            order,
            ["oldest, confirmed twice", "newest", "middle"],
            "{:?}",
            store.backend()
        );
    }
}

#[tokio::test]
async fn sql_injection_strings_are_stored_and_read_back_literally() {
    let (stores, _dirs) = stores().await;
    for store in stores {
        let text = "Robert'); DROP TABLE notes;-- \" OR 1=1 -- $1 ?1 :name \\ %_ é 🦀";
        let mut new = new_note("anthropic/x'; DELETE FROM notes; --", text);
        new.name = Some("' OR ''='".into());
        let note = store.create_note(&new).await.unwrap();
        let back = store.note(note.id).await.unwrap().unwrap();
        assert_eq!(back.text, text, "{:?}", store.backend());
        assert_eq!(back.entry_id, new.entry_id);
        assert_eq!(back.name.as_deref(), Some("' OR ''='"));
        store
            .publish(note.id, "x'); DROP TABLE note_audit;--")
            .await
            .unwrap();
        assert_eq!(
            store.published_notes(&new.entry_id).await.unwrap()[0].text,
            text
        );
        assert_eq!(
            store.audit_log(1).await.unwrap()[0].actor,
            "x'); DROP TABLE note_audit;--"
        );
        // PostgreSQL text cannot hold NUL: refused the same way on both backends.
        let err = store
            .create_note(&new_note(ENTRY, "nul \u{0} byte"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("NUL"), "{err}");
    }
}

async fn export_all(store: &Store) -> Vec<Record> {
    let mut out = Vec::new();
    store
        .export(|r| {
            out.push(r);
            Ok::<_, std::convert::Infallible>(())
        })
        .await
        .unwrap();
    out
}

/// One of each: a pending, a published (confirmed) and a rejected note, and a deleted one
/// that leaves only its audit row.
async fn fill(store: &Store) {
    let pending = store
        .create_note(&new_note(ENTRY, "pending note"))
        .await
        .unwrap();
    let published = store
        .create_note(&new_note(ENTRY, "published note"))
        .await
        .unwrap();
    let rejected = store
        .create_note(&new_note(ENTRY, "rejected note"))
        .await
        .unwrap();
    let deleted = store
        .create_note(&new_note(ENTRY, "deleted note"))
        .await
        .unwrap();
    store.publish(published.id, "test").await.unwrap();
    store.reject(rejected.id, "spam", "test").await.unwrap();
    store.delete_note(deleted.id, "test").await.unwrap();
    let key = store.client_key("192.0.2.1").await.unwrap();
    store
        .confirm(published.id, true, "0.40.0", &key, Timestamp::now())
        .await
        .unwrap();
    let _ = pending;
}

#[tokio::test]
async fn export_then_import_round_trips_every_status_and_is_idempotent() {
    let (targets, _more) = stores().await;
    let (stores, _dirs) = stores().await;
    for (source, target) in stores.iter().zip(&targets) {
        fill(source).await;
        let exported = export_all(source).await;
        let kinds = |records: &[Record]| {
            let notes = records
                .iter()
                .filter(|r| matches!(r, Record::Note(_)))
                .count();
            let confirmations = records
                .iter()
                .filter(|r| matches!(r, Record::Confirmation(_)))
                .count();
            (notes, confirmations, records.len() - notes - confirmations)
        };
        assert_eq!(kinds(&exported), (3, 1, 3), "{:?}", source.backend());
        // Through JSON, as `errdex notes export` writes it.
        let lines: Vec<String> = exported
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        let parsed: Vec<Record> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(parsed, exported);

        let first = target.import(&parsed).await.unwrap();
        assert_eq!(
            (
                first.notes_written,
                first.confirmations_written,
                first.audit_written
            ),
            (3, 1, 3)
        );
        assert_eq!(export_all(target).await, exported, "{:?}", target.backend());
        let again = target.import(&parsed).await.unwrap();
        assert_eq!(
            (
                again.notes_written,
                again.confirmations_written,
                again.audit_written
            ),
            (0, 0, 0)
        );
        assert_eq!(export_all(target).await, exported);
        assert_eq!(target.published_notes(ENTRY).await.unwrap()[0].worked(), 1);
    }
    // Across backends: SQLite's export imports into PostgreSQL unchanged, and back.
    if stores.len() == 2 {
        let from_sqlite = export_all(&stores[0]).await;
        stores[1].import(&from_sqlite).await.unwrap();
        let from_pg = export_all(&stores[1]).await;
        assert_eq!(from_pg.len(), 2 * from_sqlite.len());
        stores[0].import(&from_pg).await.unwrap();
        assert_eq!(export_all(&stores[0]).await.len(), from_pg.len());
    }
}

#[tokio::test]
async fn an_import_with_a_bad_record_writes_nothing() {
    let (stores, _dirs) = stores().await;
    for store in stores {
        let source_dir = tempfile::tempdir().unwrap();
        let source = Store::open(&StoreConfig {
            database_url: None,
            data_dir: Some(source_dir.path().to_path_buf()),
        })
        .await
        .unwrap();
        fill(&source).await;
        let mut records = export_all(&source).await;
        // A confirmation of a note that exists nowhere.
        let Some(Record::Confirmation(c)) = records
            .iter()
            .find(|r| matches!(r, Record::Confirmation(_)))
            .cloned()
        else {
            panic!("no confirmation exported")
        };
        let mut orphan = c.clone();
        orphan.note_id = uuid::Uuid::new_v4();
        records.push(Record::Confirmation(orphan));
        let err = store.import(&records).await.unwrap_err().to_string();
        assert!(
            err.contains(&format!("record {}", records.len() - 1)),
            "{err}"
        );
        assert!(
            err.contains("neither in the file nor in the database"),
            "{err}"
        );
        assert!(export_all(&store).await.is_empty(), "{:?}", store.backend());

        let mut empty_text = export_all(&source).await;
        if let Some(Record::Note(n)) = empty_text.first_mut() {
            n.text = "  ".into();
        }
        let err = store.import(&empty_text).await.unwrap_err().to_string();
        assert!(err.contains("record 0: `text` is empty"), "{err}");
        assert!(export_all(&store).await.is_empty());
    }
}

#[tokio::test]
async fn client_keys_are_stable_and_hide_the_address() {
    let (stores, _dirs) = stores().await;
    for store in stores {
        let a = store.client_key("203.0.113.7").await.unwrap();
        assert_eq!(a, store.client_key("203.0.113.7").await.unwrap());
        assert_ne!(a, store.client_key("203.0.113.8").await.unwrap());
        assert!(!a.contains("203") && a.len() == 32, "{a}");
    }
}

#[tokio::test]
async fn a_change_moves_the_version_of_that_entry_only() {
    let (stores, _dirs) = stores().await;
    for store in stores {
        wait_until_live(&store).await;
        let note = store.create_note(&new_note(ENTRY, "a note")).await.unwrap();
        let before = store.notes_version(ENTRY).unwrap();
        let other = store.notes_version("openai/other").unwrap();
        store.publish(note.id, "test").await.unwrap();
        let after = store.notes_version(ENTRY).unwrap();
        assert_ne!(after, before);
        // PostgreSQL also hears its own NOTIFY (and ignores it): give it time.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            store.notes_version("openai/other"),
            Some(other),
            "{:?}",
            store.backend()
        );
        assert_eq!(store.notes_version(ENTRY), Some(after));
    }
}

async fn wait_until_live(store: &Store) {
    wait_for(|| store.notes_version("x/y").is_some()).await;
}

async fn wait_for(mut ok: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !ok() {
        assert!(std::time::Instant::now() < deadline, "timed out");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Two stores on one PostgreSQL database are two servers: a change through one moves the
/// other's version (LISTEN/NOTIFY), and while the other's LISTEN connection is down it
/// trusts nothing, then reconnects by itself.
#[tokio::test]
async fn postgres_changes_through_another_server_are_heard_and_reconnects_are_survived() {
    let Some(url) = errdex_store::testing::postgres_url() else {
        return;
    };
    let url = errdex_store::testing::fresh_database(&url).await.unwrap();
    let a = open_url(&url).await;
    let b = open_url(&url).await;
    wait_until_live(&b).await;
    let note = a
        .create_note(&new_note(ENTRY, "through server A"))
        .await
        .unwrap();
    let seen_by_b = b.notes_version(ENTRY).unwrap();
    a.publish(note.id, "test").await.unwrap();
    wait_for(|| b.notes_version(ENTRY).is_some_and(|v| v != seen_by_b)).await;

    // Cut every LISTEN connection of this database; B must notice and come back.
    terminate_listeners(&url).await;
    wait_for(|| b.notes_version(ENTRY).is_none()).await;
    wait_until_live(&b).await;
    let seen_by_b = b.notes_version(ENTRY).unwrap();
    a.reject(note.id, "changed after the reconnect", "test")
        .await
        .unwrap();
    wait_for(|| b.notes_version(ENTRY).is_some_and(|v| v != seen_by_b)).await;
    b.close().await;
    assert_eq!(b.notes_version(ENTRY), None);
}

async fn terminate_listeners(url: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'",
    )
    .execute(&mut conn)
    .await
    .unwrap();
}
