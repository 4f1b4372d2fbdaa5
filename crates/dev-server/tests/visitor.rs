//! `livechat/visitor`, `livechat/visitor/:token` (read and forgotten), `livechat/config` and
//! the offline form (`livechat/offline.message`, `livechat/offline.messages`).

mod common;

use axum::http::Method;
use common::*;
use http_body_util::BodyExt;
use livechat_dev_server::files::Files;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// POST livechat/visitor

#[tokio::test]
async fn registers_a_new_visitor_with_every_field() {
    let app = TestApp::new();
    let v = app
        .register(json!({
            "token": "tok-1",
            "name": " Jane Doe ",
            "email": " Jane@Example.COM ",
            "phone": "+155512345",
            "department": "Sales",
            "customFields": [{"key": "plan", "value": "gold", "overwrite": true}],
        }))
        .await;
    assert!(!rid_of(&v).is_empty());
    assert_eq!(v["token"], "tok-1");
    assert_eq!(v["username"], "guest-1");
    assert_eq!(v["name"], "Jane Doe");
    assert_eq!(v["visitorEmails"], json!([{"address": "jane@example.com"}]));
    assert_eq!(v["phone"], json!([{"phoneNumber": "+155512345"}]));
    assert_eq!(v["department"], "sales", "a department may be named; the id is stored");
    assert_eq!(v["status"], "online");
    assert_eq!(v["livechatData"], json!({"plan": "gold"}));

    // Keys the server does not know are tolerated inside `visitor`.
    let second = app.register(json!({"token": "tok-2", "connectionData": {"ip": "1"}, "extra": true})).await;
    assert_eq!(second["username"], "guest-2");
    assert_ne!(second["_id"], v["_id"]);
}

#[tokio::test]
async fn updates_the_visitor_with_the_same_token_and_renames_its_open_room() {
    let app = TestApp::new();
    let first = app.register(json!({"token": "t", "name": "Ann", "email": "ann@example.com"})).await;
    let rid = app.open_room("t").await;
    let again = app.register(json!({"token": "t", "name": "Annie"})).await;
    assert_eq!(again["_id"], first["_id"]);
    assert_eq!(again["username"], first["username"]);
    assert_eq!(again["name"], "Annie");
    assert_eq!(again["visitorEmails"], json!([{"address": "ann@example.com"}]), "fields not sent are kept");

    let room = success(app.get(&format!("livechat/room?token=t&rid={rid}")).await);
    assert_eq!(room["room"]["fname"], "Annie");
}

// Visitors cannot take each other over.
//
// Rocket.Chat 7.x and 8.x (`registerGuest`: apps/meteor/app/livechat/server/lib/guests.ts in
// 7.x, packages/omni-core/src/visitor/create.ts in 8.x) look a token they do not know up by
// phone, then by e-mail. A phone match answers the other visitor's token, so whoever knows a
// phone number reads that visitor's history; an e-mail match moves that visitor's record to
// the new token, so the owner's own token then fails with `invalid-token`. The dev server
// never does either: an unknown token always makes a new visitor (200, the same body shape as
// Rocket.Chat's, the token sent, the phone and e-mail given), and nobody else's record, token
// or history changes hands.

/// A visitor with a conversation the attacker should never see; returns (visitor, rid).
async fn victim(app: &TestApp, fields: Value) -> (Value, String) {
    let mut visitor = json!({"token": "victim-token", "name": "Vic Tim"});
    visitor.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    let registered = app.register(visitor).await;
    let rid = app.open_room("victim-token").await;
    app.say("victim-token", &rid, "my card ends in 4242").await;
    (registered, rid)
}

