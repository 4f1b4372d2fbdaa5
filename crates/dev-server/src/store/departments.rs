//! `departments` and `department_agents` (which agents serve which department).

use livechat_wire::config::Department;
use rusqlite::{Connection, OptionalExtension, Row};

use crate::error::ApiResult;

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
