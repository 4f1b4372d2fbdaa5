//! The agent console in headless Chromium against the dev servers `cargo xtask test` starts,
//! driven as an agent drives it (typing, clicks, Enter), with a visitor on the other side made
//! through the widget crate's `VisitorClient`.
#![cfg(target_arch = "wasm32")]
// Without the server addresses the tests must stop with a clear message, not be skipped.
#![allow(clippy::option_env_unwrap)]

use std::cell::RefCell;
use std::rc::Rc;

use agent_console::Console;
use leptos::prelude::*;
use livechat_client::api::{AgentClient, Transport, VisitorClient};
use livechat_client::storage::new_token;
use livechat_widget::wire::message::{HistoryQuery, Message};
use livechat_widget::wire::visitor::NewVisitor;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Rocket.Chat 8's API, automatic routing.
fn server_url() -> &'static str {
    option_env!("LIVECHAT_TEST_SERVER").expect("LIVECHAT_TEST_SERVER: run the browser tests with `cargo xtask test`")
}

/// Rocket.Chat 7's API, manual routing (chats wait in the queue), rate limits.
fn legacy_url() -> &'static str {
    option_env!("LIVECHAT_TEST_SERVER_LEGACY")
        .expect("LIVECHAT_TEST_SERVER_LEGACY: run the browser tests with `cargo xtask test`")
}

/// One console mounted on its own element, with its own stored login (`namespace`).
struct Page {
    host: HtmlElement,
    console: Console,
    /// The id of the last element that received focus inside this console.
    last_focus: Rc<RefCell<String>>,
}

impl Drop for Page {
    fn drop(&mut self) {
        self.console.stop();
        self.host.remove();
    }
}

fn page(server: &str, namespace: &str) -> Page {
    // The reactive owner lives as long as the page: requests still in flight when a test ends
    // must find their signals.
    let owner = Owner::new();
    owner.set();
    std::mem::forget(owner);
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let last_focus = Rc::new(RefCell::new(String::new()));
    let record = last_focus.clone();
    let on_focus = Closure::<dyn FnMut(web_sys::FocusEvent)>::new(move |ev: web_sys::FocusEvent| {
        if let Some(el) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            *record.borrow_mut() = el.id();
        }
    });
    host.add_event_listener_with_callback("focusin", on_focus.as_ref().unchecked_ref()).unwrap();
    on_focus.forget();
    let console = Console::new(server, namespace);
    std::mem::forget(agent_console::mount(host.clone(), console));
    Console::spawn(console.start());
    Page { host, console, last_focus }
}

impl Page {
    fn find(&self, selector: &str) -> Option<Element> {
        self.host.query_selector(selector).unwrap()
    }

    fn get(&self, selector: &str) -> Element {
        self.find(selector).unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn text(&self, selector: &str) -> String {
        self.find(selector).and_then(|e| e.text_content()).unwrap_or_default()
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.host.query_selector_all(selector).unwrap();
        (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<Element>().ok()).collect()
    }

    fn all_text(&self, selector: &str) -> Vec<String> {
        self.all(selector).into_iter().filter_map(|e| e.text_content()).collect()
    }

    fn click(&self, selector: &str) {
        self.get(selector).unchecked_into::<HtmlElement>().click();
    }

    /// Sets an input's or textarea's value and fires `input`.
    fn type_into(&self, selector: &str, text: &str) {
        let el = self.get(selector);
        if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            input.set_value(text);
        } else {
            el.unchecked_ref::<web_sys::HtmlTextAreaElement>().set_value(text);
        }
        el.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    }

    fn value(&self, selector: &str) -> String {
        let el = self.get(selector);
        match el.dyn_ref::<web_sys::HtmlInputElement>() {
            Some(input) => input.value(),
            None => el.unchecked_ref::<web_sys::HtmlTextAreaElement>().value(),
        }
    }