/// The victim keeps its token, record and history; the attacker got a visitor of its own.
async fn nothing_changed_hands(app: &TestApp, victim: &Value, rid: &str, attacker: &Value) {
    assert_ne!(attacker["_id"], victim["_id"], "a new visitor, not the victim's record");
    assert_ne!(attacker["username"], victim["username"]);
    assert_eq!(attacker["token"], "attacker-token", "the answer carries the token sent, never the victim's");
    assert!(attacker.get("name").is_none(), "nothing of the victim's record: {attacker}");

    let now = success(app.get("livechat/visitor/victim-token").await)["visitor"].clone();
    assert_eq!(now["_id"], victim["_id"], "the victim's token still works");
    assert_eq!(now["token"], "victim-token");
    assert_eq!(now["name"], "Vic Tim");
    let texts: Vec<_> = app.history("victim-token", rid, "").await.iter().map(|m| m["msg"].clone()).collect();
    assert!(texts.contains(&json!("my card ends in 4242")), "{texts:?}");

    // The attacker's token opens nothing of the victim's: not its history, not its room.
    check(&app.get(&format!("livechat/messages.history/{rid}?token=attacker-token")).await, 400, "invalid-room");
    check(&app.get(&format!("livechat/room?token=attacker-token&rid={rid}")).await, 400, "invalid-room");
    let own = app.open_room("attacker-token").await;
    assert_ne!(own, rid, "the attacker's room is a new one");
    assert!(app.history("attacker-token", &own, "").await.iter().all(|m| m["msg"] != "my card ends in 4242"));
}

#[tokio::test]
async fn another_visitors_email_takes_nothing_over() {
    let app = TestApp::new();
    let (victim, rid) = victim(&app, json!({"email": "vic@example.com"})).await;
    let attacker = app.register(json!({"token": "attacker-token", "email": " VIC@example.com "})).await;
    assert_eq!(attacker["visitorEmails"], json!([{"address": "vic@example.com"}]), "the address is kept, normalised");
    nothing_changed_hands(&app, &victim, &rid, &attacker).await;
}

#[tokio::test]
async fn another_visitors_phone_takes_nothing_over() {
    let app = TestApp::new();
    let (victim, rid) = victim(&app, json!({"phone": "+4412345"})).await;
    let attacker = app.register(json!({"token": "attacker-token", "phone": "+4412345"})).await;
    assert_eq!(attacker["phone"], json!([{"phoneNumber": "+4412345"}]));
    nothing_changed_hands(&app, &victim, &rid, &attacker).await;
}

#[tokio::test]
async fn a_visitor_may_reuse_its_own_email_and_phone() {
    let app = TestApp::new();
    let first = app.register(json!({"token": "t", "email": "me@example.com", "phone": "+1"})).await;
    let again = app.register(json!({"token": "t", "email": "me@example.com", "phone": "+1", "name": "Me"})).await;
    assert_eq!(again["_id"], first["_id"]);
    assert_eq!(again["name"], "Me");
}

#[tokio::test]
async fn register_errors() {
    let app = TestApp::new();
    let cases = [
        (json!({"visitor": {"token": "   "}}), "Token cannot be empty [error-invalid-token]"),
        (json!({"visitor": {"token": ""}}), "Token cannot be empty [error-invalid-token]"),
        (
            json!({"visitor": {"token": "t", "email": "not-an-email"}}),
            "Invalid email not-an-email [error-invalid-email]",
        ),
        (
            json!({"visitor": {"token": "t", "department": "nope"}}),
            "The provided department is invalid [error-invalid-department]",
        ),
    ];
    for (body, error) in cases {
        check(&app.post("livechat/visitor", body).await, 400, error);
    }
    // Rocket.Chat 7.x/8.x check this body with Meteor's `check`: nothing is coerced, so a
    // numeric token is refused (Ajv, which coerces, would have taken it as "12345").
    let check_errors = [
        (json!({}), "Match error: Missing key 'visitor'"),
        (json!({"visitor": {}}), "Match error: Missing key 'token' in field visitor"),
        (json!({"visitor": "t"}), "Match error: Expected object, got string in field visitor"),
        (json!({"visitor": {"token": 12345}}), "Match error: Expected string, got number in field visitor.token"),
        (json!({"visitor": {"token": {"a": 1}}}), "Match error: Expected string, got object in field visitor.token"),
        (json!({"visitor": {"token": null}}), "Match error: Expected string, got null in field visitor.token"),
        (json!({"visitor": {"token": "t"}, "other": 1}), "Match error: Unknown key in field other"),
        (
            json!({"visitor": {"token": "t", "name": 5}}),
            "Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation in field visitor.name",
        ),
        (
            json!({"visitor": {"token": "t", "customFields": [{"key": "k", "value": "v"}]}}),
            "Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation in field visitor.customFields",
        ),
    ];
    for (body, error) in check_errors {
        check(&app.post("livechat/visitor", body.clone()).await, 400, error);
    }
    check(&app.post_bytes("livechat/visitor", "{oops").await, 400, "Match error: Missing key 'visitor'");
    // Nothing was stored by the failures.
    assert_eq!(app.register_visitor("t").await["username"], "guest-1");
    // `Match.Maybe` takes null for the optional fields.
    let nulls =
        app.register(json!({"token": "n", "name": null, "email": null, "phone": null, "customFields": null})).await;
    assert_eq!(nulls["token"], "n");
}

