//! The server's settings: Rocket.Chat's Livechat settings that matter to a widget, plus the
//! agents and departments. Read from a TOML file (`--config`), every key optional; the
//! defaults are Rocket.Chat's, with one demo agent and two departments.

use std::path::Path;

use livechat_wire::config::{Messages, Theme};
use serde::Deserialize;

/// How new conversations reach agents (`Livechat_Routing_Method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Routing {
    /// Auto selection: the least busy online agent of the department is assigned at once.
    Auto,
    /// Manual selection: the inquiry waits in the queue until an agent takes it.
    Manual,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Rocket.Chat major version to imitate where the API differs: 7 has no
    /// `livechat/visitor/department.transfer` (only `livechat/room.transfer`); 8 has both here.
    pub api_version: u8,
    pub routing: Routing,
    /// `Livechat_accept_chats_with_no_agents`: rooms may start (queued) with nobody online.
    pub accept_chats_with_no_agents: bool,
    /// `Omnichannel_allow_visitors_to_close_conversation`.
    pub visitors_can_close: bool,
    /// `Livechat_request_comment_when_closing_conversation` (agents closing).
    pub request_comment_when_closing: bool,
    /// `Livechat_message_character_limit` when enabled; `None` = no Livechat limit.
    pub message_character_limit: Option<u32>,
    /// `Message_MaxAllowedSize`: no message may be longer, limit or not.
    pub message_max_allowed_size: u32,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Rocket.Chat's per-IP rate limiter (off by default here, as under `TEST_MODE`).
    pub rate_limit: bool,
    /// Cross-origin calls to the REST API (`API_Enable_CORS` and `API_CORS_Origin`, see
    /// [`crate::cors`]): absent, CORS is off as on a new Rocket.Chat; `"*"` allows every origin;
    /// otherwise a comma-separated list of origins (`"https://shop.example, https://www.shop.example"`).
    pub cors_origin: Option<String>,
    /// `Livechat_show_agent_info` / `Livechat_show_agent_email`.
    pub show_agent_info: bool,
    pub show_agent_email: bool,
    pub registration_form: bool,
    /// `Livechat_enable_transcript`: after a close the widget offers the conversation by e-mail
    /// (`settings.transcript`; the server then writes the `promptTranscript` command).
    pub transcript: bool,
    /// `Livechat_transcript_send_always`: with `transcript` off, every close is marked
    /// `transcriptRequested` (nothing is e-mailed here); with it on, no prompt is written.
    pub transcript_send_always: bool,
    /// `Livechat_force_accept_data_processing_consent`: the widget asks for consent (the text is
    /// `[messages] data_processing_consent_text`) before anything else, and offers to forget
    /// the visitor (`DELETE livechat/visitor/:token`).
    pub force_accept_data_processing_consent: bool,
    /// `Livechat_clear_local_storage_when_chat_ended`.
    pub clear_local_storage_when_chat_ended: bool,
    pub name_field_registration_form: bool,
    pub email_field_registration_form: bool,
    pub display_offline_form: bool,
    pub allow_switching_departments: bool,
    pub language: String,
    /// `[theme]`, written in snake_case like every key here (`offline_title`).
    #[serde(deserialize_with = "theme_from_toml")]
    pub theme: Theme,
    /// `[messages]`, likewise (`offline_message`, `offline_success_message`, …).
    #[serde(deserialize_with = "messages_from_toml")]
    pub messages: Messages,
    pub agents: Vec<AgentConfig>,
    pub departments: Vec<DepartmentConfig>,
    /// `Livechat_history_monitor_type`: which page change (`url` or `title`) is saved as a
    /// visit by `livechat/page.visited`.
    pub history_monitor_type: String,
    /// Custom fields an administrator defined. With none, every key is accepted as a visitor
    /// field; with some, only those, checked against their patterns, as Rocket.Chat does.
    pub custom_fields: Vec<CustomFieldConfig>,
    /// Proactive messages (`[[triggers]]`): the enabled ones are `config.triggers`.
    pub triggers: Vec<TriggerConfig>,
    /// `FileUpload_Enabled` and `Livechat_fileupload_enabled` together: visitors and agents may
    /// send files (the config's `settings.fileUpload`).
    pub file_upload: bool,
    /// `FileUpload_MaxFileSize`, bytes: -1 for no limit, 0 for Rocket.Chat's fallback (100 MiB).
    pub file_upload_max_size: i64,
    /// `FileUpload_MediaTypeWhiteList`: comma-separated media types (`image/*` for a whole
    /// kind) allowed; empty or `*` allows all that are not blocked.
    pub file_upload_media_type_white_list: String,
    /// `FileUpload_MediaTypeBlackList`: blocked media types (`image/svg+xml` by default).
    pub file_upload_media_type_black_list: String,
}

