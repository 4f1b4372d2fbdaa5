//! [`Session`]: the visitor's journey as reactive state over the client and the token store.
//! Components read its signals and call its methods; only the session talks to the server and
//! to storage.

use std::collections::BTreeMap;

use leptos::prelude::*;
use livechat_wire::agent::Agent;
use livechat_wire::config::{Config, Department};
use livechat_wire::message::{HistoryQuery, Message, types};
use livechat_wire::offline_message::OfflineMessage;
use livechat_wire::room::{Room, SurveyItem, survey};
use livechat_wire::visitor::{NewVisitor, Visitor};

use super::conversation::{Change, Conversation};
use crate::api::{Error, Transport, VisitorClient};
use crate::i18n::{Key, Lang};
use crate::storage::{StoreOptions, TokenStore};

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
    /// Livechat is disabled, or offline without an offline form.
    Unavailable,
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
    Sending,
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
    /// Storage namespace (see [`StoreOptions::namespace`]).
    pub namespace: String,
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
    pub outbox: RwSignal<BTreeMap<String, Delivery>>,
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
    /// The last form the server accepted (pre-chat or offline), for the site's callbacks.
    pub submitted: RwSignal<Option<Submitted>>,
    client: StoredValue<VisitorClient, LocalStorage>,
    store: StoredValue<TokenStore, LocalStorage>,
    options: StoredValue<SessionOptions>,
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
        Session {
            screen: RwSignal::new(Screen::Loading),
            config: RwSignal::new(None),
            visitor: RwSignal::new(None),
            room: RwSignal::new(None),
            agent: RwSignal::new(None),
            conversation: RwSignal::new(Conversation::default()),
            outbox: RwSignal::new(BTreeMap::new()),
            banner: RwSignal::new(None),
            history_complete: RwSignal::new(false),
            open: RwSignal::new(false),
            unread: RwSignal::new(0),
            lang: RwSignal::new(lang),
            form_error: RwSignal::new(None),
            submitted: RwSignal::new(None),
            client: StoredValue::new_local(client),
            store: StoredValue::new_local(store),
            options: StoredValue::new(options),
        }
    }

    /// The options this session was made with.
    pub fn options(&self) -> SessionOptions {
        self.options.get_value()
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
                other.message().unwrap_or(self.lang.get_untracked().t(Key::SomethingWentWrong)).to_owned(),
            ),
        };
        self.banner.set(Some(banner));
    }

    /// The visitor interacted: storage may be written from now on (consent mode).
    pub fn interacted(&self) {
        self.store.with_value(TokenStore::consent);
    }

    /// Loads the configuration and the visitor's open room, and picks the first screen.
    pub async fn start(self) {
        let department = self.options.with_value(|o| o.department.clone());
        let config = match self.client().config(department.as_deref()).await {
            Ok(config) => config,
            Err(e) => {
                self.fail(&e);
                return;
            }
        };
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
        if screen == Screen::Chat && self.room.get_untracked().is_some() {
            self.refresh().await;
        }
        self.screen.set(screen);
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
        match self.client().register(details).await {
            Ok(visitor) => {
                self.visitor.set(Some(visitor));
                self.submitted.set(Some(form));
                self.form_error.set(None);
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
        let visitor = self.client().register(details).await?;
        self.visitor.set(Some(visitor));
        Ok(())
    }

    /// The open room, created on the first message as Rocket.Chat's widget does.
    async fn ensure_room(&self) -> Result<Room, Error> {
        if let Some(room) = self.room.get_untracked() {
            return Ok(room);
        }
        self.ensure_visitor().await?;
        let room = self.client().room(None).await?.room;
        self.store.with_value(|s| s.set_room_id(Some(&room.id)));
        self.room.set(Some(room.clone()));
        if room.served_by.is_some() {
            self.refresh_agent().await;
        }
        Ok(room)
    }

    /// Asks the server who serves the room now (after an assignment or a transfer).
    pub async fn refresh_agent(&self) {
        let Some(rid) = self.room_id() else { return };
        match self.client().agent_info(&rid).await {
            Ok(agent) => self.agent.set(Some(agent)),
            // Not served (yet, or any more): no agent to show.
            Err(e) if e.is("invalid-agent") => self.agent.set(None),
            Err(_) => {}
        }
    }

    /// Sends a message: shown at once as sending, confirmed (or marked failed) when the server
    /// answers. The `_id` is chosen here, so a retry can never store it twice.
    pub async fn send(self, text: String) {
        self.interacted();
        let text = text.trim().to_owned();
        if text.is_empty() {
            return;
        }
        let room = match self.ensure_room().await {
            Ok(room) => room,
            Err(e) if e.is("no-agent-online") => {
                self.screen.set(Screen::Offline);
                return;
            }
            Err(e) => {
                self.fail(&e);
                return;
            }
        };
        let id = crate::storage::new_token();
        let me = self.visitor.with_untracked(|v| {
            v.as_ref().map(|v| livechat_wire::UserRef {
                id: v.id.clone(),
                username: v.username.clone(),
                name: v.name.clone(),
            })
        });
        let pending = Message {
            id: id.clone(),
            rid: room.id.clone(),
            msg: text,
            u: me,
            token: Some(self.token()),
            ..Message::default()
        };
        self.conversation.update(|c| {
            c.upsert(pending.clone());
        });
        self.deliver(pending).await;
    }

    /// Sends (or re-sends) a message already in the conversation.
    async fn deliver(&self, message: Message) {
        self.outbox.update(|o| {
            o.insert(message.id.clone(), Delivery::Sending);
        });
        match self.client().send_message(&message.rid, &message.msg, Some(&message.id)).await {
            Ok(stored) => {
                self.banner.set(None);
                self.outbox.update(|o| {
                    o.remove(&stored.id);
                });
                self.conversation.update(|c| {
                    c.upsert(stored);
                });
            }
            Err(e) => {
                if e.is("room-closed") {
                    self.outbox.update(|o| {
                        o.remove(&message.id);
                    });
                    self.conversation.update(|c| {
                        c.remove(&message.id);
                    });
                    self.chat_ended();
                    return;
                }
                self.outbox.update(|o| {
                    o.insert(message.id.clone(), Delivery::Failed);
                });
                self.fail(&e);
            }
        }
    }

    /// Tries a failed message again, with the same `_id`.
    pub async fn retry(self, id: String) {
        if let Some(message) = self.conversation.with_untracked(|c| c.get(&id).cloned()) {
            self.deliver(message).await;
        }
    }

    /// Edits one of the visitor's messages.
    pub async fn edit(self, id: String, text: String) {
        let Some(rid) = self.room_id() else { return };
        let text = text.trim().to_owned();
        if text.is_empty() {
            return;
        }
        match self.client().edit_message(&rid, &id, &text).await {
            Ok(edited) => self.conversation.update(|c| {
                c.upsert(edited);
            }),
            Err(e) => self.fail(&e),
        }
    }

    /// Deletes one of the visitor's messages.
    pub async fn delete(self, id: String) {
        let Some(rid) = self.room_id() else { return };
        match self.client().delete_message(&rid, &id).await {
            Ok(_) => self.conversation.update(|c| {
                c.remove(&id);
            }),
            Err(e) => self.fail(&e),
        }
    }

    /// Takes in one page of history (or a live message), counting unread agent messages and
    /// noticing the chat's end.
    fn take_in(&self, messages: Vec<Message>) {
        let me = self.visitor.with_untracked(|v| v.as_ref().map(|v| v.id.clone()));
        let mut fresh_from_agent = 0;
        let mut closed = false;
        let mut agent_changed = false;
        self.conversation.update(|c| {
            for m in messages {
                let from_agent = m.t.is_none() && m.u.as_ref().map(|u| &u.id) != me.as_ref();
                let kind = m.t.clone();
                if c.upsert(m) == Change::Inserted {
                    fresh_from_agent += u32::from(from_agent);
                    closed |= kind.as_deref() == Some(types::LIVECHAT_CLOSE);
                    agent_changed |= matches!(kind.as_deref(), Some(types::USER_JOINED | types::TRANSFER_HISTORY));
                }
            }
        });
        if agent_changed && !closed {
            let session = *self;
            Session::spawn(async move { session.refresh_agent().await });
        }
        if fresh_from_agent > 0 && !self.open.get_untracked() {
            self.unread.update(|n| *n += fresh_from_agent);
        }
        if closed && self.screen.get_untracked() == Screen::Chat {
            self.chat_ended();
        }
    }

    /// Fetches the newest page of history and merges it.
    pub async fn refresh(&self) {
        let Some(rid) = self.room_id() else { return };
        let query = HistoryQuery { limit: Some(PAGE), ..HistoryQuery::default() };
        match self.client().history(&rid, &query).await {
            Ok(page) => {
                self.banner.set(None);
                let full = page.len() as u32 >= PAGE;
                if self.conversation.with_untracked(Conversation::is_empty) && !full {
                    self.history_complete.set(true);
                }
                self.take_in(page);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// Loads the page of history before the oldest message shown.
    pub async fn load_older(self) {
        let Some(rid) = self.room_id() else { return };
        let end = self.conversation.with_untracked(Conversation::oldest);
        let query = HistoryQuery { end, limit: Some(PAGE), ..HistoryQuery::default() };
        match self.client().history(&rid, &query).await {
            Ok(page) => {
                if (page.len() as u32) < PAGE {
                    self.history_complete.set(true);
                }
                self.take_in(page);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// The chat ended (by the visitor, the agent or the server): on to the survey.
    fn chat_ended(&self) {
        self.store.with_value(|s| s.set_room_id(None));
        self.screen.set(Screen::Survey);
    }

    /// The visitor ends the chat.
    pub async fn close(self) {
        let Some(rid) = self.room_id() else {
            self.screen.set(Screen::ThankYou);
            return;
        };
        match self.client().close_room(&rid).await {
            Ok(_) => self.chat_ended(),
            Err(e) if e.is("room-closed") => self.chat_ended(),
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
        if data.is_empty() {
            self.screen.set(Screen::ThankYou);
            return;
        }
        match self.client().survey(&rid, data).await {
            Ok(_) => self.screen.set(Screen::ThankYou),
            Err(e) => self.fail(&e),
        }
    }

    /// Skips the survey.
    pub fn skip_survey(&self) {
        self.screen.set(Screen::ThankYou);
    }

    /// Starts over after a finished chat: a new room on the next message.
    pub fn new_chat(&self) {
        self.room.set(None);
        self.agent.set(None);
        self.conversation.update(Conversation::clear);
        self.outbox.update(BTreeMap::clear);
        self.history_complete.set(false);
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
        match self.client().offline_message(&note).await {
            Ok(_) => {
                self.submitted.set(Some(Submitted::Offline {
                    name: note.name,
                    email: note.email,
                    message: note.message,
                    department: note.department,
                }));
                self.form_error.set(None);
                self.screen.set(Screen::OfflineSent);
            }
            Err(e) => self.form_error.set(Some(e.message().map_or_else(|| e.to_string(), str::to_owned))),
        }
        FormErrors::default()
    }

    /// Moves the chat to another department.
    pub async fn transfer(self, department: String) {
        let Some(rid) = self.room_id() else { return };
        match self.client().transfer(&rid, &department).await {
            Ok(_) => {
                if let Ok(agent) = self.client().agent_info(&rid).await {
                    self.agent.set(Some(agent));
                }
                self.refresh().await;
            }
            Err(e) => self.fail(&e),
        }
    }

    /// Opens or closes the window; opening marks everything read.
    pub fn set_open(&self, open: bool) {
        self.open.set(open);
        if open {
            self.unread.set(0);
        }
    }

    /// Runs `f` in the background (for components' event handlers and follow-up work).
    pub fn spawn<F>(f: F)
    where
        F: std::future::Future<Output = ()> + 'static,
    {
        // The browser's microtask queue, not Leptos's executor: a session also works before (or
        // without) a mounted view.
        wasm_bindgen_futures::spawn_local(f);
    }
}
