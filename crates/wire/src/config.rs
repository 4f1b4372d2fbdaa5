//! `livechat/config`: what the widget needs to draw itself and whether anyone is online.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::agent::Agent;
use crate::json::{DecodeError, FromJson, Json, Kept};
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
        /// Proactive messages (Rocket.Chat sends only the enabled ones). The widget reads them
        /// from [`Config::kept`] (`livechat_client::session::triggers`).
        #[cfg(feature = "full")]
        pub triggers: Vec<Trigger>,
        /// Fields the pre-chat form asks for after name and e-mail (Rocket.Chat Enterprise:
        /// visible, public, visitor-scoped custom fields).
        #[cfg(feature = "full")]
        #[serde(rename = "customFields")]
        pub custom_fields: Vec<CustomFieldDef>,
        /// The configuration as parsed, for what is read from it once rather than decoded
        /// (the triggers).
        #[serde(skip)]
        pub kept: Kept,
    }
    impl FromJson;
}

wire_type! {
    /// A proactive message (Rocket.Chat's `ILivechatTrigger`, as `livechat/config` lists it).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Trigger {
        #[serde(rename = "_id")]
        pub id: String,
        /// Absent from Rocket.Chat's config (it lists only enabled triggers): true.
        pub enabled: bool,
        /// Fires at most once for a visitor.
        #[serde(rename = "runOnce")]
        pub run_once: bool,
        /// All must hold.
        pub conditions: Vec<TriggerCondition>,
        pub actions: Vec<TriggerAction>,
    }
    impl FromJson;
}

impl Default for Trigger {
    fn default() -> Self {
        Trigger { id: String::new(), enabled: true, run_once: false, conditions: Vec::new(), actions: Vec::new() }
    }
}

wire_type! {
    /// `page-url` (a regular expression tested against the page's address), `time-on-site`
    /// (seconds), `chat-opened-by-visitor`, `after-guest-registration`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct TriggerCondition {
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub value: Option<ConditionValue>,
    }
    impl FromJson;
}

/// A condition's value: Rocket.Chat's admin stores what was typed, a string, and older
/// records hold numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ConditionValue {
    Number(f64),
    Text(String),
}

impl ConditionValue {
    /// The value as text (a number only when whole).
    pub fn text(&self) -> String {
        match self {
            ConditionValue::Text(s) => s.clone(),
            ConditionValue::Number(_) => self.seconds().map(|n| n.to_string()).unwrap_or_default(),
        }
    }

    /// The value as a whole, non-negative number of seconds (`"30"` or `30`).
    pub fn seconds(&self) -> Option<u32> {
        match self {
            ConditionValue::Text(s) => s.trim().parse().ok(),
            ConditionValue::Number(n) => (*n >= 0.0 && *n < 4.0e9).then_some(*n as u32),
        }
    }
}

impl FromJson for ConditionValue {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        if let Some(s) = v.as_string() {
            return Ok(ConditionValue::Text(s));
        }
        v.as_f64().map(ConditionValue::Number).ok_or_else(|| DecodeError::expected("a string or a number"))
    }
}

wire_type! {
    /// `send-message` (the only action a widget carries out; `use-external-service` is
    /// Rocket.Chat Enterprise's and is skipped).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct TriggerAction {
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub params: Option<TriggerParams>,
    }
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct TriggerParams {
        /// `queue` (the next agent, from `livechat/agent.next`) or `custom` (`name`).
        pub sender: String,
        pub name: String,
        pub msg: String,
    }
    impl FromJson;
}

wire_type! {
    /// A field the pre-chat form asks for (`config.customFields`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct CustomFieldDef {
        #[serde(rename = "_id")]
        pub id: String,
        pub label: String,
        /// `input` or `select`.
        #[serde(rename = "type")]
        pub kind: String,
        pub required: bool,
        /// A regular expression an `input`'s value must match (empty: any).
        pub regexp: String,
        /// A `select`'s choices.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub options: Vec<String>,
        /// Rocket.Chat sends `null` for a field without one.
        #[serde(rename = "defaultValue")]
        pub default_value: Option<String>,
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
        #[cfg(feature = "full")]
        #[serde(rename = "historyMonitorType")]
        pub history_monitor_type: String,
        #[serde(rename = "forceAcceptDataProcessingConsent")]
        pub force_accept_data_processing_consent: bool,
        #[cfg(feature = "full")]
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
        #[cfg(feature = "full")]
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
            #[cfg(feature = "full")]
            history_monitor_type: "url".into(),
            force_accept_data_processing_consent: false,
            #[cfg(feature = "full")]
            show_connecting: false,
            agent_hidden_info: false,
            clear_local_storage_when_chat_ended: false,
            limit_text_length: TextLimit(None),
            hidden_system_messages: Vec::new(),
            #[cfg(feature = "full")]
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
        #[cfg(feature = "full")]
        #[serde(rename = "offlineColor")]
        pub offline_color: String,
        /// `"right"` or `"left"`.
        pub position: String,
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub background: Option<String>,
        #[cfg(feature = "full")]
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
            #[cfg(feature = "full")]
            offline_color: "#666666".into(),
            position: "right".into(),
            #[cfg(feature = "full")]
            background: None,
            #[cfg(feature = "full")]
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
        #[cfg(feature = "full")]
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
        #[cfg(feature = "full")]
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
