//! The typed client against real dev servers, in headless Chromium.
//!
//! `cargo xtask test` starts two servers and passes their addresses at compile time:
//! `LIVECHAT_TEST_SERVER` (Rocket.Chat 8's API, `tests/browser-server.toml`) and
//! `LIVECHAT_TEST_SERVER_LEGACY` (Rocket.Chat 7's API, manual routing, rate limits). The page runs on the
//! test runner's own origin, so every call here is cross-origin, as on a customer's site.
#![cfg(target_arch = "wasm32")]
// Without the server address the tests must stop with a clear message, not be skipped.
#![allow(clippy::option_env_unwrap)]

use livechat_widget::api::{AgentClient, Error, Transport, VisitorClient};
use livechat_widget::storage::new_token;
use livechat_widget::wire::message::HistoryQuery;
use livechat_widget::wire::offline_message::OfflineMessage;
use livechat_widget::wire::room::{ForwardRoom, SurveyItem, survey};
use livechat_widget::wire::rooms::RoomsQuery;
use livechat_widget::wire::visitor::NewVisitor;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn server() -> Transport {
    Transport::new(
        option_env!("LIVECHAT_TEST_SERVER")
            .expect("LIVECHAT_TEST_SERVER: run the browser tests with `cargo xtask test`"),
    )
}

fn legacy_server() -> Transport {
    Transport::new(
        option_env!("LIVECHAT_TEST_SERVER_LEGACY")
            .expect("LIVECHAT_TEST_SERVER_LEGACY: run the browser tests with `cargo xtask test`"),
    )
}

/// A registered visitor with a fresh token.
async fn visitor_on(transport: Transport, department: Option<&str>) -> VisitorClient {
    let token = new_token();
    let client = VisitorClient::new(transport, &token);
    // Rocket.Chat matches visitors by e-mail: each test visitor needs its own.
    let details = NewVisitor {
        name: Some("Ada Lovelace".into()),
        email: Some(format!("ada.{}@example.com", token.to_lowercase())),
        department: department.map(str::to_owned),
        ..NewVisitor::default()
    };
    client.register(details).await.expect("register");
    client
}

async fn visitor() -> VisitorClient {
    visitor_on(server(), None).await
}

async fn agent() -> AgentClient {
    AgentClient::login(server(), "agent", "agent").await.expect("agent login")
}

fn expect_code<T: std::fmt::Debug>(result: Result<T, Error>, status: u16, code: &str) -> Error {
    let err = result.expect_err(&format!("expected {code}"));
    assert_eq!(err.status(), Some(status), "{err}");
    assert!(err.is(code), "expected {code}, got {err:?}");
    err
}

#[wasm_bindgen_test]
async fn visitor_registers_and_reads_itself_back() {
    let client = visitor().await;
    let me = client.visitor().await.unwrap();
    assert_eq!((me.token.as_str(), me.name.as_deref()), (client.token(), Some("Ada Lovelace")));
    assert_eq!(me.email(), Some(format!("ada.{}@example.com", client.token().to_lowercase()).as_str()));
    assert!(me.username.starts_with("guest-"));
    let config = client.config(None).await.unwrap();
    assert!(config.online);
    assert_eq!(config.guest.unwrap().id, me.id);
    assert!(config.departments.iter().any(|d| d.id == "support"));

    let unknown = VisitorClient::new(server(), "never-registered-token");
    expect_code(unknown.visitor().await, 400, "invalid-token");
    // Registration needs a token.
    let blank = VisitorClient::new(server(), "   ");
    expect_code(blank.register(NewVisitor::default()).await, 400, "error-invalid-token");
    let bad_email = VisitorClient::new(server(), &new_token());
    let err = bad_email.register(NewVisitor { email: Some("not-an-email".into()), ..NewVisitor::default() }).await;
    expect_code(err, 400, "error-invalid-email");
}

