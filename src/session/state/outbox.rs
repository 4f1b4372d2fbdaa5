//! Sending: the visitor's message into the core's outbox, the one flush loop that delivers
//! it (making the visitor and the room first when needed), timed resends, retry and discard.
//! Which message goes next and what an answer means is the core's (`core::outbox`).

use super::*;

impl Session {
    /// The open room, created on the first message as Rocket.Chat's widget does (registering
    /// the visitor with what the site supplied first, when needed). Answers its id.
    pub(crate) async fn ensure_room(&self) -> Result<String, Error> {
        if let Some(rid) = self.peek(|c| c.room_id().map(str::to_owned)) {
            return Ok(rid);
        }
        let g = self.peek(Core::guard);
        if self.visitor.with_untracked(Option::is_none) {
            let details = self.peek(Core::site_registration);
            let visitor = self.client().register(details).await?;
            if self.update(|c| c.registered(&g, visitor)) != Some(true) {
                return Err(stale());
            }
        }
        // The agent a proactive message came from, when there is one.
        let answer = match self.peek(|c| c.proactive_agent().map(str::to_owned)) {
            Some(agent) => self.client().room_with_agent(&agent).await?,
            None => self.client().room(None).await?,
        };
        self.update(|c| c.room_made(&g, answer.room, answer.new_room)).flatten().ok_or_else(stale)
    }

    /// Sends a message: shown at once as sending, kept in the outbox (in storage) until the
    /// server confirms it, and resent with the same `_id` after a failure, a reconnect or a
    /// reload — the `_id` is chosen here, so the server never stores it twice. Returns once this
    /// message (and what was written before it) is confirmed, refused, or waiting for a resend —
    /// or at once when an earlier message is on its way: that send takes this one along after it.
    pub async fn send(self, text: String) {
        self.interacted();
        if text.trim().is_empty() {
            return;
        }
        if let Some(rt) = self.realtime() {
            rt.typing_done();
        }
        let id = crate::storage::new_token();
        self.trigger("wrote", wasm_bindgen::JsValue::UNDEFINED);
        if self.update(|c| c.compose(id, &text)) == Some(true) {
            self.flush().await;
        }
    }

    /// Sends what waits in the outbox, oldest first, one at a time (the core picks which). One
    /// loop runs at a time and picks up what is added meanwhile: a call while it runs waits for
    /// it to end.
    pub(super) fn flush(self) -> Task<()> {
        Box::pin(self.flush_now())
    }

    pub(super) async fn flush_now(self) {
        let Some(io) = self.io.try_get_value() else { return };
        if io.flushing.replace(true) {
            let mut resolve = None;
            let done = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
            if let Some(resolve) = resolve {
                io.waiters.borrow_mut().push(resolve);
            }
            let _ = wasm_bindgen_futures::JsFuture::from(done).await;
            return;
        }
        let g = self.peek(Core::guard);
        while let Some(m) = self.update(Core::next_to_send).flatten() {
            let next = self.deliver(&g, m).await;
            if !self.current(&g) {
                // Another visitor now: their outbox is not this loop's (switching visitors let
                // the loop go and resolved its waiters).
                return;
            }
            if next == Next::Stop {
                break;
            }
        }
        io.flushing.set(false);
        for resolve in io.waiters.take() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    }

    /// One attempt to deliver `message` (making the room first when it has none).
    pub(super) async fn deliver(&self, g: &Guard, message: Message) -> Next {
        let Message { id, rid, msg, .. } = message;
        let rid = if rid.is_empty() { self.attach_room(g).await } else { Ok(rid) };
        let (rid, result) = match rid {
            Ok(rid) => {
                let sent = self.client().send_message(&rid, &msg, Some(&id)).await;
                (rid, sent)
            }
            Err(e) => (String::new(), Err(e)),
        };
        self.update(|c| c.sent(g, &id, &rid, result, random())).unwrap_or(Next::Stop)
    }

    /// Makes the room, and moves every message written before it existed into it. Boxed: only
    /// the first message takes this way.
    pub(super) fn attach_room(&self, g: &Guard) -> Task<Result<String, Error>> {
        let (session, g) = (*self, g.clone());
        Box::pin(async move {
            let rid = session.ensure_room().await?;
            session.update(|c| c.attach_room(&g, &rid));
            Ok(rid)
        })
    }

    /// Flushes the outbox again after `ms` (once, however many ask).
    pub(super) fn schedule_flush(&self, ms: f64) {
        if self.io().flush_scheduled.replace(true) {
            return;
        }
        later(*self, ms, |session| {
            // The session may be gone (its owner disposed) by then.
            if let Some(io) = session.io.try_get_value() {
                io.flush_scheduled.set(false);
                spawn_task(session.flush());
            }
        });
    }

    /// Tries a failed message again now, with the same `_id`; what was written before it goes
    /// first.
    pub async fn retry(self, id: String) {
        if self.update(|c| c.retry(&id)) == Some(true) {
            self.flush().await;
        }
    }

    /// Gives up a message that was not sent: it leaves the outbox and the conversation.
    pub fn discard(&self, id: &str) {
        self.update(|c| c.discard(id));
    }
}
