//! Black-box tests: the real binary on a free loopback port with a real database file, driven
//! over real sockets (HTTP/1.1 and WebSocket), stopped by its PID.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The server process; killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_livechat-dev-server"))
            .args(["--addr", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start livechat-dev-server");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        // Keep reading so the server never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let addr = first
            .trim()
            .strip_prefix("livechat-dev-server listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .parse()
            .unwrap();
        Server { child, addr }
    }

    async fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<Value>) -> (u16, Value) {
        http(self.addr, method, path, headers, body).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, &[], None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, &[], Some(body)).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scratch directory under the target dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One HTTP/1.1 request with `Connection: close`; the status and the JSON answer.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(&body);
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

/// A DDP client: connect frame sent, `connected` received.
async fn ddp(addr: SocketAddr) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/websocket")).await.unwrap();
    ddp_handshake(ws).await
}

/// [`ddp`] over a socket with a small receive buffer, so a server writing to a client that does
/// not read fills it soon.
async fn ddp_small_buffer(addr: SocketAddr) -> Ws {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(addr).await.unwrap();
    let url = format!("ws://{addr}/websocket");
    let (ws, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream)).await.unwrap();
    ddp_handshake(ws).await
}

async fn ddp_handshake(mut ws: Ws) -> Ws {
    send(&mut ws, json!({"msg": "connect", "version": "1", "support": ["1", "pre2", "pre1"]})).await;
    let connected = next_where(&mut ws, |f| f["msg"] != "ping").await;
    assert_eq!(connected["msg"], "connected", "{connected}");
    assert!(connected["session"].is_string());
    ws
}

async fn send(ws: &mut Ws, frame: Value) {
    ws.send(WsMessage::Text(frame.to_string().into())).await.unwrap();
}

/// The next frame matching `pred` (others skipped), within five seconds.
async fn next_where(ws: &mut Ws, pred: impl Fn(&Value) -> bool) -> Value {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await.expect("socket open").expect("frame") {
                WsMessage::Text(t) => {
                    let v: Value = serde_json::from_str(t.as_str()).unwrap();
                    if pred(&v) {
                        return v;
                    }
                }
                WsMessage::Close(c) => panic!("closed: {c:?}"),
                _ => {}
            }
        }
    })
    .await
    .expect("expected frame within 5 s")
}

/// Subscribes with the visitor credentials `token`; the `ready` or `nosub` answer.
async fn subscribe(ws: &mut Ws, id: &str, stream: &str, event: &str, token: &str) -> Value {
    let creds = json!({"useCollection": false, "args": [{"token": token, "visitorToken": token}]});
    send(ws, json!({"msg": "sub", "id": id, "name": stream, "params": [event, creds]})).await;
    next_where(ws, |f| f["subs"].as_array().is_some_and(|s| s.contains(&json!(id))) || f["id"] == id).await
}

/// Reads everything until the server's close frame (within `secs`): the number of text frames
/// read, and the close code and reason.
async fn read_until_close(ws: &mut Ws, secs: u64) -> (usize, u16, String) {
    tokio::time::timeout(Duration::from_secs(secs), async {
        let mut texts = 0;
        loop {
            match ws.next().await.expect("socket open").expect("frame") {
                WsMessage::Text(_) => texts += 1,
                WsMessage::Close(Some(frame)) => return (texts, u16::from(frame.code), frame.reason.to_string()),
                WsMessage::Close(None) => panic!("closed without a code"),
                _ => {}
            }
        }
    })
    .await
    .expect("expected the server to close the socket")
}

/// The next event frame for `event` on `stream`.
async fn stream_event(ws: &mut Ws, stream: &str, event: &str) -> Value {
    next_where(ws, |f| f["msg"] == "changed" && f["collection"] == stream && f["fields"]["eventName"] == event).await
}

