//! What `livechat/config` lists from the TOML settings: the transcript, consent and storage
//! settings, the texts, triggers (Rocket.Chat's `findTriggers`), the pre-chat form's custom
//! fields (`getLivechatCustomFields`), and the agent as visitors see it.

mod common;

use common::*;
use serde_json::{Value, json};

/// A server with these TOML settings (every other key at its default).
fn with_toml(text: &'static str) -> TestApp {
    TestApp::with(|c| {
        *c = toml::from_str(text).unwrap();
        c.check().unwrap();
    })
}

async fn config(app: &TestApp) -> Value {
    success(app.get("livechat/config").await)["config"].clone()
}

#[tokio::test]
async fn the_defaults_are_rocket_chats_everything_off() {
    let c = config(&TestApp::new()).await;
    let s = &c["settings"];
    for key in ["transcript", "forceAcceptDataProcessingConsent", "clearLocalStorageWhenChatEnded"] {
        assert_eq!(s[key], false, "{key}");
    }
    assert_eq!(s["historyMonitorType"], "url");
    assert_eq!(c["triggers"], json!([]));
    assert_eq!(c["customFields"], json!([]));
    for key in
        ["transcriptMessage", "dataProcessingConsentText", "conversationFinishedMessage", "conversationFinishedText"]
    {
        assert_eq!(c["messages"][key], "", "{key}");
    }
}

#[tokio::test]
async fn settings_and_texts_reach_the_config() {
    let app = with_toml(
        r#"
        transcript = true
        force_accept_data_processing_consent = true
        clear_local_storage_when_chat_ended = true
        history_monitor_type = "title"
        [messages]
        transcript_message = "Want a copy?"
        data_processing_consent_text = "We keep what you write."
        conversation_finished_message = "Thanks!"
        conversation_finished_text = "Start again any time."
        "#,
    );
    let c = config(&app).await;
    let s = &c["settings"];
    assert_eq!(
        (&s["transcript"], &s["forceAcceptDataProcessingConsent"], &s["clearLocalStorageWhenChatEnded"]),
        (&json!(true), &json!(true), &json!(true))
    );
    assert_eq!(s["historyMonitorType"], "title");
    let m = &c["messages"];
    assert_eq!(m["transcriptMessage"], "Want a copy?");
    assert_eq!(m["dataProcessingConsentText"], "We keep what you write.");
    assert_eq!(m["conversationFinishedMessage"], "Thanks!");
    assert_eq!(m["conversationFinishedText"], "Start again any time.");
}

#[tokio::test]
async fn enabled_triggers_are_listed_as_rocket_chat_lists_them() {
    let app = with_toml(
        r#"
        [[triggers]]
        id = "welcome"
        name = "Welcome"
        run_once = true
        conditions = [{ name = "time-on-site", value = 10 }]
        actions = [{ name = "send-message", params = { sender = "custom", name = "Alex", msg = "Need a hand?" } }]

        [[triggers]]
        id = "pricing"
        name = "Pricing page"
        conditions = [{ name = "page-url", value = "/pricing" }, { name = "chat-opened-by-visitor" }]
        actions = [{ name = "send-message", params = { sender = "queue", msg = "Questions about plans?" } }]

        [[triggers]]
        id = "off"
        name = "Not yet"
        enabled = false
        conditions = [{ name = "after-guest-registration" }]
        actions = [{ name = "send-message", params = { sender = "queue", msg = "Hidden" } }]
        "#,
    );
    let c = config(&app).await;
    assert_eq!(
        c["triggers"],
        json!([
            {
                "_id": "welcome",
                "runOnce": true,
                "conditions": [{"name": "time-on-site", "value": "10"}],
                "actions": [{"name": "send-message", "params": {"sender": "custom", "name": "Alex", "msg": "Need a hand?"}}],
            },
            {
                "_id": "pricing",
                "runOnce": false,
                "conditions": [{"name": "page-url", "value": "/pricing"}, {"name": "chat-opened-by-visitor"}],
                "actions": [{"name": "send-message", "params": {"sender": "queue", "name": "", "msg": "Questions about plans?"}}],
            },
        ])
    );
}

#[tokio::test]
async fn the_form_lists_visible_public_fields() {
    let app = with_toml(
        r#"
        [[custom_fields]]
        id = "plan"
        label = "Your plan"
        type = "select"
        options = ["free", "gold"]
        default_value = "free"
        required = true
        visibility = "visible"
        public = true

        [[custom_fields]]
        id = "company"
        regexp = "^[A-Z]"
        visibility = "visible"
        public = true

        [[custom_fields]]
        id = "internal"
        visibility = "visible"

        [[custom_fields]]
        id = "secret"
        visibility = "hidden"
        public = true

        [[custom_fields]]
        id = "legacy"
        "#,
    );
    let c = config(&app).await;
    assert_eq!(
        c["customFields"],
        json!([
            {"_id": "plan", "label": "Your plan", "type": "select", "required": true, "regexp": "",
             "options": ["free", "gold"], "defaultValue": "free"},
            {"_id": "company", "label": "company", "type": "input", "required": false, "regexp": "^[A-Z]",
             "defaultValue": null},
        ])
    );
}

#[tokio::test]
async fn agents_show_their_phone_and_their_email_as_configured() {
    fn phoned(c: &mut ServerConfig) {
        c.agents[0].phone = Some("+1 555 0100".into());
    }
    let app = TestApp::with(phoned);
    let rid = app.chat("t").await;
    let agent = success(app.get(&format!("livechat/agent.info/{rid}/t")).await)["agent"].clone();
    assert_eq!(agent["phone"], json!([{"phoneNumber": "+1 555 0100"}]));
    assert_eq!(agent["emails"], json!([{"address": "agent@example.com"}]));
    let config = success(app.get("livechat/config?token=t").await)["config"].clone();
    assert_eq!(config["agent"], agent);

    let no_email = TestApp::with(|c| {
        phoned(c);
        c.show_agent_email = false;
    });
    let rid = no_email.chat("t").await;
    let agent = success(no_email.get(&format!("livechat/agent.info/{rid}/t")).await)["agent"].clone();
    assert_eq!(agent["phone"], json!([{"phoneNumber": "+1 555 0100"}]));
    assert!(agent.get("emails").is_none(), "{agent}");

    let hidden = TestApp::with(|c| {
        phoned(c);
        c.show_agent_info = false;
    });
    let rid = hidden.chat("t").await;
    assert_eq!(
        success(hidden.get(&format!("livechat/agent.info/{rid}/t")).await)["agent"],
        json!({"hiddenInfo": true})
    );
}
