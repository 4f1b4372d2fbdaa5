//! [`Console`]: the agent's side as reactive state over the crate's `AgentClient`. Components
//! read its signals and call its methods; only this module talks to the server and to storage.
//!
//! Live updates come from polling: every [`POLL_MS`] while the page is visible the queue and the
//! agent's rooms are fetched again, and the open room catches up from history: page by page
//! back to what it already has ([`logic::CatchUp`], the walk the visitor's session makes too),
//! merged by `_id`.
//!
//! About 600 lines: one method per agent action (sign in, availability, take, open, reply,
//! forward, close, sign out) and the polling, each short; its decisions are in `logic.rs`.

use std::collections::BTreeMap;

use leptos::prelude::*;
use livechat_client::api::{AgentClient, Error, Transport, VisitorClient};
use livechat_client::session::conversation::Conversation;
use livechat_wire::Timestamp;
use livechat_wire::auth::Me;
use livechat_wire::config::Department;
use livechat_wire::inquiries::{InquiriesQuery, Inquiry};
use livechat_wire::message::{HistoryQuery, Message};
use livechat_wire::room::{ForwardRoom, Room};
use livechat_wire::rooms::RoomsQuery;
use livechat_wire::visitor::Visitor;

use crate::logic::{self, Action, Target};
use crate::store::{CredentialStore, Credentials};

/// How often the console asks the server what changed.
pub const POLL_MS: i32 = 2000;
/// Messages fetched when a room opens, and per "older messages" page.
pub const HISTORY_PAGE: u32 = 50;
/// Messages per page when a poll catches the open room up.
const POLL_PAGE: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Checking a login kept from an earlier page load.
    Resuming,
    SignedOut,
    SignedIn,
}

/// The queue as this agent may see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Queue {
    Loading,
    Inquiries(Vec<Inquiry>),
    /// Listing the queue needs the `view-livechat-manager` permission.
    NotAllowed,
}

/// Where the open room stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomState {
    /// Served by this agent: reply, forward, close.
    Serving,
    /// Gone from this agent's open rooms (closed, or forwarded); the words say why.
    Ended(String),
}

/// A one-line message across the top of the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// What the console knows. `Copy`: every field is a handle into the reactive arena.
#[derive(Clone, Copy)]
pub struct Console {
    pub server: StoredValue<String>,
    pub phase: RwSignal<Phase>,
    pub me: RwSignal<Option<Me>>,
    /// Taking Livechat conversations (`statusLivechat == "available"`).
    pub available: RwSignal<bool>,
    /// The last sign-in or resume failure.
    pub sign_in_error: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<Notice>>,
    pub queue: RwSignal<Queue>,
    /// Open rooms this agent serves, most recent activity first.
    pub rooms: RwSignal<Vec<Room>>,
    /// Departments to forward to.
    pub departments: RwSignal<Vec<Department>>,
    /// Agents seen so far, `(id, username)`: the forward form offers them.
    pub known_agents: RwSignal<Vec<(String, String)>>,
    /// For each room, the newest message time the agent has had on screen.
    pub seen: RwSignal<BTreeMap<String, i64>>,
    /// The room on screen.
    pub selected: RwSignal<Option<Room>>,
    pub room_state: RwSignal<RoomState>,
    pub conversation: RwSignal<Conversation>,
    /// No older messages to load in the open room.
    pub history_complete: RwSignal<bool>,
    /// The open room's catch-up watermark: its history up to this time is on screen. Only a
    /// complete catch-up (or the room's opening) moves it; the agent's own replies do not.
    synced: StoredValue<Option<Timestamp>>,
    /// The open room's visitor (name, e-mail, department), when the server told.
    pub visitor: RwSignal<Option<Visitor>>,
    client: StoredValue<Option<AgentClient>, LocalStorage>,
    store: StoredValue<CredentialStore, LocalStorage>,
    /// Bumped on sign-out: a poll loop of an earlier login stops.
    generation: StoredValue<u32>,
    visitors: StoredValue<BTreeMap<String, Visitor>>,
    /// The element the console is mounted in (focus moves are looked up inside it).
    root: StoredValue<Option<web_sys::Element>, LocalStorage>,
    /// The emoji shortcode table, once fetched (shortcode → emoji).
    pub emoji: RwSignal<Option<wasm_bindgen::JsValue>, LocalStorage>,
    emoji_asked: StoredValue<bool>,
}

