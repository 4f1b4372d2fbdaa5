//! [`Session`]: the widget's reactive shell over the session core
//! ([`livechat_client::session::core`]). The core holds the visitor's state as plain data and
//! decides every rule; the shell makes the calls the core's inputs come from (the client, the
//! realtime link, the tabs, timers), carries out the [`Effect`]s it answers, and wakes the views
//! that read the [`Area`]s it changed. Components read its [`Field`]s and call its methods;
//! only the session talks to the server and to storage.

use std::cell::{Cell as StdCell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use livechat_client::session::core::{self, AREAS, Area, Core, Effect, Guard, Next, Retry, View, transient};
use livechat_wire::agent::Agent;
use livechat_wire::config::{Config, Department};
use livechat_wire::message::Message;
use livechat_wire::offline_message::OfflineMessage;
use livechat_wire::room::Room;
use livechat_wire::visitor::Visitor;
use wasm_bindgen::JsCast;

use super::conversation::Conversation;
use super::field::{Cell, Field, Handle, LangField};
use super::tabs::Tabs;
use crate::api::{Error, Transport, VisitorClient};
use crate::i18n::{Key, Lang};
use crate::keyed::Keyed;
use crate::realtime::{Event, Realtime, Status};
use crate::storage::{OPEN, READ, StoreOptions, TokenStore};

mod forms;
mod outbox;
mod panels;
mod site;
mod start;
mod triggers;
mod uploads;

pub use forms::FormErrors;

pub use core::{Banner, Delivery, FAILED_AFTER, PAGE, Screen, SessionOptions, Submitted};

pub use livechat_wire::visitor::is_email;

/// A boxed future. Work that several callers await or spawn is one type behind a pointer, so
/// what drives it is compiled once rather than into every caller.
pub type Task<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

/// Storage: `1` while the visitor has the notification sound off.
const MUTED: &str = "muted";

/// A plain object of `pairs`: the context the second module's entry points are given.
pub(crate) fn context(pairs: &[(&str, wasm_bindgen::JsValue)]) -> wasm_bindgen::JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

/// Runs `then(session)` once after `ms` milliseconds.
fn later(session: Session, ms: f64, then: fn(Session)) {
    let callback = wasm_bindgen::closure::Closure::once_into_js(move || then(session));
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms as i32);
    }
}

/// The error work for a previous visitor ends with (nobody reads it: the core's guard drops
/// the answer).
fn stale() -> Error {
    Error::Network { endpoint: "", detail: String::new() }
}

fn random() -> f64 {
    js_sys::Math::random()
}

/// What the session does its work with, beside the core.
struct Io {
    client: RefCell<VisitorClient>,
    store: TokenStore,
    realtime: RefCell<Option<Realtime>>,
    tabs: RefCell<Option<Tabs>>,
    /// The one flush loop is running.
    flushing: StdCell<bool>,
    /// Calls that found the loop running: resolved when it ends.
    waiters: RefCell<Vec<js_sys::Function>>,
    /// A timed resend is pending.
    flush_scheduled: StdCell<bool>,
    /// The second module's entry points (see [`Session::set_lazy`]), and the function that
    /// answers what it asks while it sends files (made once).
    lazy: RefCell<wasm_bindgen::JsValue>,
    ask: RefCell<Option<wasm_bindgen::JsValue>>,
    /// The server's triggers run (in the second module); the visitor opened the window before
    /// they started; when the widget started on this page (time on site counts from it); the
    /// widget's host element (the trigger card goes in its shadow root).
    triggers: StdCell<bool>,
    opened: StdCell<bool>,
    arrived: f64,
    host: RefCell<wasm_bindgen::JsValue>,
    /// The pre-chat form's own fields (the second module's) will not do: no registration.
    fields_refused: StdCell<bool>,
}

