//! `livechat/agent.info/:rid/:token` (visitors) and `livechat/agent.status` (agents).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::agent::AgentInfoResponse;
use livechat_wire::ddp::LivechatRoomEvent;
use livechat_wire::error::code;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Body, Params, Path, ok};
use crate::guest;
use crate::hub::Event;
use crate::store;
use crate::validate::{Kind, Schema, Style, opt};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/agent.info/{rid}/{token}", get(agent_info))
        .route("/livechat/agent.status", post(agent_status))
}

async fn agent_info(
    State(state): State<AppState>,
    Path((rid, token)): Path<(String, String)>,
) -> ApiResult<Json<Success<AgentInfoResponse>>> {
    let conn = state.db.conn();
    guest::find(&conn, &token)?;
    let room = guest::room(&conn, &rid, &token)?;
    let served = room.served_by.ok_or_else(|| ApiError::plain(code::INVALID_AGENT))?;
    let agent = store::user_by_id(&conn, &served.id)?.ok_or_else(|| ApiError::plain(code::INVALID_AGENT))?;
    Ok(ok(AgentInfoResponse { agent: store::agent_public(&state.config, &agent) }))
}

#[derive(Deserialize)]
struct AgentStatus {
    status: Option<String>,
    #[serde(rename = "agentId")]
    agent_id: Option<String>,
}

impl Params for AgentStatus {
    const SCHEMA: &'static Schema =
        &Schema { fields: &[opt("status", Kind::Str), opt("agentId", Kind::Str)], additional: false };
    const STYLE: Style = Style::Legacy;
}

#[derive(Serialize)]
struct StatusResponse {
    status: String,
}

/// Sets (or, without `status`, toggles) whether the agent takes Livechat conversations.
/// Needs `view-l-room`, as Rocket.Chat's `permissionsRequired`.
async fn agent_status(
    State(state): State<AppState>,
    user: AuthUser,
    Body(q): Body<AgentStatus>,
) -> ApiResult<Json<Success<StatusResponse>>> {
    user.require("view-l-room")?;
    let target = match q.agent_id.as_deref() {
        Some(id) if id != user.0.id => {
            user.require("manage-livechat-agents")?;
            store::user_by_id(&state.db.conn(), id)?.ok_or_else(|| ApiError::plain(code::ERROR_INVALID_AGENT))?
        }
        _ => user.0,
    };
    let status = match q.status.as_deref() {
        Some(s @ ("available" | "not-available")) => s.to_owned(),
        Some(_) => return Err(ApiError::invalid_params("must be equal to one of the allowed values")),
        None if target.status_livechat == "available" => "not-available".into(),
        None => "available".into(),
    };
    store::set_status_livechat(&state.db.conn(), &target.id, &status)?;
    Ok(ok(StatusResponse { status }))
}

/// `agentStatus` events for every open room the user serves.
pub fn status_events(conn: &Connection, user_id: &str, status: &str) -> ApiResult<Vec<Event>> {
    Ok(store::open_rooms_served_by(conn, user_id)?
        .into_iter()
        .map(|rid| Event::Room { rid, event: LivechatRoomEvent::AgentStatus { status: status.to_owned() } })
        .collect())
}
