//! Shared by the in-process router tests: a [`TestApp`] that sends requests to
//! `livechat_dev_server::app` with `tower::ServiceExt::oneshot`, the few steps most tests start
//! with (register a visitor, open a room, log in), configuration tweaks, and assertions on
//! Rocket.Chat's success and failure bodies.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
pub use livechat_dev_server::config::ServerConfig;
use livechat_dev_server::config::{AgentConfig, Routing};
use livechat_dev_server::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Status and JSON body of one answer (`Value::Null` when the body is not JSON).
pub type Reply = (StatusCode, Value);

/// The demo agent's credentials (`ServerConfig::default()`).
pub const AGENT: (&str, &str) = ("agent", "agent");
/// A second agent, in `support` only, without `livechat-manager` ([`add_bob`]).
pub const BOB: (&str, &str) = ("bob", "bob-pw");
/// A user with role `user` only ([`add_plain`]).
pub const PLAIN: (&str, &str) = ("plain", "plain-pw");

#[derive(Clone)]
pub struct TestApp {
    router: Router,
    state: AppState,
    auth: Option<(String, String)>,
}

impl TestApp {
    /// The default configuration: agent `agent` online, departments Sales and Support, auto routing.
    pub fn new() -> TestApp {
        TestApp::with(|_| {})
    }

    /// The default configuration changed by `edit` (see the `fn(&mut ServerConfig)` helpers below).
    pub fn with(edit: impl FnOnce(&mut ServerConfig)) -> TestApp {
        let mut config = ServerConfig::default();
        edit(&mut config);
        let state = AppState::in_memory(config);
        TestApp { router: app(state.clone()), state, auth: None }
    }

    /// A server on a state made by the test (files on disk, say).
    pub fn from_state(state: AppState) -> TestApp {
        TestApp { router: app(state.clone()), state, auth: None }
    }

    /// The server's state: its database and hub, for tests that look behind the API.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The same server, sending `X-User-Id` / `X-Auth-Token`.
    pub fn with_auth(&self, user_id: &str, token: &str) -> TestApp {
        TestApp { router: self.router.clone(), state: self.state.clone(), auth: Some((user_id.into(), token.into())) }
    }

    /// One request; `path` is relative to `/api/v1/` unless it starts with `/`.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> axum::response::Response {
        let uri = if path.starts_with('/') { path.to_owned() } else { format!("/api/v1/{path}") };
        let mut req = Request::builder().method(method).uri(uri);
        if body.is_some() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            req = req.header("content-type", "application/json");
        }
        if let Some((id, token)) = &self.auth {
            req = req.header("X-User-Id", id).header("X-Auth-Token", token);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(body.map_or_else(Body::empty, Body::from)).unwrap();
        self.router.clone().oneshot(req).await.unwrap()
    }

    /// One request, answered as `(status, json)`; also returns the headers.
    pub async fn call_with_headers(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, Value, HeaderMap) {
        let response = self.raw(method, path, body, &[]).await;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, json, headers)
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Reply {
        let (status, json, _) = self.call_with_headers(method, path, body).await;
        (status, json)
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body.to_string().into_bytes())).await
    }

    /// A POST whose body is sent as is (malformed or oversized bodies).
    pub async fn post_bytes(&self, path: &str, body: impl Into<Vec<u8>>) -> Reply {
        self.call(Method::POST, path, Some(body.into())).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(body.to_string().into_bytes())).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call(Method::DELETE, path, None).await
    }

    pub async fn delete_json(&self, path: &str, body: Value) -> Reply {
        self.call(Method::DELETE, path, Some(body.to_string().into_bytes())).await
    }

    // -----------------------------------------------------------------------------------------
    // Visitor steps

    /// Registers (or updates) a visitor with the given fields; returns the visitor.
    pub async fn register(&self, visitor: Value) -> Value {
        success(self.post("livechat/visitor", json!({ "visitor": visitor })).await)["visitor"].clone()
    }

    pub async fn register_visitor(&self, token: &str) -> Value {
        self.register(json!({ "token": token })).await
    }

    /// `GET livechat/room` for a registered visitor; returns the room id.
    pub async fn open_room(&self, token: &str) -> String {
        let body = success(self.get(&format!("livechat/room?token={}", enc(token))).await);
        rid_of(&body["room"])
    }

    /// A registered visitor with an open room; returns the room id.
    pub async fn chat(&self, token: &str) -> String {
        self.register_visitor(token).await;
        self.open_room(token).await
    }

    /// The visitor sends `msg`; returns the stored message.
    pub async fn say(&self, token: &str, rid: &str, msg: &str) -> Value {
        success(self.post("livechat/message", json!({ "token": token, "rid": rid, "msg": msg })).await)["message"]
            .clone()
    }

    /// The room's history as the visitor reads it; `query` is appended (`&limit=5`).
    pub async fn history(&self, token: &str, rid: &str, query: &str) -> Vec<Value> {
        let body = success(self.get(&format!("livechat/messages.history/{rid}?token={}{query}", enc(token))).await);
        body["messages"].as_array().expect("messages array").clone()
    }

    pub async fn close(&self, token: &str, rid: &str) {
        success(self.post("livechat/room.close", json!({ "token": token, "rid": rid })).await);
    }

    // -----------------------------------------------------------------------------------------
    // Agent steps

    /// `POST login`; returns `(userId, authToken)`.
    pub async fn login(&self, user: &str, password: &str) -> (String, String) {
        let (status, body) = self.post("login", json!({ "user": user, "password": password })).await;
        assert_eq!(status, StatusCode::OK, "login as {user}: {body}");
        assert_eq!(body["status"], "success", "{body}");
        let data = &body["data"];
        (data["userId"].as_str().unwrap().to_owned(), data["authToken"].as_str().unwrap().to_owned())
    }

    pub async fn login_agent(&self) -> (String, String) {
        self.login(AGENT.0, AGENT.1).await
    }

    /// The same server, logged in as `user`.
    pub async fn as_user(&self, (user, password): (&str, &str)) -> TestApp {
        let (id, token) = self.login(user, password).await;
        self.with_auth(&id, &token)
    }

    /// The same server, logged in as the demo agent.
    pub async fn as_agent(&self) -> TestApp {
        self.as_user(AGENT).await
    }

    /// The room as `livechat/rooms` lists it (needs a manager's auth), or `None`.
    pub async fn listed_room(&self, rid: &str) -> Option<Value> {
        let body = success(self.get("livechat/rooms?count=0").await);
        body["rooms"].as_array().unwrap().iter().find(|r| r["_id"] == rid).cloned()
    }

    /// Ids of the rooms `livechat/rooms?<query>` lists, in order.
    pub async fn listed_ids(&self, query: &str) -> Vec<String> {
        let body = success(self.get(&format!("livechat/rooms?{query}")).await);
        body["rooms"].as_array().unwrap().iter().map(rid_of).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Configurations

/// A change to the default configuration, for tables of cases.
pub type Edit = fn(&mut ServerConfig);

fn agent_config(username: &str, password: &str, roles: &[&str], status: &str) -> AgentConfig {
    AgentConfig {
        username: username.into(),
        password: password.into(),
        name: None,
        email: None,
        phone: None,
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        status: status.into(),
    }
}

fn department<'a>(c: &'a mut ServerConfig, name: &str) -> &'a mut livechat_dev_server::config::DepartmentConfig {
    c.departments.iter_mut().find(|d| d.name == name).expect("department")
}

