//! The errdex database, and the only crate that speaks SQL. SQLite (one file in the
//! platform data directory, WAL) by default, PostgreSQL when given a `postgres://` URL;
//! each backend has its own migrations under `migrations/<backend>/`, embedded at compile
//! time and run when the store is opened. Files in there are never edited once applied:
//! a change is a new file.
//!
//! Beyond `ping` (the web server's `/readyz`) the store keeps community notes
//! ([`notes`]): notes, their confirmations and the moderation audit log, through one set
//! of methods on [`Store`] whatever the backend. Every statement is parameterised. Most
//! SQL text is shared by both backends (the [`on_pool!`] macro runs one body against
//! either pool); the schema differs only in types. [`changes`] tells readers of cached
//! notes when an entry's notes changed — in this process, or (PostgreSQL
//! LISTEN/NOTIFY) through another server on the same database.

pub mod changes;
pub mod notes;
pub mod testing;
mod timestamp;

pub use changes::NotesVersion;
pub use notes::{
    AuditAction, AuditEntry, Confirmation, Confirmed, ImportSummary, NewNote, Note, NoteStatus,
    PublishedNote, Record, VersionCount,
};
pub use timestamp::Timestamp;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// How long a PostgreSQL query waits for a connection (a free one from the pool, or a new
/// one while the server is unreachable) before it fails.
pub const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// The file name of the SQLite database inside the data directory.
pub const SQLITE_FILE: &str = "errdex.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no data directory could be found for this user; pass --data-dir DIR")]
    NoDataDir,
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{0}` is not a database URL errdex understands: use postgres://USER:PASSWORD@HOST/DB or sqlite://PATH")]
    Url(String),
    #[error("cannot open the database {what}: {source}")]
    Open { what: String, source: sqlx::Error },
    #[error("cannot migrate the database {what}: {source}")]
    Migrate {
        what: String,
        source: sqlx::migrate::MigrateError,
    },
    #[error("the database does not answer: {0}")]
    Unreachable(sqlx::Error),
    #[error("the database refused the request: {0}")]
    Query(#[from] sqlx::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("record {index}: {message}")]
    Import { index: usize, message: String },
}

/// Why the database cannot serve a request right now. The web server answers these with
/// 503 (the request may succeed later, nothing was changed), every other error with 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// No connection: the server is down or restarting, a connection broke, or none was
    /// free within the pool's acquire timeout; or SQLite stayed locked past its busy
    /// timeout.
    Unreachable,
    /// The database answers but refuses writes: an SQLite file opened read-only
    /// (`?mode=ro`) or on a read-only file system, a PostgreSQL read-only transaction or
    /// standby.
    ReadOnly,
    /// No room: the disk is full, or SQLite reached the `max_page_count` its URL set
    /// (`sqlite:///path/errdex.sqlite3?max_page_count=N`).
    Full,
}

impl StoreError {
    /// Whether this error is the database being unavailable (or unwritable) rather than a
    /// mistake in the request or a bug.
    pub fn outage(&self) -> Option<Outage> {
        match self {
            StoreError::Unreachable(_) => Some(Outage::Unreachable),
            StoreError::Query(e) | StoreError::Open { source: e, .. } => outage(e),
            _ => None,
        }
    }
}

/// The outage an sqlx error stands for, by its kind or the database's error code.
fn outage(e: &sqlx::Error) -> Option<Outage> {
    use sqlx::Error as E;
    match e {
        E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::WorkerCrashed => {
            Some(Outage::Unreachable)
        }
        E::Database(db) => {
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // The extended result code; its low byte is the primary code.
                let code: i32 = db.code()?.parse().ok()?;
                match code & 0xff {
                    13 => Some(Outage::Full),                     // SQLITE_FULL
                    8 => Some(Outage::ReadOnly),                  // SQLITE_READONLY
                    5 | 6 | 10 | 14 => Some(Outage::Unreachable), // BUSY, LOCKED, IOERR, CANTOPEN
                    _ => None,
                }
            } else {
                // PostgreSQL SQLSTATE: class 08 connection exception, 57P01–57P03 shut
                // down or starting, 53300 too many connections, 53100 disk full, 25006
                // read-only transaction.
                let code = db.code()?;
                match code.as_ref() {
                    c if c.starts_with("08") => Some(Outage::Unreachable),
                    "57P01" | "57P02" | "57P03" | "53300" => Some(Outage::Unreachable),
                    "53100" => Some(Outage::Full),
                    "25006" => Some(Outage::ReadOnly),
                    _ => None,
                }
            }
        }
        _ => None,
    }
}

/// Where the database is.
#[derive(Debug, Clone, Default)]
pub struct StoreConfig {
    /// `postgres://…` or `sqlite://…`; none means SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Where the SQLite file lives; none means the platform data directory.
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open, migrated database. Cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// Where it is, without credentials, for logs and messages.
    what: String,
    /// Change tracking for cached notes, shared by every clone.
    changes: std::sync::Arc<changes::Changes>,
    /// The salt of client keys (read from the database once).
    salt: std::sync::Arc<tokio::sync::OnceCell<String>>,
}

