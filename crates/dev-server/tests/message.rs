//! `livechat/message`, `livechat/message/:_id` (GET, PUT, DELETE) and
//! `livechat/messages.history/:rid`.

mod common;

use common::*;
use serde_json::{Value, json};

fn message(token: &str, rid: &str, msg: &str) -> Value {
    json!({"token": token, "rid": rid, "msg": msg})
}

/// `body` with `key` set to `value` (or removed when `value` is null).
fn with(mut body: Value, key: &str, value: Value) -> Value {
    let map = body.as_object_mut().unwrap();
    if value.is_null() {
        map.remove(key);
    } else {
        map.insert(key.into(), value);
    }
    body
}

// ---------------------------------------------------------------------------------------------
// POST livechat/message

#[tokio::test]
async fn visitor_sends_a_message() {
    let app = TestApp::new();
    let visitor = app.register(json!({"token": "t", "name": "Jane"})).await;
    let rid = app.open_room("t").await;
    let sent = app.say("t", &rid, "hello").await;
    assert_eq!(sent["msg"], "hello");
    assert_eq!(sent["rid"], rid);
    assert_eq!(sent["token"], "t");
    assert_eq!(sent["alias"], "Jane");
    assert_eq!(sent["u"]["_id"], visitor["_id"]);
    assert_eq!(sent["u"]["username"], visitor["username"]);
    assert!(sent.get("t").is_none(), "{sent}");
    assert!(sent["ts"].is_string());

    let history = app.history("t", &rid, "").await;
    assert_eq!(history[0], sent, "the newest message is the one just sent");

    let room = success(app.get(&format!("livechat/room?token=t&rid={rid}")).await)["room"].clone();
    assert_eq!(room["msgs"], 1);
    assert_eq!(room["lastMessage"]["_id"], sent["_id"]);
}

/// Rocket.Chat parses bodies with JavaScript's `JSON.parse` (its router reads
/// `request.json()`, packages/http-router/src/Router.ts), which takes a lone UTF-16 surrogate
/// escape into the string, and stores the message: MongoDB's driver writes the string as UTF-8
/// with U+FFFD for the surrogate, which is what history then shows. The dev server reads the
/// surrogate as U+FFFD from the start, instead of refusing the whole body as if it were empty.
#[tokio::test]
async fn a_lone_surrogate_in_a_message_is_stored_as_a_replacement_character() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    for (escaped, stored) in
        [(r"a\ud800b", "a\u{FFFD}b"), (r"\udfff", "\u{FFFD}"), (r"\ud83d\ude00 then \ud83d", "\u{1F600} then \u{FFFD}")]
    {
        let body = format!(r#"{{"token":"t","rid":"{rid}","msg":"{escaped}"}}"#);
        let sent = success(app.post_bytes("livechat/message", body).await)["message"].clone();
        assert_eq!(sent["msg"], stored);
        let history = app.history("t", &rid, "").await;
        assert_eq!(history[0]["_id"], sent["_id"]);
        assert_eq!(history[0]["msg"], stored);
    }
    // A body that is not JSON for another reason still reads as empty, as in Rocket.Chat.
    let broken = format!(r#"{{"token":"t","rid":"{rid}","msg":"\ud800"#);
    check(
        &app.post_bytes("livechat/message", broken).await,
        400,
        "must have required property 'token' [invalid-params]",
    );
}

#[tokio::test]
async fn client_id_is_echoed_and_never_stored_twice() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let body = with(message("t", &rid, "once"), "_id", json!("client-id-1"));
    let sent = success(app.post("livechat/message", body.clone()).await)["message"].clone();
    assert_eq!(sent["_id"], "client-id-1");

    let (status, again) = app.post("livechat/message", with(body, "msg", json!("twice"))).await;
    assert_eq!(status, 400, "{again}");
    assert_eq!(again["success"], false);

    let history = app.history("t", &rid, "").await;
    let copies: Vec<&Value> = history.iter().filter(|m| m["_id"] == "client-id-1").collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0]["msg"], "once");
}