#[wasm_bindgen_test]
async fn a_conversation_from_first_message_to_survey() {
    let client = visitor().await;
    let opened = client.room(None).await.unwrap();
    assert!(opened.new_room);
    let rid = opened.room.id.clone();
    assert!(opened.room.is_open());
    let again = client.room(None).await.unwrap();
    assert_eq!((again.new_room, again.room.id.as_str()), (false, rid.as_str()));
    assert_eq!(client.room(Some(&rid)).await.unwrap().room.id, rid);

    let id = format!("m-{}", new_token());
    let sent = client.send_message(&rid, "Hello there", Some(&id)).await.unwrap();
    assert_eq!(
        (sent.id.as_str(), sent.msg.as_str(), sent.token.as_deref()),
        (id.as_str(), "Hello there", Some(client.token()))
    );
    // The same `_id` again: the server refuses to store it twice, and the client confirms the
    // message it already has instead of failing.
    let again = client.send_message(&rid, "Hello there", Some(&id)).await.unwrap();
    assert_eq!((again.id.as_str(), again.ts), (id.as_str(), sent.ts));
    // A clashing id that is not this visitor's message stays an error.
    let other = visitor().await;
    let other_rid = other.room(None).await.unwrap().room.id;
    let err = other.send_message(&other_rid, "mine?", Some(&id)).await.unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");

    let staff = agent().await;
    let reply = staff.send_message(&rid, "Hi Ada!", None).await.unwrap();
    let history = client.history(&rid, &HistoryQuery::default()).await.unwrap();
    let normal: Vec<&str> = history.iter().filter(|m| !m.is_system()).map(|m| m.msg.as_str()).collect();
    assert_eq!(normal, ["Hi Ada!", "Hello there"], "newest first, each once");
    assert_eq!(history.last().unwrap().t.as_deref(), Some("livechat-started"));
    let older =
        client.history(&rid, &HistoryQuery { end: reply.ts, limit: Some(1), ..HistoryQuery::default() }).await.unwrap();
    assert_eq!(older[0].id, id, "`end` is exclusive");

    let edited = client.edit_message(&rid, &id, "Hello there!").await.unwrap();
    assert_eq!(edited.msg, "Hello there!");
    assert!(edited.edited_at.is_some());
    assert_eq!(client.message(&rid, &id).await.unwrap().msg, "Hello there!");
    expect_code(client.edit_message(&rid, &reply.id, "not mine").await, 400, "error-action-not-allowed");
    let deleted = client.delete_message(&rid, &id).await.unwrap();
    assert_eq!(deleted.id, id);
    expect_code(client.message(&rid, &id).await, 400, "invalid-message");

    let served_by = client.agent_info(&rid).await.unwrap();
    assert_eq!(served_by.username.as_deref(), Some("agent"));

    let closed = client.close_room(&rid).await.unwrap();
    assert_eq!((closed.rid.as_str(), closed.comment.as_str()), (rid.as_str(), "Closed by visitor"));
    expect_code(client.send_message(&rid, "anyone?", None).await, 400, "room-closed");
    expect_code(client.close_room(&rid).await, 400, "room-closed");

    let rating = vec![
        SurveyItem { name: survey::SATISFACTION.into(), value: "5".into() },
        SurveyItem { name: survey::AGENT_RESPONSIVENESS.into(), value: "4".into() },
        SurveyItem { name: survey::ADDITIONAL_FEEDBACK.into(), value: "Quick and kind".into() },
    ];
    let answer = client.survey(&rid, rating).await.unwrap();
    assert_eq!(answer.data.get("agentResposiveness").map(String::as_str), Some("4"));
    assert_eq!(answer.data.len(), 3);
}

