//! The SQLite database: opening, migrations, and the handle routes share.
//!
//! One connection behind a mutex. Every request holds it only for its own statements, never
//! across an `.await`, so a dev server's load never waits long; WAL keeps readers of the file
//! (a `sqlite3` shell, say) from blocking it.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

/// Migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../migrations/0001_init.sql")),
    ("0002_navigation", include_str!("../migrations/0002_navigation.sql")),
    ("0003_rich_messages", include_str!("../migrations/0003_rich_messages.sql")),
    ("0004_transcripts", include_str!("../migrations/0004_transcripts.sql")),
];

#[derive(Clone)]
pub struct Db(Arc<Mutex<Connection>>);

impl Db {
    /// Opens (creating if needed) the database file, in WAL mode, and migrates it.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Db::init(conn)
    }

    /// A private in-memory database, for tests.
    pub fn memory() -> rusqlite::Result<Db> {
        Db::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> rusqlite::Result<Db> {
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Db(Arc::new(Mutex::new(conn))))
    }

    /// The connection. A panic while holding it cannot leave SQLite half-written (statements
    /// are atomic, and a handler's open transaction rolls back as it unwinds), so a poisoned
    /// lock is taken over.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_survive_reopen() {
        let dir = std::env::temp_dir().join(format!("livechat-db-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        {
            let db = Db::open(&path).unwrap();
            db.conn().execute("INSERT INTO counters VALUES ('x', 41)", []).unwrap();
        }
        let db = Db::open(&path).unwrap();
        let conn = db.conn();
        let v: i64 = conn.query_row("SELECT value FROM counters WHERE name='x'", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 41);
        let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        drop(conn);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
