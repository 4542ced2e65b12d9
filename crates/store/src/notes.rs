//! Community notes: a reader's tip on an entry, tagged with the SDK package and version it
//! applies to, **pending** until a moderator publishes (or rejects, or deletes) it;
//! confirmations ("worked for me" / "did not work for me", with the reader's SDK version),
//! one per note per client per UTC day; and the audit log of every moderation action.
//!
//! The store checks nothing a web form would (lengths, SDKs, keys): callers validate, the
//! schema's constraints are the last line. Every statement is parameterised, so text is
//! stored exactly as given. Export and import move all of it, every status, as
//! [`Record`]s (one JSON object per line in `errdex notes export`).

use crate::changes::{CHANNEL, EVERYTHING};
use crate::timestamp::day_text;
use crate::{on_pool, Backend, Store, StoreError, Timestamp};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;
use uuid::Uuid;

/// Where a note is in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteStatus {
    Pending,
    Published,
    Rejected,
}

impl NoteStatus {
    pub const ALL: [NoteStatus; 3] = [
        NoteStatus::Pending,
        NoteStatus::Published,
        NoteStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteStatus::Pending => "pending",
            NoteStatus::Published => "published",
            NoteStatus::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<NoteStatus> {
        NoteStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl std::fmt::Display for NoteStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a moderator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Publish,
    Reject,
    Delete,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Publish => "publish",
            AuditAction::Reject => "reject",
            AuditAction::Delete => "delete",
        }
    }

    fn parse(text: &str) -> Option<AuditAction> {
        [
            AuditAction::Publish,
            AuditAction::Reject,
            AuditAction::Delete,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

/// A note as submitted, already validated by the caller.
#[derive(Debug, Clone)]
pub struct NewNote {
    /// `<provider>/<slug>`
    pub entry_id: String,
    /// Markdown, as written.
    pub text: String,
    pub sdk_package: String,
    pub sdk_version: String,
    /// The display name, if the reader gave one.
    pub name: Option<String>,
}

/// A note in any status: what moderation and export see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub id: Uuid,
    pub entry_id: String,
    pub text: String,
    pub sdk_package: String,
    pub sdk_version: String,
    pub name: Option<String>,
    pub status: NoteStatus,
    pub reject_reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Confirmations of a note by readers on one SDK version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionCount {
    pub sdk_version: String,
    pub worked: i64,
    pub did_not_work: i64,
}

/// A published note with its confirmation counts per SDK version: what readers see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedNote {
    pub id: Uuid,
    pub text: String,
    pub sdk_package: String,
    pub sdk_version: String,
    pub name: Option<String>,
    pub created_at: Timestamp,
    /// One per version anyone confirmed with; empty when nobody has.
    pub counts: Vec<VersionCount>,
}

impl PublishedNote {
    pub fn worked(&self) -> i64 {
        self.counts.iter().map(|c| c.worked).sum()
    }

    pub fn did_not_work(&self) -> i64 {
        self.counts.iter().map(|c| c.did_not_work).sum()
    }
}

/// One reader's "worked for me" or "did not work for me".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    pub note_id: Uuid,
    /// A salted hash of the client's address ([`Store::client_key`]).
    pub client_key: String,
    /// The UTC day: one confirmation per note per client per day.
    #[serde(with = "day_text")]
    pub day: Date,
    pub worked: bool,
    pub sdk_version: String,
    pub created_at: Timestamp,
}

/// One moderation action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    pub id: Uuid,
    pub note_id: Uuid,
    pub entry_id: String,
    pub action: AuditAction,
    pub reason: Option<String>,
    /// Who acted: `admin-api`, `admin-page`, … (there are no user accounts).
    pub actor: String,
    pub at: Timestamp,
}

/// One line of `errdex notes export`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Note(Note),
    Confirmation(Confirmation),
    Audit(AuditEntry),
}

/// What [`Store::confirm`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// Counted, on this entry's note.
    Counted { entry_id: String },
    /// This client already confirmed this note today; nothing changed.
    AlreadyToday,
    /// No published note has this id.
    NoSuchNote,
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Notes added, or replaced by a newer copy (by `updated_at`).
    pub notes_written: u64,
    /// Notes already there, as new or newer.
    pub notes_unchanged: u64,
    pub confirmations_written: u64,
    pub confirmations_unchanged: u64,
    pub audit_written: u64,
    pub audit_unchanged: u64,
}

