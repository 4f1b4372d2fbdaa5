//! DDP over WebSocket at `/websocket`: the handshake, heartbeats, the three Livechat streams and
//! the methods a widget or console calls (`stream-notify-room` for typing, `login` by resume
//! token for agents, `livechat:setUpConnection` from Rocket.Chat's own widget).
//!
//! Visitors never log in: each subscription carries the visitor's token and is authorised once,
//! at subscribe time, against the room's `v.token`, as Rocket.Chat does.
//!
//! Memory per connection is bounded: stream events and direct replies wait in bounded queues,
//! and a connection that lets either fill up (it is not reading) is closed with code 4000 and
//! loses its subscriptions; a client reconnects and re-syncs from history. A connection holds at
//! most [`MAX_SUBSCRIPTIONS`] subscriptions.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use livechat_wire::ddp::{self, ClientFrame, DdpError, ServerFrame, streams};
use livechat_wire::error::code;
use livechat_wire::room::Room;
use rusqlite::Connection;
use serde_json::{Value, json};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::mpsc::{Sender, channel};
use tokio::sync::{Notify, oneshot};
use tokio::time::Instant;

use crate::guest;
use crate::hub::{ConnId, Outbox, activity_args};
use crate::store::{self, User};
use crate::{AppState, ids};

/// Silence after which the server pings, and after which (twice that) it hangs up.
const PING_AFTER: Duration = Duration::from_secs(30);

pub fn router() -> Router<AppState> {
    Router::new().route("/websocket", get(upgrade))
}

async fn upgrade(ws: WebSocketUpgrade, State(state): State<AppState>) -> Response {
    ws.max_message_size(state.config.max_body_bytes).on_upgrade(move |socket| run(socket, state))
}

/// Stream events a connection may have queued before it counts as not reading.
const STREAM_QUEUE: usize = 1024;
/// Direct replies (results, pongs, errors) a connection may have queued likewise.
const REPLY_QUEUE: usize = 256;
/// Subscriptions one connection may hold at once.
pub const MAX_SUBSCRIPTIONS: usize = 64;
/// How long a closing connection's writer may take to flush before the socket is dropped.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

