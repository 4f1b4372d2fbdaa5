//! `livechat/room` and the visitor's room actions: `room.close`, `room.transfer` (7.x),
//! `visitor/department.transfer` (8.x), `room.survey`, and `agent.info/:rid/:token`.

mod common;

use common::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// GET livechat/room

#[tokio::test]
async fn creates_a_room_then_returns_it() {
    let app = TestApp::new();
    let visitor = app.register_visitor("t").await;
    let body = success(app.get("livechat/room?token=t").await);
    assert_eq!(body["newRoom"], true);
    let room = &body["room"];
    let rid = rid_of(room);
    assert_eq!(room["t"], "l");
    assert_eq!(room["open"], true);
    assert_eq!(room["v"]["token"], "t");
    assert_eq!(room["v"]["_id"], visitor["_id"]);
    assert_eq!(room["servedBy"]["username"], "agent", "auto routing assigns the online agent");
    assert_eq!(room["departmentId"], "sales", "the first department with an online agent");

    let history = app.history("t", &rid, "").await;
    let started = history.iter().find(|m| m["t"] == "livechat-started").expect("livechat-started message");
    assert_eq!(started["token"], "t");
    assert_eq!(started["msg"], "");
    assert_eq!(started["u"]["_id"], visitor["_id"]);

    for query in ["livechat/room?token=t".to_owned(), format!("livechat/room?token=t&rid={rid}")] {
        let again = success(app.get(&query).await);
        assert_eq!(again["newRoom"], false);
        assert_eq!(rid_of(&again["room"]), rid);
    }
}

#[tokio::test]
async fn a_closed_room_is_not_returned_and_the_next_call_opens_a_new_one() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.close("t", &rid).await;
    check(&app.get(&format!("livechat/room?token=t&rid={rid}")).await, 400, "invalid-room");
    let body = success(app.get("livechat/room?token=t").await);
    assert_eq!(body["newRoom"], true);
    assert_ne!(rid_of(&body["room"]), rid);
}

#[tokio::test]
async fn get_room_errors() {
    let app = TestApp::new();
    let other = app.chat("other").await;
    app.register_visitor("t").await;
    let cases = [
        ("livechat/room?token=unregistered".to_owned(), "invalid-token"),
        (format!("livechat/room?token=t&rid={other}"), "invalid-room"),
        ("livechat/room?token=t&rid=nope".to_owned(), "invalid-room"),
        ("livechat/room?token=t&foo=1".to_owned(), "Match error: Unknown key in field foo"),
        ("livechat/room".to_owned(), "Match error: Missing key 'token'"),
        ("livechat/room?rid=x".to_owned(), "Match error: Missing key 'token'"),
    ];
    for (path, error) in cases {
        check(&app.get(&path).await, 400, error);
    }
    // No room was created for `t` by any of these.
    assert_eq!(success(app.get("livechat/room?token=t").await)["newRoom"], true);
}

#[tokio::test]
async fn no_agent_online_refuses_a_room() {
    let app = TestApp::with(agents_offline);
    app.register_visitor("t").await;
    check(&app.get("livechat/room?token=t").await, 400, "Sorry, no online agents [no-agent-online]");

    let accepting = TestApp::with(|c| {
        agents_offline(c);
        c.accept_chats_with_no_agents = true;
    });
    let rid = accepting.chat("t").await;
    let room = success(accepting.get(&format!("livechat/room?token=t&rid={rid}")).await)["room"].clone();
    assert!(room.get("servedBy").is_none(), "queued, nobody to serve it: {room}");
}

