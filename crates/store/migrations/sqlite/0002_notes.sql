-- Community notes: readers' version-tagged tips on an entry, moderated before anyone sees
-- them. Ids are UUIDs (16-byte blobs here, `uuid` on PostgreSQL); times are UTC RFC 3339
-- text with microseconds, so that text order is time order.
CREATE TABLE notes (
    id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    entry_id TEXT NOT NULL,
    text TEXT NOT NULL,
    sdk_package TEXT NOT NULL,
    sdk_version TEXT NOT NULL,
    display_name TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'published', 'rejected')),
    reject_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- An entry's published notes (the notes fragment) and the moderation queue.
CREATE INDEX notes_by_entry ON notes (entry_id, status, created_at);
CREATE INDEX notes_by_status ON notes (status, created_at);

-- "Worked for me" / "did not work for me": one per note, per client, per UTC day. The
-- client key is a salted hash of the client's IP address, never the address itself.
CREATE TABLE note_confirmations (
    note_id BLOB NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    client_key TEXT NOT NULL,
    day TEXT NOT NULL,
    worked INTEGER NOT NULL CHECK (worked IN (0, 1)),
    sdk_version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (note_id, client_key, day)
);

-- Every moderation action; kept when the note is deleted.
CREATE TABLE note_audit (
    id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    note_id BLOB NOT NULL,
    entry_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('publish', 'reject', 'delete')),
    reason TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX note_audit_by_note ON note_audit (note_id, at);