struct Session {
    state: AppState,
    conn: ConnId,
    /// Direct replies, bounded.
    tx: Sender<String>,
    /// Where this connection's stream events go, and its kick.
    outbox: Outbox,
    /// Tells the writer to send a close frame; taken when used.
    close: Option<oneshot::Sender<(u16, &'static str)>>,
    connected: bool,
    /// The hashed resume token of the DDP `login`, if any. It is checked against
    /// `login_tokens` whenever the agent's access counts, so a REST `logout` ends it.
    login: Option<String>,
    /// Subscription id → (stream, event).
    subs: HashMap<String, (String, String)>,
    /// The visitor token of `livechat:setUpConnection`: when the connection ends, that
    /// visitor's open rooms show it offline.
    livechat_token: Option<String>,
}

async fn run(socket: WebSocket, state: AppState) {
    let (mut sink, mut incoming) = socket.split();
    let (tx, mut rx) = channel::<String>(REPLY_QUEUE);
    let (hub_tx, mut hub_rx) = channel::<String>(STREAM_QUEUE);
    let (close_tx, mut close_rx) = oneshot::channel::<(u16, &'static str)>();
    // One writer sends both queues; a close request wins over anything still queued.
    let mut writer = tokio::spawn(async move {
        loop {
            let text = tokio::select! {
                biased;
                close = &mut close_rx => {
                    if let Ok((code, reason)) = close {
                        // Replies already queued (a `failed` before its close) go out first.
                        while let Ok(text) = rx.try_recv() {
                            if sink.send(WsMessage::Text(text.into())).await.is_err() {
                                return;
                            }
                        }
                        let _ = sink.send(WsMessage::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
                    }
                    return;
                }
                Some(text) = rx.recv() => text,
                Some(text) = hub_rx.recv() => text,
                else => return,
            };
            if sink.send(WsMessage::Text(text.into())).await.is_err() {
                return;
            }
        }
    });

    let conn = state.hub.connect();
    let kick = Arc::new(Notify::new());
    let outbox = Outbox { tx: hub_tx, kick: kick.clone() };
    let mut session = Session {
        state,
        conn,
        tx,
        outbox,
        close: Some(close_tx),
        connected: false,
        login: None,
        subs: HashMap::new(),
        livechat_token: None,
    };
    let mut last_heard = Instant::now();
    let mut pinged = false;
    loop {
        let deadline = last_heard + if pinged { PING_AFTER * 2 } else { PING_AFTER };
        tokio::select! {
            biased;
            // A queue overflowed: the client is not reading. It reconnects and re-syncs.
            _ = kick.notified() => {
                session.close(4000, "too slow");
                break;
            }
            next = incoming.next() => match next {
                Some(Ok(WsMessage::Text(text))) => {
                    last_heard = Instant::now();
                    pinged = false;
                    if !session.handle(text.as_str()) {
                        break;
                    }
                }
                Some(Ok(WsMessage::Binary(_))) => {
                    session.send_raw(json!({"msg": "error", "reason": "Bad request"}));
                }
                Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => last_heard = Instant::now(),
                Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => break,
            },
            _ = tokio::time::sleep_until(deadline) => {
                if pinged {
                    session.close(4000, "TIMEOUT");
                    break;
                }
                session.send(ServerFrame::Ping { id: None });
                pinged = true;
            }
        }
    }
    session.state.hub.disconnect(conn);
    if let Some(token) = session.livechat_token.take() {
        guest_went_offline(&session.state, &token);
    }
    // Without a close request (the client left) the writer stops at once.
    drop(session);
    // The writer flushes and sends the close frame while what the client still sends is read
    // and dropped, until it answers the close. A client that reads nothing would stall the
    // writer forever: it gets a moment, then the socket is dropped.
    let drain = async { while let Some(Ok(_)) = incoming.next().await {} };
    if tokio::time::timeout(CLOSE_GRACE, async { tokio::join!(&mut writer, drain) }).await.is_err() {
        writer.abort();
    }
}

type Frame = ServerFrame<Value, Value>;

/// `notifyGuestStatusChanged(token, 'offline')`, run when a connection set up by
/// `livechat:setUpConnection` closes: the visitor's open rooms (and so their inquiries) carry
/// `v.status: "offline"`. The visitor record itself keeps its status, as in Rocket.Chat.
fn guest_went_offline(state: &AppState, token: &str) {
    let now = state.clock.now();
    if let Err(e) = store::set_open_rooms_visitor_offline(&state.db.conn(), token, now) {
        eprintln!("internal error: visitor status: {e:?}");
    }
}

/// What a Meteor method answers when its `check` fails (`Match.Error`'s sanitized error).
fn match_failed() -> Value {
    json!({"isClientSafe": true, "error": 400, "reason": "Match failed",
           "message": "Match failed [400]", "errorType": "Meteor.Error"})
}

impl Session {
    fn send(&self, frame: Frame) {
        if let Ok(text) = serde_json::to_string(&frame) {
            self.queue(text);
        }
    }

    fn send_raw(&self, value: Value) {
        self.queue(value.to_string());
    }

    /// Queues a direct reply; a full queue means the client is not reading, and closes it.
    fn queue(&self, text: String) {
        if let Err(TrySendError::Full(_)) = self.tx.try_send(text) {
            self.outbox.kick.notify_one();
        }
    }

    /// Asks the writer to send a close frame after the replies already queued.
    fn close(&mut self, code: u16, reason: &'static str) {
        if let Some(close) = self.close.take() {
            let _ = close.send((code, reason));
        }
    }

    /// Handles one text frame; false to hang up.
    fn handle(&mut self, text: &str) -> bool {
        // As Meteor's `EJSON.parse`: a lone surrogate escape is no reason to refuse a frame.
        let Some(value) = crate::extract::parse_json(text.as_bytes()) else {
            self.send_raw(json!({"msg": "error", "reason": "Bad request"}));
            return true;
        };
        let frame = match serde_json::from_value::<ClientFrame<Value>>(value.clone()) {
            Ok(frame) => frame,
            Err(_) => {
                if !self.connected {
                    self.close(1002, "first message must be connect");
                    return false;
                }
                self.send_raw(json!({"msg": "error", "reason": "Bad request", "offendingMessage": value}));
                return true;
            }
        };
        if !self.connected {
            let ClientFrame::Connect { version, support } = frame else {
                self.close(1002, "first message must be connect");
                return false;
            };
            if version == ddp::VERSION || support.iter().any(|v| v == ddp::VERSION) {
                self.connected = true;
                self.send(ServerFrame::Connected { session: ids::random_id() });
            } else {
                // As Meteor: `failed` with the version we speak, then hang up.
                self.send(ServerFrame::Failed { version: ddp::VERSION.into() });
                self.close(1000, "Normal closure");
                return false;
            }
            return true;
        }
        match frame {
            ClientFrame::Connect { .. } => {}
            ClientFrame::Ping { id } => self.send(ServerFrame::Pong { id }),
            ClientFrame::Pong { .. } => {}
            ClientFrame::Sub { id, name, params } => {
                let known =
                    [streams::ROOM_MESSAGES, streams::LIVECHAT_ROOM, streams::NOTIFY_ROOM].contains(&name.as_str());
                // As Meteor: an id already in use is ignored (no second `ready`; the first
                // subscription stays), after the check that the publication exists.
                if known && self.subs.contains_key(&id) {
                    return true;
                }
                let decision = if known && self.subs.len() >= MAX_SUBSCRIPTIONS {
                    Err(json!(DdpError::meteor(code::TOO_MANY_SUBSCRIPTIONS, "Too many subscriptions")))
                } else {
                    self.authorize(&name, &params)
                };
                match decision {
                    Ok((stream, event)) => {
                        self.subs.insert(id.clone(), (stream.clone(), event.clone()));
                        self.state.hub.subscribe(self.conn, &id, &stream, &event, self.outbox.clone());
                        self.send(ServerFrame::Ready { subs: vec![id] });
                    }
                    Err(error) => self.send_raw(json!({"msg": "nosub", "id": id, "error": error})),
                }
            }
            ClientFrame::Unsub { id } => {
                self.subs.remove(&id);
                self.state.hub.unsubscribe(self.conn, &id);
                self.send(ServerFrame::NoSub { id, error: None });
            }
            ClientFrame::Method { id, method, params } => {
                match self.call(&method, &params) {
                    Ok(result) => self.send(ServerFrame::Result { id: id.clone(), result, error: None }),
                    Err(error) => self.send_raw(json!({"msg": "result", "id": id, "error": error})),
                }
                self.send(ServerFrame::Updated { methods: vec![id] });
            }
        }
        true
    }

    /// The room `rid` if this connection may follow it: the visitor's token matches `v.token`,
    /// or the logged-in agent serves it or may see all rooms.
    fn room_access(&mut self, rid: &str, token: Option<&str>) -> Option<Room> {
        let db = self.state.db.clone();
        let conn = db.conn();
        let room = store::room_by_id(&conn, rid).ok().flatten()?;
        if token.is_some_and(|t| guest::owns(&room, t)) {
            return Some(room);
        }
        let agent = self.agent(&conn)?;
        let agent_ok = agent.can("view-livechat-rooms") || room.is_served_by(&agent.id);
        agent_ok.then_some(room)
    }

    /// The logged-in user as it is now, or `None`. A login whose token is gone from
    /// `login_tokens` (revoked by REST `logout`) is dropped.
    fn agent(&mut self, conn: &Connection) -> Option<User> {
        let hashed = self.login.as_deref()?;
        match store::user_by_hashed_token(conn, hashed) {
            Ok(Some(user)) => Some(user),
            Ok(None) => {
                self.login = None;
                None
            }
            // A database failure refuses this time without ending the login.
            Err(_) => None,
        }
    }

    /// Decides a subscription: `(stream, event)` to register, or the `nosub` error.
    fn authorize(&mut self, name: &str, params: &Value) -> Result<(String, String), Value> {
        let not_allowed = || json!(DdpError::meteor(code::NOT_ALLOWED, "Not allowed"));
        let event = params.get(0).and_then(Value::as_str).ok_or_else(not_allowed)?;
        let creds = params.get(1).and_then(|o| o.get("args")).and_then(|a| a.get(0));
        let cred = |key: &str| creds.and_then(|c| c.get(key)).and_then(Value::as_str);
        match name {
            streams::ROOM_MESSAGES | streams::LIVECHAT_ROOM => {
                let token = cred("visitorToken").or(cred("token"));
                self.room_access(event, token).ok_or_else(not_allowed)?;
            }
            streams::NOTIFY_ROOM => {
                // As Rocket.Chat's `streamRoom.allowRead`: whoever may follow the room may
                // listen to any of its events, so the legacy `<rid>/typing` that Rocket.Chat's
                // widget 1.x subscribes to is accepted too. Nothing is sent on it: Rocket.Chat
                // 6.0 stopped publishing `typing` (typing is `<rid>/user-activity` only).
                let rid = event.split('/').next().unwrap_or_default();
                self.room_access(rid, cred("token").or(cred("visitorToken"))).ok_or_else(not_allowed)?;
            }
            other => {
                let reason = format!("Subscription '{other}' not found");
                return Err(json!({"isClientSafe": true, "error": 404, "reason": reason,
                                  "message": format!("{reason} [404]"), "errorType": "Meteor.Error"}));
            }
        }
        Ok((name.to_owned(), event.to_owned()))
    }

    fn call(&mut self, method: &str, params: &Value) -> Result<Option<Value>, Value> {
        match method {
            "login" => {
                let logged_out = || {
                    let reason = "You've been logged out by the server. Please log in again.";
                    json!({"isClientSafe": true, "error": 403, "reason": reason,
                           "message": format!("{reason} [403]"), "errorType": "Meteor.Error"})
                };
                let token =
                    params.get(0).and_then(|p| p.get("resume")).and_then(Value::as_str).ok_or_else(logged_out)?;
                let hashed = ids::sha256_hex(&[token.as_bytes()]);
                let user = store::user_by_hashed_token(&self.state.db.conn(), &hashed)
                    .ok()
                    .flatten()
                    .ok_or_else(logged_out)?;
                let result = json!({"id": user.id, "token": token, "tokenExpires": {"$date": 253402300799000i64}, "type": "resume"});
                self.login = Some(hashed);
                Ok(Some(result))
            }
            "livechat:setUpConnection" => {
                // `check(data, {token: String})`; the first token given is kept for this
                // connection, whether or not a visitor has it (Rocket.Chat does not look).
                let token = params
                    .get(0)
                    .and_then(Value::as_object)
                    .filter(|data| data.len() == 1)
                    .and_then(|data| data.get("token"))
                    .and_then(Value::as_str)
                    .ok_or_else(match_failed)?;
                if self.livechat_token.is_none() {
                    self.livechat_token = Some(token.to_owned());
                }
                Ok(None)
            }
            streams::NOTIFY_ROOM => {
                // `[<rid>/user-activity, username, activities, {token}]`. A write the rule
                // refuses is dropped silently; the caller gets an empty result either way.
                let event = params.get(0).and_then(Value::as_str).unwrap_or("");
                if let Some(rid) = event.strip_suffix("/user-activity") {
                    let username = params.get(1).and_then(Value::as_str).unwrap_or("");
                    let activities: Vec<String> = params
                        .get(2)
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                        .unwrap_or_default();
                    let extra = params.get(3);
                    let token = extra.and_then(|e| e.get("token")).and_then(Value::as_str);
                    if !username.is_empty() && self.room_access(rid, token).is_some() {
                        let args = activity_args(username, &activities, None);
                        self.state.hub.publish(streams::NOTIFY_ROOM, event, &args, Some(self.conn));
                    }
                }
                Ok(None)
            }
            other => {
                let reason = format!("Method '{other}' not found");
                Err(json!({"isClientSafe": true, "error": 404, "reason": reason,
                           "message": format!("{reason} [404]"), "errorType": "Meteor.Error"}))
            }
        }
    }
}
