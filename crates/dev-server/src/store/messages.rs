//! `messages`, and the counters of their room that a message moves (`msgs`, `lm`, the last
//! message).

use livechat_wire::message::{Attachment, FileRef, Message, TransferData};
use livechat_wire::{Timestamp, UserRef};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::ts;
use crate::error::{ApiError, ApiResult};
use crate::ids;

const MSG_COLS: &str = "id, rid, msg, ts, t, u_id, u_username, u_name, token, alias, groupable, edited_at,
    edited_by_id, edited_by_username, transfer_data, transcript_requested, updated_at, md, file, files, attachments";

fn message_from_row(r: &Row) -> rusqlite::Result<Message> {
    let edited_by_id: Option<String> = r.get(12)?;
    Ok(Message {
        id: r.get(0)?,
        rid: r.get(1)?,
        msg: r.get(2)?,
        ts: ts(r.get(3)?),
        t: r.get(4)?,
        u: Some(UserRef { id: r.get(5)?, username: r.get(6)?, name: r.get(7)? }),
        token: r.get(8)?,
        alias: r.get(9)?,
        groupable: r.get(10)?,
        edited_at: ts(r.get(11)?),
        edited_by: match edited_by_id {
            Some(id) => Some(UserRef { id, username: r.get(13)?, name: None }),
            None => None,
        },
        transfer_data: r.get::<_, Option<String>>(14)?.and_then(|s| serde_json::from_str(&s).ok()),
        transcript_requested: r.get(15)?,
        updated_at: ts(r.get(16)?),
        md: json_column(r, 17)?,
        file: json_column(r, 18)?,
        files: json_column(r, 19)?.unwrap_or_default(),
        attachments: json_column(r, 20)?.unwrap_or_default(),
        kept: Default::default(),
    })
}

/// A JSON column: `None` when NULL (or, never written by this server, not what it reads).
fn json_column<T: serde::de::DeserializeOwned>(r: &Row, i: usize) -> rusqlite::Result<Option<T>> {
    Ok(r.get::<_, Option<String>>(i)?.and_then(|s| serde_json::from_str(&s).ok()))
}

/// `value` as a JSON column: NULL for `None` and an empty list.
fn to_column<T: serde::Serialize>(value: &T, empty: bool) -> ApiResult<Option<String>> {
    Ok(if empty { None } else { Some(serde_json::to_string(value)?) })
}

pub fn message_by_id(conn: &Connection, id: &str) -> ApiResult<Option<Message>> {
    let sql = format!("SELECT {MSG_COLS} FROM messages WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], message_from_row).optional()?)
}

/// A room's messages, newest first: strictly before `end` when given.
pub fn history(conn: &Connection, rid: &str, end: Option<i64>, limit: u64, offset: u64) -> ApiResult<Vec<Message>> {
    let sql = format!(
        "SELECT {MSG_COLS} FROM messages WHERE rid = ?1 AND ts < ?2
         ORDER BY ts DESC, seq DESC LIMIT ?3 OFFSET ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params![rid, end.unwrap_or(i64::MAX), limit as i64, offset as i64], message_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A message about to be stored.
#[derive(Debug, Default)]
pub struct NewMessage {
    /// The client's `_id`, or `None` for a fresh one.
    pub id: Option<String>,
    pub rid: String,
    pub msg: String,
    pub t: Option<&'static str>,
    pub u: UserRef,
    pub token: Option<String>,
    pub alias: Option<String>,
    pub groupable: Option<bool>,
    pub transfer_data: Option<TransferData>,
    pub transcript_requested: Option<bool>,
    pub file: Option<FileRef>,
    pub files: Vec<FileRef>,
    pub attachments: Vec<Attachment>,
}

/// Stores a message and updates the room's counters (normal messages only, as Rocket.Chat).
///
/// A message whose `_id` is already stored is not stored again: `Ok(None)` (Rocket.Chat's
/// `sendMessage` returns nothing for it). Every caller holds the one connection behind its
/// mutex, so no other insert can come between that check and this one; the unique index on
/// `messages.id` is only a last line of defence, answered like MongoDB's duplicate key error
/// should it ever fire. Any other failure (another constraint, a trigger) is an internal error.
pub fn insert_message(conn: &Connection, now: Timestamp, new: NewMessage) -> ApiResult<Option<Message>> {
    let id = new.id.unwrap_or_else(ids::random_id);
    if message_by_id(conn, &id)?.is_some() {
        return Ok(None);
    }
    let transfer = new.transfer_data.as_ref().map(serde_json::to_string).transpose()?;
    // System messages carry no tree; normal ones one of their text, as Rocket.Chat saves them.
    let md = new.t.is_none().then(|| crate::markdown::tree(&new.msg)).flatten();
    let md = md.as_ref().map(serde_json::to_string).transpose()?;
    let file = to_column(&new.file, new.file.is_none())?;
    let files = to_column(&new.files, new.files.is_empty())?;
    let attachments = to_column(&new.attachments, new.attachments.is_empty())?;
    let inserted = conn.execute(
        "INSERT INTO messages (id, rid, msg, ts, t, u_id, u_username, u_name, token, alias, groupable,
                               transfer_data, transcript_requested, updated_at, md, file, files, attachments)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?4, ?14, ?15, ?16, ?17)",
        params![
            id,
            new.rid,
            new.msg,
            now.0,
            new.t,
            new.u.id,
            new.u.username,
            new.u.name,
            new.token,
            new.alias,
            new.groupable,
            transfer,
            new.transcript_requested,
            md,
            file,
            files,
            attachments
        ],
    );
    match inserted {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
            return Err(ApiError::plain(format!(
                "E11000 duplicate key error collection: rocketchat.rocketchat_message index: _id_ dup key: {{ _id: \"{id}\" }}"
            )));
        }
        Err(e) => return Err(e.into()),
    }
    if new.t.is_none() {
        conn.execute(
            "UPDATE rooms SET lm = ?2, msgs = msgs + 1, last_message_id = ?3, updated_at = ?2 WHERE id = ?1",
            params![new.rid, now.0, id],
        )?;
    }
    message_by_id(conn, &id)
}

/// The visitor's new text for a message (and its tree), marked edited by `by`.
pub fn edit_message(conn: &Connection, id: &str, msg: &str, by: &UserRef, now: Timestamp) -> ApiResult<()> {
    let md = crate::markdown::tree(msg).as_ref().map(serde_json::to_string).transpose()?;
    conn.execute(
        "UPDATE messages SET msg = ?2, edited_at = ?3, edited_by_id = ?4, edited_by_username = ?5, updated_at = ?3,
                md = ?6
         WHERE id = ?1",
        params![id, msg, now.0, by.id, by.username, md],
    )?;
    Ok(())
}

/// Deletes a message of room `rid`; the room counts one message fewer and its last message is
/// the newest remaining one.
pub fn delete_message(conn: &Connection, rid: &str, id: &str, now: Timestamp) -> ApiResult<()> {
    conn.execute("DELETE FROM messages WHERE id = ?1", [id])?;
    conn.execute(
        "UPDATE rooms SET msgs = MAX(msgs - 1, 0), updated_at = ?2, last_message_id =
           (SELECT id FROM messages WHERE rid = ?1 AND t IS NULL ORDER BY ts DESC, seq DESC LIMIT 1)
         WHERE id = ?1",
        params![rid, now.0],
    )?;
    Ok(())
}

/// The newest stored timestamp, so the clock never goes back across a restart.
pub fn newest_timestamp(conn: &Connection) -> ApiResult<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(ts), 0) FROM messages", [], |r| r.get(0))?)
}
