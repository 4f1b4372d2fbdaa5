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
//!
//! About 650 lines: the three upload routes and the file route share the form reading, the
//! media-type rule, the attachment's shape and the access rule, which belong together; a
//! quarter is their unit tests.

use std::collections::HashMap;

use axum::body::Body as HttpBody;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::auth::{AUTH_TOKEN_HEADER, USER_ID_HEADER, VISITOR_TOKEN_HEADER};
use livechat_wire::error::code;
use livechat_wire::message::{Attachment, FileRef, MessageResponse};
use livechat_wire::upload::{
    DESCRIPTION_FIELD, FILE_FIELD, MESSAGE_FIELDS, MediaConfirm, MediaFile, MediaResponse, UploadResponse,
};

use crate::config::ServerConfig;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Body, Params, ok};
use crate::hub::Event;
use crate::routes::message::check_length;
use crate::store::{self, NewMessage, Upload};
use crate::validate::{Kind, Schema, Style, opt};
use crate::{AppState, ids, image};

pub fn router(config: &ServerConfig) -> Router<AppState> {
    // The whole body (the file, its part headers, the other fields) within the largest file
    // and a margin: nothing reads more, however the form is written.
    let limit = DefaultBodyLimit::max(body_limit(config.file_upload_max_size));
    Router::new()
        .route("/livechat/upload/{rid}", post(visitor_upload).layer(limit))
        .route("/rooms.media/{rid}", post(agent_upload).layer(limit))
        .route("/rooms.mediaConfirm/{rid}/{file_id}", post(agent_confirm))
}

/// `GET /file-upload/:id/:name`, outside `/api`; an address without a name is not a file.
pub fn files_router() -> Router<AppState> {
    Router::new()
        .route("/file-upload/{id}/{*name}", get(serve))
        .route("/file-upload/{id}", get(not_a_file))
        .route("/file-upload/{id}/", get(not_a_file))
        .route("/file-upload/", get(not_a_file))
}

async fn not_a_file() -> StatusCode {
    StatusCode::NOT_FOUND
}

/// What an upload's body may hold besides its file: part headers and the text fields.
const FORM_MARGIN: usize = 1 << 20;

/// The largest file held when the setting sets no limit (`-1`): the dev server keeps files whole.
const UNLIMITED_CAP: u64 = 1 << 30;

fn body_limit(setting: i64) -> usize {
    usize::try_from(max_file_size(setting).unwrap_or(UNLIMITED_CAP)).unwrap_or(usize::MAX).saturating_add(FORM_MARGIN)
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
    // The essence only (`image/svg+xml; charset=utf-8` is `image/svg+xml`), as busboy reads it.
    if let Some(kind) = declared.and_then(|k| k.split(';').next()).map(str::trim).filter(|k| !k.is_empty()) {
        return kind.to_ascii_lowercase();
    }
    let kind = match extension(name).as_str() {
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

/// A file name's extension, lower-cased (`""` for none).
fn extension(name: &str) -> String {
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}

/// `s` with every byte but ASCII letters, digits and `kept` percent-encoded.
fn percent_encode(s: &str, kept: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || kept.contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// JavaScript's `encodeURI`: what Rocket.Chat writes a file's name with in its address (a space
/// is `%20`; `/`, `?`, `#` and `&` stay).
pub fn encode_uri(s: &str) -> String {
    percent_encode(s, b";,/?:@&=+$-_.!~*'()#")
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
    let no_file = || ApiError::typed(code::ERROR_NO_FILE);
    let mut multipart = Multipart::from_request(req, state).await.map_err(|_| no_file())?;
    let max = max_file_size(state.config.file_upload_max_size);
    let text_limit = state.config.max_body_bytes;
    // The body limit ends a larger body wherever it is: a file too large, as Rocket.Chat says.
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::typed(code::ERROR_FILE_TOO_LARGE)
        } else {
            ApiError::plain(e.body_text())
        }
    };
    let mut file: Option<(String, String, Vec<u8>)> = None;
    let (mut description, mut msg) = (None, None);
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            if name != FILE_FIELD {
                return Err(ApiError::typed(code::INVALID_FIELD));
            }
            if file.is_some() {
                return Err(ApiError::typed(code::ERROR_TOO_MANY_FILES));
            }
            // A file without a name has no address to be read at.
            if file_name.trim().is_empty() {
                return Err(no_file());
            }
            let kind = media_type(field.content_type(), &file_name);
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > max.unwrap_or(UNLIMITED_CAP) {
                    return Err(ApiError::typed(code::ERROR_FILE_TOO_LARGE));
                }
            }
            file = Some((file_name, kind, bytes));
            continue;
        }
        // Rocket.Chat's `check` knows `groupable` as a Boolean, which a form field never is.
        if name == "groupable" {
            return Err(ApiError::match_error("Expected boolean, got string in field groupable"));
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

/// Keeps the file's bytes (its record goes in with the message, in one transaction: see
/// [`forget`] for when that fails); refuses a type the lists refuse. An agent's file is
/// temporary until it is sent (`rooms.mediaConfirm`).
fn keep(state: &AppState, form: &Form, rid: &str, owner: Owner<'_>) -> ApiResult<Upload> {
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
        expires_at: matches!(owner, Owner::Agent(_)).then_some(now + 24 * 3_600_000),
    };
    state.files.put(&upload.id, &form.bytes).map_err(|e| ApiError::Internal(format!("keeping a file: {e}")))?;
    Ok(upload)
}

