//! `livechat/room` and its actions: get or create, close, survey, transfer (7.x and 8.x paths),
//! and the agent's `room.forward` and `room.closeByUser`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::error::code;
use livechat_wire::message::DepartmentName;
use livechat_wire::room::{
    CloseRoom, CloseRoomByUser, CloseRoomResponse, ForwardRoom, Room, RoomQuery, RoomResponse, Survey, SurveyResponse,
    TransferResponse, TransferRoom, survey,
};
use livechat_wire::{Empty, Success};
use serde_json::Value;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Body, ClientIp, Params, Query, ok};
use crate::guest;
use crate::store;
use crate::validate::{Kind, Schema, Style, opt, req};

pub fn router(api_version: u8) -> Router<AppState> {
    let router = Router::new()
        .route("/livechat/room", get(get_room))
        .route("/livechat/room.close", post(close))
        .route("/livechat/room.survey", post(survey))
        .route("/livechat/room.transfer", post(transfer_7x))
        .route("/livechat/room.forward", post(forward))
        .route("/livechat/room.closeByUser", post(close_by_user));
    if api_version >= 8 { router.route("/livechat/visitor/department.transfer", post(transfer)) } else { router }
}

impl Params for RoomQuery {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[req("token", Kind::Str), opt("rid", Kind::Str), opt("agentId", Kind::Str)],
        additional: false,
    };
    const STYLE: Style = Style::Check;
}

impl Params for CloseRoom {
    const SCHEMA: &'static Schema =
        &Schema { fields: &[req("token", Kind::Str), req("rid", Kind::Str)], additional: false };
    const STYLE: Style = Style::Legacy;
}

static SURVEY_ITEM: Schema = Schema { fields: &[req("name", Kind::Str), req("value", Kind::Str)], additional: false };
static SURVEY_ITEM_KIND: Kind = Kind::Obj(&SURVEY_ITEM);

impl Params for Survey {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[
            req("token", Kind::Str),
            req("rid", Kind::Str),
            req("data", Kind::Arr { of: &SURVEY_ITEM_KIND, min: 1 }),
        ],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

const TRANSFER_FIELDS: &[crate::validate::Field] =
    &[req("token", Kind::Str), req("rid", Kind::Str), req("department", Kind::Str)];

impl Params for TransferRoom {
    const SCHEMA: &'static Schema = &Schema { fields: TRANSFER_FIELDS, additional: false };
    const STYLE: Style = Style::Typed;
}

/// The 7.x path validates the same body with Ajv in a legacy route (`validateParams`), so its
/// failures are `invalid-params`, not the typed route's `error-invalid-params`.
struct TransferRoom7(TransferRoom);

impl<'de> serde::Deserialize<'de> for TransferRoom7 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        TransferRoom::deserialize(d).map(TransferRoom7)
    }
}

impl Params for TransferRoom7 {
    const SCHEMA: &'static Schema = &Schema { fields: TRANSFER_FIELDS, additional: false };
    const STYLE: Style = Style::Legacy;
}

