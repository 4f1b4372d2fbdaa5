//! [`Session`]: the visitor's journey as reactive state over the client and the token store.
//! Components read its signals and call its methods; only the session talks to the server and
//! to storage.

use leptos::prelude::*;
use livechat_wire::Timestamp;
use livechat_wire::agent::Agent;
use livechat_wire::config::{Config, Department};
use livechat_wire::ddp::LivechatRoomEvent;
use livechat_wire::error::code;
use livechat_wire::message::{HistoryQuery, Message, types};
use livechat_wire::offline_message::OfflineMessage;
use livechat_wire::room::{Room, SurveyItem, survey};
use livechat_wire::visitor::{NewVisitor, Visitor};

use super::conversation::{Change, Conversation};
use super::tabs::Tabs;
use wasm_bindgen::JsCast;

use crate::api::{Error, Transport, VisitorClient};
use crate::i18n::{Key, Lang};
use crate::keyed::Keyed;
use crate::realtime::{Event, Realtime, Status, protocol};
use crate::storage::{OPEN, READ, StoreOptions, TokenStore};

mod site;
pub use site::Submitted;

/// How many messages one history page holds.
pub const PAGE: u32 = 20;

/// Which screen the window shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Loading,
    /// The pre-chat form.
    Register,
    Chat,
    /// Nobody is online: the offline form.
    Offline,
    OfflineSent,
    /// The chat ended: rate it.
    Survey,
    ThankYou,
    /// Livechat is disabled, offline without an offline form, or the server refuses this page
    /// (CORS) or is not a Livechat server.
    Unavailable,
    /// The server cannot be reached (no answer, or it is failing): tried again with backoff,
    /// when the window opens, and on the visitor's Retry.
    Unreachable,
}

/// A notice across the top of the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    /// The server cannot be reached.
    ConnectionLost,
    /// The server refused; its reason.
    Refused(String),
}

/// Where one of the visitor's messages stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Being sent, or waiting to be sent again automatically.
    Sending,
    /// Refused by the server, or failed [`FAILED_AFTER`] times: the visitor may retry (it is
    /// still resent on reconnect unless the server refused it).
    Failed,
}

/// Failed attempts after which a message shows as failed, with a retry control.
pub const FAILED_AFTER: u32 = 3;

/// What the site tells the widget before it starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionOptions {
    pub require_consent: bool,
    /// Department id or name to route to.
    pub department: Option<String>,
    /// Name and e-mail the site already knows; with both, the pre-chat form is skipped.
    pub name: Option<String>,
    pub email: Option<String>,
    /// Storage namespace (see [`StoreOptions::namespace`]).
    pub namespace: String,
    /// Play a short tone when an agent message arrives while the window is closed or the page
    /// hidden (one tab of the visitor's plays it). Off by default.
    pub sound: bool,
    /// Never open a WebSocket: poll history instead (for networks that break WebSocket).
    pub polling_only: bool,
    /// Custom field values the site set before the visitor registered; sent with registration.
    pub custom_fields: Vec<livechat_wire::visitor::CustomField>,
}

/// Problems with a form, per field; empty when the form is fine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub name: Option<Key>,
    pub email: Option<Key>,
    pub message: Option<Key>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.message.is_none()
    }
}

pub use livechat_wire::visitor::is_email;

/// A message from another tab: its kind (first character) and the rest. Anything may arrive on
/// the channel (another script, another version): it is split by character, never by byte.
fn tab_message(text: &str) -> (Option<char>, &str) {
    let mut chars = text.chars();
    (chars.next(), chars.as_str())
}

/// The error work for a previous visitor ends with (nobody reads it: the caller checks the
/// generation first).
fn stale() -> Error {
    Error::Network { endpoint: "", detail: String::new() }
}

/// A failure worth another try later: no answer, too many requests, or the server failing.
fn transient(e: &Error) -> bool {
    matches!(e, Error::Network { .. } | Error::RateLimited { .. }) || e.status().is_some_and(|s| s >= 500)
}

/// A boxed future. Work that several callers await or spawn is one type behind a pointer, so
/// what drives it is compiled once rather than into every caller.
pub type Task<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

/// Runs `then(session)` once after `ms` milliseconds.
fn later(session: Session, ms: f64, then: fn(Session)) {
    let callback = wasm_bindgen::closure::Closure::once_into_js(move || then(session));
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms as i32);
    }
}

/// What a scheduled retry does again, and where its bookkeeping is.
#[derive(Clone, Copy)]
enum Retry {
    /// The start (the server could not be reached).
    Start,
    /// A catch-up from history.
    CatchUp,
}

impl Retry {
    /// Failures in a row, and whether a retry is scheduled.
    fn slot(self, m: &mut Marks) -> &mut (u32, bool) {
        match self {
            Retry::Start => &mut m.start_retry,
            Retry::CatchUp => &mut m.refresh_retry,
        }
    }
}

