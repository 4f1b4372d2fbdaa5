//! The console's pure logic: which server to talk to, what an error means to a person, what a
//! system message says, which rooms have unread messages. No browser calls; tested natively.
//! (Its tests, below, are half of its length.)

use livechat_client::api::Error;
use livechat_wire::error::code;
use livechat_wire::message::{Message, types};
use livechat_wire::room::Room;

/// The server the console talks to: `?server=<http(s) address>` in the page's address, else the
/// page's own origin. `Err` says what is wrong with a `server` parameter that is not an address.
pub fn server_for(page_url: &str) -> Result<String, String> {
    let (before_hash, _) = page_url.split_once('#').unwrap_or((page_url, ""));
    let (base, query) = before_hash.split_once('?').unwrap_or((before_hash, ""));
    let param = query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == "server").then(|| percent_decode(value))
    });
    match param {
        Some(server) => {
            let server = server.trim().trim_end_matches('/').to_owned();
            if is_http_address(&server) {
                Ok(server)
            } else {
                Err(format!("The server parameter must be an http:// or https:// address, not “{server}”."))
            }
        }
        None => origin(base).ok_or_else(|| {
            "This page was not opened over http(s): add ?server=http://host:port to its address.".to_owned()
        }),
    }
}

fn is_http_address(s: &str) -> bool {
    let rest = s.strip_prefix("http://").or_else(|| s.strip_prefix("https://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

/// `scheme://host[:port]` of an http(s) address.
fn origin(url: &str) -> Option<String> {
    let scheme_end = url.find("://")?;
    let scheme = &url[..scheme_end];
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = &url[scheme_end + 3..];
    let host = &rest[..rest.find('/').unwrap_or(rest.len())];
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// `%XX` escapes and `+` as a space, as in a query string. Bad escapes are kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: Option<&u8>) -> Option<u8> {
    let b = *b?;
    (b as char).to_digit(16).map(|d| d as u8)
}

/// What the console was doing when a call failed; it picks the words for a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignIn,
    Load,
    Take,
    Reply,
    SendFile,
    Forward,
    Close,
    Availability,
}

/// A sentence for a person about a failed call. Known Rocket.Chat codes get their own words;
/// anything else quotes the server.
pub fn explain(action: Action, err: &Error) -> String {
    match err {
        Error::Network { .. } => "Cannot reach the server. Check that it is running and try again.".into(),
        Error::RateLimited { retry_after: Some(s), .. } => format!("Too many requests: try again in {s} s."),
        Error::RateLimited { .. } => "Too many requests: try again in a minute.".into(),
        Error::Decode { endpoint, .. } => {
            format!("The server gave an answer the console does not understand ({endpoint}).")
        }
        Error::Http { status: 401, .. } if action == Action::SignIn => "Wrong username or password.".into(),
        Error::Http { status: 401, .. } => "Your sign-in is no longer valid. Sign in again.".into(),
        Error::Http { status: 403, .. } => "You do not have permission to do this.".into(),
        Error::Http { .. } => match err.code() {
            Some(code::ERROR_COMMENT_IS_REQUIRED) => "Write a comment to close this conversation.".into(),
            Some(code::ERROR_INQUIRY_TAKEN) => "Another agent has already taken this chat.".into(),
            Some(code::ERROR_NOT_FOUND) if action == Action::Take => "This chat is no longer in the queue.".into(),
            Some(code::ERROR_AGENT_STATUS_SERVICE_OFFLINE) => {
                "You are not available: set yourself available to take chats.".into()
            }
            Some(code::ERROR_USER_IS_OFFLINE) => "That agent is offline or not available.".into(),
            Some(code::ERROR_INVALID_AGENT) => "There is no agent with that id.".into(),
            Some(code::ERROR_SELECTED_AGENT_ROOM_AGENT_ARE_SAME) => "That agent already serves this chat.".into(),
            Some(code::ERROR_INVALID_DEPARTMENT) => "There is no such department.".into(),
            Some(code::ERROR_TRANSFERING_CHAT) => "Nobody in that department is available.".into(),
            Some(code::THIS_CONVERSATION_IS_ALREADY_CLOSED | code::ERROR_ROOM_ALREADY_CLOSED | code::ROOM_CLOSED) => {
                "This conversation is already closed.".into()
            }
            Some(code::ERROR_NOT_AUTHORIZED) => "You are not allowed to do this in this chat.".into(),
            Some(code::ERROR_FILE_TOO_LARGE) => "The file is larger than the server takes.".into(),
            Some(code::ERROR_TYPE_NOT_ALLOWED) => "The server does not take files of this type.".into(),
            Some(code::ERROR_FILE_UPLOAD_DISABLED) => "Sending files is turned off on the server.".into(),
            _ => match err.message() {
                Some(text) => format!("The server refused: {text}"),
                None => format!("The server refused ({}).", err.status().unwrap_or_default()),
            },
        },
    }
}

/// The agent's access to the server's files, as Rocket.Chat's file route reads it from the
/// address (`rc_uid`, `rc_token`: an `<img>` sends no headers), encoded: what
/// [`livechat_rich::view::Links`] adds to the server's own `/file-upload/` addresses only.
pub fn file_access(user_id: &str, auth_token: &str) -> String {
    let enc = |s: &str| {
        s.bytes().fold(String::new(), |mut out, b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
            out
        })
    };
    format!("rc_uid={}&rc_token={}", enc(user_id), enc(auth_token))
}

/// True when a failure means the login itself is gone (sign in again).
pub fn is_signed_out(err: &Error) -> bool {
    err.status() == Some(401)
}

/// The name to show for a room: its contact name, else the visitor's name or username.
pub fn room_title(room: &Room) -> String {
    let visitor = room.v.as_ref();
    [room.fname.as_deref(), visitor.and_then(|v| v.name.as_deref()), visitor.map(|v| v.username.as_str())]
        .into_iter()
        .flatten()
        .find(|s| !s.trim().is_empty())
        .unwrap_or("Visitor")
        .to_owned()
}

/// True when the room's newest message came from someone else after `seen` (epoch ms, the
/// newest message the agent has had on screen).
pub fn is_unread(room: &Room, me: &str, seen: Option<i64>) -> bool {
    let Some(last) = room.last_message.as_deref() else { return false };
    if last.is_system() || last.u.as_ref().is_some_and(|u| u.id == me) {
        return false;
    }
    let Some(ts) = last.ts.or(room.lm) else { return false };
    seen.is_none_or(|seen| ts.millis() > seen)
}

/// Who wrote a message, as the room view groups it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    Visitor,
    Me,
    OtherAgent,
    System,
}

