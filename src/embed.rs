//! The widget as a web page embeds it. [`boot`] mounts one widget on a host element and returns
//! a [`Livechat`] handle with two APIs on it:
//!
//! * Rocket.Chat's embed API, unchanged: `setTheme`, `setCustomField`, `setDepartment`,
//!   `clearDepartment`, `setGuestToken`, `setGuestName`, `setGuestEmail`, `registerGuest`,
//!   `setLanguage`, `showWidget`, `hideWidget`, `maximizeWidget`, `minimizeWidget`,
//!   `initialize`, and the callbacks `onChatMaximized`, `onChatMinimized`, `onChatStarted`,
//!   `onChatEnded`, `onPrechatFormSubmit`, `onOfflineFormSubmit`, `onWidgetShown`,
//!   `onWidgetHidden`, `onAssignAgent`, `onAgentStatusChange`;
//! * the widget's own typed API: `open`, `close`, `show`, `hide`, `isOpen`, `isVisible`,
//!   `status`, `unreadCount`, `reset`, `consent`, `pageVisited`, and `on`/`off` for every event
//!   ([`EVENTS`]), including one per message.
//!
//! The script-tag loader (`www/loader.js`) queues calls made before the wasm is loaded and
//! replays them on the handle in order; the npm package calls [`boot`] directly.
//!
//! Nothing here talks to the server or to storage itself: every action is a [`Session`] method.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use leptos::prelude::*;
use livechat_wire::visitor::{CustomField, NewVisitor, is_email};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

use crate::api::Error;
use crate::i18n::Lang;
use crate::session::{Screen, Session, SessionOptions, Submitted};

/// Every event [`Livechat::on`] takes. The first ten are Rocket.Chat's (its `on…` callbacks
/// register for them); the rest are the widget's own.
pub const EVENTS: [&str; 15] = [
    "chat-maximized",
    "chat-minimized",
    "chat-started",
    "chat-ended",
    "pre-chat-form-submit",
    "offline-form-submit",
    "show-widget",
    "hide-widget",
    "assign-agent",
    "agent-status-change",
    // The visitor's place in the waiting queue changed: `{spot}` (`spot` 0 once out of it).
    "queue-position-change",
    // The visitor opened the window while no agent is online (the offline form, or nothing).
    "no-agent-online",
    // A message appeared in the conversation (from history, the agent, or the visitor's own
    // once the server confirmed it), once per message.
    "message",
    // `status()` changed; the new status is the argument.
    "status-change",
    // `unreadCount()` changed; the new count is the argument.
    "unread-change",
];

/// What [`Livechat::status`] answers for each screen.
pub fn status_name(screen: &Screen) -> &'static str {
    match screen {
        Screen::Loading => "loading",
        Screen::Register => "prechat",
        Screen::Chat => "chat",
        Screen::Offline => "offline",
        Screen::OfflineSent => "offline-sent",
        Screen::Survey => "survey",
        Screen::ThankYou => "ended",
        Screen::Unavailable => "unavailable",
    }
}

/// A widget on the page.
#[wasm_bindgen]
pub struct Livechat {
    inner: Rc<Inner>,
}