#[tokio::test]
async fn manual_routing_queues_the_room() {
    let app = TestApp::with(manual_routing);
    let body = {
        app.register_visitor("t").await;
        success(app.get("livechat/room?token=t").await)
    };
    let rid = rid_of(&body["room"]);
    assert!(body["room"].get("servedBy").is_none(), "{body}");

    let agent = app.as_agent().await;
    let inquiry = success(agent.get(&format!("livechat/inquiries.getOne?roomId={rid}")).await)["inquiry"].clone();
    assert_eq!(inquiry["status"], "queued");
    assert_eq!(inquiry["rid"], rid);
    let queue = success(agent.get("livechat/inquiries.list").await);
    assert_eq!(queue["inquiries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn preferred_agent_is_honoured() {
    let app = TestApp::with(add_bob);
    let (bob_id, _) = app.login(BOB.0, BOB.1).await;
    app.register_visitor("t").await;
    let room = success(app.get(&format!("livechat/room?token=t&agentId={bob_id}")).await)["room"].clone();
    assert_eq!(room["servedBy"]["username"], "bob");
}

// ---------------------------------------------------------------------------------------------
// POST livechat/room.close

#[tokio::test]
async fn visitor_closes_the_room() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let body = success(app.post("livechat/room.close", json!({"token": "t", "rid": rid})).await);
    assert_eq!(body, json!({"rid": rid, "comment": "Closed by visitor", "success": true}));

    let room = app.as_agent().await.listed_room(&rid).await.expect("listed");
    assert!(room.get("open").is_none(), "a closed room has no `open` field: {room}");
    assert_eq!(room["closer"], "visitor");
    assert!(room["closedAt"].is_string());
    assert_eq!(room["v"]["status"], "offline");

    let newest = &app.history("t", &rid, "").await[0];
    assert_eq!(newest["t"], "livechat-close");
    assert_eq!(newest["msg"], "Closed by visitor");
    assert_eq!(newest["token"], "t");
    assert_eq!(newest["transcriptRequested"], false);

    check(&app.post("livechat/room.close", json!({"token": "t", "rid": rid})).await, 400, "room-closed");
}

#[tokio::test]
async fn close_errors() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.chat("other").await;
    let cases = [
        (json!({"token": "nobody", "rid": rid}), "invalid-token"),
        (json!({"token": "other", "rid": rid}), "invalid-room"),
        (json!({"token": "t", "rid": "nope"}), "invalid-room"),
        (json!({"token": "t"}), "must have required property 'rid' [invalid-params]"),
        (json!({"token": "t", "rid": rid, "x": 1}), "must NOT have additional properties [invalid-params]"),
    ];
    for (body, error) in cases {
        check(&app.post("livechat/room.close", body).await, 400, error);
    }
    assert_eq!(success(app.get(&format!("livechat/room?token=t&rid={rid}")).await)["room"]["open"], true);

    let not_allowed = TestApp::with(|c| c.visitors_can_close = false);
    let rid = not_allowed.chat("t").await;
    check(
        &not_allowed.post("livechat/room.close", json!({"token": "t", "rid": rid})).await,
        400,
        "error-not-allowed-to-close-conversation",
    );
    assert_eq!(success(not_allowed.get("livechat/config").await)["config"]["settings"]["visitorsCanCloseChat"], false);
}

// ---------------------------------------------------------------------------------------------
// POST livechat/room.transfer (7.x) and livechat/visitor/department.transfer (8.x)

fn transfer(token: &str, rid: &str, department: &str) -> Value {
    json!({"token": token, "rid": rid, "department": department})
}

