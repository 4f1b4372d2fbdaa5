//! The outbox: the visitor's messages from the moment they are written until the server has
//! them. Each gets its `_id` here (so the server never stores it twice), is shown at once as
//! sending, and is kept in storage until the server's copy is seen — in the answer to its send,
//! live, or in history. Messages go oldest first, one at a time (so the server stores them in
//! order, and only the first makes the room). A failure to reach the server stops the round and
//! schedules another with backoff (after `Retry-After` on a 429); a refusal marks the message
//! failed and skips it until the visitor retries it.

use livechat_wire::Timestamp;
use livechat_wire::error::code;
use livechat_wire::message::Message;

use super::{Area, Core, Delivery, Effect, FAILED_AFTER, Guard, Screen, transient, wait_after};
use crate::api::Error;
use crate::keyed::Keyed;
use crate::storage::Pending;

/// The visitor's unconfirmed messages, in send order, and how their delivery goes.
#[derive(Debug, Default)]
pub(super) struct Outbox {
    queue: Vec<Message>,
    /// Failed attempts by `_id`.
    failures: Keyed<u32>,
    /// Refused by the server: not resent automatically.
    refused: Vec<String>,
    /// Being sent now.
    in_flight: Vec<String>,
    /// Being sent now, and the server's copy already seen (live or in history): whatever the
    /// answer, the server has it.
    heard: Vec<String>,
}

impl Outbox {
    pub(super) fn ids(&self) -> Vec<String> {
        self.queue.iter().map(|m| m.id.clone()).collect()
    }

    /// The server's copy of `id` was seen while it is on its way.
    pub(super) fn heard(&mut self, id: &str) {
        if !self.heard.iter().any(|h| h == id) {
            self.heard.push(id.to_owned());
        }
    }

    pub(super) fn in_flight(&self, id: &str) -> bool {
        self.in_flight.iter().any(|f| f == id)
    }

    fn waiting(&self, id: &str) -> bool {
        self.queue.iter().any(|m| m.id == id)
    }
}

/// What a delivery attempt means for the rest of the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Go on with the next message.
    Go,
    /// Stop this round: the server cannot be reached (a resend is scheduled), nobody is online,
    /// or the work is stale.
    Stop,
}

impl Core {
    /// The visitor's message as shown while it waits for the server.
    fn pending_message(&self, id: String, rid: String, msg: String) -> Message {
        let u = self.view.visitor.as_ref().map(|v| livechat_wire::UserRef {
            id: v.id.clone(),
            username: v.username.clone(),
            name: v.name.clone(),
        });
        Message { id, rid, msg, u, token: Some(self.token.clone()), ..Message::default() }
    }

    fn mark(&mut self, id: String, delivery: Delivery) {
        if self.view.deliveries.get(&id) != Some(&delivery) {
            self.view.deliveries.insert(id, delivery);
            self.touch(Area::Deliveries);
        }
    }

    /// The visitor wrote `text`; `id` is its new `_id`. Answers false for a blank message.
    pub fn compose(&mut self, id: String, text: &str) -> bool {
        let text = text.trim();
        if text.is_empty() {
            return false;
        }
        // Before the first message there is no room: it is made when the message goes out.
        let rid = self.room_id().unwrap_or_default().to_owned();
        let pending = self.pending_message(id.clone(), rid, text.to_owned());
        self.upsert(pending.clone());
        self.mark(id.clone(), Delivery::Sending);
        self.effect(Effect::StoreOutbox { id, message: Some(pending.clone()) });
        self.outbox.queue.push(pending);
        true
    }

    /// Takes in what the outbox in storage holds from an earlier page (a reload, another tab):
    /// the open room's messages and those written before any room, shown as sending. Messages of
    /// rooms that are gone are dropped: the server would refuse them.
    pub fn load_outbox(&mut self, stored: Vec<Pending>) {
        let rid = self.room_id().unwrap_or_default().to_owned();
        for p in stored {
            let m = self.pending_message(p.id, p.rid, p.msg);
            if m.rid.is_empty() || m.rid == rid {
                if self.outbox.waiting(&m.id) {
                    continue;
                }
                self.upsert(m.clone());
                self.mark(m.id.clone(), Delivery::Sending);
                self.outbox.queue.push(m);
            } else {
                self.effect(Effect::StoreOutbox { id: m.id, message: None });
            }
        }
    }

    /// The message to send next (now in flight): the oldest not in flight and not refused.
    pub fn next_to_send(&mut self) -> Option<Message> {
        let o = &self.outbox;
        let m = o.queue.iter().find(|m| !o.in_flight(&m.id) && !o.refused.contains(&m.id)).cloned()?;
        self.outbox.in_flight.push(m.id.clone());
        Some(m)
    }

    /// The room `rid` was made: every message written before it existed moves into it.
    pub fn attach_room(&mut self, g: &Guard, rid: &str) {
        if !self.current(g) {
            return;
        }
        // Storage moves an entry it writes to its end: every message from the first without a
        // room on is written again, in send order, so that a reload sends them in that order.
        let first = self.outbox.queue.iter().position(|m| m.rid.is_empty()).unwrap_or(self.outbox.queue.len());
        for i in first..self.outbox.queue.len() {
            let q = &mut self.outbox.queue[i];
            let orphan = q.rid.is_empty();
            if orphan {
                q.rid = rid.to_owned();
            }
            let m = q.clone();
            self.effect(Effect::StoreOutbox { id: m.id.clone(), message: Some(m.clone()) });
            if orphan {
                self.upsert(m);
            }
        }
    }

