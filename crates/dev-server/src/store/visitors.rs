//! `visitors`: read by token or id only (never by phone or e-mail), written by registration and
//! custom fields, and removed with everything the visitor left when it asks to be forgotten.

use livechat_wire::StrMap;

use livechat_wire::visitor::{EmailAddress, PhoneNumber, Visitor};
use livechat_wire::{Timestamp, UserRef};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{json_or_default, ts};
use crate::error::ApiResult;

const VISITOR_COLS: &str = "id, token, username, name, email, phone, department, status, livechat_data, ts, updated_at";

fn visitor_from_row(r: &Row) -> rusqlite::Result<Visitor> {
    Ok(Visitor {
        id: r.get(0)?,
        token: r.get(1)?,
        username: r.get(2)?,
        name: r.get(3)?,
        visitor_emails: r
            .get::<_, Option<String>>(4)?
            .map(|address| vec![EmailAddress { address }])
            .unwrap_or_default(),
        phone: r
            .get::<_, Option<String>>(5)?
            .map(|phone_number| vec![PhoneNumber { phone_number }])
            .unwrap_or_default(),
        department: r.get(6)?,
        status: r.get(7)?,
        livechat_data: json_or_default(r.get(8)?),
        ts: ts(r.get(9)?),
        updated_at: ts(r.get(10)?),
    })
}

/// `findGuest(token)`.
pub fn visitor_by_token(conn: &Connection, token: &str) -> ApiResult<Option<Visitor>> {
    let sql = format!("SELECT {VISITOR_COLS} FROM visitors WHERE token = ?1");
    Ok(conn.query_row(&sql, [token], visitor_from_row).optional()?)
}

pub fn visitor_by_id(conn: &Connection, id: &str) -> ApiResult<Option<Visitor>> {
    let sql = format!("SELECT {VISITOR_COLS} FROM visitors WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], visitor_from_row).optional()?)
}

pub fn username_taken(conn: &Connection, username: &str) -> ApiResult<bool> {
    Ok(conn.query_row("SELECT EXISTS(SELECT 1 FROM visitors WHERE username = ?1)", [username], |r| r.get(0))?)
}

/// The next free `guest-N` username (`Livechat_guest_count`: increment, then use). A visitor
/// may have registered with a username like `guest-7` of its own choosing; such names are
/// skipped, so a new anonymous visitor never meets the UNIQUE index on `visitors.username`.
pub fn next_guest_username(conn: &Connection) -> ApiResult<String> {
    loop {
        let n: i64 = conn.query_row(
            "INSERT INTO counters(name, value) VALUES ('guest', 1)
             ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
            [],
            |r| r.get(0),
        )?;
        let username = format!("guest-{n}");
        if !username_taken(conn, &username)? {
            return Ok(username);
        }
    }
}

/// A new online visitor with no profile and no custom fields; answers its id.
pub fn insert_visitor(conn: &Connection, now: Timestamp, token: &str, username: &str) -> ApiResult<String> {
    let id = crate::ids::random_id();
    conn.execute(
        "INSERT INTO visitors (id, token, username, status, livechat_data, ts, updated_at)
         VALUES (?1, ?2, ?3, 'online', '{}', ?4, ?4)",
        params![id, token, username, now.0],
    )?;
    Ok(id)
}

/// What a registration may change of a visitor; `None` keeps the stored value.
#[derive(Debug, Default)]
pub struct Profile<'a> {
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    /// A department id.
    pub department: Option<&'a str>,
}

/// Writes the profile's values and marks the visitor online.
pub fn update_profile(conn: &Connection, id: &str, profile: &Profile, now: Timestamp) -> ApiResult<()> {
    conn.execute(
        "UPDATE visitors SET name = COALESCE(?2, name), email = COALESCE(?3, email), phone = COALESCE(?4, phone),
         department = COALESCE(?5, department), status = 'online', updated_at = ?6
         WHERE id = ?1",
        params![id, profile.name, profile.email, profile.phone, profile.department, now.0],
    )?;
    Ok(())
}

/// Replaces the visitor's custom field values (`livechatData`).
pub fn set_livechat_data(conn: &Connection, id: &str, data: &StrMap) -> ApiResult<()> {
    conn.execute("UPDATE visitors SET livechat_data = ?2 WHERE id = ?1", params![id, serde_json::to_string(data)?])?;
    Ok(())
}

/// The visitor as messages carry it: `{_id, username, name}`.
pub fn visitor_ref(v: &Visitor) -> UserRef {
    UserRef { id: v.id.clone(), username: v.username.clone(), name: v.name.clone() }
}

/// Removes the visitor and everything it left: its rooms with their messages, inquiries and
/// uploads' records, its page visits, its transcript requests, and the visitor itself with its
/// custom field values. Answers the ids of the uploads whose bytes must go too.
pub fn forget_visitor(conn: &Connection, visitor: &Visitor) -> ApiResult<Vec<String>> {
    const ROOMS: &str = "SELECT id FROM rooms WHERE visitor_id = ?1";
    let uploads = conn
        .prepare(&format!("SELECT id FROM uploads WHERE rid IN ({ROOMS}) OR visitor_token = ?2"))?
        .query_map(params![visitor.id, visitor.token], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    conn.execute(
        &format!("DELETE FROM uploads WHERE rid IN ({ROOMS}) OR visitor_token = ?2"),
        params![visitor.id, visitor.token],
    )?;
    conn.execute(&format!("DELETE FROM inquiries WHERE rid IN ({ROOMS})"), [&visitor.id])?;
    conn.execute(&format!("DELETE FROM messages WHERE rid IN ({ROOMS})"), [&visitor.id])?;
    conn.execute(
        &format!("DELETE FROM transcript_requests WHERE rid IN ({ROOMS}) OR token = ?2 OR visitor_id = ?1"),
        params![visitor.id, visitor.token],
    )?;
    conn.execute(
        &format!("DELETE FROM navigation_history WHERE rid IN ({ROOMS}) OR token = ?2"),
        params![visitor.id, visitor.token],
    )?;
    conn.execute("DELETE FROM rooms WHERE visitor_id = ?1", [&visitor.id])?;
    conn.execute("DELETE FROM visitors WHERE id = ?1", [&visitor.id])?;
    Ok(uploads)
}