/// Rocket.Chat 7.x answers `{room: await findRoom(token, rid)}`, and `findRoom` projects
/// `t`, `departmentId`, `servedBy`, `open`, `v` and `ts` (with `_id`):
/// apps/meteor/app/livechat/server/api/v1/room.ts and .../api/lib/livechat.ts.
#[tokio::test]
async fn transfer_7x_returns_the_room() {
    let app = TestApp::new();
    let visitor = app.register(json!({"token": "t", "name": "Tess"})).await;
    let rid = app.open_room("t").await;
    let before = success(app.get(&format!("livechat/room?token=t&rid={rid}")).await)["room"].clone();
    let body = success(app.post("livechat/room.transfer", transfer("t", &rid, "support")).await);
    let room = body["room"].as_object().unwrap();
    assert_eq!(room["_id"], json!(rid));
    assert_eq!(room["t"], "l");
    assert_eq!(room["departmentId"], "support");
    assert_eq!(room["open"], true);
    assert_eq!(room["ts"], before["ts"]);
    assert_eq!(room["v"]["_id"], visitor["_id"]);
    assert_eq!(room["v"]["token"], "t");
    assert_eq!(room["v"]["username"], visitor["username"]);
    assert_eq!(room["v"]["status"], "online");
    let mut keys: Vec<_> = room.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let projected = ["_id", "departmentId", "open", "servedBy", "t", "ts", "v"];
    assert!(keys.iter().all(|k| projected.contains(k)), "only findRoom's fields: {keys:?}");
    assert!(["_id", "departmentId", "open", "t", "ts", "v"].iter().all(|k| keys.contains(k)), "{keys:?}");
}

#[tokio::test]
async fn a_7x_server_has_no_department_transfer_path() {
    let app = TestApp::with(|c| c.api_version = 7);
    let rid = app.chat("t7").await;
    let body = json!({"token": "t7", "rid": rid, "department": "support"});
    let (status, answer) = app.post("livechat/visitor/department.transfer", body.clone()).await;
    assert_eq!((status.as_u16(), answer), (404, json!({"success": false, "error": "Resource not found"})));
    let room = success(app.post("livechat/room.transfer", body).await);
    assert_eq!(room["room"]["departmentId"], "support");
}

#[tokio::test]
async fn transfer_7x_errors() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.chat("other").await;
    let cases = [
        (transfer("nobody", &rid, "support"), "invalid-token"),
        (transfer("other", &rid, "support"), "invalid-room"),
        (transfer("t", "nope", "support"), "invalid-room"),
        (json!({"token": "t", "rid": rid}), "must have required property 'department' [invalid-params]"),
        (
            json!({"token": "t", "rid": rid, "department": "support", "x": 1}),
            "must NOT have additional properties [invalid-params]",
        ),
    ];
    for (body, error) in cases {
        check(&app.post("livechat/room.transfer", body).await, 400, error);
    }
    // A transfer that fails is a bare `{success: false}`.
    let (status, body) = app.post("livechat/room.transfer", transfer("t", &rid, "nope")).await;
    assert_eq!((status.as_u16(), body), (400, json!({"success": false})));
    let room = success(app.get(&format!("livechat/room?token=t&rid={rid}")).await)["room"].clone();
    assert_eq!(room["departmentId"], "sales");
}

#[tokio::test]
async fn department_transfer_8x() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let body = success(app.post("livechat/visitor/department.transfer", transfer("t", &rid, "support")).await);
    assert_eq!(body, json!({"success": true}));

    let room = success(app.get(&format!("livechat/room?token=t&rid={rid}")).await)["room"].clone();
    assert_eq!(room["departmentId"], "support");
    let history = app.history("t", &rid, "").await;
    let moved = history.iter().find(|m| m["t"] == "livechat_transfer_history").expect("transfer history message");
    assert_eq!(moved["transferData"]["scope"], "department");
    assert_eq!(moved["transferData"]["nextDepartment"]["_id"], "support");
}

#[tokio::test]
async fn department_transfer_errors() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.chat("other").await;
    let closed = app.chat("closer").await;
    app.close("closer", &closed).await;
    let cases = [
        (transfer("nobody", &rid, "support"), "invalid-token"),
        (transfer("other", &rid, "support"), "error-invalid-room"),
        (transfer("t", &rid, "nope"), "error-invalid-department"),
        (transfer("closer", &closed, "support"), "This_conversation_is_already_closed"),
    ];
    for (body, error) in cases {
        check(&app.post("livechat/visitor/department.transfer", body).await, 400, error);
    }
    check_typed(
        &app.post("livechat/visitor/department.transfer", json!({"token": "t", "rid": rid})).await,
        "must have required property 'department'",
    );
    let room = success(app.get(&format!("livechat/room?token=t&rid={rid}")).await)["room"].clone();
    assert_eq!(room["departmentId"], "sales", "failed transfers change nothing");
}