#[tokio::test]
async fn send_errors() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.chat("other").await;
    let closed = app.chat("closer").await;
    app.close("closer", &closed).await;
    let ok = message("t", &rid, "hi");
    let cases = [
        (message("nobody", &rid, "hi"), "invalid-token"),
        (message("other", &rid, "hi"), "invalid-room"),
        (message("t", "nope", "hi"), "invalid-room"),
        (message("closer", &closed, "hi"), "room-closed"),
        (with(ok.clone(), "msg", json!("")), "must NOT have fewer than 1 characters [invalid-params]"),
        (with(ok.clone(), "foo", json!(1)), "must NOT have additional properties [invalid-params]"),
        (with(ok.clone(), "msg", json!({"text": "hi"})), "must be string [invalid-params]"),
        (with(ok.clone(), "rid", Value::Null), "must have required property 'rid' [invalid-params]"),
        (with(ok.clone(), "_id", json!("")), "must NOT have fewer than 1 characters [invalid-params]"),
        (json!({}), "must have required property 'token' [invalid-params]"),
    ];
    for (body, error) in cases {
        check(&app.post("livechat/message", body).await, 400, error);
    }
    check(
        &app.post_bytes("livechat/message", r#"{"token": "t", "rid": "#).await,
        400,
        "must have required property 'token' [invalid-params]",
    );
    assert_eq!(texts(&app.history("t", &rid, "").await), Vec::<&str>::new(), "nothing was stored");
    assert_eq!(texts(&app.history("closer", &closed, "").await), Vec::<&str>::new());
}

#[tokio::test]
async fn character_limit() {
    let app = TestApp::with(|c| c.message_character_limit = Some(10));
    let rid = app.chat("t").await;
    app.say("t", &rid, "0123456789").await;
    app.say("t", &rid, "éééééééééé").await;
    check(
        &app.post("livechat/message", message("t", &rid, "0123456789X")).await,
        400,
        "message-length-exceeds-character-limit",
    );
    assert_eq!(texts(&app.history("t", &rid, "").await), ["éééééééééé", "0123456789"]);
    assert_eq!(success(app.get("livechat/config").await)["config"]["settings"]["limitTextLength"], 10);
}

#[tokio::test]
async fn oversized_body_is_413() {
    let app = TestApp::with(|c| c.max_body_bytes = 1024);
    let rid = app.chat("t").await;
    let (status, body) = app.post("livechat/message", message("t", &rid, &"x".repeat(2000))).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["success"], false);
    app.say("t", &rid, &"x".repeat(900)).await;
    assert_eq!(texts(&app.history("t", &rid, "").await).len(), 1, "the oversized message was not stored");

    // The default limit (64 KiB) holds any message Message_MaxAllowedSize allows.
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let (status, _) = app.post("livechat/message", message("t", &rid, &"x".repeat(70 * 1024))).await;
    assert_eq!(status, 413);
    check(
        &app.post("livechat/message", message("t", &rid, &"x".repeat(5001))).await,
        400,
        "Message size exceeds Message_MaxAllowedSize [error-message-size-exceeded]",
    );
    app.say("t", &rid, &"x".repeat(5000)).await;
}

// ---------------------------------------------------------------------------------------------
// GET / PUT / DELETE livechat/message/:_id

#[tokio::test]
async fn get_one_message() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let sent = app.say("t", &rid, "hello").await;
    let id = rid_of(&sent);
    let body = success(app.get(&format!("livechat/message/{id}?token=t&rid={rid}")).await);
    assert_eq!(body["message"], sent);

    let cases = [
        (format!("livechat/message/nope?token=t&rid={rid}"), "invalid-message"),
        (format!("livechat/message/{id}?token=nobody&rid={rid}"), "invalid-token"),
        (format!("livechat/message/{id}?token=t&rid=nope"), "invalid-room"),
        (format!("livechat/message/{id}?token=t"), "must have required property 'rid' [invalid-params]"),
        (
            format!("livechat/message/{id}?token=t&rid={rid}&x=1"),
            "must NOT have additional properties [invalid-params]",
        ),
    ];
    for (path, error) in cases {
        check(&app.get(&path).await, 400, error);
    }
}

