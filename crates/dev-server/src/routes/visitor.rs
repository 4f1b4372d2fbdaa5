//! `livechat/visitor`: register or update the visitor, read it back.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::error::code;
use livechat_wire::visitor::{RegisterVisitor, VisitorResponse};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, ClientIp, Params, Path, ok};
use crate::guest;
use crate::routes::is_email;
use crate::store;
use crate::validate::{Kind, Schema, Style, opt, req};

pub fn router() -> Router<AppState> {
    Router::new().route("/livechat/visitor", post(register)).route("/livechat/visitor/{token}", get(get_visitor))
}

// Rocket.Chat 7.x and 8.x check this body with Meteor's `check` (`token: String`, the rest
// `Match.Maybe(String)`, inside `Match.ObjectIncluding`), not Ajv: nothing is coerced, so a
// numeric token is `Match error: Expected string, got number in field visitor.token`.
// (apps/meteor/app/livechat/server/api/v1/visitor.ts; rest-typings 7.13 and 8.8 define no
// validator for this route.)
static STR_OR_NULL: Kind = Kind::Maybe(&Kind::Str);
static CUSTOM_FIELD: Schema = Schema {
    fields: &[req("key", Kind::Str), req("value", Kind::Str), req("overwrite", Kind::Bool)],
    additional: true,
};
static CUSTOM_FIELD_KIND: Kind = Kind::Obj(&CUSTOM_FIELD);
static CUSTOM_FIELDS: Kind = Kind::Arr { of: &CUSTOM_FIELD_KIND, min: 0 };
static NEW_VISITOR: Schema = Schema {
    fields: &[
        req("token", Kind::Str),
        opt("name", STR_OR_NULL),
        opt("email", STR_OR_NULL),
        opt("department", STR_OR_NULL),
        opt("phone", STR_OR_NULL),
        opt("username", STR_OR_NULL),
        opt("customFields", Kind::Maybe(&CUSTOM_FIELDS)),
    ],
    additional: true,
};

impl Params for RegisterVisitor {
    const SCHEMA: &'static Schema = &Schema { fields: &[req("visitor", Kind::Obj(&NEW_VISITOR))], additional: false };
    const STYLE: Style = Style::Check;
}

/// `registerGuest`: the body checked and trimmed as Rocket.Chat does, then [`guest::register`]
/// (the visitor holding the token, or a new one).
async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(RegisterVisitor { visitor: new }): Body<RegisterVisitor>,
) -> ApiResult<Json<Success<VisitorResponse>>> {
    state.rate_limit("POST livechat/visitor", ip, 5, 60_000)?;
    // Blank tokens are refused, but a token is stored and matched exactly as sent: the client
    // keeps what it sent and authenticates with it later.
    let token = new.token.as_str();
    if token.trim().is_empty() {
        return Err(ApiError::meteor(code::ERROR_INVALID_TOKEN, "Token cannot be empty"));
    }
    let email = new.email.as_deref().map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty());
    if let Some(email) = &email
        && !is_email(email)
    {
        return Err(ApiError::meteor(code::ERROR_INVALID_EMAIL, format!("Invalid email {email}")));
    }
    let phone = new.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let name = new.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let now = state.clock.now();
    let conn = state.db.conn();
    let tx = conn.unchecked_transaction()?;
    let department = match new.department.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => Some(
            store::department(&tx, d)?
                .ok_or_else(|| ApiError::meteor(code::ERROR_INVALID_DEPARTMENT, "The provided department is invalid"))?
                .id,
        ),
        None => None,
    };

    let registration = guest::Registration {
        token,
        profile: store::Profile { name, email: email.as_deref(), phone, department: department.as_deref() },
        username: new.username.as_deref().map(str::trim).filter(|u| !u.is_empty()),
        custom_fields: &new.custom_fields,
    };
    let visitor = guest::register(&tx, now, &registration)?;
    tx.commit()?;
    Ok(ok(VisitorResponse { visitor }))
}

async fn get_visitor(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> ApiResult<Json<Success<VisitorResponse>>> {
    state.rate_limit("GET livechat/visitor/:token", ip, 10, 60_000)?;
    let visitor = store::visitor_by_token(&state.db.conn(), &token)?
        .ok_or_else(|| ApiError::meteor(code::INVALID_TOKEN, "Invalid token"))?;
    Ok(ok(VisitorResponse { visitor }))
}
