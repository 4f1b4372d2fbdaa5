//! Reading and writing the Livechat collections. Routers call these with the connection they
//! hold; nothing here publishes or awaits.

use std::collections::BTreeMap;

use livechat_wire::agent::Agent;
use livechat_wire::config::Department;
use livechat_wire::inquiries::Inquiry;
use livechat_wire::message::{Message, TransferData};
use livechat_wire::room::{Room, RoomVisitor, ServedBy};
use livechat_wire::visitor::{EmailAddress, PhoneNumber, Visitor};
use livechat_wire::{Timestamp, UserRef};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::config::{ServerConfig, department_id, role_has};
use crate::error::{ApiError, ApiResult};
use crate::ids;

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp)
}

fn json_or_default<T: serde::de::DeserializeOwned + Default>(text: Option<String>) -> T {
    text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Visitors

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

/// The visitor a column value identifies (`token`, `phone`, `email` or `id`).
pub fn visitor_by(conn: &Connection, column: &str, value: &str) -> ApiResult<Option<Visitor>> {
    debug_assert!(["token", "phone", "email", "id"].contains(&column));
    let sql = format!("SELECT {VISITOR_COLS} FROM visitors WHERE {column} = ?1 LIMIT 1");
    Ok(conn.query_row(&sql, [value], visitor_from_row).optional()?)
}

/// `findGuest(token)`.
pub fn visitor_by_token(conn: &Connection, token: &str) -> ApiResult<Option<Visitor>> {
    visitor_by(conn, "token", token)
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
        let taken: bool =
            conn.query_row("SELECT EXISTS(SELECT 1 FROM visitors WHERE username = ?1)", [&username], |r| r.get(0))?;
        if !taken {
            return Ok(username);
        }
    }
}

/// The visitor as messages carry it: `{_id, username, name}`.
pub fn visitor_ref(v: &Visitor) -> UserRef {
    UserRef { id: v.id.clone(), username: v.username.clone(), name: v.name.clone() }
}

// ---------------------------------------------------------------------------------------------
// Rooms

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
        livechat_data: BTreeMap::new(),
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

/// Rooms matching a WHERE clause built by the rooms list, with paging.
pub fn rooms_page(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
    order: &str,
    limit: Option<u64>,
    offset: u64,
) -> ApiResult<(Vec<Room>, u64)> {
    let total: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {ROOM_FROM} WHERE {filter}"), args, |r| r.get(0))?;
    let limit = limit.map_or(-1, |l| l as i64);
    let rooms = rooms_where(conn, &format!("{filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}"), args)?;
    Ok((rooms, total as u64))
}

// ---------------------------------------------------------------------------------------------
// Messages

const MSG_COLS: &str = "id, rid, msg, ts, t, u_id, u_username, u_name, token, alias, groupable, edited_at,
    edited_by_id, edited_by_username, transfer_data, transcript_requested, updated_at";

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
    })
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
    let inserted = conn.execute(
        "INSERT INTO messages (id, rid, msg, ts, t, u_id, u_username, u_name, token, alias, groupable,
                               transfer_data, transcript_requested, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?4)",
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
            new.transcript_requested
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

// ---------------------------------------------------------------------------------------------
// Users, agents, departments

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub username: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub roles: Vec<String>,
    pub status: String,
    pub status_livechat: String,
}

impl User {
    pub fn can(&self, permission: &str) -> bool {
        self.roles.iter().any(|r| role_has(r, permission))
    }

    pub fn is_agent(&self) -> bool {
        self.roles.iter().any(|r| r == "livechat-agent")
    }

    /// Takes chats now: an agent, not offline, available for Livechat.
    pub fn is_online_agent(&self) -> bool {
        self.is_agent() && self.status != "offline" && self.status_livechat == "available"
    }

    pub fn user_ref(&self) -> UserRef {
        UserRef { id: self.id.clone(), username: self.username.clone(), name: self.name.clone() }
    }
}

