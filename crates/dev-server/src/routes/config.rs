//! `livechat/config`: settings, theme, texts, departments, whether anyone is online, and the
//! visitor's own state when a token is given.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::config::{Config, ConfigQuery, ConfigResponse, Settings, SurveyConfig, TextLimit};
use livechat_wire::room::Room;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Params, Query, ok};
use crate::store;
use crate::validate::{Kind, Schema, Style, opt};

pub fn router() -> Router<AppState> {
    Router::new().route("/livechat/config", get(config))
}

impl Params for ConfigQuery {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[opt("token", Kind::Str), opt("department", Kind::Str), opt("businessUnit", Kind::Str)],
        additional: true,
    };
    const STYLE: Style = Style::Typed;
}

async fn config(
    State(state): State<AppState>,
    Query(q): Query<ConfigQuery>,
) -> ApiResult<Json<Success<ConfigResponse>>> {
    let c = &state.config;
    let conn = state.db.conn();
    let department = match q.department.as_deref() {
        Some(d) => store::department(&conn, d)?.map(|d| d.id),
        None => None,
    };
    let online = c.accept_chats_with_no_agents || !store::online_agents(&conn, department.as_deref())?.is_empty();
    let limit = c.message_character_limit.filter(|&n| n > 0);
    let mut config = Config {
        enabled: true,
        settings: Settings {
            registration_form: c.registration_form,
            allow_switching_departments: c.allow_switching_departments,
            name_field_registration_form: c.name_field_registration_form,
            email_field_registration_form: c.email_field_registration_form,
            display_offline_form: c.display_offline_form,
            language: c.language.clone(),
            agent_hidden_info: !c.show_agent_info,
            limit_text_length: TextLimit(limit),
            visitors_can_close_chat: c.visitors_can_close,
            file_upload: c.file_upload,
            ..Settings::default()
        },
        theme: c.theme.clone(),
        messages: c.messages.clone(),
        survey: SurveyConfig::default(),
        departments: store::departments_with_agents(&conn)?,
        online,
        guest: None,
        room: None,
        agent: None,
        triggers: Vec::new(),
        custom_fields: Vec::new(),
    };
    if let Some(token) = q.token.as_deref()
        && let Some(guest) = store::visitor_by_token(&conn, token)?
    {
        config.guest = Some(guest);
        if let Some(room) = store::open_room_for_token(&conn, token)? {
            if let Some(served) = &room.served_by
                && let Some(agent) = store::user_by_id(&conn, &served.id)?
            {
                config.agent = Some(store::agent_public(c, &agent));
            }
            config.room = Some(Room {
                id: room.id,
                department_id: room.department_id,
                served_by: room.served_by,
                open: room.open,
                ..Room::default()
            });
        }
    }
    Ok(ok(ConfigResponse { config }))
}
