//! [`HistoryWalk`]: catching a room up from history page by page, as the visitor's session and
//! the agent console both do. History answers newest first, at most a page at a time, so asking
//! only for the newest page loses whatever else came since the last look (a burst of more than
//! a page). The walk goes back — each page's `end` is the oldest time seen, its millisecond
//! included (`end` is exclusive: messages sharing it are not skipped, the overlap merges away
//! by `_id`) — until a page reaches the watermark (the newest time a complete catch-up got), a
//! page comes back short (the room's start), or no page gets further back. Without a watermark
//! the newest page is enough. Pure: the caller fetches each page.

use livechat_wire::Timestamp;
use livechat_wire::message::Message;

/// One walk back through a room's history.
#[derive(Debug, Clone, Default)]
pub struct HistoryWalk {
    since: Option<Timestamp>,
    end: Option<Timestamp>,
    got: Vec<Message>,
    first_full: Option<bool>,
    done: bool,
}

impl HistoryWalk {
    /// A walk back to `since` (the watermark; `None`: the newest page only).
    pub fn new(since: Option<Timestamp>) -> HistoryWalk {
        HistoryWalk { since, ..HistoryWalk::default() }
    }

    /// The `end` of the next page to ask for (`None`: the newest), or `None` when done.
    pub fn next(&self) -> Option<Option<Timestamp>> {
        (!self.done).then_some(self.end)
    }

    /// Takes the page asked for with `limit`.
    pub fn take(&mut self, page: Vec<Message>, limit: u32) {
        let full = page.len() as u32 >= limit;
        self.first_full.get_or_insert(full);
        let oldest = page.iter().filter_map(|m| m.ts).min();
        let reached = self.since.is_none_or(|s| oldest.is_some_and(|t| t <= s));
        let next = oldest.map(|t| Timestamp(t.millis() + 1));
        self.got.extend(page);
        if reached || !full || next.is_none() || next == self.end {
            self.done = true;
        } else {
            self.end = next;
        }
    }

    /// The watermark it walks back to.
    pub fn since(&self) -> Option<Timestamp> {
        self.since
    }

    /// Whether the first page came back short: the room has nothing older.
    pub fn first_page_short(&self) -> bool {
        self.first_full == Some(false)
    }

    /// The messages so far, every page's.
    pub fn messages(&self) -> &[Message] {
        &self.got
    }

    /// Every message the pages held (to merge by `_id`, and to find deletions), and the
    /// watermark for the next walk: the newest time seen, never earlier than this one's.
    pub fn finish(self) -> (Vec<Message>, Option<Timestamp>) {
        let newest = self.got.iter().filter_map(|m| m.ts).max();
        let synced = newest.max(self.since);
        (self.got, synced)
    }
}