/// The visitor's session. `Copy`: every field is a handle into the reactive arena.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub screen: Field<Screen>,
    pub config: Field<Option<Config>>,
    pub visitor: Field<Option<Visitor>>,
    /// The open room, once the first message created it.
    pub room: Field<Option<Room>>,
    /// The serving agent.
    pub agent: Field<Option<Agent>>,
    pub conversation: Field<Conversation>,
    /// The visitor's messages not yet confirmed by the server, by `_id`.
    pub outbox: Field<Keyed<Delivery>>,
    pub banner: Field<Option<Banner>>,
    /// No older history to load.
    pub history_complete: Field<bool>,
    /// Whether the chat window is open.
    pub open: Field<bool>,
    /// Agent messages that arrived while the window was closed.
    pub unread: Field<u32>,
    pub lang: LangField,
    /// Rocket.Chat's answer text for the last failed form (offline form, registration).
    pub form_error: Field<Option<String>>,
    /// The realtime connection.
    pub link: Field<Status>,
    /// Display names of the agents typing now.
    pub typing: Field<Vec<String>>,
    /// Place in the waiting queue, when the server tells it.
    pub queue_spot: Field<Option<u32>>,
    /// The last form the server accepted (pre-chat or offline), for the site's callbacks.
    pub submitted: Field<Option<Submitted>>,
    /// The sheet the second module draws over the window (`departments`, `forget`), if any.
    pub sheet: RwSignal<Option<&'static str>>,
    /// The server asks for the visitor's consent to data processing, not given yet: the window
    /// shows its text (drawn by the second module) instead of a form or the chat.
    pub asking_consent: RwSignal<bool>,
    /// The visitor turned the notification sound off (remembered).
    pub muted: RwSignal<bool>,
    cell: Handle,
    io: StoredValue<Rc<Io>, LocalStorage>,
}

impl std::fmt::Debug for Io {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Io")
    }
}

impl Session {
    /// A session for the Livechat server at `server_url`. Nothing is fetched until
    /// [`Session::start`].
    pub fn new(server_url: &str, lang: Lang, options: SessionOptions) -> Session {
        let store = TokenStore::open(
            server_url,
            StoreOptions { require_consent: options.require_consent, namespace: options.namespace.clone() },
        );
        // Nothing is written until the configuration says whether the server demands consent.
        store.hold();
        let token = store.token();
        let client = VisitorClient::new(Transport::new(server_url), &token);
        let open = store.get(OPEN).as_deref() == Some("1");
        let muted = store.get(MUTED).is_some();
        let read_at = store.get(READ).and_then(|r| r.parse().ok()).unwrap_or(0);
        let channel = store.prefix().to_owned();
        let cell: Handle = StoredValue::new_local(Rc::new(Cell::new(Core::new(options, token, open, read_at), lang)));
        let io = StoredValue::new_local(Rc::new(Io {
            client: RefCell::new(client),
            store,
            realtime: RefCell::new(None),
            tabs: RefCell::new(None),
            flushing: StdCell::new(false),
            waiters: RefCell::new(Vec::new()),
            flush_scheduled: StdCell::new(false),
            lazy: RefCell::new(wasm_bindgen::JsValue::UNDEFINED),
            ask: RefCell::new(None),
            triggers: StdCell::new(false),
            opened: StdCell::new(false),
            arrived: js_sys::Date::now(),
            host: RefCell::new(wasm_bindgen::JsValue::UNDEFINED),
            fields_refused: StdCell::new(false),
        }));
        let session = Session {
            screen: Field::new(cell, Area::Screen, |v: &View| &v.screen),
            config: Field::new(cell, Area::Config, |v: &View| &v.config),
            visitor: Field::new(cell, Area::Visitor, |v: &View| &v.visitor),
            room: Field::new(cell, Area::Room, |v: &View| &v.room),
            agent: Field::new(cell, Area::Agent, |v: &View| &v.agent),
            conversation: Field::new(cell, Area::Conversation, |v: &View| &v.conversation),
            outbox: Field::new(cell, Area::Deliveries, |v: &View| &v.deliveries),
            banner: Field::new(cell, Area::Banner, |v: &View| &v.banner),
            history_complete: Field::new(cell, Area::HistoryComplete, |v: &View| &v.history_complete),
            open: Field::new(cell, Area::Open, |v: &View| &v.open),
            unread: Field::new(cell, Area::Unread, |v: &View| &v.unread),
            lang: LangField(cell),
            form_error: Field::new(cell, Area::FormError, |v: &View| &v.form_error),
            link: Field::new(cell, Area::Link, |v: &View| &v.link),
            typing: Field::new(cell, Area::Typing, |v: &View| &v.typing),
            queue_spot: Field::new(cell, Area::QueueSpot, |v: &View| &v.queue_spot),
            submitted: Field::new(cell, Area::Submitted, |v: &View| &v.submitted),
            sheet: RwSignal::new(None),
            asking_consent: RwSignal::new(false),
            muted: RwSignal::new(muted),
            cell,
            io,
        };
        debug_assert_eq!(AREAS, 16);
        // Every tab queues for the lock: its holder plays the sound (when asked for) and polls.
        let tabs = Tabs::join(
            &channel,
            true,
            Box::new(move |text| {
                session.update(|c| c.heard_from_tab(&text));
            }),
        );
        *session.io().tabs.borrow_mut() = Some(tabs);
        session
    }

