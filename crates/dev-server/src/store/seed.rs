//! The configured agents and departments, written at start.

use livechat_wire::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use crate::config::{ServerConfig, department_id};
use crate::error::ApiResult;
use crate::ids;

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
                     status_livechat = 'available', phone = ?7 WHERE id = ?1",
                    params![id, agent.name, agent.email, hash, roles, agent.status, agent.phone],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO users (id, username, name, email, password_hash, roles, status, status_livechat, created_at, phone)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'available', ?8, ?9)",
                    params![
                        ids::random_id(),
                        agent.username,
                        agent.name,
                        agent.email,
                        hash,
                        roles,
                        agent.status,
                        now.0,
                        agent.phone
                    ],
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