/// Runs one body against whichever pool the store has: `$pool` is a `&SqlitePool` in
/// one arm and a `&PgPool` in the other, so the same SQL text and binds serve both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The platform's data directory for errdex (e.g. `~/.local/share/errdex` on Linux).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "errdex").map(|d| d.data_dir().to_path_buf())
}

impl Store {
    /// Opens (creating if needed) and migrates the database `config` names.
    pub async fn open(config: &StoreConfig) -> Result<Store, StoreError> {
        match config.database_url.as_deref().map(str::trim) {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Store::open_postgres(url).await
            }
            Some(url) if url.starts_with("sqlite:") => {
                // `?mode=ro` opens the file read-only: reads work, writes are refused.
                let (url, max_pages) =
                    sqlite_max_pages(url).ok_or_else(|| StoreError::Url(redact(url)))?;
                let options = SqliteConnectOptions::from_str(&url)
                    .map_err(|_| StoreError::Url(redact(&url)))?;
                Store::open_sqlite(options, redact(&url), max_pages).await
            }
            Some(url) => Err(StoreError::Url(redact(url))),
            None => {
                let dir = match &config.data_dir {
                    Some(dir) => dir.clone(),
                    None => default_data_dir().ok_or(StoreError::NoDataDir)?,
                };
                std::fs::create_dir_all(&dir).map_err(|source| StoreError::CreateDir {
                    path: dir.clone(),
                    source,
                })?;
                let file = dir.join(SQLITE_FILE);
                let what = file.display().to_string();
                Store::open_sqlite(SqliteConnectOptions::new().filename(&file), what, None).await
            }
        }
    }

    async fn open_sqlite(
        options: SqliteConnectOptions,
        what: String,
        max_pages: Option<u32>,
    ) -> Result<Store, StoreError> {
        // (`mode=ro` wins over create_if_missing: sqlx opens such a file read-only.)
        let mut options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL with NORMAL survives the process being killed; only a power cut can lose
            // the last transactions.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(pages) = max_pages {
            // A per-connection setting: every connection of the pool gets it.
            options = options.pragma("max_page_count", pages.to_string());
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                what: what.clone(),
                source,
            })?;
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                what: what.clone(),
                source,
            })?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
            what,
            // One process owns an SQLite file: every change is seen here.
            changes: changes::Changes::in_process(),
            salt: Default::default(),
        })
    }

    async fn open_postgres(url: &str) -> Result<Store, StoreError> {
        let what = redact(url);
        let options = PgConnectOptions::from_str(url).map_err(|_| StoreError::Url(what.clone()))?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            // Also how long a request waits when the server is down (sqlx retries a
            // refused connection until then): short, so that it fails fast with 503.
            .acquire_timeout(PG_ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                what: what.clone(),
                source,
            })?;
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                what: what.clone(),
                source,
            })?;
        let changes = changes::Changes::listening(pool.clone());
        Ok(Store {
            pool: Pool::Postgres(pool),
            what,
            changes,
            salt: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Where the database is, without credentials.
    pub fn describe(&self) -> &str {
        &self.what
    }

    /// One round trip: the database is reachable and answers queries.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let one: i32 = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query_scalar("SELECT 1").fetch_one(pool).await,
            Pool::Postgres(pool) => sqlx::query_scalar("SELECT 1").fetch_one(pool).await,
        }
        .map_err(StoreError::Unreachable)?;
        debug_assert_eq!(one, 1);
        Ok(())
    }

    /// SQLite's `PRAGMA integrity_check`: every page, index and constraint of the file is
    /// sound; the problems it lists otherwise. (PostgreSQL keeps its own files consistent
    /// and has no such check: always fine.)
    pub async fn check_integrity(&self) -> Result<(), StoreError> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Ok(());
        };
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(pool)
            .await?;
        match rows.as_slice() {
            [ok] if ok == "ok" => Ok(()),
            problems => Err(StoreError::Invalid(format!(
                "{} is damaged: {}",
                self.what,
                problems.join("; ")
            ))),
        }
    }

    /// When this database was created (UTC, RFC 3339), written by the first migration.
    pub async fn created_at(&self) -> Result<String, StoreError> {
        const SQL: &str = "SELECT value FROM errdex_meta WHERE key = 'created_at'";
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::query_scalar(SQL).fetch_one(pool).await,
            Pool::Postgres(pool) => sqlx::query_scalar(SQL).fetch_one(pool).await,
        }
        .map_err(StoreError::Unreachable)
    }

    /// Waits for every connection to be returned and closes the pool (and stops listening
    /// for other servers' changes).
    pub async fn close(&self) {
        self.changes.stop();
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// Takes errdex's own `max_page_count=N` out of an SQLite URL's query (sqlx refuses
/// parameters it does not know, and has no URL form for pragmas); `None` when N is not a
/// positive number.
fn sqlite_max_pages(url: &str) -> Option<(String, Option<u32>)> {
    let Some((base, query)) = url.split_once('?') else {
        return Some((url.to_string(), None));
    };
    let mut pages = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("max_page_count", n)) => pages = Some(n.parse().ok().filter(|n| *n > 0)?),
            _ => rest.push(pair),
        }
    }
    let url = match rest.is_empty() {
        true => base.to_string(),
        false => format!("{base}?{}", rest.join("&")),
    };
    Some((url, pages))
}