/// Adds agent `bob` (user + livechat-agent, online) to department Support.
pub fn add_bob(c: &mut ServerConfig) {
    c.agents.push(agent_config(BOB.0, BOB.1, &["user", "livechat-agent"], "online"));
    department(c, "Support").agents.push(BOB.0.into());
}

/// [`add_bob`], with bob offline.
pub fn add_bob_offline(c: &mut ServerConfig) {
    add_bob(c);
    c.agents.last_mut().unwrap().status = "offline".into();
}

/// Adds `plain`, a user with role `user` only.
pub fn add_plain(c: &mut ServerConfig) {
    c.agents.push(agent_config(PLAIN.0, PLAIN.1, &["user"], "online"));
}

pub fn manual_routing(c: &mut ServerConfig) {
    c.routing = Routing::Manual;
}

pub fn agents_offline(c: &mut ServerConfig) {
    for a in &mut c.agents {
        a.status = "offline".into();
    }
}

// ---------------------------------------------------------------------------------------------
// Assertions

/// Asserts a 200 `{..., "success": true}` and returns the body.
#[track_caller]
pub fn success((status, body): Reply) -> Value {
    assert_eq!(status, StatusCode::OK, "expected success, got {body}");
    assert_eq!(body["success"], true, "{body}");
    body
}

/// Asserts a failure with `status` and exactly `error`. For 400 the `errorType` must be the
/// `[code]` the text ends with, or absent when it ends with none (Rocket.Chat's
/// `Meteor.Error` vs `Error` mapping).
#[track_caller]
pub fn check(reply: &Reply, status: u16, error: &str) {
    let expected_type = error
        .strip_suffix(']')
        .and_then(|s| s.rsplit_once(" ["))
        .map(|(_, code)| code)
        .or_else(|| error.strip_prefix('[').and_then(|s| s.strip_suffix(']')));
    check_full(reply, status, error, if status == 400 { Some(expected_type) } else { None });
}

/// A typed route's validation failure: 400, `errorType: "error-invalid-params"`.
#[track_caller]
pub fn check_typed(reply: &Reply, error: &str) {
    check_full(reply, 400, error, Some(Some("error-invalid-params")));
}

/// `error_type`: `None` = not checked; `Some(None)` = must be absent.
#[track_caller]
fn check_full(reply: &Reply, status: u16, error: &str, error_type: Option<Option<&str>>) {
    let (got, body) = reply;
    assert_eq!(got.as_u16(), status, "expected {status} {error:?}, got {got} {body}");
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["error"], error, "{body}");
    if let Some(expected) = error_type {
        assert_eq!(body.get("errorType").and_then(Value::as_str), expected, "errorType of {body}");
    }
}

/// The `_id` of a room or message.
pub fn rid_of(v: &Value) -> String {
    v["_id"].as_str().unwrap_or_else(|| panic!("no _id in {v}")).to_owned()
}

/// Percent-encodes a query-string component.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The system-message types of a history, newest first (`None` for normal messages).
pub fn types(history: &[Value]) -> Vec<Option<&str>> {
    history.iter().map(|m| m["t"].as_str()).collect()
}

/// The texts of the normal (non-system) messages of a history, in its order.
pub fn texts(history: &[Value]) -> Vec<&str> {
    history.iter().filter(|m| m.get("t").is_none()).map(|m| m["msg"].as_str().unwrap()).collect()
}