#[tokio::test]
async fn guest_usernames_skip_names_visitors_chose() {
    let app = TestApp::new();
    assert_eq!(app.register(json!({"token": "a", "username": "guest-1"})).await["username"], "guest-1");
    assert_eq!(app.register(json!({"token": "b", "username": "guest-3"})).await["username"], "guest-3");
    // guest-1 and guest-3 are taken: the counter skips them instead of failing on the UNIQUE index.
    assert_eq!(app.register_visitor("c").await["username"], "guest-2");
    assert_eq!(app.register_visitor("d").await["username"], "guest-4");
    // A chosen name that is taken falls back to the next free guest name.
    assert_eq!(app.register(json!({"token": "e", "username": "guest-4"})).await["username"], "guest-5");
}

#[tokio::test]
async fn the_token_is_stored_exactly_as_sent() {
    let app = TestApp::new();
    let v = app.register_visitor(" padded ").await;
    assert_eq!(v["token"], " padded ");
    assert_eq!(success(app.get("livechat/visitor/%20padded%20").await)["visitor"], v);
    let rid = app.open_room(" padded ").await;
    app.say(" padded ", &rid, "hello").await;
    check(&app.get("livechat/visitor/padded").await, 400, "Invalid token [invalid-token]");
    check(&app.get("livechat/room?token=padded").await, 400, "invalid-token");
    // Registering again with the same padded token updates that visitor.
    assert_eq!(app.register(json!({"token": " padded ", "name": "Pat"})).await["_id"], v["_id"]);
}

// ---------------------------------------------------------------------------------------------
// GET livechat/visitor/:token

#[tokio::test]
async fn reads_a_visitor_back_by_token() {
    let app = TestApp::new();
    let v = app.register(json!({"token": "abc", "name": "Zed"})).await;
    let body = success(app.get("livechat/visitor/abc").await);
    assert_eq!(body["visitor"], v);
    check(&app.get("livechat/visitor/unknown").await, 400, "Invalid token [invalid-token]");
}

// ---------------------------------------------------------------------------------------------
// DELETE livechat/visitor/:token

/// The visitor sends a small text file into its room; answers the file's id.
async fn send_file(app: &TestApp, token: &str, rid: &str) -> String {
    let boundary = "----forget-me";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nmy notes\r\n--{boundary}--\r\n"
    );
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let headers = [("content-type", content_type.as_str()), ("x-visitor-token", token)];
    let response = app.raw(Method::POST, &format!("livechat/upload/{rid}"), Some(body.into_bytes()), &headers).await;
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    body["file"]["_id"].as_str().unwrap_or_else(|| panic!("no file in {body}")).to_owned()
}

/// How many rows of `table` match `filter` (one `?1` argument).
fn count(app: &TestApp, table: &str, filter: &str, arg: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {filter}");
    app.state().db.conn().query_row(&sql, [arg], |r| r.get(0)).unwrap()
}

/// A visitor with everything a visitor leaves: custom fields, page visits before and during a
/// chat, messages both ways, a file, a closed room, a transcript request. Answers the room and
/// the file's id.
async fn leaves_everything(app: &TestApp, token: &str) -> (String, String) {
    app.register(
        json!({"token": token, "name": "Ada", "customFields": [{"key": "plan", "value": "gold", "overwrite": true}]}),
    )
    .await;
    let page = |rid: Option<&str>| {
        let mut body = json!({"token": token, "pageInfo": {"title": "Home", "change": "url", "location": {"href": "https://x.example/"}}});
        if let Some(rid) = rid {
            body["rid"] = json!(rid);
        }
        body
    };
    success(app.post("livechat/page.visited", page(None)).await);
    let rid = app.open_room(token).await;
    success(app.post("livechat/page.visited", page(Some(&rid))).await);
    app.say(token, &rid, "hello").await;
    let agent = app.as_agent().await;
    success(agent.post("chat.sendMessage", json!({"message": {"rid": rid, "msg": "hi, Ada"}})).await);
    let file = send_file(app, token, &rid).await;
    app.close(token, &rid).await;
    success(app.post("livechat/transcript", json!({"token": token, "rid": rid, "email": "ada@example.com"})).await);
    (rid, file)
}