/// A custom field definition (Rocket.Chat's `LivechatCustomField`), visitor scope.
///
/// Which fields the pre-chat form shows (`config.customFields`) is Rocket.Chat's rule
/// (`getLivechatCustomFields`): `visibility = "visible"` and `public = true`, both off for a
/// field an administrator has just created. A field without `visibility` is, as a Rocket.Chat
/// record without one, not hidden: registration keeps its value and may require it, but the
/// form does not list it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldConfig {
    /// The key (`_id`) visitors send values for.
    pub id: String,
    /// A pattern every value must match (anywhere in it, as JavaScript's `RegExp.test`).
    #[serde(default)]
    pub regexp: Option<String>,
    /// What the form calls it (the id when left out).
    #[serde(default)]
    pub label: Option<String>,
    /// `input` (a text field) or `select` (one of `options`).
    #[serde(default, rename = "type")]
    pub kind: FieldKind,
    /// A registration that sends custom fields must send this one
    /// ("Missing required custom fields: …"); the form asks for it.
    #[serde(default)]
    pub required: bool,
    /// A `select`'s choices (Rocket.Chat keeps them as one comma-separated text, so none may hold
    /// a comma).
    #[serde(default)]
    pub options: Vec<String>,
    /// What the form starts with.
    #[serde(default)]
    pub default_value: String,
    /// `visible` or `hidden`; see the type's documentation for left out.
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// Listed to visitors (with `visibility = "visible"`).
    #[serde(default)]
    pub public: bool,
}

impl CustomFieldConfig {
    /// Rocket.Chat's `visibility: {$ne: 'hidden'}`: registration takes (and requires) it.
    pub fn not_hidden(&self) -> bool {
        self.visibility != Some(Visibility::Hidden)
    }

    /// On the pre-chat form (`config.customFields`).
    pub fn listed(&self) -> bool {
        self.visibility == Some(Visibility::Visible) && self.public
    }
}

/// A custom field's kind (`type`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    #[default]
    Input,
    Select,
}

impl FieldKind {
    pub fn name(self) -> &'static str {
        match self {
            FieldKind::Input => "input",
            FieldKind::Select => "select",
        }
    }
}

/// A custom field's `visibility`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Visible,
    Hidden,
}

/// A proactive message (Rocket.Chat's `ILivechatTrigger`): when its condition holds, the widget
/// shows `actions`' message. The widget uses the first condition and the first action.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerConfig {
    /// Stable id (`_id`): the widget remembers by it which triggers fired.
    pub id: String,
    /// For the administrator; not sent to visitors.
    pub name: String,
    /// A disabled trigger is not sent.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Fires at most once for a visitor.
    #[serde(default)]
    pub run_once: bool,
    pub conditions: Vec<TriggerConditionConfig>,
    pub actions: Vec<TriggerActionConfig>,
}

/// `page-url` (`value`: a regular expression tested against the page's address),
/// `time-on-site` (`value`: whole seconds), `chat-opened-by-visitor`,
/// `after-guest-registration`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerConditionConfig {
    pub name: String,
    #[serde(default)]
    pub value: Option<TomlScalar>,
}

/// A condition's value as written: `"30"` or `30`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum TomlScalar {
    Int(i64),
    Text(String),
}

impl TomlScalar {
    /// As Rocket.Chat stores it: text.
    pub fn text(&self) -> String {
        match self {
            TomlScalar::Int(n) => n.to_string(),
            TomlScalar::Text(s) => s.clone(),
        }
    }
}