    fn io(&self) -> Rc<Io> {
        self.io.get_value()
    }

    /// Reads the core (untracked).
    pub fn peek<R>(&self, f: impl FnOnce(&Core) -> R) -> R {
        f(&self.cell.get_value().core.borrow())
    }

    /// Changes the core with `f`, then wakes the views of what changed and carries out what it
    /// asks for. `None` when the session is gone (its owner disposed).
    fn update<R>(&self, f: impl FnOnce(&mut Core) -> R) -> Option<R> {
        let cell = self.cell.try_get_value()?;
        let r = f(&mut cell.core.borrow_mut());
        self.settle(&cell);
        Some(r)
    }

    /// Wakes the views of the areas the core changed and carries out its effects, in order.
    #[inline(never)]
    fn settle(&self, cell: &Cell) {
        let (changed, effects) = {
            let mut core = cell.core.borrow_mut();
            (core.take_changed(), core.take_effects())
        };
        cell.notify(changed);
        for e in effects {
            self.carry_out(e);
        }
    }

    fn carry_out(&self, effect: Effect) {
        let Some(io) = self.io.try_get_value() else { return };
        match effect {
            Effect::StoreRoom(rid) => {
                io.store.set_room_id(rid.as_deref());
                // The chat ended and `clearLocalStorageWhenChatEnded`: nothing of the visitor stays
                // stored (the survey and the thanks still show; a new chat is a new visitor).
                if rid.is_none() && self.forgets_at_end() {
                    io.store.reset();
                }
            }
            Effect::StoreOutbox { id, message } => io.store.update_outbox(&id, message.as_ref()),
            Effect::StoreRead(at) => io.store.set(READ, Some(&at.to_string())),
            Effect::StoreOpen(open) => io.store.set(OPEN, open.then_some("1")),
            Effect::Tell(text) => {
                if let Some(t) = io.tabs.borrow().as_ref() {
                    t.post(&text);
                }
            }
            Effect::Chime => self.chime(),
            Effect::Follow(room) => self.follow(room),
            Effect::RefreshAgent { forget } => spawn_task(self.refresh_agent(forget)),
            Effect::Flush => spawn_task(self.flush()),
            Effect::FlushIn(ms) => self.schedule_flush(ms),
            Effect::CatchUp { tell } => spawn_task(self.catch_up(tell)),
            Effect::RetryIn(kind, ms) => {
                let then: fn(Session) = match kind {
                    Retry::Start => |s| s.retried(Retry::Start),
                    Retry::CatchUp => |s| s.retried(Retry::CatchUp),
                };
                later(*self, ms, then);
            }
            Effect::PollLater(ms) => {
                if let Some(rt) = io.realtime.borrow().as_ref() {
                    rt.poll_later(ms);
                }
            }
        }
    }

    /// The realtime connection, once a room made one (tests use it to drop the socket or fake
    /// the browser going offline).
    pub fn realtime(&self) -> Option<Realtime> {
        self.io().realtime.borrow().clone()
    }

    /// Whether focus may follow the open state or screen now (see [`Session::moved_focus`]).
    pub fn wants_focus(&self) -> bool {
        self.cell.try_get_value().is_some_and(|c| c.core.borrow().wants_focus())
    }

    /// The view moved focus after a change this tab asked for (or found nothing to focus).
    pub fn moved_focus(&self) {
        let _ = self.update(Core::moved_focus);
    }

    /// The options this session was made with (and the site's changes since).
    pub fn options(&self) -> SessionOptions {
        self.peek(|c| c.options().clone())
    }

    /// Whether work stamped `g` may still change the state.
    fn current(&self, g: &Guard) -> bool {
        self.cell.try_get_value().is_some_and(|c| c.core.borrow().current(g))
    }

    fn client(&self) -> VisitorClient {
        self.io().client.borrow().clone()
    }

    /// Sets the second module's entry points, an object of functions (`www/api.js` loads the
    /// module, `rich.js`, the first time one is called): `draw(target, message, context)` draws
    /// a message that is more than plain text; `upload(files, context)` sends the visitor's files
    /// ([`Session::upload`]). Without them messages show as plain text and files cannot be sent.
    pub fn set_lazy(&self, parts: wasm_bindgen::JsValue) {
        *self.io().lazy.borrow_mut() = parts;
    }

