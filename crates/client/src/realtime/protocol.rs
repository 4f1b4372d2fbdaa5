//! DDP as pure logic: what to send, when, and what a frame from the server means. No browser,
//! no timers: the driver passes the time in and carries the frames out, so every decision here
//! is tested natively.
//!
//! About half of it is those tests (exact frames in and out), below the logic.

use livechat_wire::ddp::{
    self, ClientFrame, ServerFrame, StreamArgs, StreamEvent, StreamParams, TokenArg, UserActivityParams, streams,
};
use serde::Serialize;

use super::Event;

/// A frame from the server, as the driver decodes it (`livechat_wire::ddp`'s `FromJson`): method
/// results unread, stream events with their `args` read by stream.
pub type Incoming = ServerFrame<(), StreamArgs>;
/// A frame to the server.
pub type Outgoing = ClientFrame<Params>;

/// The `params` of the frames the widget sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Params {
    Stream(StreamParams),
    Activity(UserActivityParams),
}

/// Silence (ms) after which the client pings. Rocket.Chat pings after 30 s; pinging first
/// keeps proxies from closing an idle socket and finds a dead one sooner.
pub const PING_AFTER: f64 = 25_000.0;
/// How long (ms) a `connect` or a ping may go unanswered before the socket counts as dead.
pub const ANSWER_WITHIN: f64 = 10_000.0;
/// The longest wait (ms) between reconnection attempts.
pub const MAX_BACKOFF: f64 = 30_000.0;
/// Failed connection attempts in a row after which history is polled until the socket is back.
pub const POLL_AFTER_FAILURES: u32 = 3;
/// Time (ms) between two polls of history while polling. Rocket.Chat limits
/// `messages.history` to 10 calls a minute per address by default: 7.5 a minute leaves room
/// for a catch-up that takes two pages, and only one tab of a visitor polls.
pub const POLL_EVERY: f64 = 8_000.0;
/// Typing: "typing" is sent at most this often (ms) while keys are pressed…
pub const TYPING_EVERY: f64 = 4_500.0;
/// …and "stopped" this long (ms) after the last key, as Rocket.Chat's widget does.
pub const TYPING_STOP_AFTER: f64 = 5_000.0;

/// The state of the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// No socket.
    Closed,
    /// Socket open, `connect` sent, waiting for `connected`.
    Connecting,
    Connected,
}

/// What a frame or a tick means for the driver and the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// Connected, and every subscription of the watched room (if any) is ready: from now on
    /// nothing is missed, so this is when to catch up from history.
    Live,
    /// The server refused a subscription (the room is closed or not the visitor's).
    Refused(&'static str),
    /// The socket is dead or the server hung up: close it and reconnect later.
    HangUp,
    /// News of the watched room from its streams, for the session, in the order the frame had it.
    News(Vec<Event>),
}

/// What a stream event is about, from its collection and event name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamKind {
    /// `stream-room-messages`: a new or changed message.
    Message,
    /// `stream-notify-room` `<rid>/deleteMessage`.
    Deleted,
    /// `stream-notify-room` `<rid>/user-activity`.
    Activity,
    /// `stream-livechat-room`: agent, queue, visitor news.
    Room,
}

struct Sub {
    id: String,
    name: &'static str,
    ready: bool,
}

/// One DDP connection's bookkeeping: handshake, subscriptions of the watched room, keep-alive,
/// failures for backoff, and message ids.
pub struct Protocol {
    link: Link,
    next_id: u32,
    /// The watched room and the visitor token that authorises it.
    room: Option<(String, String)>,
    /// Subscriptions sent on this socket for the watched room, in [`SUBSCRIPTIONS`] order.
    subs: Vec<Sub>,
    /// When the server was last heard (or the socket opened).
    heard_at: f64,
    /// When our unanswered ping went out.
    pinged_at: Option<f64>,
    /// Attempts in a row that ended without a working connection.
    failures: u32,
    /// `Live` has been reported for the current room and socket.
    live: bool,
    /// When the socket now being made was created, until it opens.
    dialing_since: Option<f64>,
}

