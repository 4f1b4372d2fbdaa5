//! Cross-origin requests as Rocket.Chat answers them (`livechat_dev_server::cors`): off unless
//! configured, a preflight refused with 405 while off, `*` or a list of exact origins when on,
//! simple answers readable from anywhere, the WebSocket unaffected.

mod common;

use axum::http::{HeaderMap, Method, StatusCode, header};
use common::*;
use futures_util::{SinkExt, StreamExt};
use http_body_util::BodyExt;
use livechat_dev_server::cors::{ALLOW_HEADERS, ALLOW_METHODS, INVALID_ORIGIN, NOT_ENABLED};
use livechat_dev_server::{AppState, app};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const SHOP: &str = "https://shop.example";
const OTHER: &str = "https://elsewhere.example";

fn cors(origins: &'static str) -> impl FnOnce(&mut ServerConfig) {
    move |c| c.cors_origin = Some(origins.into())
}

/// What a browser sends before a JSON `POST` with the visitor's token from `origin`.
async fn preflight(app: &TestApp, path: &str, origin: &str) -> (StatusCode, HeaderMap, String) {
    let response = app
        .raw(
            Method::OPTIONS,
            path,
            None,
            &[
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type,x-visitor-token"),
            ],
        )
        .await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

#[track_caller]
fn no_cors_headers(headers: &HeaderMap) {
    for name in [
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::ACCESS_CONTROL_ALLOW_METHODS,
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        header::VARY,
    ] {
        assert!(!headers.contains_key(&name), "unexpected {name}: {headers:?}");
    }
}

#[track_caller]
fn allow_lists(headers: &HeaderMap) {
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_METHODS], ALLOW_METHODS);
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_HEADERS], ALLOW_HEADERS);
    assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS), "{headers:?}");
    assert!(!headers.contains_key(header::ACCESS_CONTROL_EXPOSE_HEADERS), "{headers:?}");
    assert!(!headers.contains_key(header::ACCESS_CONTROL_MAX_AGE), "{headers:?}");
}

#[tokio::test]
async fn off_by_default_every_preflight_is_refused_with_rocket_chat_s_text() {
    let app = TestApp::new();
    for path in ["livechat/visitor", "livechat/message", "livechat/config", "login", "nope", "/api/v2/x"] {
        let (status, headers, body) = preflight(&app, path, SHOP).await;
        assert_eq!(status, 405, "{path}");
        assert_eq!(body, NOT_ENABLED, "{path}");
        assert_eq!(body, r#"CORS not enabled. Go to "Admin > General > REST Api" to enable it."#);
        no_cors_headers(&headers);
    }
    // An `Access-Control-Request-Method` alone makes a preflight too, as does an `Origin` alone.
    let only_method =
        app.raw(Method::OPTIONS, "livechat/config", None, &[("Access-Control-Request-Method", "GET")]).await;
    assert_eq!(only_method.status(), 405);
    let only_origin = app.raw(Method::OPTIONS, "livechat/config", None, &[("Origin", SHOP)]).await;
    assert_eq!(only_origin.status(), 405);
    // A bare OPTIONS is no preflight: the API answers it as any method it does not take.
    let (status, body) = app.call(Method::OPTIONS, "livechat/config", None).await;
    assert_eq!((status.as_u16(), body), (404, json!({"success": false, "error": "Resource not found"})));
}

#[tokio::test]
async fn off_simple_answers_are_still_readable_from_any_origin() {
    let app = TestApp::new();
    let answer = app.raw(Method::GET, "livechat/config", None, &[("Origin", SHOP)]).await;
    assert_eq!(answer.status(), 200);
    let headers = answer.headers();
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    for name in [header::ACCESS_CONTROL_ALLOW_METHODS, header::ACCESS_CONTROL_ALLOW_HEADERS, header::VARY] {
        assert!(!headers.contains_key(&name), "{name} while CORS is off: {headers:?}");
    }
    // A POST reaches the server (a form post needs no preflight) and is answered as usual.
    let reg = app
        .raw(
            Method::POST,
            "livechat/visitor",
            Some(json!({"visitor": {"token": "tok-1"}}).to_string().into_bytes()),
            &[("Origin", OTHER)],
        )
        .await;
    assert_eq!(reg.status(), 200);
    assert_eq!(reg.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(!reg.headers().contains_key(header::ACCESS_CONTROL_ALLOW_METHODS));
}

#[tokio::test]
async fn a_list_allows_exactly_its_origins() {
    let app = TestApp::with(cors(" https://Shop.example , http://127.0.0.1:8080"));
    for origin in [SHOP, "http://127.0.0.1:8080"] {
        let (status, headers, body) = preflight(&app, "livechat/message", origin).await;
        assert_eq!(status, 200, "{origin}: {body}");
        assert_eq!(body, "");
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], origin);
        assert_eq!(headers[header::VARY], "Origin");
        allow_lists(&headers);
    }
    // Anything else, however close, is refused.
    for origin in [
        OTHER,
        "http://shop.example",
        "https://shop.example:443",
        "https://shop.example/",
        "http://127.0.0.1:8081",
        "null",
    ] {
        let (status, headers, body) = preflight(&app, "livechat/message", origin).await;
        assert_eq!((status.as_u16(), body.as_str()), (403, INVALID_ORIGIN), "{origin}");
        no_cors_headers(&headers);
    }
    // A preflight without an Origin is refused as well.
    let no_origin =
        app.raw(Method::OPTIONS, "livechat/message", None, &[("Access-Control-Request-Method", "POST")]).await;
    assert_eq!(no_origin.status(), 403);
}

