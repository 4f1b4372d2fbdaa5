//! Files: `livechat/upload/:rid` (a visitor's), `rooms.media/:rid` and
//! `rooms.mediaConfirm/:rid/:fileId` (an agent's, in two steps as Rocket.Chat 7 and 8 take
//! them), and `GET /file-upload/:id/:name`, where both are read back.
//!
//! Rocket.Chat's checks in its order: the visitor's token and room before the body is read;
//! then the size (`FileUpload_MaxFileSize`, while the file streams in: a larger one is refused
//! without being kept whole), the form's fields, and the media type against the allow and block
//! lists. The message is shaped as Rocket.Chat shapes it (`msg: ""`, `file`, `files`, one
//! attachment with `title_link: "/file-upload/<id>/<name>"` and, by type, the image's, audio's
//! or video's fields). Each route reads its own body with the upload limit; every other route
//! keeps the small one.

use std::collections::HashMap;

use axum::body::Body as HttpBody;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::auth::{AUTH_TOKEN_HEADER, USER_ID_HEADER};
use livechat_wire::error::code;
use livechat_wire::message::{Attachment, FileRef, MessageResponse};
use livechat_wire::upload::{
    DESCRIPTION_FIELD, FILE_FIELD, MESSAGE_FIELDS, MediaConfirm, MediaFile, MediaResponse, UploadResponse,
    VISITOR_TOKEN_HEADER,
};

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Body, Params, ok};
use crate::hub::Event;
use crate::store::{self, NewMessage, Upload};
use crate::validate::{Kind, Schema, Style, opt};
use crate::{AppState, ids, image};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/livechat/upload/{rid}", post(visitor_upload).layer(DefaultBodyLimit::disable()))
        .route("/rooms.media/{rid}", post(agent_upload).layer(DefaultBodyLimit::disable()))
        .route("/rooms.mediaConfirm/{rid}/{file_id}", post(agent_confirm))
}

/// `GET /file-upload/:id/:name`, outside `/api`.
pub fn files_router() -> Router<AppState> {
    Router::new().route("/file-upload/{id}/{*name}", get(serve))
}

/// Rocket.Chat's fallback when `FileUpload_MaxFileSize` is 0.
const DEFAULT_MAX: u64 = 104_857_600;

/// The largest file taken, or none (`-1`).
fn max_file_size(setting: i64) -> Option<u64> {
    match setting {
        n if n < 0 => None,
        0 => Some(DEFAULT_MAX),
        n => Some(n as u64),
    }
}

/// Whether files of `kind` may be uploaded (Rocket.Chat's `fileUploadIsValidContentType`):
/// a type without a name is refused while anything is blocked; a blocked one (exactly, or its
/// `type/*`) is refused; then an empty or `*` allow list takes all, any other only what it lists.
pub fn media_type_allowed(kind: &str, allow: &str, block: &str) -> bool {
    let listed = |list: &str| {
        let whole = kind.split_once('/').map(|(main, _)| format!("{main}/*"));
        list.split(',').map(str::trim).filter(|e| !e.is_empty()).any(|e| e == kind || Some(e) == whole.as_deref())
    };
    if kind.is_empty() && !block.trim().is_empty() {
        return false;
    }
    if listed(block) {
        return false;
    }
    matches!(allow.trim(), "" | "*") || listed(allow)
}

/// The media type of a part: as declared, else by the file name's extension.
fn media_type(declared: Option<&str>, name: &str) -> String {
    if let Some(kind) = declared.map(str::trim).filter(|k| !k.is_empty()) {
        return kind.to_ascii_lowercase();
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let kind = match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "html" | "htm" => "text/html",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "zip" => "application/zip",
        _ => "",
    };
    kind.into()
}

