//! The widget as a web page embeds it: the wasm side of the JavaScript API.
//! (About 480 lines of code, a quarter more of tests: the boot options, the events and
//! the commands' application belong together; the commands' parsing is `embed/command.rs`.)
//!
//! The API a page uses (Rocket.Chat's embed API, the widget's typed API with its `on`/`off`
//! events, the queue of calls made before the wasm is there) is JavaScript: `www/api.js`, which
//! the script-tag loader carries inside and the npm package ships. It calls three exports:
//!
//! * [`boot`] mounts one widget on a host element and answers its number;
//! * [`command`] runs one command on a widget (`open`, `status`, `setGuestName`, …), read into a
//!   [`Command`] and applied, answering a value, a promise, or an error for bad input;
//! * every event goes to the one `sink` function `boot` was given, as `sink(event, payload)`
//!   with `event` an [`Event`] number (its name is `EVENTS[event]` in `api.js`).
//!
//! Nothing here talks to the server or to storage itself: every action is a [`Session`] method.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use leptos::prelude::*;
use livechat_wire::visitor::{NewVisitor, is_email};
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::api::Error;
use crate::i18n::{self, Lang};
use crate::keyed::IdSet;
use crate::session::{Screen, Session, SessionOptions, Submitted};

mod command;

pub use command::Command;

/// Every event, by the number the sink receives: the order of `EVENTS` in `www/api.js` (a test
/// keeps them equal). The first ten are Rocket.Chat's (its `on…` callbacks register for them);
/// the rest are the widget's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Event {
    ChatMaximized,
    ChatMinimized,
    ChatStarted,
    ChatEnded,
    PreChatFormSubmit,
    OfflineFormSubmit,
    // `show-widget` and `hide-widget` come from `api.js` itself: showing and hiding is the host
    // element's business.
    ShowWidget,
    HideWidget,
    AssignAgent,
    AgentStatusChange,
    /// The visitor's place in the waiting queue changed: `{spot}` (`spot` 0 once out of it).
    QueuePositionChange,
    /// The visitor opened the window while no agent is online (the offline form, or nothing).
    NoAgentOnline,
    /// A message appeared in the conversation (from history, the agent, or the visitor's own
    /// once the server confirmed it), once per message.
    Message,
    /// `status()` changed; the new status is the argument.
    StatusChange,
    /// `unreadCount()` changed; the new count is the argument.
    UnreadChange,
}

/// What `status()` answers for each screen.
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
        Screen::Unreachable => "unreachable",
    }
}

