//! `rooms`, read joined with their visitor and department, and written by routing, messages
//! and the agents' actions; the agents' room list.

use livechat_wire::StrMap;

use livechat_wire::room::{Room, RoomVisitor, ServedBy};
use livechat_wire::{Timestamp, UserRef};
use rusqlite::{Connection, Row, ToSql, params};

use super::users::User;
use super::{SortKey, json_or_default, limit_offset, message_by_id, order_by, ts};
use crate::error::ApiResult;

const ROOM_COLS: &str = "r.id, r.visitor_id, r.token, r.fname, r.department_id, r.open, r.served_by_id,
    r.served_by_username, r.served_by_ts, r.ts, r.lm, r.msgs, r.waiting_response, r.closed_at, r.closer,
    r.closed_by_id, r.closed_by_username, r.tags, r.survey_feedback, r.v_status, r.last_message_id,
    r.updated_at, v.username, v.name, d.name";

const ROOM_FROM: &str =
    "rooms r JOIN visitors v ON v.id = r.visitor_id LEFT JOIN departments d ON d.id = r.department_id";

/// A room row and the id of its last message (loaded separately).
fn room_from_row(r: &Row) -> rusqlite::Result<(Room, Option<String>)> {
    let served_by_id: Option<String> = r.get(6)?;
    let closed_by_id: Option<String> = r.get(15)?;
    let department_id: Option<String> = r.get(4)?;
    let room = Room {
        id: r.get(0)?,
        t: "l".into(),
        v: Some(RoomVisitor {
            id: r.get(1)?,
            token: r.get(2)?,
            username: r.get(22)?,
            name: r.get(23)?,
            status: r.get(19)?,
            last_message_ts: None,
        }),
        fname: r.get(3)?,
        department: match (&department_id, r.get::<_, Option<String>>(24)?) {
            (Some(id), Some(name)) => Some(livechat_wire::message::DepartmentName { id: id.clone(), name }),
            _ => None,
        },
        department_id,
        open: r.get::<_, Option<bool>>(5)?.filter(|&o| o),
        served_by: match served_by_id {
            Some(id) => Some(ServedBy { id, username: r.get(7)?, ts: ts(r.get(8)?) }),
            None => None,
        },
        ts: ts(r.get(9)?),
        lm: ts(r.get(10)?),
        msgs: r.get::<_, i64>(11)?.max(0) as u64,
        users_count: Some(1),
        waiting_response: Some(r.get(12)?),
        cl: Some(false),
        closed_at: ts(r.get(13)?),
        closer: r.get(14)?,
        closed_by: match closed_by_id {
            Some(id) => Some(UserRef { id, username: r.get(16)?, name: None }),
            None => None,
        },
        tags: json_or_default(r.get(17)?),
        survey_feedback: r.get::<_, Option<String>>(18)?.and_then(|s| serde_json::from_str(&s).ok()),
        last_message: None,
        livechat_data: StrMap::new(),
        updated_at: ts(r.get(21)?),
    };
    Ok((room, r.get(20)?))
}

fn rooms_where(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> ApiResult<Vec<Room>> {
    let sql = format!("SELECT {ROOM_COLS} FROM {ROOM_FROM} WHERE {filter}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(args, room_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|(room, last)| with_last_message(conn, room, last)).collect()
}

fn with_last_message(conn: &Connection, mut room: Room, last: Option<String>) -> ApiResult<Room> {
    if let Some(id) = last {
        room.last_message = message_by_id(conn, &id)?.map(Box::new);
        if let (Some(v), Some(m)) = (room.v.as_mut(), room.last_message.as_ref())
            && m.token.is_some()
        {
            v.last_message_ts = m.ts;
        }
    }
    Ok(room)
}

pub fn room_by_id(conn: &Connection, rid: &str) -> ApiResult<Option<Room>> {
    Ok(rooms_where(conn, "r.id = ?1", [rid])?.pop())
}

/// `findRoom(token, rid)`: the visitor's room, open or closed.
pub fn room_for_token(conn: &Connection, rid: &str, token: &str) -> ApiResult<Option<Room>> {
    Ok(rooms_where(conn, "r.id = ?1 AND r.token = ?2", [rid, token])?.pop())
}

/// The visitor's open room, if any (the newest, should there be several).
pub fn open_room_for_token(conn: &Connection, token: &str) -> ApiResult<Option<Room>> {
    Ok(rooms_where(conn, "r.token = ?1 AND r.open = 1 ORDER BY r.ts DESC LIMIT 1", [token])?.pop())
}

/// A new open room of the visitor, waiting for an agent.
pub fn insert_room(
    conn: &Connection,
    now: Timestamp,
    rid: &str,
    visitor: &livechat_wire::visitor::Visitor,
    fname: &str,
    department: Option<&str>,
) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO rooms (id, visitor_id, token, fname, department_id, open, ts, v_status, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?6)",
        params![
            rid,
            visitor.id,
            visitor.token,
            fname,
            department,
            now.0,
            visitor.status.as_deref().unwrap_or("online")
        ],
    )?;
    Ok(())
}