/// JavaScript's `encodeURI`: what Rocket.Chat writes a file's name with in its address (a space
/// is `%20`; `/`, `?`, `#` and `&` stay).
pub fn encode_uri(s: &str) -> String {
    const KEPT: &[u8] = b";,/?:@&=+$-_.!~*'()#";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || KEPT.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A file's address on this server.
pub fn file_path(id: &str, name: &str) -> String {
    format!("/file-upload/{id}/{}", encode_uri(name))
}

/// The upload's form: one file and the text fields Rocket.Chat takes.
struct Form {
    name: String,
    kind: String,
    bytes: Vec<u8>,
    description: Option<String>,
    msg: Option<String>,
}

/// Reads the multipart body: the file within `max` bytes (refused as soon as it is larger),
/// text fields within the server's body limit.
async fn read_form(req: Request, state: &AppState) -> ApiResult<Form> {
    let no_file = || ApiError::Typed { error: code::ERROR_NO_FILE.into(), error_type: code::ERROR_NO_FILE };
    let mut multipart = Multipart::from_request(req, state).await.map_err(|_| no_file())?;
    let max = max_file_size(state.config.file_upload_max_size);
    let text_limit = state.config.max_body_bytes;
    let bad = |e: axum::extract::multipart::MultipartError| ApiError::plain(e.body_text());
    let mut file: Option<(String, String, Vec<u8>)> = None;
    let (mut description, mut msg) = (None, None);
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            if name != FILE_FIELD {
                return Err(ApiError::Typed { error: code::INVALID_FIELD.into(), error_type: code::INVALID_FIELD });
            }
            if file.is_some() {
                let e = code::ERROR_TOO_MANY_FILES;
                return Err(ApiError::Typed { error: e.into(), error_type: e });
            }
            let kind = media_type(field.content_type(), &file_name);
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                bytes.extend_from_slice(&chunk);
                if max.is_some_and(|max| bytes.len() as u64 > max) {
                    let e = code::ERROR_FILE_TOO_LARGE;
                    return Err(ApiError::Typed { error: e.into(), error_type: e });
                }
            }
            file = Some((file_name, kind, bytes));
            continue;
        }
        if name != DESCRIPTION_FIELD && !MESSAGE_FIELDS.contains(&name.as_str()) {
            return Err(ApiError::match_error(format!("Unknown key in field {name}")));
        }
        let mut text = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            text.extend_from_slice(&chunk);
            if text.len() > text_limit {
                return Err(ApiError::PayloadTooLarge(text_limit));
            }
        }
        let text = String::from_utf8_lossy(&text).into_owned();
        match name.as_str() {
            DESCRIPTION_FIELD => description = Some(text),
            "msg" => msg = Some(text),
            // `alias`, `avatar`, `emoji`: taken, and as in Rocket.Chat not kept.
            _ => {}
        }
    }
    let (name, kind, bytes) = file.ok_or_else(no_file)?;
    Ok(Form { name, kind, bytes, description, msg })
}

/// Keeps the file and its record; refuses a type the lists refuse.
fn keep(state: &AppState, form: &Form, rid: &str, owner: Owner<'_>, temporary: bool) -> ApiResult<Upload> {
    let c = &state.config;
    if !media_type_allowed(&form.kind, &c.file_upload_media_type_white_list, &c.file_upload_media_type_black_list) {
        return Err(ApiError::Reason(code::ERROR_TYPE_NOT_ALLOWED));
    }
    let now = state.clock.now().0;
    let upload = Upload {
        id: ids::random_id(),
        rid: rid.to_owned(),
        name: form.name.clone(),
        kind: form.kind.clone(),
        size: form.bytes.len() as u64,
        user_id: match owner {
            Owner::Agent(id) => Some(id.to_owned()),
            Owner::Visitor(_) => None,
        },
        visitor_token: match owner {
            Owner::Visitor(token) => Some(token.to_owned()),
            Owner::Agent(_) => None,
        },
        dimensions: image::identifies(&form.kind).then(|| image::dimensions(&form.bytes)).flatten(),
        // Rocket.Chat keeps an unconfirmed agent's upload for a day.
        expires_at: temporary.then_some(now + 24 * 3_600_000),
    };
    state.files.put(&upload.id, &form.bytes).map_err(|e| ApiError::Internal(format!("keeping a file: {e}")))?;
    store::insert_upload(&state.db.conn(), &upload, now)?;
    Ok(upload)
}