pub fn author(m: &Message, room: &Room, me: &str) -> Author {
    if m.is_system() {
        return Author::System;
    }
    let from = m.u.as_ref().map(|u| u.id.as_str());
    if m.token.is_some() || (from.is_some() && from == room.v.as_ref().map(|v| v.id.as_str())) {
        Author::Visitor
    } else if from == Some(me) {
        Author::Me
    } else {
        Author::OtherAgent
    }
}

/// The line a system message shows in the room view.
pub fn system_text(m: &Message) -> String {
    let who = m.u.as_ref().map(|u| u.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| u.username.clone()));
    let who = who.unwrap_or_else(|| "Someone".into());
    let with_comment = |line: String, comment: Option<&str>| match comment.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => format!("{line}: “{c}”"),
        None => line,
    };
    match m.t.as_deref().unwrap_or_default() {
        types::LIVECHAT_STARTED => "Chat started".into(),
        types::LIVECHAT_CLOSE => with_comment(format!("Closed by {who}"), Some(&m.msg)),
        types::TRANSFER_HISTORY => {
            let data = m.transfer_data.as_ref();
            let by = data.and_then(|d| d.transferred_by.as_ref()).map_or(who, |u| u.username.clone());
            let to = data.and_then(|d| match d.scope.as_str() {
                "department" => d.next_department.as_ref().map(|dep| format!("the {} department", dep.name)),
                _ => d.transferred_to.as_ref().map(|u| u.username.clone()),
            });
            let line = match to {
                Some(to) => format!("{by} forwarded the chat to {to}"),
                None => format!("{by} forwarded the chat"),
            };
            with_comment(line, data.and_then(|d| d.comment.as_deref()))
        }
        types::USER_JOINED => format!("{who} joined"),
        types::USER_LEFT => format!("{who} left"),
        types::NAVIGATION_HISTORY => format!("Visited {}", m.msg),
        t if m.msg.is_empty() => format!("({t})"),
        t => format!("({t}) {}", m.msg),
    }
}

/// Where to forward a room, as the forward form collects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Department(String),
    /// An agent's user id.
    Agent(String),
}

