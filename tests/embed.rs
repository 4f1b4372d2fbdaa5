//! The embed API (`livechat_widget::embed`) in headless Chromium against the dev servers: the
//! handle a page gets from `boot`, driven through its JavaScript methods.
#![cfg(all(target_arch = "wasm32", feature = "embed"))]
// Without the server address the tests must stop with a clear message, not be skipped.
#![allow(clippy::option_env_unwrap)]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect};
use livechat_widget::api::{AgentClient, Transport, VisitorClient};
use livechat_widget::embed::{Livechat, boot};
use livechat_widget::storage::new_token;
use livechat_widget::wire::visitor::NewVisitor;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn server_url() -> &'static str {
    option_env!("LIVECHAT_TEST_SERVER").expect("LIVECHAT_TEST_SERVER: run the browser tests with `cargo xtask test`")
}

fn legacy_url() -> &'static str {
    option_env!("LIVECHAT_TEST_SERVER_LEGACY")
        .expect("LIVECHAT_TEST_SERVER_LEGACY: run the browser tests with `cargo xtask test`")
}

fn unique_email() -> String {
    format!("e.{}@example.com", new_token().to_lowercase())
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits (up to five seconds) until `ready` holds.
async fn until(what: &str, ready: impl Fn() -> bool) {
    for _ in 0..100 {
        if ready() {
            return;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}");
}

/// A widget on a fresh host element, with its own storage namespace.
struct Widget {
    host: Element,
    chat: Livechat,
    namespace: String,
}

impl Drop for Widget {
    fn drop(&mut self) {
        self.host.remove();
    }
}

fn options(server: &str, extra: &[(&str, &str)]) -> (JsValue, String) {
    let namespace = new_token();
    let o = Object::new();
    for (k, v) in [("server", server), ("namespace", namespace.as_str())].iter().chain(extra) {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    (o.into(), namespace)
}

fn widget(server: &str, extra: &[(&str, &str)]) -> Widget {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let (options, namespace) = options(server, extra);
    let chat = boot(host.clone(), options).expect("boot");
    Widget { host, chat, namespace }
}

impl Widget {
    fn find(&self, selector: &str) -> Option<Element> {
        self.host.shadow_root().unwrap().query_selector(selector).unwrap()
    }

    /// Records every `event` with its argument.
    fn record(&self, events: &[&'static str]) -> Rc<RefCell<Vec<String>>> {
        let log = Rc::new(RefCell::new(Vec::new()));
        for event in events {
            let (log, name) = (log.clone(), *event);
            let f = Closure::<dyn Fn(JsValue)>::new(move |arg: JsValue| {
                let arg = if arg.is_undefined() { String::new() } else { describe(&arg) };
                log.borrow_mut().push(if arg.is_empty() { name.to_owned() } else { format!("{name} {arg}") });
            });
            self.chat.on(event, f.into_js_value().unchecked_into()).unwrap();
        }
        log
    }

    /// `localStorage` keys of this widget's namespace.
    fn stored(&self) -> Vec<String> {
        let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
        (0..storage.length().unwrap())
            .filter_map(|i| storage.key(i).unwrap())
            .filter(|k| k.contains(&format!("#{}#", self.namespace)))
            .collect()
    }
}

/// Strings as they are, objects as JSON.
fn describe(v: &JsValue) -> String {
    v.as_string().unwrap_or_else(|| String::from(js_sys::JSON::stringify(v).unwrap()))
}

#[wasm_bindgen_test]
async fn getters_follow_the_widget_and_events_report_each_change() {
    let w = widget(server_url(), &[]);
    let log = w.record(&["chat-maximized", "chat-minimized", "status-change", "show-widget", "hide-widget"]);
    assert!(!w.chat.is_open());
    assert!(w.chat.is_visible());
    assert_eq!(w.chat.unread_count(), 0);
    until("the pre-chat form", || w.chat.status() == "prechat").await;

    w.chat.open();
    assert!(w.chat.is_open());
    until("the window", || w.find(".lc-window").is_some()).await;
    w.chat.close();
    w.chat.hide();
    assert!(!w.chat.is_visible());
    w.chat.hide(); // hidden already: no second event
    w.chat.show();
    until("the events", || log.borrow().len() >= 5).await;
    assert_eq!(
        *log.borrow(),
        ["status-change prechat", "chat-maximized", "chat-minimized", "hide-widget", "show-widget"]
    );
}

#[wasm_bindgen_test]
async fn calls_apply_in_order_and_the_prechat_form_is_skipped_with_a_name_and_email() {
    let w = widget(server_url(), &[("consent", "required")]);
    let email = unique_email();
    // Before the session starts: the later call wins, and both are in place when it starts.
    let _ = w.chat.set_guest_name("First".into());
    let _ = w.chat.set_guest_name("Grace".into());
    let _ = w.chat.set_guest_email(email.clone()).unwrap();
    let _ = w.chat.set_department("support".into());
    let _ = w.chat.clear_department();
    w.chat.set_language("fr".into());
    w.chat.consent();
    until("the chat screen", || w.chat.status() == "chat").await;
    let label = w.find(".lc-launcher").unwrap().get_attribute("aria-label").unwrap();
    assert_eq!(label, "Ouvrir le chat");

    // Bad input is refused at once, with a message.
    let err = w.chat.set_guest_email("not an address".into()).unwrap_err();
    assert!(describe(&Reflect::get(&err, &"message".into()).unwrap()).contains("e-mail"));
    assert!(w.chat.on("no-such-event", Function::new_no_args("")).is_err());
}

#[wasm_bindgen_test]
async fn consent_mode_defers_the_start_and_all_storage() {
    let w = widget(server_url(), &[("consent", "required")]);
    let _ = JsFuture::from(w.chat.page_visited("Home".into(), "https://shop.example/".into())).await.unwrap();
    sleep(300).await;
    assert_eq!(w.chat.status(), "loading", "nothing starts before consent");
    assert!(w.stored().is_empty(), "nothing stored before consent: {:?}", w.stored());

    w.chat.consent();
    until("the pre-chat form", || w.chat.status() == "prechat").await;
    until("the stored token", || w.stored().iter().any(|k| k.ends_with("#token"))).await;
}

#[wasm_bindgen_test]
async fn a_click_on_the_launcher_is_consent() {
    let w = widget(server_url(), &[("consent", "required")]);
    sleep(100).await;
    assert_eq!(w.chat.status(), "loading");
    w.find(".lc-launcher").unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    until("the started widget", || w.chat.status() == "prechat").await;
    assert!(w.chat.is_open());
    until("the stored token", || !w.stored().is_empty()).await;
}

/// A visitor with a room, an agent reply and a custom field, made through the client.
async fn visitor_with_history(token: &str) -> String {
    let transport = Transport::new(server_url());
    let visitor = VisitorClient::new(transport.clone(), token);
    let details = NewVisitor { name: Some("Hedy".into()), email: Some(unique_email()), ..NewVisitor::default() };
    visitor.register(details).await.unwrap();
    let room = visitor.room(None).await.unwrap().room;
    visitor.send_message(&room.id, "Is the tent waterproof?", None).await.unwrap();
    let agent = AgentClient::login(transport, "agent", "agent").await.unwrap();
    agent.send_message(&room.id, "Yes, fully.", None).await.unwrap();
    room.id
}

#[wasm_bindgen_test]
async fn a_guest_token_brings_that_visitors_messages_one_event_each_and_reset_forgets_it() {
    let w = widget(server_url(), &[]);
    until("the pre-chat form", || w.chat.status() == "prechat").await;
    let log = w.record(&["message", "chat-started", "assign-agent"]);
    let token = new_token();
    visitor_with_history(&token).await;

    w.chat.set_guest_token(token.clone());
    assert_eq!(w.chat.token(), token);
    until("the chat", || w.chat.status() == "chat").await;
    until("two messages", || log.borrow().iter().filter(|l| l.starts_with("message")).count() >= 2).await;
    sleep(200).await;
    let log = log.borrow().clone();
    let messages: Vec<&String> = log.iter().filter(|l| l.starts_with("message")).collect();
    let agent_text: Vec<&&String> = messages.iter().filter(|m| m.contains("Yes, fully.")).collect();
    assert_eq!(agent_text.len(), 1, "one event per message: {log:?}");
    assert!(agent_text[0].contains("\"fromVisitor\":false"), "{log:?}");
    assert!(messages.iter().any(|m| m.contains("waterproof") && m.contains("\"fromVisitor\":true")), "{log:?}");
    assert!(!log.iter().any(|l| l == "chat-started"), "a restored room is not a new chat: {log:?}");

    w.chat.reset();
    assert_ne!(w.chat.token(), token, "a new visitor");
    until("the pre-chat form again", || w.chat.status() == "prechat").await;
    let stored: Vec<String> = w.stored();
    assert!(stored.iter().all(|k| !k.ends_with("#rid")), "no room is remembered: {stored:?}");
}

#[wasm_bindgen_test]
async fn register_guest_and_custom_fields_reach_the_server() {
    let w = widget(server_url(), &[]);
    let log = w.record(&["status-change"]);
    until("the pre-chat form", || w.chat.status() == "prechat").await;
    // Before registration the field waits; registration sends it.
    JsFuture::from(w.chat.set_custom_field("plan".into(), "gold".into(), None).unwrap()).await.unwrap();
    let guest = Object::new();
    let email = unique_email();
    Reflect::set(&guest, &"name".into(), &"Lin".into()).unwrap();
    Reflect::set(&guest, &"email".into(), &email.as_str().into()).unwrap();
    JsFuture::from(w.chat.register_guest(guest.into()).unwrap()).await.expect("registerGuest");
    assert_eq!(w.chat.status(), "chat", "registration skips the form");
    // After registration a field goes to the server at once; a number is taken as text.
    JsFuture::from(w.chat.set_custom_field("seats".into(), JsValue::from(4), Some(true)).unwrap()).await.unwrap();

    let me = VisitorClient::new(Transport::new(server_url()), &w.chat.token()).visitor().await.unwrap();
    assert_eq!(me.name.as_deref(), Some("Lin"));
    assert_eq!(me.email(), Some(email.as_str()));
    assert_eq!(me.livechat_data.get("plan").map(String::as_str), Some("gold"));
    assert_eq!(me.livechat_data.get("seats").map(String::as_str), Some("4"));
    until("the status event", || log.borrow().iter().any(|l| l == "status-change chat")).await;
}

#[wasm_bindgen_test]
async fn two_widgets_for_two_servers_keep_apart() {
    let a = widget(server_url(), &[("position", "left"), ("color", "#0b5cad")]);
    let b = widget(legacy_url(), &[]);
    until("both started", || a.chat.status() == "prechat" && b.chat.status() == "prechat").await;
    assert_ne!(a.chat.token(), b.chat.token());
    a.chat.open();
    assert!(a.chat.is_open() && !b.chat.is_open());
    until("a's window", || a.find(".lc-window").is_some()).await;
    assert!(b.find(".lc-window").is_none());
    assert_eq!(a.host.get_attribute("data-position").as_deref(), Some("left"));
    let style = a.host.get_attribute("style").unwrap_or_default();
    assert!(style.contains("#0b5cad"), "{style}");
    until("both stored", || !a.stored().is_empty() && !b.stored().is_empty()).await;
    let (ka, kb) = (a.stored(), b.stored());
    assert!(ka.iter().all(|k| k.contains(server_url())), "{ka:?}");
    assert!(kb.iter().all(|k| k.contains(legacy_url())), "{kb:?}");
}

#[wasm_bindgen_test]
fn boot_refuses_bad_options_with_a_message() {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    let err = boot(host.clone(), Object::new().into()).err().expect("no server");
    assert!(describe(&Reflect::get(&err, &"message".into()).unwrap()).contains("server"));
    let (bad, _) = options("ftp://example.com", &[]);
    assert!(boot(host, bad).is_err());
}

#[wasm_bindgen_test]
fn one_element_holds_one_widget() {
    let w = widget(server_url(), &[]);
    let (again, _) = options(server_url(), &[]);
    let err = boot(w.host.clone(), again).err().expect("a second widget on one element");
    assert!(describe(&Reflect::get(&err, &"message".into()).unwrap()).contains("already"));
    assert_eq!(w.host.shadow_root().unwrap().query_selector_all(".lc-root").unwrap().length(), 1);
}

#[wasm_bindgen_test]
async fn register_guest_with_another_token_switches_visitor() {
    let w = widget(server_url(), &[]);
    until("the pre-chat form", || w.chat.status() == "prechat").await;
    let first = w.chat.token();
    let token = new_token();
    let guest = Object::new();
    Reflect::set(&guest, &"token".into(), &token.as_str().into()).unwrap();
    Reflect::set(&guest, &"name".into(), &"Noor".into()).unwrap();
    Reflect::set(&guest, &"email".into(), &unique_email().as_str().into()).unwrap();
    JsFuture::from(w.chat.register_guest(guest.into()).unwrap()).await.expect("registerGuest");
    assert_ne!(first, token);
    assert_eq!(w.chat.token(), token, "the site's token is the visitor's now");
    until("the chat screen for the new visitor", || w.chat.status() == "chat").await;
    let me = VisitorClient::new(Transport::new(server_url()), &token).visitor().await.unwrap();
    assert_eq!(me.name.as_deref(), Some("Noor"));
}

#[wasm_bindgen_test]
async fn service_offline_is_reported_when_the_visitor_reaches_for_the_chat() {
    // Only an offline agent serves the "night" department.
    let w = widget(server_url(), &[("department", "night")]);
    let log = w.record(&["no-agent-online"]);
    until("the offline form", || w.chat.status() == "offline").await;
    assert!(log.borrow().is_empty(), "nobody reached for the chat yet: {:?}", log.borrow());
    w.chat.open();
    until("the report", || log.borrow().len() == 1).await;
    w.chat.close();
    sleep(100).await; // the widget sees the window closed before it opens again
    w.chat.open();
    until("a second report for the second opening", || log.borrow().len() == 2).await;

    // clearAllCallbacks forgets them: a third opening reports to nobody.
    w.chat.clear_all_callbacks();
    w.chat.close();
    sleep(100).await;
    w.chat.open();
    sleep(200).await;
    assert_eq!(log.borrow().len(), 2);
}