/// `result`, dropping the kept bytes of `upload` when it is an error (its record was never
/// committed).
fn forget<T>(state: &AppState, upload: &Upload, result: ApiResult<T>) -> ApiResult<T> {
    if result.is_err() {
        let _ = state.files.remove(&upload.id);
    }
    result
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
            a.format = Some(extension(&upload.name)).filter(|e| !e.is_empty());
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
        // `identify.format`: an image's format (`png`, `jpeg`), none for other files.
        format: agent.then(|| {
            if image::identifies(&upload.kind) {
                upload.kind.rsplit('/').next().unwrap_or_default().trim_start_matches("x-windows-").to_owned()
            } else {
                String::new()
            }
        }),
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
    let msg = form.msg.clone().unwrap_or_default();
    check_length(&state.config, &msg)?;
    let upload = keep(&state, &form, &rid, Owner::Visitor(&token))?;
    let message = forget(
        &state,
        &upload,
        (|| {
            let conn = state.db.conn();
            let tx = conn.unchecked_transaction()?;
            // The room may have closed while the file came in.
            let visitor = store::visitor_by_token(&tx, &token)?.ok_or(ApiError::Refused)?;
            store::room_for_token(&tx, &rid, &token)?.filter(|r| r.is_open()).ok_or(ApiError::Refused)?;
            let now = state.clock.now();
            store::insert_upload(&tx, &upload, now.0)?;
            let file = file_ref(&upload, false);
            let new = NewMessage {
                rid: rid.clone(),
                msg: msg.clone(),
                u: store::visitor_ref(&visitor),
                token: Some(token.clone()),
                alias: visitor.name.clone(),
                file: Some(file.clone()),
                files: vec![file],
                attachments: vec![attachment(&upload, form.description, false)],
                ..NewMessage::default()
            };
            let message = store::insert_message(&tx, now, new)?
                .ok_or_else(|| ApiError::Internal("a fresh message id was taken".into()))?;
            store::set_waiting_response(&tx, &rid, true)?;
            // A queued inquiry shows the newest message (the file's, when it has no text).
            store::set_inquiry_message(&tx, &rid, if msg.is_empty() { &upload.name } else { &msg }, now)?;
            tx.commit()?;
            state.hub.emit([Event::Message(Box::new(message.clone()))]);
            Ok(message)
        })(),
    )?;
    Ok(ok(UploadResponse { message, new_room: false, show_connecting: false }))
}

/// `POST rooms.media/:rid`: an agent's file, kept for a day until confirmed.
async fn agent_upload(
    State(state): State<AppState>,
    user: AuthUser,
    Path(rid): Path<String>,
    req: Request,
) -> ApiResult<Json<Success<MediaResponse>>> {
    // Rocket.Chat's `canAccessRoomIdAsync`: the serving agent, or whoever sees every Livechat
    // room (a manager). Sending it is the serving agent's alone (`rooms.mediaConfirm`).
    let room = store::room_by_id(&state.db.conn(), &rid)?.ok_or(ApiError::Refused)?;
    if !room.is_served_by(&user.0.id) && !user.0.can("view-livechat-rooms") {
        return Err(ApiError::Refused);
    }
    if !state.config.file_upload {
        // The store's filter throws a Meteor error.
        return Err(ApiError::meteor(code::ERROR_FILE_UPLOAD_DISABLED, "File upload is disabled"));
    }
    let form = read_form(req, &state).await?;
    sweep(&state)?;
    let upload = keep(&state, &form, &rid, Owner::Agent(&user.0.id))?;
    let now = state.clock.now().0;
    forget(&state, &upload, store::insert_upload(&state.db.conn(), &upload, now))?;
    let url = file_path(&upload.id, &upload.name);
    Ok(ok(MediaResponse { file: MediaFile { id: upload.id, url } }))
}

