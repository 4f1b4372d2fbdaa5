//! The catch-up from history, on every (re)connect and poll: everything newer than the
//! watermark (the newest message a successful catch-up saw), page by page until it is reached
//! (just the newest page the first time), merged by `_id`; messages deleted meanwhile within
//! the span fetched go. Nothing is merged unless every page came, so a later catch-up never
//! leaves a gap; only a successful catch-up moves the watermark (and live news while the link
//! stays live after one). A catch-up that gets no answer, a 429 or a 5xx is retried with
//! backoff (after `Retry-After` on a 429).

use livechat_wire::Timestamp;
use livechat_wire::message::{HistoryQuery, Message};

use super::{Banner, Core, Effect, Guard, PAGE, Retry, transient};
use crate::api::Error;
use crate::realtime::Status;
use crate::session::history::HistoryWalk;

/// One catch-up under way: the walk back through the room's history (see
/// [`HistoryWalk`](crate::session::history::HistoryWalk)) and what to compare it with.
#[derive(Debug)]
pub struct CatchUp {
    guard: Guard,
    rid: String,
    walk: HistoryWalk,
    /// The newest message shown when it began: anything up to it the server no longer has was
    /// deleted.
    shown: Option<Timestamp>,
    /// Tell other tabs when it brought news.
    tell: bool,
}

impl CatchUp {
    pub fn guard(&self) -> &Guard {
        &self.guard
    }

    pub fn room(&self) -> &str {
        &self.rid
    }

    /// The next page to ask for.
    pub fn query(&self) -> HistoryQuery {
        HistoryQuery { end: self.walk.next().flatten(), limit: Some(PAGE), ..HistoryQuery::default() }
    }

    /// Takes a page (newest first, as the server answers); answers whether to fetch the one
    /// before it.
    pub fn page(&mut self, page: Vec<Message>) -> bool {
        self.walk.take(page, PAGE);
        self.walk.next().is_some()
    }
}

impl Core {
    /// A catch-up of the open room (none without one); `tell` other tabs when it brings news.
    pub fn begin_catch_up(&self, tell: bool) -> Option<CatchUp> {
        let (guard, rid) = self.room_guard()?;
        Some(CatchUp {
            guard,
            rid,
            // Nothing caught up yet, but messages shown with their times (the visitor's, answered
            // meanwhile): back to the oldest of them, so none is left with a gap before it.
            walk: HistoryWalk::new(self.synced.or(self.view.conversation.oldest())),
            shown: self.view.conversation.newest(),
            tell,
        })
    }

    /// Every page of `c` came: merge them and move the watermark.
    pub fn caught_up(&mut self, c: CatchUp) {
        if !self.current(&c.guard) {
            return;
        }
        let before = self.view.conversation.newest();
        let whole_room = c.walk.since().is_none() && c.walk.first_page_short();
        let (got, _) = c.walk.finish();
        let newest = got.iter().filter_map(|m| m.ts).max();
        self.catch_up_retry.failures = 0;
        if let Some(newest) = newest {
            self.synced = Some(self.synced.map_or(newest, |s| s.max(newest)));
        }
        self.caught_up = self.view.link == Status::Live;
        if self.view.banner == Some(Banner::ConnectionLost) {
            self.set_banner(None);
        }
        if whole_room {
            self.set_history_complete(true);
        }
        if self.view.conversation.messages().iter().any(|m| m.ts.is_some()) {
            let (got, shown) = (&got, c.shown);
            if self.edit_conversation(|conv| conv.drop_missing(got, shown) > 0) {
                self.recount();
            }
        }
        self.take_in(got);
        if c.tell && self.view.conversation.newest() != before {
            self.effect(Effect::Tell("m".to_owned()));
        }
    }

    /// A page of `c` could not be had: shown in the banner and, when worth it (no answer, a
    /// 429, a 5xx), tried again with backoff up to 8 s (after `Retry-After` on a 429, when
    /// polling slows down too).
    pub fn catch_up_failed(&mut self, c: &CatchUp, e: &Error, random: f64) {
        if !self.current(&c.guard) {
            return;
        }
        self.fail(e);
        if !transient(e) {
            return;
        }
        if let Some((_, wait)) = self.schedule_retry(Retry::CatchUp, e, 4, random)
            && matches!(e, Error::RateLimited { .. })
        {
            self.effect(Effect::PollLater(wait));
        }
    }

    /// The page before the oldest message shown: its stamp, room and query.
    pub fn older(&self) -> Option<(Guard, String, HistoryQuery)> {
        let (g, rid) = self.room_guard()?;
        let query = HistoryQuery { end: self.view.conversation.oldest(), limit: Some(PAGE), ..HistoryQuery::default() };
        Some((g, rid, query))
    }

    /// The answer to [`Core::older`].
    pub fn older_page(&mut self, g: &Guard, page: Result<Vec<Message>, Error>) {
        if !self.current(g) {
            return;
        }
        match page {
            Ok(page) => {
                if (page.len() as u32) < PAGE {
                    self.set_history_complete(true);
                }
                self.take_in(page);
            }
            Err(e) => self.fail(&e),
        }
    }
}
