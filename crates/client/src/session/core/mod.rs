//! The visitor's session as plain data and pure transitions, the way
//! [`crate::realtime::protocol`] is: [`Core`] takes inputs — what the visitor did, a server's
//! answer, a realtime event, a message from another tab, a timer — and answers what to do next
//! as [`Effect`]s (write this to storage, tell the other tabs, schedule this, follow that room)
//! plus the [`Area`]s of its state that changed. It never awaits, reads a clock or touches the
//! browser: the caller (the widget's reactive shell, or a native test) carries the effects out
//! and makes the calls. Randomness (backoff jitter) comes in as an argument.
//!
//! One staleness rule: work begun for a visitor and room is stamped with a [`Guard`], and its
//! answer is taken in only while [`Core::current`] holds for that guard.
//!
//! - this module: the state ([`View`] and the bookkeeping), staleness, failures and retries;
//! - `start`: the start and its screens, forms and the visitor, the room's life;
//! - `news`: realtime news, messages taken in, the other tabs, the window, unread;
//! - [`outbox`]: which of the visitor's messages goes next, failures, backoff and refusals;
//! - [`catch_up`]: the catch-up watermark and the walk back through history pages.

use livechat_wire::Timestamp;
use livechat_wire::agent::Agent;
use livechat_wire::config::Config;
use livechat_wire::message::Message;
use livechat_wire::room::Room;
use livechat_wire::visitor::{CustomField, Visitor};

use super::conversation::{Change, Conversation};
use crate::api::Error;
use crate::keyed::Keyed;
use crate::realtime::{Event, Status, protocol};

pub mod catch_up;
mod news;
pub mod outbox;
mod start;
#[cfg(test)]
mod tests;

pub use catch_up::CatchUp;
pub use outbox::Next;
use outbox::Outbox;

/// How many messages one history page holds.
pub const PAGE: u32 = 20;

/// Failed attempts after which a message shows as failed, with a retry control.
pub const FAILED_AFTER: u32 = 3;

/// Which screen the window shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    #[default]
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
    /// The server refused: its reason, or `None` when it has none for the visitor (a failing
    /// server's or a proxy's text is not shown).
    Refused(Option<String>),
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

/// What the site tells the widget before it starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionOptions {
    pub require_consent: bool,
    /// Department id or name to route to.
    pub department: Option<String>,
    /// Name and e-mail the site already knows; with both, the pre-chat form is skipped.
    pub name: Option<String>,
    pub email: Option<String>,
    /// Storage namespace (see [`crate::storage::StoreOptions::namespace`]).
    pub namespace: String,
    /// Play a short tone when an agent message arrives while the window is closed or the page
    /// hidden (one tab of the visitor's plays it). Off by default.
    pub sound: bool,
    /// Never open a WebSocket: poll history instead (for networks that break WebSocket).
    pub polling_only: bool,
    /// The site turned the server's triggers (proactive messages) off.
    pub no_triggers: bool,
    /// Custom field values the site set before the visitor registered; sent with registration.
    pub custom_fields: Vec<CustomField>,
}

/// A form the server accepted, as the site's `onPrechatFormSubmit` / `onOfflineFormSubmit`
/// callbacks receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    PreChat { name: String, email: String, department: Option<String> },
    Offline { name: String, email: String, message: String, department: Option<String> },
}

/// Sets `field` in `pending`: a new key is added; a key already there changes only with
/// `overwrite` (as the server treats it).
pub fn merge_field(pending: &mut Vec<CustomField>, field: CustomField) {
    match pending.iter_mut().find(|f| f.key == field.key) {
        Some(existing) if field.overwrite => *existing = field,
        Some(_) => {}
        None => pending.push(field),
    }
}

/// A part of the state a view follows. [`Core::take_changed`] answers them as bits
/// (`1 << area as u32`); an area is marked only when its value really changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Area {
    Screen,
    Config,
    Visitor,
    Room,
    Agent,
    Conversation,
    Deliveries,
    Banner,
    HistoryComplete,
    Open,
    Unread,
    FormError,
    Link,
    Typing,
    QueueSpot,
    Submitted,
}

/// How many [`Area`]s there are.
pub const AREAS: usize = 16;

