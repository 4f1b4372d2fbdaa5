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
//! - this module: the state, the start and its screens, forms, realtime news, tabs, unread;
//! - [`outbox`]: which of the visitor's messages goes next, failures, backoff and refusals;
//! - [`catch_up`]: the catch-up watermark and the walk back through history pages.

use livechat_wire::Timestamp;
use livechat_wire::agent::Agent;
use livechat_wire::config::Config;
use livechat_wire::ddp::LivechatRoomEvent;
use livechat_wire::error::code;
use livechat_wire::message::{Message, types};
use livechat_wire::room::Room;
use livechat_wire::visitor::{CustomField, NewVisitor, Visitor};

use super::conversation::{Change, Conversation};
use crate::api::Error;
use crate::keyed::Keyed;
use crate::realtime::{Event, Status, protocol};

pub mod catch_up;
pub mod outbox;
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
/// and, for work about a room, that room still open.
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
        if self.view.screen != screen {
            self.view.screen = screen;
            self.touch(Area::Screen);
        }
    }

    fn set_banner(&mut self, banner: Option<Banner>) {
        if self.view.banner != banner {
            self.view.banner = banner;
            self.touch(Area::Banner);
        }
    }

    fn set_agent(&mut self, agent: Option<Agent>) {
        if self.view.agent != agent {
            self.view.agent = agent;
            self.touch(Area::Agent);
        }
    }

    fn set_typing(&mut self, typing: Vec<String>) {
        if self.view.typing != typing {
            self.view.typing = typing;
            self.touch(Area::Typing);
        }
    }

    fn set_queue_spot(&mut self, spot: Option<u32>) {
        if self.view.queue_spot != spot {
            self.view.queue_spot = spot;
            self.touch(Area::QueueSpot);
        }
    }

    fn set_history_complete(&mut self, complete: bool) {
        if self.view.history_complete != complete {
            self.view.history_complete = complete;
            self.touch(Area::HistoryComplete);
        }
    }

    fn set_form_error(&mut self, error: Option<String>) {
        if self.view.form_error != error {
            self.view.form_error = error;
            self.touch(Area::FormError);
        }
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
    /// about a room, that room still open.
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

    // ---- The start ----

    /// A start begins: answers its stamp.
    pub fn begin_start(&mut self) -> Guard {
        self.starting = true;
        self.guard()
    }

    /// Whether to start again now: the server could not be reached and no try is under way.
    pub fn begin_retry_start(&mut self) -> bool {
        if self.view.screen == Screen::Unreachable && !self.starting {
            self.starting = true;
            return true;
        }
        false
    }

    /// The start failed with `e`, or (`None`) the server refuses this page's cross-origin
    /// calls. A refusal shows [`Screen::Unavailable`] and answers `None`; a transient failure
    /// shows [`Screen::Unreachable`], schedules another try and answers the failures in a row
    /// (when it scheduled one).
    pub fn cannot_start(&mut self, g: &Guard, e: Option<&Error>, random: f64) -> Option<u32> {
        if !self.current(g) {
            return None;
        }
        self.starting = false;
        let e = match e {
            Some(e) if transient(e) => e,
            _ => {
                self.set_screen(Screen::Unavailable);
                return None;
            }
        };
        self.set_screen(Screen::Unreachable);
        self.schedule_retry(Retry::Start, e, 5, random).map(|(failures, _)| failures)
    }

    /// The configuration came: answers the screen to show, and whether to catch up from
    /// history first (a room is open). `stored`: the outbox kept in storage.
    pub fn configured(&mut self, g: &Guard, config: Config, stored: Vec<crate::storage::Pending>) -> Option<(Screen, bool)> {
        if !self.current(g) {
            return None;
        }
        self.starting = false;
        self.start_retry.failures = 0;
        self.set_banner(None);
        if self.view.visitor != config.guest {
            self.view.visitor = config.guest.clone();
            self.touch(Area::Visitor);
        }
        self.set_agent(config.agent.clone());
        let open_room = config.room.clone().filter(Room::is_open);
        let screen = if !config.enabled {
            Screen::Unavailable
        } else if let Some(room) = open_room {
            self.effect(Effect::StoreRoom(Some(room.id.clone())));
            self.view.room = Some(room);
            self.touch(Area::Room);
            Screen::Chat
        } else if !config.online {
            if config.settings.display_offline_form { Screen::Offline } else { Screen::Unavailable }
        } else if self.needs_registration(&config) {
            Screen::Register
        } else {
            Screen::Chat
        };
        self.view.config = Some(config);
        self.touch(Area::Config);
        if screen == Screen::Chat {
            self.load_outbox(stored);
        }
        Some((screen, screen == Screen::Chat && self.view.room.is_some()))
    }

    /// The start shows its screen (after the catch-up, when there was one) and sends the outbox.
    pub fn started(&mut self, g: &Guard, screen: Screen) {
        if self.current(g) {
            if screen == Screen::Chat
                && let Some(rid) = self.room_id()
            {
                let rid = rid.to_owned();
                self.effect(Effect::Follow(Some(rid)));
            }
            self.set_screen(screen);
            self.effect(Effect::Flush);
        }
    }

    /// The visitor's Retry on [`Screen::Unreachable`].
    pub fn retry_start_now(&mut self) -> bool {
        self.acted();
        self.begin_retry_start()
    }

    /// The pre-chat form is needed when the server asks for it and the site did not supply the
    /// name and e-mail it asks for (and the visitor is not registered with them yet).
    fn needs_registration(&self, config: &Config) -> bool {
        let s = &config.settings;
        if !s.registration_form || !(s.name_field_registration_form || s.email_field_registration_form) {
            return false;
        }
        let guest = config.guest.as_ref();
        let has_name = self.options.name.is_some() || guest.is_some_and(|g| g.name.is_some());
        let has_email = self.options.email.is_some() || guest.is_some_and(|g| g.email().is_some());
        (s.name_field_registration_form && !has_name) || (s.email_field_registration_form && !has_email)
    }

    // ---- Forms and the visitor ----

    /// What registers the visitor: the form's (or the site's) name and e-mail, the department
    /// chosen (or the site's), and the custom fields the site set.
    pub fn registration(&self, name: Option<String>, email: Option<String>, department: Option<String>) -> NewVisitor {
        NewVisitor {
            name,
            email,
            department: department.filter(|d| !d.is_empty()).or_else(|| self.options.department.clone()),
            custom_fields: self.options.custom_fields.clone(),
            ..NewVisitor::default()
        }
    }

    /// What registers the visitor with what the site supplied (before the first message).
    pub fn site_registration(&self) -> NewVisitor {
        self.registration(self.options.name.clone(), self.options.email.clone(), None)
    }

    /// The server has the visitor.
    pub fn registered(&mut self, g: &Guard, visitor: Visitor) -> bool {
        if !self.current(g) {
            return false;
        }
        if self.view.visitor.as_ref() != Some(&visitor) {
            self.view.visitor = Some(visitor);
            self.touch(Area::Visitor);
        }
        true
    }

    /// The pre-chat or offline form was accepted: on to `screen`.
    pub fn form_accepted(&mut self, g: &Guard, form: Submitted, screen: Screen) {
        if !self.current(g) {
            return;
        }
        self.view.submitted = Some(form);
        self.touch(Area::Submitted);
        self.set_form_error(None);
        self.acted();
        self.set_screen(screen);
    }

    /// The pre-chat or offline form was refused: the server's reason.
    pub fn form_refused(&mut self, g: &Guard, e: &Error) {
        if self.current(g) {
            self.set_form_error(Some(e.message().map_or_else(|| e.to_string(), str::to_owned)));
        }
    }

    /// The site registered the visitor (`registerGuest`): its pending custom fields went with
    /// it, and the pre-chat form is no longer needed.
    pub fn guest_registered(&mut self, g: &Guard, visitor: Visitor) {
        if self.registered(g, visitor) {
            self.options.custom_fields.clear();
            if self.view.screen == Screen::Register {
                self.set_screen(Screen::Chat);
            }
        }
    }

    /// Titles the site set win over the server's (kept until the configuration has them).
    pub fn retitle(&mut self, title: Option<String>, offline: Option<String>) {
        let Some(c) = &mut self.view.config else { return };
        let mut changed = false;
        if let Some(t) = title.filter(|t| *t != c.theme.title) {
            c.theme.title = t;
            changed = true;
        }
        if let Some(t) = offline.filter(|t| *t != c.theme.offline_title) {
            c.theme.offline_title = t;
            changed = true;
        }
        if changed {
            self.touch(Area::Config);
        }
    }

    /// The last accepted form, once (its area is not marked: reading it is not news).
    pub fn take_submitted(&mut self) -> Option<Submitted> {
        self.view.submitted.take()
    }

    /// Changes the site's options (name, e-mail, department, custom fields).
    pub fn options_mut(&mut self) -> &mut SessionOptions {
        &mut self.options
    }

    /// Sets a custom field to send with the registration, when the visitor is not registered
    /// yet; answers whether it is (then the caller sends it now).
    pub fn custom_field(&mut self, field: CustomField) -> bool {
        if self.view.visitor.is_some() {
            return true;
        }
        merge_field(&mut self.options.custom_fields, field);
        false
    }

    /// Continues as another visitor: the conversation shown, the realtime link to the old room,
    /// the messages waiting to go out and any work begun for the previous visitor are forgotten
    /// (their answers are dropped when they come). The caller switches the token and empties
    /// the stored outbox.
    pub fn use_token(&mut self, token: String) {
        self.token = token;
        self.generation = self.generation.wrapping_add(1);
        self.outbox = Outbox::default();
        self.start_retry = Retries::default();
        self.catch_up_retry = Retries::default();
        self.starting = false;
        self.synced = None;
        self.caught_up = false;
        self.effect(Effect::StoreRoom(None));
        self.effect(Effect::Follow(None));
        if self.view.visitor.take().is_some() {
            self.touch(Area::Visitor);
        }
        if self.view.room.take().is_some() {
            self.touch(Area::Room);
        }
        self.set_agent(None);
        self.set_typing(Vec::new());
        self.set_queue_spot(None);
        self.edit_conversation(|c| {
            let had = !c.is_empty();
            c.clear();
            had
        });
        if !self.view.deliveries.is_empty() {
            self.view.deliveries.clear();
            self.touch(Area::Deliveries);
        }
        self.set_banner(None);
        self.set_form_error(None);
        if self.view.submitted.take().is_some() {
            self.touch(Area::Submitted);
        }
        self.set_history_complete(false);
        self.set_unread(0);
        self.set_screen(Screen::Loading);
    }

    // ---- The room ----

    /// The room is made (`new_room`: just now, so no older history). Answers its id.
    pub fn room_made(&mut self, g: &Guard, room: Room, new_room: bool) -> Option<String> {
        if !self.current(g) {
            return None;
        }
        let rid = room.id.clone();
        let served = room.served_by.is_some();
        self.effect(Effect::StoreRoom(Some(rid.clone())));
        if new_room {
            self.set_history_complete(true);
        }
        self.view.room = Some(room);
        self.touch(Area::Room);
        self.effect(Effect::Follow(Some(rid.clone())));
        if served {
            self.effect(Effect::RefreshAgent { forget: true });
        }
        Some(rid)
    }

    /// Who serves the room now (`forget`: nobody serves it when the server says so).
    pub fn agent_answered(&mut self, g: &Guard, agent: Result<Agent, Error>, forget: bool) {
        if !self.current(g) {
            return;
        }
        match agent {
            Ok(agent) => self.set_agent(Some(agent)),
            Err(e) if forget && e.is(code::INVALID_AGENT) => self.set_agent(None),
            Err(_) => {}
        }
    }

    /// The chat ended (by the visitor, the agent or the server): on to the survey; the room is
    /// no longer followed.
    fn chat_ended(&mut self) {
        self.effect(Effect::StoreRoom(None));
        self.set_typing(Vec::new());
        self.set_screen(Screen::Survey);
        // Nothing more will happen in the room: the realtime link stops following it.
        self.effect(Effect::Follow(None));
    }

    /// The answer to the visitor closing the chat.
    pub fn closed(&mut self, g: &Guard, result: Result<(), Error>) {
        if !self.current(g) {
            return;
        }
        match result {
            Ok(()) => self.chat_ended(),
            Err(e) if e.is(code::ROOM_CLOSED) => self.chat_ended(),
            Err(e) => self.fail(&e),
        }
    }

    /// The visitor ends the chat: answers the room to close (none: straight to the thanks).
    pub fn close(&mut self) -> Option<(Guard, String)> {
        self.acted();
        let room = self.room_guard();
        if room.is_none() {
            self.set_screen(Screen::ThankYou);
        }
        room
    }

    /// The survey was sent (or skipped, or had nothing to send).
    pub fn rated(&mut self, g: &Guard, result: Result<(), Error>) {
        if !self.current(g) {
            return;
        }
        match result {
            Ok(()) => {
                self.acted();
                self.set_screen(Screen::ThankYou);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// The visitor skips the survey (or rated nothing).
    pub fn skip_survey(&mut self) {
        self.acted();
        self.set_screen(Screen::ThankYou);
    }

    /// Starts over after a finished chat: a new room on the next message.
    pub fn new_chat(&mut self) {
        self.synced = None;
        self.caught_up = false;
        if self.view.room.take().is_some() {
            self.touch(Area::Room);
        }
        self.set_agent(None);
        self.set_queue_spot(None);
        self.edit_conversation(|c| {
            let had = !c.is_empty();
            c.clear();
            had
        });
        for id in self.outbox.ids() {
            self.settle(&id);
        }
        if !self.view.deliveries.is_empty() {
            self.view.deliveries.clear();
            self.touch(Area::Deliveries);
        }
        self.set_history_complete(false);
        self.effect(Effect::Follow(None));
        self.acted();
        self.set_screen(Screen::Chat);
    }

    /// An edit of one of the visitor's messages was answered.
    pub fn edited(&mut self, g: &Guard, result: Result<Message, Error>) {
        if !self.current(g) {
            return;
        }
        match result {
            Ok(edited) => {
                self.upsert(edited);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// One of the visitor's messages is deleted on the server.
    pub fn deleted(&mut self, g: &Guard, id: &str, result: Result<(), Error>) {
        if !self.current(g) {
            return;
        }
        match result {
            Ok(()) => {
                self.edit_conversation(|c| c.remove(id));
            }
            Err(e) => self.fail(&e),
        }
    }

    /// A moved chat (transfer) was answered: who serves it is asked, then history.
    pub fn transferred(&mut self, g: &Guard, result: Result<(), Error>) -> bool {
        if !self.current(g) {
            return false;
        }
        match result {
            Ok(()) => true,
            Err(e) => {
                self.fail(&e);
                false
            }
        }
    }

    // ---- Realtime ----

    /// What the realtime link reports (its data; `Live`, `Poll`, `Online` and `Refused` are
    /// the caller's: they start a catch-up or a flush).
    pub fn on_realtime(&mut self, event: Event) {
        match event {
            Event::Status(status) => {
                if status != Status::Live {
                    self.set_typing(Vec::new());
                    self.caught_up = false;
                }
                if self.view.link != status {
                    self.view.link = status;
                    self.touch(Area::Link);
                }
            }
            Event::Live | Event::Refused => self.effect(Effect::CatchUp { tell: false }),
            Event::Poll => self.effect(Effect::CatchUp { tell: true }),
            Event::Online => self.effect(Effect::Flush),
            Event::Message(m) => {
                if self.room_id() != Some(m.rid.as_str()) {
                    return;
                }
                if let Some(u) = &m.u {
                    let name = self.agent_name(&u.username);
                    let mut typing = self.view.typing.clone();
                    typing.retain(|n| *n != name);
                    self.set_typing(typing);
                }
                // Nothing was missed since the last catch-up on this live link.
                if let Some(ts) = m.ts
                    && self.caught_up
                {
                    self.synced = Some(self.synced.map_or(ts, |s| s.max(ts)));
                }
                self.take_in(vec![*m]);
            }
            Event::Deleted { rid, id } => {
                if self.room_id() != Some(rid.as_str()) {
                    return;
                }
                // Gone for good: not resent, and a late answer to its send does not bring it back.
                self.settle(&id);
                self.edit_conversation(|c| c.remove(&id));
                self.recount();
            }
            Event::Typing { rid, username, on } => {
                if self.room_id() != Some(rid.as_str()) {
                    return;
                }
                if self.view.visitor.as_ref().is_some_and(|v| v.username == username) {
                    return;
                }
                let name = self.agent_name(&username);
                let mut typing = self.view.typing.clone();
                typing.retain(|n| *n != name);
                if on {
                    typing.push(name);
                }
                self.set_typing(typing);
            }
            Event::Room { rid, .. } if self.room_id() != Some(rid.as_str()) => {}
            Event::Room { news, .. } => match *news {
                LivechatRoomEvent::AgentData { data } => {
                    self.set_queue_spot(None);
                    self.set_agent(data);
                }
                LivechatRoomEvent::AgentStatus { status } => {
                    if let Some(a) = &self.view.agent {
                        let mut a = a.clone();
                        a.status = Some(status);
                        self.set_agent(Some(a));
                    }
                }
                LivechatRoomEvent::QueueData { data } => self.set_queue_spot(data.map(|q| q.spot)),
                LivechatRoomEvent::VisitorData { .. } => {}
            },
        }
    }

    /// The name to show for `username`: the serving agent's display name when it is them.
    fn agent_name(&self, username: &str) -> String {
        self.view.agent
            .as_ref()
            .filter(|a| a.username.as_deref() == Some(username) && !a.hidden_info)
            .and_then(|a| a.display_name().map(str::to_owned))
            .unwrap_or_else(|| username.to_owned())
    }

    /// Takes in history or live messages: merged by `_id`; a server copy of an outbox message
    /// confirms it; unread recounted; the chat's end and agent changes noticed; the sound
    /// played for news from an agent.
    pub fn take_in(&mut self, messages: Vec<Message>) {
        let me = self.view.visitor.as_ref().map(|v| v.id.clone());
        let had_messages = !self.view.conversation.is_empty();
        let (mut fresh_from_agent, mut closed, mut agent_changed) = (0, false, false);
        for m in messages {
            let from_agent = m.t.is_none() && m.u.as_ref().map(|u| &u.id) != me.as_ref();
            let kind = m.t.clone();
            let id = m.id.clone();
            let confirms = m.ts.is_some() && self.view.deliveries.contains_key(&id);
            if self.upsert(m) == Change::Inserted {
                fresh_from_agent += u32::from(from_agent);
                closed |= kind.as_deref() == Some(types::LIVECHAT_CLOSE);
                agent_changed |= matches!(kind.as_deref(), Some(types::USER_JOINED | types::TRANSFER_HISTORY));
            }
            // The server has it (seen live or in history before the send's own answer came back).
            if confirms {
                if self.outbox.in_flight(&id) {
                    // Its answer settles it, or, if that answer is lost, this copy does.
                    self.outbox.heard(&id);
                } else {
                    self.settle(&id);
                }
            }
        }
        if agent_changed && !closed {
            self.effect(Effect::RefreshAgent { forget: true });
        }
        self.recount();
        if fresh_from_agent > 0 && had_messages {
            self.effect(Effect::Chime);
        }
        if closed && self.view.screen == Screen::Chat {
            self.chat_ended();
        }
    }

    // ---- Tabs, the window and unread ----

    /// What another tab of this visitor posted: `o1`/`o0` (opened, closed), `r<ms>` (read up
    /// to), `m` (it delivered a message: a tab without a live link catches up). Anything else
    /// is ignored; it is split by character, never by byte.
    pub fn heard_from_tab(&mut self, text: &str) {
        let mut chars = text.chars();
        let (kind, rest) = (chars.next(), chars.as_str());
        match kind {
            Some('o') => {
                self.set_open_flag(rest == "1");
                if rest == "1" {
                    self.mark_read(false);
                }
                self.recount();
            }
            Some('r') => {
                if let Ok(at) = rest.parse::<i64>() {
                    self.read_at = self.read_at.max(at);
                    self.recount();
                }
            }
            Some('m') if self.view.link != Status::Live => self.effect(Effect::CatchUp { tell: false }),
            _ => {}
        }
    }

    fn set_open_flag(&mut self, open: bool) {
        if self.view.open != open {
            self.view.open = open;
            self.touch(Area::Open);
        }
    }

    fn set_unread(&mut self, n: u32) {
        if self.view.unread != n {
            self.view.unread = n;
            self.touch(Area::Unread);
        }
    }

    /// Opens or closes the window; opening marks everything read and retries a start that
    /// could not reach the server (answers whether to). Kept in storage and told to the
    /// visitor's other tabs.
    pub fn set_open(&mut self, open: bool) -> bool {
        self.acted();
        self.set_open_flag(open);
        self.effect(Effect::StoreOpen(open));
        self.effect(Effect::Tell(if open { "o1" } else { "o0" }.to_owned()));
        let retry = open && {
            self.mark_read(true);
            self.begin_retry_start()
        };
        self.recount();
        retry
    }

    /// Everything up to the newest message counts as seen; `tell` other tabs.
    fn mark_read(&mut self, tell: bool) {
        let newest = self.view.conversation.newest().map_or(0, Timestamp::millis);
        if newest <= self.read_at {
            return;
        }
        self.read_at = newest;
        self.effect(Effect::StoreRead(newest));
        if tell {
            self.effect(Effect::Tell(format!("r{newest}")));
        }
    }

    /// Unread: agent messages newer than what was seen, while the window is closed.
    fn recount(&mut self) {
        if self.view.open {
            self.mark_read(false);
            self.set_unread(0);
            return;
        }
        let me = self.view.visitor.as_ref().map(|v| &v.id);
        let read_at = self.read_at;
        let n = self
            .view
            .conversation
            .messages()
            .iter()
            .filter(|m| m.t.is_none() && m.u.as_ref().map(|u| &u.id) != me && m.ts.is_some_and(|t| t.millis() > read_at))
            .count() as u32;
        self.set_unread(n);
    }
}
