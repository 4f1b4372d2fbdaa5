//! `livechat/agent.info/:rid/:token` and `livechat/agent.next/:token` (visitors) and
//! `livechat/agent.status` (agents).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::agent::{AgentInfoResponse, AgentNextQuery, AgentNextResponse};
use livechat_wire::ddp::LivechatRoomEvent;
use livechat_wire::error::code;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Body, Params, Path, Query, ok};
use crate::guest;
use crate::hub::Event;
use crate::store;
use crate::validate::{Kind, Schema, Style, opt};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/agent.info/{rid}/{token}", get(agent_info))
        .route("/livechat/agent.next/{token}", get(agent_next))
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

impl Params for AgentNextQuery {
    const SCHEMA: &'static Schema = &Schema { fields: &[opt("department", Kind::Str)], additional: false };
    const STYLE: Style = Style::Legacy;
}

/// Who would serve the visitor if it started a chat now (the widget's trigger messages from
/// the `queue` sender). Rocket.Chat's order: a token with an open room answers no agent; else
/// the department asked for (an id), or without one the first department shown on
/// registration with an agent online; routing's next agent there (`agent-not-found` when
/// there is none, and always with manual routing), shown as `agent.info` shows agents. The token
/// need not be a registered visitor's.
async fn agent_next(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<AgentNextQuery>,
) -> ApiResult<Json<Success<AgentNextResponse>>> {
    let conn = state.db.conn();
    if store::open_room_for_token(&conn, &token)?.is_some() {
        return Ok(ok(AgentNextResponse { agent: None }));
    }
    let routing = state.routing();
    let department = match q.department.filter(|d| !d.is_empty()) {
        Some(d) => Some(d),
        None => routing.required_department(&conn)?,
    };
    let agent =
        routing.next_agent(&conn, department.as_deref())?.ok_or_else(|| ApiError::plain(code::AGENT_NOT_FOUND))?;
    Ok(ok(AgentNextResponse { agent: Some(store::agent_public(&state.config, &agent)) }))
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