    /// The second module's entry point `name`, when there is one.
    pub fn lazy(&self, name: &str) -> Option<js_sys::Function> {
        js_sys::Reflect::get(&self.io().lazy.borrow(), &name.into()).ok()?.dyn_into().ok()
    }

    /// The server's address, without a trailing `/`.
    pub fn server_url(&self) -> String {
        self.client().transport().server_url().to_owned()
    }

    /// The visitor's token.
    pub fn token(&self) -> String {
        self.peek(|c| c.token().to_owned())
    }

    /// The visitor interacted: storage may be written from now on (consent mode), unless the
    /// server asks for the visitor's explicit consent ([`Session::agree`]).
    pub fn interacted(&self) {
        self.io().store.interacted();
    }

    /// Follows `room` in realtime (or stops following when there is none).
    fn follow(&self, room: Option<String>) {
        let io = self.io();
        let existing = io.realtime.borrow().clone();
        let rt = match existing {
            Some(rt) => rt,
            None if room.is_some() => {
                let session = *self;
                let polling_only = self.peek(|c| c.options().polling_only);
                let url = self.client().transport().server_url().to_owned();
                let rt = Realtime::new(&url, !polling_only, Box::new(move |e| session.on_realtime(e)));
                *io.realtime.borrow_mut() = Some(rt.clone());
                rt
            }
            None => return,
        };
        let token = self.token();
        rt.watch(room.as_deref().map(|r| (r, token.as_str())));
    }

    /// What the realtime connection reports (tests feed news this way too). One tab of the
    /// visitor polls (Rocket.Chat limits history calls per address); it tells the others when it
    /// found news.
    pub fn on_realtime(&self, event: Event) {
        if matches!(event, Event::Poll) && !self.io().tabs.borrow().as_ref().is_none_or(Tabs::polls) {
            return;
        }
        self.update(|c| c.on_realtime(event));
    }

    /// Takes in messages of the open conversation, as from history or the realtime link
    /// (merged by `_id`; unread recounted).
    pub fn take_in(&self, messages: Vec<Message>) {
        self.update(|c| c.take_in(messages));
    }

    /// The visitor typed in the composer: tells the agent (throttled).
    pub fn typed(&self) {
        let username = self.peek(|c| c.view().visitor.as_ref().map(|v| v.username.clone()));
        if let (Some(rt), Some(username)) = (self.realtime(), username) {
            rt.keystroke(&username);
        }
    }

    /// Asks the server who serves the room now (after an assignment or a transfer); `forget`:
    /// when nobody serves it, no agent is shown.
    fn refresh_agent(&self, forget: bool) -> Task<()> {
        let session = *self;
        Box::pin(async move {
            let Some((g, rid)) = session.peek(Core::room_guard) else { return };
            let agent = session.client().agent_info(&rid).await;
            session.update(|c| c.agent_answered(&g, agent, forget));
        })
    }

    /// Edits one of the visitor's messages.
    pub async fn edit(self, id: String, text: String) {
        let text = text.trim().to_owned();
        let Some((g, rid)) = self.peek(Core::room_guard).filter(|_| !text.is_empty()) else { return };
        let edited = self.client().edit_message(&rid, &id, &text).await;
        self.update(|c| c.edited(&g, edited));
    }

    /// Deletes one of the visitor's messages.
    pub async fn delete(self, id: String) {
        let Some((g, rid)) = self.peek(Core::room_guard) else { return };
        let deleted = self.client().delete_message(&rid, &id).await.map(|_| ());
        self.update(|c| c.deleted(&g, &id, deleted));
    }