/// `servedBy`: the agent serving the room from now, or nobody (`None`, back in the queue).
pub fn set_served_by(conn: &Connection, rid: &str, agent: Option<&User>, now: Timestamp) -> ApiResult<()> {
    conn.execute(
        "UPDATE rooms SET served_by_id = ?2, served_by_username = ?3, served_by_ts = ?4, updated_at = ?5 WHERE id = ?1",
        params![rid, agent.map(|a| &a.id), agent.map(|a| &a.username), agent.map(|_| now.0), now.0],
    )?;
    Ok(())
}

pub fn set_room_department(conn: &Connection, rid: &str, department: &str, now: Timestamp) -> ApiResult<()> {
    conn.execute(
        "UPDATE rooms SET department_id = ?2, updated_at = ?3 WHERE id = ?1",
        params![rid, department, now.0],
    )?;
    Ok(())
}

/// Closes the room: `open` removed, the closing fields set, the visitor shown offline.
pub fn close_room(conn: &Connection, rid: &str, closer: &UserRef, by_visitor: bool, now: Timestamp) -> ApiResult<()> {
    conn.execute(
        "UPDATE rooms SET open = NULL, closed_at = ?2, closer = ?3, closed_by_id = ?4, closed_by_username = ?5,
         v_status = 'offline', waiting_response = 0, updated_at = ?2 WHERE id = ?1",
        params![rid, now.0, if by_visitor { "visitor" } else { "user" }, closer.id, closer.username],
    )?;
    Ok(())
}

/// Whether the room waits for an agent's answer (the visitor spoke last).
pub fn set_waiting_response(conn: &Connection, rid: &str, waiting: bool) -> ApiResult<()> {
    conn.execute("UPDATE rooms SET waiting_response = ?2 WHERE id = ?1", params![rid, waiting])?;
    Ok(())
}

pub fn set_survey_feedback(conn: &Connection, rid: &str, data: &StrMap, now: Timestamp) -> ApiResult<()> {
    conn.execute(
        "UPDATE rooms SET survey_feedback = ?2, updated_at = ?3 WHERE id = ?1",
        params![rid, serde_json::to_string(data)?, now.0],
    )?;
    Ok(())
}

pub fn set_tags(conn: &Connection, rid: &str, tags: &[String]) -> ApiResult<()> {
    conn.execute("UPDATE rooms SET tags = ?2 WHERE id = ?1", params![rid, serde_json::to_string(tags)?])?;
    Ok(())
}

/// The visitor's open rooms take its new name.
pub fn rename_open_rooms(conn: &Connection, token: &str, name: &str) -> ApiResult<()> {
    conn.execute("UPDATE rooms SET fname = ?2 WHERE token = ?1 AND open = 1", params![token, name])?;
    Ok(())
}

/// The visitor's open rooms show it offline (`v.status`).
pub fn set_open_rooms_visitor_offline(conn: &Connection, token: &str, now: Timestamp) -> ApiResult<()> {
    conn.execute(
        "UPDATE rooms SET v_status = 'offline', updated_at = ?2 WHERE token = ?1 AND open = 1",
        params![token, now.0],
    )?;
    Ok(())
}

