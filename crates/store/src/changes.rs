//! When did an entry's notes last change? A reader that caches something built from an
//! entry's notes (the web server's notes fragment) takes a [`NotesVersion`] *before* it
//! reads the database, keeps it beside what it built, and trusts that only while
//! [`Store::notes_version`](crate::Store::notes_version) still returns the same value.
//!
//! SQLite is one process's file: every change goes through this store, which bumps the
//! version itself. PostgreSQL may be shared by several servers: every change also sends
//! `NOTIFY errdex_notes, '<entry id>'` in its transaction, and a task here LISTENs (sqlx
//! `PgListener`) and bumps the versions of what other servers changed. While that
//! connection is down nothing may be cached (notifications sent meanwhile are lost), so
//! `notes_version` answers `None` until it is back, and every version moves on when it
//! reconnects.

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::task::JoinHandle;

/// The PostgreSQL channel; the payload is `<server instance> <entry id>` (or
/// [`EVERYTHING`] for the entry id). A server ignores its own notifications: it moved its
/// versions when it made the change.
pub const CHANNEL: &str = "errdex_notes";
/// The payload that says "any entry may have changed" (after an import).
pub const EVERYTHING: &str = "*";

/// What a cached value was built from: equal versions mean nothing changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotesVersion {
    epoch: u64,
    entry: u64,
}

#[derive(Debug, Default)]
struct Versions {
    seq: u64,
    /// Bumped when anything may have changed (reconnect, import).
    epoch: u64,
    entries: HashMap<String, u64>,
}

#[derive(Debug)]
pub struct Changes {
    /// Tells this server's notifications from other servers'.
    instance: String,
    versions: Mutex<Versions>,
    /// Whether every change is seen: always for SQLite; for PostgreSQL while listening.
    live: AtomicBool,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Changes {
    /// Every change goes through this process (SQLite).
    pub(crate) fn in_process() -> Arc<Changes> {
        Arc::new(Changes {
            instance: uuid::Uuid::new_v4().simple().to_string(),
            versions: Mutex::default(),
            live: AtomicBool::new(true),
            task: Mutex::new(None),
        })
    }

    /// Other servers may change the database too (PostgreSQL): listen for their changes.
    /// Needs a tokio runtime (the store is opened in one).
    pub(crate) fn listening(pool: PgPool) -> Arc<Changes> {
        let changes = Arc::new(Changes {
            instance: uuid::Uuid::new_v4().simple().to_string(),
            versions: Mutex::default(),
            live: AtomicBool::new(false),
            task: Mutex::new(None),
        });
        let task = tokio::spawn(listen(pool, Arc::downgrade(&changes)));
        *changes.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
        changes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Versions> {
        // A panic elsewhere cannot leave the counters half-written: recover them.
        self.versions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `entry`'s notes changed (or `*`: anything may have).
    pub fn changed(&self, entry: &str) {
        let mut v = self.lock();
        v.seq += 1;
        let seq = v.seq;
        if entry == EVERYTHING {
            v.epoch = seq;
        } else {
            v.entries.insert(entry.to_string(), seq);
        }
    }

    /// The NOTIFY payload for a change of `entry` made here.
    pub(crate) fn payload(&self, entry: &str) -> String {
        format!("{} {entry}", self.instance)
    }

    /// A notification from the channel: another server's change.
    fn heard(&self, payload: &str) {
        match payload.split_once(' ') {
            Some((instance, _)) if instance == self.instance => {}
            Some((_, entry)) => self.changed(entry),
            None => self.changed(payload),
        }
    }

    /// The current version of `entry`'s notes; `None` while changes elsewhere could be
    /// missed (then nothing may be cached).
    pub fn version(&self, entry: &str) -> Option<NotesVersion> {
        if !self.live.load(Ordering::Acquire) {
            return None;
        }
        let v = self.lock();
        Some(NotesVersion {
            epoch: v.epoch,
            entry: v.entries.get(entry).copied().unwrap_or(0),
        })
    }

    /// Whether changes made through other servers are being heard.
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    fn set_live(&self, live: bool) {
        // Either way, what was cached before may be stale: move every version on.
        self.changed(EVERYTHING);
        self.live.store(live, Ordering::Release);
        if live {
            self.changed(EVERYTHING);
        }
    }

    /// Stops listening (PostgreSQL); from then on nothing is trusted.
    pub(crate) fn stop(&self) {
        let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(task) = task {
            task.abort();
            self.set_live(false);
        }
    }
}

impl Drop for Changes {
    fn drop(&mut self) {
        if let Some(task) = self.task.get_mut().ok().and_then(Option::take) {
            task.abort();
        }
    }
}

async fn listen(pool: PgPool, changes: Weak<Changes>) {
    const FIRST_RETRY: Duration = Duration::from_millis(100);
    let mut retry = FIRST_RETRY;
    loop {
        match subscribe(&pool).await {
            Ok(mut listener) => {
                retry = FIRST_RETRY;
                let Some(c) = changes.upgrade() else { return };
                c.set_live(true);
                drop(c);
                tracing::debug!(channel = CHANNEL, "listening for notes changes");
                // `try_recv` says `None` when the connection dropped: notifications sent
                // meanwhile are lost, so stop trusting the cache and connect anew.
                while let Ok(Some(n)) = listener.try_recv().await {
                    let Some(c) = changes.upgrade() else { return };
                    c.heard(n.payload());
                }
                let Some(c) = changes.upgrade() else { return };
                c.set_live(false);
                tracing::warn!("lost the LISTEN connection to PostgreSQL; notes are not cached until it is back");
            }
            Err(e) => {
                if changes.strong_count() == 0 {
                    return;
                }
                tracing::warn!(error = %e, "cannot LISTEN for notes changes; retrying");
            }
        }
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(Duration::from_secs(5));
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_move_for_their_entry_and_for_everything() {
        let c = Changes::in_process();
        let a0 = c.version("anthropic/a").unwrap();
        let b0 = c.version("openai/b").unwrap();
        c.changed("anthropic/a");
        assert_ne!(c.version("anthropic/a").unwrap(), a0);
        assert_eq!(c.version("openai/b").unwrap(), b0);
        c.changed(EVERYTHING);
        assert_ne!(c.version("openai/b").unwrap(), b0);
    }

    #[test]
    fn a_server_ignores_its_own_notifications() {
        let c = Changes::in_process();
        let v = c.version("anthropic/a").unwrap();
        c.heard(&c.payload("anthropic/a"));
        assert_eq!(c.version("anthropic/a").unwrap(), v);
        c.heard("someoneelse anthropic/a");
        assert_ne!(c.version("anthropic/a").unwrap(), v);
    }

    #[test]
    fn nothing_is_trusted_while_not_listening() {
        let c = Changes::in_process();
        let before = c.version("x/y").unwrap();
        c.set_live(false);
        assert_eq!(c.version("x/y"), None);
        c.set_live(true);
        assert_ne!(c.version("x/y").unwrap(), before);
    }
}
