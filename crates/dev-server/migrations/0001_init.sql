-- The Livechat data model: Rocket.Chat's collections as tables.
-- Dates are milliseconds since the Unix epoch (UTC).

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- Agents, managers and other users who log in (Rocket.Chat's `users`).
CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    name            TEXT,
    email           TEXT,
    password_hash   TEXT NOT NULL,
    roles           TEXT NOT NULL,          -- JSON array of role names
    status          TEXT NOT NULL,          -- online | away | busy | offline
    status_livechat TEXT NOT NULL,          -- available | not-available
    created_at      INTEGER NOT NULL
);

CREATE TABLE login_tokens (
    hashed_token TEXT PRIMARY KEY,          -- hex SHA-256 of the token; the token itself is never stored
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL
);

CREATE TABLE departments (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE,
    enabled              INTEGER NOT NULL,
    show_on_registration INTEGER NOT NULL,
    show_on_offline_form INTEGER NOT NULL
);

CREATE TABLE department_agents (
    department_id TEXT NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
    agent_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (department_id, agent_id)
);

CREATE TABLE visitors (
    id            TEXT PRIMARY KEY,
    token         TEXT NOT NULL UNIQUE,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT,
    email         TEXT,
    phone         TEXT,
    department    TEXT,
    status        TEXT NOT NULL,
    livechat_data TEXT NOT NULL,            -- JSON object of custom fields
    ts            INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX visitors_email ON visitors(email);
CREATE INDEX visitors_phone ON visitors(phone);

-- Omnichannel rooms (`t: 'l'`). `open` is 1 or NULL: closed rooms have no `open` field.
CREATE TABLE rooms (
    id                 TEXT PRIMARY KEY,
    visitor_id         TEXT NOT NULL REFERENCES visitors(id),
    token              TEXT NOT NULL,
    fname              TEXT,
    department_id      TEXT,
    open               INTEGER,
    served_by_id       TEXT,
    served_by_username TEXT,
    served_by_ts       INTEGER,
    ts                 INTEGER NOT NULL,
    lm                 INTEGER,
    msgs               INTEGER NOT NULL DEFAULT 0,
    waiting_response   INTEGER NOT NULL DEFAULT 1,
    closed_at          INTEGER,
    closer             TEXT,
    closed_by_id       TEXT,
    closed_by_username TEXT,
    tags               TEXT NOT NULL DEFAULT '[]',
    survey_feedback    TEXT,
    v_status           TEXT NOT NULL,
    last_message_id    TEXT,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX rooms_token ON rooms(token, open);
CREATE INDEX rooms_ts ON rooms(ts);

-- The routing queue: one inquiry per room until the room closes.
CREATE TABLE inquiries (
    id         TEXT PRIMARY KEY,
    rid        TEXT NOT NULL UNIQUE REFERENCES rooms(id),
    status     TEXT NOT NULL,               -- queued | taken
    department TEXT,
    name       TEXT,
    message    TEXT NOT NULL DEFAULT '',
    ts         INTEGER NOT NULL,
    taken_at   INTEGER,
    updated_at INTEGER NOT NULL
);

-- Messages. `seq` orders messages that share a timestamp; `id` is the client-visible `_id`.
CREATE TABLE messages (
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    id                   TEXT NOT NULL UNIQUE,
    rid                  TEXT NOT NULL,
    msg                  TEXT NOT NULL,
    ts                   INTEGER NOT NULL,
    t                    TEXT,
    u_id                 TEXT NOT NULL,
    u_username           TEXT NOT NULL,
    u_name               TEXT,
    token                TEXT,
    alias                TEXT,
    groupable            INTEGER,
    edited_at            INTEGER,
    edited_by_id         TEXT,
    edited_by_username   TEXT,
    transfer_data        TEXT,              -- JSON
    transcript_requested INTEGER,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX messages_rid_ts ON messages(rid, ts);

-- Messages left through the offline form; agents read them, nothing is e-mailed.
CREATE TABLE offline_messages (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    message    TEXT NOT NULL,
    department TEXT,
    host       TEXT,
    ts         INTEGER NOT NULL
);