#[tokio::test]
async fn whole_conversation_over_real_sockets() {
    let scratch = Scratch::new("conversation");
    let server = Server::start(&scratch.0.join("livechat.db"), &[]);
    let token = "visitor-token-1";

    let (status, config) = server.get("/api/v1/livechat/config").await;
    assert_eq!((status, config["config"]["online"].clone()), (200, json!(true)));

    let (status, reg) = server
        .post(
            "/api/v1/livechat/visitor",
            json!({"visitor": {"token": token, "name": "Ada", "email": "ada@example.com"}}),
        )
        .await;
    assert_eq!(status, 200, "{reg}");
    let (status, room) = server.get(&format!("/api/v1/livechat/room?token={token}")).await;
    assert_eq!(status, 200, "{room}");
    assert_eq!(room["newRoom"], true);
    let rid = room["room"]["_id"].as_str().unwrap().to_owned();
    assert_eq!(room["room"]["servedBy"]["username"], "agent");

    // The visitor listens to its room's messages, typing and agent events.
    let mut visitor_ws = ddp(server.addr).await;
    assert_eq!(subscribe(&mut visitor_ws, "s1", "stream-room-messages", &rid, token).await["msg"], "ready");
    let activity = format!("{rid}/user-activity");
    assert_eq!(subscribe(&mut visitor_ws, "s2", "stream-notify-room", &activity, token).await["msg"], "ready");
    assert_eq!(subscribe(&mut visitor_ws, "s3", "stream-livechat-room", &rid, token).await["msg"], "ready");

    // Another token is refused.
    let refused = subscribe(&mut visitor_ws, "s4", "stream-room-messages", &rid, "someone-else").await;
    assert_eq!((refused["msg"].clone(), refused["error"]["error"].clone()), (json!("nosub"), json!("not-allowed")));

    // The visitor writes; its own message comes back on the stream.
    let (status, sent) = server
        .post(
            "/api/v1/livechat/message",
            json!({"token": token, "rid": rid, "msg": "Hello, anyone?", "_id": "client-id-1"}),
        )
        .await;
    assert_eq!((status, sent["message"]["_id"].clone()), (200, json!("client-id-1")));
    let echo = stream_event(&mut visitor_ws, "stream-room-messages", &rid).await;
    assert_eq!(echo["fields"]["args"][0]["msg"], "Hello, anyone?");

    // The agent logs in, follows the room over DDP and types.
    let (status, login) = server.post("/api/v1/login", json!({"user": "agent", "password": "agent"})).await;
    assert_eq!(status, 200, "{login}");
    let user_id = login["data"]["userId"].as_str().unwrap().to_owned();
    let auth_token = login["data"]["authToken"].as_str().unwrap().to_owned();
    let auth = [("X-User-Id", user_id.as_str()), ("X-Auth-Token", auth_token.as_str())];
    let mut agent_ws = ddp(server.addr).await;
    send(&mut agent_ws, json!({"msg": "method", "id": "1", "method": "login", "params": [{"resume": auth_token}]}))
        .await;
    let result = next_where(&mut agent_ws, |f| f["msg"] == "result").await;
    assert_eq!(result["result"]["id"], json!(user_id), "{result}");
    let typing_params = json!([activity, "agent", ["user-typing"], {}]);
    send(&mut agent_ws, json!({"msg": "method", "id": "2", "method": "stream-notify-room", "params": typing_params}))
        .await;
    let typing = stream_event(&mut visitor_ws, "stream-notify-room", &activity).await;
    assert_eq!(typing["fields"]["args"], json!(["agent", ["user-typing"]]));

    // The agent replies over REST; the visitor's socket receives it at once, with EJSON dates.
    let reply_body = json!({"message": {"rid": rid, "msg": "Hi Ada, how can I help?"}});
    let (status, reply) = server.call("POST", "/api/v1/chat.sendMessage", &auth, Some(reply_body)).await;
    assert_eq!(status, 200, "{reply}");
    let live = stream_event(&mut visitor_ws, "stream-room-messages", &rid).await;
    let message = &live["fields"]["args"][0];
    assert_eq!(message["msg"], "Hi Ada, how can I help?");
    assert_eq!(message["u"]["username"], "agent");
    assert!(message["ts"]["$date"].is_i64(), "{message}");

    // The visitor's typing reaches the agent, not the visitor's own socket.
    let agent_creds = json!({"useCollection": false, "args": [{}]});
    send(
        &mut agent_ws,
        json!({"msg": "sub", "id": "a1", "name": "stream-notify-room", "params": [activity, agent_creds]}),
    )
    .await;
    assert_eq!(next_where(&mut agent_ws, |f| f["msg"] == "ready").await["subs"], json!(["a1"]));
    let visitor_typing = json!([activity, "guest-1", ["user-typing"], {"token": token}]);
    send(
        &mut visitor_ws,
        json!({"msg": "method", "id": "t1", "method": "stream-notify-room", "params": visitor_typing}),
    )
    .await;
    let seen = stream_event(&mut agent_ws, "stream-notify-room", &activity).await;
    assert_eq!(seen["fields"]["args"][1], json!(["user-typing"]));

    // Heartbeat.
    send(&mut visitor_ws, json!({"msg": "ping", "id": "p1"})).await;
    assert_eq!(next_where(&mut visitor_ws, |f| f["msg"] == "pong").await["id"], "p1");

    // History is newest first and holds each message once.
    let (_, history) = server.get(&format!("/api/v1/livechat/messages.history/{rid}?token={token}")).await;
    let messages = history["messages"].as_array().unwrap();
    let texts: Vec<&str> = messages.iter().filter(|m| m["t"].is_null()).map(|m| m["msg"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Hi Ada, how can I help?", "Hello, anyone?"]);
    assert_eq!(messages.last().unwrap()["t"], "livechat-started");

    // The agent closes the chat; the visitor hears it and rates it.
    let close_body = json!({"rid": rid, "comment": "Solved"});
    let (status, _) = server.call("POST", "/api/v1/livechat/room.closeByUser", &auth, Some(close_body)).await;
    assert_eq!(status, 200);
    let closed = stream_event(&mut visitor_ws, "stream-room-messages", &rid).await;
    assert_eq!(closed["fields"]["args"][0]["t"], "livechat-close");
    assert_eq!(closed["fields"]["args"][0]["msg"], "Solved");
    let rating = json!({"token": token, "rid": rid, "data": [{"name": "satisfaction", "value": "5"}]});
    let (status, survey) = server.post("/api/v1/livechat/room.survey", rating).await;
    assert_eq!((status, survey["data"].clone()), (200, json!({"satisfaction": "5"})));
    let (status, after) =
        server.post("/api/v1/livechat/message", json!({"token": token, "rid": rid, "msg": "still there?"})).await;
    assert_eq!((status, after["error"].clone()), (400, json!("room-closed")));
}

#[tokio::test]
async fn data_survives_a_restart() {
    let scratch = Scratch::new("restart");
    let db = scratch.0.join("livechat.db");
    let token = "restart-token";
    let (rid, first_ts) = {
        let server = Server::start(&db, &[]);
        server.post("/api/v1/livechat/visitor", json!({"visitor": {"token": token}})).await;
        let (_, room) = server.get(&format!("/api/v1/livechat/room?token={token}")).await;
        let rid = room["room"]["_id"].as_str().unwrap().to_owned();
        let (status, sent) =
            server.post("/api/v1/livechat/message", json!({"token": token, "rid": rid, "msg": "before"})).await;
        assert_eq!(status, 200);
        (rid, sent["message"]["ts"].as_str().unwrap().to_owned())
    };
    assert!(db.exists());
    let server = Server::start(&db, &[]);
    let (status, room) = server.get(&format!("/api/v1/livechat/room?token={token}")).await;
    assert_eq!((status, room["newRoom"].clone(), room["room"]["_id"].clone()), (200, json!(false), json!(rid)));
    let (_, sent) = server.post("/api/v1/livechat/message", json!({"token": token, "rid": rid, "msg": "after"})).await;
    assert!(sent["message"]["ts"].as_str().unwrap() > first_ts.as_str());
    let (_, history) = server.get(&format!("/api/v1/livechat/messages.history/{rid}?token={token}&limit=2")).await;
    let texts: Vec<&str> = history["messages"].as_array().unwrap().iter().map(|m| m["msg"].as_str().unwrap()).collect();
    assert_eq!(texts, ["after", "before"]);
}

#[tokio::test]
async fn ddp_protocol_errors() {
    let scratch = Scratch::new("ddp");
    let server = Server::start(&scratch.0.join("livechat.db"), &["--agents-offline"]);
    let (_, config) = server.get("/api/v1/livechat/config").await;
    assert_eq!(config["config"]["online"], false);

    // The first frame must be `connect`.
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/websocket", server.addr)).await.unwrap();
    send(&mut ws, json!({"msg": "sub", "id": "x", "name": "stream-room-messages", "params": []})).await;
    let close = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.unwrap().unwrap().unwrap();
    match close {
        WsMessage::Close(Some(frame)) => assert_eq!(u16::from(frame.code), 1002),
        other => panic!("expected close 1002, got {other:?}"),
    }

    let mut ws = ddp(server.addr).await;
    send(&mut ws, json!({"msg": "method", "id": "m", "method": "nope", "params": []})).await;
    let result = next_where(&mut ws, |f| f["msg"] == "result").await;
    assert_eq!(result["error"]["error"], 404);
    assert_eq!(result["error"]["reason"], "Method 'nope' not found");
    assert_eq!(next_where(&mut ws, |f| f["msg"] == "updated").await["methods"], json!(["m"]));
    let nosub = subscribe(&mut ws, "u", "stream-unknown", "x", "t").await;
    assert_eq!((nosub["msg"].clone(), nosub["error"]["error"].clone()), (json!("nosub"), json!(404)));
    let unknown_room = subscribe(&mut ws, "r", "stream-room-messages", "no-such-room", "t").await;
    assert_eq!(unknown_room["error"]["error"], "not-allowed");
    ws.send(WsMessage::Text("{not json".into())).await.unwrap();
    assert_eq!(next_where(&mut ws, |f| f["msg"] == "error").await["reason"], "Bad request");
    send(&mut ws, json!({"msg": "unsub", "id": "never-subscribed"})).await;
    let nosub = next_where(&mut ws, |f| f["msg"] == "nosub" && f["id"] == "never-subscribed").await;
    assert!(nosub.get("error").is_none(), "{nosub}");
}

#[tokio::test]
async fn queued_chat_taken_by_agent_and_edits_reach_the_visitor_live() {
    let scratch = Scratch::new("manual");
    let server = Server::start(&scratch.0.join("livechat.db"), &["--routing", "manual"]);
    let token = "queued-visitor";
    server.post("/api/v1/livechat/visitor", json!({"visitor": {"token": token, "name": "Queued"}})).await;
    let (_, room) = server.get(&format!("/api/v1/livechat/room?token={token}")).await;
    let rid = room["room"]["_id"].as_str().unwrap().to_owned();
    assert!(room["room"].get("servedBy").is_none(), "manual routing queues the chat: {room}");

    let mut ws = ddp(server.addr).await;
    assert_eq!(subscribe(&mut ws, "l", "stream-livechat-room", &rid, token).await["msg"], "ready");
    assert_eq!(subscribe(&mut ws, "m", "stream-room-messages", &rid, token).await["msg"], "ready");
    let deletions = format!("{rid}/deleteMessage");
    assert_eq!(subscribe(&mut ws, "d", "stream-notify-room", &deletions, token).await["msg"], "ready");

    let (_, login) = server.post("/api/v1/login", json!({"user": "agent", "password": "agent"})).await;
    let (user_id, auth_token) =
        (login["data"]["userId"].as_str().unwrap(), login["data"]["authToken"].as_str().unwrap());
    let auth = [("X-User-Id", user_id), ("X-Auth-Token", auth_token)];
    let (_, queue) = server.call("GET", "/api/v1/livechat/inquiries.list", &auth, None).await;
    assert_eq!(queue["total"], 1, "{queue}");
    let inquiry_id = queue["inquiries"][0]["_id"].as_str().unwrap();
    let (status, _) =
        server.call("POST", "/api/v1/livechat/inquiries.take", &auth, Some(json!({"inquiryId": inquiry_id}))).await;
    assert_eq!(status, 200);

    let assigned = stream_event(&mut ws, "stream-livechat-room", &rid).await;
    let event = &assigned["fields"]["args"][0];
    assert_eq!((event["type"].clone(), event["data"]["username"].clone()), (json!("agentData"), json!("agent")));

    // An edit arrives as the whole updated message; a deletion on `<rid>/deleteMessage`.
    let (_, sent) = server.post("/api/v1/livechat/message", json!({"token": token, "rid": rid, "msg": "typo"})).await;
    let id = sent["message"]["_id"].as_str().unwrap().to_owned();
    stream_event(&mut ws, "stream-room-messages", &rid).await;
    let (status, _) = server
        .call(
            "PUT",
            &format!("/api/v1/livechat/message/{id}"),
            &[],
            Some(json!({"token": token, "rid": rid, "msg": "fixed"})),
        )
        .await;
    assert_eq!(status, 200);
    let edited = stream_event(&mut ws, "stream-room-messages", &rid).await;
    assert_eq!(
        (edited["fields"]["args"][0]["msg"].clone(), edited["fields"]["args"][0]["_id"].clone()),
        (json!("fixed"), json!(id))
    );
    assert!(edited["fields"]["args"][0]["editedAt"]["$date"].is_i64());
    let (status, _) = server
        .call("DELETE", &format!("/api/v1/livechat/message/{id}"), &[], Some(json!({"token": token, "rid": rid})))
        .await;
    assert_eq!(status, 200);
    let deleted = stream_event(&mut ws, "stream-notify-room", &deletions).await;
    assert_eq!(deleted["fields"]["args"], json!([{"_id": id}]));
}

#[tokio::test]
async fn ddp_subscription_limit_and_reused_ids() {
    let scratch = Scratch::new("subs");
    let server = Server::start(&scratch.0.join("livechat.db"), &[]);
    let token = "subs-visitor";
    server.post("/api/v1/livechat/visitor", json!({"visitor": {"token": token}})).await;
    let (_, room) = server.get(&format!("/api/v1/livechat/room?token={token}")).await;
    let rid = room["room"]["_id"].as_str().unwrap().to_owned();
    let mut ws = ddp(server.addr).await;
    assert_eq!(subscribe(&mut ws, "s0", "stream-room-messages", &rid, token).await["msg"], "ready");

    // A reused id is ignored, as Meteor does: no second `ready`, and the first one stays.
    let creds = json!({"useCollection": false, "args": [{"token": token, "visitorToken": token}]});
    send(&mut ws, json!({"msg": "sub", "id": "s0", "name": "stream-room-messages", "params": [rid, creds]})).await;
    send(&mut ws, json!({"msg": "ping", "id": "after-reuse"})).await;
    let next = next_where(&mut ws, |f| f["msg"] != "ping").await;
    assert_eq!((next["msg"].clone(), next["id"].clone()), (json!("pong"), json!("after-reuse")), "{next}");
    let (status, _) = server.post("/api/v1/livechat/message", json!({"token": token, "rid": rid, "msg": "once"})).await;
    assert_eq!(status, 200);
    assert_eq!(stream_event(&mut ws, "stream-room-messages", &rid).await["fields"]["args"][0]["msg"], "once");
    send(&mut ws, json!({"msg": "ping", "id": "after-message"})).await;
    let next = next_where(&mut ws, |f| f["msg"] != "ping").await;
    assert_eq!(next["id"], "after-message", "the message was delivered once: {next}");

    // 64 subscriptions per connection; the 65th is refused with a Meteor error.
    for n in 1..64 {
        let id = format!("s{n}");
        assert_eq!(subscribe(&mut ws, &id, "stream-livechat-room", &rid, token).await["msg"], "ready", "{id}");
    }
    let refused = subscribe(&mut ws, "s64", "stream-livechat-room", &rid, token).await;
    assert_eq!(
        refused,
        json!({"msg": "nosub", "id": "s64", "error": {"isClientSafe": true, "error": "too-many-subscriptions",
               "reason": "Too many subscriptions", "message": "Too many subscriptions [too-many-subscriptions]",
               "errorType": "Meteor.Error"}})
    );
    // An unknown publication is still a 404, and dropping one subscription makes room for another.
    assert_eq!(subscribe(&mut ws, "u", "stream-unknown", "x", token).await["error"]["error"], 404);
    send(&mut ws, json!({"msg": "unsub", "id": "s1"})).await;
    next_where(&mut ws, |f| f["msg"] == "nosub" && f["id"] == "s1").await;
    assert_eq!(subscribe(&mut ws, "s64", "stream-livechat-room", &rid, token).await["msg"], "ready");
}

#[tokio::test]
async fn a_subscriber_that_stops_reading_is_closed_with_4000() {
    let scratch = Scratch::new("slow-subscriber");
    let server = Server::start(&scratch.0.join("livechat.db"), &[]);
    let token = "slow-visitor";
    server.post("/api/v1/livechat/visitor", json!({"visitor": {"token": token}})).await;
    let (_, room) = server.get(&format!("/api/v1/livechat/room?token={token}")).await;
    let rid = room["room"]["_id"].as_str().unwrap().to_owned();
    let activity = format!("{rid}/user-activity");

    let mut slow = ddp_small_buffer(server.addr).await;
    assert_eq!(subscribe(&mut slow, "t", "stream-notify-room", &activity, token).await["msg"], "ready");
    // Another socket of the visitor types, with ~60 kB per event, while `slow` reads nothing:
    // the socket buffers fill, then the server's queue of 1024 events for `slow`.
    const EVENTS: usize = 1300;
    let mut typist = ddp(server.addr).await;
    let big = "x".repeat(60_000);
    for batch in 0..EVENTS / 100 {
        for n in 0..100 {
            let params = json!([activity, "guest-1", [big], {"token": token}]);
            let id = format!("{batch}-{n}");
            send(&mut typist, json!({"msg": "method", "id": id, "method": "stream-notify-room", "params": params}))
                .await;
        }
        let last = format!("{batch}-99");
        next_where(&mut typist, |f| f["msg"] == "updated" && f["methods"][0] == last.as_str()).await;
    }

    // `slow` gets what was queued before the overflow, then close code 4000.
    let (events, code, reason) = read_until_close(&mut slow, 20).await;
    assert_eq!((code, reason.as_str()), (4000, "too slow"));
    assert!(events < EVENTS, "the server stopped queueing for it ({events} events read)");

    // The typist was never disturbed, and a new connection subscribes and hears typing again.
    let mut fresh = ddp(server.addr).await;
    assert_eq!(subscribe(&mut fresh, "t", "stream-notify-room", &activity, token).await["msg"], "ready");
    let params = json!([activity, "guest-1", ["user-typing"], {"token": token}]);
    send(&mut typist, json!({"msg": "method", "id": "again", "method": "stream-notify-room", "params": params})).await;
    let typing = stream_event(&mut fresh, "stream-notify-room", &activity).await;
    assert_eq!(typing["fields"]["args"], json!(["guest-1", ["user-typing"]]));
}

#[tokio::test]
async fn a_client_that_sends_but_never_reads_is_closed_with_4000() {
    let scratch = Scratch::new("deaf-client");
    let server = Server::start(&scratch.0.join("livechat.db"), &[]);
    let mut deaf = ddp_small_buffer(server.addr).await;
    // Each bad frame is echoed back in a ~60 kB error; 256 unsent replies is the limit.
    const FRAMES: usize = 400;
    let pad = "x".repeat(60_000);
    for n in 0..FRAMES {
        send(&mut deaf, json!({"msg": "bogus", "n": n, "pad": pad})).await;
    }
    let (replies, code, reason) = read_until_close(&mut deaf, 20).await;
    assert_eq!((code, reason.as_str()), (4000, "too slow"));
    assert!(replies < FRAMES, "{replies} replies");
    // The server is fine.
    let (status, _) = server.get("/api/v1/livechat/config").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn ddp_params_are_optional_and_a_version_mismatch_hangs_up() {
    let scratch = Scratch::new("ddp-details");
    let server = Server::start(&scratch.0.join("livechat.db"), &[]);

    // `params` may be left out of `sub` and `method` frames.
    let mut ws = ddp(server.addr).await;
    send(&mut ws, json!({"msg": "sub", "id": "bare", "name": "stream-room-messages"})).await;
    let nosub = next_where(&mut ws, |f| f["id"] == "bare").await;
    assert_eq!((nosub["msg"].clone(), nosub["error"]["error"].clone()), (json!("nosub"), json!("not-allowed")));
    send(&mut ws, json!({"msg": "method", "id": "m", "method": "nope"})).await;
    let result = next_where(&mut ws, |f| f["msg"] == "result").await;
    assert_eq!(result["error"]["reason"], "Method 'nope' not found");
    send(&mut ws, json!({"msg": "method", "id": "l", "method": "login"})).await;
    let result = next_where(&mut ws, |f| f["msg"] == "result").await;
    assert_eq!(result["error"]["error"], 403, "{result}");

    // An unsupported version: `failed` naming the one spoken, then the socket closes.
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/websocket", server.addr)).await.unwrap();
    send(&mut ws, json!({"msg": "connect", "version": "pre1", "support": ["pre1"]})).await;
    assert_eq!(next_where(&mut ws, |_| true).await, json!({"msg": "failed", "version": "1"}));
    let (texts, code, _) = read_until_close(&mut ws, 5).await;
    assert_eq!((texts, code), (0, 1000));
}

#[tokio::test]
async fn a_ddp_login_ends_when_rest_logout_revokes_its_token() {
    let scratch = Scratch::new("ddp-logout");
    let server = Server::start(&scratch.0.join("livechat.db"), &[]);
    let token = "logout-visitor";
    server.post("/api/v1/livechat/visitor", json!({"visitor": {"token": token}})).await;
    let (_, room) = server.get(&format!("/api/v1/livechat/room?token={token}")).await;
    let rid = room["room"]["_id"].as_str().unwrap().to_owned();

    let (_, login) = server.post("/api/v1/login", json!({"user": "agent", "password": "agent"})).await;
    let (user_id, auth_token) =
        (login["data"]["userId"].as_str().unwrap(), login["data"]["authToken"].as_str().unwrap());
    let mut ws = ddp(server.addr).await;
    send(&mut ws, json!({"msg": "method", "id": "1", "method": "login", "params": [{"resume": auth_token}]})).await;
    assert_eq!(next_where(&mut ws, |f| f["msg"] == "result").await["result"]["id"], user_id);
    // No visitor credentials: the agent's login is what authorises.
    let agent_sub = |id: &str| {
        json!({"msg": "sub", "id": id, "name": "stream-livechat-room",
               "params": [rid, {"useCollection": false, "args": [{}]}]})
    };
    send(&mut ws, agent_sub("before")).await;
    assert_eq!(next_where(&mut ws, |f| f["id"] == "before" || f["subs"][0] == "before").await["msg"], "ready");

    let auth = [("X-User-Id", user_id), ("X-Auth-Token", auth_token)];
    let (status, _) = server.call("POST", "/api/v1/logout", &auth, None).await;
    assert_eq!(status, 200);
    send(&mut ws, agent_sub("after")).await;
    let refused = next_where(&mut ws, |f| f["id"] == "after" || f["subs"][0] == "after").await;
    assert_eq!((refused["msg"].clone(), refused["error"]["error"].clone()), (json!("nosub"), json!("not-allowed")));
    send(&mut ws, json!({"msg": "method", "id": "2", "method": "login", "params": [{"resume": auth_token}]})).await;
    assert_eq!(next_where(&mut ws, |f| f["msg"] == "result").await["error"]["error"], 403);
}

/// Rocket.Chat's own widget (npm `@rocket.chat/livechat` 1.x, through `@rocket.chat/sdk`)
/// calls `livechat:setUpConnection` once connected and follows its room on
/// `stream-room-messages`, `<rid>/typing` and `<rid>/deleteMessage`.
///
/// * `livechat:setUpConnection` (apps/meteor/app/livechat/server/methods/setUpConnection.ts):
///   `check(data, {token: String})`, keeps the first token on the connection and answers
///   nothing; when the connection closes, `notifyGuestStatusChanged(token, 'offline')` marks
///   the visitor's open rooms `v.status: "offline"`. A failed check is Meteor's
///   `Match failed` [400].
/// * `stream-notify-room` (apps/meteor/server/modules/notifications/notifications.module.ts):
///   `allowRead` lets the room's visitor (its token) listen to any `<rid>/…` event, so
///   `<rid>/typing` is accepted; `allowWrite` takes `user-activity` only, and since 6.0
///   (RocketChat/Rocket.Chat#28234) nothing is published on `<rid>/typing`.
#[tokio::test]
async fn rocket_chat_widget_set_up_connection_and_legacy_typing_subscription() {
    let scratch = Scratch::new("rc-widget");
    let server = Server::start(&scratch.0.join("livechat.db"), &[]);
    let token = "rc-widget-token";
    let (status, _) = server.post("/api/v1/livechat/visitor", json!({"visitor": {"token": token}})).await;
    assert_eq!(status, 200);
    let (_, room) = server.get(&format!("/api/v1/livechat/room?token={token}")).await;
    let rid = room["room"]["_id"].as_str().unwrap().to_owned();
    assert_eq!(room["room"]["v"]["status"], "online");

    let mut widget = ddp(server.addr).await;
    let setup = |id: &str, params: Value| json!({"msg": "method", "id": id, "method": "livechat:setUpConnection", "params": params});
    send(&mut widget, setup("bad1", json!([{"token": 5}]))).await;
    send(&mut widget, setup("bad2", json!([]))).await;
    send(&mut widget, setup("bad3", json!([{"token": token, "other": 1}]))).await;
    for id in ["bad1", "bad2", "bad3"] {
        let result = next_where(&mut widget, |f| f["msg"] == "result" && f["id"] == id).await;
        let expected = json!({"isClientSafe": true, "error": 400, "reason": "Match failed",
                              "message": "Match failed [400]", "errorType": "Meteor.Error"});
        assert_eq!(result["error"], expected, "{result}");
    }
    send(&mut widget, setup("ok", json!([{"token": token}]))).await;
    let result = next_where(&mut widget, |f| f["msg"] == "result" && f["id"] == "ok").await;
    assert_eq!(result, json!({"msg": "result", "id": "ok"}), "no error, no result");

    // The legacy typing subscription is accepted for the room's own token only.
    let typing = format!("{rid}/typing");
    let activity = format!("{rid}/user-activity");
    assert_eq!(subscribe(&mut widget, "ty", "stream-notify-room", &typing, token).await["msg"], "ready");
    assert_eq!(subscribe(&mut widget, "ua", "stream-notify-room", &activity, token).await["msg"], "ready");
    let refused = subscribe(&mut widget, "ty2", "stream-notify-room", &typing, "someone-else").await;
    assert_eq!((refused["msg"].clone(), refused["error"]["error"].clone()), (json!("nosub"), json!("not-allowed")));

    // Another tab of the visitor types: the old `typing` write is dropped, the new
    // `user-activity` one arrives (a lone surrogate in the frame reads as U+FFFD, as Meteor's
    // EJSON.parse takes it), and nothing is ever sent on `<rid>/typing`.
    let mut tab = ddp(server.addr).await;
    let old_write = json!([typing, "guest-1", true, {"token": token}]);
    send(&mut tab, json!({"msg": "method", "id": "w1", "method": "stream-notify-room", "params": old_write})).await;
    let result = next_where(&mut tab, |f| f["msg"] == "result" && f["id"] == "w1").await;
    assert!(result.get("error").is_none(), "{result}");
    let frame = format!(
        r#"{{"msg":"method","id":"w2","method":"stream-notify-room","params":["{activity}","guest-\ud800",["user-typing"],{{"token":"{token}"}}]}}"#
    );
    tab.send(WsMessage::Text(frame.into())).await.unwrap();
    let result = next_where(&mut tab, |f| f["msg"] == "result" || f["msg"] == "error").await;
    assert_eq!((result["msg"].clone(), result.get("error")), (json!("result"), None), "{result}");
    let event = stream_event(&mut widget, "stream-notify-room", &activity).await;
    assert_eq!(event["fields"]["args"], json!(["guest-\u{FFFD}", ["user-typing"]]));
    let mut seen = Vec::new();
    let _ = tokio::time::timeout(Duration::from_millis(500), async {
        while let Some(Ok(WsMessage::Text(t))) = widget.next().await {
            seen.push(serde_json::from_str::<Value>(t.as_str()).unwrap());
        }
    })
    .await;
    assert!(seen.iter().all(|f| f["fields"]["eventName"] != json!(typing)), "{seen:?}");

    // The widget's connection closes: the visitor's room shows it offline.
    widget.close(None).await.unwrap();
    drop(widget);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let (_, room) = server.get(&format!("/api/v1/livechat/room?token={token}&rid={rid}")).await;
        if room["room"]["v"]["status"] == "offline" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "still {}", room["room"]["v"]);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tab.close(None).await.unwrap();
}