/// The streams the visitor follows for room `rid`, as Rocket.Chat's widget subscribes them:
/// (publication, event name).
pub fn subscriptions(rid: &str) -> [(&'static str, String); 4] {
    [
        (streams::ROOM_MESSAGES, rid.to_owned()),
        (streams::LIVECHAT_ROOM, rid.to_owned()),
        (streams::NOTIFY_ROOM, ddp::user_activity_event(rid)),
        (streams::NOTIFY_ROOM, ddp::delete_message_event(rid)),
    ]
}

/// What a `changed` frame of `collection` / `event` is, if it is about room `rid`.
pub fn classify(collection: &str, event: &str, rid: &str) -> Option<StreamKind> {
    match collection {
        streams::ROOM_MESSAGES if event == rid => Some(StreamKind::Message),
        streams::LIVECHAT_ROOM if event == rid => Some(StreamKind::Room),
        streams::NOTIFY_ROOM => match event.strip_prefix(rid)? {
            "/deleteMessage" => Some(StreamKind::Deleted),
            "/user-activity" => Some(StreamKind::Activity),
            _ => None,
        },
        _ => None,
    }
}

/// The DDP address for a server address: `http` → `ws`, `https` → `wss`, plus `/websocket`.
pub fn socket_url(server_url: &str) -> String {
    let base = server_url.trim().trim_end_matches('/');
    let rest =
        base.strip_prefix("https://").map(|r| ("wss://", r)).or(base.strip_prefix("http://").map(|r| ("ws://", r)));
    match rest {
        Some((scheme, r)) => [scheme, r, "/websocket"].concat(),
        None => [base, "/websocket"].concat(),
    }
}

/// Wait (ms) before reconnection attempt number `failures` (1 for the first): exponential from
/// one second up to [`MAX_BACKOFF`], with "equal jitter" — half fixed, half random — so many
/// widgets cut off together do not come back together. `random` is in `[0, 1)`.
pub fn backoff(failures: u32, random: f64) -> f64 {
    let exp = 1000.0 * f64::from(1u32 << failures.saturating_sub(1).min(15));
    let d = exp.min(MAX_BACKOFF);
    d / 2.0 + random.clamp(0.0, 1.0) * d / 2.0
}

impl Default for Protocol {
    fn default() -> Self {
        Protocol::new()
    }
}

impl Protocol {
    pub fn new() -> Protocol {
        Protocol {
            link: Link::Closed,
            next_id: 0,
            room: None,
            subs: Vec::new(),
            heard_at: 0.0,
            pinged_at: None,
            failures: 0,
            live: false,
            dialing_since: None,
        }
    }

    pub fn link(&self) -> Link {
        self.link
    }

    /// Attempts in a row that ended without a working connection.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The watched room.
    pub fn room(&self) -> Option<&str> {
        self.room.as_ref().map(|(rid, _)| rid.as_str())
    }

    /// Connected, and every subscription of the watched room is ready.
    pub fn is_live(&self) -> bool {
        self.link == Link::Connected && self.live
    }

    /// Whether history should be polled: the socket has failed again and again and is not up.
    pub fn should_poll(&self) -> bool {
        self.link != Link::Connected && self.failures >= POLL_AFTER_FAILURES
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    /// A socket was created at `now` and is opening: [`Protocol::tick`] gives it up if it has
    /// not opened within [`ANSWER_WITHIN`].
    pub fn dialing(&mut self, now: f64) {
        self.dialing_since = Some(now);
    }

    /// The socket opened: the handshake to send.
    pub fn opened(&mut self, now: f64) -> Outgoing {
        self.dialing_since = None;
        self.link = Link::Connecting;
        self.heard_at = now;
        self.pinged_at = None;
        self.subs.clear();
        self.live = false;
        ClientFrame::Connect {
            version: ddp::VERSION.into(),
            support: ddp::SUPPORTED.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    /// The socket closed, was given up, or could not be made: one more failure, and what the
    /// server knew of us is gone. (A connection that worked reset the count, so the first retry
    /// after it comes quickly.)
    pub fn closed(&mut self) {
        self.failures = self.failures.saturating_add(1);
        self.dialing_since = None;
        self.link = Link::Closed;
        self.subs.clear();
        self.pinged_at = None;
        self.live = false;
    }

    /// The network came back: try at once, as if nothing had failed.
    pub fn reset_failures(&mut self) {
        self.failures = 0;
    }

    fn subscribe_all(&mut self, out: &mut Vec<Outgoing>) {
        let Some((rid, token)) = self.room.clone() else { return };
        for (name, event) in subscriptions(&rid) {
            let id = self.id();
            self.subs.push(Sub { id: id.clone(), name, ready: false });
            out.push(ClientFrame::Sub {
                id,
                name: name.into(),
                params: Params::Stream(StreamParams::visitor(event, &token)),
            });
        }
    }

    /// Follows room `rid` with the visitor's `token` (`None`: follow nothing). Frames to send
    /// now: the old room's `unsub`s and the new room's `sub`s, when connected.
    pub fn watch(&mut self, room: Option<(&str, &str)>) -> Vec<Outgoing> {
        let room = room.map(|(r, t)| (r.to_owned(), t.to_owned()));
        let mut out = Vec::new();
        if room == self.room {
            return out;
        }
        self.room = room;
        self.live = false;
        if self.link == Link::Connected {
            for sub in std::mem::take(&mut self.subs) {
                out.push(ClientFrame::Unsub { id: sub.id });
            }
            self.subscribe_all(&mut out);
        }
        if self.room.is_none() {
            // Nothing to follow: the driver closes the socket. That is no failure.
            self.link = Link::Closed;
            self.subs.clear();
            self.pinged_at = None;
            self.dialing_since = None;
        }
        out
    }

    /// The visitor starts (`true`) or stops typing: the `stream-notify-room` call, when connected
    /// to a room.
    pub fn typing(&mut self, username: &str, typing: bool) -> Option<Outgoing> {
        if self.link != Link::Connected {
            return None;
        }
        let (rid, token) = self.room.clone()?;
        let activities = if typing { vec![ddp::USER_TYPING.to_owned()] } else { Vec::new() };
        Some(ClientFrame::Method {
            id: self.id(),
            method: streams::NOTIFY_ROOM.into(),
            params: Params::Activity(UserActivityParams(
                ddp::user_activity_event(&rid),
                username.to_owned(),
                activities,
                TokenArg { token },
            )),
        })
    }

    /// Takes in a text frame from the server at `now`: the frame decoded, or `None` when it is
    /// no DDP frame this side reads (`{"server_id":"0"}`, or one that does not decode). Every
    /// frame, read or not, is heard from the server: it answers a ping and keeps the link. Returns
    /// frames to send and what it means.
    pub fn receive(&mut self, frame: Option<Incoming>, now: f64) -> (Vec<Outgoing>, Option<Note>) {
        self.heard_at = now;
        self.pinged_at = None;
        let mut out = Vec::new();
        let Some(frame) = frame else { return (out, None) };
        let note = match frame {
            ServerFrame::Connected { .. } if self.link == Link::Connecting => {
                self.link = Link::Connected;
                self.failures = 0;
                self.subscribe_all(&mut out);
                self.check_live()
            }
            ServerFrame::Failed { .. } => Some(Note::HangUp),
            ServerFrame::Ping { id } => {
                out.push(ClientFrame::Pong { id });
                None
            }
            ServerFrame::Ready { subs } => {
                for sub in self.subs.iter_mut().filter(|s| subs.contains(&s.id)) {
                    sub.ready = true;
                }
                self.check_live()
            }
            ServerFrame::NoSub { id, error: Some(_) } => {
                let at = self.subs.iter().position(|s| s.id == id);
                at.map(|i| Note::Refused(self.subs.remove(i).name))
            }
            ServerFrame::Changed { collection, fields, .. } => {
                let news = self.news(&collection, fields);
                (!news.is_empty()).then_some(Note::News(news))
            }
            _ => None,
        };
        (out, note)
    }

    /// What a stream event says about the watched room (nothing when it is about another room,
    /// or no room is watched).
    fn news(&self, collection: &str, fields: StreamEvent<StreamArgs>) -> Vec<Event> {
        let Some(rid) = self.room() else { return Vec::new() };
        let Some(kind) = classify(collection, &fields.event_name, rid) else { return Vec::new() };
        let rid = || rid.to_owned();
        // Loops rather than `map(..).collect()`: less code per payload type.
        let mut news = Vec::new();
        match (kind, fields.args) {
            (StreamKind::Message, StreamArgs::Messages(list)) => {
                for m in list {
                    news.push(Event::Message(Box::new(m)));
                }
            }
            (StreamKind::Deleted, StreamArgs::Deleted(list)) => {
                for d in list {
                    news.push(Event::Deleted { rid: rid(), id: d.id });
                }
            }
            (StreamKind::Activity, StreamArgs::Activity(a)) => {
                let on = a.activities.iter().any(|a| a == ddp::USER_TYPING);
                news.push(Event::Typing { rid: rid(), username: a.username, on });
            }
            (StreamKind::Room, StreamArgs::Room(list)) => {
                for e in list {
                    news.push(Event::Room { rid: rid(), news: Box::new(e) });
                }
            }
            _ => {}
        }
        news
    }

    fn check_live(&mut self) -> Option<Note> {
        let all_ready = self.subs.iter().all(|s| s.ready);
        if self.link == Link::Connected && all_ready && !self.live {
            self.live = true;
            return Some(Note::Live);
        }
        None
    }

    /// Keep-alive at time `now`: a ping to send after a silence, or `HangUp` when the server
    /// has not answered the handshake or our ping in time.
    pub fn tick(&mut self, now: f64) -> (Option<Outgoing>, Option<Note>) {
        match self.link {
            // A socket stuck opening (no answer to the TCP or WebSocket handshake).
            Link::Closed if self.dialing_since.is_some_and(|at| now - at > ANSWER_WITHIN) => (None, Some(Note::HangUp)),
            Link::Closed => (None, None),
            Link::Connecting if now - self.heard_at > ANSWER_WITHIN => (None, Some(Note::HangUp)),
            Link::Connecting => (None, None),
            Link::Connected => match self.pinged_at {
                Some(at) if now - at > ANSWER_WITHIN => (None, Some(Note::HangUp)),
                Some(_) => (None, None),
                None if now - self.heard_at > PING_AFTER => {
                    self.pinged_at = Some(now);
                    (Some(ClientFrame::Ping { id: Some(self.id()) }), None)
                }
                None => (None, None),
            },
        }
    }
}

/// The visitor's typing, throttled as Rocket.Chat's widget does it.
#[derive(Debug, Default)]
pub struct Typing {
    /// When "typing" was last sent, while it stands.
    started_at: Option<f64>,
    last_key_at: f64,
}

impl Typing {
    /// A key was pressed at `now`: true when "typing" is to be sent.
    pub fn keystroke(&mut self, now: f64) -> bool {
        self.last_key_at = now;
        if self.started_at.is_none_or(|t| now - t >= TYPING_EVERY) {
            self.started_at = Some(now);
            return true;
        }
        false
    }

    /// True when "stopped" is to be sent now (a pause after the last key).
    pub fn tick(&mut self, now: f64) -> bool {
        if self.started_at.is_some() && now - self.last_key_at >= TYPING_STOP_AFTER {
            self.started_at = None;
            return true;
        }
        false
    }

    /// The message was sent (or the link went down): true when "stopped" is to be sent.
    pub fn stop(&mut self) -> bool {
        self.started_at.take().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use livechat_wire::ddp::{LivechatRoomEvent, QueueData};
    use serde_json::{Value, json};

    fn wire(frame: &Outgoing) -> Value {
        serde_json::to_value(frame).unwrap()
    }

    /// A frame from the server, decoded as the driver decodes it.
    fn incoming(v: Value) -> Option<Incoming> {
        Some(livechat_wire::json::decode::<Incoming, Value>(&v).unwrap())
    }

    /// A connected protocol watching room R, with its four subscriptions sent (not ready).
    fn connected() -> (Protocol, Vec<Outgoing>) {
        let mut p = Protocol::new();
        p.watch(Some(("R", "T")));
        p.opened(0.0);
        let (out, note) = p.receive(incoming(json!({"msg": "connected", "session": "s"})), 1.0);
        assert_eq!(note, None, "not live before the subscriptions are ready");
        (p, out)
    }

    #[test]
    fn handshake_then_the_four_subscriptions_of_rocket_chats_widget() {
        let mut p = Protocol::new();
        p.watch(Some(("R", "T")));
        assert_eq!(wire(&p.opened(0.0)), json!({"msg": "connect", "version": "1", "support": ["1", "pre2", "pre1"]}));
        let (_, out) = connected();
        let frames: Vec<Value> = out.iter().map(wire).collect();
        let creds = json!({"useCollection": false, "args": [{"token": "T", "visitorToken": "T"}]});
        assert_eq!(
            frames,
            [
                json!({"msg": "sub", "id": "1", "name": "stream-room-messages", "params": ["R", creds]}),
                json!({"msg": "sub", "id": "2", "name": "stream-livechat-room", "params": ["R", creds]}),
                json!({"msg": "sub", "id": "3", "name": "stream-notify-room", "params": ["R/user-activity", creds]}),
                json!({"msg": "sub", "id": "4", "name": "stream-notify-room", "params": ["R/deleteMessage", creds]}),
            ]
        );
    }

    #[test]
    fn live_once_every_subscription_is_ready() {
        let (mut p, _) = connected();
        let (_, note) = p.receive(incoming(json!({"msg": "ready", "subs": ["1", "2"]})), 2.0);
        assert_eq!(note, None);
        let (_, note) = p.receive(incoming(json!({"msg": "ready", "subs": ["3", "4"]})), 3.0);
        assert_eq!(note, Some(Note::Live));
        let (_, note) = p.receive(incoming(json!({"msg": "ready", "subs": ["4"]})), 4.0);
        assert_eq!(note, None, "reported once");
        // Without a room, connected is live at once.
        let mut bare = Protocol::new();
        bare.opened(0.0);
        assert_eq!(bare.receive(incoming(json!({"msg": "connected", "session": "s"})), 1.0).1, Some(Note::Live));
    }

    #[test]
    fn a_new_room_unsubscribes_the_old_and_is_live_again_when_ready() {
        let (mut p, _) = connected();
        p.receive(incoming(json!({"msg": "ready", "subs": ["1", "2", "3", "4"]})), 2.0);
        assert!(p.watch(Some(("R", "T"))).is_empty(), "same room: nothing to do");
        let out: Vec<Value> = p.watch(Some(("S", "T"))).iter().map(wire).collect();
        assert_eq!(out.len(), 8);
        assert_eq!(out[0], json!({"msg": "unsub", "id": "1"}));
        assert_eq!(out[4]["name"], "stream-room-messages");
        assert_eq!(out[4]["params"][0], "S");
        let (_, note) = p.receive(incoming(json!({"msg": "ready", "subs": ["5", "6", "7", "8"]})), 3.0);
        assert_eq!(note, Some(Note::Live));
        let out: Vec<Value> = p.watch(None).iter().map(wire).collect();
        assert_eq!(out.len(), 4, "only unsubs");
        assert!(out.iter().all(|f| f["msg"] == "unsub"));
    }

    #[test]
    fn watching_while_closed_subscribes_on_connect() {
        let mut p = Protocol::new();
        assert!(p.watch(Some(("R", "T"))).is_empty());
        p.opened(0.0);
        assert!(p.watch(Some(("Q", "T"))).is_empty(), "not connected yet");
        let (out, _) = p.receive(incoming(json!({"msg": "connected", "session": "s"})), 1.0);
        assert_eq!(out.len(), 4);
        assert_eq!(wire(&out[0])["params"][0], "Q");
    }

    #[test]
    fn a_refused_subscription_is_reported_by_stream() {
        let (mut p, _) = connected();
        let refusal = json!({"msg": "nosub", "id": "2", "error": {"error": "not-allowed", "reason": "Not allowed"}});
        let (_, note) = p.receive(incoming(refusal), 2.0);
        assert_eq!(note, Some(Note::Refused("stream-livechat-room")));
        // An unsub's answer (no error) is not a refusal.
        assert_eq!(p.receive(incoming(json!({"msg": "nosub", "id": "9"})), 3.0).1, None);
    }

    #[test]
    fn pings_are_answered_with_their_id() {
        let (mut p, _) = connected();
        let (out, _) = p.receive(incoming(json!({"msg": "ping", "id": "x"})), 2.0);
        assert_eq!(out.iter().map(wire).collect::<Vec<_>>(), [json!({"msg": "pong", "id": "x"})]);
        let (out, _) = p.receive(incoming(json!({"msg": "ping"})), 2.0);
        assert_eq!(wire(&out[0]), json!({"msg": "pong"}));
    }

    #[test]
    fn silence_brings_a_ping_and_an_unanswered_ping_a_hang_up() {
        let (mut p, _) = connected();
        assert_eq!(p.tick(1.0 + PING_AFTER), (None, None), "not yet");
        let (ping, note) = p.tick(2.0 + PING_AFTER);
        assert_eq!(note, None);
        assert_eq!(wire(&ping.unwrap())["msg"], "ping");
        assert_eq!(p.tick(2.0 + PING_AFTER + ANSWER_WITHIN), (None, None), "waiting for the pong");
        assert_eq!(p.tick(3.0 + PING_AFTER + ANSWER_WITHIN).1, Some(Note::HangUp));

        // A pong (any frame) in time keeps the link.
        let (mut p, _) = connected();
        p.tick(2.0 + PING_AFTER);
        p.receive(incoming(json!({"msg": "pong", "id": "5"})), 3.0 + PING_AFTER);
        assert_eq!(p.tick(4.0 + PING_AFTER + ANSWER_WITHIN), (None, None));
    }

    #[test]
    fn an_unanswered_handshake_is_a_dead_socket() {
        let mut p = Protocol::new();
        p.opened(100.0);
        assert_eq!(p.tick(100.0 + ANSWER_WITHIN).1, None);
        assert_eq!(p.tick(101.0 + ANSWER_WITHIN).1, Some(Note::HangUp));
        assert_eq!(p.receive(incoming(json!({"msg": "failed", "version": "1"})), 0.0).1, Some(Note::HangUp));
    }

    #[test]
    fn a_socket_that_never_opens_is_given_up() {
        let mut p = Protocol::new();
        p.watch(Some(("R", "T")));
        assert_eq!(p.tick(5.0), (None, None), "no socket being made");
        p.dialing(100.0);
        assert_eq!(p.tick(100.0 + ANSWER_WITHIN), (None, None));
        assert_eq!(p.tick(101.0 + ANSWER_WITHIN).1, Some(Note::HangUp));
        p.closed();
        assert_eq!(p.tick(200.0 + ANSWER_WITHIN), (None, None), "given up: nothing more to time");
        // One that opens in time is timed by its handshake from then on.
        p.dialing(300.0);
        p.opened(305.0);
        assert_eq!(p.tick(305.0 + ANSWER_WITHIN).1, None);
    }

    #[test]
    fn following_nothing_closes_the_link_without_counting_a_failure() {
        let (mut p, _) = connected();
        p.receive(incoming(json!({"msg": "ready", "subs": ["1", "2", "3", "4"]})), 2.0);
        assert_eq!(p.watch(None).len(), 4, "the unsubs go out first");
        assert_eq!(p.link(), Link::Closed);
        assert!(!p.is_live());
        assert_eq!(p.failures(), 0);
        // A new room later waits for a new socket's handshake rather than counting as connected.
        assert!(p.watch(Some(("S", "T"))).is_empty());
        assert!(p.typing("guest", true).is_none());
    }

    #[test]
    fn failures_count_until_a_connection_works_and_polling_starts_after_a_few() {
        let mut p = Protocol::new();
        for n in 1..POLL_AFTER_FAILURES {
            p.opened(0.0);
            p.closed();
            assert_eq!(p.failures(), n);
            assert!(!p.should_poll());
        }
        p.closed();
        assert!(p.should_poll(), "a socket that could not even open counts too");
        p.opened(0.0);
        assert!(p.should_poll(), "still not up");
        p.receive(incoming(json!({"msg": "connected", "session": "s"})), 1.0);
        assert_eq!(p.failures(), 0);
        assert!(!p.should_poll());
        // A working link that drops: one failure, so the first retry comes quickly.
        p.closed();
        assert_eq!(p.failures(), 1);
        p.reset_failures();
        assert_eq!(p.failures(), 0);
    }

    #[test]
    fn polling_stays_under_rocket_chats_history_rate_limit() {
        // `messages.history`: 10 calls per 60 s per address, by default.
        const { assert!(60_000.0 / POLL_EVERY <= 7.5, "a poll a minute to spare for a two-page catch-up and a retry") };
    }

    #[test]
    fn backoff_grows_with_jitter_up_to_a_cap() {
        assert_eq!(backoff(1, 0.0), 500.0);
        assert_eq!(backoff(1, 0.999_999).round(), 1000.0);
        assert_eq!(backoff(2, 0.0), 1000.0);
        assert_eq!(backoff(3, 0.5), 3000.0);
        assert_eq!(backoff(6, 1.0), MAX_BACKOFF);
        assert_eq!(backoff(60, 0.0), MAX_BACKOFF / 2.0);
        assert_eq!(backoff(0, 0.0), 500.0);
        // Jitter spreads widgets that lost the server together.
        assert!(backoff(4, 0.1) < backoff(4, 0.9));
    }

    #[test]
    fn typing_goes_out_as_rocket_chat_sends_it() {
        let mut p = Protocol::new();
        p.watch(Some(("R", "T")));
        assert!(p.typing("guest-1", true).is_none(), "not connected");
        let (mut p, _) = connected();
        let frame = wire(&p.typing("guest-1", true).unwrap());
        assert_eq!(
            frame,
            json!({"msg": "method", "id": "5", "method": "stream-notify-room",
                   "params": ["R/user-activity", "guest-1", ["user-typing"], {"token": "T"}]})
        );
        assert_eq!(wire(&p.typing("guest-1", false).unwrap())["params"][2], json!([]));
    }

    #[test]
    fn typing_is_throttled_and_stops_after_a_pause() {
        let mut t = Typing::default();
        assert!(t.keystroke(0.0));
        assert!(!t.keystroke(1000.0));
        assert!(!t.tick(5999.0));
        assert!(t.keystroke(4500.0), "again after 4.5 s of typing");
        assert!(!t.tick(9499.0));
        assert!(t.tick(9500.0), "stopped 5 s after the last key");
        assert!(!t.tick(20_000.0), "once");
        assert!(t.keystroke(20_000.0));
        assert!(t.stop(), "sending the message stops it");
        assert!(!t.stop());
    }

    /// The news a frame brings, after the subscriptions of room R are ready.
    fn news(frame: Value) -> Vec<Event> {
        let (mut p, _) = connected();
        p.receive(incoming(json!({"msg": "ready", "subs": ["1", "2", "3", "4"]})), 2.0);
        match p.receive(incoming(frame), 3.0) {
            (out, Some(Note::News(news))) if out.is_empty() => news,
            (out, None) if out.is_empty() => Vec::new(),
            other => panic!("not news: {other:?}"),
        }
    }

    fn changed(collection: &str, event: &str, args: Value) -> Value {
        json!({"msg": "changed", "collection": collection, "id": "id", "fields": {"eventName": event, "args": args}})
    }

    #[test]
    fn stream_events_of_the_watched_room_are_news() {
        let m =
            json!({"_id": "m1", "rid": "R", "msg": "hi", "ts": {"$date": 5}, "u": {"_id": "a1", "username": "agent"}});
        let [Event::Message(got)] = &news(changed("stream-room-messages", "R", json!([m])))[..] else { panic!() };
        assert_eq!((got.id.as_str(), got.msg.as_str(), got.ts.map(|t| t.0)), ("m1", "hi", Some(5)));

        let deleted = news(changed("stream-notify-room", "R/deleteMessage", json!([{"_id": "m1"}, {"_id": "m2"}])));
        assert_eq!(
            deleted,
            [Event::Deleted { rid: "R".into(), id: "m1".into() }, Event::Deleted { rid: "R".into(), id: "m2".into() }]
        );

        let typing = |activities: Value| {
            news(changed("stream-notify-room", "R/user-activity", json!(["agent", activities, {"token": "T"}])))
        };
        let on = |on| vec![Event::Typing { rid: "R".into(), username: "agent".into(), on }];
        assert_eq!(typing(json!(["user-typing"])), on(true));
        assert_eq!(typing(json!([])), on(false));
        assert_eq!(typing(json!(["user-recording"])), on(false), "only typing is typing");

        let room = news(changed(
            "stream-livechat-room",
            "R",
            json!([
                {"type": "queueData", "data": {"spot": 2}},
                {"type": "somethingNew"},
                {"type": "agentData", "data": null},
            ]),
        ));
        assert_eq!(
            room,
            [
                Event::Room {
                    rid: "R".into(),
                    news: Box::new(LivechatRoomEvent::QueueData {
                        data: Some(QueueData { spot: 2, ..QueueData::default() })
                    })
                },
                Event::Room { rid: "R".into(), news: Box::new(LivechatRoomEvent::AgentData { data: None }) },
            ],
            "an event type not known here is left out"
        );
    }

    #[test]
    fn stream_events_of_other_rooms_and_streams_are_not_news() {
        let m = json!([{"_id": "m1", "rid": "S", "msg": "hi"}]);
        assert_eq!(news(changed("stream-room-messages", "S", m.clone())), []);
        assert_eq!(news(changed("stream-notify-room", "S/deleteMessage", json!([{"_id": "m1"}]))), []);
        assert_eq!(news(changed("stream-notify-room", "RS/user-activity", json!(["agent", ["user-typing"]]))), []);
        assert_eq!(news(changed("stream-notify-user", "R", m.clone())), []);
        // Nothing watched: nothing is news.
        let mut p = Protocol::new();
        p.opened(0.0);
        assert_eq!(p.receive(incoming(changed("stream-room-messages", "R", m)), 1.0).1, None);
    }

    #[test]
    fn every_frame_is_heard_read_or_not() {
        for frame in [
            incoming(json!({"msg": "result", "id": "5", "result": {"x": 1}})),
            incoming(json!({"msg": "updated", "methods": ["5"]})),
            incoming(json!({"msg": "added", "collection": "users", "id": "u1"})),
            incoming(changed("stream-notify-user", "u1/message", json!([]))),
            None,
        ] {
            let (mut p, _) = connected();
            p.tick(2.0 + PING_AFTER);
            assert_eq!(p.receive(frame.clone(), 3.0 + PING_AFTER), (Vec::new(), None), "{frame:?}");
            assert_eq!(p.tick(4.0 + PING_AFTER + ANSWER_WITHIN), (None, None), "{frame:?} answers the ping");
        }
        // Unknown frames decode as such rather than failing.
        assert_eq!(incoming(json!({"msg": "added"})), Some(ServerFrame::Other));
    }

    #[test]
    fn events_are_classified_for_the_watched_room_only() {
        assert_eq!(classify("stream-room-messages", "R", "R"), Some(StreamKind::Message));
        assert_eq!(classify("stream-livechat-room", "R", "R"), Some(StreamKind::Room));
        assert_eq!(classify("stream-notify-room", "R/user-activity", "R"), Some(StreamKind::Activity));
        assert_eq!(classify("stream-notify-room", "R/deleteMessage", "R"), Some(StreamKind::Deleted));
        assert_eq!(classify("stream-room-messages", "OTHER", "R"), None);
        assert_eq!(classify("stream-notify-room", "RX/deleteMessage", "R"), None);
        assert_eq!(classify("stream-notify-user", "R", "R"), None);
    }

    #[test]
    fn socket_addresses() {
        assert_eq!(socket_url("https://chat.example.com/"), "wss://chat.example.com/websocket");
        assert_eq!(socket_url("http://127.0.0.1:3000"), "ws://127.0.0.1:3000/websocket");
        assert_eq!(socket_url("https://example.com/support"), "wss://example.com/support/websocket");
    }
}