/// Forgets the agents' uploads that were never sent and are past keeping (a day), records and
/// bytes: at start and with each new one.
pub fn sweep(state: &AppState) -> ApiResult<()> {
    let expired = store::take_expired_uploads(&state.db.conn(), state.clock.now().0)?;
    for id in expired {
        let _ = state.files.remove(&id);
    }
    Ok(())
}

/// The agent serves room `rid`, open (only the serving agent is subscribed to an open Livechat
/// room, and may send in it): 403 `unauthorized` otherwise.
fn serving(conn: &rusqlite::Connection, rid: &str, user: &AuthUser) -> ApiResult<()> {
    let room = store::room_by_id(conn, rid)?.ok_or(ApiError::Refused)?;
    if room.is_open() && room.is_served_by(&user.0.id) { Ok(()) } else { Err(ApiError::Refused) }
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
        serving(&tx, &rid, &user)?;
        let msg = q.msg.clone().unwrap_or_default();
        check_length(&state.config, &msg)?;
        if q.description.as_ref().is_some_and(|d| d.chars().count() > state.config.message_max_allowed_size as usize) {
            return Err(ApiError::meteor(
                code::ERROR_MESSAGE_SIZE_EXCEEDED,
                "Description size exceeds Message_MaxAllowedSize",
            ));
        }
        let now = state.clock.now();
        // Rocket.Chat 8 finds the file by id, uploader and room. This server also sends it only
        // once, and only while it is kept (a day).
        let upload = store::upload_by_id(&tx, &file_id)?
            .filter(|u| u.rid == rid && u.user_id.as_deref() == Some(user.0.id.as_str()))
            .filter(|u| u.expires_at.is_some_and(|at| at > now.0))
            .ok_or_else(|| ApiError::typed(code::INVALID_FILE))?;
        let file = file_ref(&upload, true);
        let new = NewMessage {
            rid: rid.clone(),
            msg,
            u: user.0.user_ref(),
            groupable: Some(false),
            file: Some(file.clone()),
            files: vec![file],
            attachments: vec![attachment(&upload, q.description, true)],
            ..NewMessage::default()
        };
        let message = store::insert_message(&tx, now, new)?
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

/// Types a browser shows without running anything from them: raster images, audio, video,
/// PDF and plain text. Only these are ever served `inline`; anything else (HTML, SVG, any XML,
/// scripts, unknown types) is a download.
fn passive(kind: &str) -> bool {
    let kind = kind.split(';').next().unwrap_or_default().trim();
    let (main, sub) = kind.split_once('/').unwrap_or((kind, ""));
    match main {
        "image" => !sub.contains("svg") && !sub.contains("xml"),
        "audio" | "video" => !sub.is_empty(),
        _ => matches!(kind, "application/pdf" | "text/plain"),
    }
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
    let inline = query.get("contentDisposition").map(String::as_str) == Some("inline") && passive(&upload.kind);
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        percent_encode_component(&upload.name)
    );
    let kind = if upload.kind.is_empty() { "application/octet-stream" } else { &upload.kind };
    let total = bytes.len();
    // One byte range, as media players ask for (Safari plays audio and video only so).
    let range = headers.get(header::RANGE).and_then(|r| r.to_str().ok()).map(|r| byte_range(r, total));
    let mut response = match range {
        Some(Ok((start, end))) => {
            let mut r = (StatusCode::PARTIAL_CONTENT, HttpBody::from(bytes[start..=end].to_vec())).into_response();
            let content_range = format!("bytes {start}-{end}/{total}");
            r.headers_mut().insert(header::CONTENT_RANGE, HeaderValue::from_str(&content_range).expect("ASCII"));
            r
        }
        Some(Err(Unsatisfiable)) => {
            let mut r = (StatusCode::RANGE_NOT_SATISFIABLE, HttpBody::empty()).into_response();
            let content_range = format!("bytes */{total}");
            r.headers_mut().insert(header::CONTENT_RANGE, HeaderValue::from_str(&content_range).expect("ASCII"));
            return r;
        }
        // No range, or one this server does not serve alone (several): the whole file.
        None | Some(Err(Whole)) => HttpBody::from(bytes.to_vec()).into_response(),
    };
    let h = response.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let value =
        |s: &str| HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, value(kind));
    h.insert(header::CONTENT_DISPOSITION, value(&disposition));
    // Rocket.Chat's policy, and sandboxed: a file opened on its own is no page of this origin.
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Rocket.Chat caches a year without `private`; these files are someone's: not in shared caches.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=31536000"));
    response
}

