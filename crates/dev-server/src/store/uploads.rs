//! `uploads`: what each uploaded file is, in which room, and whose.

use livechat_wire::message::Dimensions;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::ApiResult;

/// An uploaded file's record (its bytes are in [`crate::files::Files`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub id: String,
    pub rid: String,
    pub name: String,
    /// The media type the uploader declared.
    pub kind: String,
    pub size: u64,
    /// The agent who uploaded it (or `None` for a visitor's file).
    pub user_id: Option<String>,
    /// The visitor who uploaded it (or `None` for an agent's file).
    pub visitor_token: Option<String>,
    pub dimensions: Option<Dimensions>,
    /// An agent's upload not yet confirmed (`rooms.mediaConfirm`) is temporary until then.
    pub expires_at: Option<i64>,
}

fn upload_from_row(r: &Row) -> rusqlite::Result<Upload> {
    let (width, height): (Option<u32>, Option<u32>) = (r.get(7)?, r.get(8)?);
    Ok(Upload {
        id: r.get(0)?,
        rid: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        size: r.get::<_, i64>(4)? as u64,
        user_id: r.get(5)?,
        visitor_token: r.get(6)?,
        dimensions: width.zip(height).map(|(width, height)| Dimensions { width, height }),
        expires_at: r.get(9)?,
    })
}

pub fn insert_upload(conn: &Connection, upload: &Upload, now: i64) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO uploads (id, rid, name, type, size, user_id, visitor_token, width, height, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            upload.id,
            upload.rid,
            upload.name,
            upload.kind,
            upload.size as i64,
            upload.user_id,
            upload.visitor_token,
            upload.dimensions.map(|d| d.width),
            upload.dimensions.map(|d| d.height),
            now,
            upload.expires_at
        ],
    )?;
    Ok(())
}

pub fn upload_by_id(conn: &Connection, id: &str) -> ApiResult<Option<Upload>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, rid, name, type, size, user_id, visitor_token, width, height, expires_at FROM uploads WHERE id = ?1",
        )?
        .query_row([id], upload_from_row)
        .optional()?)
}

/// An agent's temporary upload, now sent: kept for good.
pub fn confirm_upload(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.execute("UPDATE uploads SET expires_at = NULL WHERE id = ?1", [id])?;
    Ok(())
}

/// Takes out the agents' uploads never confirmed that are past keeping: their ids, for their
/// bytes to go too.
pub fn take_expired_uploads(conn: &Connection, now: i64) -> ApiResult<Vec<String>> {
    let ids = conn
        .prepare_cached("SELECT id FROM uploads WHERE expires_at IS NOT NULL AND expires_at <= ?1")?
        .query_map([now], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    conn.execute("DELETE FROM uploads WHERE expires_at IS NOT NULL AND expires_at <= ?1", [now])?;
    Ok(ids)
}