#[tokio::test]
async fn a_star_allows_every_origin_without_echoing_it() {
    let app = TestApp::with(cors("*"));
    for origin in [SHOP, OTHER, "null"] {
        let (status, headers, body) = preflight(&app, "livechat/visitor", origin).await;
        assert_eq!((status.as_u16(), body.as_str()), (200, ""), "{origin}");
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(!headers.contains_key(header::VARY), "{headers:?}");
        allow_lists(&headers);
    }
}

#[tokio::test]
async fn on_simple_answers_carry_the_allow_lists() {
    let app = TestApp::with(cors(SHOP));
    // Read from the listed origin, another one, or none: the answer is the same.
    for origin in [Some(SHOP), Some(OTHER), None] {
        let headers: Vec<(&str, &str)> = origin.map(|o| ("Origin", o)).into_iter().collect();
        let answer = app.raw(Method::GET, "livechat/config", None, &headers).await;
        assert_eq!(answer.status(), 200);
        let h = answer.headers();
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*", "{origin:?}");
        assert_eq!(h[header::VARY], "Origin");
        allow_lists(h);
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
    }
    // Failures and POSTs alike.
    let failure = app.raw(Method::GET, "livechat/visitor/nobody", None, &[("Origin", SHOP)]).await;
    assert_eq!(failure.status(), 400);
    assert_eq!(failure.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let body = json!({"visitor": {"token": "tok-2"}}).to_string().into_bytes();
    let reg =
        app.raw(Method::POST, "livechat/visitor", Some(body), &[("Origin", SHOP), ("x-visitor-token", "tok-2")]).await;
    assert_eq!(reg.status(), 200);
    assert_eq!(reg.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    allow_lists(reg.headers());
}

#[tokio::test]
async fn the_setting_is_read_from_the_configuration_file() {
    let c: ServerConfig = toml::from_str("cors_origin = \"https://a.example, https://b.example\"").unwrap();
    c.check().unwrap();
    assert_eq!(c.cors_origin.as_deref(), Some("https://a.example, https://b.example"));
    assert_eq!(ServerConfig::default().cors_origin, None, "off unless configured");
    let empty: ServerConfig = toml::from_str("cors_origin = \" \"").unwrap();
    assert!(empty.check().unwrap_err().contains("cors_origin"));
}

/// The WebSocket is not the REST API: Rocket.Chat checks no origin there, CORS on or off.
#[tokio::test]
async fn the_websocket_takes_any_origin() {
    for setting in [None, Some(SHOP.to_owned())] {
        let config = ServerConfig { cors_origin: setting.clone(), ..ServerConfig::default() };
        let service = app(AppState::in_memory(config)).into_make_service_with_connect_info::<std::net::SocketAddr>();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, service).await });

        let mut request = format!("ws://{addr}/websocket").into_client_request().unwrap();
        request.headers_mut().insert("Origin", OTHER.parse().unwrap());
        let (mut ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
        assert_eq!(response.status(), 101, "{setting:?}");
        ws.send(WsMessage::text(json!({"msg": "connect", "version": "1", "support": ["1"]}).to_string()))
            .await
            .unwrap();
        let connected = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            while let Some(frame) = ws.next().await {
                if let WsMessage::Text(text) = frame.unwrap() {
                    let v: Value = serde_json::from_str(&text).unwrap();
                    if v["msg"] == "connected" {
                        return v;
                    }
                }
            }
            panic!("the socket closed before `connected`");
        })
        .await
        .expect("a DDP `connected` within 5 s");
        assert!(connected["session"].is_string(), "{connected}");
        server.abort();
    }
}

/// Files outside the API (the widget's module and wasm, the demo page) are readable from any
/// origin, as Rocket.Chat's static files are: a page on another origin imports them.
#[tokio::test]
async fn pages_and_files_outside_the_api_are_readable_from_any_origin() {
    let app = TestApp::new();
    let page = app.raw(Method::GET, "/", None, &[("Origin", SHOP)]).await;
    assert_eq!(page.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}
