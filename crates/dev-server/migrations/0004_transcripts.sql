-- Transcripts visitors asked for (`livechat/transcript`). Rocket.Chat e-mails the conversation;
-- here the request is kept for managers to list (`livechat/transcripts`). The visitor's token
-- and id are kept as they were: the row goes when the visitor asks to be forgotten.
CREATE TABLE transcript_requests (
    id         TEXT PRIMARY KEY,
    rid        TEXT NOT NULL,
    token      TEXT NOT NULL,
    visitor_id TEXT,
    email      TEXT NOT NULL,
    ts         INTEGER NOT NULL
);
CREATE INDEX transcript_requests_ts ON transcript_requests(ts);
CREATE INDEX transcript_requests_token ON transcript_requests(token);

-- An agent's phone number, shown to visitors with the agent (`normalizeAgent`'s `phone`).
ALTER TABLE users ADD COLUMN phone TEXT;
