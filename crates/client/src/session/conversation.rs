//! The visitor's conversation as data: messages kept once each (by `_id`), in order, and the
//! view model the message list renders (date separators, groups of consecutive messages,
//! system notices). Pure logic: no browser, no signals.

use livechat_wire::Timestamp;
use livechat_wire::message::{Message, types};

/// How the `_id` of a message the widget made itself begins (a trigger's proactive message):
/// the server never has it, so a catch-up keeps it.
pub const PROACTIVE: &str = "proactive:";

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A message not seen before.
    Inserted,
    /// A known message whose content changed (an edit, or the server's copy of a pending one).
    Updated,
    /// A known message, identical.
    Unchanged,
}

/// Messages ordered by time, each `_id` once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conversation {
    messages: Vec<Message>,
}

/// Order: timestamp, then id (messages without a timestamp yet sort last).
fn key(m: &Message) -> (i64, &str) {
    (m.ts.map_or(i64::MAX, Timestamp::millis), m.id.as_str())
}

impl Conversation {
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// Adds or replaces the message with `m`'s `_id`, keeping the order. A copy older than the
    /// one kept (by `_updatedAt`: a history page fetched before a live edit arrived) changes
    /// nothing.
    pub fn upsert(&mut self, m: Message) -> Change {
        if let Some(i) = self.messages.iter().position(|x| x.id == m.id) {
            let kept = &self.messages[i];
            if *kept == m || matches!((kept.updated_at, m.updated_at), (Some(a), Some(b)) if a > b) {
                return Change::Unchanged;
            }
            self.messages.remove(i);
            self.insert_sorted(m);
            return Change::Updated;
        }
        self.insert_sorted(m);
        Change::Inserted
    }

    fn insert_sorted(&mut self, m: Message) {
        let at = self.messages.partition_point(|x| key(x) <= key(&m));
        self.messages.insert(at, m);
    }

    /// Removes the message `id`; false if it was not there.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.messages.len();
        self.messages.retain(|m| m.id != id);
        self.messages.len() != before
    }

    /// Merges a page of history (any order). Returns how many messages were new.
    pub fn merge(&mut self, page: impl IntoIterator<Item = Message>) -> usize {
        page.into_iter().filter(|m| self.upsert(m.clone()) == Change::Inserted).count()
    }

    /// The oldest message's timestamp: where the next page of older history ends.
    pub fn oldest(&self) -> Option<Timestamp> {
        self.messages.first().and_then(|m| m.ts)
    }

    /// The newest message's timestamp.
    pub fn newest(&self) -> Option<Timestamp> {
        self.messages.iter().rev().find_map(|m| m.ts)
    }

    pub fn clear(&mut self) {
        self.messages.clear();
    }

    /// After catching up from history: `page` is everything the server holds from its oldest
    /// message's time up to now, asked for when the newest message shown was `shown`. Visitor
    /// and agent messages kept here from the page's oldest time up to the later of its newest
    /// and `shown` that the page lacks were deleted meanwhile (the newest ones too), and are
    /// removed (messages still pending — no time yet —, system messages and the widget's own
    /// [`PROACTIVE`] ones stay). Returns how
    /// many were removed.
    pub fn drop_missing(&mut self, page: &[Message], shown: Option<Timestamp>) -> usize {
        let times = page.iter().filter_map(|m| m.ts);
        let (Some(from), Some(to)) = (times.clone().min(), times.max()) else { return 0 };
        let to = shown.map_or(to, |shown| shown.max(to));
        let before = self.messages.len();
        self.messages.retain(|m| {
            m.t.is_some()
                || m.id.starts_with(PROACTIVE)
                || m.ts.is_none_or(|t| t < from || t > to)
                || page.iter().any(|p| p.id == m.id)
        });
        before - self.messages.len()
    }
}

