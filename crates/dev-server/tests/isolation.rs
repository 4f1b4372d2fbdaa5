//! A visitor can never read or write another visitor's room: every visitor endpoint, called
//! with visitor B's token on visitor A's room, fails and changes nothing.

mod common;

use axum::http::Method;
use common::*;
use serde_json::{Value, json};

/// B's credentials on room `rid`, plus the endpoint's own fields.
fn as_b(rid: &str, extra: Value) -> Option<Vec<u8>> {
    let mut body = json!({"token": "token-b", "rid": rid});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    Some(body.to_string().into_bytes())
}

#[tokio::test]
async fn visitor_b_cannot_touch_visitor_a_s_room() {
    let app = TestApp::new();
    let a = app.chat("token-a").await;
    let a_msg = rid_of(&app.say("token-a", &a, "private to A").await);
    let b = app.chat("token-b").await;
    let before = app.history("token-a", &a, "").await;

    let body = |extra: Value| as_b(&a, extra);
    let cases: Vec<(Method, String, Option<Vec<u8>>, &str)> = vec![
        (Method::GET, format!("livechat/room?token=token-b&rid={a}"), None, "invalid-room"),
        (Method::GET, format!("livechat/messages.history/{a}?token=token-b"), None, "invalid-room"),
        (Method::POST, "livechat/message".into(), body(json!({"msg": "injected"})), "invalid-room"),
        (Method::POST, "livechat/room.close".into(), body(json!({})), "invalid-room"),
        (
            Method::POST,
            "livechat/room.survey".into(),
            body(json!({"data": [{"name": "satisfaction", "value": "1"}]})),
            "invalid-room",
        ),
        (Method::GET, format!("livechat/message/{a_msg}?token=token-b&rid={a}"), None, "invalid-room"),
        (Method::PUT, format!("livechat/message/{a_msg}"), body(json!({"msg": "edited by B"})), "invalid-room"),
        (Method::DELETE, format!("livechat/message/{a_msg}"), body(json!({})), "invalid-room"),
        (Method::GET, format!("livechat/agent.info/{a}/token-b"), None, "invalid-room"),
        (Method::POST, "livechat/room.transfer".into(), body(json!({"department": "support"})), "invalid-room"),
        (
            Method::POST,
            "livechat/visitor/department.transfer".into(),
            body(json!({"department": "support"})),
            "error-invalid-room",
        ),
    ];
    for (method, path, body, error) in cases {
        check(&app.call(method.clone(), &path, body).await, 400, error);
    }

    // Through B's own room, A's message is still out of reach.
    let own_room = |extra: Value| as_b(&b, extra);
    let cases: Vec<(Method, String, Option<Vec<u8>>, &str)> = vec![
        (Method::GET, format!("livechat/message/{a_msg}?token=token-b&rid={b}"), None, "invalid-message"),
        (
            Method::PUT,
            format!("livechat/message/{a_msg}"),
            own_room(json!({"msg": "edited by B"})),
            "error-action-not-allowed",
        ),
        (Method::DELETE, format!("livechat/message/{a_msg}"), own_room(json!({})), "error-action-not-allowed"),
    ];
    for (method, path, body, error) in cases {
        check(&app.call(method.clone(), &path, body).await, 400, error);
    }

    // A's room is exactly as it was: open, unrated, in Sales, with A's message untouched.
    assert_eq!(app.history("token-a", &a, "").await, before);
    let room = success(app.get(&format!("livechat/room?token=token-a&rid={a}")).await)["room"].clone();
    assert_eq!(room["open"], true);
    assert_eq!(room["departmentId"], "sales");
    assert!(room.get("surveyFeedback").is_none(), "{room}");
    assert!(texts(&app.history("token-b", &b, "").await).is_empty(), "nothing landed in B's room either");
}
