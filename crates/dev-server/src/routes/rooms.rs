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
use crate::store::{self, NameMatch, RoomsFilter, SortKey};
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

/// `parseJsonQuery`'s sort: a JSON object of `field: 1 | -1` (none when absent).
pub fn parse_sort(raw: Option<&str>) -> ApiResult<Vec<SortKey>> {
    let Some(raw) = raw else { return Ok(Vec::new()) };
    let invalid = || ApiError::meteor(code::ERROR_INVALID_SORT, format!("Invalid sort parameter provided: \"{raw}\""));
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(raw) else { return Err(invalid()) };
    map.iter()
        .map(|(field, dir)| match dir.as_i64() {
            Some(1) => Ok(SortKey { field: field.clone(), ascending: true }),
            Some(-1) => Ok(SortKey { field: field.clone(), ascending: false }),
            _ => Err(invalid()),
        })
        .collect()
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
    let sort = parse_sort(q.sort.as_deref())?;
    let departments = match &q.department_id {
        Some(Value::Array(items)) => Some(items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()),
        Some(Value::String(s)) => Some(vec![s.clone()]),
        Some(_) => return Err(ApiError::invalid_params("must be string")),
        None => None,
    };
    let mut filter = RoomsFilter {
        name: q.room_name.filter(|n| !n.is_empty()).map(|name| {
            match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
                Some(exact) => NameMatch::Exact(exact.to_owned()),
                None => NameMatch::Contains(name),
            }
        }),
        departments,
        open: q.open.as_ref().map(truthy),
        queued: q.queued.as_ref().is_some_and(truthy),
        // Rooms are never on hold here.
        none: q.onhold.as_ref().is_some_and(truthy),
        agents: q.agents,
        tags: q.tags,
        ..RoomsFilter::default()
    };
    if let Some(raw) = &q.created_at {
        filter.created = date_range("createdAt", raw)?;
    }
    if let Some(raw) = &q.closed_at {
        filter.closed = date_range("closedAt", raw)?;
    }
    if let Some(raw) = &q.custom_fields {
        match serde_json::from_str::<Value>(raw) {
            // Rooms carry no custom fields here: any filter on them matches nothing.
            Ok(Value::Object(map)) if !map.is_empty() => filter.none = true,
            Ok(Value::Object(_)) => {}
            _ => return Err(ApiError::plain("The \"customFields\" query parameter must be a valid JSON.")),
        }
    }
    let (rooms, total) = store::rooms_page(&state.db.conn(), &filter, &sort, limit, offset)?;
    let page = Page { count: rooms.len() as u64, offset, total };
    Ok(ok(RoomsResponse { rooms, page }))
}
