//! The embed API in headless Chromium against the dev servers: the JavaScript handle `www/api.js`
//! makes (what the script-tag loader and the npm package give a page) over this crate's wasm
//! exports (`livechat_widget::embed::{boot, command}`), driven through its JavaScript methods.
#![cfg(all(target_arch = "wasm32", feature = "embed"))]
// Without the server address the tests must stop with a clear message, not be skipped.
#![allow(clippy::option_env_unwrap)]

#[path = "support/catalogue.rs"]
mod catalogue;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use livechat_widget::api::{AgentClient, Transport, VisitorClient};
use livechat_widget::embed;
use livechat_widget::i18n::{Key, Lang};
use livechat_widget::storage::new_token;
use livechat_widget::wire::visitor::NewVisitor;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/sleep.rs"]
mod sleep;
use sleep::sleep;

#[wasm_bindgen(module = "/www/api.js")]
extern "C" {
    /// `create(host, options, load, i18n)`: the handle.
    #[wasm_bindgen(catch)]
    fn create(host: &Element, options: &JsValue, load: &Function, i18n: &Function) -> Result<JsValue, JsValue>;
}

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

/// The wasm's exports as `api.js` gets them from wasm-bindgen's glue: `boot` and `command`.
fn exports() -> JsValue {
    let boot = Closure::<dyn Fn(Element, JsValue, Function) -> Result<u32, JsValue>>::new(embed::boot);
    let command = Closure::<dyn Fn(u32, String, JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
        |id, name: String, a, b, c| embed::command(id, &name, a, b, c),
    );
    let o = Object::new();
    Reflect::set(&o, &"boot".into(), &boot.into_js_value()).unwrap();
    Reflect::set(&o, &"command".into(), &command.into_js_value()).unwrap();
    o.into()
}

/// `load()` for `create`: the exports at once, as the npm package's bundler build has them.
fn loaded() -> Function {
    let exports = exports();
    Closure::<dyn Fn() -> JsValue>::new(move || exports.clone()).into_js_value().unchecked_into()
}

/// `i18n(tag)` for `create`: each language's shipped texts, from a `data:` address.
fn catalogues() -> Function {
    Closure::<dyn Fn(String) -> String>::new(|tag: String| {
        catalogue::address(&catalogue::texts(Lang::from_tag(&tag).expect("a language of the widget")))
    })
    .into_js_value()
    .unchecked_into()
}

/// A widget on a fresh host element, with its own storage namespace.
struct Widget {
    host: Element,
    chat: JsValue,
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

fn new_host() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    host
}

/// A widget made with `load` and `i18n`, not yet asked to start.
fn widget_with(server: &str, extra: &[(&str, &str)], load: &Function, i18n: &Function) -> Widget {
    let host = new_host();
    let (options, namespace) = options(server, extra);
    let chat = create(&host, &options, load, i18n).expect("create");
    Widget { host, chat, namespace }
}

/// A widget, up at once (English, the wasm at hand), as the npm package's `boot` makes it.
fn widget(server: &str, extra: &[(&str, &str)]) -> Widget {
    let w = widget_with(server, extra, &loaded(), &catalogues());
    let _ = w.call("ready", &[]);
    assert!(w.loaded(), "in English with the wasm at hand, the widget is up at once");
    w
}

impl Widget {
    /// Calls the handle's method `name`: its answer, or what it threw.
    fn call(&self, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
        let f: Function = Reflect::get(&self.chat, &name.into())
            .unwrap()
            .dyn_into()
            .unwrap_or_else(|_| panic!("the handle has no method {name}"));
        f.apply(&self.chat, &args.iter().collect::<Array>())
    }

    /// Calls `name` and awaits the promise it answers.
    async fn settle(&self, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
        JsFuture::from(js_sys::Promise::from(self.call(name, args)?)).await
    }

    fn go(&self, name: &str) {
        self.call(name, &[]).unwrap_or_else(|e| panic!("{name}: {}", describe(&e)));
    }