/// A widget on the page.
struct Inner {
    session: Session,
    /// `sink(event, payload)`.
    sink: Function,
    /// The session has started (or is starting).
    started: Cell<bool>,
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

/// The language `tag` with its `texts` (an array in [`i18n::Key`] order, as `api.js` fetched
/// it), installed; English when `tag` is not one of the widget's.
fn language(tag: &JsValue, texts: &JsValue) -> Lang {
    let lang = tag.as_string().and_then(|t| Lang::from_tag(&t)).unwrap_or_default();
    if Array::is_array(texts) {
        i18n::install(lang, Array::from(texts).iter().map(|t| t.as_string()));
    }
    lang
}

// Mounts a widget on `host` (in its shadow root, reusing one the loader attached) and answers
// its number for [`command`]. Called by `www/api.js`, which checks the options first. `options`:
// `server`, `department`, `language` (a tag `api.js` chose) with `texts` (its catalogue),
// `consent` (`"required"`: nothing starts and nothing is stored until the visitor interacts or
// the site calls `consent()`), `namespace` (storage namespace), `guestName`, `guestEmail`,
// `sound` (`"on"`: a short tone for agent messages while the window is closed or the page
// hidden), `transport` (`"polling"`: never open a WebSocket), `lazy` (the second module's entry
// points: `draw` for messages that are more than plain text, `upload` for the visitor's files;
// see `Session::set_lazy`). Events go to `sink`.
// (`//`, not `///`: wasm-bindgen would copy doc comments into the glue every visitor downloads.)
#[wasm_bindgen]
pub fn boot(host: Element, options: JsValue, sink: Function) -> Result<u32, JsValue> {
    let get = |k: &str| Reflect::get(&options, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let lang = language(&get("language"), &get("texts"));
    let consent_required = text(&options, "consent").as_deref() == Some("required");
    let session_options = SessionOptions {
        require_consent: consent_required,
        department: text(&options, "department"),
        name: text(&options, "guestName"),
        email: text(&options, "guestEmail").filter(|e| is_email(e)),
        namespace: text(&options, "namespace").unwrap_or_default(),
        custom_fields: Vec::new(),
        sound: text(&options, "sound").as_deref() == Some("on"),
        polling_only: text(&options, "transport").as_deref() == Some("polling"),
        no_triggers: text(&options, "triggers").as_deref() == Some("off"),
    };
    // The session belongs to no owner: work it has under way may outlive the widget's view.
    let session = Session::new(&text(&options, "server").unwrap_or_default(), lang, session_options);
    session.set_lazy(get("lazy"));
    session.set_host(host.clone().into());
    let owner = Owner::new();
    let view = crate::ui::mount_in_shadow(&host, move || {
        provide_context(session);
        view! { <crate::ui::Widget/> }
    })?;
    let inner = Rc::new(Inner {
        session,
        sink,
        started: Cell::new(false),
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
    // The widget lives as long as the page.
    MOUNTED.with_borrow_mut(|m| {
        m.push(inner);
        Ok(m.len() as u32 - 1)
    })
}

thread_local! {
    /// Every widget booted on this page, by number.
    static MOUNTED: RefCell<Vec<Rc<Inner>>> = const { RefCell::new(Vec::new()) };
}

// Runs command `name` on widget number `widget` with arguments `a`, `b`, `c` (`api.js` passes
// them checked and as strings where a string is wanted): read into a [`Command`]
// (`Command::NAMES` lists them, declared with what each takes), then applied. Answers a value
// (`isOpen`, `status`, `unreadCount`, `token`), a promise settled once the change is made (and
// sent, when the visitor is registered: `pageVisited`, `setCustomField`, `setDepartment`,
// `clearDepartment`, `setGuestName`, `setGuestEmail`, `registerGuest`), or nothing. An unknown
// command or widget is an error; so is an e-mail address that is not one.
#[wasm_bindgen]
pub fn command(widget: u32, name: &str, a: JsValue, b: JsValue, c: JsValue) -> Result<JsValue, JsValue> {
    let Some(w) = MOUNTED.with_borrow(|m| m.get(widget as usize).cloned()) else {
        return Err(js_error("Livechat: no such widget"));
    };
    let command = Command::read(name, &[a, b, c]).map_err(js_error)?;
    Ok(w.run(command))
}

impl Inner {
    /// Applies `command` through the session's methods.
    fn run(&self, command: Command) -> JsValue {
        let s = self.session;
        match command {
            Command::Open(open) => {
                s.set_open(open);
                self.sync_open();
            }
            Command::IsOpen => return s.open.get_untracked().into(),
            Command::Status => return s.screen.with_untracked(status_name).into(),
            Command::UnreadCount => return s.unread.get_untracked().into(),
            Command::Token => return s.token().into(),
            Command::Reset => {
                s.reset();
                self.restart();
            }
            Command::Consent(agreed) => {
                if agreed {
                    s.agree();
                } else {
                    s.interacted();
                }
                self.start();
            }
            Command::SetTheme(title, offline) => {
                let mut titles = self.titles.borrow_mut();
                titles.0 = title.or(titles.0.take());
                titles.1 = offline.or(titles.1.take());
                drop(titles);
                self.apply_titles();
            }
            Command::SetGuestToken(token) => {
                if s.set_guest_token(&token) {
                    self.restart();
                }
            }
            Command::SetLanguage(lang) => s.set_language(lang),
            Command::PageVisited { title, href } => {
                if !self.started.get() {
                    *self.pending_page.borrow_mut() = Some((title, href));
                    return Promise::resolve(&JsValue::UNDEFINED).into();
                }
                return promise(s.page_visited(title, href));
            }
            Command::SetCustomField { key, value, overwrite } => {
                return promise(s.set_custom_field(key, value, overwrite));
            }
            Command::SetDepartment(department) => return promise(s.set_department(department)),
            Command::SetGuestName(name) => return promise(s.set_guest_name(Some(name))),
            Command::SetGuestEmail(email) => return promise(s.set_guest_email(Some(email))),
            Command::RegisterGuest(visitor) => return self.register_guest(visitor),
        }
        JsValue::UNDEFINED
    }
}

impl Inner {
    fn emit(&self, event: Event, payload: &JsValue) {
        let _ = self.sink.call2(&JsValue::UNDEFINED, &JsValue::from(event as u8), payload);
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
            self.emit(if open { Event::ChatMaximized } else { Event::ChatMinimized }, &JsValue::UNDEFINED);
        }
        // Opening shows the chat: the session must be running (it waits for consent otherwise).
        if open {
            self.start();
        }
    }

    /// `registerGuest` with the visitor the site described.
    fn register_guest(&self, visitor: NewVisitor) -> JsValue {
        let session = self.session;
        // Another visitor than the one on screen: once registered, load its state afresh (as
        // `setGuestToken` does), or the window would wait on the old visitor's screen.
        let switches = !visitor.token.is_empty() && visitor.token != session.token() && self.started.get();
        self.start();
        let registration = session.register_guest(visitor);
        promise(async move {
            registration.await?;
            if switches {
                session.start().await;
            }
            Ok(())
        })
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
    messages: IdSet,
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
        let screen_changed = seen.screen.replace(screen).is_some_and(|was| was != screen);

        let agent = s.agent.with(|a| a.as_ref().map(|a| (Some(a.id.clone()), a.status.clone()))).unwrap_or_default();
        let agent_event = match (&agent.0, &seen.agent) {
            (Some(id), (was, _)) if Some(id) != was.as_ref() => Some(Event::AssignAgent),
            (Some(_), (_, status)) if *status != agent.1 => Some(Event::AgentStatusChange),
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
                if s.outbox.with_untracked(|o| o.contains_key(&m.id)) || !seen.messages.insert(&m.id) {
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
            self.emit(Event::ChatStarted, &JsValue::UNDEFINED);
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
            self.emit(Event::Message, m);
        }
        if screen_changed {
            if screen == Screen::Survey {
                self.emit(Event::ChatEnded, &JsValue::UNDEFINED);
            }
            self.emit(Event::StatusChange, &JsValue::from_str(status_name(&screen)));
        }
        if unread_changed {
            self.emit(Event::UnreadChange, &JsValue::from(unread));
        }
        if spot_changed {
            self.emit(Event::QueuePositionChange, &obj(&[("spot", JsValue::from(spot.unwrap_or(0)))]));
        }
        if no_agent_online {
            self.emit(Event::NoAgentOnline, &JsValue::UNDEFINED);
        }
        if let Some(form) = submitted {
            // Reported once: the next submission sets it again.
            s.take_submitted();
            let (event, payload) = match form {
                Submitted::PreChat { name, email, department } => (
                    Event::PreChatFormSubmit,
                    obj(&[("name", name.into()), ("email", email.into()), ("department", opt(&department))]),
                ),
                Submitted::Offline { name, email, message, department } => (
                    Event::OfflineFormSubmit,
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

    /// Titles the site set win over the server's (again whenever the configuration changes).
    fn apply_titles(&self) {
        self.session.config.track();
        let (title, offline) = self.titles.borrow().clone();
        self.session.retitle(title, offline);
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
fn promise<F>(f: F) -> JsValue
where
    F: std::future::Future<Output = Result<(), Error>> + 'static,
{
    wasm_bindgen_futures::future_to_promise(async move {
        f.await.map(|()| JsValue::UNDEFINED).map_err(|e| js_error(&e.to_string()))
    })
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Key;
    use std::collections::BTreeSet;

    const LOADER: &str = include_str!("../www/loader.js");
    const API: &str = include_str!("../www/api.js");

    #[test]
    fn statuses_are_distinct() {
        let screens = [
            Screen::Loading,
            Screen::Register,
            Screen::Chat,
            Screen::Offline,
            Screen::OfflineSent,
            Screen::Survey,
            Screen::ThankYou,
            Screen::Unavailable,
            Screen::Unreachable,
        ];
        let names: BTreeSet<_> = screens.iter().map(status_name).collect();
        assert_eq!(names.len(), screens.len());
    }

    /// `ChatMaximized` → `chat-maximized`.
    fn kebab(event: Event) -> String {
        let mut out = String::new();
        for c in format!("{event:?}").chars() {
            if c.is_ascii_uppercase() && !out.is_empty() {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    /// The events `api.js` names, in its order: its `EVENTS` list.
    fn api_events() -> Vec<&'static str> {
        let list = API.split("var EVENTS = (").nth(1).and_then(|rest| rest.split(").split(").next()).unwrap();
        list.split('\'').skip(1).step_by(2).flat_map(str::split_whitespace).collect()
    }

    /// The sink gets numbers: `api.js` must name them in the same order.
    #[test]
    fn the_apis_events_are_the_wasms_in_order() {
        let ours: Vec<String> = [
            Event::ChatMaximized,
            Event::ChatMinimized,
            Event::ChatStarted,
            Event::ChatEnded,
            Event::PreChatFormSubmit,
            Event::OfflineFormSubmit,
            Event::ShowWidget,
            Event::HideWidget,
            Event::AssignAgent,
            Event::AgentStatusChange,
            Event::QueuePositionChange,
            Event::NoAgentOnline,
            Event::Message,
            Event::StatusChange,
            Event::UnreadChange,
        ]
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            assert_eq!(e as usize, i);
            kebab(e)
        })
        .collect();
        assert_eq!(api_events(), ours);
    }

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

    /// The loader names the launcher in the visitor's language before any catalogue is fetched:
    /// with the texts the widget will have (English built in, the rest from `src/i18n`).
    #[test]
    fn the_loaders_launcher_says_what_the_widgets_says() {
        for lang in Lang::ALL {
            if lang != Lang::En {
                let path = format!("{}/src/i18n/{}.json", env!("CARGO_MANIFEST_DIR"), lang.tag());
                let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
                let texts = Key::ALL.iter().map(|k| json[format!("{k:?}")].as_str().map(str::to_owned));
                crate::i18n::install(lang, texts);
            }
            let name = lang.t(Key::OpenChat);
            let tag = lang.tag();
            let entry = if tag.contains('-') { format!("'{tag}': '{name}'") } else { format!("{tag}: '{name}'") };
            assert!(LOADER.contains(&entry), "the loader lacks {entry}");
            // The loader picks the label's language as the API picks the widget's.
            assert!(API.contains(&format!("{}: '{tag}'", tag.split('-').next().unwrap().to_lowercase())));
        }
        let icon = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
        assert!(LOADER.contains(icon));
        assert!(include_str!("ui/launcher.rs").contains(icon));
    }
}
