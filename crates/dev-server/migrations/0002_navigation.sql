-- Pages visitors navigated (`livechat/page.visited`). Rocket.Chat saves each as a hidden
-- `livechat_navigation_history` message; hidden messages never reach the visitor's history,
-- so they live in their own table. `rid` is NULL until the visitor has a room.
CREATE TABLE navigation_history (
    id         TEXT PRIMARY KEY,
    token      TEXT NOT NULL,
    rid        TEXT,
    title      TEXT NOT NULL,
    change     TEXT NOT NULL,
    href       TEXT NOT NULL,
    ts         INTEGER NOT NULL,
    expire_at  INTEGER
);
CREATE INDEX navigation_history_token ON navigation_history(token, ts);
CREATE INDEX navigation_history_rid ON navigation_history(rid, ts);