    fn key(&self, selector: &str, key: &str, shift: bool) {
        let init = KeyboardEventInit::new();
        init.set_key(key);
        init.set_shift_key(shift);
        init.set_bubbles(true);
        init.set_cancelable(true);
        let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        self.get(selector).dispatch_event(&ev).unwrap();
    }

    fn focused(&self) -> String {
        self.last_focus.borrow().clone()
    }

    /// The `.ac-inquiry` or `.ac-room-item` whose name is `name`.
    fn row(&self, selector: &str, name: &str) -> Option<Element> {
        self.all(selector)
            .into_iter()
            .find(|row| row.query_selector(".ac-name").unwrap().and_then(|n| n.text_content()).as_deref() == Some(name))
    }

    /// Waits (polls every 50 ms, at most 15 s: the console itself polls every 2 s) until
    /// `ready` holds.
    async fn until(&self, what: &str, ready: impl Fn(&Page) -> bool) {
        for _ in 0..300 {
            if ready(self) {
                return;
            }
            sleep(50).await;
        }
        panic!("timed out waiting for {what}");
    }

    async fn sign_in(&self, user: &str, password: &str) {
        self.until("the sign-in form", |p| p.find("#ac-user").is_some()).await;
        self.type_into("#ac-user", user);
        self.type_into("#ac-password", password);
        self.click(".ac-signin button[type=submit]");
        self.until("signed in", |p| p.find("#ac-queue-title").is_some()).await;
    }
}

async fn sleep(ms: i32) {
    agent_console::state::sleep(ms).await;
}

/// A registered visitor with an open room and a first message. Returns the client, the room
/// id and the visitor's (unique) name.
async fn visitor(server: &str, department: &str, first: &str) -> (VisitorClient, String, String, String) {
    let token = new_token();
    let name = format!("Visitor {token}");
    let email = format!("c.{}@example.com", token.to_lowercase());
    let client = VisitorClient::new(Transport::new(server), &token);
    let new = NewVisitor {
        name: Some(name.clone()),
        email: Some(email.clone()),
        department: Some(department.into()),
        ..NewVisitor::default()
    };
    client.register(new).await.expect("register the visitor");
    let rid = client.room(None).await.expect("open a room").room.id;
    client.send_message(&rid, first, None).await.expect("the visitor's first message");
    (client, rid, name, email)
}

async fn history(client: &VisitorClient, rid: &str) -> Vec<Message> {
    client.history(rid, &HistoryQuery { limit: Some(50), ..HistoryQuery::default() }).await.unwrap()
}

