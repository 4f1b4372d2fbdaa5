//! `livechat/transcript` (stored, not e-mailed; listed at `livechat/transcripts`) and what a
//! close writes when transcripts are on: the `promptTranscript` command, `transcriptRequested`.

mod common;

use common::*;
use livechat_dev_server::hub::Outbox;
use serde_json::{Value, json};

fn transcripts_on(c: &mut ServerConfig) {
    c.transcript = true;
}

fn ask(token: &str, rid: &str, email: &str) -> Value {
    json!({"token": token, "rid": rid, "email": email})
}

#[tokio::test]
async fn a_transcript_is_stored_answered_and_noted_in_the_room() {
    let app = TestApp::with(transcripts_on);
    let rid = app.chat("t").await;
    app.say("t", &rid, "hello").await;
    app.close("t", &rid).await;
    let body = success(app.post("livechat/transcript", ask("t", &rid, "ada@example.com")).await);
    assert_eq!(body, json!({"message": "Omnichannel transcript sent", "success": true}));

    // Rocket.Chat's record of it: a system message from rocket.cat, nothing in it.
    let newest = &app.history("t", &rid, "").await[0];
    assert_eq!(newest["t"], "livechat_transcript_history");
    assert_eq!(newest["msg"], "");
    assert_eq!(newest["u"]["_id"], "rocket.cat");
    assert_eq!(newest["u"]["username"], "rocket.cat");
    assert_eq!(newest["groupable"], false);

    // Listed for managers, newest first, as offline messages are.
    let manager = app.as_agent().await;
    success(app.post("livechat/transcript", ask("t", &rid, "second@example.com")).await);
    let listed = success(manager.get("livechat/transcripts").await)["transcripts"].clone();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["email"], "second@example.com");
    assert_eq!(listed[1]["email"], "ada@example.com");
    assert_eq!(listed[1]["rid"].as_str(), Some(rid.as_str()));
    assert!(listed[1].get("token").is_none(), "the visitor's token is a credential: not listed");
    assert!(listed[1]["ts"].is_string() && listed[1]["_id"].is_string() && listed[1]["visitorId"].is_string());
}

#[tokio::test]
async fn transcript_listing_is_for_managers() {
    let app = TestApp::with(add_bob);
    check(&app.get("livechat/transcripts").await, 401, "You must be logged in to do this.");
    let bob = app.as_user(BOB).await;
    check(
        &bob.get("livechat/transcripts").await,
        403,
        "User does not have the permissions required for this action [error-unauthorized]",
    );
}

#[tokio::test]
async fn transcript_errors_are_rocket_chats_in_its_order() {
    let app = TestApp::with(transcripts_on);
    let rid = app.chat("t").await;
    let other = app.chat("other").await;
    let cases = [
        (json!({"token": "t", "rid": rid}), "must have required property 'email'"),
        (json!({"rid": rid, "email": "a@b.co"}), "must have required property 'token'"),
        (json!({"token": "t", "rid": rid, "email": "a@b.co", "subject": "x"}), "must NOT have additional properties"),
        (json!({"token": "t", "rid": rid, "email": ["a@b.co"]}), "must be string"),
    ];
    for (body, error) in cases {
        check_typed(&app.post("livechat/transcript", body).await, error);
    }
    // The room first (any of the visitor's rooms, open or closed), then whose it is, then the
    // address (Rocket.Chat's mailer: one `@` with text either side, nothing more).
    check(&app.post("livechat/transcript", ask("t", "nope", "bad")).await, 400, "error-invalid-room");
    check(&app.post("livechat/transcript", ask("t", &other, "bad")).await, 400, "error-invalid-visitor");
    check(&app.post("livechat/transcript", ask("nobody", &rid, "a@b.co")).await, 400, "error-invalid-visitor");
    for bad in ["", "ada", "ada@", "@example.com", "a@b@c"] {
        check(&app.post("livechat/transcript", ask("t", &rid, bad)).await, 400, "[invalid email]");
    }
    success(app.post("livechat/transcript", ask("t", &rid, "ada@localhost")).await);
    // An open room is taken too: Rocket.Chat sends what was said so far.
    let manager = app.as_agent().await;
    assert_eq!(success(manager.get("livechat/transcripts").await)["transcripts"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_transcript_setting_only_decides_what_the_widget_offers() {
    // Rocket.Chat's `sendTranscript` does not read `Livechat_enable_transcript`.
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.close("t", &rid).await;
    success(app.post("livechat/transcript", ask("t", &rid, "ada@example.com")).await);
    let config = success(app.get("livechat/config").await)["config"].clone();
    assert_eq!(config["settings"]["transcript"], false);
    let on = TestApp::with(transcripts_on);
    assert_eq!(success(on.get("livechat/config").await)["config"]["settings"]["transcript"], true);
}

// ---------------------------------------------------------------------------------------------
// What closing writes

#[tokio::test]
async fn a_close_prompts_for_the_transcript_when_transcripts_are_on() {
    let app = TestApp::with(transcripts_on);
    let visitor = app.register_visitor("t").await;
    let rid = app.open_room("t").await;
    app.close("t", &rid).await;
    let history = app.history("t", &rid, "").await;
    assert_eq!(types(&history)[..2], [Some("command"), Some("livechat-close")]);
    let (command, close) = (&history[0], &history[1]);
    assert_eq!(command["msg"], "promptTranscript");
    assert_eq!(command["u"]["_id"], visitor["_id"], "from whoever closed");
    assert_eq!(command["groupable"], false);
    assert!(command.get("token").is_none(), "{command}");
    assert_eq!(close["transcriptRequested"], false);
    assert_eq!(close["token"], "t");

    // An agent's close prompts too, from the agent; its close message carries no token.
    let agent = app.as_agent().await;
    let rid = app.open_room("t").await;
    success(agent.post("livechat/room.closeByUser", json!({"rid": rid, "comment": "done"})).await);
    let history = app.history("t", &rid, "").await;
    assert_eq!(types(&history)[..2], [Some("command"), Some("livechat-close")]);
    assert_eq!(history[0]["u"]["username"], "agent");
    assert!(history[1].get("token").is_none(), "{}", history[1]);
}

#[tokio::test]
async fn no_prompt_when_transcripts_are_off_or_sent_always() {
    let cases: [(Edit, bool); 3] = [
        (|_| {}, false),
        (|c| c.transcript_send_always = true, true),
        (
            |c| {
                c.transcript = true;
                c.transcript_send_always = true;
            },
            false,
        ),
    ];
    for (edit, requested) in cases {
        let app = TestApp::with(edit);
        let rid = app.chat("t").await;
        app.close("t", &rid).await;
        let history = app.history("t", &rid, "").await;
        assert_eq!(history[0]["t"], "livechat-close", "no command");
        assert_eq!(history[0]["transcriptRequested"], requested);
    }
}

#[tokio::test]
async fn the_prompt_is_streamed_after_the_close() {
    let app = TestApp::with(transcripts_on);
    let rid = app.chat("t").await;
    let hub = &app.state().hub;
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let conn = hub.connect();
    hub.subscribe(conn, "m", "stream-room-messages", &rid, Outbox { tx, kick: Default::default() });
    app.close("t", &rid).await;
    let mut seen = Vec::new();
    while let Ok(frame) = rx.try_recv() {
        let frame: Value = serde_json::from_str(&frame).unwrap();
        seen.push(frame["fields"]["args"][0]["t"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen, ["livechat-close", "command"]);
}
