//! The session against a real dev server, in headless Chromium: each journey a visitor takes.
#![cfg(target_arch = "wasm32")]
// Without the server address the tests must stop with a clear message, not be skipped.
#![allow(clippy::option_env_unwrap)]

use leptos::prelude::*;
use livechat_widget::api::{AgentClient, Transport, VisitorClient};
use livechat_widget::i18n::{Key, Lang};
use livechat_widget::session::{Delivery, Screen, Session, SessionOptions};
use livechat_widget::storage::new_token;
use livechat_widget::wire::room::{SurveyItem, survey};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/sleep.rs"]
mod sleep;
use sleep::sleep;

fn server_url() -> &'static str {
    option_env!("LIVECHAT_TEST_SERVER").expect("LIVECHAT_TEST_SERVER: run the browser tests with `cargo xtask test`")
}

/// A session as a new visitor, under a reactive owner the test keeps alive (signals die with
/// their owner).
/// Each test is a new visitor in its own storage namespace (tests run interleaved in one page).
fn session(options: SessionOptions) -> (Owner, Session) {
    let owner = Owner::new();
    owner.set();
    let options = SessionOptions { namespace: new_token(), ..options };
    (owner.clone(), Session::new(server_url(), Lang::En, options))
}

fn unique_email() -> String {
    format!("v.{}@example.com", new_token().to_lowercase())
}

fn texts(s: &Session) -> Vec<String> {
    s.conversation.with_untracked(|c| c.messages().iter().filter(|m| m.t.is_none()).map(|m| m.msg.clone()).collect())
}

#[wasm_bindgen_test]
async fn register_chat_close_rate_and_start_again() {
    let (_owner, s) = session(SessionOptions::default());
    s.start().await;
    assert_eq!(s.screen.get_untracked(), Screen::Register, "the server asks for the pre-chat form");
    assert!(s.registration_departments().iter().any(|d| d.id == "support"));

    // Invalid input is caught before anything is sent.
    let errors = s.register(String::new(), "not-an-email".into(), None).await;
    assert_eq!((errors.name, errors.email), (Some(Key::NameRequired), Some(Key::EmailInvalid)));
    assert_eq!(s.screen.get_untracked(), Screen::Register);

    let errors = s.register("Ada".into(), unique_email(), Some("support".into())).await;
    assert!(errors.is_empty());
    assert_eq!(s.screen.get_untracked(), Screen::Chat);
    assert_eq!(s.visitor.get_untracked().unwrap().name.as_deref(), Some("Ada"));

    // The first message creates the room; it shows at once and is confirmed.
    s.send("  Hello!  ".into()).await;
    let room = s.room.get_untracked().expect("a room");
    assert_eq!(room.department_id.as_deref(), Some("support"));
    assert_eq!(texts(&s), ["Hello!"]);
    assert!(s.outbox.get_untracked().is_empty(), "confirmed");
    s.send("   ".into()).await;
    assert_eq!(texts(&s), ["Hello!"], "blank messages are not sent");

    // The agent answers; while the window is closed it counts as unread.
    let agent = AgentClient::login(Transport::new(server_url()), "agent", "agent").await.unwrap();
    let served_by = room.served_by.expect("auto routing assigned an agent").id;
    let staff = if served_by == agent.user_id() {
        agent
    } else {
        AgentClient::login(Transport::new(server_url()), "bob", "bob-password").await.unwrap()
    };
    staff.send_message(&room.id, "Hi Ada, how can I help?", None).await.unwrap();
    s.refresh().await;
    assert_eq!(texts(&s), ["Hello!", "Hi Ada, how can I help?"]);
    assert_eq!(s.unread.get_untracked(), 1);
    s.set_open(true);
    assert_eq!(s.unread.get_untracked(), 0);

    // Edit and delete one's own message.
    let mine = s.conversation.with_untracked(|c| c.messages().iter().find(|m| m.msg == "Hello!").unwrap().id.clone());
    s.edit(mine.clone(), "Hello again!".into()).await;
    assert_eq!(texts(&s), ["Hello again!", "Hi Ada, how can I help?"]);
    s.delete(mine).await;
    assert_eq!(texts(&s), ["Hi Ada, how can I help?"]);

    // Close, rate (with the server's spelling), thank-you, then a new chat.
    s.close().await;
    assert_eq!(s.screen.get_untracked(), Screen::Survey);
    // The survey is sent by the second module (the visitor's client), the session told of it.
    let rating = vec![
        SurveyItem { name: survey::SATISFACTION.into(), value: "5".into() },
        SurveyItem { name: survey::AGENT_RESPONSIVENESS.into(), value: "4".into() },
        SurveyItem { name: survey::ADDITIONAL_FEEDBACK.into(), value: "Great".into() },
    ];
    VisitorClient::new(Transport::new(server_url()), &s.token()).survey(&room.id, rating).await.unwrap();
    s.rated();
    assert_eq!(s.screen.get_untracked(), Screen::ThankYou);
    s.new_chat();
    assert_eq!((s.screen.get_untracked(), s.room.get_untracked()), (Screen::Chat, None));
    assert!(texts(&s).is_empty());
    s.send("Another question".into()).await;
    assert_ne!(s.room.get_untracked().unwrap().id, room.id, "a new room");
}

