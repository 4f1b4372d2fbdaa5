//! The whole widget in headless Chromium against the dev server, driven as a visitor drives it:
//! clicks, typing, Enter, Escape; asserting on text, focus, enabled state and ARIA.
#![cfg(target_arch = "wasm32")]
// Without the server address the tests must stop with a clear message, not be skipped.
#![allow(clippy::option_env_unwrap)]

#[path = "support/catalogue.rs"]
mod catalogue;

use leptos::prelude::*;
use livechat_widget::api::{AgentClient, Transport};
use livechat_widget::i18n::Lang;
use livechat_widget::realtime::{Event, Status};
use livechat_widget::session::{Screen, Session, SessionOptions};
use livechat_widget::storage::new_token;
use livechat_widget::ui;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/sleep.rs"]
mod sleep;
use sleep::sleep;

fn server_url() -> &'static str {
    option_env!("LIVECHAT_TEST_SERVER").expect("LIVECHAT_TEST_SERVER: run the browser tests with `cargo xtask test`")
}

struct Page {
    host: Element,
    _owner: Owner,
    session: Session,
}

impl Drop for Page {
    fn drop(&mut self) {
        self.host.remove();
    }
}

/// The second module's entry points as `www/api.js` gives them to the widget, in process (linked
/// here rather than loaded): `draw` with a two-entry emoji table, `upload` and `panel`.
fn lazy() -> wasm_bindgen::JsValue {
    use wasm_bindgen::JsValue;
    use wasm_bindgen::closure::Closure;
    let draw = move |target: web_sys::Element, message: JsValue, context: JsValue| {
        let table = js_sys::JSON::parse(r#"{"smile":"😄","+1":"👍"}"#).unwrap();
        let emoji = Closure::<dyn Fn() -> js_sys::Promise>::new(move || js_sys::Promise::resolve(&table));
        js_sys::Reflect::set(&context, &"emoji".into(), &emoji.into_js_value()).unwrap();
        livechat_rich::render(target, message, context);
    };
    let parts = js_sys::Object::new();
    let draw = Closure::<dyn Fn(web_sys::Element, JsValue, JsValue)>::new(draw).into_js_value();
    let upload = Closure::<dyn Fn(js_sys::Array, JsValue)>::new(livechat_rich::upload).into_js_value();
    js_sys::Reflect::set(&parts, &"draw".into(), &draw).unwrap();
    js_sys::Reflect::set(&parts, &"upload".into(), &upload).unwrap();
    let panel = Closure::<dyn Fn(String, JsValue)>::new(livechat_rich::panel).into_js_value();
    js_sys::Reflect::set(&parts, &"panel".into(), &panel).unwrap();
    parts.into()
}

/// A started session, mounted on a fresh host element.
async fn page(lang: Lang, options: SessionOptions) -> Page {
    let owner = Owner::new();
    owner.set();
    let session = Session::new(server_url(), lang, SessionOptions { namespace: new_token(), ..options });
    session.set_lazy(lazy());
    session.start().await;
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    std::mem::forget(ui::mount(&host, session).unwrap());
    Page { host, _owner: owner, session }
}

impl Page {
    fn find(&self, selector: &str) -> Option<Element> {
        self.host.shadow_root().unwrap().query_selector(selector).unwrap()
    }

    fn get(&self, selector: &str) -> Element {
        self.find(selector).unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn all_text(&self, selector: &str) -> Vec<String> {
        let list = self.host.shadow_root().unwrap().query_selector_all(selector).unwrap();
        (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.text_content()).collect()
    }

    fn click(&self, selector: &str) {
        self.get(selector).unchecked_into::<HtmlElement>().click();
    }

    /// Types into an input or textarea (sets the value, fires `input`).
    fn type_into(&self, selector: &str, text: &str) {
        let el = self.get(selector);
        if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            input.set_value(text);
        } else {
            el.unchecked_ref::<web_sys::HtmlTextAreaElement>().set_value(text);
        }
        el.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
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

    /// The focused element inside the widget.
    fn focused(&self) -> Option<Element> {
        self.host.shadow_root().unwrap().active_element()
    }

    /// Waits (up to five seconds) until `ready` holds.
    async fn until(&self, what: &str, ready: impl Fn(&Page) -> bool) {
        for _ in 0..100 {
            if ready(self) {
                return;
            }
            sleep(50).await;
        }
        panic!("timed out waiting for {what}");
    }
}

fn unique_email() -> String {
    format!("w.{}@example.com", new_token().to_lowercase())
}

#[wasm_bindgen_test]
async fn a_visitor_registers_chats_ends_and_rates() {
    let p = page(Lang::En, SessionOptions::default()).await;
    assert!(p.find("#lc-window").is_none(), "closed at first");
    p.click(".lc-launcher");
    p.until("the window", |p| p.find("#lc-window[role=dialog]").is_some()).await;
    p.until("focus in the first field", |p| p.focused().is_some_and(|e| e.id() == "lc-name")).await;

    // The pre-chat form checks its fields and says what is wrong, next to each field.
    p.click(".lc-form button[type=submit]");
    p.until("validation messages", |p| p.get("#lc-name-error").text_content().unwrap_or_default() != "").await;
    assert_eq!(p.get("#lc-name-error").text_content().as_deref(), Some("Please enter your name."));
    assert_eq!(p.get("#lc-name").get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(p.get("#lc-name").get_attribute("aria-describedby").as_deref(), Some("lc-name-error"));
    p.type_into("#lc-email", "nope");
    p.click(".lc-form button[type=submit]");
    p.until("the e-mail message", |p| {
        p.get("#lc-email-error").text_content().as_deref() == Some("Please enter a valid email address.")
    })
    .await;
    assert!(p.find("#lc-department").is_some(), "several departments: a picker");

    p.type_into("#lc-name", "Ada");
    p.type_into("#lc-email", &unique_email());
    p.click(".lc-form button[type=submit]");
    p.until("the composer", |p| p.find("textarea.lc-input").is_some()).await;

    // The counter shows the server's limit; an over-long text cannot be sent.
    assert_eq!(p.get(".lc-counter").text_content().as_deref(), Some("1000 characters left"));
    p.type_into("textarea.lc-input", &"x".repeat(1001));
    p.until("the over-long text flagged", |p| {
        p.get("textarea.lc-input").get_attribute("aria-invalid").as_deref() == Some("true")
    })
    .await;
    assert!(p.get("button.lc-send").has_attribute("disabled"));
    assert_eq!(p.get(".lc-counter").text_content().as_deref(), Some("-1 characters left"));

    // Shift+Enter keeps writing; Enter sends. HTML is shown as text.
    p.type_into("textarea.lc-input", "<b>Hello</b>");
    p.until("sending allowed", |p| !p.get("button.lc-send").has_attribute("disabled")).await;
    p.key("textarea.lc-input", "Enter", true);
    sleep(100).await;
    assert!(p.all_text(".lc-mine .lc-bubble").is_empty(), "Shift+Enter does not send");
    p.key("textarea.lc-input", "Enter", false);
    p.until("my message", |p| p.all_text(".lc-mine .lc-bubble") == ["<b>Hello</b>"]).await;
    assert!(p.find(".lc-mine .lc-bubble b").is_none(), "never rendered as HTML");
    p.until("the message confirmed", |p| p.find(".lc-status").is_none()).await;

    // The agent answers with a link; it shows as a safe link and is announced.
    let room = p.session.room.get_untracked().expect("the first message opened a room");
    let agent_id = room.served_by.expect("an agent serves the room").id;
    let mut staff = AgentClient::login(Transport::new(server_url()), "agent", "agent").await.unwrap();
    if staff.user_id() != agent_id {
        staff = AgentClient::login(Transport::new(server_url()), "bob", "bob-password").await.unwrap();
    }
    staff.send_message(&room.id, "Hi Ada!\nSee https://example.com/help", None).await.unwrap();
    p.session.refresh().await;
    p.until("the agent's message", |p| p.find(".lc-theirs .lc-bubble a").is_some()).await;
    let link = p.get(".lc-theirs .lc-bubble a");
    assert_eq!(link.get_attribute("href").as_deref(), Some("https://example.com/help"));
    assert_eq!(link.get_attribute("rel").as_deref(), Some("noopener noreferrer nofollow"));
    assert_eq!(
        p.all_text(".lc-theirs .lc-bubble p"),
        ["Hi Ada!", "See https://example.com/help"],
        "a paragraph a line"
    );
    p.until("the announcement", |p| p.get(".lc-live").text_content().unwrap_or_default().contains("Hi Ada!")).await;
    assert_eq!(p.get(".lc-live").get_attribute("aria-live").as_deref(), Some("polite"));
    // Formatting and shortcodes, drawn by the renderer as elements.
    staff.send_message(&room.id, "*Thanks!* :smile:", None).await.unwrap();
    p.session.refresh().await;
    p.until("the formatted message", |p| p.find(".lc-theirs .lc-bubble strong").is_some()).await;
    p.until("the emoji", |p| p.find(".lc-theirs [role=img][aria-label=':smile:']").is_some()).await;
    assert_eq!(p.get(".lc-theirs [role=img]").text_content().as_deref(), Some("😄"));
    let name = p.get("#lc-title").text_content().unwrap();
    assert!(!name.is_empty());
    // The initials are upper-cased by the browser: compared with Rust's rules here.
    let initials: String =
        name.split(' ').filter_map(|w| w.chars().next()).take(2).flat_map(char::to_uppercase).collect();
    assert_eq!(p.get(".lc-avatar").text_content().as_deref(), Some(initials.as_str()), "the serving agent's initials");

    // Edit from the message's own action.
    p.click(".lc-mine .lc-meta button.lc-link");
    p.until("edit mode", |p| {
        p.get("textarea.lc-input").unchecked_into::<web_sys::HtmlTextAreaElement>().value() == "<b>Hello</b>"
    })
    .await;
    p.type_into("textarea.lc-input", "Hello, edited");
    p.key("textarea.lc-input", "Enter", false);
    p.until("the edited text", |p| p.all_text(".lc-mine .lc-bubble") == ["Hello, edited"]).await;
    p.until("the edited mark", |p| p.find(".lc-edited").is_some()).await;

    // End the chat through the menu, with a confirmation.
    p.click(".lc-menu-wrap .lc-icon-button");
    p.until("the menu", |p| p.find(".lc-menu [role=menuitem]").is_some()).await;
    let items = p.all_text(".lc-menu [role=menuitem]");
    assert_eq!(items, ["Change department", "End chat"]);
    p.click(".lc-menu [role=menuitem]:last-child");
    p.until("the confirmation", |p| p.find("[role=alertdialog]").is_some()).await;
    p.click("[role=alertdialog] .lc-danger");
    p.until("the survey", |p| p.find(".lc-survey").is_some()).await;
    assert_eq!(p.session.screen.get_untracked(), Screen::Survey);
    assert_eq!(p.all_text(".lc-rating legend").len(), 4);
    p.click("input[name=satisfaction][value='5']");
    p.click("input[name=agentResposiveness][value='4']");
    p.click(".lc-survey button[type=submit]");
    p.until("thanks", |p| p.find(".lc-done").is_some()).await;
    assert_eq!(p.get(".lc-done h2").text_content().as_deref(), Some("Thank you!"));
    p.click(".lc-done button");
    p.until("a new chat", |p| p.find("textarea.lc-input").is_some()).await;
    assert!(p.all_text(".lc-bubble").is_empty());

    // Escape closes the window and focus goes back to the launcher.
    p.key("#lc-window", "Escape", false);
    p.until("closed", |p| p.find("#lc-window").is_none()).await;
    p.until("focus on the launcher", |p| p.focused().is_some_and(|e| e.class_name() == "lc-launcher")).await;
}

/// Chooses `files` (name, type, bytes) with the composer's attach button, as the browser does.
fn attach(p: &Page, files: &[(&str, &str, &[u8])]) {
    let dt = web_sys::DataTransfer::new().unwrap();
    for (name, kind, bytes) in files {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(*bytes));
        let options = web_sys::FilePropertyBag::new();
        options.set_type(kind);
        let file = web_sys::File::new_with_u8_array_sequence_and_options(&parts, name, &options).unwrap();
        dt.items().add_with_file(&file).unwrap();
    }
    let input = p.get(".lc-attach input[type=file]").unchecked_into::<web_sys::HtmlInputElement>();
    input.set_files(dt.files().as_ref());
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn a_visitor_sends_files_sees_their_progress_and_why_one_is_refused() {
    let options =
        SessionOptions { name: Some("Fran".into()), email: Some(unique_email()), ..SessionOptions::default() };
    let p = page(Lang::En, options).await;
    p.click(".lc-launcher");
    p.until("the composer with its attach button", |p| p.find(".lc-attach input[type=file]").is_some()).await;
    assert_eq!(p.get(".lc-attach input").get_attribute("aria-label").as_deref(), Some("Attach a file"));

    // A file before any message: the room is made for it, and the server's message shows it.
    attach(&p, &[("notes.txt", "text/plain", b"hello, file")]);
    p.until("the file's card", |p| p.find(".lc-mine a.lc-file").is_some()).await;
    let card = p.get(".lc-mine a.lc-file");
    assert_eq!(card.get_attribute("download").as_deref(), Some("notes.txt"));
    let href = card.get_attribute("href").unwrap();
    assert!(href.contains("/file-upload/") && href.contains("rc_token=") && href.contains("rc_rid="), "{href}");
    p.until("the list emptied", |p| p.find(".lc-uploads li").is_none()).await;

    // A type the server refuses: why, in the visitor's language; Delete takes it away, and
    // focus goes back to the composer.
    attach(&p, &[("x.svg", "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>")]);
    p.until("the refusal", |p| p.find(".lc-uploads [role=alert]").is_some()).await;
    assert_eq!(p.get(".lc-uploads [role=alert]").text_content().as_deref(), Some("Files of this type cannot be sent."));
    assert_eq!(p.all_text(".lc-uploads button"), ["Retry", "Delete"]);
    p.get(".lc-uploads button[data-action=delete]").unchecked_into::<HtmlElement>().focus().unwrap();
    p.click(".lc-uploads button[data-action=delete]");
    p.until("the list emptied", |p| p.find(".lc-uploads li").is_none()).await;
    p.until("focus in the composer", |p| p.focused().is_some_and(|e| e.class_list().contains("lc-input"))).await;
    assert_eq!(p.all_text(".lc-mine a.lc-file").len(), 1, "nothing more was sent");
}

#[wasm_bindgen_test]
async fn with_nobody_online_the_offline_form_takes_a_message() {
    let p = page(Lang::En, SessionOptions { department: Some("night".into()), ..SessionOptions::default() }).await;
    p.click(".lc-launcher");
    p.until("the offline form", |p| p.find("#lc-off-name").is_some()).await;
    assert_eq!(p.get(".lc-form-title").text_content().as_deref(), Some("Leave a message"));
    p.click(".lc-form button[type=submit]");
    p.until("errors", |p| p.get("#lc-off-message-error").text_content().unwrap_or_default() != "").await;
    assert_eq!(p.get("#lc-off-name-error").text_content().as_deref(), Some("Please enter your name."));
    assert_eq!(p.get("#lc-off-email-error").text_content().as_deref(), Some("Please enter your email address."));
    assert_eq!(p.get("#lc-off-message-error").text_content().as_deref(), Some("Please write a message."));
    p.type_into("#lc-off-name", "Lin");
    p.type_into("#lc-off-email", &unique_email());
    p.type_into("#lc-off-message", "Please call me back.");
    p.click(".lc-form button[type=submit]");
    p.until("the confirmation", |p| p.find(".lc-done").is_some()).await;
    assert_eq!(p.get(".lc-done h2").text_content().as_deref(), Some("Message sent"));
}

#[wasm_bindgen_test]
async fn arabic_is_right_to_left() {
    // The page hands the widget the visitor's catalogue (src/i18n/ar.json, as shipped).
    catalogue::install(Lang::Ar);
    let p = page(
        Lang::Ar,
        SessionOptions { name: Some("Sami".into()), email: Some(unique_email()), ..SessionOptions::default() },
    )
    .await;
    let root = p.get(".lc-widget");
    assert_eq!(
        (root.get_attribute("dir").as_deref(), root.get_attribute("lang").as_deref()),
        (Some("rtl"), Some("ar"))
    );
    p.click(".lc-launcher");
    p.until("the composer", |p| p.find("textarea.lc-input").is_some()).await;
    assert_eq!(p.get("textarea.lc-input").get_attribute("placeholder").as_deref(), Some("اكتب رسالتك…"));
}

#[wasm_bindgen_test]
async fn live_news_shows_without_a_refresh_and_a_lost_connection_is_told_politely() {
    let options =
        SessionOptions { name: Some("Noor".into()), email: Some(unique_email()), ..SessionOptions::default() };
    let p = page(Lang::En, options).await;
    p.click(".lc-launcher");
    p.until("the composer", |p| p.find("textarea.lc-input").is_some()).await;
    p.type_into("textarea.lc-input", "Hi there");
    p.key("textarea.lc-input", "Enter", false);
    p.until("the live link", |p| p.session.link.get_untracked() == Status::Live).await;
    assert!(p.find(".lc-banner").is_none(), "connecting the first time is not news");

    // The agent's reply appears and is announced, with no refresh.
    let room = p.session.room.get_untracked().unwrap();
    let agent_id = room.served_by.clone().expect("an agent serves the room").id;
    let mut staff = AgentClient::login(Transport::new(server_url()), "agent", "agent").await.unwrap();
    if staff.user_id() != agent_id {
        staff = AgentClient::login(Transport::new(server_url()), "bob", "bob-password").await.unwrap();
    }
    staff.send_message(&room.id, "Live reply", None).await.unwrap();
    p.until("the reply", |p| p.all_text(".lc-theirs .lc-bubble") == ["Live reply"]).await;
    p.until("the announcement", |p| p.get(".lc-live").text_content().unwrap_or_default().contains("Live reply")).await;

    // Typing shows in a status line (read politely by screen readers).
    let typist = room.served_by.as_ref().map(|a| a.username.clone()).expect("an agent serves the room");
    p.session.on_realtime(Event::Typing { rid: room.id.clone(), username: typist, on: true });
    let name = p.session.typing.get_untracked().first().cloned().expect("typing noted");
    let shown = format!("\u{2068}{name}\u{2069} is typing…");
    p.until("typing shown", |p| p.get(".lc-typing").text_content().as_deref() == Some(shown.as_str())).await;
    assert_eq!(p.get(".lc-typing").get_attribute("role").as_deref(), Some("status"));

    // A dropped connection shows a polite banner until the link is back.
    let rt = p.session.realtime().unwrap();
    rt.kill();
    p.until("the banner", |p| p.find(".lc-banner.lc-link-lost").is_some()).await;
    let banner = p.get(".lc-banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("status"));
    assert_eq!(banner.text_content().as_deref(), Some("Connection lost. Reconnecting…"));
    p.until("reconnected", |p| p.session.link.get_untracked() == Status::Live).await;
    p.until("the banner gone", |p| p.find(".lc-banner").is_none()).await;
    assert!(p.session.typing.get_untracked().is_empty(), "typing forgotten with the lost link");
}

#[wasm_bindgen_test]
async fn a_window_opened_without_the_visitor_here_leaves_focus_on_the_page() {
    let document = web_sys::window().unwrap().document().unwrap();
    // The host page's own field has focus.
    let field = document.create_element("input").unwrap().unchecked_into::<HtmlElement>();
    document.body().unwrap().append_child(&field).unwrap();
    field.focus().unwrap();
    let page_has_focus = || document.active_element().is_some_and(|e| e.is_same_node(Some(&field)));
    assert!(page_has_focus());

    // Another tab of the visitor opened the window: this page, loaded after, restores it open.
    let owner = Owner::new();
    owner.set();
    let options = SessionOptions {
        namespace: new_token(),
        name: Some("Noor".into()),
        email: Some(unique_email()),
        ..SessionOptions::default()
    };
    let other_tab = Session::new(server_url(), Lang::En, options.clone());
    other_tab.start().await;
    other_tab.interacted();
    other_tab.set_open(true);
    let session = Session::new(server_url(), Lang::En, options);
    session.start().await;
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    std::mem::forget(ui::mount(&host, session).unwrap());
    let p = Page { host, _owner: owner, session };
    p.until("the window restored open", |p| p.find("textarea").is_some()).await;
    sleep(200).await;
    assert!(page_has_focus(), "a restored window does not take focus");

    // Closed and opened again by the other tab: still the page's.
    other_tab.set_open(false);
    p.until("closed by the other tab", |p| p.find("#lc-window").is_none()).await;
    sleep(200).await;
    assert!(page_has_focus(), "closing from another tab does not move focus");
    other_tab.set_open(true);
    p.until("opened by the other tab", |p| p.find("#lc-window").is_some()).await;
    sleep(200).await;
    assert!(page_has_focus(), "opening from another tab does not take focus");

    // The visitor's own click in this tab does move focus into the window.
    p.click(".lc-launcher");
    p.until("closed here", |p| p.find("#lc-window").is_none()).await;
    p.click(".lc-launcher");
    p.until("focus in the window", |p| p.focused().is_some_and(|e| e.tag_name() == "TEXTAREA")).await;
    field.remove();
}

#[wasm_bindgen_test]
fn initials_are_upper_cased_by_the_browser() {
    // In wasm the widget upper-cases with the browser's rules (not Rust's tables): the same letters.
    assert_eq!(livechat_widget::ui::initials("ólafur arnalds"), "ÓA");
    assert_eq!(livechat_widget::ui::initials("jane.doe"), "JD");
    assert_eq!(livechat_widget::ui::initials("straße"), "S");
    assert_eq!(livechat_widget::ui::initials("ǆemal"), "Ǆ");
    assert_eq!(livechat_widget::ui::initials(""), "");
}
