//! `GET /avatar/:username`: the letter avatar Rocket.Chat draws for users without a picture,
//! loadable as an `<img>` from any origin.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use http_body_util::BodyExt;

async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app.raw(Method::GET, path, None, headers).await;
    let (status, h) = (response.status(), response.headers().clone());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, h, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn an_agent_gets_a_letter_avatar_any_page_may_show() {
    let app = TestApp::new();
    let (status, headers, svg) = fetch(&app, "/avatar/agent", &[("origin", "https://shop.example")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/svg+xml");
    assert_eq!(headers["content-disposition"], "inline");
    assert_eq!(headers["cache-control"], "public, max-age=3600");
    assert_eq!(headers["last-modified"], "Thu, 01 Jan 2015 00:00:00 GMT");
    // Another origin's `<img>` needs no CORS, but nothing may forbid it either.
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(headers.get("cross-origin-resource-policy").is_none());
    assert_eq!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 200\">\n<rect width=\"100%\" height=\"100%\" fill=\"#6C727A\"/>\n\
         <text x=\"50%\" y=\"50%\" dy=\"0.36em\" text-anchor=\"middle\" pointer-events=\"none\" fill=\"#ffffff\" \
         font-family=\"'Helvetica', 'Arial', 'Lucida Grande', 'sans-serif'\" font-size=\"125\">\nA\n</text>\n</svg>"
    );
}

#[tokio::test]
async fn size_cache_time_and_revalidation() {
    let app = TestApp::new();
    let svg = |size: &'static str| {
        let app = app.clone();
        async move { fetch(&app, &format!("/avatar/bob?size={size}"), &[]).await.2 }
    };
    assert!(svg("64").await.contains("viewBox=\"0 0 64 64\"") && svg("64").await.contains("font-size=\"40\""));
    assert!(svg("2").await.contains("viewBox=\"0 0 16 16\""), "at least 16");
    assert!(svg("5000").await.contains("viewBox=\"0 0 1024 1024\""), "at most 1024");
    assert!(svg("big").await.contains("viewBox=\"0 0 200 200\""), "else 200");
    assert!(svg("0").await.contains("viewBox=\"0 0 200 200\""));
    let (_, headers, _) = fetch(&app, "/avatar/bob?cacheTime=60", &[]).await;
    assert_eq!(headers["cache-control"], "public, max-age=60");
    // The client has it: nobody here ever uploads a picture.
    let since = [("if-modified-since", "Thu, 01 Jan 2015 00:00:00 GMT")];
    let (status, headers, body) = fetch(&app, "/avatar/bob", &since).await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""));
    assert_eq!(headers["cache-control"], "public, max-age=3600");
    assert_eq!(fetch(&app, "/avatar/bob", &[("if-modified-since", "Fri, 02 Jan 2015 00:00:00 GMT")]).await.0, 200);
    // `@name` always draws.
    assert_eq!(fetch(&app, "/avatar/@bob", &since).await.0, StatusCode::OK);
}

#[tokio::test]
async fn any_name_gets_letters_as_on_rocket_chat() {
    let app = TestApp::new();
    // Unknown usernames too (Rocket.Chat draws the letters of whatever is asked), decoded.
    let (status, _, svg) = fetch(&app, "/avatar/%C3%A9lodie", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(svg.contains(">\nÉ\n<"), "{svg}");
    let (_, _, svg) = fetch(&app, "/avatar/%3Cb%3E", &[]).await;
    assert!(svg.contains(">\n&lt;\n<"), "escaped: {svg}");
    for path in ["/avatar/", "/avatar"] {
        assert_eq!(fetch(&app, path, &[]).await.0, StatusCode::NOT_FOUND, "{path}");
    }
}