#[wasm_bindgen_test]
async fn a_visitor_cannot_touch_another_visitors_room() {
    let alice = visitor().await;
    let mallory = visitor().await;
    let rid = alice.room(None).await.unwrap().room.id;
    let msg = alice.send_message(&rid, "private", None).await.unwrap();
    expect_code(mallory.history(&rid, &HistoryQuery::default()).await, 400, "invalid-room");
    expect_code(mallory.send_message(&rid, "hi", None).await, 400, "invalid-room");
    expect_code(mallory.room(Some(&rid)).await, 400, "invalid-room");
    expect_code(mallory.close_room(&rid).await, 400, "invalid-room");
    expect_code(mallory.delete_message(&rid, &msg.id).await, 400, "invalid-room");
    expect_code(mallory.agent_info(&rid).await, 400, "invalid-room");
    let unregistered = VisitorClient::new(server(), &new_token());
    expect_code(unregistered.room(None).await, 400, "invalid-token");
}

#[wasm_bindgen_test]
async fn validation_errors_carry_rocket_chats_codes() {
    let client = visitor().await;
    let rid = client.room(None).await.unwrap().room.id;
    let err = expect_code(client.send_message(&rid, "", None).await, 400, "invalid-params");
    assert_eq!(err.message(), Some("must NOT have fewer than 1 characters [invalid-params]"));
    let err = client.survey(&rid, Vec::new()).await.unwrap_err();
    assert!(err.is("invalid-params"), "{err:?}");
    expect_code(
        client.survey(&rid, vec![SurveyItem { name: "satisfaction".into(), value: "9".into() }]).await,
        400,
        "invalid-data",
    );
}

#[wasm_bindgen_test]
async fn nobody_online_means_no_room_and_an_offline_message() {
    let client = visitor_on(server(), Some("night")).await;
    assert!(!client.config(Some("night")).await.unwrap().online);
    let err = expect_code(client.room(None).await, 400, "no-agent-online");
    assert_eq!(err.message(), Some("Sorry, no online agents [no-agent-online]"));

    let note = OfflineMessage {
        name: "Ada".into(),
        email: "ada@example.com".into(),
        message: "Call me back, please.".into(),
        department: Some("night".into()),
        host: None,
    };
    assert_eq!(client.offline_message(&note).await.unwrap(), "Livechat offline message sent");
    let bad = OfflineMessage { email: "nope".into(), ..note };
    let err = client.offline_message(&bad).await.unwrap_err();
    assert_eq!((err.status(), err.message()), (Some(400), Some("Error sending livechat offline message")));
}

#[wasm_bindgen_test]
async fn transfer_uses_the_8x_path_and_falls_back_to_7x() {
    let client = visitor().await;
    let rid = client.room(None).await.unwrap().room.id;
    assert_eq!(client.transfer(&rid, "support").await.unwrap(), None, "8.x answers only success");
    assert_eq!(client.config(None).await.unwrap().room.unwrap().department_id.as_deref(), Some("support"));
    let history = client.history(&rid, &HistoryQuery::default()).await.unwrap();
    assert_eq!(history[0].t.as_deref(), Some("livechat_transfer_history"));

    let old = visitor_on(legacy_server(), None).await;
    let rid = old.room(None).await.unwrap().room.id;
    let room = old.transfer(&rid, "support").await.unwrap().expect("7.x answers with the room");
    assert_eq!(room.department_id.as_deref(), Some("support"));
    expect_code(old.transfer("no-such-room", "support").await, 400, "invalid-room");
}

