//! Files: `livechat/upload/:rid` (the visitor's), `rooms.media` / `rooms.mediaConfirm` (an
//! agent's), and `GET /file-upload/:id/:name` with Rocket.Chat's access rule.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use http_body_util::BodyExt;
use serde_json::{Value, json};

const BOUNDARY: &str = "----livechat-test-boundary";

/// One multipart part: a field name, and for a file its name and type.
struct Part<'a> {
    field: &'a str,
    file: Option<(&'a str, &'a str)>,
    bytes: Vec<u8>,
}

fn file<'a>(name: &'a str, kind: &'a str, bytes: &[u8]) -> Part<'a> {
    Part { field: "file", file: Some((name, kind)), bytes: bytes.to_vec() }
}

fn text<'a>(field: &'a str, value: &str) -> Part<'a> {
    Part { field, file: None, bytes: value.as_bytes().to_vec() }
}

fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for p in parts {
        body.extend(format!("--{BOUNDARY}\r\n").bytes());
        match p.file {
            Some((name, kind)) => body.extend(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n",
                    p.field
                )
                .bytes(),
            ),
            None => body.extend(format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", p.field).bytes()),
        }
        body.extend(&p.bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    body
}

/// A 3×2 PNG header: enough for its size to be read.
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend(3u32.to_be_bytes());
    b.extend(2u32.to_be_bytes());
    b.extend([8, 6, 0, 0, 0]);
    b
}