/// One line of the rendered message list.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'a> {
    /// A new local day starts: days since the Unix epoch, in the visitor's time zone.
    Day(i64),
    /// A message from the visitor or an agent.
    Message {
        message: &'a Message,
        /// Sent by this visitor.
        mine: bool,
        /// First of a run of consecutive messages from the same sender (shows name and avatar).
        first_in_group: bool,
        /// Last of such a run (shows the time).
        last_in_group: bool,
    },
    /// A system notice.
    Notice { message: &'a Message, kind: Notice },
}

/// The system messages the widget shows, by meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    ChatStarted,
    AgentJoined,
    AgentLeft,
    Transferred,
    Closed,
    /// Any other system type (shown with the server's text, if it has one).
    Other(String),
}

/// Messages from one sender within this many milliseconds group together.
const GROUP_WINDOW_MS: i64 = 5 * 60 * 1000;

fn notice(t: &str) -> Option<Notice> {
    Some(match t {
        types::LIVECHAT_STARTED => Notice::ChatStarted,
        types::USER_JOINED => Notice::AgentJoined,
        types::USER_LEFT => Notice::AgentLeft,
        types::TRANSFER_HISTORY | "livechat_transfer_history_fallback" => Notice::Transferred,
        types::LIVECHAT_CLOSE => Notice::Closed,
        // Navigation history and commands are for agents, not visitors.
        types::NAVIGATION_HISTORY | types::COMMAND => return None,
        other => Notice::Other(other.to_owned()),
    })
}

/// Local day number of `ts` for a time zone `offset_minutes` east of UTC.
pub fn local_day(ts: Timestamp, offset_minutes: i32) -> i64 {
    (ts.millis() + i64::from(offset_minutes) * 60_000).div_euclid(86_400_000)
}

/// The message list to render. `visitor_id` identifies the visitor's own messages;
/// `offset_minutes` is the visitor's time zone (east of UTC); `hidden` lists system types
/// the site hides.
pub fn items<'a>(
    conversation: &'a Conversation,
    visitor_id: &str,
    offset_minutes: i32,
    hidden: &[String],
) -> Vec<Item<'a>> {
    let mut out = Vec::with_capacity(conversation.len() + 4);
    let mut day = None;
    let mut previous: Option<&Message> = None;
    let visible: Vec<&Message> = conversation
        .messages()
        .iter()
        .filter(|m| m.t.as_deref().is_none_or(|t| !hidden.iter().any(|h| h == t)))
        .collect();
    for (i, m) in visible.iter().enumerate() {
        if let Some(ts) = m.ts {
            let d = local_day(ts, offset_minutes);
            if day != Some(d) {
                out.push(Item::Day(d));
                day = Some(d);
                previous = None;
            }
        }
        match m.t.as_deref() {
            Some(t) => {
                // Another system type is shown by the server's text: without one (a transcript
                // request's `livechat_transcript_history`) there is nothing to show.
                if let Some(kind) = notice(t).filter(|k| !matches!(k, Notice::Other(_)) || !m.msg.trim().is_empty()) {
                    out.push(Item::Notice { message: m, kind });
                }
                previous = None;
            }
            None => {
                let continues = |a: &Message, b: &Message| {
                    a.t.is_none()
                        && b.t.is_none()
                        && sender(a) == sender(b)
                        && match (a.ts, b.ts) {
                            (Some(x), Some(y)) => (y.millis() - x.millis()).abs() <= GROUP_WINDOW_MS,
                            _ => true,
                        }
                        && a.ts.map(|t| local_day(t, offset_minutes)) == b.ts.map(|t| local_day(t, offset_minutes))
                };
                let first_in_group = previous.is_none_or(|p| !continues(p, m));
                let last_in_group = visible.get(i + 1).is_none_or(|next| !continues(m, next));
                out.push(Item::Message {
                    message: m,
                    mine: sender(m) == Some(visitor_id),
                    first_in_group,
                    last_in_group,
                });
                previous = Some(m);
            }
        }
    }
    out
}

