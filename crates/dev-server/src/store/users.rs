//! `users` and `login_tokens`: agents, their presence, and their logins.

use livechat_wire::Timestamp;
use livechat_wire::UserRef;
use livechat_wire::agent::Agent;
use livechat_wire::visitor::{EmailAddress, PhoneNumber};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::json_or_default;
use crate::config::{ServerConfig, role_has};
use crate::error::ApiResult;
use crate::ids;

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub username: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
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

const USER_COLS: &str = "id, username, name, email, roles, status, status_livechat, phone";

fn user_from_row(r: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        roles: json_or_default(r.get(4)?),
        status: r.get(5)?,
        status_livechat: r.get(6)?,
        phone: r.get(7)?,
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
    Ok(conn.query_row(&sql, [value], |r| Ok((user_from_row(r)?, r.get(8)?))).optional()?)
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

/// The agent as visitors see it (`normalizeAgent`): `{hiddenInfo: true}` when agents are
/// hidden, else `_id`, `username`, `name`, `status` and `phone`, and `emails` when
/// `show_agent_email` is on (`Users.getAgentInfo`'s projection).
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
        phone: user.phone.iter().map(|p| PhoneNumber { phone_number: p.clone() }).collect(),
        hidden_info: false,
    }
}

/// Whether the agent takes Livechat conversations: `available` or `not-available`.
pub fn set_status_livechat(conn: &Connection, user_id: &str, status: &str) -> ApiResult<()> {
    conn.execute("UPDATE users SET status_livechat = ?2 WHERE id = ?1", params![user_id, status])?;
    Ok(())
}

/// Presence: `online`, `away`, `busy` or `offline`.
pub fn set_status(conn: &Connection, user_id: &str, status: &str) -> ApiResult<()> {
    conn.execute("UPDATE users SET status = ?2 WHERE id = ?1", params![user_id, status])?;
    Ok(())
}

/// Keeps a login: only the token's hash is stored.
pub fn insert_login_token(conn: &Connection, hashed: &str, user_id: &str, now: Timestamp) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO login_tokens (hashed_token, user_id, created_at) VALUES (?1, ?2, ?3)",
        params![hashed, user_id, now.0],
    )?;
    Ok(())
}

/// Ends the user's login whose token has this hash.
pub fn delete_login_token(conn: &Connection, hashed: &str, user_id: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM login_tokens WHERE hashed_token = ?1 AND user_id = ?2", params![hashed, user_id])?;
    Ok(())
}
