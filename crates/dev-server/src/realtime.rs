//! DDP over WebSocket at `/websocket`: the handshake, heartbeats, the three Livechat streams and
//! the methods a widget or console calls (`stream-notify-room` for typing, `login` by resume
//! token for agents).
//!
//! Visitors never log in: each subscription carries the visitor's token and is authorised once,
//! at subscribe time, against the room's `v.token`, as Rocket.Chat does.

use std::collections::HashMap;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use livechat_wire::ddp::{self, ClientFrame, DdpError, ServerFrame, streams};
use livechat_wire::room::Room;
use serde_json::{Value, json};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::time::Instant;

use crate::hub::{ConnId, activity_args};
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

/// What the writer task sends.
enum Out {
    Text(String),
    Close(u16, &'static str),
}

struct Session {
    state: AppState,
    conn: ConnId,
    tx: UnboundedSender<Out>,
    connected: bool,
    user: Option<User>,
    /// Subscription id → (stream, event).
    subs: HashMap<String, (String, String)>,
}

async fn run(socket: WebSocket, state: AppState) {
    let (mut sink, mut incoming) = socket.split();
    let (tx, mut rx) = unbounded_channel::<Out>();
    let (hub_tx, mut hub_rx) = unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        while let Some(out) = rx.recv().await {
            let frame = match out {
                Out::Text(text) => WsMessage::Text(text.into()),
                Out::Close(code, reason) => {
                    let _ = sink.send(WsMessage::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
                    break;
                }
            };
            if sink.send(frame).await.is_err() {
                break;
            }
        }
    });
    // Stream events arrive as ready-made text; forward them through the one writer.
    let forward_tx = tx.clone();
    let forwarder = tokio::spawn(async move {
        while let Some(text) = hub_rx.recv().await {
            if forward_tx.send(Out::Text(text)).is_err() {
                break;
            }
        }
    });

    let conn = state.hub.connect();
    let mut session = Session { state, conn, tx, connected: false, user: None, subs: HashMap::new() };
    let mut last_heard = Instant::now();
    let mut pinged = false;
    loop {
        let deadline = last_heard + if pinged { PING_AFTER * 2 } else { PING_AFTER };
        tokio::select! {
            next = incoming.next() => match next {
                Some(Ok(WsMessage::Text(text))) => {
                    last_heard = Instant::now();
                    pinged = false;
                    if !session.handle(text.as_str(), &hub_tx) {
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
                    let _ = session.tx.send(Out::Close(4000, "TIMEOUT"));
                    break;
                }
                session.send(ServerFrame::Ping { id: None });
                pinged = true;
            }
        }
    }
    session.state.hub.disconnect(conn);
    drop(session);
    forwarder.abort();
    let _ = writer.await;
}

type Frame = ServerFrame<Value, Value>;

impl Session {
    fn send(&self, frame: Frame) {
        if let Ok(text) = serde_json::to_string(&frame) {
            let _ = self.tx.send(Out::Text(text));
        }
    }

    fn send_raw(&self, value: Value) {
        let _ = self.tx.send(Out::Text(value.to_string()));
    }

    /// Handles one text frame; false to hang up.
    fn handle(&mut self, text: &str, hub_tx: &UnboundedSender<String>) -> bool {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            self.send_raw(json!({"msg": "error", "reason": "Bad request"}));
            return true;
        };
        let frame = match serde_json::from_value::<ClientFrame<Value>>(value.clone()) {
            Ok(frame) => frame,
            Err(_) => {
                if !self.connected {
                    let _ = self.tx.send(Out::Close(1002, "first message must be connect"));
                    return false;
                }
                self.send_raw(json!({"msg": "error", "reason": "Bad request", "offendingMessage": value}));
                return true;
            }
        };
        if !self.connected {
            let ClientFrame::Connect { version, support } = frame else {
                let _ = self.tx.send(Out::Close(1002, "first message must be connect"));
                return false;
            };
            if version == ddp::VERSION || support.iter().any(|v| v == ddp::VERSION) {
                self.connected = true;
                self.send(ServerFrame::Connected { session: ids::random_id() });
            } else {
                self.send(ServerFrame::Failed { version: ddp::VERSION.into() });
            }
            return true;
        }
        match frame {
            ClientFrame::Connect { .. } => {}
            ClientFrame::Ping { id } => self.send(ServerFrame::Pong { id }),
            ClientFrame::Pong { .. } => {}
            ClientFrame::Sub { id, name, params } => match self.authorize(&name, &params) {
                Ok((stream, event)) => {
                    // Re-using a subscription id replaces the old subscription.
                    self.state.hub.unsubscribe(self.conn, &id);
                    self.subs.insert(id.clone(), (stream.clone(), event.clone()));
                    self.state.hub.subscribe(self.conn, &id, &stream, &event, hub_tx.clone());
                    self.send(ServerFrame::Ready { subs: vec![id] });
                }
                Err(error) => self.send_raw(json!({"msg": "nosub", "id": id, "error": error})),
            },
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
    fn room_access(&self, rid: &str, token: Option<&str>) -> Option<Room> {
        let room = store::room_by_id(&self.state.db.conn(), rid).ok().flatten()?;
        let visitor_ok = token.is_some_and(|t| room.v.as_ref().is_some_and(|v| v.token == t));
        let agent_ok = self
            .user
            .as_ref()
            .is_some_and(|u| u.can("view-livechat-rooms") || room.served_by.as_ref().is_some_and(|s| s.id == u.id));
        (visitor_ok || agent_ok).then_some(room)
    }

    /// Decides a subscription: `(stream, event)` to register, or the `nosub` error.
    fn authorize(&self, name: &str, params: &Value) -> Result<(String, String), Value> {
        let not_allowed = || json!(DdpError::meteor("not-allowed", "Not allowed"));
        let event = params.get(0).and_then(Value::as_str).ok_or_else(not_allowed)?;
        let creds = params.get(1).and_then(|o| o.get("args")).and_then(|a| a.get(0));
        let cred = |key: &str| creds.and_then(|c| c.get(key)).and_then(Value::as_str);
        match name {
            streams::ROOM_MESSAGES | streams::LIVECHAT_ROOM => {
                let token = cred("visitorToken").or(cred("token"));
                self.room_access(event, token).ok_or_else(not_allowed)?;
            }
            streams::NOTIFY_ROOM => {
                let (rid, kind) = event.split_once('/').ok_or_else(not_allowed)?;
                if kind != "user-activity" && kind != "deleteMessage" {
                    return Err(not_allowed());
                }
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
                let conn = self.state.db.conn();
                let user_id: Option<String> = conn
                    .query_row("SELECT user_id FROM login_tokens WHERE hashed_token = ?1", [&hashed], |r| r.get(0))
                    .ok();
                let user =
                    user_id.and_then(|id| store::user_by_id(&conn, &id).ok().flatten()).ok_or_else(logged_out)?;
                let result = json!({"id": user.id, "token": token, "tokenExpires": {"$date": 253402300799000i64}, "type": "resume"});
                drop(conn);
                self.user = Some(user);
                Ok(Some(result))
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