impl Console {
    /// A console for the server at `server`. `namespace` separates stored logins (tests).
    pub fn new(server: &str, namespace: &str) -> Console {
        let store = CredentialStore::open(server, namespace);
        let seen = store.seen();
        Console {
            server: StoredValue::new(server.trim_end_matches('/').to_owned()),
            phase: RwSignal::new(Phase::Resuming),
            me: RwSignal::new(None),
            available: RwSignal::new(false),
            sign_in_error: RwSignal::new(None),
            notice: RwSignal::new(None),
            queue: RwSignal::new(Queue::Loading),
            rooms: RwSignal::new(Vec::new()),
            departments: RwSignal::new(Vec::new()),
            known_agents: RwSignal::new(Vec::new()),
            seen: RwSignal::new(seen),
            selected: RwSignal::new(None),
            room_state: RwSignal::new(RoomState::Serving),
            conversation: RwSignal::new(Conversation::default()),
            history_complete: RwSignal::new(false),
            synced: StoredValue::new(None),
            visitor: RwSignal::new(None),
            client: StoredValue::new_local(None),
            store: StoredValue::new_local(store),
            generation: StoredValue::new(0),
            visitors: StoredValue::new(BTreeMap::new()),
            root: StoredValue::new_local(None),
            emoji: RwSignal::new_local(None),
            emoji_asked: StoredValue::new(false),
        }
    }