#[derive(Clone, Copy)]
enum Owner<'a> {
    Visitor(&'a str),
    Agent(&'a str),
}

/// The attachment Rocket.Chat's `sendFileLivechatMessage` writes for a visitor's file (no
/// `fileId`, `size` or thumbnail), or with `agent` what `parseFileIntoMessageAttachments`
/// adds for an agent's (`fileId`, and `format` and `size` for a file that is not media).
fn attachment(upload: &Upload, description: Option<String>, agent: bool) -> Attachment {
    let url = file_path(&upload.id, &upload.name);
    let mut a = Attachment {
        title: Some(upload.name.clone()),
        kind: Some("file".into()),
        description: description.filter(|d| !d.is_empty()),
        title_link: Some(url.clone()),
        title_link_download: Some(true),
        file_id: agent.then(|| upload.id.clone()),
        ..Attachment::default()
    };
    let (kind, size) = (Some(upload.kind.clone()), Some(upload.size));
    match upload.kind.split('/').next() {
        Some("image") => {
            (a.image_url, a.image_type, a.image_size) = (Some(url), kind, size);
            a.image_dimensions = upload.dimensions;
        }
        Some("audio") => (a.audio_url, a.audio_type, a.audio_size) = (Some(url), kind, size),
        Some("video") => (a.video_url, a.video_type, a.video_size) = (Some(url), kind, size),
        _ if agent => {
            a.format = upload.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            a.size = size;
        }
        _ => {}
    }
    a
}

fn file_ref(upload: &Upload, agent: bool) -> FileRef {
    FileRef {
        id: upload.id.clone(),
        name: upload.name.clone(),
        kind: upload.kind.clone(),
        size: agent.then_some(upload.size),
        format: agent.then(|| upload.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()),
        type_group: agent.then(|| upload.kind.split('/').next().unwrap_or_default().to_owned()),
    }
}

/// `POST livechat/upload/:rid`.
async fn visitor_upload(
    State(state): State<AppState>,
    Path(rid): Path<String>,
    req: Request,
) -> ApiResult<Json<Success<UploadResponse>>> {
    let token = req
        .headers()
        .get(VISITOR_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .ok_or(ApiError::Refused)?;
    if !state.config.file_upload {
        return Err(ApiError::Reason(code::ERROR_FILE_UPLOAD_DISABLED));
    }
    {
        let conn = state.db.conn();
        store::visitor_by_token(&conn, &token)?.ok_or(ApiError::Refused)?;
        store::room_for_token(&conn, &rid, &token)?.filter(|r| r.is_open()).ok_or(ApiError::Refused)?;
    }
    let form = read_form(req, &state).await?;
    let upload = keep(&state, &form, &rid, Owner::Visitor(&token), false)?;
    let message = {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        // The room may have closed while the file came in.
        let visitor = store::visitor_by_token(&tx, &token)?.ok_or(ApiError::Refused)?;
        store::room_for_token(&tx, &rid, &token)?.filter(|r| r.is_open()).ok_or(ApiError::Refused)?;
        let file = file_ref(&upload, false);
        let new = NewMessage {
            rid: rid.clone(),
            msg: form.msg.unwrap_or_default(),
            u: store::visitor_ref(&visitor),
            token: Some(token.clone()),
            alias: visitor.name.clone(),
            file: Some(file.clone()),
            files: vec![file],
            attachments: vec![attachment(&upload, form.description, false)],
            ..NewMessage::default()
        };
        let message = store::insert_message(&tx, state.clock.now(), new)?
            .ok_or_else(|| ApiError::Internal("a fresh message id was taken".into()))?;
        store::set_waiting_response(&tx, &rid, true)?;
        tx.commit()?;
        state.hub.emit([Event::Message(Box::new(message.clone()))]);
        message
    };
    Ok(ok(UploadResponse { message, new_room: false, show_connecting: false }))
}

/// `POST rooms.media/:rid`: an agent's file, kept for a day until confirmed.
async fn agent_upload(
    State(state): State<AppState>,
    user: AuthUser,
    Path(rid): Path<String>,
    req: Request,
) -> ApiResult<Json<Success<MediaResponse>>> {
    store::room_by_id(&state.db.conn(), &rid)?.ok_or(ApiError::Refused)?;
    if !state.config.file_upload {
        let e = code::ERROR_FILE_UPLOAD_DISABLED;
        return Err(ApiError::Typed { error: e.into(), error_type: e });
    }
    let form = read_form(req, &state).await?;
    let upload = keep(&state, &form, &rid, Owner::Agent(&user.0.id), true)?;
    let url = file_path(&upload.id, &upload.name);
    Ok(ok(MediaResponse { file: MediaFile { id: upload.id, url } }))
}

impl Params for MediaConfirm {
    const SCHEMA: &'static Schema =
        &Schema { fields: &[opt("msg", Kind::Str), opt("description", Kind::Str)], additional: true };
    const STYLE: Style = Style::Typed;
}

/// `POST rooms.mediaConfirm/:rid/:fileId`: sends the agent's file in the room.
async fn agent_confirm(
    State(state): State<AppState>,
    user: AuthUser,
    Path((rid, file_id)): Path<(String, String)>,
    Body(q): Body<MediaConfirm>,
) -> ApiResult<Json<Success<MessageResponse>>> {
    let message = {
        let conn = state.db.conn();
        let tx = conn.unchecked_transaction()?;
        let room = store::room_by_id(&tx, &rid)?.ok_or(ApiError::Refused)?;
        if !room.is_open() {
            return Err(ApiError::plain(code::ROOM_CLOSED));
        }
        // Rocket.Chat 8 finds the file by id, uploader and room; once sent, it is not sent again.
        let upload = store::upload_by_id(&tx, &file_id)?
            .filter(|u| u.rid == rid && u.user_id.as_deref() == Some(user.0.id.as_str()) && u.expires_at.is_some())
            .ok_or_else(|| ApiError::Typed { error: code::INVALID_FILE.into(), error_type: code::INVALID_FILE })?;
        let file = file_ref(&upload, true);
        let new = NewMessage {
            rid: rid.clone(),
            msg: q.msg.unwrap_or_default(),
            u: user.0.user_ref(),
            groupable: Some(false),
            file: Some(file.clone()),
            files: vec![file],
            attachments: vec![attachment(&upload, q.description, true)],
            ..NewMessage::default()
        };
        let message = store::insert_message(&tx, state.clock.now(), new)?
            .ok_or_else(|| ApiError::Internal("a fresh message id was taken".into()))?;
        store::confirm_upload(&tx, &upload.id)?;
        store::set_waiting_response(&tx, &rid, false)?;
        tx.commit()?;
        state.hub.emit([Event::Message(Box::new(message.clone()))]);
        message
    };
    Ok(ok(MessageResponse { message }))
}

/// Who may read a file: Rocket.Chat's `requestCanAccessFiles` with its file protection on.
///
/// * The room's visitor: `rc_token`, `rc_rid` and `rc_room_type=l` as query parameters, or as
///   cookies (which, as in Rocket.Chat, replace the query's when there is no `rc_uid`). Unlike
///   Rocket.Chat, the file must be in that room: a visitor's token opens their own files only.
/// * A signed-in agent: `X-User-Id` / `X-Auth-Token` (or `rc_uid` / `rc_token`).
fn may_read(
    state: &AppState,
    upload: &Upload,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> ApiResult<bool> {
    let mut creds: HashMap<&str, String> = HashMap::new();
    for key in ["rc_uid", "rc_token", "rc_rid", "rc_room_type"] {
        if let Some(v) = query.get(key) {
            creds.insert(key, v.clone());
        }
    }
    if !creds.contains_key("rc_uid")
        && let Some(cookies) = headers.get(header::COOKIE).and_then(|c| c.to_str().ok())
    {
        creds.clear();
        for pair in cookies.split(';') {
            if let Some((k, v)) = pair.trim().split_once('=')
                && let Some(key) = ["rc_uid", "rc_token", "rc_rid", "rc_room_type"].into_iter().find(|key| *key == k)
            {
                creds.insert(key, v.to_owned());
            }
        }
    }
    let conn = state.db.conn();
    if creds.get("rc_room_type").map(String::as_str) == Some("l")
        && let (Some(rid), Some(token)) = (creds.get("rc_rid"), creds.get("rc_token"))
        && rid == &upload.rid
        && store::room_for_token(&conn, rid, token)?.is_some()
    {
        return Ok(true);
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let uid = creds.get("rc_uid").cloned().or_else(|| header(USER_ID_HEADER));
    let token = creds.get("rc_token").cloned().or_else(|| header(AUTH_TOKEN_HEADER));
    Ok(match (uid, token) {
        (Some(uid), Some(token)) => store::user_by_login_token(&conn, &uid, &token)?.is_some(),
        _ => false,
    })
}

/// Types a browser would run or render as a page: always served as downloads.
fn active(kind: &str) -> bool {
    let kind = kind.split(';').next().unwrap_or_default().trim();
    matches!(kind, "text/html" | "image/svg+xml" | "application/xhtml+xml" | "text/xml" | "application/xml")
        || kind.contains("javascript")
        || kind.is_empty()
}

/// `GET /file-upload/:id/:name`: 404 or 403 with an empty body, as Rocket.Chat answers.
async fn serve(
    State(state): State<AppState>,
    Path((id, _name)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let empty = |status: StatusCode| (status, HttpBody::empty()).into_response();
    let upload = match store::upload_by_id(&state.db.conn(), &id) {
        Ok(Some(upload)) => upload,
        Ok(None) => return empty(StatusCode::NOT_FOUND),
        Err(e) => return e.into_response(),
    };
    match may_read(&state, &upload, &query, &headers) {
        Ok(true) => {}
        Ok(false) => return empty(StatusCode::FORBIDDEN),
        Err(e) => return e.into_response(),
    }
    let bytes = match state.files.get(&upload.id) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return empty(StatusCode::NOT_FOUND),
        Err(e) => return ApiError::Internal(format!("reading a file: {e}")).into_response(),
    };
    let inline = query.get("contentDisposition").map(String::as_str) == Some("inline") && !active(&upload.kind);
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        percent_encode_component(&upload.name)
    );
    let kind = if upload.kind.is_empty() { "application/octet-stream" } else { &upload.kind };
    let mut response = HttpBody::from(bytes.to_vec()).into_response();
    let h = response.headers_mut();
    let value =
        |s: &str| HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, value(kind));
    h.insert(header::CONTENT_DISPOSITION, value(&disposition));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Rocket.Chat caches a year without `private`; these files are someone's: not in shared caches.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=31536000"));
    response
}

/// JavaScript's `encodeURIComponent`, for `filename*=UTF-8''…`.
fn percent_encode_component(s: &str) -> String {
    const KEPT: &[u8] = b"-_.!~*'()";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || KEPT.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_against_the_lists() {
        let block = "image/svg+xml";
        assert!(media_type_allowed("image/png", "", block));
        assert!(!media_type_allowed("image/svg+xml", "", block));
        assert!(!media_type_allowed("", "", block), "a type without a name while something is blocked");
        assert!(media_type_allowed("", "", ""));
        assert!(!media_type_allowed("video/mp4", "", " image/svg+xml , video/* "));
        assert!(media_type_allowed("image/png", "image/*, application/pdf", block));
        assert!(media_type_allowed("application/pdf", "image/*, application/pdf", block));
        assert!(!media_type_allowed("text/plain", "image/*, application/pdf", block));
        assert!(media_type_allowed("text/plain", "*", block));
    }

    #[test]
    fn names_in_addresses() {
        assert_eq!(encode_uri("photo 1.png"), "photo%201.png");
        assert_eq!(encode_uri("a#b?c&d/é.txt"), "a#b?c&d/%C3%A9.txt");
        assert_eq!(percent_encode_component("a b#é.txt"), "a%20b%23%C3%A9.txt");
        assert_eq!(file_path("F1", "my file.pdf"), "/file-upload/F1/my%20file.pdf");
    }

    #[test]
    fn media_type_by_extension_when_undeclared() {
        assert_eq!(media_type(Some("Image/PNG"), "x.bin"), "image/png");
        assert_eq!(media_type(None, "scan.PDF"), "application/pdf");
        assert_eq!(media_type(Some(" "), "x.svg"), "image/svg+xml");
        assert_eq!(media_type(None, "README"), "");
    }

    #[test]
    fn pages_and_scripts_are_never_shown_inline() {
        for kind in ["text/html", "image/svg+xml", "application/javascript", "text/html; charset=utf-8", ""] {
            assert!(active(kind), "{kind}");
        }
        for kind in ["image/png", "application/pdf", "text/plain", "video/mp4"] {
            assert!(!active(kind), "{kind}");
        }
    }
}