/// Why a `Range` header gets no partial answer.
#[derive(Debug, PartialEq)]
enum NoRange {
    /// It asks for nothing inside the file: 416.
    Unsatisfiable,
    /// Several ranges, or one not understood: the whole file (as the standard allows).
    Whole,
}
use NoRange::{Unsatisfiable, Whole};

/// The first and last byte `bytes=…` asks for in a file of `total` bytes: `a-b`, `a-` or `-n`
/// (the last `n`), `b` capped at the end.
fn byte_range(header: &str, total: usize) -> Result<(usize, usize), NoRange> {
    let spec = header.trim().strip_prefix("bytes=").ok_or(Whole)?.trim();
    if spec.contains(',') {
        return Err(Whole);
    }
    let (first, last) = spec.split_once('-').ok_or(Whole)?;
    let number = |s: &str| s.trim().parse::<usize>().map_err(|_| Whole);
    let (start, end) = match (first.trim().is_empty(), last.trim().is_empty()) {
        (true, true) => return Err(Whole),
        // The last `n` bytes.
        (true, false) => {
            let n = number(last)?;
            if n == 0 || total == 0 {
                return Err(Unsatisfiable);
            }
            (total.saturating_sub(n), total - 1)
        }
        (false, true) => (number(first)?, total.saturating_sub(1)),
        (false, false) => {
            let (start, end) = (number(first)?, number(last)?);
            if end < start {
                return Err(Whole);
            }
            (start, end.min(total.saturating_sub(1)))
        }
    };
    if start >= total { Err(Unsatisfiable) } else { Ok((start, end)) }
}

/// JavaScript's `encodeURIComponent`, for `filename*=UTF-8''…`.
fn percent_encode_component(s: &str) -> String {
    percent_encode(s, b"-_.!~*'()")
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
    fn byte_ranges() {
        assert_eq!(byte_range("bytes=0-99", 1000), Ok((0, 99)));
        assert_eq!(byte_range("bytes=900-", 1000), Ok((900, 999)));
        assert_eq!(byte_range("bytes=-100", 1000), Ok((900, 999)));
        assert_eq!(byte_range("bytes=-5000", 1000), Ok((0, 999)), "more than there is: all of it");
        assert_eq!(byte_range("bytes=990-2000", 1000), Ok((990, 999)), "capped at the end");
        assert_eq!(byte_range("bytes=1000-", 1000), Err(Unsatisfiable));
        assert_eq!(byte_range("bytes=-0", 1000), Err(Unsatisfiable));
        assert_eq!(byte_range("bytes=0-", 0), Err(Unsatisfiable));
        for whole in ["bytes=0-1,5-6", "items=0-1", "bytes=5-1", "bytes=x-", "bytes=-", "bytes=0"] {
            assert_eq!(byte_range(whole, 1000), Err(Whole), "{whole}");
        }
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
        assert_eq!(media_type(Some("image/svg+xml; charset=utf-8"), "x.png"), "image/svg+xml", "the essence only");
        assert_eq!(media_type(None, "README"), "");
    }

    #[test]
    fn pages_and_scripts_are_never_shown_inline() {
        for kind in [
            "text/html",
            "image/svg+xml",
            "application/javascript",
            "text/html; charset=utf-8",
            "",
            "application/rss+xml",
            "text/xsl",
            "application/xhtml+xml",
            "application/octet-stream",
        ] {
            assert!(!passive(kind), "{kind}");
        }
        for kind in
            ["image/png", "application/pdf", "text/plain", "video/mp4", "audio/mpeg", "text/plain; charset=utf-8"]
        {
            assert!(passive(kind), "{kind}");
        }
    }
}
