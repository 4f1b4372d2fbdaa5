//! News: the realtime link's events, messages taken in from history or live, the visitor's
//! other tabs, the window's open state, unread and the read mark.

use livechat_wire::Timestamp;
use livechat_wire::UserRef;
use livechat_wire::ddp::LivechatRoomEvent;
use livechat_wire::message::{Message, types};

use crate::session::conversation;

use super::*;

impl Core {
    // ---- Realtime ----

    /// What the realtime link reports: news of the open room is taken in (messages, deletions,
    /// typing, agent and queue changes); `Live`, `Refused` and `Poll` ask for a catch-up (a
    /// poll tells the other tabs what it found), `Online` for a flush.
    pub fn on_realtime(&mut self, event: Event) {
        match event {
            Event::Status(status) => {
                if status != Status::Live {
                    self.set_typing(Vec::new());
                    self.caught_up = false;
                }
                put(&mut self.changed, Area::Link, &mut self.view.link, status);
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
        self.view
            .agent
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

    // ---- Proactive messages ----

    /// A trigger's message, shown as from `sender` (its `_id` empty for a name only, or the
    /// agent `livechat/agent.next` answered, who then becomes the chat's agent and is asked for
    /// when the room is made). The widget's own: never sent, kept through catch-ups
    /// ([`conversation::PROACTIVE`]). `now`: ms since the epoch.
    pub fn proactive(&mut self, trigger: &str, msg: String, sender: UserRef, agent: Option<Agent>, now: i64) {
        let id = [conversation::PROACTIVE, trigger, ":", &now.to_string()].concat();
        if self.view.room.is_none()
            && let Some(agent) = agent
        {
            self.proactive_agent = Some(agent.id.clone());
            self.set_agent(Some(agent));
        }
        let m = Message { id, msg, ts: Some(Timestamp(now)), u: Some(sender), ..Message::default() };
        self.take_in(vec![m]);
    }

    /// The agent a proactive message came from, for the room about to be made.
    pub fn proactive_agent(&self) -> Option<&str> {
        self.proactive_agent.as_deref()
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
        put(&mut self.changed, Area::Open, &mut self.view.open, open);
    }

    pub(super) fn set_unread(&mut self, n: u32) {
        put(&mut self.changed, Area::Unread, &mut self.view.unread, n);
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
    pub(super) fn mark_read(&mut self, tell: bool) {
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
    pub(super) fn recount(&mut self) {
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
            .filter(|m| {
                m.t.is_none() && m.u.as_ref().map(|u| &u.id) != me && m.ts.is_some_and(|t| t.millis() > read_at)
            })
            .count() as u32;
        self.set_unread(n);
    }
}