// ---------------------------------------------------------------------------------------------
// POST livechat/room.survey

fn survey(token: &str, rid: &str, items: &[(&str, &str)]) -> Value {
    let data: Vec<Value> = items.iter().map(|(name, value)| json!({"name": name, "value": value})).collect();
    json!({"token": token, "rid": rid, "data": data})
}

#[tokio::test]
async fn survey_keeps_only_valid_items() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let items = [
        ("satisfaction", "5"),
        ("agentKnowledge", "9"),
        ("agentResposiveness", "4"),
        ("agentResponsiveness", "3"),
        ("agentFriendliness", "0"),
        ("additionalFeedback", "thanks"),
    ];
    let body = success(app.post("livechat/room.survey", survey("t", &rid, &items)).await);
    let expected = json!({"satisfaction": "5", "agentResposiveness": "4", "additionalFeedback": "thanks"});
    assert_eq!(body["rid"], rid);
    assert_eq!(body["data"], expected);
    let room = app.as_agent().await.listed_room(&rid).await.unwrap();
    assert_eq!(room["surveyFeedback"], expected);
}

#[tokio::test]
async fn survey_works_on_a_closed_room() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.close("t", &rid).await;
    let body = success(app.post("livechat/room.survey", survey("t", &rid, &[("agentFriendliness", "1")])).await);
    assert_eq!(body["data"], json!({"agentFriendliness": "1"}));
}

#[tokio::test]
async fn survey_errors() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    app.chat("other").await;
    let cases = [
        (survey("t", &rid, &[("satisfaction", "9"), ("mood", "3")]), "invalid-data"),
        (survey("t", &rid, &[]), "must NOT have fewer than 1 items [invalid-params]"),
        (survey("nobody", &rid, &[("satisfaction", "5")]), "invalid-token"),
        (survey("other", &rid, &[("satisfaction", "5")]), "invalid-room"),
        (
            json!({"token": "t", "rid": rid, "data": [{"name": "satisfaction"}]}),
            "must have required property 'value' [invalid-params]",
        ),
        (json!({"token": "t", "rid": rid}), "must have required property 'data' [invalid-params]"),
    ];
    for (body, error) in cases {
        check(&app.post("livechat/room.survey", body).await, 400, error);
    }
    let room = app.as_agent().await.listed_room(&rid).await.unwrap();
    assert!(room.get("surveyFeedback").is_none(), "{room}");
}

// ---------------------------------------------------------------------------------------------
// GET livechat/agent.info/:rid/:token

#[tokio::test]
async fn agent_info_for_a_served_room() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let agent = success(app.get(&format!("livechat/agent.info/{rid}/t")).await)["agent"].clone();
    assert_eq!(agent["username"], "agent");
    assert_eq!(agent["name"], "Alex Agent");
    assert_eq!(agent["status"], "online");
    assert_eq!(agent["emails"], json!([{"address": "agent@example.com"}]));

    let hidden = TestApp::with(|c| c.show_agent_info = false);
    let rid = hidden.chat("t").await;
    let agent = success(hidden.get(&format!("livechat/agent.info/{rid}/t")).await)["agent"].clone();
    assert_eq!(agent, json!({"hiddenInfo": true}));
}

#[tokio::test]
async fn agent_info_errors() {
    let app = TestApp::with(manual_routing);
    let unserved = app.chat("t").await;
    app.chat("other").await;
    let cases = [
        (format!("livechat/agent.info/{unserved}/t"), "invalid-agent"),
        (format!("livechat/agent.info/{unserved}/nobody"), "invalid-token"),
        (format!("livechat/agent.info/{unserved}/other"), "invalid-room"),
        ("livechat/agent.info/nope/t".to_owned(), "invalid-room"),
    ];
    for (path, error) in cases {
        check(&app.get(&path).await, 400, error);
    }
}