    pub fn spawn<F: std::future::Future<Output = ()> + 'static>(f: F) {
        wasm_bindgen_futures::spawn_local(f);
    }

    fn transport(&self) -> Transport {
        Transport::new(&self.server.get_value())
    }

    fn client(&self) -> Option<AgentClient> {
        self.client.with_value(Clone::clone)
    }

    pub fn set_root(&self, root: web_sys::Element) {
        self.root.set_value(Some(root));
    }

    /// The element with `id` inside the console.
    pub fn element(&self, id: &str) -> Option<web_sys::Element> {
        let root = self.root.try_with_value(Clone::clone).flatten()?;
        root.query_selector(&format!("#{id}")).ok().flatten()
    }

    /// Stops polling (the page is going away).
    pub fn stop(&self) {
        self.generation.update_value(|g| *g += 1);
    }

    pub fn me_id(&self) -> String {
        self.me.with_untracked(|m| m.as_ref().map(|m| m.id.clone()).unwrap_or_default())
    }

    /// Resumes a login kept in `sessionStorage`, if any; otherwise shows the sign-in form.
    pub async fn start(self) {
        let Some(Credentials { user_id, auth_token }) = self.store.with_value(CredentialStore::credentials) else {
            self.phase.set(Phase::SignedOut);
            return;
        };
        let client = AgentClient::resume(self.transport(), &user_id, &auth_token);
        match client.whoami().await {
            Ok(me) => self.signed_in(client, me),
            Err(e) => {
                if logic::is_signed_out(&e) {
                    self.store.with_value(|s| s.set_credentials(None));
                }
                self.sign_in_error.set(Some(logic::explain(Action::Load, &e)));
                self.phase.set(Phase::SignedOut);
            }
        }
    }

    /// Signs in; on failure the reason is in `sign_in_error` and nothing else changes.
    pub async fn sign_in(self, user: String, password: String) {
        let user = user.trim().to_owned();
        if user.is_empty() || password.is_empty() {
            self.sign_in_error.set(Some("Enter your username and password.".into()));
            return;
        }
        match AgentClient::login(self.transport(), &user, &password).await {
            Ok(client) => {
                let credentials =
                    Credentials { user_id: client.user_id().to_owned(), auth_token: client.auth_token().to_owned() };
                self.store.with_value(|s| s.set_credentials(Some(&credentials)));
                let me = client.me().clone();
                self.signed_in(client, me);
            }
            Err(e) => self.sign_in_error.set(Some(logic::explain(Action::SignIn, &e))),
        }
    }

    fn signed_in(self, client: AgentClient, me: Me) {
        self.available.set(me.status_livechat.as_deref() == Some("available"));
        self.remember_agent(&me.id, &me.username);
        self.me.set(Some(me));
        self.client.set_value(Some(client));
        self.sign_in_error.set(None);
        self.phase.set(Phase::SignedIn);
        let generation = self.generation.get_value();
        Console::spawn(async move {
            self.load_departments().await;
        });
        Console::spawn(self.poll(generation));
    }

    /// Signs out: the server forgets the login, the browser forgets it too.
    pub async fn sign_out(self) {
        if let Some(client) = self.client() {
            // A login the server no longer knows is as good as gone.
            if let Err(e) = client.logout().await
                && !logic::is_signed_out(&e)
            {
                self.notice.set(Some(Notice { text: logic::explain(Action::Load, &e), error: true }));
            }
        }
        self.forget("Signed out.");
    }

    /// Drops the login locally and returns to the sign-in form.
    fn forget(self, why: &str) {
        self.generation.update_value(|g| *g += 1);
        self.store.with_value(|s| s.set_credentials(None));
        self.client.set_value(None);
        self.me.set(None);
        self.rooms.set(Vec::new());
        self.queue.set(Queue::Loading);
        self.seen.set(BTreeMap::new());
        self.close_view();
        self.phase.set(Phase::SignedOut);
        if !why.is_empty() {
            self.sign_in_error.set(Some(why.to_owned()));
        }
    }

    /// Reports a failed call; a lost login signs out.
    fn fail(self, action: Action, e: &Error) -> String {
        let text = logic::explain(action, e);
        // A call that was under way when the agent signed out changes nothing.
        if logic::is_signed_out(e) && self.client.with_value(Option::is_some) {
            self.forget(&text);
        }
        text
    }

    async fn poll(self, generation: u32) {
        while self.generation.try_get_value() == Some(generation) {
            if !page_hidden() {
                self.refresh().await;
            }
            sleep(POLL_MS).await;
        }
    }

    /// Fetches the queue and the agent's rooms, and catches the open room up.
    pub async fn refresh(self) {
        let Some(client) = self.client() else { return };
        let me = self.me_id();
        let generation = self.generation.get_value();
        // Answers that arrive after a sign-out belong to a login that is gone.
        let current = move || self.generation.try_get_value() == Some(generation);
        let mut problem = None;

        let query = InquiriesQuery { count: Some(100), sort: Some(r#"{"ts":1}"#.into()), ..InquiriesQuery::default() };
        let answer = client.inquiries(&query).await;
        if !current() {
            return;
        }
        match answer {
            Ok(answer) => self.queue.set(Queue::Inquiries(answer.inquiries)),
            Err(e) if e.status() == Some(403) => self.queue.set(Queue::NotAllowed),
            Err(e) => problem = Some(e),
        }

        let query = RoomsQuery {
            agents: vec![me.clone()],
            open: Some(true),
            count: Some(100),
            sort: Some(r#"{"lm":-1}"#.into()),
            ..RoomsQuery::default()
        };
        let answer = client.rooms(&query).await;
        if !current() {
            return;
        }
        match answer {
            Ok(answer) => self.take_rooms(answer.rooms),
            Err(e) => problem = Some(e),
        }

        // Also once the room has left the list: its last messages say how it ended.
        if let Some(room) = self.selected.get_untracked()
            && let Err(e) = self.catch_up(&client, &room, current).await
        {
            problem = Some(e);
        }
        if !current() {
            return;
        }

        match problem {
            Some(e) => {
                let text = self.fail(Action::Load, &e);
                if self.phase.get_untracked() == Phase::SignedIn {
                    self.notice.set(Some(Notice { text, error: true }));
                }
            }
            // A load problem clears itself once loading works again.
            None => self.notice.update(|n| {
                if n.as_ref().is_some_and(|n| n.error && n.text.starts_with("Cannot reach")) {
                    *n = None;
                }
            }),
        }
    }

    /// Catches the open room up from history: every page back to the watermark, merged by `_id`
    /// only once all came (a failed catch-up is done again from the same watermark at the next
    /// poll, so nothing in between is skipped); messages shown before that the pages lack were
    /// deleted.
    async fn catch_up(self, client: &AgentClient, room: &Room, current: impl Fn() -> bool) -> Result<(), Error> {
        let same_room = move || self.selected.with_untracked(|r| r.as_ref().is_some_and(|r| r.id == room.id));
        let mut pages = logic::CatchUp::new(self.synced.get_value());
        // Only what was shown before asking can have been deleted: a reply stored while the
        // pages were on their way is not in them, and stays.
        let shown: Vec<Message> = self.conversation.with_untracked(|c| c.messages().to_vec());
        while let Some(end) = pages.next() {
            let query = HistoryQuery { limit: Some(POLL_PAGE), end, ..HistoryQuery::default() };
            let page = client.room_history(room, &query).await;
            if !current() || !same_room() {
                return Ok(());
            }
            pages.take(page?, POLL_PAGE);
        }
        let (got, synced) = pages.finish();
        let gone = logic::deleted_since(&shown, &got);
        if !gone.is_empty() {
            self.conversation.update(|c| {
                for id in &gone {
                    c.remove(id);
                }
            });
        }
        self.synced.update_value(|s| *s = synced.max(*s));
        self.take_history(&room.id, got);
        Ok(())
    }

    fn take_rooms(self, rooms: Vec<Room>) {
        for room in &rooms {
            if let Some(s) = &room.served_by {
                self.remember_agent(&s.id, &s.username);
            }
        }
        if let Some(open) = self.selected.get_untracked() {
            match rooms.iter().find(|r| r.id == open.id) {
                Some(fresh) if *fresh != open => self.selected.set(Some(fresh.clone())),
                Some(_) => {}
                None if self.room_state.get_untracked() == RoomState::Serving => self
                    .room_state
                    .set(RoomState::Ended("This conversation is no longer yours: it was closed or forwarded.".into())),
                None => {}
            }
        }
        self.rooms.set(rooms);
    }

    fn take_history(self, rid: &str, page: Vec<Message>) {
        if self.selected.with_untracked(|r| r.as_ref().map(|r| r.id.as_str()) != Some(rid)) {
            return;
        }
        for m in &page {
            if let Some(to) = m.transfer_data.as_ref().and_then(|d| d.transferred_to.as_ref()) {
                self.remember_agent(&to.id, &to.username);
            }
        }
        self.conversation.update(|c| {
            c.merge(page);
        });
        self.mark_seen(rid);
    }

    fn mark_seen(self, rid: &str) {
        let newest = self.conversation.with_untracked(|c| c.newest().map(|t| t.millis()));
        let last = self.rooms.with_untracked(|rooms| {
            rooms.iter().find(|r| r.id == rid).and_then(|r| r.last_message.as_ref().and_then(|m| m.ts).or(r.lm))
        });
        let Some(ms) = newest.into_iter().chain(last.map(|t| t.millis())).max() else { return };
        if self.seen.with_untracked(|s| s.get(rid).copied()) >= Some(ms) {
            return;
        }
        self.seen.update(|s| {
            s.insert(rid.to_owned(), ms);
        });
        self.seen.with_untracked(|seen| self.store.with_value(|s| s.set_seen(seen)));
    }

    fn remember_agent(self, id: &str, username: &str) {
        if id.is_empty() || username.is_empty() || self.known_agents.with_untracked(|k| k.iter().any(|(i, _)| i == id))
        {
            return;
        }
        self.known_agents.update(|k| k.push((id.to_owned(), username.to_owned())));
    }

    async fn load_departments(self) {
        // The public config lists the departments that have agents; the token names nobody.
        match VisitorClient::new(self.transport(), "agent-console").config(None).await {
            Ok(config) => self.departments.set(config.departments),
            Err(e) => self.notice.set(Some(Notice {
                text: format!("Departments could not be loaded: {}", logic::explain(Action::Load, &e)),
                error: true,
            })),
        }
    }

    /// Sets whether the agent takes Livechat conversations.
    pub async fn set_available(self, available: bool) {
        let Some(client) = self.client() else { return };
        let status = if available { "available" } else { "not-available" };
        match client.set_livechat_status(status).await {
            Ok(()) => {
                self.available.set(available);
                self.notice.set(None);
            }
            Err(e) => {
                let text = self.fail(Action::Availability, &e);
                self.notice.set(Some(Notice { text, error: true }));
            }
        }
    }

    /// Takes an inquiry from the queue and opens its room.
    pub async fn take(self, inquiry: Inquiry) -> Result<(), String> {
        let client = self.client().ok_or("Not signed in.")?;
        if let Err(e) = client.take_inquiry(&inquiry.id, None).await {
            let text = self.fail(Action::Take, &e);
            self.refresh().await;
            return Err(text);
        }
        self.queue.update(|q| {
            if let Queue::Inquiries(list) = q {
                list.retain(|i| i.id != inquiry.id);
            }
        });
        self.refresh().await;
        let room = self.rooms.with_untracked(|rooms| rooms.iter().find(|r| r.id == inquiry.rid).cloned());
        match room {
            Some(room) => {
                self.open(room).await;
                Ok(())
            }
            None => Err("The chat was taken, but it is not among your open rooms.".into()),
        }
    }

    /// Opens a room: its history (newest [`HISTORY_PAGE`] messages) and its visitor.
    pub async fn open(self, room: Room) {
        let Some(client) = self.client() else { return };
        self.close_view();
        self.selected.set(Some(room.clone()));
        let query = HistoryQuery { limit: Some(HISTORY_PAGE), ..HistoryQuery::default() };
        match client.room_history(&room, &query).await {
            Ok(page) => {
                self.history_complete.set((page.len() as u32) < HISTORY_PAGE);
                if self.selected.with_untracked(|r| r.as_ref().is_some_and(|r| r.id == room.id)) {
                    let newest = page.iter().filter_map(|m| m.ts).max();
                    self.synced.update_value(|s| *s = newest.max(*s));
                }
                self.take_history(&room.id, page);
            }
            Err(e) => {
                let text = self.fail(Action::Load, &e);
                self.notice.set(Some(Notice { text, error: true }));
            }
        }
        self.load_visitor(&room).await;
    }

    /// Loads a page of messages older than the oldest on screen.
    pub async fn load_older(self) {
        let (Some(client), Some(room)) = (self.client(), self.selected.get_untracked()) else { return };
        let end = self.conversation.with_untracked(Conversation::oldest);
        let query = HistoryQuery { limit: Some(HISTORY_PAGE), end, ..HistoryQuery::default() };
        match client.room_history(&room, &query).await {
            Ok(page) => {
                self.history_complete.set((page.len() as u32) < HISTORY_PAGE);
                self.take_history(&room.id, page);
            }
            Err(e) => {
                let text = self.fail(Action::Load, &e);
                self.notice.set(Some(Notice { text, error: true }));
            }
        }
    }

    async fn load_visitor(self, room: &Room) {
        let Some(token) = room.v.as_ref().map(|v| v.token.clone()).filter(|t| !t.is_empty()) else { return };
        if let Some(v) = self.visitors.with_value(|c| c.get(&token).cloned()) {
            self.visitor.set(Some(v));
            return;
        }
        // The room carries the visitor's token; its e-mail and department are on the visitor.
        if let Ok(v) = VisitorClient::new(self.transport(), &token).visitor().await {
            self.visitors.update_value(|c| {
                c.insert(token, v.clone());
            });
            if self.selected.with_untracked(|r| r.as_ref().is_some_and(|r| r.id == room.id)) {
                self.visitor.set(Some(v));
            }
        }
    }

    /// Leaves the open room (back to the lists).
    pub fn close_view(self) {
        self.selected.set(None);
        self.room_state.set(RoomState::Serving);
        self.conversation.set(Conversation::default());
        self.history_complete.set(false);
        self.synced.set_value(None);
        self.visitor.set(None);
    }

    /// Sends a reply in the open room. On failure nothing is lost: the caller keeps the text.
    pub async fn reply(self, text: String) -> Result<(), String> {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err("Write a message first.".into());
        }
        let client = self.client().ok_or("Not signed in.")?;
        let room = self.selected.get_untracked().ok_or("No conversation is open.")?;
        let id = livechat_client::storage::new_token();
        let sent = client.send_message(&room.id, &text, Some(&id)).await.map_err(|e| self.fail(Action::Reply, &e))?;
        self.show_sent(&room.id, sent);
        Ok(())
    }

    /// A message the agent sent in room `rid`, as the server answered it: in the conversation,
    /// and the room seen.
    fn show_sent(self, rid: &str, mut sent: Message) {
        if sent.rid.is_empty() {
            sent.rid = rid.to_owned();
        }
        self.conversation.update(|c| {
            c.upsert(sent);
        });
        self.mark_seen(rid);
    }

    /// Sends `file` in the open room (Rocket.Chat's `rooms.media` then `rooms.mediaConfirm`).
    pub async fn send_file(self, file: web_sys::File) -> Result<(), String> {
        let client = self.client().ok_or("Not signed in.")?;
        let room = self.selected.get_untracked().ok_or("No conversation is open.")?;
        let sent = client.send_file(&room.id, &file, None, None).await.map_err(|e| self.fail(Action::SendFile, &e))?;
        self.show_sent(&room.id, sent);
        Ok(())
    }

    /// Draws `m` into `target` as the widget does (`livechat_rich`: formatted text, emoji,
    /// images, players, file cards, quotes), its files readable with this agent's login. A
    /// shortcode fetches the emoji table (`../emoji.json`, beside the console in `dist/`) once;
    /// reading [`Console::emoji`] here, an effect that calls this draws again when it comes.
    pub fn draw(&self, target: &web_sys::Element, m: &Message) {
        use livechat_rich::{dom, view};
        let links = match self.client() {
            Some(c) => view::Links {
                server: c.transport().server_url().to_owned(),
                access: logic::file_access(c.user_id(), c.auth_token()),
            },
            None => view::Links { server: self.server.get_value(), access: String::new() },
        };
        let texts = view::Texts { spoiler: "Spoiler".into(), download: "Download".into() };
        let table = self.emoji.get();
        let lookup = |code: &str| table.as_ref().and_then(|t| js_sys::Reflect::get(t, &code.into()).ok()?.as_string());
        let nodes = view::message(m, &view::Context { links: &links, texts: &texts, emoji: &lookup });
        dom::prepare(target);
        target.set_text_content(None);
        dom::build(target, &nodes, "en");
        if table.is_none() && view::wants_emoji(m) && !self.emoji_asked.get_value() {
            self.emoji_asked.set_value(true);
            let emoji = self.emoji;
            Console::spawn(async move {
                let table = async {
                    let text = gloo_net::http::Request::get("../emoji.json").send().await.ok()?.text().await.ok()?;
                    js_sys::JSON::parse(&text).ok().filter(|t| t.is_object())
                }
                .await;
                if table.is_some() {
                    let _ = emoji.try_set(table);
                }
            });
        }
    }

    /// Forwards the open room to a department or an agent.
    pub async fn forward(self, target: Target, comment: String) -> Result<(), String> {
        let client = self.client().ok_or("Not signed in.")?;
        let room = self.selected.get_untracked().ok_or("No conversation is open.")?;
        let comment = Some(comment.trim().to_owned()).filter(|c| !c.is_empty());
        let (to, forward) = match target {
            Target::Department(id) => {
                let name = self.departments.with_untracked(|d| d.iter().find(|d| d.id == id).map(|d| d.name.clone()));
                let to = format!("the {} department", name.as_deref().unwrap_or(&id));
                (to, ForwardRoom { room_id: room.id.clone(), department_id: Some(id), comment, user_id: None })
            }
            Target::Agent(id) => {
                let name =
                    self.known_agents.with_untracked(|k| k.iter().find(|(i, _)| *i == id).map(|(_, u)| u.clone()));
                let to = name.unwrap_or_else(|| id.clone());
                (to, ForwardRoom { room_id: room.id.clone(), user_id: Some(id), comment, department_id: None })
            }
        };
        client.forward(&forward).await.map_err(|e| self.fail(Action::Forward, &e))?;
        self.leave(&room.id, format!("Forwarded {} to {to}.", logic::room_title(&room)));
        Ok(())
    }

    /// Closes the open room with a comment.
    pub async fn close(self, comment: String) -> Result<(), String> {
        let client = self.client().ok_or("Not signed in.")?;
        let room = self.selected.get_untracked().ok_or("No conversation is open.")?;
        let comment = comment.trim().to_owned();
        let comment = (!comment.is_empty()).then_some(comment.as_str());
        client.close_room(&room.id, comment).await.map_err(|e| self.fail(Action::Close, &e))?;
        self.leave(&room.id, format!("Closed the conversation with {}.", logic::room_title(&room)));
        Ok(())
    }

    fn leave(self, rid: &str, done: String) {
        self.rooms.update(|rooms| rooms.retain(|r| r.id != rid));
        self.close_view();
        self.notice.set(Some(Notice { text: done, error: false }));
        Console::spawn(self.refresh());
    }

    /// Unread markers: rooms whose newest message came from someone else after the agent looked.
    pub fn is_unread(&self, room: &Room) -> bool {
        let me = self.me.with(|m| m.as_ref().map(|m| m.id.clone()).unwrap_or_default());
        let seen = self.seen.with(|s| s.get(&room.id).copied());
        let open = self.selected.with(|s| s.as_ref().is_some_and(|s| s.id == room.id));
        !open && logic::is_unread(room, &me, seen)
    }
}

fn page_hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden())
}

/// Waits `ms` milliseconds (the browser's timer).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