async fn send(app: &TestApp, path: &str, token: Option<&str>, parts: &[Part<'_>]) -> (StatusCode, Value) {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let mut headers = vec![("content-type", content_type.as_str())];
    if let Some(token) = token {
        headers.push(("x-visitor-token", token));
    }
    let response = app.raw(Method::POST, path, Some(multipart(parts)), &headers).await;
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn upload(app: &TestApp, token: &str, rid: &str, parts: &[Part<'_>]) -> (StatusCode, Value) {
    send(app, &format!("livechat/upload/{rid}"), Some(token), parts).await
}

/// `GET path` with `headers`: status, headers and bytes.
async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.raw(Method::GET, path, None, headers).await;
    let (status, h) = (response.status(), response.headers().clone());
    (status, h, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

fn as_visitor(link: &str, token: &str, rid: &str) -> String {
    format!("{link}?rc_token={token}&rc_rid={rid}&rc_room_type=l")
}

#[tokio::test]
async fn a_visitor_sends_an_image_and_reads_it_back() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let (status, body) =
        upload(&app, "t", &rid, &[file("photo 1.png", "image/png", &png()), text("description", "my cat")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["success"].clone(), body["newRoom"].clone(), body["showConnecting"].clone()),
        (json!(true), json!(false), json!(false))
    );
    let id = body["file"]["_id"].as_str().unwrap().to_owned();
    let link = format!("/file-upload/{id}/photo%201.png");
    assert_eq!(body["msg"], "");
    assert_eq!(body["token"], "t");
    assert_eq!(body["file"], json!({"_id": id, "name": "photo 1.png", "type": "image/png"}));
    assert_eq!(body["files"], json!([body["file"]]));
    assert_eq!(
        body["attachments"],
        json!([{
            "title": "photo 1.png", "title_link": link, "title_link_download": true, "type": "file",
            "description": "my cat", "image_url": link, "image_type": "image/png", "image_size": png().len(),
            "image_dimensions": {"width": 3, "height": 2},
        }])
    );
    assert!(body.get("md").is_none(), "no text, no tree");
    let history = app.history("t", &rid, "").await;
    assert_eq!(history[0]["attachments"], body["attachments"], "the message is the room's newest");

    let (status, headers, bytes) = fetch(&app, &as_visitor(&link, "t", &rid), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, png());
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["content-disposition"], "attachment; filename*=UTF-8''photo%201.png");
    assert_eq!(headers["content-security-policy"], "default-src 'none'; sandbox");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let (_, headers, _) = fetch(&app, &(as_visitor(&link, "t", &rid) + "&contentDisposition=inline"), &[]).await;
    assert_eq!(headers["content-disposition"], "inline; filename*=UTF-8''photo%201.png");
    assert_eq!(headers["accept-ranges"], "bytes");
    // A media player's byte range.
    let (status, headers, bytes) = fetch(&app, &as_visitor(&link, "t", &rid), &[("range", "bytes=1-3")]).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::PARTIAL_CONTENT, &png()[1..=3]));
    assert_eq!(headers["content-range"], format!("bytes 1-3/{}", png().len()));
    assert_eq!(headers["content-type"], "image/png");
    let (status, headers, _) = fetch(&app, &as_visitor(&link, "t", &rid), &[("range", "bytes=9999-")]).await;
    assert_eq!(
        (status, headers["content-range"].to_str().unwrap()),
        (StatusCode::RANGE_NOT_SATISFIABLE, &*format!("bytes */{}", png().len()))
    );
    // The same three as cookies, as Rocket.Chat's own widget sends them.
    let cookie = format!("rc_token=t; rc_rid={rid}; rc_room_type=l");
    assert_eq!(fetch(&app, &link, &[("cookie", &cookie)]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn files_audio_and_a_message_with_the_file() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let (_, pdf) =
        upload(&app, "t", &rid, &[file("invoice.pdf", "application/pdf", b"%PDF-1.7"), text("msg", "here")]).await;
    assert_eq!(pdf["msg"], "here");
    assert_eq!(pdf["md"][0]["type"], "PARAGRAPH", "a text has its tree");
    let link = format!("/file-upload/{}/invoice.pdf", pdf["file"]["_id"].as_str().unwrap());
    assert_eq!(
        pdf["attachments"],
        json!([{"title": "invoice.pdf", "title_link": link, "title_link_download": true, "type": "file"}])
    );
    let (_, audio) = upload(&app, "t", &rid, &[file("note.mp3", "audio/mpeg", b"ID3")]).await;
    assert_eq!(audio["attachments"][0]["audio_type"], "audio/mpeg");
    assert_eq!(audio["attachments"][0]["audio_size"], 3);
    assert_eq!(audio["attachments"][0]["audio_url"], audio["attachments"][0]["title_link"]);
    // Larger than the 64 KB other bodies may be: the upload has its own limit.
    let big = vec![7u8; 200_000];
    let (status, body) = upload(&app, "t", &rid, &[file("big.bin", "application/octet-stream", &big)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn refusals_in_rocket_chats_order_and_words() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let other = app.chat("other").await;
    let png = || file("a.png", "image/png", b"x");
    let unauthorized = json!({"success": false, "error": "unauthorized"});
    let path = format!("livechat/upload/{rid}");
    assert_eq!(send(&app, &path, None, &[png()]).await, (StatusCode::FORBIDDEN, unauthorized.clone()));
    assert_eq!(upload(&app, "nobody", &rid, &[png()]).await, (StatusCode::FORBIDDEN, unauthorized.clone()));
    assert_eq!(
        upload(&app, "t", &other, &[png()]).await,
        (StatusCode::FORBIDDEN, unauthorized.clone()),
        "another's room"
    );
    let typed = |code: &str| json!({"success": false, "error": code, "errorType": code});
    assert_eq!(
        upload(&app, "t", &rid, &[text("description", "no file")]).await,
        (StatusCode::BAD_REQUEST, typed("error-no-file"))
    );
    assert_eq!(
        upload(&app, "t", &rid, &[Part { field: "image", ..png() }]).await,
        (StatusCode::BAD_REQUEST, typed("invalid-field"))
    );
    assert_eq!(
        upload(&app, "t", &rid, &[png(), png()]).await,
        (StatusCode::BAD_REQUEST, typed("error-too-many-files"))
    );
    let (status, body) = upload(&app, "t", &rid, &[png(), text("groupable", "true")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Match error: Expected boolean, got string in field groupable"))
    );
    let (status, body) = upload(&app, "t", &rid, &[png(), text("extra", "x")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Match error: Unknown key in field extra"))
    );
    assert_eq!(
        upload(&app, "t", &rid, &[file("", "image/png", b"x")]).await,
        (StatusCode::BAD_REQUEST, typed("error-no-file"))
    );
    // A type's parameters do not get it past the lists.
    assert_eq!(
        upload(&app, "t", &rid, &[file("x.svg", "image/svg+xml; charset=utf-8", b"<svg/>")]).await,
        (StatusCode::BAD_REQUEST, json!({"success": false, "reason": "error-type-not-allowed"}))
    );
    // The message's length rules hold for a file's text too.
    let (status, body) = upload(&app, "t", &rid, &[png(), text("msg", &"x".repeat(6_000))]).await;
    assert_eq!((status, body["errorType"].as_str()), (StatusCode::BAD_REQUEST, Some("error-message-size-exceeded")));
    assert_eq!(
        upload(&app, "t", &rid, &[file("x.svg", "image/svg+xml", b"<svg onload=alert(1)>")]).await,
        (StatusCode::BAD_REQUEST, json!({"success": false, "reason": "error-type-not-allowed"}))
    );
    app.close("t", &rid).await;
    assert_eq!(upload(&app, "t", &rid, &[png()]).await, (StatusCode::FORBIDDEN, unauthorized), "a closed room");

    let small = TestApp::with(|c| c.file_upload_max_size = 10);
    let rid = small.chat("t").await;
    assert_eq!(
        upload(&small, "t", &rid, &[file("a.png", "image/png", &[1; 10])]).await.0,
        StatusCode::OK,
        "exactly the limit"
    );
    assert_eq!(
        upload(&small, "t", &rid, &[file("a.png", "image/png", &[1; 11])]).await,
        (StatusCode::BAD_REQUEST, typed("error-file-too-large"))
    );
    // A body larger than any file may be is cut off wherever it is (here, in a part's headers).
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let mut endless = format!("--{BOUNDARY}\r\nX-Pad: ").into_bytes();
    endless.resize(3 << 20, b'a');
    let headers = [("content-type", content_type.as_str()), ("x-visitor-token", "t")];
    let response = small.raw(Method::POST, &format!("livechat/upload/{rid}"), Some(endless), &headers).await;
    let status = response.status();
    let body: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, typed("error-file-too-large")));
    let off = TestApp::with(|c| c.file_upload = false);
    let rid = off.chat("t").await;
    assert_eq!(
        upload(&off, "t", &rid, &[png()]).await,
        (StatusCode::BAD_REQUEST, json!({"success": false, "reason": "error-file-upload-disabled"}))
    );
    assert_eq!(success(off.get("livechat/config").await)["config"]["settings"]["fileUpload"], false);
    assert_eq!(success(app.get("livechat/config").await)["config"]["settings"]["fileUpload"], true);
    let pdf_only = TestApp::with(|c| c.file_upload_media_type_white_list = "application/pdf".into());
    let rid = pdf_only.chat("t").await;
    assert_eq!(upload(&pdf_only, "t", &rid, &[png()]).await.1["reason"], "error-type-not-allowed");
    assert_eq!(upload(&pdf_only, "t", &rid, &[file("a.pdf", "application/pdf", b"%PDF")]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn only_the_rooms_visitor_and_agents_read_a_file() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let other = app.chat("other").await;
    let (_, body) = upload(&app, "t", &rid, &[file("a.txt", "text/plain", b"secret")]).await;
    let link = body["attachments"][0]["title_link"].as_str().unwrap().to_owned();
    assert_eq!(fetch(&app, &link, &[]).await.0, StatusCode::FORBIDDEN);
    let (status, _, bytes) = fetch(&app, &as_visitor(&link, "other", &other), &[]).await;
    assert_eq!((status, bytes), (StatusCode::FORBIDDEN, Vec::new()), "another visitor, with their own room: nothing");
    assert_eq!(
        fetch(&app, &as_visitor(&link, "other", &rid), &[]).await.0,
        StatusCode::FORBIDDEN,
        "a token not of the room"
    );
    assert_eq!(fetch(&app, &as_visitor(&link, "t", &rid), &[]).await.0, StatusCode::OK);
    let (uid, token) = app.login_agent().await;
    assert_eq!(fetch(&app, &link, &[("X-User-Id", &uid), ("X-Auth-Token", &token)]).await.0, StatusCode::OK);
    assert_eq!(fetch(&app, &format!("{link}?rc_uid={uid}&rc_token={token}"), &[]).await.0, StatusCode::OK);
    assert_eq!(fetch(&app, &link, &[("X-User-Id", &uid), ("X-Auth-Token", "wrong")]).await.0, StatusCode::FORBIDDEN);
    let (status, _, bytes) = fetch(&app, "/file-upload/nosuchfile/a.txt", &[]).await;
    assert_eq!((status, bytes), (StatusCode::NOT_FOUND, Vec::new()));
    let id = body["file"]["_id"].as_str().unwrap();
    for nameless in [format!("/file-upload/{id}"), format!("/file-upload/{id}/")] {
        let (status, _, bytes) = fetch(&app, &as_visitor(&nameless, "t", &rid), &[]).await;
        assert_eq!((status, bytes), (StatusCode::NOT_FOUND, Vec::new()), "{nameless}");
    }
    // The visitor can still read their files once the chat is over.
    app.close("t", &rid).await;
    assert_eq!(fetch(&app, &as_visitor(&link, "t", &rid), &[]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn pages_and_pictures_that_could_run_script_are_downloads() {
    let app = TestApp::with(|c| c.file_upload_media_type_black_list = String::new());
    let rid = app.chat("t").await;
    for (name, kind) in [("page.html", "text/html"), ("x.svg", "image/svg+xml")] {
        let (status, body) = upload(&app, "t", &rid, &[file(name, kind, b"<script>alert(1)</script>")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let link = body["attachments"][0]["title_link"].as_str().unwrap().to_owned();
        let (_, headers, _) = fetch(&app, &(as_visitor(&link, "t", &rid) + "&contentDisposition=inline"), &[]).await;
        assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment;"), "{name}");
        assert_eq!(headers["content-security-policy"], "default-src 'none'; sandbox");
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
}

#[tokio::test]
async fn an_agent_sends_a_file_in_two_steps() {
    let app = TestApp::new();
    let rid = app.chat("t").await;
    let agent = app.as_agent().await;
    let (status, media) =
        send(&agent, &format!("rooms.media/{rid}"), None, &[file("guide.pdf", "application/pdf", b"%PDF-1")]).await;
    assert_eq!(status, StatusCode::OK, "{media}");
    let id = media["file"]["_id"].as_str().unwrap().to_owned();
    assert_eq!(media["file"]["url"], format!("/file-upload/{id}/guide.pdf"));
    let path = format!("rooms.mediaConfirm/{rid}/{id}");
    let message = success(agent.post(&path, json!({"msg": "The guide", "description": "v2"})).await)["message"].clone();
    assert_eq!(message["msg"], "The guide");
    assert_eq!(
        message["file"],
        json!({"_id": id, "name": "guide.pdf", "type": "application/pdf", "size": 6, "format": "", "typeGroup": "application"})
    );
    let a = &message["attachments"][0];
    assert_eq!(
        (a["fileId"].as_str(), a["format"].as_str(), a["size"].as_u64()),
        (Some(id.as_str()), Some("pdf"), Some(6))
    );
    assert_eq!(a["description"], "v2");
    assert_eq!(app.history("t", &rid, "").await[0]["_id"], message["_id"], "the visitor sees it");
    let link = a["title_link"].as_str().unwrap();
    assert_eq!(fetch(&app, &as_visitor(link, "t", &rid), &[]).await.2, b"%PDF-1");

    check_typed_file(&agent.post(&path, json!({})).await);
    check_typed_file(&agent.post(&format!("rooms.mediaConfirm/{rid}/nosuchfile"), json!({})).await);
    assert_eq!(
        send(&app, &format!("rooms.media/{rid}"), None, &[file("a.pdf", "application/pdf", b"x")]).await.0,
        StatusCode::UNAUTHORIZED
    );

    // An image says its format; a file kept a day and never sent is gone after it.
    let (_, media) = send(&agent, &format!("rooms.media/{rid}"), None, &[file("p.png", "image/png", &png())]).await;
    let id = media["file"]["_id"].as_str().unwrap().to_owned();
    let image = success(agent.post(&format!("rooms.mediaConfirm/{rid}/{id}"), json!({})).await)["message"].clone();
    assert_eq!(
        (image["file"]["format"].as_str(), image["attachments"][0]["image_type"].as_str()),
        (Some("png"), Some("image/png"))
    );
    let (_, media) =
        send(&agent, &format!("rooms.media/{rid}"), None, &[file("late.pdf", "application/pdf", b"x")]).await;
    let late = media["file"]["_id"].as_str().unwrap().to_owned();
    app.state().clock.advance_past(app.state().clock.now().0 + 25 * 3_600_000);
    check_typed_file(&agent.post(&format!("rooms.mediaConfirm/{rid}/{late}"), json!({})).await);
}

#[tokio::test]
async fn only_the_serving_agent_sends_files_in_a_room() {
    let app = TestApp::with(add_bob);
    let rid = app.chat("t").await;
    let bob = app.as_user(BOB).await;
    let unauthorized = (StatusCode::FORBIDDEN, json!({"success": false, "error": "unauthorized"}));
    assert_eq!(
        send(&bob, &format!("rooms.media/{rid}"), None, &[file("a.pdf", "application/pdf", b"x")]).await,
        unauthorized
    );
    let agent = app.as_agent().await;
    let (_, media) = send(&agent, &format!("rooms.media/{rid}"), None, &[file("a.pdf", "application/pdf", b"x")]).await;
    let id = media["file"]["_id"].as_str().unwrap();
    let (status, body) = bob.post(&format!("rooms.mediaConfirm/{rid}/{id}"), json!({})).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("unauthorized")));
    // A manager who sees every room may put a file up, as on Rocket.Chat, but only the serving
    // agent sends it.
    let (bob_id, _) = app.login(BOB.0, BOB.1).await;
    app.register_visitor("other").await;
    let room = success(app.get(&format!("livechat/room?token=other&agentId={bob_id}")).await)["room"].clone();
    assert_eq!(room["servedBy"]["username"], "bob");
    let other = rid_of(&room);
    let (status, media) =
        send(&agent, &format!("rooms.media/{other}"), None, &[file("b.pdf", "application/pdf", b"y")]).await;
    assert_eq!(status, StatusCode::OK, "the manager's upload to a room it sees: {media}");
    let id = media["file"]["_id"].as_str().unwrap();
    let (status, _) = agent.post(&format!("rooms.mediaConfirm/{other}/{id}"), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "sending it is the serving agent's");
}

#[track_caller]
fn check_typed_file((status, body): &(StatusCode, Value)) {
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errorType"], "invalid-file", "{body}");
}