/// Reads the forward form: a department id, or an agent picked by username (from `known`,
/// `(id, username)` pairs) or typed as a user id.
pub fn forward_target(
    to_department: bool,
    department: &str,
    agent: &str,
    known: &[(String, String)],
) -> Result<Target, String> {
    if to_department {
        let department = department.trim();
        return if department.is_empty() {
            Err("Choose a department.".into())
        } else {
            Ok(Target::Department(department.to_owned()))
        };
    }
    let agent = agent.trim().trim_start_matches('@');
    if agent.is_empty() {
        return Err("Enter the agent's username or user id.".into());
    }
    let id = known.iter().find(|(_, username)| username == agent).map_or(agent, |(id, _)| id.as_str());
    Ok(Target::Agent(id.to_owned()))
}

/// The ids of messages shown (`shown`, oldest first) that the newest history shows were
/// deleted (`newest_page`: the newest page, or every page of one [`CatchUp`], which reach back
/// without a gap): visitor or agent messages at or after its oldest message that it lacks. With
/// nothing in it, every such message.
/// System messages and messages without a time stay.
pub fn deleted_since(shown: &[Message], newest_page: &[Message]) -> Vec<String> {
    let from = newest_page.iter().filter_map(|m| m.ts).min();
    shown
        .iter()
        .filter(|m| m.t.is_none() && m.ts.is_some_and(|t| from.is_none_or(|from| t >= from)))
        .filter(|m| !newest_page.iter().any(|p| p.id == m.id))
        .map(|m| m.id.clone())
        .collect()
}

/// One catch-up of the open room from history, as the live view polls it: the walk the
/// visitor's session makes too, back to the watermark (see
/// [`HistoryWalk`](livechat_client::session::history::HistoryWalk)).
pub use livechat_client::session::history::HistoryWalk as CatchUp;

#[cfg(test)]
mod tests {
    use livechat_wire::message::TransferData;
    use livechat_wire::room::RoomVisitor;
    use livechat_wire::{Timestamp, UserRef};

    use super::*;

    #[test]
    fn file_access_is_encoded_query_parameters() {
        assert_eq!(file_access("u1", "t+k/="), "rc_uid=u1&rc_token=t%2Bk%2F%3D");
    }

    #[test]
    fn the_server_is_the_page_origin_unless_given() {
        assert_eq!(server_for("http://127.0.0.1:3000/console/").unwrap(), "http://127.0.0.1:3000");
        assert_eq!(server_for("https://demo.example/console/index.html?x=1#top").unwrap(), "https://demo.example");
        assert_eq!(
            server_for("http://127.0.0.1:8080/console/?server=http%3A%2F%2F127.0.0.1%3A3001%2F").unwrap(),
            "http://127.0.0.1:3001"
        );
        assert_eq!(server_for("http://a/?lang=en&server=https://chat.example").unwrap(), "https://chat.example");
        assert!(server_for("http://a/?server=javascript:alert(1)").unwrap_err().contains("http://"));
        assert!(server_for("http://a/?server=").is_err());
        assert!(server_for("file:///tmp/console/index.html").unwrap_err().contains("?server="));
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }

    fn http(status: u16, error: Option<&str>, error_type: Option<&str>) -> Error {
        Error::Http {
            endpoint: "POST x",
            status,
            error: error.map(str::to_owned),
            error_type: error_type.map(str::to_owned),
        }
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(explain(Action::SignIn, &http(401, Some("Unauthorized"), None)), "Wrong username or password.");
        assert!(explain(Action::Load, &http(401, None, None)).contains("Sign in again"));
        assert!(is_signed_out(&http(401, None, None)));
        assert!(!is_signed_out(&http(403, None, None)));
        assert_eq!(
            explain(Action::Close, &http(400, Some("error-comment-is-required"), None)),
            "Write a comment to close this conversation."
        );
        assert_eq!(
            explain(
                Action::Take,
                &http(400, Some("Inquiry already taken [error-inquiry-taken]"), Some("error-inquiry-taken"))
            ),
            "Another agent has already taken this chat."
        );
        assert_eq!(
            explain(Action::Reply, &http(400, Some("Something odd"), None)),
            "The server refused: Something odd"
        );
        assert_eq!(explain(Action::Reply, &http(502, None, None)), "The server refused (502).");
        let offline = Error::Network { endpoint: "GET me", detail: "TypeError".into() };
        assert!(explain(Action::Load, &offline).starts_with("Cannot reach the server"));
        let limited = Error::RateLimited { endpoint: "GET x", retry_after: Some(7), error: None };
        assert_eq!(explain(Action::Load, &limited), "Too many requests: try again in 7 s.");
    }