/// `send-message` (the one action a widget carries out).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerActionConfig {
    pub name: String,
    pub params: TriggerParamsConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerParamsConfig {
    /// `queue` (the agent routing would pick, from `livechat/agent.next`) or `custom` (`name`).
    pub sender: String,
    /// The sender's name for `custom`.
    #[serde(default)]
    pub name: String,
    pub msg: String,
}

/// The condition names Rocket.Chat's trigger form offers.
pub const TRIGGER_CONDITIONS: [&str; 4] =
    ["page-url", "time-on-site", "chat-opened-by-visitor", "after-guest-registration"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Shown to visitors with the agent (`phone`), unless `show_agent_info` is off.
    #[serde(default)]
    pub phone: Option<String>,
    /// Rocket.Chat roles: `livechat-agent`, `livechat-manager`, `admin`, `user`.
    #[serde(default = "default_roles")]
    pub roles: Vec<String>,
    /// Presence at start: `online`, `away`, `busy` or `offline`.
    #[serde(default = "default_status")]
    pub status: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentConfig {
    /// Stable id; derived from the name when absent.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    /// Usernames of the department's agents.
    #[serde(default)]
    pub agents: Vec<String>,
    #[serde(default = "yes")]
    pub show_on_registration: bool,
    #[serde(default = "yes")]
    pub show_on_offline_form: bool,
}

/// `[theme]` as the file spells it. The wire type it becomes reads the server's camelCase and
/// ignores what it does not know, which would let a misspelt key pass unnoticed here.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ThemeToml {
    title: String,
    color: String,
    offline_title: String,
    offline_color: String,
    position: String,
    background: Option<String>,
    hide_expand_chat: bool,
}

impl Default for ThemeToml {
    fn default() -> Self {
        let t = Theme::default();
        ThemeToml {
            title: t.title,
            color: t.color,
            offline_title: t.offline_title,
            offline_color: t.offline_color,
            position: t.position,
            background: t.background,
            hide_expand_chat: t.hide_expand_chat,
        }
    }
}

fn theme_from_toml<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Theme, D::Error> {
    let t = ThemeToml::deserialize(d)?;
    Ok(Theme {
        title: t.title,
        color: t.color,
        offline_title: t.offline_title,
        offline_color: t.offline_color,
        position: t.position,
        background: t.background,
        hide_expand_chat: t.hide_expand_chat,
    })
}

/// `[messages]` as the file spells it (see [`ThemeToml`]).
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct MessagesToml {
    offline_message: String,
    offline_success_message: String,
    offline_unavailable_message: String,
    conversation_finished_message: String,
    conversation_finished_text: String,
    transcript_message: String,
    registration_form_message: String,
    data_processing_consent_text: String,
}

fn messages_from_toml<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Messages, D::Error> {
    let m = MessagesToml::deserialize(d)?;
    Ok(Messages {
        offline_message: m.offline_message,
        offline_success_message: m.offline_success_message,
        offline_unavailable_message: m.offline_unavailable_message,
        conversation_finished_message: m.conversation_finished_message,
        conversation_finished_text: m.conversation_finished_text,
        transcript_message: m.transcript_message,
        registration_form_message: m.registration_form_message,
        data_processing_consent_text: m.data_processing_consent_text,
    })
}

fn yes() -> bool {
    true
}

fn default_roles() -> Vec<String> {
    vec!["user".into(), "livechat-agent".into()]
}

fn default_status() -> String {
    "online".into()
}