    fn status(&self) -> String {
        self.call("status", &[]).unwrap().as_string().unwrap()
    }

    fn token(&self) -> String {
        self.call("token", &[]).unwrap().as_string().unwrap()
    }

    fn is_open(&self) -> bool {
        self.call("isOpen", &[]).unwrap().as_bool().unwrap()
    }

    fn is_visible(&self) -> bool {
        self.call("isVisible", &[]).unwrap().as_bool().unwrap()
    }

    fn loaded(&self) -> bool {
        self.call("isLoaded", &[]).unwrap().as_bool().unwrap()
    }

    fn find(&self, selector: &str) -> Option<Element> {
        self.host.shadow_root()?.query_selector(selector).unwrap()
    }

    fn launcher_label(&self) -> Option<String> {
        self.find(".lc-launcher")?.get_attribute("aria-label")
    }

    /// Records every `event` with its argument.
    fn record(&self, events: &[&'static str]) -> Rc<RefCell<Vec<String>>> {
        let log = Rc::new(RefCell::new(Vec::new()));
        for event in events {
            self.call("on", &[(*event).into(), recorder(&log, event)]).unwrap();
        }
        log
    }

    /// Records every `event` with the keys of its payload and the type of each value.
    fn record_shapes(&self, events: &[&'static str]) -> Rc<RefCell<Vec<String>>> {
        let log = Rc::new(RefCell::new(Vec::new()));
        for &event in events {
            let log = log.clone();
            let f = Closure::<dyn Fn(JsValue)>::new(move |arg: JsValue| {
                log.borrow_mut().push(format!("{event} {}", shape(&arg)));
            });
            self.call("on", &[event.into(), f.into_js_value()]).unwrap();
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

/// A callback that logs `name` and its argument.
fn recorder(log: &Rc<RefCell<Vec<String>>>, name: &'static str) -> JsValue {
    let log = log.clone();
    Closure::<dyn Fn(JsValue)>::new(move |arg: JsValue| {
        let arg = if arg.is_undefined() { String::new() } else { describe(&arg) };
        log.borrow_mut().push(if arg.is_empty() { name.to_owned() } else { format!("{name} {arg}") });
    })
    .into_js_value()
}

/// `key:type …` of an object, nested objects in braces.
fn shape(v: &JsValue) -> String {
    let keys = Object::keys(v.unchecked_ref::<Object>());
    let fields = keys.iter().map(|k| {
        let value = Reflect::get(v, &k).unwrap();
        let kind =
            if value.is_object() { format!("{{{}}}", shape(&value)) } else { value.js_typeof().as_string().unwrap() };
        format!("{}:{kind}", k.as_string().unwrap())
    });
    fields.collect::<Vec<_>>().join(" ")
}

/// Strings as they are, objects as JSON, errors as their message.
fn describe(v: &JsValue) -> String {
    if let Some(e) = v.dyn_ref::<js_sys::Error>() {
        return e.message().into();
    }
    v.as_string().unwrap_or_else(|| String::from(js_sys::JSON::stringify(v).unwrap()))
}

fn object(fields: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
async fn getters_follow_the_widget_and_events_report_each_change() {
    let w = widget(server_url(), &[]);
    let log = w.record(&["chat-maximized", "chat-minimized", "status-change", "show-widget", "hide-widget"]);
    assert!(!w.is_open());
    assert!(w.is_visible());
    assert_eq!(w.call("unreadCount", &[]).unwrap(), 0);
    until("the pre-chat form", || w.status() == "prechat").await;

    w.go("open");
    assert!(w.is_open());
    until("the window", || w.find(".lc-window").is_some()).await;
    w.go("close");
    w.go("hide");
    assert!(!w.is_visible());
    w.go("hide"); // hidden already: no second event
    w.go("show");
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
    let _ = w.call("setGuestName", &["First".into()]).unwrap();
    let _ = w.call("setGuestName", &["Grace".into()]).unwrap();
    let _ = w.call("setGuestEmail", &[email.as_str().into()]).unwrap();
    let _ = w.call("setDepartment", &["support".into()]).unwrap();
    let _ = w.call("clearDepartment", &[]).unwrap();
    // The language's texts are fetched, then the widget switches.
    w.settle("setLanguage", &["fr".into()]).await.unwrap();
    assert_eq!(w.launcher_label().as_deref(), Some("Ouvrir le chat"));
    w.go("consent");
    until("the chat screen", || w.status() == "chat").await;
    assert_eq!(w.launcher_label().as_deref(), Some("Ouvrir le chat"));

    // Bad input is refused at once, with a message.
    let err = w.call("setGuestEmail", &["not an address".into()]).unwrap_err();
    assert!(describe(&err).contains("e-mail"), "{}", describe(&err));
    let err = w.call("on", &["no-such-event".into(), Function::new_no_args("").into()]).unwrap_err();
    assert!(describe(&err).contains("unknown event"), "{}", describe(&err));
    let err = w.call("setCustomField", &["plan".into(), JsValue::NULL]).unwrap_err();
    assert!(describe(&err).contains("setCustomField"), "{}", describe(&err));
    let err = w.call("registerGuest", &["Ada".into()]).unwrap_err();
    assert!(describe(&err).contains("registerGuest"), "{}", describe(&err));
}

#[wasm_bindgen_test]
async fn consent_mode_defers_the_start_and_all_storage() {
    let w = widget(server_url(), &[("consent", "required")]);
    w.settle("pageVisited", &["Home".into(), "https://shop.example/".into()]).await.unwrap();
    sleep(300).await;
    assert_eq!(w.status(), "loading", "nothing starts before consent");
    assert!(w.stored().is_empty(), "nothing stored before consent: {:?}", w.stored());

    w.go("consent");
    until("the pre-chat form", || w.status() == "prechat").await;
    until("the stored token", || w.stored().iter().any(|k| k.ends_with("#token"))).await;
}

#[wasm_bindgen_test]
async fn a_click_on_the_launcher_is_consent() {
    let w = widget(server_url(), &[("consent", "required")]);
    sleep(100).await;
    assert_eq!(w.status(), "loading");
    w.find(".lc-launcher").unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    until("the started widget", || w.status() == "prechat").await;
    assert!(w.is_open());
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
    until("the pre-chat form", || w.status() == "prechat").await;
    let log = w.record(&["message", "chat-started", "assign-agent"]);
    let shapes = w.record_shapes(&["message", "assign-agent"]);
    let token = new_token();
    visitor_with_history(&token).await;

    w.call("setGuestToken", &[token.as_str().into()]).unwrap();
    assert_eq!(w.token(), token);
    until("the chat", || w.status() == "chat").await;
    until("two messages", || log.borrow().iter().filter(|l| l.starts_with("message")).count() >= 2).await;
    sleep(200).await;
    let log = log.borrow().clone();
    let messages: Vec<&String> = log.iter().filter(|l| l.starts_with("message")).collect();
    let agent_text: Vec<&&String> = messages.iter().filter(|m| m.contains("Yes, fully.")).collect();
    assert_eq!(agent_text.len(), 1, "one event per message: {log:?}");
    assert!(agent_text[0].contains("\"fromVisitor\":false"), "{log:?}");
    assert!(messages.iter().any(|m| m.contains("waterproof") && m.contains("\"fromVisitor\":true")), "{log:?}");
    assert!(!log.iter().any(|l| l == "chat-started"), "a restored room is not a new chat: {log:?}");
    // The payloads' keys as index.d.ts declares them, an absent value there as `undefined`.
    let shapes = shapes.borrow().clone();
    let message = "message _id:string rid:string msg:string ts:number t:undefined \
                   u:{_id:string username:string name:string} fromVisitor:boolean";
    let messages: Vec<_> = shapes.iter().filter(|s| s.starts_with("message")).collect();
    assert!(messages.iter().all(|s| s.replace("t:string", "t:undefined") == message), "{shapes:?}");
    assert_eq!(messages.iter().filter(|s| **s == message).count(), 2, "the visitor's and the agent's: {shapes:?}");
    let agent = "assign-agent _id:string name:string username:string status:string";
    assert_eq!(shapes.iter().filter(|s| s.starts_with("assign-agent")).collect::<Vec<_>>(), [agent], "{shapes:?}");

    w.go("reset");
    assert_ne!(w.token(), token, "a new visitor");
    until("the pre-chat form again", || w.status() == "prechat").await;
    let stored: Vec<String> = w.stored();
    assert!(stored.iter().all(|k| !k.ends_with("#rid")), "no room is remembered: {stored:?}");
}

#[wasm_bindgen_test]
async fn register_guest_and_custom_fields_reach_the_server() {
    let w = widget(server_url(), &[]);
    let log = w.record(&["status-change"]);
    until("the pre-chat form", || w.status() == "prechat").await;
    // Before registration the field waits; registration sends it.
    w.settle("setCustomField", &["plan".into(), "gold".into()]).await.unwrap();
    let email = unique_email();
    let guest = object(&[("name", "Lin"), ("email", &email)]);
    w.settle("registerGuest", &[guest]).await.expect("registerGuest");
    assert_eq!(w.status(), "chat", "registration skips the form");
    // After registration a field goes to the server at once; a number is taken as text.
    w.settle("setCustomField", &["seats".into(), JsValue::from(4), JsValue::TRUE]).await.unwrap();

    let me = VisitorClient::new(Transport::new(server_url()), &w.token()).visitor().await.unwrap();
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
    until("both started", || a.status() == "prechat" && b.status() == "prechat").await;
    assert_ne!(a.token(), b.token());
    a.go("open");
    assert!(a.is_open() && !b.is_open());
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
    let host = new_host();
    let err = create(&host, &Object::new().into(), &loaded(), &catalogues()).expect_err("no server");
    assert!(describe(&err).contains("server"), "{}", describe(&err));
    let (bad, _) = options("ftp://example.com", &[]);
    let err = create(&host, &bad, &loaded(), &catalogues()).expect_err("not http(s)");
    assert!(describe(&err).contains("http(s)"), "{}", describe(&err));
    assert!(host.shadow_root().is_none(), "nothing was mounted");
    host.remove();
}

/// The options `boot` reads: a name and an address skip the pre-chat form; an address that is
/// not one is ignored (the form asks), and so is a value that is not a string.
#[wasm_bindgen_test]
async fn boot_options_describe_the_visitor_and_bad_ones_are_ignored() {
    let w = widget(server_url(), &[("guestName", "Grace"), ("guestEmail", "not an address")]);
    until("the pre-chat form", || w.status() == "prechat").await;

    let email = unique_email();
    let host = new_host();
    let (o, namespace) = options(server_url(), &[("guestName", " Grace "), ("guestEmail", email.as_str())]);
    Reflect::set(&o, &"department".into(), &42.into()).unwrap();
    Reflect::set(&o, &"sound".into(), &true.into()).unwrap();
    let chat = create(&host, &o, &loaded(), &catalogues()).expect("create");
    let w = Widget { host, chat, namespace };
    w.go("ready");
    until("the chat screen", || w.status() == "chat").await;
}

#[wasm_bindgen_test]
fn one_element_holds_one_widget() {
    let w = widget(server_url(), &[]);
    let (again, _) = options(server_url(), &[]);
    let err = create(&w.host, &again, &loaded(), &catalogues()).expect_err("a second widget on one element");
    assert!(describe(&err).contains("already"), "{}", describe(&err));
    assert_eq!(w.host.shadow_root().unwrap().query_selector_all(".lc-root").unwrap().length(), 1);
}

#[wasm_bindgen_test]
async fn register_guest_with_another_token_switches_visitor() {
    let w = widget(server_url(), &[]);
    until("the pre-chat form", || w.status() == "prechat").await;
    let first = w.token();
    let token = new_token();
    let guest = object(&[("token", &token), ("name", "Noor"), ("email", &unique_email())]);
    w.settle("registerGuest", &[guest]).await.expect("registerGuest");
    assert_ne!(first, token);
    assert_eq!(w.token(), token, "the site's token is the visitor's now");
    until("the chat screen for the new visitor", || w.status() == "chat").await;
    let me = VisitorClient::new(Transport::new(server_url()), &token).visitor().await.unwrap();
    assert_eq!(me.name.as_deref(), Some("Noor"));
}

#[wasm_bindgen_test]
async fn service_offline_is_reported_when_the_visitor_reaches_for_the_chat() {
    // Only an offline agent serves the "night" department.
    let w = widget(server_url(), &[("department", "night")]);
    let log = w.record(&["no-agent-online"]);
    until("the offline form", || w.status() == "offline").await;
    assert!(log.borrow().is_empty(), "nobody reached for the chat yet: {:?}", log.borrow());
    w.go("open");
    until("the report", || log.borrow().len() == 1).await;
    w.go("close");
    sleep(100).await; // the widget sees the window closed before it opens again
    w.go("open");
    until("a second report for the second opening", || log.borrow().len() == 2).await;

    // clearAllCallbacks forgets them: a third opening reports to nobody.
    w.go("clearAllCallbacks");
    w.go("close");
    sleep(100).await;
    w.go("open");
    sleep(200).await;
    assert_eq!(log.borrow().len(), 2);
}

/// `load()` whose promise the test settles: the wasm "arrives" when the test says so.
fn held() -> (Function, Function) {
    let mut release = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
    let release = release.unwrap();
    let load = Closure::<dyn Fn() -> JsValue>::new(move || promise.clone().into()).into_js_value();
    (load.unchecked_into(), release)
}

#[wasm_bindgen_test]
async fn calls_before_the_widget_is_up_wait_and_apply_in_order() {
    let (load, release) = held();
    let w = widget_with(server_url(), &[], &load, &catalogues());
    let log = w.record(&["chat-maximized", "hide-widget", "show-widget"]);
    // Getters answer from what is known.
    assert_eq!(w.status(), "loading");
    assert!(!w.is_open() && !w.loaded());
    assert!(w.call("token", &[]).unwrap().is_undefined());
    let _ = w.call("hideWidget", &[]).unwrap();
    assert!(!w.is_visible(), "hidden at once");
    let _ = w.call("showWidget", &[]).unwrap();
    let opened = w.call("maximizeWidget", &[]).unwrap(); // asks for the widget
    let _ = w.call("setGuestName", &["Ada".into()]).unwrap();
    assert!(w.find(".lc-root").is_none(), "nothing mounted before the wasm is there");
    assert!(log.borrow().is_empty());

    release.call1(&JsValue::UNDEFINED, &exports()).unwrap();
    JsFuture::from(js_sys::Promise::from(opened)).await.unwrap();
    assert!(w.loaded());
    assert_eq!(*log.borrow(), ["hide-widget", "show-widget", "chat-maximized"]);
    assert!(w.is_open());
    assert!(w.find(".lc-root").is_some());
}

#[wasm_bindgen_test]
async fn the_visitors_language_is_fetched_with_the_wasm_so_english_never_shows() {
    let (load, release) = held();
    let w = widget_with(server_url(), &[("language", "de-AT")], &load, &catalogues());
    let up = w.call("ready", &[]).unwrap();
    release.call1(&JsValue::UNDEFINED, &exports()).unwrap();
    JsFuture::from(js_sys::Promise::from(up)).await.unwrap();
    // The first thing drawn is German.
    assert_eq!(w.launcher_label().as_deref(), Some("Chat öffnen"));
    assert_eq!(w.find(".lc-widget").unwrap().get_attribute("lang").as_deref(), Some("de"));

    // At run time: fetched, then switched; Arabic is right to left.
    w.settle("setLanguage", &["ar".into()]).await.unwrap();
    until("Arabic", || w.launcher_label().as_deref() == Some("فتح المحادثة")).await;
    assert_eq!(w.find(".lc-widget").unwrap().get_attribute("dir").as_deref(), Some("rtl"));
    // The later call wins, whichever catalogue comes first.
    let first = w.call("setLanguage", &["pt-BR".into()]).unwrap();
    let second = w.call("setLanguage", &["en".into()]).unwrap();
    JsFuture::from(js_sys::Promise::from(second)).await.unwrap();
    JsFuture::from(js_sys::Promise::from(first)).await.unwrap();
    sleep(50).await;
    assert_eq!(w.launcher_label().as_deref(), Some("Open chat"));
}

/// Replaces `console.warn` while `f` runs; answers what was warned.
async fn warnings<F: std::future::Future<Output = ()>>(f: impl FnOnce() -> F) -> Vec<String> {
    let console = Reflect::get(&js_sys::global(), &"console".into()).unwrap();
    let original = Reflect::get(&console, &"warn".into()).unwrap();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let keep = seen.clone();
    let warn = Closure::<dyn Fn(JsValue)>::new(move |m: JsValue| keep.borrow_mut().push(describe(&m)));
    Reflect::set(&console, &"warn".into(), warn.as_ref()).unwrap();
    f().await;
    Reflect::set(&console, &"warn".into(), &original).unwrap();
    seen.take()
}

#[wasm_bindgen_test]
async fn a_missing_text_is_english_and_a_catalogue_that_does_not_come_means_english_with_a_warning() {
    // Spanish (only this test uses it) without its "Open chat".
    let texts = catalogue::texts(Lang::Es);
    texts.set(Key::OpenChat as u32, JsValue::NULL);
    let spanish = catalogue::address(&texts);
    let i18n: Function = Closure::<dyn Fn(String) -> String>::new(move |tag: String| match tag.as_str() {
        "es" => spanish.clone(),
        // Not there: the server answers 404.
        _ => format!("{}/i18n/{tag}.json", server_url()),
    })
    .into_js_value()
    .unchecked_into();

    let w = widget_with(server_url(), &[("language", "es")], &loaded(), &i18n);
    w.settle("ready", &[]).await.unwrap();
    assert_eq!(w.launcher_label().as_deref(), Some("Open chat"), "the missing text is English");
    w.go("open");
    until("the pre-chat form", || w.find(".lc-form-title").is_some()).await;
    assert_eq!(w.find(".lc-form-title").unwrap().text_content().as_deref(), Some("Iniciar un chat"));

    let warned = warnings(|| async {
        w.settle("setLanguage", &["fr".into()]).await.unwrap();
    })
    .await;
    assert!(warned.iter().any(|m| m.contains("fr texts could not be loaded")), "{warned:?}");
    until("English", || w.find(".lc-form-title").unwrap().text_content().as_deref() == Some("Start a chat")).await;
    assert_eq!(w.find(".lc-widget").unwrap().get_attribute("lang").as_deref(), Some("en"));

    // At boot: the widget starts in English.
    let (opts, _) = options(server_url(), &[("language", "fr")]);
    let host = new_host();
    let warned = warnings(|| async {
        let chat = create(&host, &opts, &loaded(), &i18n).unwrap();
        let ready: Function = Reflect::get(&chat, &"ready".into()).unwrap().unchecked_into();
        JsFuture::from(js_sys::Promise::from(ready.call0(&chat).unwrap())).await.unwrap();
    })
    .await;
    assert!(warned.iter().any(|m| m.contains("fr texts could not be loaded")), "{warned:?}");
    let launcher = host.shadow_root().unwrap().query_selector(".lc-launcher").unwrap().unwrap();
    assert_eq!(launcher.get_attribute("aria-label").as_deref(), Some("Open chat"));
    host.remove();
}