    fn room_with_last(from: &str, t: Option<&str>, ts: i64) -> Room {
        let last = Message {
            id: "m".into(),
            msg: "hi".into(),
            ts: Some(Timestamp(ts)),
            u: Some(UserRef { id: from.into(), username: from.into(), name: None }),
            t: t.map(str::to_owned),
            ..Message::default()
        };
        Room { id: "r".into(), last_message: Some(Box::new(last)), ..Room::default() }
    }

    #[test]
    fn unread_means_someone_else_wrote_after_the_agent_looked() {
        assert!(is_unread(&room_with_last("visitor", None, 10), "me", None));
        assert!(is_unread(&room_with_last("visitor", None, 10), "me", Some(9)));
        assert!(!is_unread(&room_with_last("visitor", None, 10), "me", Some(10)));
        assert!(!is_unread(&room_with_last("me", None, 10), "me", None));
        assert!(!is_unread(&room_with_last("visitor", Some("livechat-started"), 10), "me", None));
        assert!(!is_unread(&Room::default(), "me", None));
    }

    #[test]
    fn titles_and_authors() {
        let v =
            RoomVisitor { id: "v1".into(), username: "guest-3".into(), token: "T".into(), ..RoomVisitor::default() };
        let mut room = Room { v: Some(v), ..Room::default() };
        assert_eq!(room_title(&room), "guest-3");
        room.fname = Some("Ada".into());
        assert_eq!(room_title(&room), "Ada");
        let from =
            |id: &str| Message { u: Some(UserRef { id: id.into(), ..UserRef::default() }), ..Message::default() };
        assert_eq!(author(&from("v1"), &room, "me"), Author::Visitor);
        assert_eq!(author(&from("me"), &room, "me"), Author::Me);
        assert_eq!(author(&from("bob"), &room, "me"), Author::OtherAgent);
        assert_eq!(author(&Message { t: Some("uj".into()), ..from("me") }, &room, "me"), Author::System);
    }

    #[test]
    fn system_lines() {
        let by = UserRef { id: "a".into(), username: "agent".into(), name: Some("Alex".into()) };
        let close = Message {
            t: Some("livechat-close".into()),
            msg: "Solved".into(),
            u: Some(by.clone()),
            ..Message::default()
        };
        assert_eq!(system_text(&close), "Closed by Alex: “Solved”");
        let transfer = Message {
            t: Some("livechat_transfer_history".into()),
            transfer_data: Some(TransferData {
                scope: "agent".into(),
                transferred_by: Some(by.clone()),
                transferred_to: Some(UserRef { id: "b".into(), username: "bob".into(), name: None }),
                comment: Some("over to you".into()),
                ..TransferData::default()
            }),
            ..Message::default()
        };
        assert_eq!(system_text(&transfer), "agent forwarded the chat to bob: “over to you”");
        assert_eq!(system_text(&Message { t: Some("livechat-started".into()), ..Message::default() }), "Chat started");
        assert_eq!(system_text(&Message { t: Some("odd".into()), msg: "x".into(), ..Message::default() }), "(odd) x");
    }

    #[test]
    fn forward_targets() {
        let known = vec![("id-bob".to_owned(), "bob".to_owned())];
        assert_eq!(forward_target(true, "support", "", &known), Ok(Target::Department("support".into())));
        assert!(forward_target(true, " ", "", &known).is_err());
        assert_eq!(forward_target(false, "", "@bob", &known), Ok(Target::Agent("id-bob".into())));
        assert_eq!(forward_target(false, "", "XyZ123", &known), Ok(Target::Agent("XyZ123".into())));
        assert!(forward_target(false, "", "  ", &known).is_err());
    }

    #[test]
    fn messages_missing_from_the_newest_page_were_deleted() {
        let at = |id: &str, ms: i64| Message { id: id.into(), ts: Some(Timestamp(ms)), ..Message::default() };
        let system = Message { t: Some(types::LIVECHAT_STARTED.into()), ..at("s", 5) };
        let shown = [at("old", 10), system.clone(), at("a", 20), at("gone", 30), at("b", 40), at("last", 50)];
        // The page starts at 20: "old" is out of its span, "gone" and the newest, "last", went.
        let page = [at("b", 40), at("a", 20)];
        assert_eq!(deleted_since(&shown, &page), ["gone", "last"]);
        assert_eq!(deleted_since(&shown, &[at("a", 20), at("gone", 30), at("b", 40), at("last", 50)]), [] as [&str; 0]);
        // A room with nothing left: every timed message went; system and unsent ones stay.
        let unsent = Message { id: "unsent".into(), ..Message::default() };
        assert_eq!(deleted_since(&[system, at("x", 60), unsent], &[]), ["x"]);
    }