#[tokio::test]
async fn visitor_edits_its_message() {
    let app = TestApp::new();
    let visitor = app.register_visitor("t").await;
    let rid = app.open_room("t").await;
    let id = rid_of(&app.say("t", &rid, "helo").await);
    let edited =
        success(app.put(&format!("livechat/message/{id}"), message("t", &rid, "hello")).await)["message"].clone();
    assert_eq!(edited["_id"], id);
    assert_eq!(edited["msg"], "hello");
    assert!(edited["editedAt"].is_string(), "{edited}");
    assert_eq!(edited["editedBy"]["_id"], visitor["_id"]);
    assert_eq!(edited["editedBy"]["username"], visitor["username"]);
    assert_eq!(app.history("t", &rid, "").await[0], edited);
}

/// Rocket.Chat stores each message's parse tree in `md` when it saves or edits it; the dev
/// server does the same, so history and the stream carry formatted messages.
#[tokio::test]
async fn messages_carry_their_parse_tree() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let sent = app.say("t", &rid, "*Thanks!* Here is the _manual_ :smile:").await;
    let text = |s: &str| json!({"type": "PLAIN_TEXT", "value": s});
    assert_eq!(
        sent["md"],
        json!([{"type": "PARAGRAPH", "value": [
            {"type": "BOLD", "value": [text("Thanks!")]},
            text(" Here is the "),
            {"type": "ITALIC", "value": [text("manual")]},
            text(" "),
            {"type": "EMOJI", "value": text("smile"), "shortCode": "smile"},
        ]}])
    );
    assert_eq!(app.history("t", &rid, "").await[0]["md"], sent["md"]);

    let id = rid_of(&sent);
    let edited =
        success(app.put(&format!("livechat/message/{id}"), message("t", &rid, "~gone~")).await)["message"].clone();
    assert_eq!(edited["md"], json!([{"type": "PARAGRAPH", "value": [{"type": "STRIKE", "value": [text("gone")]}]}]));
    assert_eq!(app.history("t", &rid, "").await[0]["md"], edited["md"]);
}

#[tokio::test]
async fn edit_errors() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.chat("other").await;
    let mine = rid_of(&app.say("t", &rid, "mine").await);
    let agent = app.as_agent().await;
    let reply = success(agent.post("chat.sendMessage", json!({"message": {"rid": rid, "msg": "from agent"}})).await);
    let agents = rid_of(&reply["message"]);
    let history = app.history("t", &rid, "").await;
    let started = rid_of(history.iter().find(|m| m["t"] == "livechat-started").unwrap());

    let cases = [
        (agents.as_str(), message("t", &rid, "hacked"), "error-action-not-allowed"),
        (started.as_str(), message("t", &rid, "hacked"), "error-action-not-allowed"),
        ("nope", message("t", &rid, "x"), "invalid-message"),
        (mine.as_str(), message("nobody", &rid, "x"), "invalid-token"),
        (mine.as_str(), message("other", &rid, "x"), "invalid-room"),
        (mine.as_str(), message("t", &rid, ""), "must NOT have fewer than 1 characters [invalid-params]"),
        (mine.as_str(), json!({"token": "t", "rid": rid}), "must have required property 'msg' [invalid-params]"),
    ];
    for (id, body, error) in cases {
        check(&app.put(&format!("livechat/message/{id}"), body).await, 400, error);
    }
    let after = app.history("t", &rid, "").await;
    assert_eq!(texts(&after), ["from agent", "mine"]);
    assert!(after.iter().all(|m| m.get("editedAt").is_none()));
}

