//! `livechat/rooms`: the agent's list of rooms with Rocket.Chat's filters and paging.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use livechat_wire::error::code;
use livechat_wire::rooms::RoomsResponse;
use livechat_wire::{Page, Success, Timestamp};
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Params, Query, ok};
use crate::store;
use crate::validate::{Kind, Schema, Style, opt};

pub fn router() -> Router<AppState> {
    Router::new().route("/livechat/rooms", get(list))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoomsParams {
    count: Option<i64>,
    offset: Option<i64>,
    sort: Option<String>,
    #[serde(default)]
    agents: Vec<String>,
    room_name: Option<String>,
    department_id: Option<Value>,
    open: Option<Value>,
    onhold: Option<Value>,
    queued: Option<Value>,
    #[serde(default)]
    tags: Vec<String>,
    created_at: Option<String>,
    closed_at: Option<String>,
    custom_fields: Option<String>,
}

impl Params for RoomsParams {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[
            opt("count", Kind::Int),
            opt("offset", Kind::Int),
            opt("sort", Kind::Str),
            opt("fields", Kind::Str),
            opt("query", Kind::Str),
            opt("agents", Kind::Arr { of: &Kind::Str, min: 0 }),
            opt("roomName", Kind::Str),
            opt("departmentId", Kind::Any),
            opt("open", Kind::Any),
            opt("onhold", Kind::Any),
            opt("queued", Kind::Any),
            opt("tags", Kind::Arr { of: &Kind::Str, min: 0 }),
            opt("units", Kind::Arr { of: &Kind::Str, min: 0 }),
            opt("createdAt", Kind::Str),
            opt("closedAt", Kind::Str),
            opt("customFields", Kind::Str),
        ],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

/// `true`, `t` and `1` (string or not) are true.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.as_str(), "true" | "t" | "1"),
        Value::Number(n) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// `getPaginationItems`: count defaults to 50, at most 100; 0 means no limit.
pub fn pagination(count: Option<i64>, offset: Option<i64>) -> (Option<u64>, u64) {
    let offset = offset.unwrap_or(0).max(0) as u64;
    let count = match count {
        Some(0) => None,
        Some(n) if n > 0 => Some(n.min(100) as u64),
        _ => Some(50),
    };
    (count, offset)
}

/// `parseJsonQuery`'s sort: a JSON object of `field: 1 | -1`, mapped to columns.
pub fn sort_clause(raw: Option<&str>, columns: &[(&str, &str)], default: &str) -> ApiResult<String> {
    let Some(raw) = raw else { return Ok(default.to_owned()) };
    let invalid = || ApiError::meteor(code::ERROR_INVALID_SORT, format!("Invalid sort parameter provided: \"{raw}\""));
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(raw) else { return Err(invalid()) };
    let mut parts = Vec::new();
    for (field, dir) in &map {
        let dir = match dir.as_i64() {
            Some(1) => "ASC",
            Some(-1) => "DESC",
            _ => return Err(invalid()),
        };
        // Sorting by a field no document has changes nothing, as in MongoDB.
        if let Some((_, column)) = columns.iter().find(|(f, _)| f == field) {
            parts.push(format!("{column} {dir}"));
        }
    }
    parts.push(default.to_owned());
    Ok(parts.join(", "))
}

/// What JavaScript's `Date.parse` accepts of ISO-8601, which Rocket.Chat checks these dates
/// with: a full date-time, a date alone (UTC midnight), or a date-time without a zone (local
/// time there; UTC here).
fn parse_date(s: &str) -> Option<i64> {
    Timestamp::parse_iso(s)
        .or_else(|| (s.len() == 10).then(|| Timestamp::parse_iso(&format!("{s}T00:00:00Z"))).flatten())
        .or_else(|| Timestamp::parse_iso(&format!("{s}Z")))
        .map(|t| t.0)
}

/// `{"start": ISO, "end": ISO}` → bounds in ms, with Rocket.Chat's error texts.
fn date_range(name: &str, raw: &str) -> ApiResult<(Option<i64>, Option<i64>)> {
    let value: Value = serde_json::from_str(raw).map_err(|e| ApiError::plain(e.to_string()))?;
    let bound = |key: &str| -> ApiResult<Option<i64>> {
        match value.get(key) {
            // Rocket.Chat skips falsy bounds.
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => parse_date(s)
                .map(Some)
                .ok_or_else(|| ApiError::plain(format!("The \"{name}.{key}\" query parameter must be a valid date."))),
            Some(_) => Err(ApiError::plain(format!("The \"{name}.{key}\" query parameter must be a valid date."))),
        }
    };
    Ok((bound("start")?, bound("end")?))
}

const SORTABLE: &[(&str, &str)] = &[
    ("ts", "r.ts"),
    ("_updatedAt", "r.updated_at"),
    ("lm", "r.lm"),
    ("closedAt", "r.closed_at"),
    ("fname", "r.fname"),
    ("msgs", "r.msgs"),
];

async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Query(q): Query<RoomsParams>,
) -> ApiResult<Json<Success<RoomsResponse>>> {
    let allowed = user.0.can("view-livechat-rooms") || (user.0.can("view-l-room") && q.agents == [user.0.id.clone()]);
    if !allowed {
        return Err(ApiError::Forbidden);
    }
    let (limit, offset) = pagination(q.count, q.offset);
    let order = sort_clause(q.sort.as_deref(), SORTABLE, "r.ts DESC")?;

    let mut filter = vec!["1 = 1".to_owned()];
    let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    let mut push = |filter: &mut Vec<String>, sql: &str, arg: Box<dyn rusqlite::ToSql>| {
        args.push(arg);
        filter.push(sql.replace('?', &format!("?{}", args.len())));
    };
    if !q.agents.is_empty() {
        push(
            &mut filter,
            "r.served_by_id IN (SELECT value FROM json_each(?))",
            Box::new(serde_json::to_string(&q.agents)?),
        );
    }
    if let Some(name) = q.room_name.as_deref().filter(|n| !n.is_empty()) {
        match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
            Some(exact) => push(&mut filter, "r.fname = ?", Box::new(exact.to_owned())),
            None => push(&mut filter, "instr(lower(r.fname), lower(?)) > 0", Box::new(name.to_owned())),
        }
    }
    if let Some(dept) = &q.department_id {
        let ids: Vec<String> = match dept {
            Value::Array(items) => items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
            Value::String(s) => vec![s.clone()],
            _ => return Err(ApiError::invalid_params("must be string")),
        };
        push(
            &mut filter,
            "r.department_id IN (SELECT value FROM json_each(?))",
            Box::new(serde_json::to_string(&ids)?),
        );
    }
    match q.open.as_ref().map(truthy) {
        Some(true) => filter.push("r.open = 1 AND r.served_by_id IS NOT NULL".into()),
        Some(false) => filter.push("r.open IS NULL".into()),
        None => {}
    }
    if q.queued.as_ref().is_some_and(truthy) {
        filter.push("r.open = 1 AND r.served_by_id IS NULL".into());
    }
    if q.onhold.as_ref().is_some_and(truthy) {
        // Rooms are never on hold here.
        filter.push("0 = 1".into());
    }
    if !q.tags.is_empty() {
        push(
            &mut filter,
            "EXISTS (SELECT 1 FROM json_each(r.tags) t WHERE t.value IN (SELECT value FROM json_each(?)))",
            Box::new(serde_json::to_string(&q.tags)?),
        );
    }
    for (name, raw, column) in [("createdAt", &q.created_at, "r.ts"), ("closedAt", &q.closed_at, "r.closed_at")] {
        if let Some(raw) = raw {
            let (start, end) = date_range(name, raw)?;
            if let Some(start) = start {
                push(&mut filter, &format!("{column} >= ?"), Box::new(start));
            }
            if let Some(end) = end {
                push(&mut filter, &format!("{column} <= ?"), Box::new(end));
            }
        }
    }
    if let Some(raw) = &q.custom_fields {
        match serde_json::from_str::<Value>(raw) {
            // Rooms carry no custom fields here: any filter on them matches nothing.
            Ok(Value::Object(map)) if !map.is_empty() => filter.push("0 = 1".into()),
            Ok(Value::Object(_)) => {}
            _ => return Err(ApiError::plain("The \"customFields\" query parameter must be a valid JSON.")),
        }
    }
    let refs: Vec<&dyn rusqlite::ToSql> = args.iter().map(|a| a.as_ref()).collect();
    let (rooms, total) = store::rooms_page(&state.db.conn(), &filter.join(" AND "), &refs, &order, limit, offset)?;
    let page = Page { count: rooms.len() as u64, offset, total };
    Ok(ok(RoomsResponse { rooms, page }))
}
