//! `transcript_requests`: the transcripts visitors asked for (`livechat/transcript`), kept
//! instead of e-mailed.

use livechat_wire::Timestamp;
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::error::ApiResult;

/// A transcript a visitor asked for, as managers list it.
#[derive(Debug, Serialize)]
pub struct StoredTranscript {
    #[serde(rename = "_id")]
    pub id: String,
    pub rid: String,
    /// The visitor's token, as it was sent: kept (forgetting the visitor finds its requests by
    /// it), never listed (it is the visitor's credential).
    #[serde(skip_serializing)]
    pub token: String,
    #[serde(rename = "visitorId", skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<String>,
    pub email: String,
    pub ts: Timestamp,
}

pub fn insert_transcript_request(conn: &Connection, t: &StoredTranscript) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO transcript_requests (id, rid, token, visitor_id, email, ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![t.id, t.rid, t.token, t.visitor_id, t.email, t.ts.0],
    )?;
    Ok(())
}

/// The newest 200 requests, newest first.
pub fn transcript_requests(conn: &Connection) -> ApiResult<Vec<StoredTranscript>> {
    let mut stmt = conn.prepare(
        "SELECT id, rid, token, visitor_id, email, ts FROM transcript_requests ORDER BY ts DESC, rowid DESC LIMIT 200",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(StoredTranscript {
                id: r.get(0)?,
                rid: r.get(1)?,
                token: r.get(2)?,
                visitor_id: r.get(3)?,
                email: r.get(4)?,
                ts: Timestamp(r.get(5)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
