//! `livechat/visitor`, `livechat/visitor/:token`, `livechat/config` and the offline form
//! (`livechat/offline.message`, `livechat/offline.messages`).

mod common;

use common::*;
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

#[tokio::test]
async fn matches_by_email_keeping_the_old_visitor() {
    let app = TestApp::new();
    let old = app.register(json!({"token": "old", "email": "same@example.com"})).await;
    let new = app.register(json!({"token": "new", "email": "SAME@example.com"})).await;
    assert_eq!(new["_id"], old["_id"]);
    assert_eq!(new["username"], old["username"]);
    assert_eq!(new["token"], "new");
    success(app.get("livechat/visitor/new").await);
}

#[tokio::test]
async fn matches_by_phone_keeping_the_old_token() {
    let app = TestApp::new();
    let old = app.register(json!({"token": "old", "phone": "+4412345"})).await;
    let new = app.register(json!({"token": "new", "phone": "+4412345", "name": "Phoned"})).await;
    assert_eq!(new["_id"], old["_id"]);
    assert_eq!(new["token"], "old", "the answer carries the token to use from now on");
    assert_eq!(new["name"], "Phoned");
    check(&app.get("livechat/visitor/new").await, 400, "Invalid token [invalid-token]");
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
    let typed = [
        (json!({}), "must have required property 'visitor'"),
        (json!({"visitor": {}}), "must have required property 'token'"),
        (json!({"visitor": "t"}), "must be object"),
        (json!({"visitor": {"token": {"a": 1}}}), "must be string"),
    ];
    for (body, error) in typed {
        check_typed(&app.post("livechat/visitor", body).await, error);
    }
    check_typed(&app.post_bytes("livechat/visitor", "{oops").await, "must have required property 'visitor'");
    // Nothing was stored by the failures.
    assert_eq!(app.register_visitor("t").await["username"], "guest-1");
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
