//! What every API answer shares: unknown paths, caching headers and the rate limiter (CORS:
//! `cors.rs`).

mod common;

use axum::http::{Method, header};
use common::*;
use serde_json::json;

#[tokio::test]
async fn unknown_api_paths_are_404() {
    let app = TestApp::new();
    for path in ["nope", "livechat/nope", "livechat/visitor/t/extra/segments"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body, json!({"success": false, "error": "Resource not found"}), "{path}");
    }
    let (status, body) = app.post("livechat/nope", json!({})).await;
    assert_eq!((status.as_u16(), body), (404, json!({"success": false, "error": "Resource not found"})));
    // A known path with a method it does not take.
    let (status, body) = app.put("livechat/room", json!({})).await;
    assert_eq!((status.as_u16(), body), (404, json!({"success": false, "error": "Resource not found"})));
    // Other API versions and the bare prefix are API paths too, not pages.
    for path in ["/api/v2/livechat/config", "/api/v1/", "/api/anything"] {
        let (status, body) = app.call(Method::GET, path, None).await;
        assert_eq!((status.as_u16(), body), (404, json!({"success": false, "error": "Resource not found"})), "{path}");
    }
}

#[tokio::test]
async fn undecodable_path_parameters_answer_rocket_chat_s_body() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let paths = [
        (Method::GET, "livechat/visitor/%FF".to_owned(), None),
        (Method::GET, "livechat/message/%FF?token=t&rid=x".to_owned(), None),
        (Method::PUT, "livechat/message/%FF".to_owned(), Some(json!({"token": "t", "rid": rid, "msg": "x"}))),
        (Method::DELETE, "livechat/message/%FF".to_owned(), Some(json!({"token": "t", "rid": rid}))),
        (Method::GET, "livechat/messages.history/%FF?token=t".to_owned(), None),
        (Method::GET, format!("livechat/agent.info/{rid}/%FF"), None),
    ];
    for (method, path, body) in paths {
        let (status, body) = app.call(method, &path, body.map(|b| b.to_string().into_bytes())).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["success"], false, "{path}: {body}");
        let error = body["error"].as_str().unwrap_or_else(|| panic!("{path}: no error text in {body}"));
        assert!(error.ends_with(" [invalid-params]"), "{path}: {error}");
        assert_eq!(body["errorType"], "invalid-params", "{path}: {body}");
    }
}

#[tokio::test]
async fn api_answers_are_json_and_never_cached() {
    let app = TestApp::new();
    let answer = app.raw(Method::GET, "livechat/config", None, &[]).await;
    assert_eq!(answer.status(), 200);
    let headers = answer.headers();
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::PRAGMA], "no-cache");
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));

    let failure = app.raw(Method::GET, "livechat/visitor/nobody", None, &[]).await;
    assert_eq!(failure.status(), 400);
    assert_eq!(failure.headers()[header::CACHE_CONTROL], "no-store");
}

/// `Error, too many requests. ... You must wait N seconds ...`: returns N, checked against
/// `Retry-After`.
#[track_caller]
fn assert_too_many(
    (status, body, headers): &(axum::http::StatusCode, serde_json::Value, axum::http::HeaderMap),
) -> u64 {
    assert_eq!(status.as_u16(), 429, "{body}");
    assert_eq!(body["success"], false);
    let text = body["error"].as_str().unwrap();
    let seconds: u64 = text
        .strip_prefix("Error, too many requests. Please slow down. You must wait ")
        .and_then(|rest| rest.strip_suffix(" seconds before trying this endpoint again."))
        .unwrap_or_else(|| panic!("unexpected text {text:?}"))
        .parse()
        .unwrap();
    let retry_after: u64 = headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert_eq!(retry_after, seconds);
    seconds
}

#[tokio::test]
async fn room_requests_are_rate_limited() {
    let app = TestApp::with(|c| c.rate_limit = true);
    app.register_visitor("t").await;
    for _ in 0..5 {
        success(app.get("livechat/room?token=t").await);
    }
    let seconds = assert_too_many(&app.call_with_headers(Method::GET, "livechat/room?token=t", None).await);
    assert!((1..=60).contains(&seconds), "{seconds}");
    // Another visitor behind the same address is limited too; other routes are not.
    app.register_visitor("u").await;
    assert_too_many(&app.call_with_headers(Method::GET, "livechat/room?token=u", None).await);
    success(app.get("livechat/config?token=t").await);
}

#[tokio::test]
async fn offline_form_is_limited_to_one_per_five_seconds() {
    let app = TestApp::with(|c| c.rate_limit = true);
    let body = json!({"name": "A", "email": "a@b.co", "message": "hi"});
    success(app.post("livechat/offline.message", body.clone()).await);
    let seconds = assert_too_many(
        &app.call_with_headers(Method::POST, "livechat/offline.message", Some(body.to_string().into())).await,
    );
    assert!((1..=5).contains(&seconds), "{seconds}");
}

#[tokio::test]
async fn visitor_registration_is_limited_to_five_a_minute() {
    let app = TestApp::with(|c| c.rate_limit = true);
    for i in 0..5 {
        app.register_visitor(&format!("t{i}")).await;
    }
    let body = json!({"visitor": {"token": "t5"}}).to_string();
    assert_too_many(&app.call_with_headers(Method::POST, "livechat/visitor", Some(body.into())).await);
    check(&app.get("livechat/visitor/t5").await, 400, "Invalid token [invalid-token]");
}

#[tokio::test]
async fn transcripts_and_forgetting_are_limited_to_five_a_minute() {
    let app = TestApp::with(|c| c.rate_limit = true);
    let rid = app.chat("t").await;
    app.close("t", &rid).await;
    let body = json!({"token": "t", "rid": rid, "email": "a@b.co"});
    for _ in 0..5 {
        success(app.post("livechat/transcript", body.clone()).await);
    }
    assert_too_many(&app.call_with_headers(Method::POST, "livechat/transcript", Some(body.to_string().into())).await);
    for _ in 0..5 {
        check(&app.delete("livechat/visitor/nobody").await, 400, "Invalid token [invalid-token]");
    }
    assert_too_many(&app.call_with_headers(Method::DELETE, "livechat/visitor/t", None).await);
    success(app.get("livechat/visitor/t").await);
}

#[tokio::test]
async fn no_rate_limit_by_default() {
    let app = TestApp::new();
    app.register_visitor("t").await;
    for _ in 0..12 {
        success(app.get("livechat/room?token=t").await);
    }
}
