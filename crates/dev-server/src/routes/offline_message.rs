//! `livechat/offline.message`: stored for agents to read (nothing is e-mailed), and
//! `livechat/offline.messages`, the dev server's own listing of them for agents.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::offline_message::{OfflineMessage, OfflineMessageResponse};
use serde::Serialize;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Body, ClientIp, Params, ok};
use crate::routes::is_email;
use crate::store::{self, StoredOfflineMessage};
use crate::validate::{Kind, Schema, Style, opt, req};

pub fn router() -> Router<AppState> {
    Router::new().route("/livechat/offline.message", post(send)).route("/livechat/offline.messages", get(list))
}

impl Params for OfflineMessage {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[
            req("name", Kind::NonEmptyStr),
            req("email", Kind::NonEmptyStr),
            req("message", Kind::NonEmptyStr),
            opt("department", Kind::Str),
            opt("host", Kind::Str),
        ],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

/// Rocket.Chat turns every failure inside (form disabled, bad e-mail) into one message.
fn failure() -> ApiError {
    ApiError::plain("Error sending livechat offline message")
}

async fn send(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(q): Body<OfflineMessage>,
) -> ApiResult<Json<Success<OfflineMessageResponse>>> {
    state.rate_limit("POST livechat/offline.message", ip, 1, 5_000)?;
    let email = q.email.trim().to_lowercase();
    if !state.config.display_offline_form
        || !is_email(&email)
        || q.message.trim().is_empty()
        || q.name.trim().is_empty()
    {
        return Err(failure());
    }
    let conn = state.db.conn();
    let department = match q.department.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => Some(store::department(&conn, d)?.ok_or_else(failure)?.id),
        None => None,
    };
    let stored = StoredOfflineMessage {
        id: crate::ids::random_id(),
        name: q.name.trim().to_owned(),
        email,
        message: q.message,
        department,
        host: q.host,
        ts: state.clock.now(),
    };
    store::insert_offline_message(&conn, &stored)?;
    Ok(ok(OfflineMessageResponse { message: "Livechat offline message sent".into() }))
}

#[derive(Serialize)]
struct OfflineMessages {
    messages: Vec<StoredOfflineMessage>,
}

/// Newest first; managers only.
async fn list(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Success<OfflineMessages>>> {
    user.require("view-livechat-manager")?;
    let messages = store::offline_messages(&state.db.conn())?;
    Ok(ok(OfflineMessages { messages }))
}