#[tokio::test]
async fn forgetting_a_visitor_removes_everything_it_left() {
    let dir = std::env::temp_dir().join(format!("livechat-forget-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut state = livechat_dev_server::AppState::in_memory(ServerConfig::default());
    state.files = std::sync::Arc::new(Files::beside(&dir.join("livechat.db")));
    let app = TestApp::from_state(state);
    let (rid, file) = leaves_everything(&app, "t").await;
    let (other_rid, other_file) = leaves_everything(&app, "other").await;
    let on_disk = |id: &str| dir.join("livechat.uploads").join(id).exists();
    assert!(on_disk(&file) && on_disk(&other_file));
    let visitor = success(app.get("livechat/visitor/t").await)["visitor"].clone();

    let body = success(app.delete("livechat/visitor/t").await);
    assert_eq!(body["visitor"]["_id"], visitor["_id"]);
    let ts = body["visitor"]["ts"].as_str().unwrap();
    assert!(ts.ends_with('Z') && ts.len() == 24, "an ISO date: {ts}");
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    assert_eq!(body["visitor"].as_object().unwrap().len(), 2, "{body}");

    check(&app.get("livechat/visitor/t").await, 400, "Invalid token [invalid-token]");
    for (table, filter) in [
        ("visitors", "token = ?1"),
        ("rooms", "token = ?1"),
        ("navigation_history", "token = ?1"),
        ("transcript_requests", "token = ?1"),
        ("uploads", "visitor_token = ?1"),
    ] {
        assert_eq!(count(&app, table, filter, "t"), 0, "{table}");
        assert!(count(&app, table, filter, "other") > 0, "{table} of the other visitor");
    }
    for table in ["messages", "inquiries", "uploads", "navigation_history", "transcript_requests"] {
        assert_eq!(count(&app, table, "rid = ?1", &rid), 0, "{table}");
    }
    assert!(count(&app, "messages", "rid = ?1", &other_rid) > 0);
    assert!(!on_disk(&file), "the file's bytes are gone");
    assert!(on_disk(&other_file), "nobody else's");
    let manager = app.as_agent().await;
    assert!(manager.listed_room(&rid).await.is_none());
    assert!(manager.listed_room(&other_rid).await.is_some());

    // Gone for good: the token is nobody's now, and registering it makes a new visitor.
    check(&app.delete("livechat/visitor/t").await, 400, "Invalid token [invalid-token]");
    let again = app.register_visitor("t").await;
    assert_ne!(again["_id"], visitor["_id"]);
    assert!(again.get("livechatData").is_none(), "{again}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn forgetting_removes_files_kept_in_memory() {
    let app = TestApp::new();
    let (_, file) = leaves_everything(&app, "t").await;
    assert!(app.state().files.get(&file).unwrap().is_some());
    success(app.delete("livechat/visitor/t").await);
    assert!(app.state().files.get(&file).unwrap().is_none());
}

#[tokio::test]
async fn a_visitor_with_an_open_room_is_not_forgotten() {
    let app = TestApp::new();
    check(&app.delete("livechat/visitor/nobody").await, 400, "Invalid token [invalid-token]");
    let rid = app.chat("t").await;
    check(
        &app.delete("livechat/visitor/t").await,
        400,
        "Cannot remove visitors with opened rooms [visitor-has-open-rooms]",
    );
    assert_eq!(success(app.get("livechat/visitor/t").await)["visitor"]["token"], "t", "still there");
    app.close("t", &rid).await;
    success(app.delete("livechat/visitor/t").await);
    // A token with characters a path must escape.
    app.register_visitor("a b/c").await;
    success(app.delete(&format!("livechat/visitor/{}", enc("a b/c"))).await);
}

// ---------------------------------------------------------------------------------------------
// GET livechat/config

#[tokio::test]
async fn config_without_token() {
    let app = TestApp::new();
    let config = success(app.get("livechat/config").await)["config"].clone();
    assert_eq!(config["enabled"], true);
    assert_eq!(config["online"], true);
    let departments: Vec<(&str, &str)> = config["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["_id"].as_str().unwrap(), d["name"].as_str().unwrap()))
        .collect();
    assert_eq!(departments, [("sales", "Sales"), ("support", "Support")]);
    assert_eq!(config["settings"]["visitorsCanCloseChat"], true);
    assert_eq!(
        config["survey"]["items"],
        json!(["satisfaction", "agentKnowledge", "agentResposiveness", "agentFriendliness"])
    );
    for key in ["guest", "room", "agent"] {
        assert!(config.get(key).is_none(), "no {key} without a token: {config}");
    }
}

#[tokio::test]
async fn config_online_follows_the_agents() {
    let cases: [(Edit, bool); 4] = [
        (|_| {}, true),
        (agents_offline, false),
        (
            |c| {
                agents_offline(c);
                c.accept_chats_with_no_agents = true;
            },
            true,
        ),
        (|c| c.agents[0].roles = vec!["user".into()], false),
    ];
    for (edit, online) in cases {
        let app = TestApp::with(edit);
        assert_eq!(success(app.get("livechat/config").await)["config"]["online"], online);
    }
}

#[tokio::test]
async fn config_with_token_has_guest_room_and_agent() {
    let app = TestApp::new();
    app.register(json!({"token": "t", "name": "Guest"})).await;
    let config = success(app.get("livechat/config?token=t").await)["config"].clone();
    assert_eq!(config["guest"]["token"], "t");
    assert_eq!(config["guest"]["name"], "Guest");
    assert!(config.get("room").is_none() && config.get("agent").is_none(), "no room yet: {config}");

    let rid = app.open_room("t").await;
    let config = success(app.get("livechat/config?token=t").await)["config"].clone();
    assert_eq!(config["room"]["_id"], rid);
    assert_eq!(config["room"]["open"], true);
    assert_eq!(config["room"]["departmentId"], "sales");
    assert_eq!(config["room"]["servedBy"]["username"], "agent");
    assert_eq!(config["agent"]["username"], "agent");
    assert_eq!(config["agent"]["name"], "Alex Agent");

    app.close("t", &rid).await;
    let config = success(app.get("livechat/config?token=t").await)["config"].clone();
    assert!(config.get("room").is_none(), "a closed room is not the visitor's room: {config}");

    let unknown = success(app.get("livechat/config?token=nobody").await)["config"].clone();
    assert!(unknown.get("guest").is_none());
}

// ---------------------------------------------------------------------------------------------
// POST livechat/offline.message, GET livechat/offline.messages

fn offline(name: &str, email: &str, message: &str) -> Value {
    json!({"name": name, "email": email, "message": message})
}

#[tokio::test]
async fn offline_message_is_stored_for_managers() {
    let app = TestApp::with(add_bob);
    for (name, email) in [("First", "one@example.com"), ("Second", " Two@Example.com ")] {
        let body = success(app.post("livechat/offline.message", offline(name, email, "call me")).await);
        assert_eq!(body["message"], "Livechat offline message sent");
    }
    let listed = success(app.as_agent().await.get("livechat/offline.messages").await);
    let messages = listed["messages"].as_array().unwrap();
    let names: Vec<&str> = messages.iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Second", "First"], "newest first");
    assert_eq!(messages[0]["email"], "two@example.com");
    assert_eq!(messages[0]["message"], "call me");

    check(&app.get("livechat/offline.messages").await, 401, "You must be logged in to do this.");
    check(
        &app.as_user(BOB).await.get("livechat/offline.messages").await,
        403,
        "User does not have the permissions required for this action [error-unauthorized]",
    );
}

#[tokio::test]
async fn offline_message_errors() {
    let app = TestApp::new();
    let generic = "Error sending livechat offline message";
    let cases = [
        (offline("A", "not-an-email", "hi"), generic),
        (json!({"name": "A", "email": "a@b.co", "message": "hi", "department": "nope"}), generic),
        (json!({"email": "a@b.co", "message": "hi"}), "must have required property 'name' [invalid-params]"),
        (
            json!({"name": "A", "email": "a@b.co", "message": "hi", "x": 1}),
            "must NOT have additional properties [invalid-params]",
        ),
    ];
    for (body, error) in cases {
        check(&app.post("livechat/offline.message", body).await, 400, error);
    }
    let listed = success(app.as_agent().await.get("livechat/offline.messages").await);
    assert_eq!(listed["messages"], json!([]), "nothing stored by failures");

    let closed_form = TestApp::with(|c| c.display_offline_form = false);
    check(&closed_form.post("livechat/offline.message", offline("A", "a@b.co", "hi")).await, 400, generic);
}