/// The visitor and room a piece of work was begun for. Its answer may change the state only
/// while [`Core::current`] holds: same visitor (the generation, bumped by [`Core::use_token`])
/// and, for work about a room, that room still the session's (a chat that ended keeps its room
/// for the survey; a new chat or another visitor does not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    generation: u32,
    room: Option<String>,
}

impl Guard {
    /// The room the work is about, if any.
    pub fn room(&self) -> Option<&str> {
        self.room.as_deref()
    }
}

/// What a scheduled retry does again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// The start (the server could not be reached).
    Start,
    /// A catch-up from history.
    CatchUp,
}

/// Something for the caller to do. (Effects live for one step in a short `Vec`: the size of
/// the message one carries does not matter.)
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Effect {
    /// Keep the open room's id in storage (`None`: forget it).
    StoreRoom(Option<String>),
    /// Keep the unconfirmed message `id` in storage (`None`: drop it).
    StoreOutbox { id: String, message: Option<Message> },
    /// Everything up to this time (ms) was read.
    StoreRead(i64),
    /// The window is open (kept so a reload reopens it).
    StoreOpen(bool),
    /// Tell the visitor's other tabs (see [`crate::session::tabs`]).
    Tell(String),
    /// Play the notification sound (when this tab does).
    Chime,
    /// Follow this room in realtime (`None`: stop following).
    Follow(Option<String>),
    /// Ask the server who serves the room now; `forget`: nobody serving shows no agent.
    RefreshAgent { forget: bool },
    /// Send the outbox now.
    Flush,
    /// Send the outbox again after this many ms.
    FlushIn(f64),
    /// Catch up from history now; `tell` other tabs when news came.
    CatchUp { tell: bool },
    /// Do `Retry` again after this many ms.
    RetryIn(Retry, f64),
    /// Polling waits this long before its next turn (the server asked for it).
    PollLater(f64),
}

/// Sets `slot` to `value`, marking `area` in `changed` only when it really changes.
fn put<T: PartialEq>(changed: &mut u32, area: Area, slot: &mut T, value: T) {
    if *slot != value {
        *slot = value;
        *changed |= 1 << area as u32;
    }
}

/// A failure worth another try later: no answer, too many requests, or the server failing.
pub fn transient(e: &Error) -> bool {
    matches!(e, Error::Network { .. } | Error::RateLimited { .. }) || e.status().is_some_and(|s| s >= 500)
}

/// How long to wait before trying again after `e`, the `failures`-th in a row: the server's
/// `Retry-After` on a 429, else backoff (half of it `random`).
fn wait_after(e: &Error, failures: u32, random: f64) -> f64 {
    match e {
        Error::RateLimited { retry_after, .. } => retry_after.map_or(protocol::POLL_EVERY, |s| f64::from(s) * 1000.0),
        _ => protocol::backoff(failures, random),
    }
}

/// Failures in a row of one kind of work, and whether a retry is scheduled.
#[derive(Debug, Default, Clone, Copy)]
struct Retries {
    failures: u32,
    scheduled: bool,
}

/// What the window shows: read by the view through [`Core::view`], changed only by the core
/// (each change marks its [`Area`]).
#[derive(Debug, Default)]
pub struct View {
    pub screen: Screen,
    pub config: Option<Config>,
    pub visitor: Option<Visitor>,
    /// The open room, once the first message created it.
    pub room: Option<Room>,
    /// The serving agent.
    pub agent: Option<Agent>,
    pub conversation: Conversation,
    /// The visitor's messages not yet confirmed by the server, by `_id`.
    pub deliveries: Keyed<Delivery>,
    pub banner: Option<Banner>,
    /// No older history to load.
    pub history_complete: bool,
    /// Whether the chat window is open.
    pub open: bool,
    /// Agent messages that arrived while the window was closed.
    pub unread: u32,
    /// Rocket.Chat's answer text for the last failed form (offline form, registration).
    pub form_error: Option<String>,
    /// The realtime connection.
    pub link: Status,
    /// Display names of the agents typing now.
    pub typing: Vec<String>,
    /// Place in the waiting queue, when the server tells it.
    pub queue_spot: Option<u32>,
    /// The last form the server accepted (pre-chat or offline), for the site's callbacks.
    pub submitted: Option<Submitted>,
}

