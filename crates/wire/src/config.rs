//! `livechat/config`: what the widget needs to draw itself and whether anyone is online.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::agent::Agent;
use crate::json::{DecodeError, FromJson, Json};
use crate::room::Room;
use crate::visitor::Visitor as LivechatVisitor;
use crate::wire_type;

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

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct ConfigResponse {
        pub config: Config,
    }
    impl FromJson;
}

wire_type! {
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
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Settings {
        #[serde(rename = "registrationForm")]
        pub registration_form: bool,
        #[serde(rename = "allowSwitchingDepartments")]
        pub allow_switching_departments: bool,
        #[serde(rename = "nameFieldRegistrationForm")]
        pub name_field_registration_form: bool,
        #[serde(rename = "emailFieldRegistrationForm")]
        pub email_field_registration_form: bool,
        #[serde(rename = "displayOfflineForm")]
        pub display_offline_form: bool,
        #[serde(rename = "fileUpload")]
        pub file_upload: bool,
        pub language: String,
        pub transcript: bool,
        #[serde(rename = "historyMonitorType")]
        pub history_monitor_type: String,
        #[serde(rename = "forceAcceptDataProcessingConsent")]
        pub force_accept_data_processing_consent: bool,
        #[serde(rename = "showConnecting")]
        pub show_connecting: bool,
        #[serde(rename = "agentHiddenInfo")]
        pub agent_hidden_info: bool,
        #[serde(rename = "clearLocalStorageWhenChatEnded")]
        pub clear_local_storage_when_chat_ended: bool,
        /// `false` on the wire when there is no limit, else the number of characters.
        #[serde(rename = "limitTextLength")]
        pub limit_text_length: TextLimit,
        #[serde(rename = "hiddenSystemMessages")]
        pub hidden_system_messages: Vec<String>,
        #[serde(rename = "hideWatermark")]
        pub hide_watermark: bool,
        #[serde(rename = "visitorsCanCloseChat")]
        pub visitors_can_close_chat: bool,
    }
    impl FromJson;
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

wire_type! {
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Theme {
        pub title: String,
        pub color: String,
        #[serde(rename = "offlineTitle")]
        pub offline_title: String,
        #[serde(rename = "offlineColor")]
        pub offline_color: String,
        /// `"right"` or `"left"`.
        pub position: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub background: Option<String>,
        #[serde(rename = "hideExpandChat")]
        pub hide_expand_chat: bool,
    }
    impl FromJson;
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

wire_type! {
    /// Texts the site owner configured; empty means "use the widget's own".
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Messages {
        #[serde(rename = "offlineMessage")]
        pub offline_message: String,
        #[serde(rename = "offlineSuccessMessage")]
        pub offline_success_message: String,
        #[serde(rename = "offlineUnavailableMessage")]
        pub offline_unavailable_message: String,
        #[serde(rename = "conversationFinishedMessage")]
        pub conversation_finished_message: String,
        #[serde(rename = "conversationFinishedText")]
        pub conversation_finished_text: String,
        #[serde(rename = "transcriptMessage")]
        pub transcript_message: String,
        #[serde(rename = "registrationFormMessage")]
        pub registration_form_message: String,
        #[serde(rename = "dataProcessingConsentText")]
        pub data_processing_consent_text: String,
    }
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct SurveyConfig {
        pub items: Vec<String>,
        pub values: Vec<String>,
    }
    impl FromJson;
}

impl Default for SurveyConfig {
    fn default() -> Self {
        SurveyConfig {
            items: crate::room::survey::RATED.iter().map(|s| s.to_string()).collect(),
            values: crate::room::survey::VALUES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

wire_type! {
    /// A department visitors can pick.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Department {
        #[serde(rename = "_id")]
        pub id: String,
        pub name: String,
        #[serde(rename = "showOnRegistration")]
        pub show_on_registration: bool,
        #[serde(rename = "showOnOfflineForm")]
        pub show_on_offline_form: bool,
        #[serde(rename = "departmentsAllowedToForward", skip_serializing_if = "Vec::is_empty")]
        pub departments_allowed_to_forward: Vec<String>,
    }
    impl FromJson;
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
