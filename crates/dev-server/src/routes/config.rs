//! `livechat/config`: settings, theme, texts, departments, triggers, the pre-chat form's custom
//! fields, whether anyone is online, and the visitor's own state when a token is given.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use livechat_wire::Success;
use livechat_wire::config::{
    ConditionValue, Config, ConfigQuery, ConfigResponse, CustomFieldDef, Settings, SurveyConfig, TextLimit, Trigger,
    TriggerAction, TriggerCondition, TriggerParams,
};
use livechat_wire::room::Room;
use serde_json::Value;

use crate::AppState;
use crate::config::{CustomFieldConfig, ServerConfig, TriggerConfig};
use crate::error::ApiResult;
use crate::extract::{Params, Query};
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

/// A trigger as Rocket.Chat's `findTriggers` lists it: `_id`, `actions`, `conditions`,
/// `runOnce` (condition values as the text its form stores).
pub fn trigger(t: &TriggerConfig) -> Trigger {
    Trigger {
        id: t.id.clone(),
        enabled: true,
        run_once: t.run_once,
        conditions: t
            .conditions
            .iter()
            .map(|c| TriggerCondition {
                name: c.name.clone(),
                value: c.value.as_ref().map(|v| ConditionValue::Text(v.text())),
            })
            .collect(),
        actions: t
            .actions
            .iter()
            .map(|a| TriggerAction {
                name: a.name.clone(),
                params: Some(TriggerParams {
                    sender: a.params.sender.clone(),
                    name: a.params.name.clone(),
                    msg: a.params.msg.clone(),
                }),
            })
            .collect(),
    }
}

/// A field of the pre-chat form as Rocket.Chat Enterprise's `getLivechatCustomFields` lists
/// it: `_id`, `label`, `regexp`, `required`, `type`, `defaultValue`, and a select's `options`.
pub fn custom_field(f: &CustomFieldConfig) -> CustomFieldDef {
    CustomFieldDef {
        id: f.id.clone(),
        label: f.label.clone().unwrap_or_else(|| f.id.clone()),
        kind: f.kind.name().into(),
        required: f.required,
        regexp: f.regexp.clone().unwrap_or_default(),
        options: f.options.clone(),
        // `null` for none, as Rocket.Chat sends it.
        default_value: Some(f.default_value.clone()).filter(|d| !d.is_empty()),
    }
}

/// The configuration without the visitor's part.
fn base(c: &ServerConfig, conn: &rusqlite::Connection, department: Option<&str>) -> ApiResult<Config> {
    let online = c.accept_chats_with_no_agents || !store::online_agents(conn, department)?.is_empty();
    let limit = c.message_character_limit.filter(|&n| n > 0);
    Ok(Config {
        enabled: true,
        settings: Settings {
            registration_form: c.registration_form,
            allow_switching_departments: c.allow_switching_departments,
            name_field_registration_form: c.name_field_registration_form,
            email_field_registration_form: c.email_field_registration_form,
            display_offline_form: c.display_offline_form,
            language: c.language.clone(),
            transcript: c.transcript,
            force_accept_data_processing_consent: c.force_accept_data_processing_consent,
            clear_local_storage_when_chat_ended: c.clear_local_storage_when_chat_ended,
            agent_hidden_info: !c.show_agent_info,
            limit_text_length: TextLimit(limit),
            visitors_can_close_chat: c.visitors_can_close,
            file_upload: c.file_upload,
            history_monitor_type: c.history_monitor_type.clone(),
            ..Settings::default()
        },
        theme: c.theme.clone(),
        messages: c.messages.clone(),
        survey: SurveyConfig::default(),
        departments: store::departments_with_agents(conn)?,
        online,
        guest: None,
        room: None,
        agent: None,
        triggers: c.triggers.iter().filter(|t| t.enabled).map(trigger).collect(),
        custom_fields: c.custom_fields.iter().filter(|f| f.listed()).map(custom_field).collect(),
        kept: Default::default(),
    })
}

async fn config(State(state): State<AppState>, Query(q): Query<ConfigQuery>) -> ApiResult<Json<Value>> {
    let c = &state.config;
    let conn = state.db.conn();
    let department = match q.department.as_deref() {
        Some(d) => store::department(&conn, d)?.map(|d| d.id),
        None => None,
    };
    let mut config = base(c, &conn, department.as_deref())?;
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
    drop(conn);
    let mut answer = serde_json::to_value(Success::new(ConfigResponse { config }))?;
    // Rocket.Chat lists enabled triggers only, without the flag; the wire type always writes it.
    if let Some(triggers) = answer.pointer_mut("/config/triggers").and_then(Value::as_array_mut) {
        for t in triggers.iter_mut().filter_map(Value::as_object_mut) {
            t.remove("enabled");
        }
    }
    Ok(Json(answer))
}
