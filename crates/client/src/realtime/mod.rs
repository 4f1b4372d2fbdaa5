//! Realtime: Rocket.Chat's DDP over the browser's WebSocket.
//!
//! [`protocol`] is the protocol as pure logic (handshake, the room's subscriptions, keep-alive,
//! backoff, typing throttle), tested natively. [`Realtime`] is the thin driver around it: one
//! `WebSocket` at a time, one half-second timer for every time-based decision, the browser's
//! `online`/`offline` events, and one callback that hands the session what happened
//! ([`Event`]). It never talks REST: catching up from history and resending the outbox are the
//! session's, on [`Event::Live`] and [`Event::Poll`].
//!
//! * The socket opens only while a room is watched, and re-subscribes after every reconnect.
//! * A socket silent for [`protocol::PING_AFTER`] is pinged; one that does not answer within
//!   [`protocol::ANSWER_WITHIN`] is closed and replaced.
//! * Reconnection waits grow exponentially with jitter up to [`protocol::MAX_BACKOFF`]; the
//!   browser going back online reconnects at once.
//! * After [`protocol::POLL_AFTER_FAILURES`] failed attempts in a row (or when the site turned
//!   WebSocket off) the session is asked to poll history every [`protocol::POLL_EVERY`] ms until
//!   the socket is back.

pub mod protocol;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use livechat_wire::ddp::LivechatRoomEvent;
use livechat_wire::message::Message;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, WebSocket};

use protocol::{Incoming, Link, Note, Outgoing, Protocol, Typing, backoff};

/// The realtime connection as the visitor sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// No room to follow: no socket.
    #[default]
    Idle,
    /// Connecting for the first time.
    Connecting,
    /// Connected and subscribed: news arrives as it happens.
    Live,
    /// The connection was lost; reconnecting.
    Reconnecting,
    /// The socket keeps failing (or is turned off): history is polled instead.
    Polling,
    /// The browser is offline.
    Offline,
}

/// What the driver tells the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Status(Status),
    /// Connected and subscribed to the watched room: catch up from history, resend the outbox.
    Live,
    /// Polling: fetch what is new from history now.
    Poll,
    /// The browser is back online: resend the outbox.
    Online,
    /// A subscription was refused (the room closed, or is not the visitor's).
    Refused,
    /// A message was sent or changed in the room.
    Message(Box<Message>),
    /// The message `id` of room `rid` was deleted.
    Deleted {
        rid: String,
        id: String,
    },
    /// Someone (`username`) started (`on`) or stopped typing in room `rid`.
    Typing {
        rid: String,
        username: String,
        on: bool,
    },
    /// Agent, queue or visitor news of room `rid`.
    Room {
        rid: String,
        news: Box<LivechatRoomEvent>,
    },
}

/// How often the timer runs (ms).
const TICK: i32 = 500;

struct State {
    url: String,
    proto: Protocol,
    typing: Typing,
    /// The visitor's username, for "stopped typing".
    username: String,
    socket: Option<WebSocket>,
    /// When the next connection attempt may start.
    retry_at: f64,
    /// When history is polled next, while polling.
    poll_at: f64,
    online: bool,
    use_socket: bool,
    /// The link has been live at least once (a loss after that is "reconnecting").
    was_live: bool,
    status: Status,
    stopped: bool,
}

/// What a browser callback reports: the index of its handler in [`Handlers::on`].
const OPEN: usize = 0;
const MESSAGE: usize = 1;
const CLOSE: usize = 2;
const TICK_: usize = 3;
const ONLINE: usize = 4;
const OFFLINE: usize = 5;

/// Every browser callback has one shape (one closure type: its glue exists once) and says
/// which it is.
type Handler = Closure<dyn FnMut(JsValue)>;

struct Handlers {
    on: [Handler; 6],
    interval: i32,
}

struct Shared {
    state: RefCell<State>,
    on: Box<dyn Fn(Event)>,
    js: RefCell<Option<Handlers>>,
}

/// The realtime connection of one session. Cloning shares it; it stops when the last clone is
/// dropped (or on [`Realtime::stop`]).
#[derive(Clone)]
pub struct Realtime(Rc<Shared>);

fn now() -> f64 {
    js_sys::Date::now()
}

