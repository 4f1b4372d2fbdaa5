//! `livechat/page.visited`: the pages a visitor navigates, kept for the agent.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::page::{Navigation, NavigationMessage, PageVisited, PageVisitedResponse};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Body, Params, ok};
use crate::guest;
use crate::store;
use crate::validate::{Kind, Schema, Style, opt, req};

pub fn router() -> Router<AppState> {
    Router::new().route("/livechat/page.visited", post(page_visited))
}

static LOCATION: Schema = Schema { fields: &[req("href", Kind::Str)], additional: false };
static PAGE_INFO: Schema = Schema {
    fields: &[req("title", Kind::Str), req("change", Kind::Str), req("location", Kind::Obj(&LOCATION))],
    additional: false,
};

impl Params for PageVisited {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[req("token", Kind::Str), opt("rid", Kind::Str), req("pageInfo", Kind::Obj(&PAGE_INFO))],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

/// How long a visit made before the visitor had a room is kept (Rocket.Chat: 30 days).
const KEEP_WITHOUT_ROOM_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Saves the visit when its kind of change is the one the server tracks; answers with the
/// navigation message, or only `success` when the change is not tracked. As in Rocket.Chat the
/// token need not belong to a registered visitor (the widget reports pages before the visitor
/// says anything).
async fn page_visited(
    State(state): State<AppState>,
    Body(q): Body<PageVisited>,
) -> ApiResult<Json<Success<PageVisitedResponse>>> {
    if q.page_info.change != state.config.history_monitor_type {
        return Ok(ok(PageVisitedResponse { page: None }));
    }
    let now = state.clock.now();
    let msg = format!("{} - {}", q.page_info.title, q.page_info.location.href);
    {
        let conn = state.db.conn();
        // Only the visitor's own room: a visit is never written into someone else's.
        let rid = match q.rid.as_deref().filter(|r| !r.is_empty()) {
            Some(rid) => guest::own_room(&conn, rid, &q.token)?.map(|room| room.id),
            None => None,
        };
        let expire_at = rid.is_none().then_some(now.0 + KEEP_WITHOUT_ROOM_MS);
        store::insert_page_visit(&conn, now, &q.token, rid.as_deref(), &q.page_info, expire_at)?;
    }
    let navigation = Navigation { page: q.page_info, token: q.token };
    Ok(ok(PageVisitedResponse { page: Some(NavigationMessage { msg, navigation }) }))
}