macro_rules! note_columns {
    () => {
        "id, entry_id, text, sdk_package, sdk_version, display_name, status, reject_reason, created_at, updated_at"
    };
}

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: Uuid,
    entry_id: String,
    text: String,
    sdk_package: String,
    sdk_version: String,
    display_name: Option<String>,
    status: String,
    reject_reason: Option<String>,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl TryFrom<NoteRow> for Note {
    type Error = StoreError;

    fn try_from(r: NoteRow) -> Result<Note, StoreError> {
        let status = NoteStatus::parse(&r.status).ok_or_else(|| {
            StoreError::Query(sqlx::Error::Decode(
                format!("unknown note status `{}`", r.status).into(),
            ))
        })?;
        Ok(Note {
            id: r.id,
            entry_id: r.entry_id,
            text: r.text,
            sdk_package: r.sdk_package,
            sdk_version: r.sdk_version,
            name: r.display_name,
            status,
            reject_reason: r.reject_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    note_id: Uuid,
    entry_id: String,
    action: String,
    reason: Option<String>,
    actor: String,
    at: Timestamp,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;

    fn try_from(r: AuditRow) -> Result<AuditEntry, StoreError> {
        let action = AuditAction::parse(&r.action).ok_or_else(|| {
            StoreError::Query(sqlx::Error::Decode(
                format!("unknown audit action `{}`", r.action).into(),
            ))
        })?;
        Ok(AuditEntry {
            id: r.id,
            note_id: r.note_id,
            entry_id: r.entry_id,
            action,
            reason: r.reason,
            actor: r.actor,
            at: r.at,
        })
    }
}

/// One row per (published note, confirmed version); a note nobody confirmed has one row
/// with no version.
#[derive(sqlx::FromRow)]
struct PublishedRow {
    id: Uuid,
    text: String,
    sdk_package: String,
    sdk_version: String,
    display_name: Option<String>,
    created_at: Timestamp,
    confirmed_version: Option<String>,
    worked: i64,
    did_not_work: i64,
}

const INSERT_NOTE: &str = concat!(
    "INSERT INTO notes (",
    note_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
);

const INSERT_AUDIT: &str =
    "INSERT INTO note_audit (id, note_id, entry_id, action, reason, actor, at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// The notes fragment: an entry's published notes with their counts per confirmed version,
/// in one query on the `notes_by_entry` index and the confirmations' primary key.
const PUBLISHED: &str = "SELECT n.id, n.text, n.sdk_package, n.sdk_version, n.display_name, n.created_at, \
            c.sdk_version AS confirmed_version, \
            COUNT(c.note_id) FILTER (WHERE c.worked) AS worked, \
            COUNT(c.note_id) FILTER (WHERE NOT c.worked) AS did_not_work \
     FROM notes n LEFT JOIN note_confirmations c ON c.note_id = n.id \
     WHERE n.entry_id = $1 AND n.status = 'published' \
     GROUP BY n.id, n.text, n.sdk_package, n.sdk_version, n.display_name, n.created_at, c.sdk_version";

impl Store {
    /// Stores a new note as pending and returns it.
    pub async fn create_note(&self, new: &NewNote) -> Result<Note, StoreError> {
        let fields = [&new.entry_id, &new.text, &new.sdk_package, &new.sdk_version];
        if fields
            .into_iter()
            .chain(&new.name)
            .any(|f| f.contains('\0'))
        {
            return Err(StoreError::Invalid(NUL.into()));
        }
        let now = Timestamp::now();
        let note = Note {
            id: Uuid::new_v4(),
            entry_id: new.entry_id.clone(),
            text: new.text.clone(),
            sdk_package: new.sdk_package.clone(),
            sdk_version: new.sdk_version.clone(),
            name: new.name.clone(),
            status: NoteStatus::Pending,
            reject_reason: None,
            created_at: now,
            updated_at: now,
        };
        on_pool!(self, pool => {
            sqlx::query(INSERT_NOTE)
                .bind(note.id)
                .bind(&note.entry_id)
                .bind(&note.text)
                .bind(&note.sdk_package)
                .bind(&note.sdk_version)
                .bind(&note.name)
                .bind(note.status.as_str())
                .bind(&note.reject_reason)
                .bind(note.created_at)
                .bind(note.updated_at)
                .execute(pool)
                .await?;
        });
        // Pending notes are shown to nobody: no cached fragment changes.
        Ok(note)
    }

    /// One note, in any status.
    pub async fn note(&self, id: Uuid) -> Result<Option<Note>, StoreError> {
        const SQL: &str = concat!("SELECT ", note_columns!(), " FROM notes WHERE id = $1");
        let row: Option<NoteRow> = on_pool!(self, pool => {
            sqlx::query_as(SQL).bind(id).fetch_optional(pool).await?
        });
        row.map(Note::try_from).transpose()
    }

    /// Notes in one status (or all), oldest first: the moderation queue.
    pub async fn notes(
        &self,
        status: Option<NoteStatus>,
        limit: u32,
    ) -> Result<Vec<Note>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            note_columns!(),
            " FROM notes WHERE ($1 IS NULL OR status = $1) ORDER BY created_at, id LIMIT $2"
        );
        let status = status.map(NoteStatus::as_str);
        let rows: Vec<NoteRow> = on_pool!(self, pool => {
            sqlx::query_as(SQL)
                .bind(status)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(Note::try_from).collect()
    }

    /// An entry's published notes with their confirmation counts, the most confirmed
    /// first (those that worked minus those that did not), newest first among equals.
    pub async fn published_notes(&self, entry_id: &str) -> Result<Vec<PublishedNote>, StoreError> {
        let rows: Vec<PublishedRow> = on_pool!(self, pool => {
            sqlx::query_as(PUBLISHED).bind(entry_id).fetch_all(pool).await?
        });
        let mut notes: Vec<PublishedNote> = Vec::new();
        for r in rows {
            let at = match notes.iter().position(|n| n.id == r.id) {
                Some(at) => at,
                None => {
                    notes.push(PublishedNote {
                        id: r.id,
                        text: r.text,
                        sdk_package: r.sdk_package,
                        sdk_version: r.sdk_version,
                        name: r.display_name,
                        created_at: r.created_at,
                        counts: Vec::new(),
                    });
                    notes.len() - 1
                }
            };
            if let Some(version) = r.confirmed_version {
                notes[at].counts.push(VersionCount {
                    sdk_version: version,
                    worked: r.worked,
                    did_not_work: r.did_not_work,
                });
            }
        }
        for n in &mut notes {
            n.counts.sort_by(|a, b| {
                (b.worked + b.did_not_work)
                    .cmp(&(a.worked + a.did_not_work))
                    .then_with(|| a.sdk_version.cmp(&b.sdk_version))
            });
        }
        notes.sort_by(|a, b| {
            (b.worked() - b.did_not_work())
                .cmp(&(a.worked() - a.did_not_work()))
                .then_with(|| b.created_at.cmp(&a.created_at))
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(notes)
    }

    /// Publishes a note (any status); `None` when there is no such note.
    pub async fn publish(&self, id: Uuid, actor: &str) -> Result<Option<Note>, StoreError> {
        self.moderate(id, AuditAction::Publish, None, actor).await
    }

    /// Rejects a note, with the reason shown to moderators.
    pub async fn reject(
        &self,
        id: Uuid,
        reason: &str,
        actor: &str,
    ) -> Result<Option<Note>, StoreError> {
        self.moderate(id, AuditAction::Reject, Some(reason), actor)
            .await
    }

    /// Deletes a note and its confirmations (the audit log keeps the action); returns the
    /// note as it was.
    pub async fn delete_note(&self, id: Uuid, actor: &str) -> Result<Option<Note>, StoreError> {
        self.moderate(id, AuditAction::Delete, None, actor).await
    }

    async fn moderate(
        &self,
        id: Uuid,
        action: AuditAction,
        reason: Option<&str>,
        actor: &str,
    ) -> Result<Option<Note>, StoreError> {
        const PUBLISH: &str = concat!(
            "UPDATE notes SET status = 'published', reject_reason = NULL, updated_at = $2 WHERE id = $1 RETURNING ",
            note_columns!()
        );
        const REJECT: &str = concat!(
            "UPDATE notes SET status = 'rejected', reject_reason = $3, updated_at = $2 WHERE id = $1 RETURNING ",
            note_columns!()
        );
        const DELETE: &str = concat!(
            "DELETE FROM notes WHERE id = $1 RETURNING ",
            note_columns!()
        );
        let now = Timestamp::now();
        let postgres = self.backend() == Backend::Postgres;
        let row: Option<NoteRow> = on_pool!(self, pool => {
            // The change and its audit row commit together, or neither does.
            let mut tx = pool.begin().await?;
            let row: Option<NoteRow> = match action {
                AuditAction::Publish => {
                    sqlx::query_as(PUBLISH).bind(id).bind(now).fetch_optional(&mut *tx).await?
                }
                AuditAction::Reject => {
                    sqlx::query_as(REJECT)
                        .bind(id)
                        .bind(now)
                        .bind(reason)
                        .fetch_optional(&mut *tx)
                        .await?
                }
                AuditAction::Delete => {
                    sqlx::query_as(DELETE).bind(id).fetch_optional(&mut *tx).await?
                }
            };
            if let Some(row) = &row {
                sqlx::query(INSERT_AUDIT)
                    .bind(Uuid::new_v4())
                    .bind(id)
                    .bind(&row.entry_id)
                    .bind(action.as_str())
                    .bind(reason)
                    .bind(actor)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if postgres {
                    // Delivered to every listening server when the transaction commits.
                    sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(CHANNEL)
                        .bind(self.changes.payload(&row.entry_id))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            row
        });
        let Some(row) = row else { return Ok(None) };
        self.changes.changed(&row.entry_id);
        Note::try_from(row).map(Some)
    }

    /// Counts one reader's "worked" or "did not work" on a published note, once per note
    /// per client per UTC day of `at`.
    pub async fn confirm(
        &self,
        note_id: Uuid,
        worked: bool,
        sdk_version: &str,
        client_key: &str,
        at: Timestamp,
    ) -> Result<Confirmed, StoreError> {
        // One statement decides both "is it published" and "not yet today", so that two
        // clicks at once cannot both count (the primary key settles the race).
        const INSERT: &str = "INSERT INTO note_confirmations (note_id, client_key, day, worked, sdk_version, created_at) \
             SELECT id, $2, $3, $4, $5, $6 FROM notes WHERE id = $1 AND status = 'published' \
             ON CONFLICT (note_id, client_key, day) DO NOTHING";
        const ENTRY: &str = "SELECT entry_id FROM notes WHERE id = $1 AND status = 'published'";
        let postgres = self.backend() == Backend::Postgres;
        let (inserted, entry): (u64, Option<String>) = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let inserted = sqlx::query(INSERT)
                .bind(note_id)
                .bind(client_key)
                .bind(at.day())
                .bind(worked)
                .bind(sdk_version)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let entry: Option<String> =
                sqlx::query_scalar(ENTRY).bind(note_id).fetch_optional(&mut *tx).await?;
            if postgres && inserted > 0 {
                if let Some(entry) = &entry {
                    sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(CHANNEL)
                        .bind(self.changes.payload(entry))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            (inserted, entry)
        });
        Ok(match (inserted, entry) {
            (_, None) => Confirmed::NoSuchNote,
            (0, Some(_)) => Confirmed::AlreadyToday,
            (_, Some(entry_id)) => {
                self.changes.changed(&entry_id);
                Confirmed::Counted { entry_id }
            }
        })
    }

    /// The moderation log, newest first.
    pub async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        const SQL: &str =
            "SELECT id, note_id, entry_id, action, reason, actor, at FROM note_audit \
             ORDER BY at DESC, id LIMIT $1";
        let rows: Vec<AuditRow> = on_pool!(self, pool => {
            sqlx::query_as(SQL).bind(i64::from(limit)).fetch_all(pool).await?
        });
        rows.into_iter().map(AuditEntry::try_from).collect()
    }

    /// The key that identifies a client for "one confirmation per day" without storing
    /// its address: SHA-256 of a random salt kept in this database, and the address.
    /// Every server on one database derives the same key for the same client.
    pub async fn client_key(&self, client: &str) -> Result<String, StoreError> {
        let salt = self
            .salt
            .get_or_try_init(|| async {
                const INSERT: &str =
                    "INSERT INTO errdex_meta (key, value) VALUES ('client_key_salt', $1) \
                     ON CONFLICT (key) DO NOTHING";
                const SELECT: &str = "SELECT value FROM errdex_meta WHERE key = 'client_key_salt'";
                let fresh = Uuid::new_v4().simple().to_string();
                let salt: String = on_pool!(self, pool => {
                    sqlx::query(INSERT).bind(&fresh).execute(pool).await?;
                    sqlx::query_scalar(SELECT).fetch_one(pool).await?
                });
                Ok::<_, StoreError>(salt)
            })
            .await?;
        let digest = Sha256::new()
            .chain_update(salt.as_bytes())
            .chain_update([0])
            .chain_update(client.as_bytes())
            .finalize();
        Ok(digest.iter().take(16).map(|b| format!("{b:02x}")).collect())
    }

    /// The current version of an entry's notes, for caches (see [`crate::changes`]);
    /// `None` while changes made through other servers could go unseen.
    pub fn notes_version(&self, entry_id: &str) -> Option<crate::NotesVersion> {
        self.changes.version(entry_id)
    }

    /// Every note (every status), then every confirmation, then the audit log, from one
    /// consistent snapshot, each handed to `sink` in turn.
    pub async fn export<E>(
        &self,
        mut sink: impl FnMut(Record) -> Result<(), E>,
    ) -> Result<(), ExportError<E>> {
        const NOTES: &str = concat!(
            "SELECT ",
            note_columns!(),
            " FROM notes ORDER BY created_at, id"
        );
        const CONFIRMATIONS: &str =
            "SELECT note_id, client_key, day, worked, sdk_version, created_at \
             FROM note_confirmations ORDER BY created_at, note_id, client_key";
        const AUDIT: &str = "SELECT id, note_id, entry_id, action, reason, actor, at FROM note_audit ORDER BY at, id";
        let postgres = self.backend() == Backend::Postgres;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await.map_err(ExportError::store)?;
            if postgres {
                // One snapshot for the three queries: no confirmation of a note that the
                // first query did not see.
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    .execute(&mut *tx)
                    .await
                    .map_err(ExportError::store)?;
            }
            {
                let mut rows = sqlx::query_as::<_, NoteRow>(NOTES).fetch(&mut *tx);
                while let Some(row) = rows.try_next().await.map_err(ExportError::store)? {
                    let note = Note::try_from(row).map_err(ExportError::Store)?;
                    sink(Record::Note(note)).map_err(ExportError::Sink)?;
                }
            }
            {
                let mut rows = sqlx::query_as::<_, Confirmation>(CONFIRMATIONS).fetch(&mut *tx);
                while let Some(c) = rows.try_next().await.map_err(ExportError::store)? {
                    sink(Record::Confirmation(c)).map_err(ExportError::Sink)?;
                }
            }
            {
                let mut rows = sqlx::query_as::<_, AuditRow>(AUDIT).fetch(&mut *tx);
                while let Some(row) = rows.try_next().await.map_err(ExportError::store)? {
                    let entry = AuditEntry::try_from(row).map_err(ExportError::Store)?;
                    sink(Record::Audit(entry)).map_err(ExportError::Sink)?;
                }
            }
            tx.commit().await.map_err(ExportError::store)?;
        });
        Ok(())
    }

    /// Writes exported records in one transaction: all of them or, on any problem, none.
    /// Idempotent: a note already here is replaced only by a copy with a later
    /// `updated_at`; confirmations (by note, client and day) and audit entries (by id) are
    /// added once. Notes go first, so a confirmation may come before its note in `records`.
    pub async fn import(&self, records: &[Record]) -> Result<ImportSummary, StoreError> {
        const UPSERT_NOTE: &str = concat!(
            "INSERT INTO notes (",
            note_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (id) DO UPDATE SET entry_id = excluded.entry_id, text = excluded.text, \
             sdk_package = excluded.sdk_package, sdk_version = excluded.sdk_version, \
             display_name = excluded.display_name, status = excluded.status, \
             reject_reason = excluded.reject_reason, created_at = excluded.created_at, \
             updated_at = excluded.updated_at \
             WHERE notes.updated_at < excluded.updated_at"
        );
        const NOTE_EXISTS: &str = "SELECT COUNT(*) FROM notes WHERE id = $1";
        const INSERT_CONFIRMATION: &str = "INSERT INTO note_confirmations (note_id, client_key, day, worked, sdk_version, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (note_id, client_key, day) DO NOTHING";
        const INSERT_AUDIT_ONCE: &str =
            "INSERT INTO note_audit (id, note_id, entry_id, action, reason, actor, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING";
        for (index, record) in records.iter().enumerate() {
            check_record(record).map_err(|message| StoreError::Import { index, message })?;
        }
        let postgres = self.backend() == Backend::Postgres;
        let mut summary = ImportSummary::default();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for record in records {
                let Record::Note(n) = record else { continue };
                let written = sqlx::query(UPSERT_NOTE)
                    .bind(n.id)
                    .bind(&n.entry_id)
                    .bind(&n.text)
                    .bind(&n.sdk_package)
                    .bind(&n.sdk_version)
                    .bind(&n.name)
                    .bind(n.status.as_str())
                    .bind(&n.reject_reason)
                    .bind(n.created_at)
                    .bind(n.updated_at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if written > 0 {
                    summary.notes_written += 1;
                } else {
                    summary.notes_unchanged += 1;
                }
            }
            for (index, record) in records.iter().enumerate() {
                match record {
                    Record::Note(_) => {}
                    Record::Confirmation(c) => {
                        let exists: i64 = sqlx::query_scalar(NOTE_EXISTS)
                            .bind(c.note_id)
                            .fetch_one(&mut *tx)
                            .await?;
                        if exists == 0 {
                            return Err(StoreError::Import {
                                index,
                                message: format!(
                                    "a confirmation of note {}, which is neither in the file nor in the database",
                                    c.note_id
                                ),
                            });
                        }
                        let written = sqlx::query(INSERT_CONFIRMATION)
                            .bind(c.note_id)
                            .bind(&c.client_key)
                            .bind(c.day)
                            .bind(c.worked)
                            .bind(&c.sdk_version)
                            .bind(c.created_at)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                        if written > 0 {
                            summary.confirmations_written += 1;
                        } else {
                            summary.confirmations_unchanged += 1;
                        }
                    }
                    Record::Audit(a) => {
                        let written = sqlx::query(INSERT_AUDIT_ONCE)
                            .bind(a.id)
                            .bind(a.note_id)
                            .bind(&a.entry_id)
                            .bind(a.action.as_str())
                            .bind(&a.reason)
                            .bind(&a.actor)
                            .bind(a.at)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                        if written > 0 {
                            summary.audit_written += 1;
                        } else {
                            summary.audit_unchanged += 1;
                        }
                    }
                }
            }
            if postgres {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(self.changes.payload(EVERYTHING))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        self.changes.changed(EVERYTHING);
        Ok(summary)
    }
}

/// What can go wrong in [`Store::export`]: the database, or the sink (a closed pipe).
#[derive(Debug, thiserror::Error)]
pub enum ExportError<E> {
    #[error(transparent)]
    Store(StoreError),
    #[error("cannot write the export")]
    Sink(E),
}

impl<E> ExportError<E> {
    fn store(e: sqlx::Error) -> Self {
        ExportError::Store(StoreError::Query(e))
    }
}

const NUL: &str = "text with a NUL character cannot be stored (PostgreSQL refuses it)";

/// What the schema cannot say about an imported record.
fn check_record(record: &Record) -> Result<(), String> {
    let texts: Vec<&str> = match record {
        Record::Note(n) => [&n.entry_id, &n.text, &n.sdk_package, &n.sdk_version]
            .into_iter()
            .chain(&n.name)
            .chain(&n.reject_reason)
            .map(String::as_str)
            .collect(),
        Record::Confirmation(c) => vec![&c.client_key, &c.sdk_version],
        Record::Audit(a) => [&a.entry_id, &a.actor]
            .into_iter()
            .chain(&a.reason)
            .map(String::as_str)
            .collect(),
    };
    if texts.iter().any(|t| t.contains('\0')) {
        return Err(NUL.into());
    }
    let nonempty = |what: &str, value: &str| {
        if value.trim().is_empty() {
            Err(format!("`{what}` is empty"))
        } else {
            Ok(())
        }
    };
    match record {
        Record::Note(n) => {
            nonempty("entry_id", &n.entry_id)?;
            nonempty("text", &n.text)?;
            nonempty("sdk_package", &n.sdk_package)?;
            nonempty("sdk_version", &n.sdk_version)?;
            if n.updated_at < n.created_at {
                return Err(format!(
                    "note {}: `updated_at` is before `created_at`",
                    n.id
                ));
            }
        }
        Record::Confirmation(c) => {
            nonempty("client_key", &c.client_key)?;
            nonempty("sdk_version", &c.sdk_version)?;
        }
        Record::Audit(a) => {
            nonempty("entry_id", &a.entry_id)?;
            nonempty("actor", &a.actor)?;
        }
    }
    Ok(())
}
