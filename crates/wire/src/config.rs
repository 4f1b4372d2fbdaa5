//! `livechat/config`: what the widget needs to draw itself and whether anyone is online.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::agent::Agent;
use crate::json::{DecodeError, FromJson, Json, Obj};
use crate::room::Room;
use crate::visitor::Visitor as LivechatVisitor;

/// `GET livechat/config` query (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_unit: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigResponse {
    pub config: Config,
}

/// The widget configuration. When Livechat is disabled the server sends only `enabled: false`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub enabled: bool,
    pub settings: Settings,
    pub theme: Theme,
    pub messages: Messages,
    pub survey: SurveyConfig,
    pub departments: Vec<Department>,
    /// True when a chat can start now (an agent is online, or chats are accepted anyway).
    pub online: bool,
    /// The visitor, when the query's `token` matched one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest: Option<LivechatVisitor>,
    /// The visitor's open room (a projection: `_id`, `departmentId`, `servedBy`, `open`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<Room>,
    /// The serving agent, when the room is served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<Agent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    pub registration_form: bool,
    pub allow_switching_departments: bool,
    pub name_field_registration_form: bool,
    pub email_field_registration_form: bool,
    pub display_offline_form: bool,
    pub file_upload: bool,
    pub language: String,
    pub transcript: bool,
    pub history_monitor_type: String,
    pub force_accept_data_processing_consent: bool,
    pub show_connecting: bool,
    pub agent_hidden_info: bool,
    pub clear_local_storage_when_chat_ended: bool,
    /// `false` on the wire when there is no limit, else the number of characters.
    pub limit_text_length: TextLimit,
    pub hidden_system_messages: Vec<String>,
    pub hide_watermark: bool,
    pub visitors_can_close_chat: bool,
}

impl Default for Settings {
    /// Rocket.Chat's defaults.
    fn default() -> Self {
        Settings {
            registration_form: true,
            allow_switching_departments: true,
            name_field_registration_form: true,
            email_field_registration_form: true,
            display_offline_form: true,
            file_upload: false,
            language: String::new(),
            transcript: false,
            history_monitor_type: "url".into(),
            force_accept_data_processing_consent: false,
            show_connecting: false,
            agent_hidden_info: false,
            clear_local_storage_when_chat_ended: false,
            limit_text_length: TextLimit(None),
            hidden_system_messages: Vec::new(),
            hide_watermark: false,
            visitors_can_close_chat: true,
        }
    }
}

/// A message length limit: `false` (none) or a number of characters on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextLimit(pub Option<u32>);

impl Serialize for TextLimit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(n) => s.serialize_u32(n),
            None => s.serialize_bool(false),
        }
    }
}