const USER_COLS: &str = "id, username, name, email, roles, status, status_livechat";

fn user_from_row(r: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        roles: json_or_default(r.get(4)?),
        status: r.get(5)?,
        status_livechat: r.get(6)?,
    })
}

pub fn user_by_id(conn: &Connection, id: &str) -> ApiResult<Option<User>> {
    let sql = format!("SELECT {USER_COLS} FROM users WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], user_from_row).optional()?)
}

/// The user a login names (username, or e-mail when it has an `@`), with its password hash.
pub fn user_for_login(conn: &Connection, login: &str) -> ApiResult<Option<(User, String)>> {
    let column = if login.contains('@') { "lower(email)" } else { "username" };
    let value = if login.contains('@') { login.to_lowercase() } else { login.to_owned() };
    let sql = format!("SELECT {USER_COLS}, password_hash FROM users WHERE {column} = ?1");
    Ok(conn.query_row(&sql, [value], |r| Ok((user_from_row(r)?, r.get(7)?))).optional()?)
}

/// The user whose `X-User-Id` / `X-Auth-Token` these are.
pub fn user_by_login_token(conn: &Connection, user_id: &str, token: &str) -> ApiResult<Option<User>> {
    let hashed = ids::sha256_hex(&[token.as_bytes()]);
    let sql = format!(
        "SELECT {USER_COLS} FROM users u WHERE id = ?1 AND EXISTS
         (SELECT 1 FROM login_tokens t WHERE t.user_id = u.id AND t.hashed_token = ?2)"
    );
    Ok(conn.query_row(&sql, [user_id, &hashed], user_from_row).optional()?)
}

/// The user a hashed login token belongs to, if the token still exists.
pub fn user_by_hashed_token(conn: &Connection, hashed: &str) -> ApiResult<Option<User>> {
    let sql = format!(
        "SELECT {USER_COLS} FROM users u WHERE EXISTS
         (SELECT 1 FROM login_tokens t WHERE t.user_id = u.id AND t.hashed_token = ?1)"
    );
    Ok(conn.query_row(&sql, [hashed], user_from_row).optional()?)
}

/// Online agents of a department (any department when `None`), least busy first.
pub fn online_agents(conn: &Connection, department: Option<&str>) -> ApiResult<Vec<User>> {
    let sql = format!(
        "SELECT {USER_COLS} FROM users u
         WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM department_agents da WHERE da.agent_id = u.id AND da.department_id = ?1))
         ORDER BY (SELECT COUNT(*) FROM rooms r WHERE r.served_by_id = u.id AND r.open = 1), u.username"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let users = stmt.query_map([department], user_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(users.into_iter().filter(User::is_online_agent).collect())
}

/// The agent as visitors see it (`normalizeAgent`).
pub fn agent_public(config: &ServerConfig, user: &User) -> Agent {
    if !config.show_agent_info {
        return Agent { hidden_info: true, ..Agent::default() };
    }
    Agent {
        id: user.id.clone(),
        username: Some(user.username.clone()),
        name: user.name.clone(),
        status: Some(user.status.clone()),
        emails: match (&user.email, config.show_agent_email) {
            (Some(address), true) => vec![EmailAddress { address: address.clone() }],
            _ => Vec::new(),
        },
        phone: Vec::new(),
        hidden_info: false,
    }
}

/// `id, name, show_on_registration, show_on_offline_form`.
fn department_from_row(r: &Row) -> rusqlite::Result<Department> {
    Ok(Department {
        id: r.get(0)?,
        name: r.get(1)?,
        show_on_registration: r.get(2)?,
        show_on_offline_form: r.get(3)?,
        departments_allowed_to_forward: Vec::new(),
    })
}