impl Realtime {
    /// A realtime connection to the server at `server_url`; `use_socket: false` polls history
    /// instead. Nothing connects until a room is watched.
    pub fn new(server_url: &str, use_socket: bool, on: Box<dyn Fn(Event)>) -> Realtime {
        let shared = Rc::new_cyclic(|weak: &Weak<Shared>| {
            let state = State {
                url: protocol::socket_url(server_url),
                proto: Protocol::new(),
                typing: Typing::default(),
                username: String::new(),
                socket: None,
                retry_at: 0.0,
                poll_at: 0.0,
                online: web_sys::window().is_none_or(|w| w.navigator().on_line()),
                use_socket,
                was_live: false,
                status: Status::Idle,
                stopped: false,
            };
            let handlers = [OPEN, MESSAGE, CLOSE, TICK_, ONLINE, OFFLINE].map(|kind| handler(weak.clone(), kind));
            let mut interval = 0;
            if let Some(window) = web_sys::window() {
                interval = window
                    .set_interval_with_callback_and_timeout_and_arguments_0(js(&handlers[TICK_]), TICK)
                    .unwrap_or(0);
                let _ = window.add_event_listener_with_callback("online", js(&handlers[ONLINE]));
                let _ = window.add_event_listener_with_callback("offline", js(&handlers[OFFLINE]));
            }
            let handlers = Handlers { on: handlers, interval };
            Shared { state: RefCell::new(state), on, js: RefCell::new(Some(handlers)) }
        });
        Realtime(shared)
    }

    /// Follows room `rid` with the visitor's `token`, or nothing (`None`: the socket closes).
    pub fn watch(&self, room: Option<(&str, &str)>) {
        let s = &self.0;
        let out = s.state.borrow_mut().proto.watch(room);
        s.send_all(&out);
        if room.is_none() {
            s.close_socket();
        }
        // Connect (or start polling) now rather than at the next tick.
        s.tick();
    }

    /// The visitor pressed a key in the composer.
    pub fn keystroke(&self, username: &str) {
        let frame = {
            let mut st = self.0.state.borrow_mut();
            st.username = username.to_owned();
            if st.typing.keystroke(now()) { st.proto.typing(username, true) } else { None }
        };
        self.0.send_all(frame.as_slice());
    }

    /// The visitor sent the message being typed.
    pub fn typing_done(&self) {
        self.0.stop_typing();
    }

    pub fn status(&self) -> Status {
        self.0.state.borrow().status
    }

    /// Drops the socket as a network failure would: reconnection follows after the backoff.
    /// For fault drills and tests.
    pub fn kill(&self) {
        self.0.lost(true);
    }

    /// What the browser's `online` / `offline` events do (tests call it to simulate them).
    pub fn set_online(&self, online: bool) {
        self.0.set_online(online);
    }

    /// Polls no sooner than `ms` from now (the server said to slow down).
    pub fn poll_later(&self, ms: f64) {
        let mut st = self.0.state.borrow_mut();
        st.poll_at = st.poll_at.max(now() + ms);
    }

    /// Closes the socket and stops every timer for good.
    pub fn stop(&self) {
        self.0.shutdown();
    }
}

/// The browser callback `kind` of the connection `weak` points to.
fn handler(weak: Weak<Shared>, kind: usize) -> Handler {
    Closure::new(move |e: JsValue| {
        let Some(s) = weak.upgrade() else { return };
        match kind {
            OPEN => s.opened(),
            MESSAGE => {
                if let Some(text) = e.unchecked_into::<MessageEvent>().data().as_string() {
                    s.received(&text);
                }
            }
            CLOSE => s.lost(false),
            TICK_ => s.tick(),
            _ => s.set_online(kind == ONLINE),
        }
    })
}

fn js(h: &Handler) -> &js_sys::Function {
    h.as_ref().unchecked_ref()
}

impl Shared {
    fn emit(&self, event: Event) {
        if !self.state.borrow().stopped {
            (self.on)(event);
        }
    }

    fn send_all(&self, frames: &[Outgoing]) {
        let st = self.state.borrow();
        let Some(socket) = st.socket.as_ref().filter(|s| s.ready_state() == WebSocket::OPEN) else { return };
        for frame in frames {
            let _ = socket.send_with_str(&crate::json::to_string(frame));
        }
    }

    /// Re-reads the status and tells the session when it changed.
    fn update_status(&self) {
        let changed = {
            let mut st = self.state.borrow_mut();
            let status = if !st.online {
                Status::Offline
            } else if st.proto.room().is_none() {
                Status::Idle
            } else if st.proto.link() == Link::Connected {
                Status::Live
            } else if !st.use_socket || st.proto.should_poll() {
                Status::Polling
            } else if st.was_live {
                Status::Reconnecting
            } else {
                Status::Connecting
            };
            (st.status != status).then(|| {
                st.status = status;
                status
            })
        };
        if let Some(status) = changed {
            self.emit(Event::Status(status));
        }
    }