fn sender(m: &Message) -> Option<&str> {
    m.u.as_ref().map(|u| u.id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use livechat_wire::UserRef;

    const MIN: i64 = 60_000;
    const DAY: i64 = 86_400_000;

    fn msg(id: &str, at: i64, from: &str) -> Message {
        Message {
            id: id.into(),
            rid: "r".into(),
            msg: format!("text of {id}"),
            ts: Some(Timestamp(at)),
            u: Some(UserRef { id: from.into(), username: from.into(), name: None }),
            ..Message::default()
        }
    }

    fn system(id: &str, at: i64, t: &str) -> Message {
        Message { t: Some(t.into()), ..msg(id, at, "agent") }
    }

    fn ids(c: &Conversation) -> Vec<&str> {
        c.messages().iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn upsert_keeps_each_id_once_in_time_order() {
        let mut c = Conversation::default();
        assert_eq!(c.upsert(msg("b", 20, "v")), Change::Inserted);
        assert_eq!(c.upsert(msg("a", 10, "v")), Change::Inserted);
        assert_eq!(c.upsert(msg("c", 30, "agent")), Change::Inserted);
        assert_eq!(c.upsert(msg("b", 20, "v")), Change::Unchanged);
        let mut edited = msg("b", 20, "v");
        edited.msg = "edited".into();
        assert_eq!(c.upsert(edited), Change::Updated);
        assert_eq!(ids(&c), ["a", "b", "c"]);
        assert_eq!(c.get("b").unwrap().msg, "edited");
        // Same timestamp: ordered by id, deterministically.
        c.upsert(msg("bb", 20, "v"));
        assert_eq!(ids(&c), ["a", "b", "bb", "c"]);
    }

    #[test]
    fn a_pending_message_without_time_sorts_last_until_confirmed() {
        let mut c = Conversation::default();
        c.upsert(msg("old", 10, "v"));
        c.upsert(Message { ts: None, ..msg("pending", 0, "v") });
        c.upsert(msg("agent", 15, "agent"));
        assert_eq!(ids(&c), ["old", "agent", "pending"]);
        assert_eq!(c.upsert(msg("pending", 16, "v")), Change::Updated);
        assert_eq!(ids(&c), ["old", "agent", "pending"]);
        assert_eq!(c.newest(), Some(Timestamp(16)));
    }

    #[test]
    fn an_older_copy_does_not_undo_a_newer_edit() {
        let mut c = Conversation::default();
        let edited = Message { msg: "new".into(), updated_at: Some(Timestamp(50)), ..msg("a", 10, "v") };
        c.upsert(edited);
        let stale = Message { msg: "old".into(), updated_at: Some(Timestamp(10)), ..msg("a", 10, "v") };
        assert_eq!(c.upsert(stale), Change::Unchanged);
        assert_eq!(c.get("a").unwrap().msg, "new");
        let newer = Message { msg: "newer".into(), updated_at: Some(Timestamp(60)), ..msg("a", 10, "v") };
        assert_eq!(c.upsert(newer), Change::Updated);
    }

    #[test]
    fn catching_up_drops_what_was_deleted_within_the_span_fetched() {
        let mut c = Conversation::default();
        c.merge([msg("old", 10, "v"), msg("gone", 20, "agent"), msg("kept", 30, "v"), msg("later", 50, "agent")]);
        c.upsert(system("s", 25, "uj"));
        c.upsert(Message { ts: None, ..msg("pending", 0, "v") });
        // History from 15 to 40 holds "kept" only: "gone" was deleted; "old" and "later" lie
        // outside the span and cannot be judged; system and pending messages stay.
        let page = [msg("kept", 30, "v"), msg("x", 15, "agent"), msg("y", 40, "agent")];
        assert_eq!(c.drop_missing(&page, None), 1);
        assert!(c.get("gone").is_none());
        assert_eq!(ids(&c), ["old", "s", "kept", "later", "pending"]);
        assert_eq!(c.drop_missing(&[], Some(Timestamp(50))), 0);
    }

    #[test]
    fn the_newest_messages_deleted_meanwhile_go_too() {
        let mut c = Conversation::default();
        c.merge([msg("a", 10, "v"), msg("b", 20, "agent"), msg("c", 30, "v")]);
        // Offline, "b" and "c" were deleted: the catch-up, asked for when "c" was the newest
        // shown, finds only "a" and a message newer than everything shown.
        let page = [msg("a", 10, "v")];
        assert_eq!(c.drop_missing(&page, Some(Timestamp(30))), 2);
        assert_eq!(ids(&c), ["a"]);
        // Messages newer than what was shown (live news during the catch-up) are not judged.
        c.upsert(msg("d", 40, "agent"));
        assert_eq!(c.drop_missing(&page, Some(Timestamp(30))), 0);
        assert_eq!(ids(&c), ["a", "d"]);
    }

    #[test]
    fn history_pages_merge_without_duplicates() {
        let mut c = Conversation::default();
        c.merge([msg("c", 30, "v"), msg("b", 20, "v")]);
        // An older page that overlaps the newest one, newest first as the server sends it.
        assert_eq!(c.merge([msg("b", 20, "v"), msg("a", 10, "v")]), 1);
        assert_eq!(ids(&c), ["a", "b", "c"]);
        assert_eq!(c.oldest(), Some(Timestamp(10)));
        assert!(c.remove("b"));
        assert!(!c.remove("b"));
        assert_eq!(ids(&c), ["a", "c"]);
    }

    #[test]
    fn groups_break_on_sender_gap_day_and_system_messages() {
        let mut c = Conversation::default();
        let t0 = 10 * DAY + 9 * 60 * MIN; // 09:00 UTC
        c.merge([
            system("s", t0, "livechat-started"),
            msg("v1", t0 + MIN, "v"),
            msg("v2", t0 + 2 * MIN, "v"),
            msg("a1", t0 + 3 * MIN, "agent"),
            msg("a2", t0 + 20 * MIN, "agent"), // more than five minutes later
            system("j", t0 + 21 * MIN, "uj"),
            msg("a3", t0 + 22 * MIN, "agent"),
            msg("n1", t0 + DAY, "v"), // the next day
            system("nav", t0 + DAY + MIN, "livechat_navigation_history"),
            // Another type with the server's text shows it; without text (a transcript
            // request's history) nothing.
            system("x", t0 + DAY + 2 * MIN, "livechat_video_call"),
            Message { msg: " ".into(), ..system("tr", t0 + DAY + 3 * MIN, "livechat_transcript_history") },
        ]);
        let view = items(&c, "v", 0, &[]);
        let shape: Vec<String> = view
            .iter()
            .map(|i| match i {
                Item::Day(d) => format!("day{d}"),
                Item::Notice { kind, .. } => format!("{kind:?}"),
                Item::Message { message, mine, first_in_group, last_in_group } => format!(
                    "{}{}{}{}",
                    message.id,
                    if *mine { "*" } else { "" },
                    if *first_in_group { "<" } else { "" },
                    if *last_in_group { ">" } else { "" }
                ),
            })
            .collect();
        assert_eq!(
            shape,
            [
                "day10",
                "ChatStarted",
                "v1*<",
                "v2*>",
                "a1<>",
                "a2<>",
                "AgentJoined",
                "a3<>",
                "day11",
                "n1*<>",
                "Other(\"livechat_video_call\")"
            ]
        );
    }

    #[test]
    fn days_follow_the_visitors_time_zone_and_hidden_types_vanish() {
        let late = 10 * DAY + 23 * 60 * MIN; // 23:00 UTC
        assert_eq!(local_day(Timestamp(late), 0), 10);
        assert_eq!(local_day(Timestamp(late), 120), 11, "01:00 the next day at UTC+2");
        assert_eq!(local_day(Timestamp(5 * MIN), -60), -1);
        let mut c = Conversation::default();
        c.merge([system("s", late, "livechat-started"), msg("m", late + MIN, "v")]);
        let view = items(&c, "v", 0, &["livechat-started".to_owned()]);
        assert_eq!(view.len(), 2, "{view:?}");
        assert!(matches!(view[1], Item::Message { first_in_group: true, .. }));
    }
}