/// The visitor's session: what the window shows and the bookkeeping behind it.
#[derive(Debug, Default)]
pub struct Core {
    view: View,
    options: SessionOptions,
    /// The visitor's token (the outbox's messages carry it).
    token: String,
    outbox: Outbox,
    /// Agent messages up to this time (ms) have been seen.
    read_at: i64,
    /// The catch-up watermark (see [`catch_up`]).
    synced: Option<Timestamp>,
    /// The last catch-up succeeded on the live link now up: live news moves `synced` too.
    caught_up: bool,
    start_retry: Retries,
    catch_up_retry: Retries,
    /// A start is waiting for the configuration: another try waits for it.
    starting: bool,
    /// The agent a proactive message came from: asked for when the room is made.
    proactive_agent: Option<String>,
    /// The next open, close or screen change comes from something the visitor (or the site's
    /// script) did in this tab: focus may follow it.
    focus_on_change: bool,
    generation: u32,
    changed: u32,
    effects: Vec<Effect>,
}

impl Core {
    /// A session with the site's options, the window open or not and the read mark as storage
    /// kept them.
    pub fn new(options: SessionOptions, token: String, open: bool, read_at: i64) -> Core {
        Core { view: View { open, ..View::default() }, options, token, read_at, ..Core::default() }
    }

    /// The visitor's token.
    pub fn token(&self) -> &str {
        &self.token
    }

    // ---- What the view reads ----

    /// Everything the window shows.
    pub fn view(&self) -> &View {
        &self.view
    }

    pub fn screen(&self) -> Screen {
        self.view.screen
    }
    pub fn config(&self) -> Option<&Config> {
        self.view.config.as_ref()
    }
    pub fn visitor(&self) -> Option<&Visitor> {
        self.view.visitor.as_ref()
    }
    /// The open room, once the first message created it.
    pub fn room(&self) -> Option<&Room> {
        self.view.room.as_ref()
    }
    /// The open room's id.
    pub fn room_id(&self) -> Option<&str> {
        self.view.room.as_ref().map(|r| r.id.as_str())
    }
    /// The serving agent.
    pub fn agent(&self) -> Option<&Agent> {
        self.view.agent.as_ref()
    }
    pub fn conversation(&self) -> &Conversation {
        &self.view.conversation
    }
    /// The visitor's messages not yet confirmed by the server, by `_id`.
    pub fn deliveries(&self) -> &Keyed<Delivery> {
        &self.view.deliveries
    }
    pub fn banner(&self) -> Option<&Banner> {
        self.view.banner.as_ref()
    }
    /// No older history to load.
    pub fn history_complete(&self) -> bool {
        self.view.history_complete
    }
    /// Whether the chat window is open.
    pub fn open(&self) -> bool {
        self.view.open
    }
    /// Agent messages that arrived while the window was closed.
    pub fn unread(&self) -> u32 {
        self.view.unread
    }
    /// Rocket.Chat's answer text for the last failed form (offline form, registration).
    pub fn form_error(&self) -> Option<&str> {
        self.view.form_error.as_deref()
    }
    /// The realtime connection.
    pub fn link(&self) -> Status {
        self.view.link
    }
    /// Display names of the agents typing now.
    pub fn typing(&self) -> &[String] {
        &self.view.typing
    }
    /// Place in the waiting queue, when the server tells it.
    pub fn queue_spot(&self) -> Option<u32> {
        self.view.queue_spot
    }
    /// The last form the server accepted (pre-chat or offline), for the site's callbacks.
    pub fn submitted(&self) -> Option<&Submitted> {
        self.view.submitted.as_ref()
    }
    pub fn options(&self) -> &SessionOptions {
        &self.options
    }
    /// The read mark (ms).
    pub fn read_at(&self) -> i64 {
        self.read_at
    }

    // ---- What the caller carries out ----

    /// The areas changed since the last call, as bits (`1 << Area as u32`).
    pub fn take_changed(&mut self) -> u32 {
        std::mem::take(&mut self.changed)
    }