#[wasm_bindgen_test]
async fn rate_limits_say_when_to_retry() {
    let client = visitor_on(legacy_server(), None).await;
    let note = OfflineMessage {
        name: "Ada".into(),
        email: "ada@example.com".into(),
        message: "first".into(),
        department: None,
        host: None,
    };
    // One offline message per five seconds per address; a second one may or may not land in
    // the same window as an earlier test's, so send until the limiter answers.
    let mut limited = None;
    for _ in 0..3 {
        if let Err(e) = client.offline_message(&note).await {
            limited = Some(e);
            break;
        }
    }
    match limited.expect("the limiter answers within three calls") {
        Error::RateLimited { endpoint, retry_after, error } => {
            assert_eq!(endpoint, "POST livechat/offline.message");
            assert!(retry_after.is_some_and(|s| (1..=5).contains(&s)), "{retry_after:?}");
            assert!(error.unwrap().starts_with("Error, too many requests"));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn agents_log_in_and_work_the_room() {
    let staff = agent().await;
    assert_eq!(staff.me().username, "agent");
    assert_eq!(staff.whoami().await.unwrap().username, "agent");
    let client = visitor().await;
    let rid = client.room(None).await.unwrap().room.id;

    let mine = staff.rooms(&RoomsQuery { open: Some(true), count: Some(100), ..RoomsQuery::default() }).await.unwrap();
    assert!(mine.rooms.iter().any(|r| r.id == rid), "the open room is listed");
    assert!(mine.page.total >= mine.page.count);
    let inquiry = staff.inquiry(&rid).await.unwrap().expect("the room has an inquiry");
    assert_eq!(inquiry.status, "taken");
    assert!(staff.inquiry("no-such-room").await.unwrap().is_none());
    expect_code(staff.take_inquiry("no-such-inquiry", None).await, 400, "error-not-found");
    assert!(staff.inquiries(&Default::default()).await.is_ok());

    // Forward to Bob; the agent can then no longer reply; Bob closes with a comment.
    let bob_id = {
        let bob = AgentClient::login(server(), "bob", "bob-password").await.unwrap();
        bob.user_id().to_owned()
    };
    staff
        .forward(&ForwardRoom { room_id: rid.clone(), user_id: Some(bob_id.clone()), ..ForwardRoom::default() })
        .await
        .unwrap();
    assert_eq!(client.agent_info(&rid).await.unwrap().id, bob_id);
    expect_code(staff.send_message(&rid, "still me?", None).await, 400, "error-not-allowed");
    let bob = AgentClient::login(server(), "bob", "bob-password").await.unwrap();
    bob.send_message(&rid, "Bob here.", None).await.unwrap();
    let seen = bob.room_history(&client.room(None).await.unwrap().room, &HistoryQuery::default()).await.unwrap();
    assert_eq!(seen[0].msg, "Bob here.");
    expect_code(bob.close_room(&rid, None).await, 400, "error-comment-is-required");
    bob.close_room(&rid, Some("Resolved")).await.unwrap();
    expect_code(bob.close_room(&rid, Some("again")).await, 400, "error-room-already-closed");
}

#[wasm_bindgen_test]
async fn a_queued_chat_is_taken_and_a_preferred_agent_is_honoured() {
    // Manual routing: the room waits in the queue until an agent takes it.
    let client = visitor_on(legacy_server(), None).await;
    let room = client.room(None).await.unwrap().room;
    assert!(room.served_by.is_none());
    let staff = AgentClient::login(legacy_server(), "agent", "agent").await.unwrap();
    let queued = staff.inquiries(&Default::default()).await.unwrap();
    let inquiry = queued.inquiries.iter().find(|i| i.rid == room.id).expect("the room is queued");
    staff.take_inquiry(&inquiry.id, None).await.unwrap();
    assert_eq!(client.agent_info(&room.id).await.unwrap().username.as_deref(), Some("agent"));
    expect_code(staff.take_inquiry(&inquiry.id, None).await, 400, "error-inquiry-taken");

    // Asking for an agent by id.
    let bob = AgentClient::login(server(), "bob", "bob-password").await.unwrap();
    let other = visitor().await;
    let served = other.room_with_agent(bob.user_id()).await.unwrap().room.served_by.unwrap();
    assert_eq!(served.id, bob.user_id());
}

#[wasm_bindgen_test]
async fn agents_set_their_presence() {
    let sam = AgentClient::login(server(), "sam", "sam-password").await.unwrap();
    sam.set_livechat_status("not-available").await.unwrap();
    assert_eq!(sam.whoami().await.unwrap().status_livechat.as_deref(), Some("not-available"));
    sam.set_livechat_status("available").await.unwrap();
    sam.set_status("away").await.unwrap();
    assert_eq!(sam.whoami().await.unwrap().status.as_deref(), Some("away"));
    sam.set_status("online").await.unwrap();
    expect_code(sam.set_status("sleeping").await, 400, "error-invalid-status");
}

#[wasm_bindgen_test]
async fn agent_calls_need_a_login_and_a_permission() {
    let forged = AgentClient::resume(server(), "nobody", "forged-token");
    let err = forged.rooms(&RoomsQuery::default()).await.unwrap_err();
    assert_eq!((err.status(), err.message()), (Some(401), Some("You must be logged in to do this.")));
    let wrong = AgentClient::login(server(), "agent", "wrong password").await.unwrap_err();
    assert_eq!((wrong.status(), wrong.message()), (Some(401), Some("Unauthorized")));

    let plain = AgentClient::login(server(), "plain", "plain-password").await.unwrap();
    let err = plain.inquiries(&Default::default()).await.unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");

    let session = agent().await;
    session.logout().await.unwrap();
    assert_eq!(session.whoami().await.unwrap_err().status(), Some(401));
}

#[wasm_bindgen_test]
async fn transport_failures_are_errors_not_panics() {
    // Nothing listens on port 9 of loopback.
    let nowhere = VisitorClient::new(Transport::new("http://127.0.0.1:9"), "t");
    match nowhere.config(None).await.unwrap_err() {
        Error::Network { endpoint, .. } => assert_eq!(endpoint, "GET livechat/config"),
        other => panic!("expected a network error, got {other:?}"),
    }
    // A path below the server's root answers its HTML page, not the API.
    let base = format!("{}/not-the-api", server().server_url());
    let html = VisitorClient::new(Transport::new(&base), "t");
    match html.config(None).await.unwrap_err() {
        Error::Decode { endpoint, .. } => assert_eq!(endpoint, "GET livechat/config"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn page_visits_are_reported_and_only_tracked_changes_saved() {
    let client = visitor().await;
    let saved = client.page_visited(None, "Pricing", "https://shop.example/pricing", "url").await.unwrap();
    let saved = saved.expect("a url change is tracked");
    assert_eq!(saved.msg, "Pricing - https://shop.example/pricing");
    assert_eq!(saved.navigation.token, client.token());
    let room = client.room(None).await.unwrap().room;
    assert!(client.page_visited(Some(&room.id), "Cart", "https://shop.example/cart", "url").await.unwrap().is_some());
    assert_eq!(
        client.page_visited(Some(&room.id), "Cart (2)", "https://shop.example/cart", "title").await.unwrap(),
        None
    );
}

#[wasm_bindgen_test]
async fn custom_fields_are_set_kept_and_read_back() {
    use livechat_widget::wire::custom_field::CustomField;
    let client = visitor().await;
    let field = client.set_custom_field("plan", "gold", true).await.unwrap();
    assert_eq!((field.key.as_str(), field.value.as_str(), field.overwrite), ("plan", "gold", true));
    client.set_custom_field("plan", "free", false).await.unwrap();
    let saved = client
        .set_custom_fields(vec![CustomField { key: "company".into(), value: "Acme".into(), overwrite: true }])
        .await
        .unwrap();
    assert_eq!(saved[0].key, "company");
    let me = client.visitor().await.unwrap();
    assert_eq!(me.livechat_data.get("plan").map(String::as_str), Some("gold"), "overwrite false kept gold");
    assert_eq!(me.livechat_data.get("company").map(String::as_str), Some("Acme"));

    let stranger = VisitorClient::new(server(), &new_token());
    expect_code(stranger.set_custom_field("plan", "gold", true).await, 400, "invalid-token");
}