    fn connect(&self) {
        let made = {
            let st = self.state.borrow();
            let handlers = self.js.borrow();
            let Some(h) = handlers.as_ref() else { return };
            WebSocket::new(&st.url).ok().inspect(|ws| {
                ws.set_onopen(Some(js(&h.on[OPEN])));
                ws.set_onmessage(Some(js(&h.on[MESSAGE])));
                ws.set_onclose(Some(js(&h.on[CLOSE])));
            })
        };
        let mut st = self.state.borrow_mut();
        match made {
            Some(ws) => {
                st.socket = Some(ws);
                st.proto.dialing(now());
            }
            // No WebSocket here (or the address is refused outright): a failure like any other.
            None => {
                st.proto.closed();
                st.retry_at = now() + backoff(st.proto.failures(), js_sys::Math::random());
            }
        }
    }

    fn opened(&self) {
        let frame = self.state.borrow_mut().proto.opened(now());
        self.send_all(&[frame]);
    }

    fn received(&self, text: &str) {
        // Decoded once, by the wire crate's decoders; what it means is the protocol's to say.
        let frame = js_sys::JSON::parse(text).ok().and_then(|v| crate::json::decode::<Incoming>(v).ok());
        let (out, note) = self.state.borrow_mut().proto.receive(frame, now());
        self.send_all(&out);
        match note {
            Some(Note::Live) => {
                self.state.borrow_mut().was_live = true;
                self.update_status();
                self.emit(Event::Live);
            }
            Some(Note::HangUp) => self.lost(true),
            Some(Note::Refused(_)) => self.emit(Event::Refused),
            Some(Note::News(news)) => news.into_iter().for_each(|e| self.emit(e)),
            None => {}
        }
    }

    /// Takes the socket away from its handlers and closes it.
    fn close_socket(&self) {
        let socket = self.state.borrow_mut().socket.take();
        if let Some(ws) = socket {
            ws.set_onopen(None);
            ws.set_onmessage(None);
            ws.set_onclose(None);
            let _ = ws.close();
        }
    }

    /// The socket closed, died or was dropped (`ours`: we closed it): reconnect after the backoff.
    fn lost(&self, ours: bool) {
        if ours {
            self.close_socket();
        } else {
            self.state.borrow_mut().socket = None;
        }
        {
            let mut st = self.state.borrow_mut();
            st.proto.closed();
            st.retry_at = now() + backoff(st.proto.failures(), js_sys::Math::random());
            // Polling starts at once when it starts.
            st.poll_at = 0.0;
            st.typing.stop();
        }
        self.update_status();
    }

    fn stop_typing(&self) {
        let frame = {
            let mut st = self.state.borrow_mut();
            if st.typing.stop() {
                let username = st.username.clone();
                st.proto.typing(&username, false)
            } else {
                None
            }
        };
        self.send_all(frame.as_slice());
    }

    fn set_online(&self, online: bool) {
        if self.state.borrow().online == online {
            return;
        }
        self.state.borrow_mut().online = online;
        if online {
            {
                let mut st = self.state.borrow_mut();
                st.proto.reset_failures();
                st.retry_at = 0.0;
                st.poll_at = 0.0;
            }
            self.emit(Event::Online);
            self.tick();
        } else {
            self.close_socket();
            let mut st = self.state.borrow_mut();
            if st.proto.link() != Link::Closed {
                st.proto.closed();
                st.proto.reset_failures();
            }
        }
        self.update_status();
    }

    /// Every time-based decision: keep-alive, typing pause, reconnection, polling.
    fn tick(&self) {
        let t = now();
        let (frames, hang_up, connect, poll) = {
            let mut st = self.state.borrow_mut();
            if st.stopped {
                return;
            }
            let mut frames = Vec::new();
            let mut hang_up = false;
            if st.socket.is_some() {
                let (ping, note) = st.proto.tick(t);
                frames.extend(ping);
                hang_up = matches!(note, Some(Note::HangUp));
            }
            if st.typing.tick(t) {
                let username = st.username.clone();
                frames.extend(st.proto.typing(&username, false));
            }
            let watching = st.online && st.proto.room().is_some();
            let connect = watching && st.use_socket && st.socket.is_none() && t >= st.retry_at;
            let poll = watching && (!st.use_socket || st.proto.should_poll()) && t >= st.poll_at;
            if poll {
                st.poll_at = t + protocol::POLL_EVERY;
            }
            (frames, hang_up, connect, poll)
        };
        self.send_all(&frames);
        if hang_up {
            self.lost(true);
        }
        if connect {
            self.connect();
        }
        self.update_status();
        if poll {
            self.emit(Event::Poll);
        }
    }

    fn shutdown(&self) {
        self.close_socket();
        self.state.borrow_mut().stopped = true;
        if let (Some(h), Some(window)) = (self.js.borrow_mut().take(), web_sys::window()) {
            window.clear_interval_with_handle(h.interval);
            let _ = window.remove_event_listener_with_callback("online", js(&h.on[ONLINE]));
            let _ = window.remove_event_listener_with_callback("offline", js(&h.on[OFFLINE]));
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.shutdown();
    }
}
