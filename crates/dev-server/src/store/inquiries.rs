//! `inquiries`: the routing queue, one inquiry per room until the room closes.

use livechat_wire::Timestamp;
use livechat_wire::inquiries::Inquiry;
use livechat_wire::room::RoomVisitor;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{SortKey, limit_offset, order_by, ts};
use crate::error::ApiResult;

const INQUIRY_COLS: &str = "i.id, i.rid, i.name, i.ts, i.message, i.status, i.department, i.taken_at, i.updated_at,
    r.visitor_id, v.username, r.token, r.v_status, v.name";

fn inquiry_from_row(r: &Row) -> rusqlite::Result<Inquiry> {
    Ok(Inquiry {
        id: r.get(0)?,
        rid: r.get(1)?,
        name: r.get(2)?,
        ts: ts(r.get(3)?),
        message: r.get(4)?,
        status: r.get(5)?,
        department: r.get(6)?,
        taken_at: ts(r.get(7)?),
        updated_at: ts(r.get(8)?),
        t: Some("l".into()),
        v: Some(RoomVisitor {
            id: r.get(9)?,
            username: r.get(10)?,
            token: r.get(11)?,
            status: r.get(12)?,
            name: r.get(13)?,
            last_message_ts: None,
        }),
    })
}

const INQUIRY_FROM: &str = "inquiries i JOIN rooms r ON r.id = i.rid JOIN visitors v ON v.id = r.visitor_id";

fn inquiry_where(conn: &Connection, filter: &str, arg: &str) -> ApiResult<Option<Inquiry>> {
    let sql = format!("SELECT {INQUIRY_COLS} FROM {INQUIRY_FROM} WHERE {filter}");
    Ok(conn.query_row(&sql, [arg], inquiry_from_row).optional()?)
}

pub fn inquiry_by_id(conn: &Connection, id: &str) -> ApiResult<Option<Inquiry>> {
    inquiry_where(conn, "i.id = ?1", id)
}

/// The inquiry of room `rid` (none once the room is closed).
pub fn inquiry_by_rid(conn: &Connection, rid: &str) -> ApiResult<Option<Inquiry>> {
    inquiry_where(conn, "i.rid = ?1", rid)
}

/// The fields the queue sorts by, and their columns.
const SORTABLE: &[(&str, &str)] = &[("ts", "i.ts"), ("_updatedAt", "i.updated_at"), ("name", "i.name")];

/// Queued inquiries, optionally of one department, sorted by `sort` then newest first, with
/// paging; and how many are queued in all.
pub fn queued_inquiries(
    conn: &Connection,
    department: Option<&str>,
    sort: &[SortKey],
    limit: Option<u64>,
    offset: u64,
) -> ApiResult<(Vec<Inquiry>, u64)> {
    let filter = "i.status = 'queued' AND (?1 IS NULL OR i.department = ?1)";
    let total: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM {INQUIRY_FROM} WHERE {filter}"), [department], |r| r.get(0))?;
    let order = order_by(sort, SORTABLE, "i.ts DESC");
    let sql = format!(
        "SELECT {INQUIRY_COLS} FROM {INQUIRY_FROM} WHERE {filter} ORDER BY {order} {}",
        limit_offset(limit, offset)
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([department], inquiry_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total as u64))
}

/// Queues a new room `rid` (the visitor's name shown as `name`).
pub fn insert_inquiry(
    conn: &Connection,
    now: Timestamp,
    rid: &str,
    department: Option<&str>,
    name: &str,
) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO inquiries (id, rid, status, department, name, ts, updated_at) VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?5)",
        params![object_id(), rid, department, name, now.0],
    )?;
    Ok(())
}

/// `taken` by an agent (`true`), or back in the queue (`false`).
pub fn set_inquiry_taken(conn: &Connection, rid: &str, taken: bool, now: Timestamp) -> ApiResult<()> {
    conn.execute(
        "UPDATE inquiries SET status = ?2, taken_at = ?3, updated_at = ?4 WHERE rid = ?1",
        params![rid, if taken { "taken" } else { "queued" }, taken.then_some(now.0), now.0],
    )?;
    Ok(())
}

pub fn set_inquiry_department(conn: &Connection, rid: &str, department: &str, now: Timestamp) -> ApiResult<()> {
    conn.execute(
        "UPDATE inquiries SET department = ?2, updated_at = ?3 WHERE rid = ?1",
        params![rid, department, now.0],
    )?;
    Ok(())
}

/// The room's first visitor message, shown in the queue (later ones leave it).
pub fn set_inquiry_message(conn: &Connection, rid: &str, msg: &str, now: Timestamp) -> ApiResult<()> {
    conn.execute(
        "UPDATE inquiries SET message = ?2, updated_at = ?3 WHERE rid = ?1 AND message = ''",
        params![rid, msg, now.0],
    )?;
    Ok(())
}

/// The queue shows the visitor's new name for its open rooms.
pub fn rename_open_inquiries(conn: &Connection, token: &str, name: &str) -> ApiResult<()> {
    conn.execute(
        "UPDATE inquiries SET name = ?2 WHERE rid IN (SELECT id FROM rooms WHERE token = ?1 AND open = 1)",
        params![token, name],
    )?;
    Ok(())
}

/// The room closed: its inquiry is gone.
pub fn delete_inquiry(conn: &Connection, rid: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM inquiries WHERE rid = ?1", [rid])?;
    Ok(())
}

/// Inquiry ids are MongoDB ObjectId-like: 24 hex digits.
fn object_id() -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