#[tokio::test]
async fn visitor_deletes_its_message() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let keep = app.say("t", &rid, "keep").await;
    let id = rid_of(&app.say("t", &rid, "oops").await);
    let body = success(app.delete_json(&format!("livechat/message/{id}"), json!({"token": "t", "rid": rid})).await);
    let deleted = body["message"].as_object().unwrap();
    assert_eq!(deleted.keys().collect::<Vec<_>>(), ["_id", "ts"]);
    assert_eq!(deleted["_id"], id);
    assert!(deleted["ts"].is_string());

    assert_eq!(texts(&app.history("t", &rid, "").await), ["keep"]);
    check(&app.get(&format!("livechat/message/{id}?token=t&rid={rid}")).await, 400, "invalid-message");
    let room = success(app.get(&format!("livechat/room?token=t&rid={rid}")).await)["room"].clone();
    assert_eq!(room["msgs"], 1);
    assert_eq!(room["lastMessage"]["_id"], keep["_id"]);
}

#[tokio::test]
async fn delete_errors() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.chat("other").await;
    let mine = rid_of(&app.say("t", &rid, "mine").await);
    let agent = app.as_agent().await;
    let reply = success(agent.post("chat.sendMessage", json!({"message": {"rid": rid, "msg": "from agent"}})).await);
    let agents = rid_of(&reply["message"]);
    let cases = [
        (agents.as_str(), json!({"token": "t", "rid": rid}), "error-action-not-allowed"),
        ("nope", json!({"token": "t", "rid": rid}), "invalid-message"),
        (mine.as_str(), json!({"token": "nobody", "rid": rid}), "invalid-token"),
        (mine.as_str(), json!({"token": "other", "rid": rid}), "invalid-room"),
        (mine.as_str(), json!({"rid": rid}), "must have required property 'token' [invalid-params]"),
        (
            mine.as_str(),
            json!({"token": "t", "rid": rid, "x": 1}),
            "must NOT have additional properties [invalid-params]",
        ),
    ];
    for (id, body, error) in cases {
        check(&app.delete_json(&format!("livechat/message/{id}"), body).await, 400, error);
    }
    // The body is the DELETE's parameters: a query string is not read.
    check(
        &app.call(axum::http::Method::DELETE, &format!("livechat/message/{mine}?token=t&rid={rid}"), None).await,
        400,
        "must have required property 'token' [invalid-params]",
    );
    assert_eq!(texts(&app.history("t", &rid, "").await), ["from agent", "mine"]);
}

// ---------------------------------------------------------------------------------------------
// GET livechat/messages.history/:rid

#[tokio::test]
async fn history_paging() {
    let app = TestApp::with(manual_routing);
    let rid = app.chat("t").await;
    for i in 1..=25 {
        app.say("t", &rid, &format!("m{i:02}")).await;
    }
    let all = app.history("t", &rid, "&limit=100").await;
    assert_eq!(all.len(), 26, "25 messages and livechat-started");
    assert_eq!(all[25]["t"], "livechat-started", "oldest last");
    let expected: Vec<String> = (1..=25).rev().map(|i| format!("m{i:02}")).collect();
    assert_eq!(texts(&all), expected, "newest first");

    let ids = |h: &[Value]| h.iter().map(rid_of).collect::<Vec<_>>();
    let cases = [
        ("", 0, 20),
        ("&limit=5", 0, 5),
        ("&limit=5&offset=3", 3, 5),
        ("&offset=20", 20, 6),
        // Rocket.Chat reads a falsy limit as the default.
        ("&limit=0", 0, 20),
        ("&limit=0&offset=10", 10, 16),
    ];
    for (query, skip, len) in cases {
        let page = app.history("t", &rid, query).await;
        assert_eq!(ids(&page), ids(&all[skip..skip + len]), "query {query:?}");
    }

    // `end` is exclusive: only messages strictly older than it.
    let end = all[10]["ts"].as_str().unwrap();
    let before = app.history("t", &rid, &format!("&end={}", enc(end))).await;
    assert_eq!(ids(&before), ids(&all[11..]));
    let before = app.history("t", &rid, &format!("&end={}&limit=3", enc(end))).await;
    assert_eq!(ids(&before), ids(&all[11..14]));
}

