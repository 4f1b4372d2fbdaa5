//! `livechat/message`, `livechat/message/:_id` and `livechat/messages.history/:rid`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::error::code;
use livechat_wire::message::{DeleteMessage, EditMessage, HistoryQuery, HistoryResponse, MessageResponse, SendMessage};
use livechat_wire::{Success, Timestamp};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::config::ServerConfig;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Params, Path, Query, ok};
use crate::guest::{self, own_message};
use crate::hub::Event;
use crate::store::{self, NewMessage};
use crate::validate::{Kind, Schema, Style, opt, req};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/message", post(send))
        .route("/livechat/message/{id}", get(get_message).put(edit).delete(delete))
        .route("/livechat/messages.history/{rid}", get(history))
}

static AGENT_REF: Schema =
    Schema { fields: &[req("agentId", Kind::Str), req("username", Kind::Str)], additional: false };

impl Params for SendMessage {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[
            req("token", Kind::Str),
            req("rid", Kind::Str),
            req("msg", Kind::NonEmptyStr),
            opt("_id", Kind::NonEmptyStr),
            opt("agent", Kind::Obj(&AGENT_REF)),
        ],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

impl Params for EditMessage {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[req("token", Kind::Str), req("rid", Kind::Str), req("msg", Kind::NonEmptyStr)],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

impl Params for DeleteMessage {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[
            req("token", Kind::Str),
            req("rid", Kind::Str),
            opt("count", Kind::Any),
            opt("offset", Kind::Any),
            opt("sort", Kind::Any),
        ],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

/// `GET livechat/message/:_id` query.
#[derive(Deserialize)]
struct GetMessageQuery {
    token: String,
    rid: String,
}

impl Params for GetMessageQuery {
    const SCHEMA: &'static Schema =
        &Schema { fields: &[req("token", Kind::Str), req("rid", Kind::Str)], additional: false };
    const STYLE: Style = Style::Legacy;
}

impl Params for HistoryQuery {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[
            req("token", Kind::Str),
            opt("ls", Kind::Str),
            opt("end", Kind::Str),
            opt("limit", Kind::Int),
            opt("offset", Kind::Int),
            opt("count", Kind::Int),
            opt("sort", Kind::Str),
            opt("searchText", Kind::Str),
        ],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

/// Length checks every sent message passes: the Livechat limit when enabled, then
/// `Message_MaxAllowedSize`.
pub fn check_length(config: &ServerConfig, msg: &str) -> ApiResult<()> {
    let chars = msg.chars().count();
    if config.message_character_limit.is_some_and(|limit| limit > 0 && chars > limit as usize) {
        return Err(ApiError::plain(code::MESSAGE_LENGTH_EXCEEDS_CHARACTER_LIMIT));
    }
    if chars > config.message_max_allowed_size as usize {
        return Err(ApiError::meteor(code::ERROR_MESSAGE_SIZE_EXCEEDED, "Message size exceeds Message_MaxAllowedSize"));
    }
    Ok(())
}

/// Checks in Rocket.Chat's order: token, room, open, length; then stores and publishes.
async fn send(State(state): State<AppState>, Body(q): Body<SendMessage>) -> ApiResult<Json<Success<MessageResponse>>> {
    let message = {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        let visitor = guest::find(&tx, &q.token)?;
        let room = guest::room(&tx, &q.rid, &q.token)?;
        if !room.is_open() {
            return Err(ApiError::plain(code::ROOM_CLOSED));
        }
        check_length(&state.config, &q.msg)?;
        let now = state.clock.now();
        let new = NewMessage {
            id: q.id,
            rid: room.id.clone(),
            msg: q.msg,
            u: store::visitor_ref(&visitor),
            token: Some(visitor.token.clone()),
            alias: visitor.name.clone(),
            ..NewMessage::default()
        };
        let text = new.msg.clone();
        // Rocket.Chat's sendMessage returns nothing for an `_id` it already has, and the
        // livechat handler then fails on `Object.assign(undefined, …)`.
        let message = store::insert_message(&tx, now, new)?
            .ok_or_else(|| ApiError::plain("Cannot convert undefined or null to object"))?;
        // The room waits for an agent's answer; a queued inquiry shows the first message.
        store::set_waiting_response(&tx, &room.id, true)?;
        store::set_inquiry_message(&tx, &room.id, &text, now)?;
        tx.commit()?;
        state.hub.emit([Event::Message(Box::new(message.clone()))]);
        message
    };
    Ok(ok(MessageResponse { message }))
}

async fn get_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<GetMessageQuery>,
) -> ApiResult<Json<Success<MessageResponse>>> {
    let conn = state.db.conn();
    guest::find(&conn, &q.token)?;
    guest::room(&conn, &q.rid, &q.token)?;
    let message = store::message_by_id(&conn, &id)?
        .filter(|m| m.rid == q.rid)
        .ok_or_else(|| ApiError::plain(code::INVALID_MESSAGE))?;
    Ok(ok(MessageResponse { message }))
}

async fn edit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(q): Body<EditMessage>,
) -> ApiResult<Json<Success<MessageResponse>>> {
    let message = {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        let (_, by) = own_message(&tx, &id, &q.token, &q.rid)?;
        check_length(&state.config, &q.msg)?;
        let now = state.clock.now();
        store::edit_message(&tx, &id, &q.msg, &by, now)?;
        let message = store::message_by_id(&tx, &id)?.ok_or_else(|| ApiError::plain(code::INVALID_MESSAGE))?;
        tx.commit()?;
        state.hub.emit([Event::Message(Box::new(message.clone()))]);
        message
    };
    Ok(ok(MessageResponse { message }))
}

/// The deleted message as Rocket.Chat answers it: `{_id, ts}` and nothing else.
#[derive(Serialize)]
struct DeletedMessage {
    #[serde(rename = "_id")]
    id: String,
    ts: Timestamp,
}

#[derive(Serialize)]
struct DeleteResponse {
    message: DeletedMessage,
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(q): Body<DeleteMessage>,
) -> ApiResult<Json<Success<DeleteResponse>>> {
    let now = {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        own_message(&tx, &id, &q.token, &q.rid)?;
        let now = state.clock.now();
        store::delete_message(&tx, &q.rid, &id, now)?;
        tx.commit()?;
        state.hub.emit([Event::Deleted { rid: q.rid, id: id.clone() }]);
        now
    };
    Ok(ok(DeleteResponse { message: DeletedMessage { id, ts: now } }))
}

/// Newest first; `end` is exclusive; `limit` defaults to 20 (also when 0).
async fn history(
    State(state): State<AppState>,
    Path(rid): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<Json<Success<HistoryResponse>>> {
    let conn = state.db.conn();
    guest::find(&conn, &q.token)?;
    guest::room(&conn, &rid, &q.token)?;
    let messages = store::history(
        &conn,
        &rid,
        q.end.map(|t| t.0),
        // `if (limit) limit = parseInt(limit)`: a falsy 0 keeps the default.
        u64::from(q.limit.filter(|&l| l > 0).unwrap_or(20)),
        u64::from(q.offset.unwrap_or(0)),
    )?;
    Ok(ok(HistoryResponse { messages }))
}