/// The demo agent's credentials, printed at start.
pub const DEMO_AGENT: (&str, &str) = ("agent", "agent");

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            api_version: 8,
            routing: Routing::Auto,
            accept_chats_with_no_agents: false,
            visitors_can_close: true,
            request_comment_when_closing: true,
            message_character_limit: None,
            message_max_allowed_size: 5000,
            max_body_bytes: 64 * 1024,
            rate_limit: false,
            cors_origin: None,
            show_agent_info: true,
            show_agent_email: true,
            registration_form: true,
            transcript: false,
            transcript_send_always: false,
            force_accept_data_processing_consent: false,
            clear_local_storage_when_chat_ended: false,
            name_field_registration_form: true,
            email_field_registration_form: true,
            display_offline_form: true,
            allow_switching_departments: true,
            language: String::new(),
            theme: Theme::default(),
            messages: Messages::default(),
            agents: vec![AgentConfig {
                username: DEMO_AGENT.0.into(),
                password: DEMO_AGENT.1.into(),
                name: Some("Alex Agent".into()),
                email: Some("agent@example.com".into()),
                phone: None,
                roles: vec!["user".into(), "livechat-agent".into(), "livechat-manager".into()],
                status: "online".into(),
            }],
            departments: ["Sales", "Support"]
                .into_iter()
                .map(|name| DepartmentConfig {
                    id: None,
                    name: name.into(),
                    agents: vec![DEMO_AGENT.0.into()],
                    show_on_registration: true,
                    show_on_offline_form: true,
                })
                .collect(),
            history_monitor_type: "url".into(),
            file_upload: true,
            file_upload_max_size: 104_857_600,
            file_upload_media_type_white_list: String::new(),
            file_upload_media_type_black_list: "image/svg+xml".into(),
            custom_fields: Vec::new(),
            triggers: Vec::new(),
        }
    }
}

impl ServerConfig {
    pub fn load(path: &Path) -> Result<ServerConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let config: ServerConfig = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        config.check()?;
        Ok(config)
    }

    /// Rejects configurations that cannot work: duplicate names, departments naming unknown
    /// agents, agents without a password.
    pub fn check(&self) -> Result<(), String> {
        if !(7..=8).contains(&self.api_version) {
            return Err(format!("api_version must be 7 or 8, not {}", self.api_version));
        }
        let mut seen = std::collections::HashSet::new();
        for agent in &self.agents {
            if agent.username.trim().is_empty() || agent.password.is_empty() {
                return Err("every agent needs a username and a password".into());
            }
            if !seen.insert(agent.username.as_str()) {
                return Err(format!("agent {:?} is listed twice", agent.username));
            }
            if !["online", "away", "busy", "offline"].contains(&agent.status.as_str()) {
                return Err(format!("agent {:?}: status must be online, away, busy or offline", agent.username));
            }
        }
        let mut names = std::collections::HashSet::new();
        for dept in &self.departments {
            if !names.insert(dept.name.as_str()) {
                return Err(format!("department {:?} is listed twice", dept.name));
            }
            if let Some(unknown) = dept.agents.iter().find(|a| !seen.contains(a.as_str())) {
                return Err(format!("department {:?} names unknown agent {unknown:?}", dept.name));
            }
        }
        if self.cors_origin.as_deref().is_some_and(|o| o.trim().is_empty()) {
            return Err("cors_origin is empty: leave it out to keep CORS off, or give \"*\" or the origins".into());
        }
        if !["url", "title"].contains(&self.history_monitor_type.as_str()) {
            return Err(format!("history_monitor_type must be url or title, not {:?}", self.history_monitor_type));
        }
        let mut fields = std::collections::HashSet::new();
        for field in &self.custom_fields {
            if field.id.trim().is_empty() || !fields.insert(field.id.as_str()) {
                return Err(format!("custom field {:?} is empty or listed twice", field.id));
            }
            // Rocket.Chat's form: the key is what a visitor's `livechatData` is keyed by.
            if !field.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                return Err(format!("custom field {:?}: an id is letters, digits, - and _", field.id));
            }
            check_custom_field(field).map_err(|e| format!("custom field {:?}: {e}", field.id))?;
        }
        let mut triggers = std::collections::HashSet::new();
        for trigger in &self.triggers {
            if trigger.id.trim().is_empty() || !triggers.insert(trigger.id.as_str()) {
                return Err(format!("trigger {:?} is empty or listed twice", trigger.id));
            }
            check_trigger(trigger).map_err(|e| format!("trigger {:?}: {e}", trigger.id))?;
        }
        Ok(())
    }
}