impl Params for ForwardRoom {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[
            req("roomId", Kind::Str),
            opt("userId", Kind::Str),
            opt("departmentId", Kind::Str),
            opt("comment", Kind::Str),
            opt("clientAction", Kind::Bool),
        ],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

impl Params for CloseRoomByUser {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[
            req("rid", Kind::Str),
            opt("comment", Kind::Str),
            opt("tags", Kind::Arr { of: &Kind::Str, min: 0 }),
            opt("generateTranscriptPdf", Kind::Bool),
            opt("transcriptEmail", Kind::Any),
            opt("forceClose", Kind::Bool),
        ],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

/// Get the visitor's open room, or create one (`newRoom: true`).
async fn get_room(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Query(q): Query<RoomQuery>,
) -> ApiResult<Json<Success<RoomResponse>>> {
    state.rate_limit("GET livechat/room", ip, 5, 60_000)?;
    let room = {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        let visitor = guest::find(&tx, &q.token)?;
        if let Some(rid) = q.rid.as_deref() {
            let room = guest::room(&tx, rid, &q.token)?;
            if !room.is_open() {
                return Err(ApiError::plain(code::INVALID_ROOM));
            }
            return Ok(ok(RoomResponse { room, new_room: false }));
        }
        if let Some(room) = store::open_room_for_token(&tx, &q.token)? {
            return Ok(ok(RoomResponse { room, new_room: false }));
        }
        let preferred = match q.agent_id.as_deref() {
            Some(id) => store::user_by_id(&tx, id)?,
            None => None,
        };
        let (room, events) = state.routing().create_room(&tx, &visitor, preferred)?;
        tx.commit()?;
        state.hub.emit(events);
        room
    };
    Ok(ok(RoomResponse { room, new_room: true }))
}

async fn close(State(state): State<AppState>, Body(q): Body<CloseRoom>) -> ApiResult<Json<Success<CloseRoomResponse>>> {
    if !state.config.visitors_can_close {
        return Err(ApiError::plain(code::ERROR_NOT_ALLOWED_TO_CLOSE_CONVERSATION));
    }
    let comment = "Closed by visitor";
    {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        let visitor = guest::find(&tx, &q.token)?;
        let room = guest::room(&tx, &q.rid, &q.token)?;
        if !room.is_open() {
            return Err(ApiError::plain(code::ROOM_CLOSED));
        }
        let events = state.routing().close(&tx, &room, &store::visitor_ref(&visitor), true, comment)?;
        tx.commit()?;
        state.hub.emit(events);
    }
    Ok(ok(CloseRoomResponse { rid: q.rid, comment: comment.into() }))
}

/// Keeps the rated items with values 1–5 and any `additionalFeedback`; stores them on the room.
async fn survey(State(state): State<AppState>, Body(q): Body<Survey>) -> ApiResult<Json<Success<SurveyResponse>>> {
    let conn = state.db.conn();
    let tx = conn.unchecked_transaction()?;
    guest::find(&tx, &q.token)?;
    guest::room(&tx, &q.rid, &q.token)?;
    let data: livechat_wire::StrMap = q
        .data
        .into_iter()
        .filter(|item| {
            (survey::RATED.contains(&item.name.as_str()) && survey::VALUES.contains(&item.value.as_str()))
                || item.name == survey::ADDITIONAL_FEEDBACK
        })
        .map(|item| (item.name, item.value))
        .collect();
    if data.is_empty() {
        return Err(ApiError::plain(code::INVALID_DATA));
    }
    store::set_survey_feedback(&tx, &q.rid, &data, state.clock.now())?;
    tx.commit()?;
    Ok(ok(SurveyResponse { rid: q.rid, data }))
}

/// Shared by both transfer paths; errors are the 8.x ones.
fn transfer_room(state: &AppState, q: &TransferRoom) -> ApiResult<Room> {
    let conn = state.db.conn();
    let tx = conn.unchecked_transaction()?;
    let visitor = guest::find(&tx, &q.token)?;
    let room = guest::own_room(&tx, &q.rid, &q.token)?.ok_or_else(|| ApiError::plain(code::ERROR_INVALID_ROOM))?;
    if !room.is_open() {
        return Err(ApiError::plain(code::THIS_CONVERSATION_IS_ALREADY_CLOSED));
    }
    let dept = store::department(&tx, &q.department)?.ok_or_else(|| ApiError::plain(code::ERROR_INVALID_DEPARTMENT))?;
    let dept = DepartmentName { id: dept.id, name: dept.name };
    let events = state.routing().transfer_to_department(&tx, &room, &dept, store::visitor_ref(&visitor), None)?;
    tx.commit()?;
    state.hub.emit(events);
    store::room_by_id(&conn, &q.rid)?.ok_or_else(|| ApiError::plain(code::ERROR_INVALID_ROOM))
}

/// 8.x: `POST livechat/visitor/department.transfer` → `{success: true}`.
async fn transfer(State(state): State<AppState>, Body(q): Body<TransferRoom>) -> ApiResult<Json<Success<Empty>>> {
    transfer_room(&state, &q)?;
    Ok(ok(Empty {}))
}

/// 7.x: `POST livechat/room.transfer` → `{room: {...}}`, or a bare `{success: false}`. The room
/// is read back as `findRoom(token, rid)` reads it (apps/meteor/app/livechat/server/api/lib/
/// livechat.ts): `_id`, `t`, `departmentId`, `servedBy`, `open`, `v` and `ts` only.
async fn transfer_7x(State(state): State<AppState>, Body(TransferRoom7(q)): Body<TransferRoom7>) -> Response {
    match transfer_room(&state, &q) {
        Ok(room) => {
            let room = Room {
                id: room.id,
                t: room.t,
                department_id: room.department_id,
                served_by: room.served_by,
                open: room.open,
                v: room.v,
                ts: room.ts,
                ..Room::default()
            };
            // `msgs` is not among the projected fields; the wire type always writes it.
            let mut answer = serde_json::to_value(Success::new(TransferResponse { room: Some(room) }))
                .unwrap_or_else(|_| serde_json::json!({"success": true}));
            if let Some(room) = answer.get_mut("room").and_then(Value::as_object_mut) {
                room.remove("msgs");
            }
            Json(answer).into_response()
        }
        Err(ApiError::Plain(text)) if text == code::INVALID_TOKEN => ApiError::Plain(text).into_response(),
        Err(ApiError::Plain(text))
            if text == code::ERROR_INVALID_ROOM || text == code::THIS_CONVERSATION_IS_ALREADY_CLOSED =>
        {
            ApiError::plain(code::INVALID_ROOM).into_response()
        }
        Err(e @ ApiError::Internal(_)) => e.into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, Json(serde_json::json!({"success": false}))).into_response(),
    }
}

/// An agent hands the room to another agent or department.
async fn forward(
    State(state): State<AppState>,
    user: AuthUser,
    Body(q): Body<ForwardRoom>,
) -> ApiResult<Json<Success<Empty>>> {
    user.require("view-l-room")?;
    user.require("transfer-livechat-guest")?;
    {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        let room = store::room_by_id(&tx, &q.room_id)?.ok_or_else(|| ApiError::plain(code::ERROR_INVALID_ROOM))?;
        if !room.is_open() {
            return Err(ApiError::plain(code::THIS_CONVERSATION_IS_ALREADY_CLOSED));
        }
        let by = user.0.user_ref();
        let events = match (q.user_id.as_deref(), q.department_id.as_deref()) {
            (Some(agent_id), _) => {
                let agent = store::user_by_id(&tx, agent_id)?
                    .filter(store::User::is_agent)
                    .ok_or_else(|| ApiError::meteor(code::ERROR_INVALID_AGENT, "Invalid agent"))?;
                state.routing().forward_to_agent(&tx, &room, &agent, by, q.comment)?
            }
            (None, Some(dept)) => {
                let dept = store::department(&tx, dept)?.ok_or_else(|| {
                    ApiError::meteor(code::ERROR_INVALID_DEPARTMENT, "The provided department is invalid")
                })?;
                let dept = DepartmentName { id: dept.id, name: dept.name };
                state.routing().transfer_to_department(&tx, &room, &dept, by, q.comment)?
            }
            (None, None) => {
                return Err(ApiError::invalid_params("must have required property 'userId' or 'departmentId'"));
            }
        };
        tx.commit()?;
        state.hub.emit(events);
    }
    Ok(ok(Empty {}))
}

/// An agent closes a room it serves (or any room, with `close-others-livechat-room`).
async fn close_by_user(
    State(state): State<AppState>,
    user: AuthUser,
    Body(q): Body<CloseRoomByUser>,
) -> ApiResult<Json<Success<Empty>>> {
    user.require("close-livechat-room")?;
    let comment = q.comment.as_deref().map(str::trim).unwrap_or("");
    {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        let room = store::room_by_id(&tx, &q.rid)?.ok_or_else(|| ApiError::plain(code::ERROR_INVALID_ROOM))?;
        if !room.is_open() {
            return Err(ApiError::plain(code::ERROR_ROOM_ALREADY_CLOSED));
        }
        if !room.is_served_by(&user.0.id) && !user.0.can("close-others-livechat-room") {
            return Err(ApiError::plain(code::ERROR_NOT_AUTHORIZED));
        }
        if comment.is_empty() && state.config.request_comment_when_closing {
            return Err(ApiError::plain(code::ERROR_COMMENT_IS_REQUIRED));
        }
        if !q.tags.is_empty() {
            store::set_tags(&tx, &q.rid, &q.tags)?;
        }
        let events = state.routing().close(&tx, &room, &user.0.user_ref(), false, comment)?;
        tx.commit()?;
        state.hub.emit(events);
    }
    Ok(ok(Empty {}))
}