    /// What to do, in order, since the last call.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    fn touch(&mut self, area: Area) {
        self.changed |= 1 << area as u32;
    }

    fn effect(&mut self, e: Effect) {
        self.effects.push(e);
    }

    fn set_screen(&mut self, screen: Screen) {
        put(&mut self.changed, Area::Screen, &mut self.view.screen, screen);
    }

    fn set_banner(&mut self, banner: Option<Banner>) {
        put(&mut self.changed, Area::Banner, &mut self.view.banner, banner);
    }

    fn set_agent(&mut self, agent: Option<Agent>) {
        put(&mut self.changed, Area::Agent, &mut self.view.agent, agent);
    }

    fn set_typing(&mut self, typing: Vec<String>) {
        put(&mut self.changed, Area::Typing, &mut self.view.typing, typing);
    }

    fn set_queue_spot(&mut self, spot: Option<u32>) {
        put(&mut self.changed, Area::QueueSpot, &mut self.view.queue_spot, spot);
    }

    fn set_history_complete(&mut self, complete: bool) {
        put(&mut self.changed, Area::HistoryComplete, &mut self.view.history_complete, complete);
    }

    fn set_form_error(&mut self, error: Option<String>) {
        put(&mut self.changed, Area::FormError, &mut self.view.form_error, error);
    }

    /// Changes the conversation; marks it changed when `f` says it did.
    fn edit_conversation(&mut self, f: impl FnOnce(&mut Conversation) -> bool) -> bool {
        let changed = f(&mut self.view.conversation);
        if changed {
            self.touch(Area::Conversation);
        }
        changed
    }

    fn upsert(&mut self, m: Message) -> Change {
        let change = self.view.conversation.upsert(m);
        if change != Change::Unchanged {
            self.touch(Area::Conversation);
        }
        change
    }

    // ---- Staleness ----

    /// A stamp for work about the visitor (not about a room).
    pub fn guard(&self) -> Guard {
        Guard { generation: self.generation, room: None }
    }

    /// A stamp for work about the open room, and its id; `None` without one.
    pub fn room_guard(&self) -> Option<(Guard, String)> {
        let rid = self.room_id()?.to_owned();
        Some((Guard { generation: self.generation, room: Some(rid.clone()) }, rid))
    }

    /// Whether work stamped `g` may still change the state: the same visitor and, for work
    /// about a room, that room still the session's.
    pub fn current(&self, g: &Guard) -> bool {
        g.generation == self.generation && g.room.as_deref().is_none_or(|r| self.room_id() == Some(r))
    }

    // ---- Focus ----

    /// The visitor acted in this tab: the change that follows may move focus.
    pub fn acted(&mut self) {
        self.focus_on_change = true;
    }

    /// Whether focus may follow the open state or screen now.
    pub fn wants_focus(&self) -> bool {
        self.focus_on_change
    }

    /// The view moved focus after a change this tab asked for (or found nothing to focus).
    pub fn moved_focus(&mut self) {
        self.focus_on_change = false;
    }

    // ---- Failures and retries ----

    /// Reports a failed call in the banner.
    pub fn fail(&mut self, e: &Error) {
        let banner = match e {
            Error::Network { .. } => Banner::ConnectionLost,
            // A failing server's (or a proxy's) text is not for the visitor.
            other => Banner::Refused(other.message().filter(|_| other.status() < Some(500)).map(str::to_owned)),
        };
        self.set_banner(Some(banner));
    }

    fn retries(&mut self, kind: Retry) -> &mut Retries {
        match kind {
            Retry::Start => &mut self.start_retry,
            Retry::CatchUp => &mut self.catch_up_retry,
        }
    }

    /// Counts a failure of `kind` and, unless a retry is already waiting, schedules one
    /// (backoff capped at 2^(cap-1) s). Answers the failures in a row and the wait, when it
    /// scheduled.
    fn schedule_retry(&mut self, kind: Retry, e: &Error, cap: u32, random: f64) -> Option<(u32, f64)> {
        let r = self.retries(kind);
        r.failures += 1;
        let failures = r.failures;
        if std::mem::replace(&mut r.scheduled, true) {
            return None;
        }
        let wait = wait_after(e, failures.min(cap), random);
        self.effect(Effect::RetryIn(kind, wait));
        Some((failures, wait))
    }

    /// A scheduled retry's time came: answers whether to do it now.
    pub fn retry_due(&mut self, kind: Retry) -> bool {
        self.retries(kind).scheduled = false;
        match kind {
            Retry::Start => self.begin_retry_start(),
            Retry::CatchUp => true,
        }
    }
}
