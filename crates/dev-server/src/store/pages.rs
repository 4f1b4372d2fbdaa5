//! What visitors leave besides chats: `navigation_history` (the pages they visit) and
//! `offline_messages` (the offline form).

use livechat_wire::Timestamp;
use livechat_wire::page::PageInfo;
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::error::ApiResult;

/// Records a page the visitor with `token` visited, in its room `rid` if it has one; a visit
/// without a room expires at `expire_at`.
pub fn insert_page_visit(
    conn: &Connection,
    now: Timestamp,
    token: &str,
    rid: Option<&str>,
    page: &PageInfo,
    expire_at: Option<i64>,
) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO navigation_history (id, token, rid, title, change, href, ts, expire_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![crate::ids::random_id(), token, rid, page.title, page.change, page.location.href, now.0, expire_at],
    )?;
    Ok(())
}

/// A message left on the offline form, as agents list it.
#[derive(Debug, Serialize)]
pub struct StoredOfflineMessage {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub email: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub ts: Timestamp,
}

pub fn insert_offline_message(conn: &Connection, m: &StoredOfflineMessage) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO offline_messages (id, name, email, message, department, host, ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![m.id, m.name, m.email, m.message, m.department, m.host, m.ts.0],
    )?;
    Ok(())
}

/// The newest 200 offline messages, newest first.
pub fn offline_messages(conn: &Connection) -> ApiResult<Vec<StoredOfflineMessage>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, email, message, department, host, ts FROM offline_messages ORDER BY ts DESC LIMIT 200",
    )?;
    let messages = stmt
        .query_map([], |r| {
            Ok(StoredOfflineMessage {
                id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
                message: r.get(3)?,
                department: r.get(4)?,
                host: r.get(5)?,
                ts: Timestamp(r.get(6)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(messages)
}
