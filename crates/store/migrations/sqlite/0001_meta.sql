-- What this database is: written once when it is created. Community notes (the next
-- migrations) are the first real tables.
CREATE TABLE errdex_meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
INSERT INTO errdex_meta (key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