/// The URL without its password, for messages and logs.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

/// Whether `dir` holds an errdex SQLite database.
pub fn sqlite_exists(dir: &Path) -> bool {
    dir.join(SQLITE_FILE).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_a_fresh_sqlite_database_in_the_data_dir_and_reopens_it() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested/data");
        let config = StoreConfig {
            database_url: None,
            data_dir: Some(data.clone()),
        };
        let store = Store::open(&config).await.unwrap();
        assert_eq!(store.backend(), Backend::Sqlite);
        assert!(sqlite_exists(&data));
        store.ping().await.unwrap();
        let created = store.created_at().await.unwrap();
        assert!(created.ends_with('Z'), "{created}");
        store.close().await;
        // Migrations already applied are skipped; the creation date stays.
        let again = Store::open(&config).await.unwrap();
        assert_eq!(again.created_at().await.unwrap(), created);
    }

    #[test]
    fn max_page_count_is_taken_out_of_sqlite_urls() {
        assert_eq!(
            sqlite_max_pages("sqlite:///d/e.db?mode=ro&max_page_count=64"),
            Some(("sqlite:///d/e.db?mode=ro".into(), Some(64)))
        );
        assert_eq!(
            sqlite_max_pages("sqlite:///d/e.db?max_page_count=64"),
            Some(("sqlite:///d/e.db".into(), Some(64)))
        );
        assert_eq!(
            sqlite_max_pages("sqlite:///d/e.db"),
            Some(("sqlite:///d/e.db".into(), None))
        );
        assert_eq!(sqlite_max_pages("sqlite:///d/e.db?max_page_count=0"), None);
        assert_eq!(sqlite_max_pages("sqlite:///d/e.db?max_page_count=x"), None);
    }

    /// A full file and a read-only one refuse writes with the outage named, and keep what
    /// they hold.
    #[tokio::test]
    async fn full_and_read_only_sqlite_refuse_writes_as_outages() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("full.sqlite3");
        let url = |query: &str| StoreConfig {
            database_url: Some(format!("sqlite://{}?{query}", file.display())),
            data_dir: None,
        };
        let store = Store::open(&url("max_page_count=64")).await.unwrap();
        let Pool::Sqlite(pool) = &store.pool else {
            unreachable!()
        };
        let fill = |pool: SqlitePool| async move {
            sqlx::query("CREATE TABLE IF NOT EXISTS filler (x TEXT)")
                .execute(&pool)
                .await?;
            for _ in 0..200 {
                sqlx::query("INSERT INTO filler VALUES (?)")
                    .bind("x".repeat(4000))
                    .execute(&pool)
                    .await?;
            }
            Ok::<(), sqlx::Error>(())
        };
        let full = StoreError::Query(fill(pool.clone()).await.unwrap_err());
        assert_eq!(full.outage(), Some(Outage::Full), "{full}");
        store.check_integrity().await.unwrap();
        store.close().await;

        let store = Store::open(&url("mode=ro")).await.unwrap();
        store.ping().await.unwrap();
        let Pool::Sqlite(pool) = &store.pool else {
            unreachable!()
        };
        let refused = StoreError::Query(fill(pool.clone()).await.unwrap_err());
        assert_eq!(refused.outage(), Some(Outage::ReadOnly), "{refused}");
        store.check_integrity().await.unwrap();
    }

    #[tokio::test]
    async fn unknown_urls_are_refused_without_their_password() {
        let config = StoreConfig {
            database_url: Some("mysql://root:hunter2@db/errdex".into()),
            data_dir: None,
        };
        let err = Store::open(&config).await.unwrap_err().to_string();
        assert!(err.contains("mysql://root:***@db/errdex"), "{err}");
        assert!(!err.contains("hunter2"));
    }

    /// PostgreSQL runs when `ERRDEX_TEST_DATABASE_URL` names a server (`.ci/postgres.sh`
    /// starts one in CI); otherwise the test says why it skipped — or fails, when
    /// `ERRDEX_REQUIRE_POSTGRES=1`.
    #[tokio::test]
    async fn opens_and_migrates_postgres_when_a_server_is_given() {
        let Ok(url) = std::env::var("ERRDEX_TEST_DATABASE_URL") else {
            // CI sets ERRDEX_REQUIRE_POSTGRES=1 so that this never skips there.
            assert!(
                !std::env::var("ERRDEX_REQUIRE_POSTGRES").is_ok_and(|v| v == "1"),
                "ERRDEX_REQUIRE_POSTGRES=1 but ERRDEX_TEST_DATABASE_URL is not set"
            );
            println!("skipped: ERRDEX_TEST_DATABASE_URL is not set (no PostgreSQL server)");
            return;
        };
        let config = StoreConfig {
            database_url: Some(url),
            data_dir: None,
        };
        let store = Store::open(&config).await.unwrap();
        assert_eq!(store.backend(), Backend::Postgres);
        store.ping().await.unwrap();
        assert!(!store.describe().is_empty());
    }
}
