-- Rich messages, as Rocket.Chat stores them: each message's parse tree (`md`, JSON, written
-- when a message is saved or edited; NULL for messages stored before this column) and its
-- files and attachments (JSON, NULL when it has none).
ALTER TABLE messages ADD COLUMN md TEXT;
ALTER TABLE messages ADD COLUMN file TEXT;
ALTER TABLE messages ADD COLUMN files TEXT;
ALTER TABLE messages ADD COLUMN attachments TEXT;

-- Uploaded files (`Uploads`): what each is and whose. The bytes are kept beside the database
-- (a folder next to its file, or memory with --memory). An agent's upload is temporary until
-- confirmed (`rooms.media` then `rooms.mediaConfirm`): `expires_at` is set until then.
CREATE TABLE uploads (
    id            TEXT PRIMARY KEY,
    rid           TEXT NOT NULL,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    user_id       TEXT,
    visitor_token TEXT,
    width         INTEGER,
    height        INTEGER,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER
);
CREATE INDEX uploads_rid ON uploads(rid);