/// A custom field that can work: a pattern that compiles, a `select` with choices (none empty
/// or holding a comma), an `input` without any, a default the field itself would take.
fn check_custom_field(field: &CustomFieldConfig) -> Result<(), String> {
    let pattern = match field.regexp.as_deref().filter(|p| !p.is_empty()) {
        // JavaScript's syntax and meaning (`new RegExp(p)`), as Rocket.Chat and the widget read it.
        Some(p) => Some(regress::Regex::new(p).map_err(|e| format!("bad regexp: {e}"))?),
        None => None,
    };
    match field.kind {
        FieldKind::Select => {
            if field.options.is_empty() {
                return Err("a select needs options".into());
            }
            if let Some(bad) = field.options.iter().find(|o| o.trim().is_empty() || o.contains(',')) {
                return Err(format!("option {bad:?}: options are not empty and hold no comma"));
            }
            if !field.default_value.is_empty() && !field.options.contains(&field.default_value) {
                return Err(format!("default_value {:?} is not one of the options", field.default_value));
            }
        }
        FieldKind::Input => {
            if !field.options.is_empty() {
                return Err("options are for type = \"select\"".into());
            }
            if let Some(re) = &pattern
                && !field.default_value.is_empty()
                && re.find(&field.default_value).is_none()
            {
                return Err(format!("default_value {:?} does not match the regexp", field.default_value));
            }
        }
    }
    Ok(())
}

/// A trigger the widget can run: a name, at least one condition and one action (as
/// Rocket.Chat's form requires), known condition names with values that work, and
/// `send-message` actions from `queue` or a named `custom` sender.
fn check_trigger(trigger: &TriggerConfig) -> Result<(), String> {
    if trigger.name.trim().is_empty() {
        return Err("a trigger needs a name".into());
    }
    if trigger.conditions.is_empty() || trigger.actions.is_empty() {
        return Err("a trigger needs at least one condition and one action".into());
    }
    for condition in &trigger.conditions {
        let value = condition.value.as_ref().map(TomlScalar::text);
        match condition.name.as_str() {
            "page-url" => {
                let pattern = value.filter(|v| !v.is_empty()).ok_or("page-url needs a value: a regular expression")?;
                regress::Regex::new(&pattern)
                    .map_err(|e| format!("page-url value is not a JavaScript regular expression: {e}"))?;
            }
            "time-on-site" => {
                let seconds = value.ok_or("time-on-site needs a value: whole seconds")?;
                if seconds.is_empty() || !seconds.bytes().all(|b| b.is_ascii_digit()) || seconds.parse::<u32>().is_err()
                {
                    return Err(format!("time-on-site value {seconds:?} is not a whole number of seconds"));
                }
            }
            "chat-opened-by-visitor" | "after-guest-registration" => {}
            other => {
                return Err(format!("unknown condition {other:?}: one of {}", TRIGGER_CONDITIONS.join(", ")));
            }
        }
    }
    for action in &trigger.actions {
        if action.name != "send-message" {
            return Err(format!(
                "unknown action {:?}: send-message (use-external-service is Rocket.Chat Enterprise's)",
                action.name
            ));
        }
        let params = &action.params;
        match params.sender.as_str() {
            "queue" => {}
            "custom" if !params.name.trim().is_empty() => {}
            "custom" => return Err("a custom sender needs a name".into()),
            other => return Err(format!("sender {other:?}: queue or custom")),
        }
        if params.msg.trim().is_empty() {
            return Err("send-message needs a msg".into());
        }
    }
    Ok(())
}

/// A department's id: the configured one, or one derived from its name (`Sales` → `sales`).
pub fn department_id(dept: &DepartmentConfig) -> String {
    dept.id.clone().unwrap_or_else(|| {
        dept.name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
    })
}

