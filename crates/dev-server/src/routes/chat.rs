//! `chat.sendMessage`: an agent's reply in a room it serves.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::error::code;
use livechat_wire::message::{ChatSendMessage, MessageResponse};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Body, Params, ok};
use crate::hub::Event;
use crate::routes::message::check_length;
use crate::store::{self, NewMessage};
use crate::validate::{Kind, Schema, Style, opt, req};

pub fn router() -> Router<AppState> {
    Router::new().route("/chat.sendMessage", post(send))
}

static OUTGOING: Schema = Schema {
    fields: &[
        opt("_id", Kind::NonEmptyStr),
        opt("rid", Kind::Str),
        opt("msg", Kind::Str),
        opt("attachments", Kind::Any),
    ],
    additional: true,
};

impl Params for ChatSendMessage {
    const SCHEMA: &'static Schema =
        &Schema { fields: &[req("message", Kind::Obj(&OUTGOING)), opt("previewUrls", Kind::Any)], additional: false };
    const STYLE: Style = Style::Legacy;
}

async fn send(
    State(state): State<AppState>,
    user: AuthUser,
    Body(ChatSendMessage { message: out }): Body<ChatSendMessage>,
) -> ApiResult<Json<Success<MessageResponse>>> {
    if out.rid.is_empty() {
        return Err(ApiError::plain("The 'rid' property on the message object is missing."));
    }
    if out.msg.trim().is_empty() && out.attachments.is_empty() {
        return Err(ApiError::invalid_params("must NOT have fewer than 1 characters"));
    }
    let message = {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        let room = store::room_by_id(&tx, &out.rid)?.ok_or_else(|| ApiError::plain(code::ERROR_INVALID_ROOM))?;
        // Only the serving agent is subscribed to an open room; closing removes subscriptions.
        if !(room.is_open() && room.is_served_by(&user.0.id)) {
            return Err(ApiError::plain(code::ERROR_NOT_ALLOWED));
        }
        check_length(&state.config, &out.msg)?;
        let now = state.clock.now();
        let new = NewMessage {
            id: out.id,
            rid: room.id.clone(),
            msg: out.msg,
            u: user.0.user_ref(),
            attachments: out.attachments,
            ..NewMessage::default()
        };
        // Rocket.Chat's sendMessage returns nothing for a known `_id`; chat.sendMessage then
        // fails reading a property of `undefined`.
        let message = store::insert_message(&tx, now, new)?
            .ok_or_else(|| ApiError::plain("Cannot read properties of undefined (reading 'starred')"))?;
        store::set_waiting_response(&tx, &room.id, false)?;
        tx.commit()?;
        state.hub.emit([Event::Message(Box::new(message.clone()))]);
        message
    };
    Ok(ok(MessageResponse { message }))
}