#[wasm_bindgen_test]
async fn site_supplied_details_skip_the_form_and_a_reload_resumes_the_chat() {
    let options =
        SessionOptions { name: Some("Grace".into()), email: Some(unique_email()), ..SessionOptions::default() };
    let (_owner, s) = session(options);
    s.start().await;
    assert_eq!(s.screen.get_untracked(), Screen::Chat, "no pre-chat form");
    s.send("First".into()).await;
    let rid = s.room.get_untracked().unwrap().id;

    // A page reload: a new session over the same storage finds the open room and its history.
    let again = Session::new(server_url(), Lang::En, s.options());
    again.start().await;
    assert_eq!(again.screen.get_untracked(), Screen::Chat);
    assert_eq!(again.room.get_untracked().unwrap().id, rid);
    assert_eq!(again.token(), s.token());
    assert_eq!(texts(&again), ["First"]);
    assert!(again.history_complete.get_untracked());
}

#[wasm_bindgen_test]
async fn older_history_loads_page_by_page() {
    let (_owner, s) =
        session(SessionOptions { name: Some("Pat".into()), email: Some(unique_email()), ..SessionOptions::default() });
    s.start().await;
    for i in 0..25 {
        s.send(format!("message {i}")).await;
    }
    let resumed = Session::new(server_url(), Lang::En, s.options());
    resumed.start().await;
    assert_eq!(resumed.conversation.with_untracked(|c| c.len()), 20, "one page");
    assert!(!resumed.history_complete.get_untracked());
    resumed.load_older().await;
    let all = texts(&resumed);
    assert_eq!(all.len(), 25);
    assert_eq!(all.first().map(String::as_str), Some("message 0"));
    assert_eq!(all.last().map(String::as_str), Some("message 24"));
    assert!(resumed.history_complete.get_untracked());
}

#[wasm_bindgen_test]
async fn nobody_online_shows_the_offline_form() {
    let (_owner, s) = session(SessionOptions { department: Some("night".into()), ..SessionOptions::default() });
    s.start().await;
    assert_eq!(s.screen.get_untracked(), Screen::Offline);
    let errors = s.send_offline(String::new(), "bad".into(), " ".into(), None).await;
    assert_eq!(
        (errors.name, errors.email, errors.message),
        (Some(Key::NameRequired), Some(Key::EmailInvalid), Some(Key::MessageRequired))
    );
    assert_eq!(s.screen.get_untracked(), Screen::Offline);
    let errors = s.send_offline("Lin".into(), unique_email(), "Please call me.".into(), None).await;
    assert!(errors.is_empty());
    assert_eq!(s.screen.get_untracked(), Screen::OfflineSent);
}

