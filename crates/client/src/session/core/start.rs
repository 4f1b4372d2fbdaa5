//! The start and its screens, the forms and the visitor, and the room's life: made, served,
//! closed, rated, started over.

use livechat_wire::agent::Agent;
use livechat_wire::config::Config;
use livechat_wire::error::code;
use livechat_wire::message::Message;
use livechat_wire::room::Room;
use livechat_wire::visitor::{CustomField, NewVisitor, Visitor};

use super::*;

impl Core {
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
    pub fn configured(
        &mut self,
        g: &Guard,
        config: Config,
        stored: Vec<crate::storage::Pending>,
    ) -> Option<(Screen, bool)> {
        if !self.current(g) {
            return None;
        }
        self.starting = false;
        self.start_retry.failures = 0;
        self.set_banner(None);
        put(&mut self.changed, Area::Visitor, &mut self.view.visitor, config.guest.clone());
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

    /// The start shows its screen (after the catch-up, when there was one) and follows the open
    /// room; the caller then sends the outbox.
    pub fn started(&mut self, g: &Guard, screen: Screen) {
        if self.current(g) {
            if screen == Screen::Chat
                && let Some(rid) = self.room_id()
            {
                let rid = rid.to_owned();
                self.effect(Effect::Follow(Some(rid)));
            }
            self.set_screen(screen);
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
        // Failures count afresh; a retry already waiting stays scheduled: its time serves the new
        // visitor (a second timer beside it would retry twice as often from then on).
        self.start_retry.failures = 0;
        self.catch_up_retry.failures = 0;
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
        self.proactive_agent = None;
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
    pub(super) fn chat_ended(&mut self) {
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

    /// The answer to sending the survey (skipping it is [`Core::skip_survey`]).
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
        self.proactive_agent = None;
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
}