/// The page's origin (`https://shop.example`).
fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Whether `server` (absolute, or relative to the page) is on the page's origin: then no call
/// to it is cross-origin.
fn same_origin(server: &str) -> bool {
    let absolute = server.starts_with("//") || server.contains("://");
    !absolute || server.strip_prefix(&page_origin()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// What a site owner changes in Rocket.Chat for this page's cross-origin calls.
fn cors_advice() -> String {
    format!(
        "In Rocket.Chat, Administration > Settings > General > REST API: turn on \"Enable CORS\" and add {} to \"CORS Origin\".",
        page_origin()
    )
}

/// The visitor's session. `Copy`: every field is a handle into the reactive arena.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub screen: RwSignal<Screen>,
    pub config: RwSignal<Option<Config>>,
    pub visitor: RwSignal<Option<Visitor>>,
    /// The open room, once the first message created it.
    pub room: RwSignal<Option<Room>>,
    /// The serving agent.
    pub agent: RwSignal<Option<Agent>>,
    pub conversation: RwSignal<Conversation>,
    /// The visitor's messages not yet confirmed by the server, by `_id`.
    pub outbox: RwSignal<Keyed<Delivery>>,
    pub banner: RwSignal<Option<Banner>>,
    /// No older history to load.
    pub history_complete: RwSignal<bool>,
    /// Whether the chat window is open.
    pub open: RwSignal<bool>,
    /// Agent messages that arrived while the window was closed.
    pub unread: RwSignal<u32>,
    pub lang: RwSignal<Lang>,
    /// Rocket.Chat's answer text for the last failed form (offline form, registration).
    pub form_error: RwSignal<Option<String>>,
    /// The realtime connection.
    pub link: RwSignal<Status>,
    /// Display names of the agents typing now.
    pub typing: RwSignal<Vec<String>>,
    /// Place in the waiting queue, when the server tells it.
    pub queue_spot: RwSignal<Option<u32>>,
    /// The last form the server accepted (pre-chat or offline), for the site's callbacks.
    pub submitted: RwSignal<Option<Submitted>>,
    client: StoredValue<VisitorClient, LocalStorage>,
    store: StoredValue<TokenStore, LocalStorage>,
    options: StoredValue<SessionOptions>,
    realtime: StoredValue<Option<Realtime>, LocalStorage>,
    tabs: StoredValue<Option<Tabs>, LocalStorage>,
    out: StoredValue<Outbox, LocalStorage>,
    /// Small bookkeeping, in one value (one stored type: its access code exists once).
    marks: StoredValue<Marks>,
}

/// The session's small bookkeeping.
#[derive(Default)]
struct Marks {
    /// Agent messages up to this time (ms) have been seen.
    read_at: i64,
    /// The catch-up watermark: history up to this time is known to be complete here. Only a
    /// successful catch-up moves it (and live news while the link stays live after one), so a
    /// catch-up that failed is retried from where the gap starts, however much news came since.
    synced: Option<Timestamp>,
    /// Whether the last catch-up succeeded on the live link now up: live news then moves
    /// `synced` too.
    caught_up: bool,
    /// Catch-ups that failed in a row, and whether a retry is scheduled.
    refresh_retry: (u32, bool),
    /// Starts that found the server unreachable in a row, and whether a retry is scheduled.
    start_retry: (u32, bool),
    /// A start is waiting for the configuration: another try waits for it.
    starting: bool,
    /// The next open, close or screen change comes from something the visitor (or the site's
    /// script) did in this tab: focus may follow it. A window restored open, opened by another
    /// tab, or a screen the server pushed leaves focus where it is.
    focus_on_change: bool,
    /// Bumped when the visitor changes (reset, another token): work begun for the previous
    /// visitor checks it before writing anything, so nothing of theirs reaches the new one.
    generation: u32,
}

/// The visitor's unconfirmed messages, in send order, and how their delivery goes.
#[derive(Default)]
struct Outbox {
    queue: Vec<Message>,
    /// Failed attempts by `_id`.
    failures: Keyed<u32>,
    /// Refused by the server: not resent automatically.
    refused: Vec<String>,
    /// Being sent now.
    in_flight: Vec<String>,
    /// A timed resend is pending.
    retry_scheduled: bool,
    /// The one flush loop is running.
    flushing: bool,
    /// Calls that found the loop running: resolved when it ends.
    waiters: Vec<js_sys::Function>,
}

/// What a delivery attempt means for the rest of the outbox.
enum Next {
    /// Go on with the next message.
    Go,
    /// The server cannot be reached: stop, a resend is scheduled.
    Stop,
}

impl Session {
    /// A session for the Livechat server at `server_url`. Nothing is fetched until
    /// [`Session::start`].
    pub fn new(server_url: &str, lang: Lang, options: SessionOptions) -> Session {
        let store = TokenStore::open(
            server_url,
            StoreOptions { require_consent: options.require_consent, namespace: options.namespace.clone() },
        );
        let client = VisitorClient::new(Transport::new(server_url), &store.token());
        let open = store.get(OPEN).as_deref() == Some("1");
        let read_at = store.get(READ).and_then(|r| r.parse().ok()).unwrap_or(0);
        let channel = store.prefix().to_owned();
        let session = Session {
            screen: RwSignal::new(Screen::Loading),
            config: RwSignal::new(None),
            visitor: RwSignal::new(None),
            room: RwSignal::new(None),
            agent: RwSignal::new(None),
            conversation: RwSignal::new(Conversation::default()),
            outbox: RwSignal::new(Keyed::new()),
            banner: RwSignal::new(None),
            history_complete: RwSignal::new(false),
            open: RwSignal::new(open),
            unread: RwSignal::new(0),
            lang: RwSignal::new(lang),
            form_error: RwSignal::new(None),
            link: RwSignal::new(Status::Idle),
            typing: RwSignal::new(Vec::new()),
            queue_spot: RwSignal::new(None),
            submitted: RwSignal::new(None),
            client: StoredValue::new_local(client),
            store: StoredValue::new_local(store),
            options: StoredValue::new(options),
            realtime: StoredValue::new_local(None),
            tabs: StoredValue::new_local(None),
            out: StoredValue::new_local(Outbox::default()),
            marks: StoredValue::new(Marks { read_at, ..Marks::default() }),
        };
        // Every tab queues for the lock: its holder plays the sound (when asked for) and polls.
        let tabs = Tabs::join(&channel, true, Box::new(move |text| session.heard_from_tab(&text)));
        session.tabs.set_value(Some(tabs));
        session
    }

    /// The realtime connection, once a room made one (tests use it to drop the socket or fake
    /// the browser going offline).
    pub fn realtime(&self) -> Option<Realtime> {
        self.realtime.get_value()
    }

    /// Whether focus may follow the open state or screen now (see [`Session::moved_focus`]).
    pub fn wants_focus(&self) -> bool {
        self.marks.try_with_value(|m| m.focus_on_change).unwrap_or(false)
    }

    /// The view moved focus after a change this tab asked for (or found nothing to focus).
    pub fn moved_focus(&self) {
        let _ = self.marks.try_update_value(|m| m.focus_on_change = false);
    }

    /// The visitor acted in this tab: the change that follows may move focus.
    fn acted(&self) {
        self.marks.update_value(|m| m.focus_on_change = true);
    }

    /// The options this session was made with.
    pub fn options(&self) -> SessionOptions {
        self.options.get_value()
    }

    /// The visitor generation now (see [`Session::generation`]).
    fn generation(&self) -> u32 {
        self.marks.try_with_value(|m| m.generation).unwrap_or(u32::MAX)
    }

    /// Whether work begun in generation `g` may still write state: same visitor, session alive.
    fn current(&self, g: u32) -> bool {
        self.marks.try_with_value(|m| m.generation) == Some(g)
    }

    /// The open room's id, if a room is open.
    fn room_id(&self) -> Option<String> {
        self.room.with_untracked(|r| r.as_ref().map(|r| r.id.clone()))
    }

    fn client(&self) -> VisitorClient {
        self.client.get_value()
    }

    /// The visitor's token.
    pub fn token(&self) -> String {
        self.client.with_value(|c| c.token().to_owned())
    }

    /// Reports a failed call in the banner.
    fn fail(&self, e: &Error) {
        let banner = match e {
            Error::Network { .. } => Banner::ConnectionLost,
            other => Banner::Refused(
                // A failing server's (or a proxy's) text is not for the visitor.
                other
                    .message()
                    .filter(|_| other.status() < Some(500))
                    .unwrap_or(self.lang.get_untracked().t(Key::SomethingWentWrong))
                    .to_owned(),
            ),
        };
        self.banner.set(Some(banner));
    }

    /// The visitor interacted: storage may be written from now on (consent mode).
    pub fn interacted(&self) {
        self.store.with_value(TokenStore::consent);
    }

    /// Loads the configuration and the visitor's open room, and picks the first screen. When
    /// the server cannot be reached it shows [`Screen::Unreachable`] and tries again by itself.
    pub async fn start(self) {
        let department = self.options.with_value(|o| o.department.clone());
        let g = self.generation();
        self.marks.update_value(|m| m.starting = true);
        let config = self.load_config(department.as_deref()).await;
        if !self.current(g) {
            return;
        }
        self.marks.update_value(|m| m.starting = false);
        let config = match config {
            Ok(config) => config,
            Err(e) => return self.cannot_start(e),
        };
        self.marks.update_value(|m| m.start_retry.0 = 0);
        self.banner.set(None);
        self.visitor.set(config.guest.clone());
        self.agent.set(config.agent.clone());
        let open_room = config.room.clone().filter(Room::is_open);
        let screen = if !config.enabled {
            Screen::Unavailable
        } else if let Some(room) = open_room {
            self.store.with_value(|s| s.set_room_id(Some(&room.id)));
            self.room.set(Some(room));
            Screen::Chat
        } else if !config.online {
            if config.settings.display_offline_form { Screen::Offline } else { Screen::Unavailable }
        } else if self.needs_registration(&config) {
            Screen::Register
        } else {
            Screen::Chat
        };
        self.config.set(Some(config));
        if screen == Screen::Chat {
            self.load_outbox();
        }
        if screen == Screen::Chat && self.room.get_untracked().is_some() {
            self.refresh().await;
            if !self.current(g) {
                return;
            }
            self.follow();
        }
        self.screen.set(screen);
        self.flush().await;
    }

    /// The configuration. On failure, `Err(None)` when the server answers this page's plain
    /// requests but refuses its cross-origin ones (CORS).
    async fn load_config(&self, department: Option<&str>) -> Result<Config, Option<Error>> {
        let client = self.client();
        if same_origin(client.transport().server_url()) {
            return client.config(department).await.map_err(Some);
        }
        // From another origin the call is preflighted, as every `POST` is. No answer: the
        // server is down, or it refuses cross-origin calls — and then a plain call (which
        // Rocket.Chat answers with CORS off, since May 2025) gets through. The preflighted one
        // is tried once more before CORS is blamed, so a dropped request is not taken for it.
        match client.config_preflighted(department).await {
            Err(Error::Network { .. }) => {
                // Down (no answer to this one either), or not a Livechat server (an answer
                // that is not a configuration): that is what to report.
                if let Err(e) = client.config(department).await {
                    return Err(Some(e));
                }
                client.config_preflighted(department).await.map_err(|e| match e {
                    Error::Network { .. } => None,
                    e => Some(e),
                })
            }
            other => other.map_err(Some),
        }
    }

    /// The start failed: `None` when the server refused this page's cross-origin calls (CORS).
    /// What the site owner must change goes to the console; the visitor sees a clear state,
    /// never the raw error.
    fn cannot_start(&self, e: Option<Error>) {
        let server = self.client.with_value(|c| c.transport().server_url().to_owned());
        let e = match e {
            Some(e) if transient(&e) => e,
            refused => {
                let text = match refused {
                    None => format!("Livechat: {server} refuses this page's requests (CORS). {}", cors_advice()),
                    Some(e) => format!("Livechat: {server} did not answer as a Rocket.Chat Livechat server: {e}"),
                };
                web_sys::console::error_1(&text.into());
                self.screen.set(Screen::Unavailable);
                return;
            }
        };
        if self.screen.get_untracked() != Screen::Unreachable {
            // Set once: the Retry button the visitor may be on stays where it is.
            self.screen.set(Screen::Unreachable);
        }
        if self.schedule_retry(Retry::Start, &e, 5).is_some_and(|(failures, _)| failures == 3)
            && matches!(e, Error::Network { .. })
            && !same_origin(&server)
        {
            // A Rocket.Chat older than its fix of May 2025 does not answer plain cross-origin
            // calls either with CORS off: both causes look alike from here.
            let text = format!(
                "Livechat: no answer from {server}: it is down, or it refuses this page's requests (CORS). {}",
                cors_advice()
            );
            web_sys::console::warn_1(&text.into());
        }
    }

    /// Counts a failure of `kind` and, unless a retry is already waiting, schedules one: after
    /// the server's `Retry-After` on a 429, else with backoff (1 s, 2 s, 4 s, … up to 2^(cap-1)
    /// s, half of it random). Answers the failures in a row and the wait, when it scheduled.
    fn schedule_retry(&self, kind: Retry, e: &Error, cap: u32) -> Option<(u32, f64)> {
        let (failures, already) = self.marks.try_update_value(|m| {
            let r = kind.slot(m);
            r.0 += 1;
            (r.0, std::mem::replace(&mut r.1, true))
        })?;
        if already {
            return None;
        }
        let wait = match e {
            Error::RateLimited { retry_after, .. } => {
                retry_after.map_or(protocol::POLL_EVERY, |s| f64::from(s) * 1000.0)
            }
            _ => protocol::backoff(failures.min(cap), js_sys::Math::random()),
        };
        let then: fn(Session) = match kind {
            Retry::Start => |s| s.retried(Retry::Start),
            Retry::CatchUp => |s| s.retried(Retry::CatchUp),
        };
        later(*self, wait, then);
        Some((failures, wait))
    }

    /// A scheduled retry's time came (the session may be gone by then: its owner disposed).
    fn retried(self, kind: Retry) {
        if self.marks.try_update_value(|m| kind.slot(m).1 = false).is_some() {
            match kind {
                Retry::Start => self.retry_start(),
                Retry::CatchUp => spawn_task(self.catch_up(false)),
            }
        }
    }

    /// The visitor's Retry on [`Screen::Unreachable`]: focus follows to the screen it leads to.
    pub fn retry_start_now(&self) {
        self.acted();
        self.retry_start();
    }

    /// Tries to start again if the server could not be reached (the window opening, the
    /// timer, [`Session::retry_start_now`]); nothing while a try is under way.
    fn retry_start(&self) {
        if self.screen.get_untracked() == Screen::Unreachable
            && self.marks.try_update_value(|m| std::mem::replace(&mut m.starting, true)) == Some(false)
        {
            spawn_task(Box::pin(self.start()));
        }
    }

    /// Takes in what the outbox in storage holds from an earlier page (a reload, another tab):
    /// the open room's messages and those written before any room, shown as sending. Messages of
    /// rooms that are gone are dropped: the server would refuse them.
    fn load_outbox(&self) {
        let rid = self.room_id().unwrap_or_default();
        let stored = self.store.with_value(TokenStore::outbox);
        for p in stored {
            let m = self.pending_message(p.id, p.rid, p.msg);
            if m.rid.is_empty() || m.rid == rid {
                if self.out.with_value(|o| o.queue.iter().any(|q| q.id == m.id)) {
                    continue;
                }
                self.conversation.update(|c| {
                    c.upsert(m.clone());
                });
                self.mark(m.id.clone(), Delivery::Sending);
                self.out.update_value(|o| o.queue.push(m));
            } else {
                self.store.with_value(|s| s.update_outbox(&m.id, None));
            }
        }
    }

    /// Follows the open room in realtime (or stops following when there is none).
    fn follow(&self) {
        let room = self.room_id();
        let rt = match self.realtime.get_value() {
            Some(rt) => rt,
            None if room.is_some() => {
                let session = *self;
                let polling_only = self.options.with_value(|o| o.polling_only);
                let url = self.client.with_value(|c| c.transport().server_url().to_owned());
                let rt = Realtime::new(&url, !polling_only, Box::new(move |e| session.on_realtime(e)));
                self.realtime.set_value(Some(rt.clone()));
                rt
            }
            None => return,
        };
        let token = self.token();
        rt.watch(room.as_deref().map(|r| (r, token.as_str())));
    }

    /// What the realtime connection reports.
    fn on_realtime(&self, event: Event) {
        match event {
            Event::Status(status) => {
                if status != Status::Live {
                    self.typing.set(Vec::new());
                    self.marks.update_value(|m| m.caught_up = false);
                }
                self.link.set(status);
            }
            // One tab of the visitor polls (Rocket.Chat limits history calls per address); it
            // tells the others when it found news.
            Event::Poll => {
                if !self.tabs.with_value(|t| t.as_ref().is_none_or(Tabs::polls)) {
                    return;
                }
                spawn_task(self.catch_up(true));
            }
            // Caught up from history and the outbox resent: nothing missed, nothing twice.
            Event::Live | Event::Refused => spawn_task(self.catch_up(false)),
            Event::Online => spawn_task(self.flush()),
            Event::Message(m) => {
                if self.room_id().as_deref() != Some(m.rid.as_str()) {
                    return;
                }
                if let Some(u) = &m.u {
                    let name = self.agent_name(&u.username);
                    self.typing.update(|t| t.retain(|n| *n != name));
                }
                // Nothing was missed since the last catch-up on this live link.
                if let Some(ts) = m.ts {
                    self.marks.update_value(|k| {
                        if k.caught_up {
                            k.synced = Some(k.synced.map_or(ts, |s| s.max(ts)));
                        }
                    });
                }
                self.take_in(vec![*m]);
            }
            Event::Deleted { rid, id } => {
                if self.room_id().as_deref() != Some(rid.as_str()) {
                    return;
                }
                // Gone for good: not resent, and a late answer to its send does not bring it back.
                self.settle(&id);
                self.conversation.update(|c| {
                    c.remove(&id);
                });
                self.recount();
            }
            Event::Typing { rid, username, on } => {
                if self.room_id().as_deref() != Some(rid.as_str()) {
                    return;
                }
                let me = self.visitor.with_untracked(|v| v.as_ref().map(|v| v.username.clone()));
                if me.as_deref() == Some(username.as_str()) {
                    return;
                }
                let name = self.agent_name(&username);
                self.typing.update(|t| {
                    t.retain(|n| *n != name);
                    if on {
                        t.push(name);
                    }
                });
            }
            Event::Room { rid, .. } if self.room_id().as_deref() != Some(rid.as_str()) => {}
            Event::Room { news, .. } => match *news {
                LivechatRoomEvent::AgentData { data } => {
                    self.queue_spot.set(None);
                    self.agent.set(data);
                }
                LivechatRoomEvent::AgentStatus { status } => self.agent.update(|a| {
                    if let Some(a) = a {
                        a.status = Some(status);
                    }
                }),
                LivechatRoomEvent::QueueData { data } => self.queue_spot.set(data.map(|q| q.spot)),
                LivechatRoomEvent::VisitorData { .. } => {}
            },
        }
    }

    /// The name to show for `username`: the serving agent's display name when it is them.
    fn agent_name(&self, username: &str) -> String {
        self.agent.with_untracked(|a| {
            a.as_ref()
                .filter(|a| a.username.as_deref() == Some(username) && !a.hidden_info)
                .and_then(|a| a.display_name().map(str::to_owned))
                .unwrap_or_else(|| username.to_owned())
        })
    }

    /// The visitor typed in the composer: tells the agent (throttled).
    pub fn typed(&self) {
        let username = self.visitor.with_untracked(|v| v.as_ref().map(|v| v.username.clone()));
        if let (Some(rt), Some(username)) = (self.realtime.get_value(), username) {
            rt.keystroke(&username);
        }
    }

    /// What another tab of this visitor posted.
    fn heard_from_tab(&self, text: &str) {
        let (kind, rest) = tab_message(text);
        match kind {
            Some('o') => {
                self.open.set(rest == "1");
                if rest == "1" {
                    self.mark_read(false);
                }
                self.recount();
            }
            Some('r') => {
                if let Ok(at) = rest.parse::<i64>() {
                    self.marks.update_value(|m| m.read_at = m.read_at.max(at));
                    self.recount();
                }
            }
            // Another tab delivered a message: a tab with a live socket hears it from the
            // server; one without catches up now.
            Some('m') if self.link.get_untracked() != Status::Live => {
                let session = *self;
                spawn_task(Box::pin(async move { session.refresh().await }));
            }
            _ => {}
        }
    }

    fn post(&self, text: &str) {
        self.tabs.with_value(|t| {
            if let Some(t) = t {
                t.post(text);
            }
        });
    }

    /// Everything up to the newest message counts as seen; `tell` other tabs.
    fn mark_read(&self, tell: bool) {
        let newest = self.conversation.with_untracked(|c| c.newest().map_or(0, Timestamp::millis));
        if newest <= self.marks.with_value(|m| m.read_at) {
            return;
        }
        self.marks.update_value(|m| m.read_at = newest);
        let text = newest.to_string();
        self.store.with_value(|s| s.set(READ, Some(&text)));
        if tell {
            self.post(&["r", &text].concat());
        }
    }

    /// Unread: agent messages newer than what was seen, while the window is closed.
    fn recount(&self) {
        if self.open.get_untracked() {
            self.mark_read(false);
            self.unread.set(0);
            return;
        }
        let me = self.visitor.with_untracked(|v| v.as_ref().map(|v| v.id.clone()));
        let read_at = self.marks.with_value(|m| m.read_at);
        let n = self.conversation.with_untracked(|c| {
            c.messages()
                .iter()
                .filter(|m| {
                    m.t.is_none()
                        && m.u.as_ref().map(|u| &u.id) != me.as_ref()
                        && m.ts.is_some_and(|t| t.millis() > read_at)
                })
                .count() as u32
        });
        if n != self.unread.get_untracked() {
            self.unread.set(n);
        }
    }

    /// The pre-chat form is needed when the server asks for it and the site did not supply the
    /// name and e-mail it asks for (and the visitor is not registered with them yet).
    fn needs_registration(&self, config: &Config) -> bool {
        let s = &config.settings;
        if !s.registration_form || !(s.name_field_registration_form || s.email_field_registration_form) {
            return false;
        }
        let (name, email) = self.options.with_value(|o| (o.name.clone(), o.email.clone()));
        let guest = config.guest.as_ref();
        let has_name = name.is_some() || guest.is_some_and(|g| g.name.is_some());
        let has_email = email.is_some() || guest.is_some_and(|g| g.email().is_some());
        (s.name_field_registration_form && !has_name) || (s.email_field_registration_form && !has_email)
    }

    /// Departments the visitor may pick on the pre-chat form.
    pub fn registration_departments(&self) -> Vec<Department> {
        self.config.with(|c| {
            c.as_ref()
                .map_or_else(Vec::new, |c| c.departments.iter().filter(|d| d.show_on_registration).cloned().collect())
        })
    }

    /// Checks the pre-chat form as the server's settings require it.
    pub fn check_registration(&self, name: &str, email: &str) -> FormErrors {
        let (ask_name, ask_email) = self.config.with_untracked(|c| {
            c.as_ref().map_or((true, true), |c| {
                (c.settings.name_field_registration_form, c.settings.email_field_registration_form)
            })
        });
        FormErrors {
            name: (ask_name && name.trim().is_empty()).then_some(Key::NameRequired),
            email: if !ask_email {
                None
            } else if email.trim().is_empty() {
                Some(Key::EmailRequired)
            } else if !is_email(email.trim()) {
                Some(Key::EmailInvalid)
            } else {
                None
            },
            message: None,
        }
    }

    /// Registers the visitor from the pre-chat form, then shows the chat.
    pub async fn register(self, name: String, email: String, department: Option<String>) -> FormErrors {
        self.interacted();
        let errors = self.check_registration(&name, &email);
        if !errors.is_empty() {
            return errors;
        }
        let details = NewVisitor {
            name: Some(name.trim().to_owned()).filter(|n| !n.is_empty()),
            email: Some(email.trim().to_owned()).filter(|e| !e.is_empty()),
            department: department
                .filter(|d| !d.is_empty())
                .or_else(|| self.options.with_value(|o| o.department.clone())),
            custom_fields: self.options.with_value(|o| o.custom_fields.clone()),
            ..NewVisitor::default()
        };
        let form = Submitted::PreChat {
            name: details.name.clone().unwrap_or_default(),
            email: details.email.clone().unwrap_or_default(),
            department: details.department.clone(),
        };
        let g = self.generation();
        let result = self.client().register(details).await;
        if !self.current(g) {
            return FormErrors::default();
        }
        match result {
            Ok(visitor) => {
                self.visitor.set(Some(visitor));
                self.submitted.set(Some(form));
                self.form_error.set(None);
                self.acted();
                self.screen.set(Screen::Chat);
            }
            Err(e) => self.form_error.set(Some(e.message().map_or_else(|| e.to_string(), str::to_owned))),
        }
        FormErrors::default()
    }

    /// Registers the visitor with what the site supplied, when it has not been yet.
    async fn ensure_visitor(&self) -> Result<(), Error> {
        if self.visitor.get_untracked().is_some() {
            return Ok(());
        }
        let details = self.options.with_value(|o| NewVisitor {
            name: o.name.clone(),
            email: o.email.clone(),
            department: o.department.clone(),
            custom_fields: o.custom_fields.clone(),
            ..NewVisitor::default()
        });
        let g = self.generation();
        let visitor = self.client().register(details).await?;
        if !self.current(g) {
            return Err(stale());
        }
        self.visitor.set(Some(visitor));
        Ok(())
    }

    /// The open room, created on the first message as Rocket.Chat's widget does.
    async fn ensure_room(&self) -> Result<Room, Error> {
        if let Some(room) = self.room.get_untracked() {
            return Ok(room);
        }
        let g = self.generation();
        self.ensure_visitor().await?;
        let answer = self.client().room(None).await?;
        if !self.current(g) {
            return Err(stale());
        }
        let room = answer.room;
        self.store.with_value(|s| s.set_room_id(Some(&room.id)));
        // A room made just now has no older history to offer.
        if answer.new_room {
            self.history_complete.set(true);
        }
        self.room.set(Some(room.clone()));
        self.follow();
        if room.served_by.is_some() {
            self.refresh_agent(true).await;
        }
        Ok(room)
    }

    /// Asks the server who serves the room now (after an assignment or a transfer); `forget`:
    /// when nobody serves it, no agent is shown.
    fn refresh_agent(&self, forget: bool) -> Task<()> {
        let session = *self;
        Box::pin(async move {
            let Some(rid) = session.room_id() else { return };
            let agent = session.client().agent_info(&rid).await;
            if session.room_id().as_deref() != Some(rid.as_str()) {
                return;
            }
            match agent {
                Ok(agent) => session.agent.set(Some(agent)),
                // Not served (yet, or any more): no agent to show.
                Err(e) if forget && e.is(code::INVALID_AGENT) => session.agent.set(None),
                Err(_) => {}
            }
        })
    }

    /// Sends a message: shown at once as sending, kept in the outbox (in storage) until the
    /// server confirms it, and resent with the same `_id` after a failure, a reconnect or a
    /// reload — the `_id` is chosen here, so the server never stores it twice. Returns once this
    /// message (and what was written before it) is confirmed, refused, or waiting for a resend —
    /// or at once when an earlier message is on its way: that send takes this one along after it.
    pub async fn send(self, text: String) {
        self.interacted();
        let text = text.trim().to_owned();
        if text.is_empty() {
            return;
        }
        if let Some(rt) = self.realtime.get_value() {
            rt.typing_done();
        }
        let id = crate::storage::new_token();
        // Before the first message there is no room: it is made when the message goes out.
        let pending = self.pending_message(id.clone(), self.room_id().unwrap_or_default(), text);
        self.conversation.update(|c| {
            c.upsert(pending.clone());
        });
        self.mark(id.clone(), Delivery::Sending);
        self.store.with_value(|s| s.update_outbox(&id, Some(&pending)));
        self.out.update_value(|o| o.queue.push(pending));
        self.flush().await;
    }

    /// The visitor's message as shown while it waits for the server.
    fn pending_message(&self, id: String, rid: String, msg: String) -> Message {
        let u = self.visitor.with_untracked(|v| {
            v.as_ref().map(|v| livechat_wire::UserRef {
                id: v.id.clone(),
                username: v.username.clone(),
                name: v.name.clone(),
            })
        });
        Message { id, rid, msg, u, token: Some(self.token()), ..Message::default() }
    }

    /// Sends what waits in the outbox, oldest first, one at a time (so the server stores them in
    /// order, and only the first message makes the room). Messages refused are skipped; a
    /// failure to reach the server stops here and schedules a resend. One loop runs at a time
    /// and picks up what is added meanwhile: a call while it runs waits for it to end.
    fn flush(self) -> Task<()> {
        Box::pin(self.flush_now())
    }

    async fn flush_now(self) {
        match self.out.try_update_value(|o| std::mem::replace(&mut o.flushing, true)) {
            None => return,
            Some(true) => {
                let mut resolve = None;
                let done = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
                if let Some(resolve) = resolve {
                    self.out.update_value(|o| o.waiters.push(resolve));
                }
                let _ = wasm_bindgen_futures::JsFuture::from(done).await;
                return;
            }
            Some(false) => {}
        }
        let g = self.generation();
        loop {
            let next = self.out.try_with_value(|o| {
                o.queue.iter().find(|m| !o.in_flight.contains(&m.id) && !o.refused.contains(&m.id)).cloned()
            });
            let Some(m) = next.flatten() else { break };
            let next = self.deliver(m).await;
            if !self.current(g) {
                // Another visitor now: their outbox is not this loop's.
                return;
            }
            if let Next::Stop = next {
                break;
            }
        }
        let waiters = self.out.try_update_value(|o| {
            o.flushing = false;
            std::mem::take(&mut o.waiters)
        });
        for resolve in waiters.unwrap_or_default() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    }

    /// Shows where the message `id` stands.
    #[inline(never)]
    fn mark(&self, id: String, delivery: Delivery) {
        self.outbox.update(|o| {
            o.insert(id, delivery);
        });
    }

    /// Forgets `id` from the outbox: confirmed, or no longer sendable.
    fn settle(&self, id: &str) {
        self.out.update_value(|o| {
            o.queue.retain(|m| m.id != id);
            o.failures.remove(id);
            o.refused.retain(|r| r != id);
        });
        self.store.with_value(|s| s.update_outbox(id, None));
        if self.outbox.with_untracked(|o| o.contains_key(id)) {
            self.outbox.update(|o| {
                o.remove(id);
            });
        }
    }

    /// One attempt to deliver `message`.
    async fn deliver(&self, message: Message) -> Next {
        let Message { id, rid, msg, .. } = message;
        let g = self.generation();
        self.out.update_value(|o| o.in_flight.push(id.clone()));
        // Before the first message there is no room: it is made now.
        let rid = if rid.is_empty() { self.attach_room().await } else { Ok(rid) };
        if !self.current(g) {
            return Next::Stop;
        }
        let (rid, result) = match rid {
            Ok(rid) => {
                let sent = self.client().send_message(&rid, &msg, Some(&id)).await;
                if !self.current(g) {
                    return Next::Stop;
                }
                (rid, sent)
            }
            Err(e) => (String::new(), Err(e)),
        };
        self.delivered(id, &rid, result)
    }

    /// Makes the room, and moves every message written before it existed into it. Boxed: only
    /// the first message takes this way.
    fn attach_room(&self) -> Task<Result<String, Error>> {
        let session = *self;
        Box::pin(async move {
            let g = session.generation();
            let rid = session.ensure_room().await?.id;
            if !session.current(g) {
                return Ok(rid);
            }
            let orphans = session.out.with_value(|o| {
                o.queue
                    .iter()
                    .filter(|m| m.rid.is_empty())
                    .map(|m| Message { rid: rid.clone(), ..m.clone() })
                    .collect::<Vec<_>>()
            });
            for m in orphans {
                session.store.with_value(|s| s.update_outbox(&m.id, Some(&m)));
                session.conversation.update(|c| {
                    c.upsert(m.clone());
                });
                session.out.update_value(|o| {
                    if let Some(q) = o.queue.iter_mut().find(|q| q.id == m.id) {
                        *q = m;
                    }
                });
            }
            Ok(rid)
        })
    }

    /// What the answer to sending the message `id` to room `rid` means.
    fn delivered(&self, id: String, rid: &str, result: Result<Message, Error>) -> Next {
        self.out.update_value(|o| o.in_flight.retain(|f| *f != id));
        match result {
            Ok(stored) => {
                if self.banner.with_untracked(|b| b.is_some()) {
                    self.banner.set(None);
                }
                // Settled while it went out (deleted meanwhile): the answer is stale.
                let waiting = self.out.with_value(|o| o.queue.iter().any(|m| m.id == id));
                self.settle(&id);
                self.post("m");
                if waiting {
                    self.conversation.update(|c| {
                        c.upsert(stored);
                    });
                }
                Next::Go
            }
            Err(e) if e.is(code::NO_AGENT_ONLINE) => {
                // Nobody to talk to: the offline form takes over; messages without a room go.
                for m in self.out.with_value(|o| {
                    o.queue.iter().filter(|m| m.rid.is_empty()).map(|m| m.id.clone()).collect::<Vec<_>>()
                }) {
                    self.discard_now(&m);
                }
                self.discard_now(&id);
                self.acted();
                self.screen.set(Screen::Offline);
                Next::Stop
            }
            Err(e) if e.is(code::ROOM_CLOSED) => {
                self.discard_now(&id);
                if self.room_id().as_deref() == Some(rid) {
                    self.acted();
                    self.chat_ended();
                }
                Next::Go
            }
            Err(e) => {
                self.fail(&e);
                // No answer, too many requests, or the server failing: worth another try later.
                let transient = transient(&e);
                let failures = self.out.try_update_value(|o| {
                    let n = o.failures.get_or_insert(id.clone(), 0);
                    *n += 1;
                    if !transient && !o.refused.contains(&id) {
                        o.refused.push(id.clone());
                    }
                    *n
                });
                let failures = failures.unwrap_or(1);
                let delivery =
                    if !transient || failures >= FAILED_AFTER { Delivery::Failed } else { Delivery::Sending };
                self.mark(id, delivery);
                if !transient {
                    return Next::Go;
                }
                let wait = match e {
                    Error::RateLimited { retry_after: Some(s), .. } => f64::from(s) * 1000.0,
                    _ => protocol::backoff(failures, js_sys::Math::random()),
                };
                self.schedule_flush(wait);
                Next::Stop
            }
        }
    }

    /// Flushes the outbox again after `ms` (once, however many ask).
    fn schedule_flush(&self, ms: f64) {
        let already = self.out.try_update_value(|o| std::mem::replace(&mut o.retry_scheduled, true));
        if already != Some(false) {
            return;
        }
        later(*self, ms, |session| {
            // The session may be gone (its owner disposed) by then.
            if session.out.try_update_value(|o| o.retry_scheduled = false).is_some() {
                spawn_task(session.flush());
            }
        });
    }

    /// Tries a failed message again now, with the same `_id`.
    pub async fn retry(self, id: String) {
        if !self.out.with_value(|o| o.queue.iter().any(|m| m.id == id))
            || self.out.with_value(|o| o.in_flight.contains(&id))
        {
            return;
        }
        self.out.update_value(|o| {
            o.refused.retain(|r| *r != id);
            o.failures.remove(&id);
        });
        self.mark(id.clone(), Delivery::Sending);
        // In its place in the outbox: what was written before it goes first.
        self.flush().await;
    }

    /// Gives up a message that was not sent: it leaves the outbox and the conversation.
    pub fn discard(&self, id: &str) {
        if self.out.with_value(|o| o.in_flight.iter().any(|f| f == id)) {
            return;
        }
        self.discard_now(id);
    }

    /// Forgets the message `id`: out of the outbox and the conversation.
    fn discard_now(&self, id: &str) {
        self.settle(id);
        self.conversation.update(|c| {
            c.remove(id);
        });
    }

    /// Edits one of the visitor's messages.
    pub async fn edit(self, id: String, text: String) {
        let Some(rid) = self.room_id() else { return };
        let text = text.trim().to_owned();
        if text.is_empty() {
            return;
        }
        let edited = self.client().edit_message(&rid, &id, &text).await;
        if self.room_id().as_deref() != Some(rid.as_str()) {
            return;
        }
        match edited {
            Ok(edited) => self.conversation.update(|c| {
                c.upsert(edited);
            }),
            Err(e) => self.fail(&e),
        }
    }

    /// Deletes one of the visitor's messages.
    pub async fn delete(self, id: String) {
        let Some(rid) = self.room_id() else { return };
        let deleted = self.client().delete_message(&rid, &id).await;
        if self.room_id().as_deref() != Some(rid.as_str()) {
            return;
        }
        match deleted {
            Ok(_) => self.conversation.update(|c| {
                c.remove(&id);
            }),
            Err(e) => self.fail(&e),
        }
    }

    /// Takes in history or live messages: merged by `_id`; a server copy of an outbox message
    /// confirms it; unread recounted; the chat's end and agent changes noticed; the sound played
    /// for news from an agent.
    fn take_in(&self, messages: Vec<Message>) {
        let me = self.visitor.with_untracked(|v| v.as_ref().map(|v| v.id.clone()));
        let had_messages = self.conversation.with_untracked(|c| !c.is_empty());
        let mut fresh_from_agent = 0;
        let mut closed = false;
        let mut agent_changed = false;
        let mut confirmed = Vec::new();
        self.conversation.update(|c| {
            for m in messages {
                let from_agent = m.t.is_none() && m.u.as_ref().map(|u| &u.id) != me.as_ref();
                let kind = m.t.clone();
                if m.ts.is_some() && self.outbox.with_untracked(|o| o.contains_key(&m.id)) {
                    confirmed.push(m.id.clone());
                }
                if c.upsert(m) == Change::Inserted {
                    fresh_from_agent += u32::from(from_agent);
                    closed |= kind.as_deref() == Some(types::LIVECHAT_CLOSE);
                    agent_changed |= matches!(kind.as_deref(), Some(types::USER_JOINED | types::TRANSFER_HISTORY));
                }
            }
        });
        // The server has it (seen live or in history before the send's own answer came back).
        for id in confirmed {
            if !self.out.with_value(|o| o.in_flight.contains(&id)) {
                self.settle(&id);
            }
        }
        if agent_changed && !closed {
            spawn_task(self.refresh_agent(true));
        }
        self.recount();
        if fresh_from_agent > 0 && had_messages {
            self.chime();
        }
        if closed && self.screen.get_untracked() == Screen::Chat {
            self.chat_ended();
        }
    }

    /// The notification sound, when asked for, in the one tab that plays it, for news the
    /// visitor is not looking at.
    fn chime(&self) {
        let hidden = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden());
        if (self.open.get_untracked() && !hidden) || !self.plays_sound() {
            return;
        }
        self.tabs.with_value(|t| t.as_ref().map(Tabs::chime));
    }

    /// Whether this tab plays the notification sound: the option is on and, of the visitor's
    /// tabs, this one leads.
    pub fn plays_sound(&self) -> bool {
        self.options.with_value(|o| o.sound) && self.tabs.with_value(|t| t.as_ref().is_some_and(Tabs::leads))
    }

    /// Catches up from history, then resends the outbox; `tell` other tabs when news came.
    fn catch_up(self, tell: bool) -> Task<()> {
        Box::pin(async move {
            let before = self.conversation.with_untracked(Conversation::newest);
            self.refresh().await;
            if tell && self.conversation.try_with_untracked(Conversation::newest).is_some_and(|n| n != before) {
                self.post("m");
            }
            self.flush().await;
        })
    }

    /// Catches up from history: everything newer than the catch-up watermark (the newest
    /// message a successful catch-up saw), page by page until it is reached (just the newest
    /// page the first time), merged by `_id`; messages deleted meanwhile within the span fetched
    /// go. Nothing is merged unless every page came, so a later catch-up never leaves a gap. A
    /// catch-up that fails for want of an answer (network, 429, 5xx) is tried again with backoff
    /// (after `Retry-After` on a 429) until it succeeds.
    pub async fn refresh(&self) {
        self.refresh_now().await
    }

    async fn refresh_now(self) {
        let Some(rid) = self.room_id() else { return };
        let g = self.generation();
        let since = self.marks.with_value(|m| m.synced);
        // What was shown before asking: anything up to it the server no longer has is deleted.
        let shown = self.conversation.with_untracked(Conversation::newest);
        let mut got: Vec<Message> = Vec::new();
        let mut end = None;
        let mut first_full = None;
        loop {
            let query = HistoryQuery { end, limit: Some(PAGE), ..HistoryQuery::default() };
            let page = self.client().history(&rid, &query).await;
            if !self.current(g) || self.room_id().as_deref() != Some(rid.as_str()) {
                return;
            }
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    self.fail(&e);
                    return self.retry_refresh(&e);
                }
            };
            let full = page.len() as u32 >= PAGE;
            first_full.get_or_insert(full);
            let oldest = page.iter().filter_map(|m| m.ts).min();
            let reached = since.is_none_or(|since| page.iter().any(|m| m.ts.is_some_and(|t| t <= since)));
            got.extend(page);
            // `end` is exclusive: ask up to the oldest's millisecond included, so messages
            // sharing it are not skipped (the overlap merges away).
            let next = oldest.map(|t| Timestamp(t.millis() + 1));
            if reached || !full || next.is_none() || next == end {
                break;
            }
            end = next;
        }
        let newest = got.iter().filter_map(|m| m.ts).max();
        let live = self.link.get_untracked() == Status::Live;
        self.marks.update_value(|m| {
            m.refresh_retry.0 = 0;
            if let Some(newest) = newest {
                m.synced = Some(m.synced.map_or(newest, |s| s.max(newest)));
            }
            m.caught_up = live;
        });
        if self.banner.with_untracked(|b| *b == Some(Banner::ConnectionLost)) {
            self.banner.set(None);
        }
        if since.is_none() && first_full == Some(false) {
            self.history_complete.set(true);
        }
        if self.conversation.with_untracked(|c| c.messages().iter().any(|m| m.ts.is_some())) {
            let dropped = self.conversation.try_update(|c| c.drop_missing(&got, shown)).unwrap_or(0);
            if dropped > 0 {
                self.recount();
            }
        }
        self.take_in(got);
    }

    /// Schedules another catch-up after a failed one, when the failure is worth a retry: no
    /// answer, too many requests (after the server's `Retry-After`), or the server failing.
    fn retry_refresh(&self, e: &Error) {
        if !transient(e) {
            return;
        }
        // Up to 8 s between tries: a missed message should not wait long once the server is back.
        if let Some((_, wait)) = self.schedule_retry(Retry::CatchUp, e, 4)
            && matches!(e, Error::RateLimited { .. })
            && let Some(rt) = self.realtime.get_value()
        {
            // Polling slows down too.
            rt.poll_later(wait);
        }
    }

    /// Loads the page of history before the oldest message shown.
    pub async fn load_older(self) {
        let Some(rid) = self.room_id() else { return };
        let end = self.conversation.with_untracked(Conversation::oldest);
        let query = HistoryQuery { end, limit: Some(PAGE), ..HistoryQuery::default() };
        let page = self.client().history(&rid, &query).await;
        if self.room_id().as_deref() != Some(rid.as_str()) {
            return;
        }
        match page {
            Ok(page) => {
                if (page.len() as u32) < PAGE {
                    self.history_complete.set(true);
                }
                self.take_in(page);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// The chat ended (by the visitor, the agent or the server): on to the survey. Nothing
    /// more will happen in the room: the realtime connection closes.
    fn chat_ended(&self) {
        self.store.with_value(|s| s.set_room_id(None));
        if let Some(rt) = self.realtime.get_value() {
            rt.watch(None);
        }
        self.typing.set(Vec::new());
        self.screen.set(Screen::Survey);
    }

    /// The visitor ends the chat.
    pub async fn close(self) {
        self.acted();
        let Some(rid) = self.room_id() else {
            self.screen.set(Screen::ThankYou);
            return;
        };
        let closed = self.client().close_room(&rid).await;
        if self.room_id().as_deref() != Some(rid.as_str()) {
            return;
        }
        match closed {
            Ok(_) => self.chat_ended(),
            Err(e) if e.is(code::ROOM_CLOSED) => self.chat_ended(),
            Err(e) => self.fail(&e),
        }
    }

    /// Sends the survey: ratings 1–5 by item name, and optional feedback.
    pub async fn rate(self, ratings: Vec<(&'static str, u8)>, feedback: String) {
        let Some(rid) = self.room_id() else { return };
        let mut data: Vec<SurveyItem> = ratings
            .into_iter()
            .filter(|(name, value)| survey::RATED.contains(name) && (1..=5).contains(value))
            .map(|(name, value)| SurveyItem { name: name.to_owned(), value: value.to_string() })
            .collect();
        if !feedback.trim().is_empty() {
            data.push(SurveyItem { name: survey::ADDITIONAL_FEEDBACK.into(), value: feedback.trim().to_owned() });
        }
        self.acted();
        if data.is_empty() {
            self.screen.set(Screen::ThankYou);
            return;
        }
        let g = self.generation();
        let sent = self.client().survey(&rid, data).await;
        if !self.current(g) {
            return;
        }
        match sent {
            Ok(_) => self.screen.set(Screen::ThankYou),
            Err(e) => self.fail(&e),
        }
    }

    /// Skips the survey.
    pub fn skip_survey(&self) {
        self.acted();
        self.screen.set(Screen::ThankYou);
    }

    /// Starts over after a finished chat: a new room on the next message.
    pub fn new_chat(&self) {
        self.marks.update_value(|m| {
            m.synced = None;
            m.caught_up = false;
        });
        self.room.set(None);
        self.agent.set(None);
        self.queue_spot.set(None);
        self.conversation.update(Conversation::clear);
        for id in self.out.with_value(|o| o.queue.iter().map(|m| m.id.clone()).collect::<Vec<_>>()) {
            self.settle(&id);
        }
        self.outbox.update(Keyed::clear);
        self.history_complete.set(false);
        self.follow();
        self.acted();
        self.screen.set(Screen::Chat);
    }

    /// Checks the offline form.
    pub fn check_offline(&self, name: &str, email: &str, message: &str) -> FormErrors {
        FormErrors {
            name: name.trim().is_empty().then_some(Key::NameRequired),
            email: if email.trim().is_empty() {
                Some(Key::EmailRequired)
            } else if !is_email(email.trim()) {
                Some(Key::EmailInvalid)
            } else {
                None
            },
            message: message.trim().is_empty().then_some(Key::MessageRequired),
        }
    }

    /// Sends the offline form.
    pub async fn send_offline(
        self,
        name: String,
        email: String,
        message: String,
        department: Option<String>,
    ) -> FormErrors {
        self.interacted();
        let errors = self.check_offline(&name, &email, &message);
        if !errors.is_empty() {
            return errors;
        }
        let note = OfflineMessage {
            name: name.trim().to_owned(),
            email: email.trim().to_owned(),
            message: message.trim().to_owned(),
            department: department
                .filter(|d| !d.is_empty())
                .or_else(|| self.options.with_value(|o| o.department.clone())),
            host: web_sys::window().and_then(|w| w.location().host().ok()),
        };
        let g = self.generation();
        let sent = self.client().offline_message(&note).await;
        if !self.current(g) {
            return FormErrors::default();
        }
        match sent {
            Ok(_) => {
                self.submitted.set(Some(Submitted::Offline {
                    name: note.name,
                    email: note.email,
                    message: note.message,
                    department: note.department,
                }));
                self.form_error.set(None);
                self.acted();
                self.screen.set(Screen::OfflineSent);
            }
            Err(e) => self.form_error.set(Some(e.message().map_or_else(|| e.to_string(), str::to_owned))),
        }
        FormErrors::default()
    }

    /// Moves the chat to another department.
    pub async fn transfer(self, department: String) {
        let Some(rid) = self.room_id() else { return };
        let moved = self.client().transfer(&rid, &department).await;
        if self.room_id().as_deref() != Some(rid.as_str()) {
            return;
        }
        match moved {
            Ok(_) => {
                self.refresh_agent(false).await;
                if self.room_id().as_deref() != Some(rid.as_str()) {
                    return;
                }
                self.refresh().await;
            }
            Err(e) => self.fail(&e),
        }
    }

    /// Opens or closes the window; opening marks everything read. The state is kept (a reload
    /// reopens it; nothing is written before consent) and shared with the visitor's other tabs.
    pub fn set_open(&self, open: bool) {
        self.acted();
        self.open.set(open);
        self.store.with_value(|s| s.set(OPEN, open.then_some("1")));
        self.post(if open { "o1" } else { "o0" });
        if open {
            self.mark_read(true);
            self.retry_start();
        }
        self.recount();
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

#[cfg(test)]
mod tests {
    use super::tab_message;

    #[test]
    fn tab_messages_split_by_character() {
        assert_eq!(tab_message("o1"), (Some('o'), "1"));
        assert_eq!(tab_message("r1700000000000"), (Some('r'), "1700000000000"));
        assert_eq!(tab_message(""), (None, ""));
        assert_eq!(tab_message("é1"), (Some('é'), "1"), "a first character of two bytes");
        assert_eq!(tab_message("😀"), (Some('😀'), ""));
    }
}