/// Ids of the open rooms the user serves.
pub fn open_rooms_served_by(conn: &Connection, user_id: &str) -> ApiResult<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM rooms WHERE served_by_id = ?1 AND open = 1")?;
    Ok(stmt.query_map([user_id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A room name to match in the agents' list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    /// `fname` is exactly this.
    Exact(String),
    /// `fname` contains this, ignoring case.
    Contains(String),
}

/// What the agents' room list filters by; every part given must match.
#[derive(Debug, Default)]
pub struct RoomsFilter {
    /// Served by one of these agents (ignored when empty).
    pub agents: Vec<String>,
    pub name: Option<NameMatch>,
    /// In one of these departments (none when empty).
    pub departments: Option<Vec<String>>,
    /// `Some(true)`: open and served; `Some(false)`: closed.
    pub open: Option<bool>,
    /// Open and waiting for an agent.
    pub queued: bool,
    /// Nothing matches (a filter on what rooms here never have: on hold, custom fields).
    pub none: bool,
    /// Carrying one of these tags (ignored when empty).
    pub tags: Vec<String>,
    /// `ts` within these bounds (ms, inclusive).
    pub created: (Option<i64>, Option<i64>),
    /// `closedAt` within these bounds (ms, inclusive).
    pub closed: (Option<i64>, Option<i64>),
}

/// The fields the room list sorts by, and their columns.
const SORTABLE: &[(&str, &str)] = &[
    ("ts", "r.ts"),
    ("_updatedAt", "r.updated_at"),
    ("lm", "r.lm"),
    ("closedAt", "r.closed_at"),
    ("fname", "r.fname"),
    ("msgs", "r.msgs"),
];

impl RoomsFilter {
    /// The WHERE clause and its arguments.
    fn to_sql(&self) -> ApiResult<(String, Vec<Box<dyn ToSql>>)> {
        let mut filter = vec!["1 = 1".to_owned()];
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        let mut push = |filter: &mut Vec<String>, sql: &str, arg: Box<dyn ToSql>| {
            args.push(arg);
            filter.push(sql.replace('?', &format!("?{}", args.len())));
        };
        if !self.agents.is_empty() {
            push(
                &mut filter,
                "r.served_by_id IN (SELECT value FROM json_each(?))",
                Box::new(serde_json::to_string(&self.agents)?),
            );
        }
        match &self.name {
            Some(NameMatch::Exact(name)) => push(&mut filter, "r.fname = ?", Box::new(name.clone())),
            Some(NameMatch::Contains(part)) => {
                push(&mut filter, "instr(lower(r.fname), lower(?)) > 0", Box::new(part.clone()))
            }
            None => {}
        }
        if let Some(ids) = &self.departments {
            push(
                &mut filter,
                "r.department_id IN (SELECT value FROM json_each(?))",
                Box::new(serde_json::to_string(ids)?),
            );
        }
        match self.open {
            Some(true) => filter.push("r.open = 1 AND r.served_by_id IS NOT NULL".into()),
            Some(false) => filter.push("r.open IS NULL".into()),
            None => {}
        }
        if self.queued {
            filter.push("r.open = 1 AND r.served_by_id IS NULL".into());
        }
        if self.none {
            filter.push("0 = 1".into());
        }
        if !self.tags.is_empty() {
            push(
                &mut filter,
                "EXISTS (SELECT 1 FROM json_each(r.tags) t WHERE t.value IN (SELECT value FROM json_each(?)))",
                Box::new(serde_json::to_string(&self.tags)?),
            );
        }
        for ((start, end), column) in [(self.created, "r.ts"), (self.closed, "r.closed_at")] {
            if let Some(start) = start {
                push(&mut filter, &format!("{column} >= ?"), Box::new(start));
            }
            if let Some(end) = end {
                push(&mut filter, &format!("{column} <= ?"), Box::new(end));
            }
        }
        Ok((filter.join(" AND "), args))
    }
}

/// The agents' room list: rooms matching `filter`, sorted by `sort` then newest first, with
/// paging; and how many match in all.
pub fn rooms_page(
    conn: &Connection,
    filter: &RoomsFilter,
    sort: &[SortKey],
    limit: Option<u64>,
    offset: u64,
) -> ApiResult<(Vec<Room>, u64)> {
    let (filter, args) = filter.to_sql()?;
    let args: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref()).collect();
    let total: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM {ROOM_FROM} WHERE {filter}"), &args[..], |r| r.get(0))?;
    let order = order_by(sort, SORTABLE, "r.ts DESC");
    let rooms = rooms_where(conn, &format!("{filter} ORDER BY {order} {}", limit_offset(limit, offset)), &args[..])?;
    Ok((rooms, total as u64))
}