#[wasm_bindgen_test]
async fn an_agent_closing_the_chat_leads_to_the_survey() {
    let (_owner, s) =
        session(SessionOptions { name: Some("Kim".into()), email: Some(unique_email()), ..SessionOptions::default() });
    s.start().await;
    s.send("Hi".into()).await;
    let room = s.room.get_untracked().unwrap();
    let served_by = room.served_by.unwrap().id;
    let agent = AgentClient::login(Transport::new(server_url()), "agent", "agent").await.unwrap();
    let staff = if served_by == agent.user_id() {
        agent
    } else {
        AgentClient::login(Transport::new(server_url()), "bob", "bob-password").await.unwrap()
    };
    staff.close_room(&room.id, Some("Done")).await.unwrap();
    s.refresh().await;
    assert_eq!(s.screen.get_untracked(), Screen::Survey);
    s.skip_survey();
    assert_eq!(s.screen.get_untracked(), Screen::ThankYou);
}

#[wasm_bindgen_test]
async fn a_message_the_server_refuses_is_marked_failed_and_can_be_retried() {
    let (_owner, s) =
        session(SessionOptions { name: Some("Lee".into()), email: Some(unique_email()), ..SessionOptions::default() });
    s.start().await;
    // Longer than the server's Message_MaxAllowedSize (5000): refused.
    s.send("x".repeat(5001)).await;
    let (id, delivery) =
        s.outbox.with_untracked(|o| o.iter().next().map(|(k, v)| (k.clone(), *v))).expect("in the outbox");
    assert_eq!(delivery, Delivery::Failed);
    assert!(s.banner.get_untracked().is_some(), "the refusal shows");
    assert_eq!(texts(&s).len(), 1, "the message stays visible, marked failed");
    s.retry(id.clone()).await;
    assert_eq!(s.outbox.with_untracked(|o| o.get(&id).copied()), Some(Delivery::Failed));
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_a_state_of_its_own_and_tried_again() {
    // Counts the page's requests to the server that is not there (tests share the page).
    js_sys::eval(
        "if (!window.__nowhere) { window.__nowhere = 0; const f = window.fetch; \
         window.fetch = function (r, o) { if (String(r && r.url || r).startsWith('http://127.0.0.1:9/')) window.__nowhere++; \
         return f.call(this, r, o); }; }",
    )
    .unwrap();
    let asked = || js_sys::eval("window.__nowhere").unwrap().as_f64().unwrap();
    let owner = Owner::new();
    owner.set();
    let options = SessionOptions { namespace: new_token(), ..SessionOptions::default() };
    let s = Session::new("http://127.0.0.1:9", Lang::En, options);
    let before = asked();
    s.start().await;
    assert_eq!(s.screen.get_untracked(), Screen::Unreachable);
    assert_eq!(s.banner.get_untracked(), None, "no raw error for the visitor");
    let first = asked();
    assert!(first > before, "the start asked the server");
    // Opening the window tries again at once (the timer would wait a second or more); it fails
    // the same way, and the state stays.
    s.set_open(true);
    for _ in 0..50 {
        if asked() > first {
            break;
        }
        sleep(20).await;
    }
    assert!(asked() > first, "opening the window tried again");
    sleep(100).await;
    assert_eq!(s.screen.get_untracked(), Screen::Unreachable);
    drop(owner);
}

#[wasm_bindgen_test]
async fn a_server_that_is_not_a_livechat_server_makes_the_chat_unavailable() {
    let owner = Owner::new();
    owner.set();
    let options = SessionOptions { namespace: new_token(), ..SessionOptions::default() };
    // The dev server answers 404 under another path: not a Livechat API.
    let s = Session::new(&format!("{}/not-here", server_url()), Lang::En, options);
    s.start().await;
    assert_eq!(s.screen.get_untracked(), Screen::Unavailable, "not tried again: it is not a network failure");
    assert_eq!(s.banner.get_untracked(), None);
    drop(owner);
}