impl<'de> Deserialize<'de> for TextLimit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TextLimit;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("false or a number of characters")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<TextLimit, E> {
                Ok(TextLimit(None))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TextLimit, E> {
                Ok(TextLimit(u32::try_from(v).ok().filter(|&n| n > 0)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TextLimit, E> {
                Ok(TextLimit(u32::try_from(v).ok().filter(|&n| n > 0)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TextLimit, E> {
                Ok(TextLimit((1.0..4.0e9).contains(&v).then_some(v as u32)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<TextLimit, E> {
                Ok(TextLimit(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Theme {
    pub title: String,
    pub color: String,
    pub offline_title: String,
    pub offline_color: String,
    /// `"right"` or `"left"`.
    pub position: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    pub hide_expand_chat: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            title: "Rocket.Chat".into(),
            color: "#C1272D".into(),
            offline_title: "Leave a message".into(),
            offline_color: "#666666".into(),
            position: "right".into(),
            background: None,
            hide_expand_chat: false,
        }
    }
}

/// Texts the site owner configured; empty means "use the widget's own".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Messages {
    pub offline_message: String,
    pub offline_success_message: String,
    pub offline_unavailable_message: String,
    pub conversation_finished_message: String,
    pub conversation_finished_text: String,
    pub transcript_message: String,
    pub registration_form_message: String,
    pub data_processing_consent_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SurveyConfig {
    pub items: Vec<String>,
    pub values: Vec<String>,
}

impl Default for SurveyConfig {
    fn default() -> Self {
        SurveyConfig {
            items: crate::room::survey::RATED.iter().map(|s| s.to_string()).collect(),
            values: crate::room::survey::VALUES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// A department visitors can pick.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Department {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub show_on_registration: bool,
    pub show_on_offline_form: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub departments_allowed_to_forward: Vec<String>,
}

impl FromJson for ConfigResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(ConfigResponse { config: Obj::new(v)?.req("config")? })
    }
}

impl FromJson for Config {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut c = Config::default();
        o.set("enabled", &mut c.enabled);
        o.set("settings", &mut c.settings);
        o.set("theme", &mut c.theme);
        o.set("messages", &mut c.messages);
        o.set("survey", &mut c.survey);
        o.set("departments", &mut c.departments);
        o.set("online", &mut c.online);
        o.set("guest", &mut c.guest);
        o.set("room", &mut c.room);
        o.set("agent", &mut c.agent);
        o.done(c)
    }
}

impl FromJson for Settings {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut s = Settings::default();
        o.set("registrationForm", &mut s.registration_form);
        o.set("allowSwitchingDepartments", &mut s.allow_switching_departments);
        o.set("nameFieldRegistrationForm", &mut s.name_field_registration_form);
        o.set("emailFieldRegistrationForm", &mut s.email_field_registration_form);
        o.set("displayOfflineForm", &mut s.display_offline_form);
        o.set("fileUpload", &mut s.file_upload);
        o.set("language", &mut s.language);
        o.set("transcript", &mut s.transcript);
        o.set("historyMonitorType", &mut s.history_monitor_type);
        o.set("forceAcceptDataProcessingConsent", &mut s.force_accept_data_processing_consent);
        o.set("showConnecting", &mut s.show_connecting);
        o.set("agentHiddenInfo", &mut s.agent_hidden_info);
        o.set("clearLocalStorageWhenChatEnded", &mut s.clear_local_storage_when_chat_ended);
        o.set("limitTextLength", &mut s.limit_text_length);
        o.set("hiddenSystemMessages", &mut s.hidden_system_messages);
        o.set("hideWatermark", &mut s.hide_watermark);
        o.set("visitorsCanCloseChat", &mut s.visitors_can_close_chat);
        o.done(s)
    }
}

/// `false`, `null` or a number (whole: a positive one is the limit; fractional: cut, from 1 up).
impl FromJson for TextLimit {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        if v.is_null() || v.as_bool().is_some() {
            return Ok(TextLimit(None));
        }
        match v.as_f64() {
            Some(n) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 => {
                Ok(TextLimit(u32::try_from(n as i64).ok().filter(|&n| n > 0)))
            }
            Some(n) => Ok(TextLimit((1.0..4.0e9).contains(&n).then_some(n as u32))),
            None => Err(DecodeError::expected("false or a number of characters")),
        }
    }
}

impl FromJson for Theme {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut t = Theme::default();
        o.set("title", &mut t.title);
        o.set("color", &mut t.color);
        o.set("offlineTitle", &mut t.offline_title);
        o.set("offlineColor", &mut t.offline_color);
        o.set("position", &mut t.position);
        o.set("background", &mut t.background);
        o.set("hideExpandChat", &mut t.hide_expand_chat);
        o.done(t)
    }
}

impl FromJson for Messages {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut m = Messages::default();
        o.set("offlineMessage", &mut m.offline_message);
        o.set("offlineSuccessMessage", &mut m.offline_success_message);
        o.set("offlineUnavailableMessage", &mut m.offline_unavailable_message);
        o.set("conversationFinishedMessage", &mut m.conversation_finished_message);
        o.set("conversationFinishedText", &mut m.conversation_finished_text);
        o.set("transcriptMessage", &mut m.transcript_message);
        o.set("registrationFormMessage", &mut m.registration_form_message);
        o.set("dataProcessingConsentText", &mut m.data_processing_consent_text);
        o.done(m)
    }
}

impl FromJson for SurveyConfig {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut s = SurveyConfig::default();
        o.set("items", &mut s.items);
        o.set("values", &mut s.values);
        o.done(s)
    }
}

impl FromJson for Department {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut d = Department::default();
        o.set("_id", &mut d.id);
        o.set("name", &mut d.name);
        o.set("showOnRegistration", &mut d.show_on_registration);
        o.set("showOnOfflineForm", &mut d.show_on_offline_form);
        o.set("departmentsAllowedToForward", &mut d.departments_allowed_to_forward);
        o.done(d)
    }
}