#[tokio::test]
async fn history_of_a_closed_room_is_readable() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.say("t", &rid, "bye").await;
    app.close("t", &rid).await;
    let history = app.history("t", &rid, "").await;
    assert_eq!(types(&history), [Some("livechat-close"), None, Some("uj"), Some("livechat-started")]);
}

#[tokio::test]
async fn history_errors() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.chat("other").await;
    let cases = [
        (format!("livechat/messages.history/{rid}?token=nobody"), "invalid-token"),
        (format!("livechat/messages.history/{rid}?token=other"), "invalid-room"),
        ("livechat/messages.history/nope?token=t".to_owned(), "invalid-room"),
        (format!("livechat/messages.history/{rid}"), "must have required property 'token' [invalid-params]"),
        (format!("livechat/messages.history/{rid}?token=t&limit=many"), "must be integer [invalid-params]"),
        (
            format!("livechat/messages.history/{rid}?token=t&foo=1"),
            "must NOT have additional properties [invalid-params]",
        ),
    ];
    for (path, error) in cases {
        check(&app.get(&path).await, 400, error);
    }
}

// ---------------------------------------------------------------------------------------------
// Realtime order

/// Events reach subscribers in commit order: concurrent edits of one message arrive with
/// strictly increasing `_updatedAt`, and the last one heard is the one the database kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_edits_reach_subscribers_in_commit_order() {
    const EDITS: usize = 300;
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let id = rid_of(&app.say("t", &rid, "v0").await);
    let hub = &app.state().hub;
    let (tx, mut rx) = tokio::sync::mpsc::channel(EDITS + 1);
    let outbox = livechat_dev_server::hub::Outbox { tx, kick: Default::default() };
    hub.subscribe(hub.connect(), "s", "stream-room-messages", &rid, outbox);

    let tasks: Vec<_> = (1..=EDITS)
        .map(|i| {
            let (app, rid, id) = (app.clone(), rid.clone(), id.clone());
            tokio::spawn(async move {
                success(app.put(&format!("livechat/message/{id}"), message("t", &rid, &format!("v{i}"))).await);
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }

    let mut heard = Vec::new();
    while let Ok(text) = rx.try_recv() {
        let frame: Value = serde_json::from_str(&text).unwrap();
        let m = frame["fields"]["args"][0].clone();
        heard.push((m["_updatedAt"]["$date"].as_i64().expect("EJSON date"), m["msg"].as_str().unwrap().to_owned()));
    }
    assert_eq!(heard.len(), EDITS);
    let out_of_order: Vec<_> = heard.windows(2).filter(|w| w[0].0 >= w[1].0).collect();
    assert!(out_of_order.is_empty(), "events out of commit order: {out_of_order:?}");
    let stored = app.history("t", &rid, "").await[0]["msg"].clone();
    assert_eq!(json!(heard.last().unwrap().1), stored, "the last event is the stored text");
}

/// Only the unique index on `_id` reads as MongoDB's duplicate key error; any other failure of
/// the insert (here a trigger) is a 500, not a fake E11000.
#[tokio::test]
async fn a_failed_insert_is_not_reported_as_a_duplicate_key() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let trigger = "CREATE TRIGGER fail BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'injected'); END;";
    app.state().db.conn().execute_batch(trigger).unwrap();
    let (status, body) = app.post("livechat/message", message("t", &rid, "hello")).await;
    assert_eq!((status.as_u16(), body), (500, json!({"success": false, "error": "Internal server error"})));
}