    /// The notification sound, when asked for, in the one tab that plays it, for news the
    /// visitor is not looking at.
    fn chime(&self) {
        let hidden = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden());
        if (self.open.get_untracked() && !hidden) || !self.plays_sound() {
            return;
        }
        if let Some(t) = self.io().tabs.borrow().as_ref() {
            t.chime();
        }
    }

    /// Whether this tab plays the notification sound: the option is on, the visitor did not
    /// turn it off, and, of the visitor's tabs, this one leads.
    pub fn plays_sound(&self) -> bool {
        let io = self.io();
        // Stored, so the visitor's choice in any tab reaches the one that plays.
        self.peek(|c| c.options().sound)
            && io.store.get(MUTED).is_none()
            && io.tabs.borrow().as_ref().is_some_and(Tabs::leads)
    }

    /// The visitor turns the notification sound off (`true`) or on again, remembered.
    pub fn set_muted(&self, muted: bool) {
        self.muted.set(muted);
        self.io().store.set(MUTED, muted.then_some("1"));
    }

    /// Catches up from history, then resends the outbox; `tell` other tabs when news came.
    fn catch_up(self, tell: bool) -> Task<()> {
        Box::pin(async move {
            self.refresh_now(tell).await;
            self.flush().await;
        })
    }

    /// Catches up from history (see [`livechat_client::session::core::catch_up`]).
    pub async fn refresh(&self) {
        self.refresh_now(false).await
    }

    /// Boxed: it is awaited in four places, which share this one copy.
    fn refresh_now(self, tell: bool) -> Task<()> {
        Box::pin(async move {
            let Some(mut c) = self.peek(|k| k.begin_catch_up(tell)) else { return };
            loop {
                let page = self.client().history(c.room(), &c.query()).await;
                if !self.current(c.guard()) {
                    return;
                }
                match page {
                    Ok(page) => {
                        if !c.page(page) {
                            break;
                        }
                    }
                    Err(e) => {
                        self.update(|k| k.catch_up_failed(&c, &e, random()));
                        return;
                    }
                }
            }
            self.update(|k| k.caught_up(c));
        })
    }

    /// Loads the page of history before the oldest message shown.
    pub async fn load_older(self) {
        let Some((g, rid, query)) = self.peek(Core::older) else { return };
        let page = self.client().history(&rid, &query).await;
        self.update(|c| c.older_page(&g, page));
    }

    /// The visitor ends the chat.
    pub async fn close(self) {
        let Some((g, rid)) = self.update(Core::close).flatten() else { return };
        let closed = self.client().close_room(&rid).await.map(|_| ());
        self.update(|c| c.closed(&g, closed));
    }

    /// The server took the visitor's survey (the second module sends it): the thanks.
    pub fn rated(&self) {
        if let Some((g, _)) = self.peek(Core::room_guard) {
            self.update(|c| c.rated(&g, Ok(())));
        }
    }

    /// Skips the survey.
    pub fn skip_survey(&self) {
        self.update(Core::skip_survey);
    }

    /// Starts over after a finished chat: a new room on the next message.
    pub fn new_chat(&self) {
        if self.forgets_at_end() {
            let token = self.io().store.token();
            self.use_token(&token);
            spawn_task(Box::pin(self.start()));
            return;
        }
        self.update(Core::new_chat);
        self.trigger("ended", wasm_bindgen::JsValue::UNDEFINED);
    }

    /// The server's `clearLocalStorageWhenChatEnded`, once a chat has ended.
    fn forgets_at_end(&self) -> bool {
        self.peek(|c| {
            matches!(c.screen(), Screen::Survey | Screen::ThankYou)
                && c.config().is_some_and(|k| k.settings.clear_local_storage_when_chat_ended)
        })
    }

    /// Moves the chat to another department.
    pub async fn transfer(self, department: String) {
        let Some((g, rid)) = self.peek(Core::room_guard) else { return };
        let moved = self.client().transfer(&rid, &department).await.map(|_| ());
        if self.update(|c| c.transferred(&g, moved)) == Some(true) {
            self.refresh_agent(false).await;
            if self.current(&g) {
                self.refresh_now(false).await;
            }
        }
    }

    /// Opens or closes the window; opening marks everything read. The state is kept (a reload
    /// reopens it; nothing is written before consent) and shared with the visitor's other tabs.
    pub fn set_open(&self, open: bool) {
        if self.update(|c| c.set_open(open)) == Some(true) {
            spawn_task(Box::pin(self.start()));
        }
        if open {
            self.trigger("opened", wasm_bindgen::JsValue::UNDEFINED);
        }
    }

    /// Runs `f` in the background (for components' event handlers and follow-up work).
    pub fn spawn(f: impl std::future::Future<Output = ()> + 'static) {
        spawn_task(Box::pin(f));
    }
}

/// The one place that spawns: every spawned future arrives boxed, so the executor's task code
/// exists once.
#[inline(never)]
fn spawn_task(f: Task<()>) {
    // The browser's microtask queue, not Leptos's executor: a session also works before (or
    // without) a mounted view.
    wasm_bindgen_futures::spawn_local(f);
}