    fn msg(id: &str, ms: i64) -> Message {
        Message { id: id.into(), ts: Some(Timestamp(ms)), ..Message::default() }
    }

    /// The room's history as the server answers it: newest first, `end` exclusive, `limit` a page.
    fn history(room: &[Message], end: Option<Timestamp>, limit: u32) -> Vec<Message> {
        let mut page: Vec<Message> = room.iter().filter(|m| end.is_none_or(|e| m.ts.unwrap() < e)).cloned().collect();
        page.sort_by_key(|m| std::cmp::Reverse(m.ts));
        page.truncate(limit as usize);
        page
    }

    /// Runs one catch-up against `room`; answers the messages and the new watermark, and how
    /// many pages it asked for.
    fn catch_up(room: &[Message], synced: Option<Timestamp>, limit: u32) -> (Vec<Message>, Option<Timestamp>, usize) {
        let mut c = CatchUp::new(synced);
        let mut pages = 0;
        while let Some(end) = c.next() {
            pages += 1;
            assert!(pages < 100, "a catch-up ends");
            c.take(history(room, end, limit), limit);
        }
        let (got, synced) = c.finish();
        (got, synced, pages)
    }

    #[test]
    fn a_burst_of_several_pages_between_two_polls_is_caught_up_whole() {
        // The console had the room up to message 100 (its watermark); 103 came before the next
        // poll, more than five pages of 20.
        let room: Vec<Message> = (1..=203).map(|n| msg(&format!("m{n}"), 1000 + n)).collect();
        let mut shown = livechat_client::session::conversation::Conversation::default();
        shown.merge(room[..100].iter().cloned());
        let (got, synced, pages) = catch_up(&room, Some(Timestamp(1100)), 20);
        assert_eq!(pages, 6);
        assert_eq!(synced, Some(Timestamp(1203)));
        assert!(deleted_since(shown.messages(), &got).is_empty(), "nothing counts as deleted");
        shown.merge(got);
        let ids: Vec<&str> = shown.messages().iter().map(|m| m.id.as_str()).collect();
        let all: Vec<String> = room.iter().map(|m| m.id.clone()).collect();
        assert_eq!(ids, all, "every message once, in order");

        // Nothing new: one page, and the watermark stays.
        let (_, again, pages) = catch_up(&room, synced, 20);
        assert_eq!((again, pages), (synced, 1));
    }

    #[test]
    fn a_catch_up_stops_at_the_room_start_and_keeps_messages_sharing_a_millisecond() {
        // Five messages per millisecond: a page boundary falls inside one millisecond.
        let room: Vec<Message> = (0..60).map(|n| msg(&format!("m{n:02}"), 100 + n / 5)).collect();
        let (got, synced, _) = catch_up(&room, Some(Timestamp(100)), 7);
        let newer: Vec<&Message> = room.iter().filter(|m| m.ts > Some(Timestamp(100))).collect();
        assert_eq!(newer.len(), 55);
        assert!(newer.iter().all(|m| got.iter().any(|g| g.id == m.id)), "no message skipped at a page boundary");
        assert_eq!(synced, Some(Timestamp(111)));

        // A watermark older than the room: back to its start (the last page comes back short).
        let (got, _, pages) = catch_up(&room, Some(Timestamp(1)), 50);
        assert_eq!((got.len(), pages), (60 + 5, 2), "the second page repeats the millisecond the first ends in");

        // More messages in one millisecond than a page holds: it ends rather than ask forever.
        let same: Vec<Message> = (0..30).map(|n| msg(&format!("s{n:02}"), 500)).collect();
        let (_, synced, pages) = catch_up(&same, Some(Timestamp(1)), 10);
        assert_eq!((synced, pages), (Some(Timestamp(500)), 2));
    }

    #[test]
    fn without_a_watermark_the_newest_page_is_enough_and_an_empty_room_keeps_it() {
        let room: Vec<Message> = (1..=45).map(|n| msg(&format!("m{n}"), n)).collect();
        let (got, synced, pages) = catch_up(&room, None, 20);
        assert_eq!((got.len(), synced, pages), (20, Some(Timestamp(45)), 1));
        let (got, synced, _) = catch_up(&[], Some(Timestamp(7)), 20);
        assert_eq!((got.len(), synced), (0, Some(Timestamp(7))));
    }
}