/// An enabled department, by id or by name.
pub fn department(conn: &Connection, id_or_name: &str) -> ApiResult<Option<Department>> {
    Ok(conn
        .query_row(
            "SELECT id, name, show_on_registration, show_on_offline_form FROM departments
             WHERE enabled = 1 AND (id = ?1 OR name = ?1) ORDER BY id = ?1 DESC LIMIT 1",
            [id_or_name],
            department_from_row,
        )
        .optional()?)
}

/// Enabled departments that have agents (what `livechat/config` lists).
pub fn departments_with_agents(conn: &Connection) -> ApiResult<Vec<Department>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, show_on_registration, show_on_offline_form FROM departments d
         WHERE enabled = 1 AND EXISTS (SELECT 1 FROM department_agents da WHERE da.department_id = d.id)
         ORDER BY name",
    )?;
    let rows = stmt.query_map([], department_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

// ---------------------------------------------------------------------------------------------
// Inquiries

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

pub fn inquiry_where(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> ApiResult<Option<Inquiry>> {
    let sql = format!("SELECT {INQUIRY_COLS} FROM {INQUIRY_FROM} WHERE {filter}");
    Ok(conn.query_row(&sql, args, inquiry_from_row).optional()?)
}

/// Queued inquiries, optionally of one department, with paging.
pub fn queued_inquiries(
    conn: &Connection,
    department: Option<&str>,
    order: &str,
    limit: Option<u64>,
    offset: u64,
) -> ApiResult<(Vec<Inquiry>, u64)> {
    let filter = "i.status = 'queued' AND (?1 IS NULL OR i.department = ?1)";
    let total: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM {INQUIRY_FROM} WHERE {filter}"), [department], |r| r.get(0))?;
    let limit = limit.map_or(-1, |l| l as i64);
    let sql = format!(
        "SELECT {INQUIRY_COLS} FROM {INQUIRY_FROM} WHERE {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([department], inquiry_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total as u64))
}

// ---------------------------------------------------------------------------------------------
// Seeding from the configuration

/// Writes the configured agents and departments. Ids stay stable across restarts; agents'
/// passwords, roles and presence follow the configuration.
pub fn seed(conn: &mut Connection, config: &ServerConfig, now: Timestamp) -> ApiResult<()> {
    let tx = conn.transaction()?;
    for agent in &config.agents {
        let existing: Option<String> =
            tx.query_row("SELECT id FROM users WHERE username = ?1", [&agent.username], |r| r.get(0)).optional()?;
        let roles = serde_json::to_string(&agent.roles)?;
        let hash = ids::hash_password(&agent.password);
        match existing {
            Some(id) => {
                tx.execute(
                    "UPDATE users SET name = ?2, email = ?3, password_hash = ?4, roles = ?5, status = ?6,
                     status_livechat = 'available' WHERE id = ?1",
                    params![id, agent.name, agent.email, hash, roles, agent.status],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO users (id, username, name, email, password_hash, roles, status, status_livechat, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'available', ?8)",
                    params![ids::random_id(), agent.username, agent.name, agent.email, hash, roles, agent.status, now.0],
                )?;
            }
        }
    }
    tx.execute("UPDATE departments SET enabled = 0", [])?;
    tx.execute("DELETE FROM department_agents", [])?;
    for dept in &config.departments {
        let id = department_id(dept);
        tx.execute(
            "INSERT INTO departments (id, name, enabled, show_on_registration, show_on_offline_form)
             VALUES (?1, ?2, 1, ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET name = ?2, enabled = 1, show_on_registration = ?3, show_on_offline_form = ?4",
            params![id, dept.name, dept.show_on_registration, dept.show_on_offline_form],
        )?;
        for username in &dept.agents {
            tx.execute(
                "INSERT OR IGNORE INTO department_agents (department_id, agent_id)
                 SELECT ?1, id FROM users WHERE username = ?2",
                params![id, username],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The newest stored timestamp, so the clock never goes back across a restart.
pub fn newest_timestamp(conn: &Connection) -> ApiResult<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(ts), 0) FROM messages", [], |r| r.get(0))?)
}