    /// Forgets `id` from the outbox: confirmed, or no longer sendable.
    pub(super) fn settle(&mut self, id: &str) {
        let o = &mut self.outbox;
        o.queue.retain(|m| m.id != id);
        o.failures.remove(id);
        o.refused.retain(|r| r != id);
        self.effect(Effect::StoreOutbox { id: id.to_owned(), message: None });
        if self.view.deliveries.remove(id).is_some() {
            self.touch(Area::Deliveries);
        }
    }

    /// Forgets the message `id`: out of the outbox and the conversation.
    fn discard_now(&mut self, id: &str) {
        self.settle(id);
        self.edit_conversation(|c| c.remove(id));
    }

    /// The answer to sending the message `id` to room `rid` (empty when the room could not be
    /// made). `random` spreads the backoff.
    pub fn sent(&mut self, g: &Guard, id: &str, rid: &str, result: Result<Message, Error>, random: f64) -> Next {
        if !self.current(g) {
            // Another visitor now: their outbox is not this round's.
            return Next::Stop;
        }
        self.outbox.in_flight.retain(|f| f != id);
        let heard = self.outbox.heard.iter().any(|h| h == id);
        self.outbox.heard.retain(|h| h != id);
        if heard && result.is_err() {
            // The answer was lost, but the server's copy came meanwhile: it has the message.
            self.settle(id);
            return Next::Go;
        }
        match result {
            Ok(stored) => {
                self.set_banner(None);
                // Settled while it went out (deleted meanwhile): the answer is stale.
                let waiting = self.outbox.waiting(id);
                self.settle(id);
                self.effect(Effect::Tell("m".to_owned()));
                if waiting {
                    self.behind_history(stored.ts);
                    self.upsert(stored);
                }
                Next::Go
            }
            Err(e) if e.is(code::NO_AGENT_ONLINE) => {
                // Nobody to talk to: the offline form takes over; messages without a room go.
                let orphans: Vec<String> =
                    self.outbox.queue.iter().filter(|m| m.rid.is_empty()).map(|m| m.id.clone()).collect();
                for m in orphans {
                    self.discard_now(&m);
                }
                self.discard_now(id);
                self.acted();
                self.set_screen(Screen::Offline);
                Next::Stop
            }
            Err(e) if e.is(code::ROOM_CLOSED) => {
                self.discard_now(id);
                if self.room_id() == Some(rid) {
                    self.acted();
                    self.chat_ended();
                }
                Next::Go
            }
            Err(e) => {
                self.fail(&e);
                // No answer, too many requests, or the server failing: worth another try later.
                let transient = transient(&e);
                let o = &mut self.outbox;
                let failures = {
                    let n = o.failures.get_or_insert(id.to_owned(), 0);
                    *n += 1;
                    *n
                };
                if !transient && !o.refused.iter().any(|r| r == id) {
                    o.refused.push(id.to_owned());
                }
                let delivery =
                    if !transient || failures >= FAILED_AFTER { Delivery::Failed } else { Delivery::Sending };
                if self.outbox.waiting(id) {
                    self.mark(id.to_owned(), delivery);
                } else {
                    // Settled while it went out (deleted meanwhile): nothing of it is kept.
                    self.settle(id);
                }
                if !transient {
                    return Next::Go;
                }
                let wait = match e {
                    Error::RateLimited { retry_after: Some(_), .. } => wait_after(&e, failures, random),
                    _ => crate::realtime::protocol::backoff(failures, random),
                };
                self.effect(Effect::FlushIn(wait));
                Next::Stop
            }
        }
    }

    /// The server answered a send with a copy it stored earlier (the first answer was lost and
    /// the page reloaded since) whose time `ts` lies before everything shown: the history
    /// between the two was never loaded. The watermark goes back to it and a catch-up walks
    /// back that far, so no gap stays below the newest page.
    fn behind_history(&mut self, ts: Option<Timestamp>) {
        let Some(ts) = ts else { return };
        if self.view.history_complete || self.view.conversation.oldest().is_none_or(|oldest| ts >= oldest) {
            return;
        }
        self.synced = Some(self.synced.map_or(ts, |s| s.min(ts)));
        self.effect(Effect::CatchUp { tell: false });
    }

    /// The visitor retries a failed message (same `_id`): answers whether to flush now (it is
    /// waiting and not on its way).
    pub fn retry(&mut self, id: &str) -> bool {
        if !self.outbox.waiting(id) || self.outbox.in_flight(id) {
            return false;
        }
        self.outbox.refused.retain(|r| r != id);
        self.outbox.failures.remove(id);
        self.mark(id.to_owned(), Delivery::Sending);
        true
    }

    /// The visitor gives up a message that was not sent: it leaves the outbox and the
    /// conversation (not while it is on its way, nor once the server has it).
    pub fn discard(&mut self, id: &str) {
        if self.outbox.waiting(id) && !self.outbox.in_flight(id) {
            self.discard_now(id);
        }
    }

    /// Messages waiting for the server, in send order (for tests, and a caller driving the core).
    pub fn unconfirmed(&self) -> impl Iterator<Item = &Message> {
        self.outbox.queue.iter()
    }
}