// ---------------------------------------------------------------------------------------------
// GET livechat/agent.next/:token, and the agent it offers asked for by `livechat/room`

#[tokio::test]
async fn agent_next_offers_whom_routing_would_pick_and_the_room_takes_it() {
    let app = TestApp::with(add_bob);
    let (bob_id, _) = app.login(BOB.0, BOB.1).await;
    // Any token, registered or not; no department: the first shown on registration with
    // someone online (Sales, the demo agent's).
    let body = success(app.get("livechat/agent.next/t").await);
    let agent = &body["agent"];
    assert_eq!(agent["username"], "agent");
    let keys: Vec<&str> = agent.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["_id", "emails", "name", "status", "username"], "agent.info's projection: {agent}");
    // In Support the least busy: bob once the demo agent serves someone.
    assert_eq!(success(app.get("livechat/agent.next/t?department=support").await)["agent"]["username"], "agent");
    app.chat("busy").await;
    assert_eq!(success(app.get("livechat/agent.next/t?department=support").await)["agent"]["username"], "bob");

    // The widget then starts the chat with that agent (`agentId`), who serves it. Rocket.Chat
    // picks no department for a room that names its agent.
    app.register_visitor("t").await;
    let room = success(app.get(&format!("livechat/room?token=t&agentId={bob_id}")).await)["room"].clone();
    assert_eq!(room["servedBy"]["username"], "bob");
    assert!(room.get("departmentId").is_none(), "{room}");
    // With an open room there is nobody to offer: `{success: true}` alone.
    assert_eq!(success(app.get("livechat/agent.next/t").await), json!({"success": true}));
}

#[tokio::test]
async fn agent_next_errors_and_hidden_agents() {
    let cases: [(Edit, &str); 3] = [(manual_routing, ""), (agents_offline, ""), (|_| {}, "?department=nope")];
    for (edit, query) in cases {
        let app = TestApp::with(edit);
        check(&app.get(&format!("livechat/agent.next/t{query}")).await, 400, "agent-not-found");
    }
    let app = TestApp::new();
    check(
        &app.get("livechat/agent.next/t?departmentId=sales").await,
        400,
        "must NOT have additional properties [invalid-params]",
    );
    let hidden = TestApp::with(|c| c.show_agent_info = false);
    assert_eq!(
        success(hidden.get("livechat/agent.next/t").await),
        json!({"agent": {"hiddenInfo": true}, "success": true})
    );
}

#[tokio::test]
async fn a_named_agent_who_is_away_leaves_the_room_to_routing() {
    // Offline: whoever routing picks serves it (the visitor's department, or any).
    let app = TestApp::with(add_bob_offline);
    let (bob_id, _) = app.login(BOB.0, BOB.1).await;
    app.register_visitor("t").await;
    let room = success(app.get(&format!("livechat/room?token=t&agentId={bob_id}")).await)["room"].clone();
    assert_eq!(room["servedBy"]["username"], "agent");

    // Nobody online: Rocket.Chat still starts a room that names its agent, queued; without one
    // it refuses.
    let app = TestApp::with(agents_offline);
    let (agent_id, _) = app.login_agent().await;
    app.register_visitor("t").await;
    check(&app.get("livechat/room?token=t").await, 400, "Sorry, no online agents [no-agent-online]");
    let room = success(app.get(&format!("livechat/room?token=t&agentId={agent_id}")).await)["room"].clone();
    assert!(room.get("servedBy").is_none(), "{room}");
    // An id that is nobody's is no agent at all.
    app.register_visitor("u").await;
    check(&app.get("livechat/room?token=u&agentId=nobody").await, 400, "Sorry, no online agents [no-agent-online]");
}