/// Rocket.Chat's default permissions, for the roles the dev server knows.
pub fn role_has(role: &str, permission: &str) -> bool {
    let granted: &[&str] = match role {
        "admin" => return true,
        "livechat-manager" => &[
            "view-l-room",
            "view-livechat-manager",
            "view-livechat-rooms",
            "transfer-livechat-guest",
            "close-livechat-room",
            "close-others-livechat-room",
        ],
        "livechat-agent" => &["view-l-room", "transfer-livechat-guest", "close-livechat-room"],
        _ => &[],
    };
    granted.contains(&permission)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_with_defaults_and_errors() {
        let c: ServerConfig = toml::from_str(
            r#"
            routing = "manual"
            [theme]
            title = "Help"
            [[agents]]
            username = "ann"
            password = "pw"
            [[departments]]
            name = "Billing & Sales"
            agents = ["ann"]
            "#,
        )
        .unwrap();
        c.check().unwrap();
        assert_eq!(c.routing, Routing::Manual);
        assert_eq!(c.theme.title, "Help");
        assert_eq!(c.theme.color, "#C1272D", "unset theme keys keep Rocket.Chat's defaults");
        assert_eq!(department_id(&c.departments[0]), "billing---sales");
        assert_eq!(c.agents[0].roles, ["user", "livechat-agent"]);

        let bad: ServerConfig = toml::from_str("[[departments]]\nname = \"X\"\nagents = [\"nobody\"]").unwrap();
        assert!(bad.check().unwrap_err().contains("unknown agent"));
        assert!(toml::from_str::<ServerConfig>("routing = \"random\"").is_err());
        assert!(toml::from_str::<ServerConfig>("colour = 1").is_err());

        let fields: ServerConfig =
            toml::from_str("[[custom_fields]]\nid = \"plan\"\nregexp = \"^(free|gold)$\"").unwrap();
        fields.check().unwrap();
        assert_eq!(fields.history_monitor_type, "url");
        let bad: ServerConfig = toml::from_str("[[custom_fields]]\nid = \"plan\"\nregexp = \"(\"").unwrap();
        assert!(bad.check().unwrap_err().contains("bad regexp"));
        let bad: ServerConfig = toml::from_str("history_monitor_type = \"hash\"").unwrap();
        assert!(bad.check().is_err());
    }

    #[test]
    fn example_file_is_valid() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/livechat.example.toml");
        let c = ServerConfig::load(Path::new(path)).unwrap();
        assert_eq!(c.agents.len(), 2);
        assert_eq!(c.message_character_limit, Some(1000));
        assert_eq!(department_id(&c.departments[1]), "support");
        // Every key of the example lands where it says, nested tables included.
        assert_eq!(c.theme.title, "Acme support");
        assert_eq!(c.theme.color, "#0B5CAD");
        assert_eq!(c.theme.offline_title, "Leave us a message");
        assert_eq!(c.messages.offline_message, "We are away right now. Leave a message and we will write back.");
        assert_eq!(c.messages.offline_success_message, "Thanks! We will get back to you by e-mail.");
        assert_eq!(c.message_character_limit, Some(1000));
        assert!(c.transcript && !c.force_accept_data_processing_consent);
        assert_eq!(c.agents[0].phone.as_deref(), Some("+1 555 0100"));
        assert_eq!(c.triggers[0].conditions[0].value, Some(TomlScalar::Text("/pricing".into())));
        assert_eq!(c.custom_fields.iter().filter(|f| f.listed()).count(), 2);
    }

    #[test]
    fn the_demo_file_keeps_the_built_in_agent_and_departments() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/livechat.demo.toml");
        let demo = ServerConfig::load(Path::new(path)).unwrap();
        let defaults = ServerConfig::default();
        let agents = |c: &ServerConfig| {
            c.agents
                .iter()
                .map(|a| (a.username.clone(), a.password.clone(), a.roles.clone(), a.status.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(agents(&demo), agents(&defaults));
        let departments =
            |c: &ServerConfig| c.departments.iter().map(|d| (department_id(d), d.agents.clone())).collect::<Vec<_>>();
        assert_eq!(departments(&demo), departments(&defaults));
        // What it adds; the defaults have none of it.
        assert!(demo.transcript && !defaults.transcript);
        assert_eq!((demo.triggers.len(), defaults.triggers.len()), (1, 0));
        assert_eq!(demo.custom_fields.iter().filter(|f| f.listed()).count(), 2);
        assert!(defaults.custom_fields.is_empty());
    }

    #[test]
    fn unknown_keys_anywhere_are_errors_naming_them() {
        let cases = [
            ("colour = \"#fff\"", "colour"),
            ("[theme]\nofflineTitle = \"Away\"", "offlineTitle"),
            ("[messages]\nofflineMessage = \"Away\"", "offlineMessage"),
            ("[messages]\noffline_mesage = \"Away\"", "offline_mesage"),
            ("[[agents]]\nusername = \"a\"\npassword = \"p\"\nrole = \"admin\"", "role"),
            ("[[departments]]\nname = \"D\"\nagent = [\"a\"]", "agent"),
            ("[[custom_fields]]\nid = \"x\"\nregex = \"y\"", "regex"),
            ("[[custom_fields]]\nid = \"x\"\ndefaultValue = \"y\"", "defaultValue"),
            ("transcript_enabled = true", "transcript_enabled"),
            ("[[agents]]\nusername = \"a\"\npassword = \"p\"\nphones = \"1\"", "phones"),
            ("[[triggers]]\nid = \"t\"\nname = \"T\"\nrunOnce = true\nconditions = []\nactions = []", "runOnce"),
            (
                "[[triggers]]\nid = \"t\"\nname = \"T\"\nconditions = [{ name = \"time-on-site\", val = 1 }]\nactions = []",
                "val",
            ),
        ];
        let dir = std::env::temp_dir().join(format!("livechat-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (i, (text, key)) in cases.into_iter().enumerate() {
            let path = dir.join(format!("case{i}.toml"));
            std::fs::write(&path, text).unwrap();
            let error = ServerConfig::load(&path).unwrap_err();
            assert!(error.contains(&format!("unknown field `{key}`")), "{text:?}: {error}");
            assert!(error.contains(&path.display().to_string()), "the error names the file: {error}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
        // The snake_case spellings are the ones read.
        let c: ServerConfig = toml::from_str(
            "[theme]\noffline_color = \"#111111\"\nhide_expand_chat = true\n[messages]\nconversation_finished_message = \"Bye\"",
        )
        .unwrap();
        assert_eq!(c.theme.offline_color, "#111111");
        assert!(c.theme.hide_expand_chat);
        assert_eq!(c.theme.title, "Rocket.Chat", "unset keys keep their defaults");
        assert_eq!(c.messages.conversation_finished_message, "Bye");
    }

    /// `check`'s error for a configuration, which must parse.
    fn refused(text: &str) -> String {
        toml::from_str::<ServerConfig>(text).unwrap_or_else(|e| panic!("{text}: {e}")).check().unwrap_err()
    }

    const SEND: &str =
        r#"actions = [{ name = "send-message", params = { sender = "custom", name = "Ann", msg = "Hi" } }]"#;

    #[test]
    fn triggers_are_checked_at_load() {
        let ok: ServerConfig = toml::from_str(&format!(
            "[[triggers]]\nid = \"a\"\nname = \"A\"\nconditions = [{{ name = \"time-on-site\", value = \"15\" }}]\n{SEND}\n\
             [[triggers]]\nid = \"b\"\nname = \"B\"\nconditions = [{{ name = \"page-url\", value = \"^https://shop\\\\.example/(cart|pay)\" }}]\n{SEND}"
        ))
        .unwrap();
        ok.check().unwrap();
        assert!(ok.triggers[0].enabled && !ok.triggers[0].run_once, "enabled by default, not run once");
        let trigger = |condition: &str, action: &str| {
            format!("[[triggers]]\nid = \"t\"\nname = \"T\"\nconditions = [{condition}]\nactions = [{action}]")
        };
        let send = r#"{ name = "send-message", params = { sender = "queue", msg = "Hi" } }"#;
        let cases = [
            (
                trigger(r#"{ name = "page-url", value = "(" }"#, send),
                "page-url value is not a JavaScript regular expression",
            ),
            // Rust's inline flags are not JavaScript's syntax (the widget's `RegExp` would refuse it).
            (trigger(r#"{ name = "page-url", value = "(?i)pricing" }"#, send), "not a JavaScript regular expression"),
            (trigger(r#"{ name = "page-url" }"#, send), "page-url needs a value"),
            (trigger(r#"{ name = "time-on-site", value = "soon" }"#, send), "is not a whole number of seconds"),
            (trigger(r#"{ name = "time-on-site", value = -5 }"#, send), "is not a whole number of seconds"),
            (trigger(r#"{ name = "time-on-site", value = "1.5" }"#, send), "is not a whole number of seconds"),
            (trigger(r#"{ name = "on-hover" }"#, send), "unknown condition \"on-hover\""),
            (
                trigger(
                    r#"{ name = "chat-opened-by-visitor" }"#,
                    r#"{ name = "use-external-service", params = { sender = "queue", msg = "x" } }"#,
                ),
                "unknown action \"use-external-service\"",
            ),
            (
                trigger(
                    r#"{ name = "chat-opened-by-visitor" }"#,
                    r#"{ name = "send-message", params = { sender = "bot", msg = "x" } }"#,
                ),
                "sender \"bot\": queue or custom",
            ),
            (
                trigger(
                    r#"{ name = "chat-opened-by-visitor" }"#,
                    r#"{ name = "send-message", params = { sender = "custom", msg = "x" } }"#,
                ),
                "a custom sender needs a name",
            ),
            (
                trigger(
                    r#"{ name = "chat-opened-by-visitor" }"#,
                    r#"{ name = "send-message", params = { sender = "queue", msg = " " } }"#,
                ),
                "send-message needs a msg",
            ),
            ("[[triggers]]\nid = \"t\"\nname = \"T\"\nconditions = []\nactions = []".into(), "at least one condition"),
            (
                format!(
                    "{}\n{}",
                    trigger(r#"{ name = "chat-opened-by-visitor" }"#, send),
                    trigger(r#"{ name = "chat-opened-by-visitor" }"#, send)
                ),
                "listed twice",
            ),
        ];
        for (text, error) in cases {
            let got = refused(&text);
            assert!(got.contains(error) && got.starts_with("trigger \"t\""), "{text}: {got}");
        }
    }

    #[test]
    fn custom_fields_are_checked_at_load() {
        let ok: ServerConfig = toml::from_str(
            "[[custom_fields]]\nid = \"plan\"\ntype = \"select\"\noptions = [\"free\", \"gold\"]\ndefault_value = \"gold\"\nvisibility = \"visible\"\npublic = true\n\
             [[custom_fields]]\nid = \"zip_code\"\nregexp = \"^[0-9]{5}$\"\ndefault_value = \"75001\"\nrequired = true\n\
             [[custom_fields]]\nid = \"seats\"\nregexp = \"^(?!0)\\\\d+$\"\ndefault_value = \"12\"",
        )
        .unwrap();
        // JavaScript's syntax, as Rocket.Chat's: a lookahead is fine.
        ok.check().unwrap();
        assert!(ok.custom_fields[0].listed() && !ok.custom_fields[1].listed() && ok.custom_fields[1].not_hidden());
        let cases = [
            ("id = \"plan\"\ntype = \"select\"", "a select needs options"),
            ("id = \"plan\"\ntype = \"select\"\noptions = [\"a,b\"]", "hold no comma"),
            ("id = \"plan\"\ntype = \"select\"\noptions = [\"a\", \"\"]", "options are not empty"),
            ("id = \"plan\"\ntype = \"select\"\noptions = [\"a\"]\ndefault_value = \"b\"", "not one of the options"),
            ("id = \"plan\"\noptions = [\"a\"]", "options are for type = \"select\""),
            ("id = \"zip\"\nregexp = \"^[0-9]+$\"\ndefault_value = \"none\"", "does not match the regexp"),
            ("id = \"shoe size\"", "an id is letters, digits, - and _"),
        ];
        for (field, error) in cases {
            let got = refused(&format!("[[custom_fields]]\n{field}"));
            assert!(got.contains(error), "{field}: {got}");
        }
        assert!(toml::from_str::<ServerConfig>("[[custom_fields]]\nid = \"x\"\ntype = \"checkbox\"").is_err());
        assert!(toml::from_str::<ServerConfig>("[[custom_fields]]\nid = \"x\"\nvisibility = \"public\"").is_err());
    }

    #[test]
    fn permissions() {
        assert!(role_has("livechat-agent", "view-l-room"));
        assert!(!role_has("livechat-agent", "view-livechat-manager"));
        assert!(!role_has("user", "view-l-room"));
        assert!(role_has("admin", "anything"));
    }
}
