//! The agent side: `login`, `logout`, `me`, `livechat/rooms`, `livechat/inquiries.*`,
//! `livechat/room.forward`, `livechat/room.closeByUser`, `chat.sendMessage`,
//! `users.setStatus` and `livechat/agent.status`.

mod common;

use common::*;
use serde_json::{Value, json};

const UNAUTHENTICATED: &str = "You must be logged in to do this.";
const FORBIDDEN: &str = "User does not have the permissions required for this action [error-unauthorized]";

fn with_bob_and_plain(c: &mut ServerConfig) {
    add_bob(c);
    add_plain(c);
}

// ---------------------------------------------------------------------------------------------
// login, logout, me

#[tokio::test]
async fn login_answers_user_id_token_and_me() {
    let app = TestApp::new();
    for login in ["agent", "AGENT@example.com"] {
        let (status, body) = app.post("login", json!({"user": login, "password": "agent"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "success");
        let data = &body["data"];
        assert!(data["userId"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(data["authToken"].as_str().is_some_and(|s| s.len() >= 32));
        assert_eq!(data["me"]["_id"], data["userId"]);
        assert_eq!(data["me"]["username"], "agent");
        assert_eq!(data["me"]["roles"], json!(["user", "livechat-agent", "livechat-manager"]));
    }
    let me = success(app.as_agent().await.get("me").await);
    assert_eq!(me["username"], "agent");
    assert_eq!(me["statusLivechat"], "available");
}

#[tokio::test]
async fn login_failures_are_all_alike() {
    let app = TestApp::new();
    let bodies = [
        json!({"user": "agent", "password": "wrong"}),
        json!({"user": "nobody", "password": "agent"}),
        json!({"user": "agent"}),
        json!({}),
    ];
    for body in bodies {
        let (status, reply) = app.post("login", body).await;
        assert_eq!(status, 401, "{reply}");
        assert_eq!(reply["error"], "Unauthorized");
        assert_eq!(reply["status"], "error");
    }
    let (status, reply) = app.post_bytes("login", "user=agent&password=agent").await;
    assert_eq!((status.as_u16(), &reply["error"]), (401, &json!("Unauthorized")));
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = TestApp::new();
    let (id, token) = app.login_agent().await;
    let agent = app.with_auth(&id, &token);
    let other_session = app.as_agent().await;
    success(agent.get("livechat/rooms").await);
    let (status, body) = agent.post("logout", json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "success");
    check(&agent.get("livechat/rooms").await, 401, UNAUTHENTICATED);
    check(&agent.post("logout", json!({})).await, 401, UNAUTHENTICATED);
    success(other_session.get("livechat/rooms").await);
}

// ---------------------------------------------------------------------------------------------
// GET livechat/rooms

/// Three rooms: `a` (Alice Smith, sales, agent, open), `b` (Bob Jones, support, bob, open),
/// `c` (Carol Smith, sales, agent, closed), created in that order.
async fn three_rooms() -> (TestApp, [String; 3]) {
    let app = TestApp::with(with_bob_and_plain);
    let mut rids = Vec::new();
    for (token, name, department) in
        [("a", "Alice Smith", "sales"), ("b", "Bob Jones", "support"), ("c", "Carol Smith", "sales")]
    {
        app.register(json!({"token": token, "name": name, "department": department})).await;
        rids.push(app.open_room(token).await);
    }
    app.close("c", &rids[2]).await;
    (app, rids.try_into().unwrap())
}

#[tokio::test]
async fn rooms_need_login_and_permission() {
    let (app, [_, b, _]) = three_rooms().await;
    let (status, body) = app.get("livechat/rooms").await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"success": false, "error": UNAUTHENTICATED, "status": "error", "message": UNAUTHENTICATED})
    );
    check(&app.with_auth("someone", "made-up").get("livechat/rooms").await, 401, UNAUTHENTICATED);
    let (agent_id, _) = app.login_agent().await;
    check(&app.with_auth(&agent_id, "made-up").get("livechat/rooms").await, 401, UNAUTHENTICATED);
    check(&app.as_user(PLAIN).await.get("livechat/rooms").await, 403, FORBIDDEN);

    // An agent without `view-livechat-rooms` may list only its own rooms.
    let (bob_id, bob_token) = app.login(BOB.0, BOB.1).await;
    let bob = app.with_auth(&bob_id, &bob_token);
    check(&bob.get("livechat/rooms").await, 403, FORBIDDEN);
    check(&bob.get(&format!("livechat/rooms?agents[]={agent_id}")).await, 403, FORBIDDEN);
    assert_eq!(bob.listed_ids(&format!("agents[]={bob_id}")).await, [b]);
}

#[tokio::test]
async fn rooms_paging() {
    let (app, [a, b, c]) = three_rooms().await;
    let agent = app.as_agent().await;
    let cases = [
        ("", vec![&c, &b, &a], 0),
        ("count=2", vec![&c, &b], 0),
        ("count=2&offset=2", vec![&a], 2),
        ("offset=1", vec![&b, &a], 1),
        ("count=0", vec![&c, &b, &a], 0),
    ];
    for (query, ids, offset) in cases {
        let body = success(agent.get(&format!("livechat/rooms?{query}")).await);
        let got: Vec<String> = body["rooms"].as_array().unwrap().iter().map(rid_of).collect();
        assert_eq!(got.iter().collect::<Vec<_>>(), ids, "query {query:?}");
        assert_eq!(body["count"], ids.len(), "query {query:?}");
        assert_eq!(body["offset"], offset, "query {query:?}");
        assert_eq!(body["total"], 3, "query {query:?}");
    }
    let body = success(agent.get("livechat/rooms").await);
    let first = &body["rooms"][0];
    assert_eq!(first["department"], json!({"_id": "sales", "name": "Sales"}));
    assert_eq!(first["t"], "l");
}

#[tokio::test]
async fn rooms_filters_and_sort() {
    let (app, [a, b, c]) = three_rooms().await;
    let agent = app.as_agent().await;
    let (agent_id, _) = app.login_agent().await;
    let (bob_id, _) = app.login(BOB.0, BOB.1).await;
    let created_b = agent.listed_room(&b).await.unwrap()["ts"].as_str().unwrap().to_owned();
    let cases: Vec<(String, Vec<&String>)> = vec![
        ("open=true".into(), vec![&b, &a]),
        ("open=false".into(), vec![&c]),
        ("roomName=smith".into(), vec![&c, &a]),
        ("roomName=ICE%20SM".into(), vec![&a]),
        (format!("roomName={}", enc("\"Bob Jones\"")), vec![&b]),
        (format!("roomName={}", enc("\"Smith\"")), vec![]),
        (format!("agents[]={agent_id}"), vec![&c, &a]),
        (format!("agents[]={bob_id}"), vec![&b]),
        (format!("agents[]={agent_id}&agents[]={bob_id}"), vec![&c, &b, &a]),
        ("agents[]=nobody".into(), vec![]),
        ("departmentId=support".into(), vec![&b]),
        ("departmentId=sales&open=true".into(), vec![&a]),
        ("departmentId[]=support&departmentId[]=sales".into(), vec![&c, &b, &a]),
        (format!("sort={}", enc(r#"{"ts":1}"#)), vec![&a, &b, &c]),
        (format!("sort={}", enc(r#"{"fname":-1}"#)), vec![&c, &b, &a]),
        (format!("sort={}", enc(r#"{"fname":1}"#)), vec![&a, &b, &c]),
        (format!("createdAt={}", enc(&json!({"start": created_b}).to_string())), vec![&c, &b]),
        (format!("createdAt={}", enc(&json!({"end": created_b}).to_string())), vec![&b, &a]),
        (format!("closedAt={}", enc(r#"{"start":"2000-01-01T00:00:00.000Z"}"#)), vec![&c]),
        // What `Date.parse` accepts: a date alone, a date-time without zone; empty bounds are skipped.
        (format!("createdAt={}", enc(r#"{"start":"2000-01-01"}"#)), vec![&c, &b, &a]),
        (format!("createdAt={}", enc(r#"{"end":"2000-01-01"}"#)), vec![]),
        (format!("createdAt={}", enc(r#"{"start":"2000-01-01T10:00","end":""}"#)), vec![&c, &b, &a]),
        (format!("createdAt={}", enc(r#"{"end":"2999-12-31T23:59:59"}"#)), vec![&c, &b, &a]),
    ];
    for (query, ids) in cases {
        assert_eq!(agent.listed_ids(&query).await.iter().collect::<Vec<_>>(), ids, "query {query:?}");
    }
}

#[tokio::test]
async fn rooms_query_errors() {
    let (app, _) = three_rooms().await;
    let agent = app.as_agent().await;
    let cases = [
        ("sort=nope".to_owned(), r#"Invalid sort parameter provided: "nope" [error-invalid-sort]"#),
        (format!("sort={}", enc(r#"{"ts":2}"#)), r#"Invalid sort parameter provided: "{"ts":2}" [error-invalid-sort]"#),
        (
            format!("createdAt={}", enc(r#"{"start":"yesterday"}"#)),
            r#"The "createdAt.start" query parameter must be a valid date."#,
        ),
        (
            format!("closedAt={}", enc(r#"{"end":"2024-13-01"}"#)),
            r#"The "closedAt.end" query parameter must be a valid date."#,
        ),
        (
            format!("createdAt={}", enc(r#"{"start":"2024-01-01","end":"not a date"}"#)),
            r#"The "createdAt.end" query parameter must be a valid date."#,
        ),
        ("customFields=nope".to_owned(), r#"The "customFields" query parameter must be a valid JSON."#),
        ("foo=1".to_owned(), "must NOT have additional properties [invalid-params]"),
        ("count=many".to_owned(), "must be integer [invalid-params]"),
    ];
    for (query, error) in cases {
        check(&agent.get(&format!("livechat/rooms?{query}")).await, 400, error);
    }
}

// ---------------------------------------------------------------------------------------------
// livechat/inquiries.list, inquiries.take, inquiries.getOne

/// Manual routing with bob and plain; three queued rooms `q1`, `q2`, `q3`.
async fn queue() -> (TestApp, TestApp, Vec<String>) {
    let app = TestApp::with(|c| {
        manual_routing(c);
        with_bob_and_plain(c);
    });
    let mut rids = Vec::new();
    for token in ["q1", "q2", "q3"] {
        rids.push(app.chat(token).await);
    }
    let agent = app.as_agent().await;
    (app, agent, rids)
}

async fn inquiry_of(agent: &TestApp, rid: &str) -> Value {
    success(agent.get(&format!("livechat/inquiries.getOne?roomId={rid}")).await)["inquiry"].clone()
}

fn inquiry_rids(body: &Value) -> Vec<&str> {
    body["inquiries"].as_array().unwrap().iter().map(|i| i["rid"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn inquiries_list_shows_the_queue() {
    let (app, agent, rids) = queue().await;
    let body = success(agent.get("livechat/inquiries.list").await);
    assert_eq!(inquiry_rids(&body), [&rids[2], &rids[1], &rids[0]], "newest first");
    assert_eq!((body["count"].clone(), body["offset"].clone(), body["total"].clone()), (json!(3), json!(0), json!(3)));
    let first = &body["inquiries"][0];
    assert_eq!(first["status"], "queued");
    assert_eq!(first["v"]["token"], "q3");

    // A taken inquiry leaves the queue; so does a closed room's.
    success(agent.post("livechat/inquiries.take", json!({"inquiryId": rid_of(first)})).await);
    app.close("q1", &rids[0]).await;
    let body = success(agent.get("livechat/inquiries.list").await);
    assert_eq!(inquiry_rids(&body), [&rids[1]]);
    assert_eq!(body["total"], 1);

    let cases = [
        ("count=1", 1),
        ("department=Sales", 1),
        ("department=sales", 1),
        ("department=support", 0),
        ("department=unknown", 1),
    ];
    for (query, len) in cases {
        let body = success(agent.get(&format!("livechat/inquiries.list?{query}")).await);
        assert_eq!(body["inquiries"].as_array().unwrap().len(), len, "query {query:?}");
    }

    check(&app.get("livechat/inquiries.list").await, 401, UNAUTHENTICATED);
    check(&app.as_user(BOB).await.get("livechat/inquiries.list").await, 403, FORBIDDEN);
    check(
        &agent.get("livechat/inquiries.list?foo=1").await,
        400,
        "must NOT have additional properties [invalid-params]",
    );
}

#[tokio::test]
async fn inquiries_take_assigns_the_room() {
    let (app, agent, rids) = queue().await;
    let inquiry = inquiry_of(&agent, &rids[0]).await;
    assert_eq!(inquiry["status"], "queued");
    let id = rid_of(&inquiry);
    let body = success(agent.post("livechat/inquiries.take", json!({"inquiryId": id})).await);
    assert_eq!(body, json!({"success": true}));

    let room = success(app.get(&format!("livechat/room?token=q1&rid={}", rids[0])).await)["room"].clone();
    assert_eq!(room["servedBy"]["username"], "agent");
    assert_eq!(success(app.get(&format!("livechat/agent.info/{}/q1", rids[0])).await)["agent"]["username"], "agent");
    assert_eq!(inquiry_of(&agent, &rids[0]).await["status"], "taken");

    let cases = [
        (json!({"inquiryId": id}), "Inquiry already taken [error-inquiry-taken]"),
        (json!({"inquiryId": "nope"}), "Inquiry not found [error-not-found]"),
        (json!({}), "must have required property 'inquiryId' [invalid-params]"),
    ];
    for (body, error) in cases {
        check(&agent.post("livechat/inquiries.take", body).await, 400, error);
    }
    let other = rid_of(&inquiry_of(&agent, &rids[1]).await);
    check(&app.as_user(PLAIN).await.post("livechat/inquiries.take", json!({"inquiryId": other})).await, 403, FORBIDDEN);
    check(&app.post("livechat/inquiries.take", json!({"inquiryId": other})).await, 401, UNAUTHENTICATED);
    assert_eq!(inquiry_of(&agent, &rids[1]).await["status"], "queued");
}

#[tokio::test]
async fn inquiries_take_for_another_agent() {
    let (app, agent, rids) = queue().await;
    let (bob_id, _) = app.login(BOB.0, BOB.1).await;
    let id = rid_of(&inquiry_of(&agent, &rids[0]).await);
    success(agent.post("livechat/inquiries.take", json!({"inquiryId": id, "userId": bob_id})).await);
    assert_eq!(success(app.get(&format!("livechat/agent.info/{}/q1", rids[0])).await)["agent"]["username"], "bob");

    let id = rid_of(&inquiry_of(&agent, &rids[1]).await);
    check(
        &agent.post("livechat/inquiries.take", json!({"inquiryId": id, "userId": "nobody"})).await,
        400,
        "The user is invalid",
    );
}

#[tokio::test]
async fn inquiries_get_one() {
    let (app, agent, rids) = queue().await;
    let inquiry = inquiry_of(&agent, &rids[0]).await;
    assert_eq!(inquiry["rid"], rids[0]);
    assert_eq!(inquiry["v"]["token"], "q1");
    assert_eq!(inquiry_of(&agent, "nope").await, Value::Null);
    app.close("q1", &rids[0]).await;
    assert_eq!(inquiry_of(&agent, &rids[0]).await, Value::Null);
    let (status, body) = agent.get("livechat/inquiries.getOne?roomId=nope").await;
    assert_eq!(body, json!({"inquiry": null, "success": true}), "{status}");

    check(&agent.get("livechat/inquiries.getOne").await, 400, "must have required property 'roomId' [invalid-params]");
    check(
        &app.as_user(PLAIN).await.get(&format!("livechat/inquiries.getOne?roomId={}", rids[1])).await,
        403,
        FORBIDDEN,
    );
}

// ---------------------------------------------------------------------------------------------
// POST livechat/room.forward

#[tokio::test]
async fn forward_to_another_agent() {
    let app = TestApp::with(with_bob_and_plain);
    let rid = app.chat("t").await;
    let agent = app.as_agent().await;
    let (bob_id, bob_token) = app.login(BOB.0, BOB.1).await;
    let body = success(
        agent.post("livechat/room.forward", json!({"roomId": rid, "userId": bob_id, "comment": "yours"})).await,
    );
    assert_eq!(body, json!({"success": true}));

    assert_eq!(agent.listed_room(&rid).await.unwrap()["servedBy"]["username"], "bob");
    assert_eq!(success(app.get(&format!("livechat/agent.info/{rid}/t")).await)["agent"]["username"], "bob");
    let history = app.history("t", &rid, "").await;
    let transfer = history.iter().find(|m| m["t"] == "livechat_transfer_history").expect("transfer history");
    let data = &transfer["transferData"];
    assert_eq!(data["scope"], "agent");
    assert_eq!(data["transferredTo"]["username"], "bob");
    assert_eq!(data["transferredBy"]["username"], "agent");
    assert_eq!(data["comment"], "yours");

    // Now bob serves it: bob may answer, the agent may not.
    let bob = app.with_auth(&bob_id, &bob_token);
    success(bob.post("chat.sendMessage", json!({"message": {"rid": rid, "msg": "bob here"}})).await);
    check(
        &agent.post("chat.sendMessage", json!({"message": {"rid": rid, "msg": "me?"}})).await,
        400,
        "error-not-allowed",
    );
}

#[tokio::test]
async fn forward_to_a_department() {
    let app = TestApp::with(with_bob_and_plain);
    let rid = app.chat("t").await;
    let agent = app.as_agent().await;
    success(agent.post("livechat/room.forward", json!({"roomId": rid, "departmentId": "support"})).await);
    let room = agent.listed_room(&rid).await.unwrap();
    assert_eq!(room["departmentId"], "support");
    assert_eq!(room["servedBy"]["username"], "agent", "the agent belongs to support too and keeps the room");
}

#[tokio::test]
async fn forward_errors() {
    let app = TestApp::with(with_bob_and_plain);
    let rid = app.chat("t").await;
    let closed = app.chat("closer").await;
    app.close("closer", &closed).await;
    let agent = app.as_agent().await;
    let (agent_id, _) = app.login_agent().await;
    let (bob_id, _) = app.login(BOB.0, BOB.1).await;
    let (plain_id, _) = app.login(PLAIN.0, PLAIN.1).await;
    let cases = [
        (
            json!({"roomId": rid, "userId": agent_id}),
            "The selected agent and the room agent are the same [error-selected-agent-room-agent-are-same]",
        ),
        (json!({"roomId": "nope", "userId": bob_id}), "error-invalid-room"),
        (json!({"roomId": closed, "userId": bob_id}), "This_conversation_is_already_closed"),
        (json!({"roomId": rid, "userId": "nobody"}), "Invalid agent [error-invalid-agent]"),
        (json!({"roomId": rid, "userId": plain_id}), "Invalid agent [error-invalid-agent]"),
        (
            json!({"roomId": rid, "departmentId": "nope"}),
            "The provided department is invalid [error-invalid-department]",
        ),
        (json!({"userId": bob_id}), "must have required property 'roomId' [invalid-params]"),
        (json!({"roomId": rid, "userId": bob_id, "x": 1}), "must NOT have additional properties [invalid-params]"),
    ];
    for (body, error) in cases {
        check(&agent.post("livechat/room.forward", body).await, 400, error);
    }
    let forward = json!({"roomId": rid, "userId": bob_id});
    check(&app.as_user(PLAIN).await.post("livechat/room.forward", forward.clone()).await, 403, FORBIDDEN);
    check(&app.post("livechat/room.forward", forward).await, 401, UNAUTHENTICATED);
    assert_eq!(agent.listed_room(&rid).await.unwrap()["servedBy"]["username"], "agent", "nothing moved");
    let history = app.history("t", &rid, "").await;
    assert!(history.iter().all(|m| m["t"] != "livechat_transfer_history"));
}

#[tokio::test]
async fn forward_to_an_offline_agent() {
    let app = TestApp::with(add_bob_offline);
    let rid = app.chat("t").await;
    let (bob_id, _) = app.login(BOB.0, BOB.1).await;
    let agent = app.as_agent().await;
    check(
        &agent.post("livechat/room.forward", json!({"roomId": rid, "userId": bob_id})).await,
        400,
        "User is offline [error-user-is-offline]",
    );
}

// ---------------------------------------------------------------------------------------------
// POST livechat/room.closeByUser

#[tokio::test]
async fn agent_closes_a_room() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let agent = app.as_agent().await;
    let body = success(
        agent.post("livechat/room.closeByUser", json!({"rid": rid, "comment": "all done", "tags": ["sale"]})).await,
    );
    assert_eq!(body, json!({"success": true}));

    let room = agent.listed_room(&rid).await.unwrap();
    assert!(room.get("open").is_none(), "{room}");
    assert_eq!(room["closer"], "user");
    assert_eq!(room["closedBy"]["username"], "agent");
    assert_eq!(room["tags"], json!(["sale"]));
    let newest = &app.history("t", &rid, "").await[0];
    assert_eq!(newest["t"], "livechat-close");
    assert_eq!(newest["msg"], "all done");
    assert_eq!(newest["u"]["username"], "agent");

    check(&app.post("livechat/message", json!({"token": "t", "rid": rid, "msg": "hello?"})).await, 400, "room-closed");
    check(&agent.post("livechat/room.closeByUser", json!({"rid": rid})).await, 400, "error-room-already-closed");
}

#[tokio::test]
async fn close_by_user_errors() {
    let app = TestApp::with(with_bob_and_plain);
    let rid = app.chat("t").await;
    let agent = app.as_agent().await;
    check(&agent.post("livechat/room.closeByUser", json!({"rid": "nope"})).await, 400, "error-invalid-room");
    check(
        &agent.post("livechat/room.closeByUser", json!({})).await,
        400,
        "must have required property 'rid' [invalid-params]",
    );
    check(
        &app.as_user(BOB).await.post("livechat/room.closeByUser", json!({"rid": rid})).await,
        400,
        "error-not-authorized",
    );
    check(&app.as_user(PLAIN).await.post("livechat/room.closeByUser", json!({"rid": rid})).await, 403, FORBIDDEN);
    check(&app.post("livechat/room.closeByUser", json!({"rid": rid})).await, 401, UNAUTHENTICATED);
    assert_eq!(agent.listed_room(&rid).await.unwrap()["open"], true);

    let needs_comment = TestApp::with(|c| c.request_comment_when_closing = true);
    let rid = needs_comment.chat("t").await;
    let agent = needs_comment.as_agent().await;
    check(
        &agent.post("livechat/room.closeByUser", json!({"rid": rid, "comment": "  "})).await,
        400,
        "error-comment-is-required",
    );
    success(agent.post("livechat/room.closeByUser", json!({"rid": rid, "comment": "ok"})).await);
}

// ---------------------------------------------------------------------------------------------
// POST chat.sendMessage

fn reply(rid: &str, msg: &str) -> Value {
    json!({"message": {"rid": rid, "msg": msg}})
}

#[tokio::test]
async fn agent_reply_reaches_the_visitor() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let agent = app.as_agent().await;
    let sent = success(agent.post("chat.sendMessage", reply(&rid, "Hi, how can I help?")).await)["message"].clone();
    assert_eq!(sent["msg"], "Hi, how can I help?");
    assert_eq!(sent["rid"], rid);
    assert_eq!(sent["u"]["username"], "agent");
    assert!(sent.get("token").is_none(), "{sent}");
    assert_eq!(app.history("t", &rid, "").await[0], sent);

    // The room waits for an answer after the visitor speaks, not after the agent does.
    let waiting = |app: TestApp, rid: String| async move {
        success(app.get(&format!("livechat/room?token=t&rid={rid}")).await)["room"]["waitingResponse"].clone()
    };
    assert_eq!(waiting(app.clone(), rid.clone()).await, false);
    app.say("t", &rid, "thanks").await;
    assert_eq!(waiting(app.clone(), rid.clone()).await, true);
}

#[tokio::test]
async fn agent_reply_with_a_client_id_is_stored_once() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let agent = app.as_agent().await;
    let body = json!({"message": {"_id": "agent-msg-1", "rid": rid, "msg": "once"}});
    assert_eq!(success(agent.post("chat.sendMessage", body.clone()).await)["message"]["_id"], "agent-msg-1");
    let (status, again) = agent.post("chat.sendMessage", body).await;
    assert_eq!(status, 400, "{again}");
    assert_eq!(again["success"], false);
    let history = app.history("t", &rid, "").await;
    assert_eq!(history.iter().filter(|m| m["_id"] == "agent-msg-1").count(), 1);
}

#[tokio::test]
async fn chat_send_message_errors() {
    let app = TestApp::with(with_bob_and_plain);
    let rid = app.chat("t").await;
    let closed = app.chat("closer").await;
    app.close("closer", &closed).await;
    let agent = app.as_agent().await;
    let cases = [
        (json!({"message": {"msg": "hi"}}), "The 'rid' property on the message object is missing."),
        (reply("", "hi"), "The 'rid' property on the message object is missing."),
        (reply("nope", "hi"), "error-invalid-room"),
        (reply(&closed, "hi"), "error-not-allowed"),
        (json!({}), "must have required property 'message' [invalid-params]"),
    ];
    for (body, error) in cases {
        check(&agent.post("chat.sendMessage", body).await, 400, error);
    }
    check(&app.as_user(BOB).await.post("chat.sendMessage", reply(&rid, "hi")).await, 400, "error-not-allowed");
    check(&app.post("chat.sendMessage", reply(&rid, "hi")).await, 401, UNAUTHENTICATED);
    assert_eq!(texts(&app.history("t", &rid, "").await), Vec::<&str>::new());
}

// ---------------------------------------------------------------------------------------------
// POST users.setStatus, POST livechat/agent.status

async fn online(app: &TestApp) -> bool {
    success(app.get("livechat/config").await)["config"]["online"].as_bool().unwrap()
}

#[tokio::test]
async fn presence_decides_whether_chats_can_start() {
    let app = TestApp::new();
    let agent = app.as_agent().await;
    app.register_visitor("t").await;
    success(agent.post("users.setStatus", json!({"status": "offline"})).await);
    assert!(!online(&app).await);
    check(&app.get("livechat/room?token=t").await, 400, "Sorry, no online agents [no-agent-online]");
    assert_eq!(success(agent.get("me").await)["status"], "offline");

    success(agent.post("users.setStatus", json!({"status": "away", "message": "brb"})).await);
    assert!(online(&app).await, "away agents still take chats");
    success(agent.post("users.setStatus", json!({"status": "online"})).await);
    assert!(online(&app).await);
    app.open_room("t").await;

    check(
        &agent.post("users.setStatus", json!({"status": "sleeping"})).await,
        400,
        "Valid status types include online, away, offline, and busy. [error-invalid-status]",
    );
    check(&app.post("users.setStatus", json!({"status": "online"})).await, 401, UNAUTHENTICATED);
}

#[tokio::test]
async fn agent_status_toggles_livechat_availability() {
    let app = TestApp::with(with_bob_and_plain);
    let agent = app.as_agent().await;
    let body = success(agent.post("livechat/agent.status", json!({"status": "not-available"})).await);
    assert_eq!(body["status"], "not-available");
    assert_eq!(success(agent.get("me").await)["statusLivechat"], "not-available");
    // bob (support only) is still online, so chats may start; agent's Sales has nobody.
    assert!(online(&app).await);
    let sales = success(app.get("livechat/config?department=sales").await)["config"]["online"].clone();
    assert_eq!(sales, false);

    let body = success(agent.post("livechat/agent.status", json!({})).await);
    assert_eq!(body["status"], "available", "no status toggles");
    assert_eq!(success(app.get("livechat/config?department=sales").await)["config"]["online"], true);

    let cases = [
        (json!({"status": "busy"}), "must be equal to one of the allowed values [invalid-params]"),
        (json!({"status": "available", "x": 1}), "must NOT have additional properties [invalid-params]"),
    ];
    for (body, error) in cases {
        check(&agent.post("livechat/agent.status", body).await, 400, error);
    }
    check(&app.as_user(PLAIN).await.post("livechat/agent.status", json!({})).await, 403, FORBIDDEN);
    let (agent_id, _) = app.login_agent().await;
    check(
        &app.as_user(BOB)
            .await
            .post("livechat/agent.status", json!({"agentId": agent_id, "status": "not-available"}))
            .await,
        403,
        FORBIDDEN,
    );
    check(&app.post("livechat/agent.status", json!({})).await, 401, UNAUTHENTICATED);
    assert_eq!(success(agent.get("me").await)["statusLivechat"], "available");
}
