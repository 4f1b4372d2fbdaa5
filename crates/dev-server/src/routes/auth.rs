//! `login`, `logout`, `me` and `users.setStatus`: what an agent console needs to sign in and be
//! online.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::auth::{LoginData, LoginResponse, LogoutData, LogoutResponse, Me};
use livechat_wire::error::code;
use livechat_wire::{Empty, Success};
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Body, Params, RawBody, ok};
use crate::ids;
use crate::routes::agent::status_events;
use crate::store::{self, User};
use crate::validate::{Kind, Schema, Style, opt, req};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout).get(logout))
        .route("/me", get(me))
        .route("/users.setStatus", post(set_status))
}

fn me_of(user: &User) -> Me {
    Me {
        id: user.id.clone(),
        username: user.username.clone(),
        name: user.name.clone(),
        status: Some(user.status.clone()),
        status_livechat: Some(user.status_livechat.clone()),
        roles: user.roles.clone(),
    }
}

/// Rocket.Chat answers every failed login alike, so nobody learns which usernames exist.
fn unauthorized() -> Response {
    let body =
        serde_json::json!({"success": false, "error": "Unauthorized", "status": "error", "message": "Unauthorized"});
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// Body `{user | username | email, password}` → `{status: "success", data: {userId, authToken, me}}`.
async fn login(State(state): State<AppState>, RawBody(body): RawBody) -> Response {
    let field = |k: &str| body.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let (Some(login), Some(password)) = (field("user").or(field("username")).or(field("email")), field("password"))
    else {
        return unauthorized();
    };
    // The user is read under the lock; the password (10,000 SHA-256 rounds) is checked on the
    // blocking pool without it, so a login never holds up other requests.
    let found = store::user_for_login(&state.db.conn(), login);
    let (user, hash) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return unauthorized(),
        Err(e) => return e.into_response(),
    };
    let password = password.to_owned();
    match tokio::task::spawn_blocking(move || ids::verify_password(&hash, &password)).await {
        Ok(true) => {}
        Ok(false) => return unauthorized(),
        Err(e) => return ApiError::Internal(format!("password check: {e}")).into_response(),
    }
    let token = ids::login_token();
    let hashed = ids::sha256_hex(&[token.as_bytes()]);
    if let Err(e) = store::insert_login_token(&state.db.conn(), &hashed, &user.id, state.clock.now()) {
        return e.into_response();
    }
    let data = LoginData { user_id: user.id.clone(), auth_token: token, me: me_of(&user) };
    ok(LoginResponse { status: "success".into(), data }).into_response()
}

async fn logout(
    State(state): State<AppState>,
    user: AuthUser,
    headers: axum::http::HeaderMap,
) -> ApiResult<Json<LogoutResponse>> {
    if let Some(token) = headers.get(livechat_wire::auth::AUTH_TOKEN_HEADER).and_then(|v| v.to_str().ok()) {
        let hashed = ids::sha256_hex(&[token.as_bytes()]);
        store::delete_login_token(&state.db.conn(), &hashed, &user.0.id)?;
    }
    Ok(Json(LogoutResponse {
        status: "success".into(),
        data: LogoutData { message: "You've been logged out!".into() },
    }))
}

async fn me(user: AuthUser) -> Json<Success<Me>> {
    ok(me_of(&user.0))
}

#[derive(Deserialize)]
struct SetStatus {
    status: String,
}

impl Params for SetStatus {
    const SCHEMA: &'static Schema =
        &Schema { fields: &[req("status", Kind::Str), opt("message", Kind::Str)], additional: false };
    const STYLE: Style = Style::Legacy;
}

/// Presence: `online`, `away`, `busy` or `offline`. Visitors served by the user hear about it.
async fn set_status(
    State(state): State<AppState>,
    user: AuthUser,
    Body(q): Body<SetStatus>,
) -> ApiResult<Json<Success<Empty>>> {
    if !["online", "away", "busy", "offline"].contains(&q.status.as_str()) {
        return Err(ApiError::meteor(
            code::ERROR_INVALID_STATUS,
            "Valid status types include online, away, offline, and busy.",
        ));
    }
    let conn = state.db.conn();
    store::set_status(&conn, &user.0.id, &q.status)?;
    if state.config.show_agent_info {
        let events = status_events(&conn, &user.0.id, &q.status)?;
        state.hub.emit(events);
    }
    Ok(ok(Empty {}))
}