struct Inner {
    session: Session,
    host: Element,
    listeners: RefCell<Vec<(&'static str, Function)>>,
    /// The session has started (or is starting).
    started: Cell<bool>,
    visible: Cell<bool>,
    /// Whether the window was open at the last `chat-maximized`/`chat-minimized`.
    open_seen: Cell<bool>,
    seen: RefCell<Seen>,
    /// The last page reported before the session started, sent when it starts.
    pending_page: RefCell<Option<(String, String)>>,
    /// Header titles the site set with `setTheme` (online, offline).
    titles: RefCell<(Option<String>, Option<String>)>,
    _owner: Owner,
    _view: Box<dyn Any>,
}

fn text(options: &JsValue, key: &str) -> Option<String> {
    Reflect::get(options, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

fn obj(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn opt(s: &Option<String>) -> JsValue {
    s.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// The browser's preferred languages, best first.
fn browser_languages() -> Vec<String> {
    let Some(window) = web_sys::window() else { return Vec::new() };
    let languages = Reflect::get(&window, &"navigator".into())
        .and_then(|n| Reflect::get(&n, &"languages".into()))
        .unwrap_or(JsValue::UNDEFINED);
    if !Array::is_array(&languages) {
        return Vec::new();
    }
    Array::from(&languages).iter().filter_map(|l| l.as_string()).collect()
}

/// Mounts a widget on `host` (in a shadow root, reusing one the loader attached) and returns
/// its handle. `options`: `server` (required), `department`, `language`, `color`, `position`
/// (`left` or `right`), `colorScheme` (`light`, `dark` or `auto`), `consent` (`"required"`:
/// nothing starts and nothing is stored until the visitor interacts or the site calls
/// `consent()`), `namespace` (storage namespace), `guestName`, `guestEmail`, `sound` (`"on"`:
/// a short tone for agent messages while the window is closed or the page hidden), `transport`
/// (`"polling"`: never open a WebSocket).
#[wasm_bindgen]
pub fn boot(host: Element, options: JsValue) -> Result<Livechat, JsValue> {
    let server = text(&options, "server").ok_or_else(|| js_error("Livechat: the `server` option is required"))?;
    if !(server.starts_with("https://") || server.starts_with("http://")) {
        return Err(js_error("Livechat: `server` must be an http(s) address"));
    }
    let consent_required = text(&options, "consent").as_deref() == Some("required");
    let mut languages: Vec<String> = text(&options, "language").into_iter().collect();
    languages.extend(browser_languages());
    let lang = Lang::choose(languages.iter().map(String::as_str));
    let session_options = SessionOptions {
        require_consent: consent_required,
        department: text(&options, "department"),
        name: text(&options, "guestName"),
        email: text(&options, "guestEmail").filter(|e| is_email(e)),
        namespace: text(&options, "namespace").unwrap_or_default(),
        custom_fields: Vec::new(),
        sound: text(&options, "sound").as_deref() == Some("on"),
        polling_only: text(&options, "transport").as_deref() == Some("polling"),
    };
    if host.shadow_root().and_then(|r| r.query_selector(".lc-root").ok().flatten()).is_some() {
        return Err(js_error("Livechat: this element has a widget already"));
    }
    // The session belongs to no owner: work it has under way may outlive a freed handle.
    let session = Session::new(&server, lang, session_options);
    let owner = Owner::new();
    if let Some(color) = text(&options, "color") {
        set_style(&host, "--lc-color", &color);
    }
    if let Some(position) = text(&options, "position") {
        set_position(&host, &position);
    }
    if let Some(scheme) = text(&options, "colorScheme").filter(|s| ["light", "dark", "auto"].contains(&s.as_str())) {
        let _ = host.set_attribute("data-theme", &scheme);
    }
    let view = crate::ui::mount_in_shadow(&host, move || {
        provide_context(session);
        view! { <crate::ui::Widget/> }
    })?;
    let inner = Rc::new(Inner {
        session,
        host,
        listeners: RefCell::new(Vec::new()),
        started: Cell::new(false),
        visible: Cell::new(true),
        open_seen: Cell::new(false),
        seen: RefCell::new(Seen::default()),
        pending_page: RefCell::new(None),
        titles: RefCell::new((None, None)),
        _owner: owner.clone(),
        _view: Box::new(view),
    });
    owner.with(|| watch(&inner));
    if !consent_required {
        inner.start();
    }
    // The widget lives as long as the page: a handle the page drops (and the garbage collector
    // frees) must not take the widget off the page while its session goes on underneath.
    MOUNTED.with(|m| m.borrow_mut().push(inner.clone()));
    Ok(Livechat { inner })
}

thread_local! {
    /// Every widget booted on this page.
    static MOUNTED: RefCell<Vec<Rc<Inner>>> = const { RefCell::new(Vec::new()) };
}

fn set_style(host: &Element, property: &str, value: &str) {
    if let Some(el) = host.dyn_ref::<HtmlElement>() {
        let _ = el.style().set_property(property, value);
    }
}

fn set_position(host: &Element, position: &str) {
    if position == "left" || position == "right" {
        let _ = host.set_attribute("data-position", position);
    }
}

impl Inner {
    fn emit(&self, event: &str, payload: &JsValue) {
        // A callback may add or remove listeners: call a copy.
        let callbacks: Vec<Function> =
            self.listeners.borrow().iter().filter(|(e, _)| *e == event).map(|(_, f)| f.clone()).collect();
        for f in callbacks {
            if let Err(e) = f.call1(&JsValue::UNDEFINED, payload) {
                web_sys::console::error_2(&"Livechat: an event callback failed:".into(), &e);
            }
        }
    }

    /// Starts the session once: loads the configuration and the visitor's room.
    fn start(&self) {
        if self.started.replace(true) {
            return;
        }
        let session = self.session;
        let page = self.pending_page.borrow_mut().take();
        Session::spawn(async move {
            session.start().await;
            if let Some((title, href)) = page {
                let _ = session.page_visited(title, href).await;
            }
        });
    }

    /// Loads the (new) visitor's state again, when the session runs; a session waiting for
    /// consent loads it when it starts.
    fn restart(&self) {
        if self.started.get() {
            Session::spawn(self.session.start());
        }
    }

    /// Reports an opened or closed window once. Called at once by `open`/`close`, so events keep
    /// the order of the calls, and by an effect for the visitor's own clicks.
    fn sync_open(&self) {
        let open = self.session.open.get_untracked();
        if self.open_seen.replace(open) != open {
            self.emit(if open { "chat-maximized" } else { "chat-minimized" }, &JsValue::UNDEFINED);
        }
        // Opening shows the chat: the session must be running (it waits for consent otherwise).
        if open {
            self.start();
        }
    }

    fn set_visible(&self, visible: bool) {
        if self.visible.replace(visible) == visible {
            return;
        }
        set_style(&self.host, "display", if visible { "" } else { "none" });
        self.emit(if visible { "show-widget" } else { "hide-widget" }, &JsValue::UNDEFINED);
    }
}

/// What the events have reported so far.
#[derive(Default)]
struct Seen {
    has_room: bool,
    screen: Option<Screen>,
    /// The agent's id and status.
    agent: (Option<String>, Option<String>),
    unread: u32,
    messages: BTreeSet<String>,
    queue_spot: Option<u32>,
    /// Whether "no agent online" was reported for the current opening of the window.
    offline_reported: bool,
}

impl Inner {
    /// Compares the session with what was reported and emits an event per change. Runs in one
    /// effect: every signal read here is tracked.
    fn observe(&self) {
        let s = self.session;
        s.open.track();
        self.sync_open();
        let mut seen = self.seen.borrow_mut();
        // A chat starts when a room appears while the chat screen is up (a returning visitor's
        // room appears while the session is still loading).
        let has_room = s.room.with(Option::is_some);
        let chat_started = !seen.has_room && has_room && s.screen.get_untracked() == Screen::Chat;
        seen.has_room = has_room;

        let screen = s.screen.get();
        let screen_changed = seen.screen.replace(screen.clone()).is_some_and(|was| was != screen);

        let agent = s.agent.with(|a| a.as_ref().map(|a| (Some(a.id.clone()), a.status.clone()))).unwrap_or_default();
        let agent_event = match (&agent.0, &seen.agent) {
            (Some(id), (was, _)) if Some(id) != was.as_ref() => Some("assign-agent"),
            (Some(_), (_, status)) if *status != agent.1 => Some("agent-status-change"),
            _ => None,
        };
        seen.agent = agent;

        let unread = s.unread.get();
        let unread_changed = std::mem::replace(&mut seen.unread, unread) != unread;

        let spot = s.queue_spot.get();
        let spot_changed = std::mem::replace(&mut seen.queue_spot, spot) != spot;

        // Rocket.Chat reports a visitor who reaches for the chat while nobody can take it.
        let open = s.open.get_untracked();
        let nobody = open && matches!(screen, Screen::Offline | Screen::Unavailable);
        let no_agent_online = nobody && !seen.offline_reported;
        seen.offline_reported = nobody;

        let submitted = s.submitted.get();
        let me = s.visitor.with(|v| v.as_ref().map(|v| v.id.clone()));
        let mut messages = Vec::new();
        s.outbox.track();
        s.conversation.with(|c| {
            for m in c.messages() {
                // The visitor's own messages count once the server has them.
                if s.outbox.with_untracked(|o| o.contains_key(&m.id)) || !seen.messages.insert(m.id.clone()) {
                    continue;
                }
                let from_visitor = m.t.is_none() && m.u.as_ref().map(|u| &u.id) == me.as_ref();
                let user = m.u.as_ref().map_or(JsValue::UNDEFINED, |u| {
                    obj(&[
                        ("_id", u.id.as_str().into()),
                        ("username", u.username.as_str().into()),
                        ("name", opt(&u.name)),
                    ])
                });
                messages.push(obj(&[
                    ("_id", m.id.as_str().into()),
                    ("rid", m.rid.as_str().into()),
                    ("msg", m.msg.as_str().into()),
                    ("ts", m.ts.map_or(JsValue::UNDEFINED, |t| JsValue::from_f64(t.millis() as f64))),
                    ("t", opt(&m.t)),
                    ("u", user),
                    ("fromVisitor", from_visitor.into()),
                ]));
            }
        });
        drop(seen);
        self.apply_titles();

        // Callbacks run last: they may call back into the handle.
        if chat_started {
            self.emit("chat-started", &JsValue::UNDEFINED);
        }
        if let Some(event) = agent_event {
            let payload = s.agent.with_untracked(|a| {
                a.as_ref().map_or(JsValue::UNDEFINED, |a| {
                    obj(&[
                        ("_id", JsValue::from_str(&a.id)),
                        ("name", opt(&a.name)),
                        ("username", opt(&a.username)),
                        ("status", opt(&a.status)),
                    ])
                })
            });
            self.emit(event, &payload);
        }
        for m in &messages {
            self.emit("message", m);
        }
        if screen_changed {
            if screen == Screen::Survey {
                self.emit("chat-ended", &JsValue::UNDEFINED);
            }
            self.emit("status-change", &JsValue::from_str(status_name(&screen)));
        }
        if unread_changed {
            self.emit("unread-change", &JsValue::from(unread));
        }
        if spot_changed {
            self.emit("queue-position-change", &obj(&[("spot", JsValue::from(spot.unwrap_or(0)))]));
        }
        if no_agent_online {
            self.emit("no-agent-online", &JsValue::UNDEFINED);
        }
        if let Some(form) = submitted {
            // Reported once: the next submission sets it again.
            s.submitted.update_untracked(|f| *f = None);
            let (event, payload) = match form {
                Submitted::PreChat { name, email, department } => (
                    "pre-chat-form-submit",
                    obj(&[("name", name.into()), ("email", email.into()), ("department", opt(&department))]),
                ),
                Submitted::Offline { name, email, message, department } => (
                    "offline-form-submit",
                    obj(&[
                        ("name", name.into()),
                        ("email", email.into()),
                        ("message", message.into()),
                        ("department", opt(&department)),
                    ]),
                ),
            };
            self.emit(event, &payload);
        }
    }

    /// Titles the site set win over the server's.
    fn apply_titles(&self) {
        let s = self.session;
        let (title, offline) = self.titles.borrow().clone();
        let differs = s.config.with(|c| {
            c.as_ref().is_some_and(|c| {
                title.as_ref().is_some_and(|t| *t != c.theme.title)
                    || offline.as_ref().is_some_and(|t| *t != c.theme.offline_title)
            })
        });
        if differs {
            s.config.update(|c| {
                if let Some(c) = c {
                    if let Some(t) = title {
                        c.theme.title = t;
                    }
                    if let Some(t) = offline {
                        c.theme.offline_title = t;
                    }
                }
            });
        }
    }
}

/// Turns the session's changes into events, through one effect.
fn watch(inner: &Rc<Inner>) {
    let inner = Rc::downgrade(inner);
    Effect::new(move |_| {
        if let Some(inner) = inner.upgrade() {
            inner.observe();
        }
    });
}

/// Runs `f` in the background and answers with a promise that settles when it is done.
fn promise<F>(f: F) -> Promise
where
    F: std::future::Future<Output = Result<(), Error>> + 'static,
{
    wasm_bindgen_futures::future_to_promise(async move {
        f.await.map(|()| JsValue::UNDEFINED).map_err(|e| js_error(&e.to_string()))
    })
}

fn resolved() -> Promise {
    Promise::resolve(&JsValue::UNDEFINED)
}

#[wasm_bindgen]
impl Livechat {
    // -----------------------------------------------------------------------------------------
    // The typed API

    /// Opens the chat window.
    pub fn open(&self) {
        self.inner.session.set_open(true);
        self.inner.sync_open();
    }

    /// Closes the chat window (the launcher stays).
    pub fn close(&self) {
        self.inner.session.set_open(false);
        self.inner.sync_open();
    }

    /// Shows the whole widget.
    pub fn show(&self) {
        self.inner.set_visible(true);
    }

    /// Hides the whole widget, launcher included.
    pub fn hide(&self) {
        self.inner.set_visible(false);
    }

    #[wasm_bindgen(js_name = isOpen)]
    pub fn is_open(&self) -> bool {
        self.inner.session.open.get_untracked()
    }

    #[wasm_bindgen(js_name = isVisible)]
    pub fn is_visible(&self) -> bool {
        self.inner.visible.get()
    }

    /// `loading`, `prechat`, `chat`, `offline`, `offline-sent`, `survey`, `ended` or
    /// `unavailable`.
    pub fn status(&self) -> String {
        self.inner.session.screen.with_untracked(status_name).to_owned()
    }

    /// Agent messages that arrived while the window was closed.
    #[wasm_bindgen(js_name = unreadCount)]
    pub fn unread_count(&self) -> u32 {
        self.inner.session.unread.get_untracked()
    }

    /// The visitor's token.
    pub fn token(&self) -> String {
        self.inner.session.token()
    }

    /// Forgets the visitor (token, room, stored values) and starts over as a new one.
    pub fn reset(&self) {
        self.inner.session.reset();
        self.inner.restart();
    }

    /// The visitor agreed: storage may be written, and a widget waiting for consent starts.
    pub fn consent(&self) {
        self.inner.session.interacted();
        self.inner.start();
    }

    /// Reports the page the visitor is on (the loader calls it on every route change).
    /// Before the session starts only the last page is kept, and sent when it starts.
    #[wasm_bindgen(js_name = pageVisited)]
    pub fn page_visited(&self, title: String, href: String) -> Promise {
        if !self.inner.started.get() {
            *self.inner.pending_page.borrow_mut() = Some((title, href));
            return resolved();
        }
        promise(self.inner.session.page_visited(title, href))
    }

    /// Calls `callback` on `event` (one of [`EVENTS`]).
    pub fn on(&self, event: &str, callback: Function) -> Result<(), JsValue> {
        let Some(name) = EVENTS.iter().find(|e| **e == event) else {
            return Err(js_error("Livechat: unknown event"));
        };
        self.inner.listeners.borrow_mut().push((name, callback));
        Ok(())
    }

    /// Stops calling `callback` on `event`.
    pub fn off(&self, event: &str, callback: &Function) {
        self.inner.listeners.borrow_mut().retain(|(e, f)| !(*e == event && f == callback));
    }

    // -----------------------------------------------------------------------------------------
    // Rocket.Chat's API

    /// `{color, fontColor, iconColor, title, offlineTitle, position}`; every key optional.
    #[wasm_bindgen(js_name = setTheme)]
    pub fn set_theme(&self, theme: JsValue) {
        let host = &self.inner.host;
        if let Some(color) = text(&theme, "color") {
            set_style(host, "--lc-color", &color);
        }
        // One colour serves text and icons on the theme colour.
        if let Some(color) = text(&theme, "fontColor").or_else(|| text(&theme, "iconColor")) {
            set_style(host, "--lc-on-color", &color);
        }
        if let Some(position) = text(&theme, "position") {
            set_position(host, &position);
        }
        let (title, offline) = (text(&theme, "title"), text(&theme, "offlineTitle"));
        if title.is_some() || offline.is_some() {
            let mut titles = self.inner.titles.borrow_mut();
            titles.0 = title.or(titles.0.take());
            titles.1 = offline.or(titles.1.take());
            drop(titles);
            // Wake the effect that applies them.
            self.inner.session.config.update(|_| {});
        }
    }

    /// Sets a visitor custom field; `overwrite` (default `true`) replaces a value already set.
    #[wasm_bindgen(js_name = setCustomField)]
    pub fn set_custom_field(&self, key: JsValue, value: JsValue, overwrite: Option<bool>) -> Result<Promise, JsValue> {
        let (Some(key), Some(value)) = (key.as_string(), value.as_string().or_else(|| number_text(&value))) else {
            return Err(js_error("Livechat: setCustomField(key, value) takes two strings"));
        };
        Ok(promise(self.inner.session.set_custom_field(key, value, overwrite.unwrap_or(true))))
    }

    /// `[[key, value, overwrite?], …]`.
    #[wasm_bindgen(js_name = setCustomFields)]
    pub fn set_custom_fields(&self, fields: JsValue) -> Result<Promise, JsValue> {
        if !Array::is_array(&fields) {
            return Err(js_error("Livechat: setCustomFields takes an array of [key, value, overwrite]"));
        }
        let mut last = resolved();
        for field in Array::from(&fields).iter() {
            let field = Array::from(&field);
            last = self.set_custom_field(field.get(0), field.get(1), field.get(2).as_bool())?;
        }
        Ok(last)
    }

    #[wasm_bindgen(js_name = setDepartment)]
    pub fn set_department(&self, department: String) -> Promise {
        promise(self.inner.session.set_department(Some(department)))
    }

    #[wasm_bindgen(js_name = clearDepartment)]
    pub fn clear_department(&self) -> Promise {
        promise(self.inner.session.set_department(None))
    }

    /// Continues as the visitor with `token`.
    #[wasm_bindgen(js_name = setGuestToken)]
    pub fn set_guest_token(&self, token: String) {
        if self.inner.session.set_guest_token(&token) {
            self.inner.restart();
        }
    }

    #[wasm_bindgen(js_name = setGuestName)]
    pub fn set_guest_name(&self, name: String) -> Promise {
        promise(self.inner.session.set_guest_name(Some(name)))
    }

    #[wasm_bindgen(js_name = setGuestEmail)]
    pub fn set_guest_email(&self, email: String) -> Result<Promise, JsValue> {
        if !is_email(email.trim()) {
            return Err(js_error("Livechat: setGuestEmail needs an e-mail address"));
        }
        Ok(promise(self.inner.session.set_guest_email(Some(email))))
    }

    /// `{token?, name?, email?, department?, customFields?: [{key, value, overwrite}]}`.
    #[wasm_bindgen(js_name = registerGuest)]
    pub fn register_guest(&self, guest: JsValue) -> Result<Promise, JsValue> {
        if !guest.is_object() {
            return Err(js_error("Livechat: registerGuest takes an object"));
        }
        let email = text(&guest, "email");
        if email.as_deref().is_some_and(|e| !is_email(e)) {
            return Err(js_error("Livechat: registerGuest needs a valid email"));
        }
        let fields = Reflect::get(&guest, &"customFields".into()).unwrap_or(JsValue::UNDEFINED);
        let custom_fields = if Array::is_array(&fields) {
            Array::from(&fields)
                .iter()
                .filter_map(|f| {
                    Some(CustomField {
                        key: text(&f, "key")?,
                        value: Reflect::get(&f, &"value".into()).ok()?.as_string()?,
                        overwrite: Reflect::get(&f, &"overwrite".into()).ok()?.as_bool().unwrap_or(true),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        let visitor = NewVisitor {
            token: text(&guest, "token").unwrap_or_default(),
            name: text(&guest, "name"),
            email,
            department: text(&guest, "department"),
            custom_fields,
            ..NewVisitor::default()
        };
        let session = self.inner.session;
        // Another visitor than the one on screen: once registered, load its state afresh (as
        // `setGuestToken` does), or the window would wait on the old visitor's screen.
        let switches = !visitor.token.is_empty() && visitor.token != session.token() && self.inner.started.get();
        self.inner.start();
        let registration = session.register_guest(visitor);
        Ok(promise(async move {
            registration.await?;
            if switches {
                session.start().await;
            }
            Ok(())
        }))
    }

    #[wasm_bindgen(js_name = setLanguage)]
    pub fn set_language(&self, language: String) {
        self.inner.session.set_language(&language);
    }

    #[wasm_bindgen(js_name = showWidget)]
    pub fn show_widget(&self) {
        self.show();
    }

    #[wasm_bindgen(js_name = hideWidget)]
    pub fn hide_widget(&self) {
        self.hide();
    }

    #[wasm_bindgen(js_name = maximizeWidget)]
    pub fn maximize_widget(&self) {
        self.open();
    }

    #[wasm_bindgen(js_name = minimizeWidget)]
    pub fn minimize_widget(&self) {
        self.close();
    }

    /// Rocket.Chat's all-in-one call: `{theme, department, guestToken, guestName, guestEmail,
    /// registerGuest, language, customField: [key, value], setCustomFields: [[k, v], …]}`,
    /// applied in that order.
    pub fn initialize(&self, params: JsValue) -> Result<(), JsValue> {
        let get = |k: &str| Reflect::get(&params, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
        let theme = get("theme");
        if theme.is_object() {
            self.set_theme(theme);
        }
        if let Some(d) = text(&params, "department") {
            let _ = self.set_department(d);
        }
        if let Some(t) = text(&params, "guestToken") {
            self.set_guest_token(t);
        }
        if let Some(n) = text(&params, "guestName") {
            let _ = self.set_guest_name(n);
        }
        if let Some(e) = text(&params, "guestEmail") {
            let _ = self.set_guest_email(e)?;
        }
        let guest = get("registerGuest");
        if guest.is_object() {
            let _ = self.register_guest(guest)?;
        }
        if let Some(l) = text(&params, "language") {
            self.set_language(l);
        }
        let field = get("customField");
        if Array::is_array(&field) {
            let field = Array::from(&field);
            let _ = self.set_custom_field(field.get(0), field.get(1), field.get(2).as_bool())?;
        }
        let fields = get("setCustomFields");
        if Array::is_array(&fields) {
            let _ = self.set_custom_fields(fields)?;
        }
        Ok(())
    }

    #[wasm_bindgen(js_name = onChatMaximized)]
    pub fn on_chat_maximized(&self, f: Function) {
        let _ = self.on("chat-maximized", f);
    }

    #[wasm_bindgen(js_name = onChatMinimized)]
    pub fn on_chat_minimized(&self, f: Function) {
        let _ = self.on("chat-minimized", f);
    }

    #[wasm_bindgen(js_name = onChatStarted)]
    pub fn on_chat_started(&self, f: Function) {
        let _ = self.on("chat-started", f);
    }

    #[wasm_bindgen(js_name = onChatEnded)]
    pub fn on_chat_ended(&self, f: Function) {
        let _ = self.on("chat-ended", f);
    }

    #[wasm_bindgen(js_name = onPrechatFormSubmit)]
    pub fn on_prechat_form_submit(&self, f: Function) {
        let _ = self.on("pre-chat-form-submit", f);
    }

    #[wasm_bindgen(js_name = onOfflineFormSubmit)]
    pub fn on_offline_form_submit(&self, f: Function) {
        let _ = self.on("offline-form-submit", f);
    }

    #[wasm_bindgen(js_name = onWidgetShown)]
    pub fn on_widget_shown(&self, f: Function) {
        let _ = self.on("show-widget", f);
    }

    #[wasm_bindgen(js_name = onWidgetHidden)]
    pub fn on_widget_hidden(&self, f: Function) {
        let _ = self.on("hide-widget", f);
    }

    #[wasm_bindgen(js_name = onAssignAgent)]
    pub fn on_assign_agent(&self, f: Function) {
        let _ = self.on("assign-agent", f);
    }

    #[wasm_bindgen(js_name = onAgentStatusChange)]
    pub fn on_agent_status_change(&self, f: Function) {
        let _ = self.on("agent-status-change", f);
    }

    #[wasm_bindgen(js_name = onQueuePositionChange)]
    pub fn on_queue_position_change(&self, f: Function) {
        let _ = self.on("queue-position-change", f);
    }

    #[wasm_bindgen(js_name = onServiceOffline)]
    pub fn on_service_offline(&self, f: Function) {
        let _ = self.on("no-agent-online", f);
    }

    /// Forgets every callback and listener the site registered.
    #[wasm_bindgen(js_name = clearAllCallbacks)]
    pub fn clear_all_callbacks(&self) {
        self.inner.listeners.borrow_mut().clear();
    }
}

/// Rocket.Chat's widget takes numbers as custom field values too.
fn number_text(v: &JsValue) -> Option<String> {
    v.as_f64()?;
    v.unchecked_ref::<js_sys::Number>().to_string_with_radix(10).ok().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_events_are_distinct() {
        let screens = [
            Screen::Loading,
            Screen::Register,
            Screen::Chat,
            Screen::Offline,
            Screen::OfflineSent,
            Screen::Survey,
            Screen::ThankYou,
            Screen::Unavailable,
        ];
        let names: BTreeSet<_> = screens.iter().map(status_name).collect();
        assert_eq!(names.len(), screens.len());
        assert_eq!(EVENTS.iter().collect::<BTreeSet<_>>().len(), EVENTS.len());
    }

    const LOADER: &str = include_str!("../www/loader.js");

    /// `selector{declarations}` rules of whitespace-free CSS, comments and at-rules skipped.
    fn rules(css: &str) -> Vec<(String, BTreeSet<String>)> {
        let mut flat: String = css.chars().filter(|c| !c.is_whitespace()).collect();
        while let Some(start) = flat.find("/*") {
            let end = flat[start..].find("*/").map_or(flat.len(), |e| start + e + 2);
            flat.replace_range(start..end, "");
        }
        flat.split('}')
            .filter_map(|rule| rule.split_once('{'))
            .map(|(selector, body)| {
                let selector = selector.rsplit('{').next().unwrap_or(selector).to_owned();
                (selector, body.split(';').filter(|d| !d.is_empty()).map(str::to_owned).collect())
            })
            .collect()
    }

    /// The loader draws the launcher before the wasm exists: its styles must be the widget's,
    /// or the hand-over would be visible.
    #[test]
    fn the_loaders_launcher_styles_are_the_widgets() {
        let start = LOADER.find("var CSS =").expect("the loader's CSS") + "var CSS =".len();
        let end = start + LOADER[start..].find(";\n").unwrap();
        let css: String =
            LOADER[start..end].split('\'').enumerate().filter(|(i, _)| i % 2 == 1).map(|(_, part)| part).collect();
        let widget = rules(crate::ui::CSS);
        let loader = rules(&css);
        assert!(loader.len() >= 8, "{loader:?}");
        for (selector, declarations) in loader {
            let found = widget.iter().find(|(s, _)| *s == selector);
            let (_, theirs) = found.unwrap_or_else(|| panic!("widget.css has no rule {selector}"));
            for d in &declarations {
                assert!(theirs.contains(d), "{selector}: widget.css has no {d}");
            }
        }
    }

    #[test]
    fn the_loaders_launcher_says_what_the_widgets_says() {
        use crate::i18n::Key;
        for lang in Lang::ALL {
            let name = lang.t(Key::OpenChat);
            let key = lang.tag().split('-').next().unwrap().to_ascii_lowercase();
            assert!(LOADER.contains(&format!("{key}: '{name}'")), "the loader lacks {key}: {name}");
        }
        let icon = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
        assert!(LOADER.contains(icon));
        assert!(include_str!("ui/launcher.rs").contains(icon));
    }

    #[test]
    fn the_loader_proxies_every_method_of_the_handle() {
        let handle: BTreeSet<&str> = include_str!("embed.rs")
            .split("js_name = ")
            .skip(1)
            .filter_map(|rest| rest.split(')').next())
            .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic()))
            .filter(|name| !["isOpen", "isVisible", "unreadCount"].contains(name))
            .collect();
        // The loader's METHODS list: its string literals, joined, split on spaces.
        let list = LOADER.split("var METHODS = (").nth(1).and_then(|rest| rest.split(").split(").next()).unwrap();
        let proxied: BTreeSet<&str> = list.split('\'').skip(1).step_by(2).flat_map(str::split_whitespace).collect();
        assert!(proxied.len() > 30, "the loader's METHODS list was not found: {proxied:?}");
        for name in handle.iter().chain(&["open", "close", "show", "hide", "reset", "consent", "on", "off"]) {
            assert!(proxied.contains(name), "the loader does not proxy {name}");
        }
    }
}
