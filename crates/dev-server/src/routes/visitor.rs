//! `livechat/visitor`: register or update the visitor, read it back, forget it.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::error::code;
use livechat_wire::visitor::{CustomField, DeleteVisitorResponse, DeletedVisitor, RegisterVisitor, VisitorResponse};

use crate::AppState;
use crate::config::ServerConfig;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, ClientIp, Params, Path, ok};
use crate::guest;
use crate::routes::is_email;
use crate::store;
use crate::validate::{Kind, Schema, Style, opt, req};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/visitor", post(register))
        .route("/livechat/visitor/{token}", get(get_visitor).delete(forget))
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

    // Rocket.Chat registers the visitor, then (`setMultipleVisitorCustomFields`) refuses the
    // custom fields when one defined as required (and not hidden) is not among the keys sent:
    // the visitor stays registered, without them. Nothing is checked when none are sent.
    let missing = missing_required(&state.config, &new.custom_fields);
    let custom_fields = if missing.is_empty() { kept_fields(&state.config, &new.custom_fields) } else { Vec::new() };
    let registration = guest::Registration {
        token,
        profile: store::Profile { name, email: email.as_deref(), phone, department: department.as_deref() },
        username: new.username.as_deref().map(str::trim).filter(|u| !u.is_empty()),
        custom_fields: &custom_fields,
    };
    let visitor = guest::register(&tx, now, &registration)?;
    tx.commit()?;
    if !missing.is_empty() {
        return Err(ApiError::plain(format!("Missing required custom fields: {}", missing.join(", "))));
    }
    Ok(ok(VisitorResponse { visitor }))
}

/// The required, not hidden, custom fields whose keys `sent` lacks (none when nothing is sent).
fn missing_required(config: &ServerConfig, sent: &[CustomField]) -> Vec<String> {
    if sent.is_empty() {
        return Vec::new();
    }
    config
        .custom_fields
        .iter()
        .filter(|d| d.required && d.not_hidden() && !sent.iter().any(|f| f.key == d.id))
        .map(|d| d.id.clone())
        .collect()
}

/// The fields registration keeps: with definitions, only keys of fields not hidden (others
/// are ignored, as Rocket.Chat ignores keys it has no visitor field for); with none, all.
fn kept_fields(config: &ServerConfig, sent: &[CustomField]) -> Vec<CustomField> {
    if config.custom_fields.is_empty() {
        return sent.to_vec();
    }
    sent.iter().filter(|f| config.custom_fields.iter().any(|d| d.id == f.key && d.not_hidden())).cloned().collect()
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

/// `DELETE livechat/visitor/:token`: forgets the visitor and everything it left (rooms,
/// messages, inquiries, files, page visits, custom field values, transcript requests).
/// Rocket.Chat refuses while the visitor has an open room (`visitor-has-open-rooms`), unless
/// it collects HTTP headers, which this server never does.
async fn forget(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> ApiResult<Json<Success<DeleteVisitorResponse>>> {
    state.rate_limit("DELETE livechat/visitor/:token", ip, 5, 60_000)?;
    let (id, uploads) = {
        let conn = state.db.conn();
        let visitor = store::visitor_by_token(&conn, &token)?
            .ok_or_else(|| ApiError::meteor(code::INVALID_TOKEN, "Invalid token"))?;
        if store::open_room_for_token(&conn, &token)?.is_some() {
            return Err(ApiError::meteor(code::VISITOR_HAS_OPEN_ROOMS, "Cannot remove visitors with opened rooms"));
        }
        let removed = (|| {
            let tx = conn.unchecked_transaction()?;
            let uploads = store::forget_visitor(&tx, &visitor)?;
            tx.commit()?;
            Ok::<_, ApiError>(uploads)
        })();
        let uploads = removed.map_err(|e| {
            eprintln!("removing visitor {}: {e:?}", visitor.id);
            ApiError::meteor(code::ERROR_REMOVING_VISITOR, "An error occurred while deleting visitor")
        })?;
        (visitor.id, uploads)
    };
    for upload in uploads {
        if let Err(e) = state.files.remove(&upload) {
            eprintln!("removing file {upload}: {e}");
        }
    }
    Ok(ok(DeleteVisitorResponse { visitor: DeletedVisitor { id, ts: state.clock.now() } }))
}
