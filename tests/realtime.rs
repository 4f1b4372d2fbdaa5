//! Realtime against a real dev server, in headless Chromium: the DDP client, live news, typing,
//! reconnect with catch-up, the persisted outbox, several tabs, and polling without WebSocket.
#![cfg(target_arch = "wasm32")]
// Without the server address the tests must stop with a clear message, not be skipped.
#![allow(clippy::option_env_unwrap)]

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use livechat_widget::api::{AgentClient, Transport, VisitorClient};
use livechat_widget::i18n::Lang;
use livechat_widget::realtime::Status;
use livechat_widget::session::{Screen, Session, SessionOptions};
use livechat_widget::storage::{StoreOptions, TokenStore, new_token};
use livechat_widget::wire::message::{HistoryQuery, Message};
use livechat_widget::wire::room::Room;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{MessageEvent, WebSocket};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/sleep.rs"]
mod sleep;
use sleep::sleep;

fn server_url() -> &'static str {
    option_env!("LIVECHAT_TEST_SERVER").expect("LIVECHAT_TEST_SERVER: run the browser tests with `cargo xtask test`")
}

/// Waits (up to ten seconds: a reconnect backs off) until
/// `ready` holds.
async fn until(what: &str, ready: impl Fn() -> bool) {
    for _ in 0..200 {
        if ready() {
            return;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}");
}

/// Waits up to `secs` seconds (a retry after several failures may back off for eight).
async fn until_within(secs: u32, what: &str, ready: impl Fn() -> bool) {
    for _ in 0..secs * 20 {
        if ready() {
            return;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}");
}

/// Network faults for this page's `fetch`, by substring of a request's method, address and body
/// (tests run interleaved in one page: each test matches only its own room, token or text).
/// `fail`: rejected as a network failure; `hold`: sent, but its answer is held until `release`.
fn faults() -> JsValue {
    let install = js_sys::Function::new_no_args(
        r#"
        if (!window.__lcFaults) {
            const original = window.fetch.bind(window);
            const F = window.__lcFaults = { fail: new Set(), hold: new Map(), seen: [] };
            F.release = (m) => { const w = F.hold.get(m) || []; F.hold.delete(m); w.forEach((r) => r()); };
            window.fetch = async (input, init) => {
                const request = new Request(input, init);
                const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.clone().text();
                const text = request.method + ' ' + request.url + ' ' + body;
                F.seen.push(text);
                for (const m of F.fail) if (text.includes(m)) throw new TypeError('Failed to fetch');
                for (const [m, waiting] of F.hold) if (text.includes(m)) {
                    const answer = original(request);
                    await new Promise((r) => waiting.push(r));
                    return answer;
                }
                return original(request);
            };
        }
        return window.__lcFaults;
        "#,
    );
    install.call0(&JsValue::NULL).unwrap()
}

/// Requests matching `m` fail (`on`) or go through again.
fn fail_fetches(m: &str, on: bool) {
    let set = js_sys::Reflect::get(&faults(), &"fail".into()).unwrap().unchecked_into::<js_sys::Set>();
    if on {
        set.add(&m.into());
    } else {
        set.delete(&m.into());
    }
}

/// Requests matching `m` are sent, but their answers wait for [`release_fetches`].
fn hold_fetches(m: &str) {
    let map = js_sys::Reflect::get(&faults(), &"hold".into()).unwrap().unchecked_into::<js_sys::Map>();
    map.set(&m.into(), &js_sys::Array::new());
}

fn release_fetches(m: &str) {
    let release = js_sys::Reflect::get(&faults(), &"release".into()).unwrap().unchecked_into::<js_sys::Function>();
    release.call1(&JsValue::NULL, &m.into()).unwrap();
}

/// How many requests so far matched every one of `all`.
fn fetches_matching(all: &[&str]) -> usize {
    let seen = js_sys::Reflect::get(&faults(), &"seen".into()).unwrap().unchecked_into::<js_sys::Array>();
    seen.iter().filter(|t| t.as_string().is_some_and(|t| all.iter().all(|m| t.contains(m)))).count()
}

/// Options of a new visitor the site already knows (no pre-chat form), in its own namespace.
fn visitor(extra: SessionOptions) -> SessionOptions {
    SessionOptions {
        name: Some("Rita".into()),
        email: Some(format!("rt.{}@example.com", new_token().to_lowercase())),
        namespace: new_token(),
        ..extra
    }
}

/// A session under its own root owner (signals die with it; disposing it leaves others be).
fn session(options: SessionOptions) -> (Owner, Session) {
    let owner = Owner::new_root(None);
    owner.set();
    (owner.clone(), Session::new(server_url(), Lang::En, options))
}

fn texts(s: &Session) -> Vec<String> {
    s.conversation.with_untracked(|c| c.messages().iter().filter(|m| m.t.is_none()).map(|m| m.msg.clone()).collect())
}

fn count(s: &Session, text: &str) -> usize {
    texts(s).iter().filter(|t| *t == text).count()
}

/// The agent serving `room`.
async fn staff(room: &Room) -> AgentClient {
    let served_by = room.served_by.as_ref().expect("auto routing assigned an agent").id.clone();
    let agent = AgentClient::login(Transport::new(server_url()), "agent", "agent").await.unwrap();
    if agent.user_id() == served_by {
        agent
    } else {
        AgentClient::login(Transport::new(server_url()), "bob", "bob-password").await.unwrap()
    }
}

/// A started visitor with a room (its first message sent) and a live realtime link.
async fn live_chat(extra: SessionOptions) -> (Owner, Session, Room, AgentClient) {
    let (owner, s) = session(visitor(extra));
    s.start().await;
    s.send("Hello".into()).await;
    let room = s.room.get_untracked().expect("a room");
    until("the live link", || s.link.get_untracked() == Status::Live).await;
    let agent = staff(&room).await;
    (owner, s, room, agent)
}

#[wasm_bindgen_test]
async fn agent_messages_and_the_chats_end_arrive_live() {
    let (_owner, s, room, agent) = live_chat(SessionOptions::default()).await;
    agent.send_message(&room.id, "Hi Rita, live!", None).await.unwrap();
    until("the agent's message without a refresh", || count(&s, "Hi Rita, live!") == 1).await;
    assert_eq!(s.unread.get_untracked(), 1, "arrived while the window was closed");
    assert!(s.agent.get_untracked().is_some(), "the header knows the agent");

    agent.close_room(&room.id, Some("Bye")).await.unwrap();
    until("the survey", || s.screen.get_untracked() == Screen::Survey).await;
    until("the link closed with the chat", || s.link.get_untracked() == Status::Idle).await;
}

#[wasm_bindgen_test]
async fn edits_and_deletions_reach_the_visitors_other_tab_live() {
    let (_owner, s, _room, _agent) = live_chat(SessionOptions::default()).await;
    // A second tab of the same visitor: same storage, its own socket.
    let other = Session::new(server_url(), Lang::En, s.options());
    other.start().await;
    assert_eq!(texts(&other), ["Hello"]);
    until("the second tab live", || other.link.get_untracked() == Status::Live).await;

    s.send("Second".into()).await;
    until("the new message in the other tab", || count(&other, "Second") == 1).await;
    let id = s.conversation.with_untracked(|c| c.messages().iter().find(|m| m.msg == "Hello").unwrap().id.clone());
    s.edit(id.clone(), "Hello, edited".into()).await;
    until("the edit in the other tab", || texts(&other) == ["Hello, edited", "Second"]).await;
    assert!(other.conversation.with_untracked(|c| c.get(&id).unwrap().edited_at.is_some()));
    s.delete(id).await;
    until("the deletion in the other tab", || texts(&other) == ["Second"]).await;
}

/// An agent's own DDP connection, logged in with its REST token, as an agent console has.
struct AgentSocket {
    ws: WebSocket,
    heard: Rc<RefCell<Vec<String>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl AgentSocket {
    async fn open(agent: &AgentClient) -> AgentSocket {
        let url = server_url().replacen("http://", "ws://", 1) + "/websocket";
        let ws = WebSocket::new(&url).unwrap();
        let heard = Rc::new(RefCell::new(Vec::new()));
        let log = heard.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            log.borrow_mut().push(e.data().as_string().unwrap_or_default());
        });
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let socket = AgentSocket { ws, heard, _on_message: on_message };
        until("the agent's socket open", || socket.ws.ready_state() == WebSocket::OPEN).await;
        socket.send(r#"{"msg":"connect","version":"1","support":["1"]}"#);
        socket.wait_for(r#""msg":"connected""#).await;
        let login = format!(
            r#"{{"msg":"method","id":"login","method":"login","params":[{{"resume":"{}"}}]}}"#,
            agent.auth_token()
        );
        socket.send(&login);
        socket.wait_for(r#""id":"login""#).await;
        socket
    }

    fn send(&self, text: &str) {
        self.ws.send_with_str(text).unwrap();
    }

    async fn wait_for(&self, needle: &str) {
        until(needle, || self.heard.borrow().iter().any(|f| f.contains(needle))).await;
    }

    fn typing(&self, rid: &str, username: &str, on: bool) {
        let activity = if on { r#"["user-typing"]"# } else { "[]" };
        self.send(&format!(
            r#"{{"msg":"method","id":"t","method":"stream-notify-room","params":["{rid}/user-activity","{username}",{activity},{{}}]}}"#
        ));
    }
}

impl Drop for AgentSocket {
    fn drop(&mut self) {
        self.ws.set_onmessage(None);
        let _ = self.ws.close();
    }
}

#[wasm_bindgen_test]
async fn typing_goes_both_ways() {
    let (_owner, s, room, agent) = live_chat(SessionOptions::default()).await;
    let socket = AgentSocket::open(&agent).await;
    let username = agent.me().username.clone();
    let name = agent.me().name.clone().unwrap_or_else(|| username.clone());

    socket.typing(&room.id, &username, true);
    until("the agent's typing shown", || s.typing.get_untracked() == [name.clone()]).await;
    socket.typing(&room.id, &username, false);
    until("the agent's typing cleared", || s.typing.get_untracked().is_empty()).await;
    socket.typing(&room.id, &username, true);
    until("typing again", || !s.typing.get_untracked().is_empty()).await;
    agent.send_message(&room.id, "Here you go", None).await.unwrap();
    until("typing cleared by the agent's message", || s.typing.get_untracked().is_empty()).await;

    // The visitor's typing reaches the agent, as Rocket.Chat's widget sends it.
    let sub = format!(
        r#"{{"msg":"sub","id":"a","name":"stream-notify-room","params":["{}/user-activity",{{"useCollection":false,"args":[]}}]}}"#,
        room.id
    );
    socket.send(&sub);
    socket.wait_for(r#""subs":["a"]"#).await;
    let me = s.visitor.get_untracked().unwrap().username;
    s.typed();
    socket.wait_for(&format!(r#""args":["{me}",["user-typing"]]"#)).await;
    // Sending the message says "stopped".
    s.send("Thanks".into()).await;
    socket.wait_for(&format!(r#""args":["{me}",[]]"#)).await;
}

#[wasm_bindgen_test]
async fn after_a_network_blip_missed_messages_come_from_history_exactly_once() {
    let (_owner, s, room, agent) = live_chat(SessionOptions::default()).await;
    let rt = s.realtime().expect("a realtime link");

    // Offline: the socket goes, nothing can arrive live.
    rt.set_online(false);
    until("offline", || s.link.get_untracked() == Status::Offline).await;
    for i in 0..3 {
        agent.send_message(&room.id, &format!("missed {i}"), None).await.unwrap();
    }
    sleep(300).await;
    assert_eq!(count(&s, "missed 0"), 0, "nothing live while offline");

    // Back online: reconnect, re-subscribe, catch up.
    rt.set_online(true);
    until("the missed messages", || (0..3).all(|i| count(&s, &format!("missed {i}")) == 1)).await;
    until("live again", || s.link.get_untracked() == Status::Live).await;

    // A socket that dies under us is replaced after a short backoff; the banner says so.
    rt.kill();
    assert_eq!(s.link.get_untracked(), Status::Reconnecting);
    agent.send_message(&room.id, "during the drop", None).await.unwrap();
    until("reconnected", || s.link.get_untracked() == Status::Live).await;
    until("the message sent during the drop", || count(&s, "during the drop") == 1).await;
    agent.send_message(&room.id, "after", None).await.unwrap();
    until("live after the reconnect", || count(&s, "after") == 1).await;
    // Exactly once each, in the server's order.
    let all = texts(&s);
    assert_eq!(all, ["Hello", "missed 0", "missed 1", "missed 2", "during the drop", "after"]);
}

#[wasm_bindgen_test]
async fn a_failed_catch_up_is_retried_and_fills_the_whole_gap() {
    let (_owner, s, room, agent) = live_chat(SessionOptions::default()).await;
    let rt = s.realtime().expect("a realtime link");
    rt.set_online(false);
    until("offline", || s.link.get_untracked() == Status::Offline).await;
    agent.send_message(&room.id, "missed while offline", None).await.unwrap();

    // Back online, but the catch-up's history call fails (a network flap).
    let history = format!("messages.history/{}", room.id);
    fail_fetches(&history, true);
    rt.set_online(true);
    until("live again", || s.link.get_untracked() == Status::Live).await;
    // More than a page of live news: the newest message shown moves far past the gap.
    for i in 0..22 {
        agent.send_message(&room.id, &format!("live {i}"), None).await.unwrap();
    }
    until("the live news", || count(&s, "live 21") == 1).await;
    assert_eq!(count(&s, "missed while offline"), 0, "the catch-up failed");

    // The server answers again: a retry fetches back to where the gap starts.
    fail_fetches(&history, false);
    until_within(12, "the gap filled", || count(&s, "missed while offline") == 1).await;
    let mut expected = vec!["Hello".to_owned(), "missed while offline".to_owned()];
    expected.extend((0..22).map(|i| format!("live {i}")));
    assert_eq!(texts(&s), expected);
}

#[wasm_bindgen_test]
async fn quick_first_messages_make_one_visitor_and_one_room_and_go_out_in_order() {
    let (_owner, s) = session(visitor(SessionOptions::default()));
    faults();
    s.start().await;
    assert!(s.room.get_untracked().is_none());
    let token = s.token();
    // Two messages written before any room, the second while the first is still going out.
    Session::spawn(s.send("first".into()));
    sleep(0).await;
    s.send("second".into()).await;
    until("both confirmed", || s.outbox.with_untracked(|o| o.is_empty()) && count(&s, "second") == 1).await;
    let room = s.room.get_untracked().expect("a room");
    assert_eq!(fetches_matching(&["POST", "livechat/visitor", &token]), 1, "one registration");
    assert_eq!(fetches_matching(&["GET", "livechat/room?", &token]), 1, "one room request");
    let client = VisitorClient::new(Transport::new(server_url()), &token);
    let history = client.history(&room.id, &HistoryQuery::default()).await.unwrap();
    let sent: Vec<&str> = history.iter().rev().filter(|m| m.t.is_none()).map(|m| m.msg.as_str()).collect();
    assert_eq!(sent, ["first", "second"], "stored in the order written");
}

#[wasm_bindgen_test]
async fn a_new_identity_leaves_the_old_visitors_room_outbox_and_answers_behind() {
    let (_owner, s, room, _agent) = live_chat(SessionOptions::default()).await;
    // A message that cannot go out (the network fails for it) waits in the outbox…
    let stuck = format!("stuck {}", new_token());
    fail_fetches(&stuck, true);
    s.send(stuck.clone()).await;
    assert_eq!(s.outbox.with_untracked(|o| o.len()), 1);
    // …and a catch-up of the old room is under way when the site switches visitors.
    let history = format!("messages.history/{}", room.id);
    hold_fetches(&history);
    Session::spawn(async move { s.refresh().await });
    until("the catch-up sent", || fetches_matching(&[&history]) > 0).await;
    assert!(s.set_guest_token(&new_token()));
    until("the old room's link closed", || s.link.get_untracked() == Status::Idle).await;
    let store =
        TokenStore::open(server_url(), StoreOptions { require_consent: false, namespace: s.options().namespace });
    assert!(store.outbox().is_empty(), "the old visitor's unsent messages are not kept for the new one");
    release_fetches(&history);
    fail_fetches(&stuck, false);
    let tries = fetches_matching(&[&stuck]);
    sleep(300).await;
    assert!(texts(&s).is_empty(), "the old room's history stays out of the new conversation");

    // The new visitor chats in a room of their own; the old message is not sent there.
    s.start().await;
    s.send("new visitor".into()).await;
    let new_room = s.room.get_untracked().expect("a room");
    assert_ne!(new_room.id, room.id);
    until("the new room live", || s.link.get_untracked() == Status::Live).await;
    sleep(300).await;
    assert_eq!(texts(&s), ["new visitor"]);
    assert_eq!(fetches_matching(&[&stuck]), tries, "the old visitor's message is not sent again");
}

#[wasm_bindgen_test]
async fn a_message_deleted_while_its_send_is_answered_leaves_the_outbox_for_good() {
    let (_owner, s, room, _agent) = live_chat(SessionOptions::default()).await;
    // The server stores the message and streams it, but the answer to the send is slow.
    let doomed = format!("doomed {}", new_token());
    hold_fetches(&doomed);
    let answered = Rc::new(RefCell::new(false));
    let done = answered.clone();
    let sent = doomed.clone();
    Session::spawn(async move {
        s.send(sent).await;
        *done.borrow_mut() = true;
    });
    let text = doomed.clone();
    let find = move || s.conversation.with_untracked(|c| c.messages().iter().find(|m| m.msg == text).cloned());
    until("the message shown", || find().is_some()).await;
    let held = doomed.clone();
    let doomed = find();
    let id = doomed.as_ref().map(|m| m.id.clone()).unwrap_or_default();
    until("the server's copy live", || s.conversation.with_untracked(|c| c.get(&id).is_some_and(|m| m.ts.is_some())))
        .await;
    // Deleted meanwhile (from another tab of the visitor).
    let other = VisitorClient::new(Transport::new(server_url()), &s.token());
    other.delete_message(&room.id, &id).await.unwrap();
    until("the deletion live", || s.conversation.with_untracked(|c| c.get(&id).is_none())).await;
    assert!(s.outbox.with_untracked(|o| o.is_empty()), "settled by the deletion");
    release_fetches(&held);
    until("the send answered", || *answered.borrow()).await;
    assert!(s.conversation.with_untracked(|c| c.get(&id).is_none()), "the late answer does not bring it back");
    assert!(s.outbox.with_untracked(|o| o.is_empty()));
}

#[wasm_bindgen_test]
async fn the_outbox_survives_a_reload_and_each_message_is_stored_once() {
    let (owner, s, room, _agent) = live_chat(SessionOptions::default()).await;
    let options = s.options();
    // The page dies with two messages in the outbox: one the server stored but whose answer
    // was lost, one that never left.
    let store =
        TokenStore::open(server_url(), StoreOptions { require_consent: false, namespace: options.namespace.clone() });
    let client = VisitorClient::new(Transport::new(server_url()), &store.token());
    let pending = |id: &str, text: &str| Message {
        id: id.into(),
        rid: room.id.clone(),
        msg: text.into(),
        token: Some(store.token()),
        ..Message::default()
    };
    let (stored_id, unsent_id) = (new_token(), new_token());
    client.send_message(&room.id, "stored, answer lost", Some(&stored_id)).await.unwrap();
    store.update_outbox(&stored_id, Some(&pending(&stored_id, "stored, answer lost")));
    store.update_outbox(&unsent_id, Some(&pending(&unsent_id, "never left")));
    drop(owner);

    // The reload: a new session on the same storage resends both with their ids.
    let (_owner, again) = session(options);
    again.start().await;
    until("the outbox emptied", || again.outbox.with_untracked(|o| o.is_empty())).await;
    assert!(store.outbox().is_empty(), "storage forgets confirmed messages");
    assert_eq!(count(&again, "stored, answer lost"), 1);
    assert_eq!(count(&again, "never left"), 1);
    let history = client.history(&room.id, &HistoryQuery::default()).await.unwrap();
    for (id, text) in [(&stored_id, "stored, answer lost"), (&unsent_id, "never left")] {
        let copies: Vec<_> = history.iter().filter(|m| m.msg == text).collect();
        assert_eq!(copies.len(), 1, "{text} stored once");
        assert_eq!(&copies[0].id, id, "with the client's _id");
    }
}

#[wasm_bindgen_test]
async fn nothing_is_stored_before_the_configuration_says_whether_consent_is_needed() {
    let options = visitor(SessionOptions::default());
    let (_owner, s) = session(options.clone());
    s.set_open(true);
    s.interacted();
    let fresh = || Session::new(server_url(), Lang::En, options.clone());
    assert!(!fresh().open.get_untracked(), "held until the configuration came");
    s.start().await;
    assert!(fresh().open.get_untracked(), "written once it said no consent is needed");
}

/// Before the configuration, the message waits in memory (nothing is stored until it is known
/// whether the server needs the visitor's consent); once a configuration came, a message the
/// server does not answer is stored for a reload (`the_outbox_survives_a_reload_and_each_message_is_stored_once`).
#[wasm_bindgen_test]
async fn a_message_sent_while_the_server_is_unreachable_waits_in_the_outbox() {
    // A port nothing listens on: every call fails to connect.
    let dead = "http://127.0.0.1:9";
    let owner = Owner::new_root(None);
    owner.set();
    let options = visitor(SessionOptions::default());
    let s = Session::new(dead, Lang::En, options.clone());
    s.send("Are you there?".into()).await;
    assert_eq!(texts(&s), ["Are you there?"], "shown at once");
    assert_eq!(s.outbox.with_untracked(|o| o.len()), 1, "pending");
    let store = TokenStore::open(dead, StoreOptions { require_consent: false, namespace: options.namespace });
    assert!(store.outbox().is_empty(), "not stored before the configuration came");
    let id = s.outbox.with_untracked(|o| o.iter().next().map(|(k, _)| k.clone())).unwrap();
    s.discard(&id);
    assert!(texts(&s).is_empty());
}

#[wasm_bindgen_test]
async fn two_tabs_share_open_state_unread_count_and_the_sound() {
    let (owner, s, room, agent) = live_chat(SessionOptions { sound: true, ..SessionOptions::default() }).await;
    let other_owner = Owner::new_root(None);
    other_owner.set();
    let other = Session::new(server_url(), Lang::En, s.options());
    other.start().await;
    until("the second tab live", || other.link.get_untracked() == Status::Live).await;

    s.set_open(true);
    until("opened in the other tab", || other.open.get_untracked()).await;
    s.set_open(false);
    until("closed in the other tab", || !other.open.get_untracked()).await;

    agent.send_message(&room.id, "Ping", None).await.unwrap();
    until("unread in both", || s.unread.get_untracked() == 1 && other.unread.get_untracked() == 1).await;
    other.set_open(true);
    until("read in both", || s.unread.get_untracked() == 0 && s.open.get_untracked()).await;
    assert_eq!(other.unread.get_untracked(), 0);

    // A reload keeps the window open.
    let reloaded = Session::new(server_url(), Lang::En, s.options());
    assert!(reloaded.open.get_untracked());

    // One tab leads the sound; when it goes, the other takes over.
    until("one leader", || s.plays_sound() != other.plays_sound()).await;
    let (leader_owner, follower) = if s.plays_sound() { (owner, other) } else { (other_owner, s) };
    leader_owner.cleanup();
    until("the other tab leads", || follower.plays_sound()).await;
}

#[wasm_bindgen_test]
async fn the_open_window_is_not_stored_before_consent() {
    let options = visitor(SessionOptions { require_consent: true, ..SessionOptions::default() });
    let (_owner, s) = session(options.clone());
    s.start().await;
    s.set_open(true);
    assert!(!Session::new(server_url(), Lang::En, options.clone()).open.get_untracked(), "nothing written");
    s.interacted();
    s.set_open(true);
    assert!(Session::new(server_url(), Lang::En, options).open.get_untracked(), "written after consent");
}

#[wasm_bindgen_test]
async fn without_websocket_history_is_polled() {
    let (_owner, s) = session(visitor(SessionOptions { polling_only: true, ..SessionOptions::default() }));
    s.start().await;
    s.send("Polling here".into()).await;
    let room = s.room.get_untracked().unwrap();
    until("polling", || s.link.get_untracked() == Status::Polling).await;
    let agent = staff(&room).await;
    agent.send_message(&room.id, "Polled answer", None).await.unwrap();
    until_within(12, "the answer through polling (every eight seconds)", || count(&s, "Polled answer") == 1).await;
    assert_eq!(count(&s, "Polling here"), 1);
}