#[wasm_bindgen_test]
async fn signing_in_refuses_a_wrong_password_and_keeps_the_login_across_a_reload() {
    let namespace = new_token();
    let p = page(server_url(), &namespace);
    p.until("the sign-in form", |p| p.find("#ac-user").is_some()).await;
    assert_eq!(p.get("label[for=ac-user]").text_content().as_deref(), Some("Username or e-mail"));
    assert_eq!(p.get("#ac-password").get_attribute("type").as_deref(), Some("password"));

    p.type_into("#ac-user", "agent");
    p.type_into("#ac-password", "not the password");
    p.click(".ac-signin button[type=submit]");
    p.until("the refusal", |p| p.text("#ac-signin-error") == "Wrong username or password.").await;
    assert_eq!(p.get("#ac-signin-error").get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(p.value("#ac-user"), "agent", "nothing typed is lost");
    assert_eq!(p.get("#ac-password").get_attribute("aria-invalid").as_deref(), Some("true"));
    p.until("focus back on the password", |p| p.focused() == "ac-password").await;

    p.type_into("#ac-password", "agent");
    p.click(".ac-signin button[type=submit]");
    p.until("signed in", |p| p.find("#ac-queue-title").is_some()).await;
    assert_eq!(p.text(".ac-who"), "Alex Agent (agent)");
    p.until("focus on the queue", |p| p.focused() == "ac-queue-title").await;

    // A reload (a new console on the same tab storage) is still signed in.
    let reloaded = page(server_url(), &namespace);
    reloaded.until("signed in again without a password", |p| p.find("#ac-queue-title").is_some()).await;
    assert!(reloaded.find("#ac-user").is_none());

    // Signing out ends the login on the server too: the first console learns it on its next poll.
    reloaded.click("#ac-sign-out");
    reloaded.until("the sign-in form", |p| p.find("#ac-user").is_some()).await;
    assert_eq!(reloaded.text("#ac-signin-error"), "Signed out.");
    p.until("the first console signed out", |p| p.find("#ac-user").is_some()).await;
    assert_eq!(p.text("#ac-signin-error"), "Your sign-in is no longer valid. Sign in again.");
    let after = page(server_url(), &namespace);
    after.until("the sign-in form", |p| p.find("#ac-user").is_some()).await;
}

#[wasm_bindgen_test]
async fn a_queued_visitor_is_taken_answered_and_forwarded_to_another_agent() {
    // Manual routing: the visitor waits in the queue.
    let (visitor, rid, name, email) = visitor(legacy_url(), "support", "Hello, I need help").await;
    let p = page(legacy_url(), &new_token());
    p.sign_in("agent", "agent").await;

    p.until("the visitor in the queue", |p| p.row(".ac-inquiry", &name).is_some()).await;
    let row = p.row(".ac-inquiry", &name).unwrap();
    assert!(row.text_content().unwrap().contains("Support"), "the department is named");
    let take = row.query_selector(".ac-take").unwrap().unwrap();
    assert_eq!(take.get_attribute("aria-label"), Some(format!("Take the chat with {name}")));
    take.unchecked_into::<HtmlElement>().click();

    // The room opens: who, how to reach them, and what they said.
    p.until("the room view", |p| p.text("#ac-room-title") == name).await;
    p.until("the visitor's e-mail", |p| p.text(".ac-visitor-email") == email).await;
    assert_eq!(p.text(".ac-visitor-department"), "Support");
    p.until("the visitor's message", |p| {
        p.all_text(".ac-from-visitor .ac-text").contains(&"Hello, I need help".to_owned())
    })
    .await;
    assert!(p.all_text(".ac-system-text").contains(&"Chat started".to_owned()));
    p.until("out of the queue", |p| p.row(".ac-inquiry", &name).is_none()).await;
    let item = p.row(".ac-room-item", &name).expect("among my chats");
    assert_eq!(item.get_attribute("aria-current").as_deref(), Some("true"));
    p.until("focus in the reply box", |p| p.focused() == "ac-reply").await;

    // Shift+Enter is a new line; Enter sends. The visitor gets it.
    p.type_into("#ac-reply", "Hello from the console");
    p.key("#ac-reply", "Enter", true);
    sleep(100).await;
    assert!(p.all(".ac-from-me").is_empty(), "Shift+Enter does not send");
    p.key("#ac-reply", "Enter", false);
    p.until("my reply", |p| p.all_text(".ac-from-me .ac-text") == ["Hello from the console"]).await;
    p.until("the reply box emptied", |p| p.value("#ac-reply").is_empty()).await;
    let seen = history(&visitor, &rid).await;
    assert!(seen.iter().any(|m| m.msg == "Hello from the console" && m.token.is_none()), "the visitor sees the reply");

    // The visitor answers; the console shows it without being asked.
    visitor.send_message(&rid, "Thanks, one more thing", None).await.unwrap();
    p.until("the visitor's second message", |p| {
        p.all_text(".ac-from-visitor .ac-text").contains(&"Thanks, one more thing".to_owned())
    })
    .await;

    // Forward: the form says what is missing, and the server's refusal, keeping what was typed.
    p.click("#ac-forward-toggle");
    p.until("the forward form", |p| p.find("#ac-forward").is_some()).await;
    assert_eq!(p.get("#ac-forward-toggle").get_attribute("aria-expanded").as_deref(), Some("true"));
    p.until("focus in the forward form", |p| p.focused() == "ac-fwd-kind-department").await;
    p.click("#ac-forward button[type=submit]");
    p.until("the missing department", |p| p.text("#ac-fwd-error") == "Choose a department.").await;
    p.click("#ac-fwd-kind-agent");
    p.until("the agent field", |p| p.find("#ac-fwd-agent").is_some()).await;
    p.type_into("#ac-fwd-agent", "no-such-user-id");
    p.type_into("#ac-fwd-comment", "Bob knows billing");
    p.click("#ac-forward button[type=submit]");
    p.until("the server's refusal", |p| p.text("#ac-fwd-error") == "There is no agent with that id.").await;
    assert_eq!(p.value("#ac-fwd-comment"), "Bob knows billing");

    let bob = AgentClient::login(Transport::new(legacy_url()), "bob", "bob-password").await.unwrap();
    p.type_into("#ac-fwd-agent", bob.user_id());
    p.click("#ac-forward button[type=submit]");
    p.until("the confirmation", |p| p.text(".ac-notice-text") == format!("Forwarded {name} to {}.", bob.user_id()))
        .await;
    assert!(p.row(".ac-room-item", &name).is_none(), "no longer among my chats");
    assert!(p.find("#ac-reply").is_none(), "the room view closed");
    p.until("focus on my chats", |p| p.focused() == "ac-rooms-title").await;
    let transfer =
        history(&visitor, &rid).await.into_iter().find(|m| m.t.as_deref() == Some("livechat_transfer_history"));
    let data = transfer.expect("a transfer message").transfer_data.unwrap();
    assert_eq!(data.transferred_to.unwrap().username, "bob");
    assert_eq!(data.comment.as_deref(), Some("Bob knows billing"));
}

#[wasm_bindgen_test]
async fn a_new_message_marks_a_room_unread_and_closing_needs_a_comment() {
    // Only "agent" is in Sales: automatic routing hands the chat to it.
    let (visitor, rid, name, _) = visitor(server_url(), "sales", "Is anybody there?").await;
    let p = page(server_url(), &new_token());
    p.sign_in("agent", "agent").await;

    p.until("the room among my chats, unread", |p| {
        p.row(".ac-room-item", &name).is_some_and(|r| r.class_list().contains("ac-unread"))
    })
    .await;
    let row = p.row(".ac-room-item", &name).unwrap();
    assert!(row.text_content().unwrap().contains(", unread"), "said to screen readers too");
    assert!(row.text_content().unwrap().contains("Is anybody there?"), "the last message previewed");
    row.unchecked_into::<HtmlElement>().click();
    p.until("the room view", |p| p.text("#ac-room-title") == name).await;
    p.until("read", |p| p.row(".ac-room-item", &name).is_some_and(|r| !r.class_list().contains("ac-unread"))).await;

    // Closing without a comment: the server's rule, said plainly; with one, the chat ends.
    p.click("#ac-close-toggle");
    p.until("the close form", |p| p.find("#ac-close").is_some()).await;
    p.click("#ac-close button[type=submit]");
    p.until("the refusal", |p| p.text("#ac-close-error") == "Write a comment to close this conversation.").await;
    assert_eq!(p.get("#ac-close-comment").get_attribute("aria-invalid").as_deref(), Some("true"));
    p.type_into("#ac-close-comment", "Solved on the phone");
    p.click("#ac-close button[type=submit]");
    p.until("the confirmation", |p| p.text(".ac-notice-text") == format!("Closed the conversation with {name}.")).await;
    assert!(p.row(".ac-room-item", &name).is_none());
    let closed = history(&visitor, &rid).await.into_iter().find(|m| m.t.as_deref() == Some("livechat-close"));
    assert_eq!(closed.expect("a close message").msg, "Solved on the phone");
    assert!(visitor.send_message(&rid, "hello?", None).await.is_err(), "the room is closed");
}

#[wasm_bindgen_test]
async fn a_burst_of_more_than_a_page_between_two_polls_shows_whole_without_a_reload() {
    let (visitor, rid, name, _) = visitor(server_url(), "sales", "burst 00").await;
    let p = page(server_url(), &new_token());
    p.sign_in("agent", "agent").await;
    p.until("the room among my chats", |p| p.row(".ac-room-item", &name).is_some()).await;
    p.row(".ac-room-item", &name).unwrap().unchecked_into::<HtmlElement>().click();
    p.until("the first message", |p| p.all_text(".ac-from-visitor .ac-text") == ["burst 00"]).await;

    // 80 messages from both sides, as fast as they go: about a second, so some poll interval
    // holds far more than the 20 messages of the newest page of history.
    let agent = AgentClient::login(Transport::new(server_url()), "agent", "agent").await.unwrap();
    let (mut from_visitor, mut from_agent) = (vec!["burst 00".to_owned()], Vec::new());
    for n in 1..=40 {
        let text = format!("visitor {n:02}");
        visitor.send_message(&rid, &text, None).await.unwrap();
        from_visitor.push(text);
        let text = format!("agent {n:02}");
        agent.send_message(&rid, &text, None).await.unwrap();
        from_agent.push(text);
    }
    // Polls catch up by themselves: everything, once each, in the order sent.
    p.until("every message of the burst", |p| {
        p.all_text(".ac-from-visitor .ac-text") == from_visitor && p.all_text(".ac-from-me .ac-text") == from_agent
    })
    .await;
    let shown: Vec<String> = p.all(".ac-msg").iter().filter_map(|m| m.get_attribute("data-id")).collect();
    let stored: Vec<String> =
        history(&visitor, &rid).await.into_iter().rev().filter(|m| m.t.is_none()).map(|m| m.id).collect();
    assert_eq!(shown.len(), 81);
    assert!(stored.len() >= 40 && shown.ends_with(&stored), "the console's rows are the server's history, in order");
}

#[wasm_bindgen_test]
async fn a_room_the_visitor_closes_ends_on_screen() {
    let (visitor, rid, name, _) = visitor(server_url(), "sales", "Quick question").await;
    let p = page(server_url(), &new_token());
    p.sign_in("agent", "agent").await;
    p.until("the room among my chats", |p| p.row(".ac-room-item", &name).is_some()).await;
    p.row(".ac-room-item", &name).unwrap().unchecked_into::<HtmlElement>().click();
    p.until("the composer", |p| p.find("#ac-reply").is_some()).await;

    visitor.close_room(&rid).await.unwrap();
    p.until("the end said", |p| p.text(".ac-ended") == "This conversation was closed.").await;
    assert!(p.find("#ac-reply").is_none(), "no replies to a closed room");
    assert!(p.find("#ac-close-toggle").is_none() && p.find("#ac-forward-toggle").is_none());
    p.until("the close line", |p| p.all_text(".ac-system-text").iter().any(|t| t.starts_with("Closed by"))).await;
    assert!(p.row(".ac-room-item", &name).is_none());
}

#[wasm_bindgen_test]
async fn availability_switches_and_agents_without_the_manager_role_see_why_there_is_no_queue() {
    // Sam is in no department: switching it off changes nobody's routing.
    let p = page(server_url(), &new_token());
    p.sign_in("sam", "sam-password").await;
    let switch = "#ac-available";
    assert_eq!(p.get(switch).get_attribute("role").as_deref(), Some("switch"));
    p.until("available at first", |p| p.get(switch).get_attribute("aria-checked").as_deref() == Some("true")).await;
    p.until("the queue explained", |p| p.find(".ac-queue-hidden").is_some()).await;

    p.click(switch);
    p.until("not available", |p| p.get(switch).get_attribute("aria-checked").as_deref() == Some("false")).await;
    assert!(p.text(switch).contains("Not available"));
    let sam = AgentClient::login(Transport::new(server_url()), "sam", "sam-password").await.unwrap();
    assert_eq!(sam.whoami().await.unwrap().status_livechat.as_deref(), Some("not-available"));

    p.click(switch);
    p.until("available again", |p| p.get(switch).get_attribute("aria-checked").as_deref() == Some("true")).await;
    assert_eq!(sam.whoami().await.unwrap().status_livechat.as_deref(), Some("available"));
}
