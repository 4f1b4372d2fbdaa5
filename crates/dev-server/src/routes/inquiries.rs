//! `livechat/inquiries.list`, `inquiries.take` and `inquiries.getOne`: the queue, for agents.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::error::code;
use livechat_wire::inquiries::{GetInquiryQuery, GetInquiryResponse, InquiriesResponse, TakeInquiry};
use livechat_wire::{Empty, Page, Success};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Body, Params, Query, ok};
use crate::routes::rooms::{pagination, parse_sort};
use crate::store;
use crate::validate::{Kind, Schema, Style, opt, req};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/inquiries.list", get(list))
        .route("/livechat/inquiries.take", post(take))
        .route("/livechat/inquiries.getOne", get(get_one))
}

#[derive(Deserialize)]
struct ListParams {
    department: Option<String>,
    count: Option<i64>,
    offset: Option<i64>,
    sort: Option<String>,
}

impl Params for ListParams {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[
            opt("department", Kind::Str),
            opt("count", Kind::Int),
            opt("offset", Kind::Int),
            opt("sort", Kind::Str),
        ],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

impl Params for TakeInquiry {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[req("inquiryId", Kind::Str), opt("userId", Kind::Str), opt("options", Kind::Any)],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

impl Params for GetInquiryQuery {
    const SCHEMA: &'static Schema = &Schema { fields: &[req("roomId", Kind::Str)], additional: false };
    const STYLE: Style = Style::Legacy;
}

/// Queued inquiries only; an unknown department is ignored (all queued inquiries).
async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Query(q): Query<ListParams>,
) -> ApiResult<Json<Success<InquiriesResponse>>> {
    user.require("view-livechat-manager")?;
    let (limit, offset) = pagination(q.count, q.offset);
    let sort = parse_sort(q.sort.as_deref())?;
    let conn = state.db.conn();
    let department = match q.department.as_deref() {
        Some(d) => store::department(&conn, d)?.map(|d| d.id),
        None => None,
    };
    let (inquiries, total) = store::queued_inquiries(&conn, department.as_deref(), &sort, limit, offset)?;
    let page = Page { count: inquiries.len() as u64, offset, total };
    Ok(ok(InquiriesResponse { inquiries, page }))
}

/// Assigns the inquiry's room to the caller (or to `userId`).
async fn take(
    State(state): State<AppState>,
    user: AuthUser,
    Body(q): Body<TakeInquiry>,
) -> ApiResult<Json<Success<Empty>>> {
    user.require("view-l-room")?;
    {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        let agent = match q.user_id.as_deref() {
            Some(id) if id != user.0.id => store::user_by_id(&tx, id)?
                .filter(store::User::is_agent)
                .ok_or_else(|| ApiError::plain("The user is invalid"))?,
            _ => user.0.clone(),
        };
        let inquiry = store::inquiry_by_id(&tx, &q.inquiry_id)?
            .ok_or_else(|| ApiError::meteor(code::ERROR_NOT_FOUND, "Inquiry not found"))?;
        if inquiry.status != "queued" {
            return Err(ApiError::meteor(code::ERROR_INQUIRY_TAKEN, "Inquiry already taken"));
        }
        if !agent.is_online_agent() {
            return Err(ApiError::meteor(
                code::ERROR_AGENT_STATUS_SERVICE_OFFLINE,
                "Agent status is offline or Omnichannel service is not active",
            ));
        }
        let events = state.routing().assign(&tx, &inquiry.rid, &agent)?;
        tx.commit()?;
        state.hub.emit(events);
    }
    Ok(ok(Empty {}))
}

async fn get_one(
    State(state): State<AppState>,
    user: AuthUser,
    Query(q): Query<GetInquiryQuery>,
) -> ApiResult<Json<Success<GetInquiryResponse>>> {
    user.require("view-l-room")?;
    let inquiry = store::inquiry_by_rid(&state.db.conn(), &q.room_id)?;
    Ok(ok(GetInquiryResponse { inquiry }))
}
