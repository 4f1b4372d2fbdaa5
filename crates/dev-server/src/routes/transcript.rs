//! `livechat/transcript`: a visitor asks for the conversation by e-mail. Nothing is e-mailed:
//! the request is stored, and managers list them at `livechat/transcripts` (the dev server's
//! own listing, as `livechat/offline.messages` for the offline form).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::error::code;
use livechat_wire::transcript::{SendTranscript, TRANSCRIPT_HISTORY, TranscriptResponse};
use livechat_wire::{Success, UserRef};
use serde::Serialize;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Body, ClientIp, Params, ok};
use crate::hub::Event;
use crate::store::{self, NewMessage, StoredTranscript};
use crate::validate::{Kind, Schema, Style, req};

pub fn router() -> Router<AppState> {
    Router::new().route("/livechat/transcript", post(send)).route("/livechat/transcripts", get(list))
}

impl Params for SendTranscript {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[req("rid", Kind::Str), req("token", Kind::Str), req("email", Kind::Str)],
        additional: false,
    };
    const STYLE: Style = Style::Typed;
}

/// `Livechat_transcript_sent`, in English.
pub const SENT: &str = "Omnichannel transcript sent";

/// Rocket.Chat's mailer's check (`validateEmail`, its basic style): one `@`, text either side.
pub fn mailer_accepts(address: &str) -> bool {
    matches!(address.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'))
}

/// The user Rocket.Chat's system messages about visitors' requests come from.
fn rocket_cat() -> UserRef {
    UserRef { id: "rocket.cat".into(), username: "rocket.cat".into(), name: Some("Rocket.Cat".into()) }
}

/// Rocket.Chat's `sendTranscript`, in its order: the room (any of the visitor's, open or closed:
/// `error-invalid-room`), the token is the room's visitor's (`error-invalid-visitor`), then the
/// mailer's address check (`[invalid email]`). It does not look at `Livechat_enable_transcript`
/// (that setting only decides whether the widget offers it), and neither does this. Then the
/// `livechat_transcript_history` message from rocket.cat in the room.
async fn send(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(q): Body<SendTranscript>,
) -> ApiResult<Json<Success<TranscriptResponse>>> {
    state.rate_limit("POST livechat/transcript", ip, 5, 60_000)?;
    {
        let conn = state.db.conn();
        let room = store::room_by_id(&conn, &q.rid)?.ok_or_else(|| ApiError::plain(code::ERROR_INVALID_ROOM))?;
        let visitor = room
            .v
            .as_ref()
            .filter(|v| v.token == q.token)
            .ok_or_else(|| ApiError::plain(code::ERROR_INVALID_VISITOR))?;
        if !mailer_accepts(&q.email) {
            return Err(ApiError::bare(code::INVALID_EMAIL));
        }
        let now = state.clock.now();
        let tx = conn.unchecked_transaction()?;
        store::insert_transcript_request(
            &tx,
            &StoredTranscript {
                id: crate::ids::random_id(),
                rid: room.id.clone(),
                token: q.token.clone(),
                visitor_id: Some(visitor.id.clone()),
                email: q.email.clone(),
                ts: now,
            },
        )?;
        let message = store::insert_message(
            &tx,
            now,
            NewMessage {
                rid: room.id.clone(),
                t: Some(TRANSCRIPT_HISTORY),
                u: rocket_cat(),
                groupable: Some(false),
                ..NewMessage::default()
            },
        )?
        .ok_or_else(|| ApiError::Internal("a fresh message id was taken".into()))?;
        tx.commit()?;
        state.hub.emit([Event::Message(Box::new(message))]);
    }
    Ok(ok(TranscriptResponse { message: SENT.into() }))
}

#[derive(Serialize)]
struct Transcripts {
    transcripts: Vec<StoredTranscript>,
}

/// Newest first; managers only.
async fn list(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Success<Transcripts>>> {
    user.require("view-livechat-manager")?;
    let transcripts = store::transcript_requests(&state.db.conn())?;
    Ok(ok(Transcripts { transcripts }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_mailers_address_check() {
        for good in ["a@b", "a@b.co", "first last@x", "\"q\"@[1.2.3.4]"] {
            assert!(super::mailer_accepts(good), "{good}");
        }
        for bad in ["", "a", "@b", "a@", "a@b@c", "@"] {
            assert!(!super::mailer_accepts(bad), "{bad}");
        }
    }
}
