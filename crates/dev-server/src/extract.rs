//! Request extractors that fail with Rocket.Chat's bodies instead of axum's plain-text ones.

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use livechat_wire::Success;
use livechat_wire::auth::{AUTH_TOKEN_HEADER, USER_ID_HEADER};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, User};
use crate::validate::{self, Schema, Style};

/// A request type with the schema and validation style of its route.
pub trait Params: DeserializeOwned {
    const SCHEMA: &'static Schema;
    const STYLE: Style;
}

/// Validates `value` for `T` and decodes it.
pub fn decode<T: Params>(mut value: Value) -> ApiResult<T> {
    validate::check(&mut value, T::SCHEMA, T::STYLE)?;
    serde_json::from_value(value).map_err(|e| match T::STYLE {
        // The schema and the type disagree only for shapes the schema lets through loosely.
        Style::Legacy => ApiError::invalid_params(e.to_string()),
        Style::Typed => ApiError::error_invalid_params(e.to_string()),
        Style::Check => ApiError::match_error(e.to_string()),
    })
}

/// A JSON body, validated. As in Rocket.Chat a body that is not JSON reads as `{}`, so it
/// fails on its first required property.
pub struct Body<T>(pub T);

impl<T: Params> FromRequest<AppState> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let RawBody(value) = RawBody::from_request(req, state).await?;
        decode(value).map(Body)
    }
}

/// A JSON body, unvalidated, within the size limit (`{}` when it is not JSON).
pub struct RawBody(pub Value);

impl FromRequest<AppState> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let limit = state.config.max_body_bytes;
        let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|_| ApiError::PayloadTooLarge(limit))?;
        Ok(RawBody(parse_body(&bytes)))
    }
}

/// The body as JSON, or `{}` when it is empty or not JSON.
pub fn parse_body(bytes: &[u8]) -> Value {
    parse_json(bytes).unwrap_or_else(|| Value::Object(Map::new()))
}

/// JSON as JavaScript's `JSON.parse` reads it, which Rocket.Chat's body parser and DDP use.
///
/// `JSON.parse` takes a lone UTF-16 surrogate escape (`"\ud800"`) into the string; a Rust
/// string cannot hold one, so serde_json refuses the whole text. Rocket.Chat then stores such
/// a string through MongoDB's driver, which writes UTF-8 and puts U+FFFD in the surrogate's
/// place, so that is what its history and stream show: here each lone surrogate escape reads
/// as U+FFFD from the start.
pub fn parse_json(bytes: &[u8]) -> Option<Value> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Some(value),
        Err(_) => serde_json::from_slice(&replace_lone_surrogates(bytes)?).ok(),
    }
}

/// `bytes` with every `\uXXXX` escape of a lone surrogate replaced by `\uFFFD`, or `None`
/// when there is none (the text is wrong in some other way).
fn replace_lone_surrogates(bytes: &[u8]) -> Option<Vec<u8>> {
    fn escape_at(bytes: &[u8], i: usize) -> Option<u16> {
        let hex = bytes.get(i..i + 6)?.strip_prefix(b"\\u")?;
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    }
    let (mut out, mut i, mut replaced) = (Vec::with_capacity(bytes.len()), 0, false);
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        match escape_at(bytes, i) {
            Some(0xD800..=0xDBFF) if matches!(escape_at(bytes, i + 6), Some(0xDC00..=0xDFFF)) => {
                out.extend_from_slice(&bytes[i..i + 12]);
                i += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.extend_from_slice(b"\\uFFFD");
                replaced = true;
                i += 6;
            }
            // Any other escape: copied whole, so an escaped backslash is never read as the
            // start of another escape.
            _ => {
                out.extend_from_slice(&bytes[i..(i + 2).min(bytes.len())]);
                i += 2;
            }
        }
    }
    replaced.then_some(out)
}

/// A query string, parsed like Express's `qs` (`a[]=1&a[]=2` is an array) and validated.
pub struct Query<T>(pub T);

impl<T: Params> FromRequestParts<AppState> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        decode(parse_query(parts.uri.query().unwrap_or(""))).map(Query)
    }
}

/// `qs`-style parsing into a JSON object of strings and arrays of strings.
pub fn parse_query(query: &str) -> Value {
    let mut map = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(raw_key);
        let value = Value::String(percent_decode(raw_value));
        let (name, is_array) = match key.find('[') {
            Some(i) if key.ends_with(']') => (key[..i].to_owned(), true),
            _ => (key, false),
        };
        match map.get_mut(&name) {
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None if is_array => {
                map.insert(name, Value::Array(vec![value]));
            }
            None => {
                map.insert(name, value);
            }
        }
    }
    Value::Object(map)
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            (b'+', ..) => {
                out.push(b' ');
                i += 1;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Path parameters. A path that does not decode (say `%FF`, which is not UTF-8) fails with
/// Rocket.Chat's 400 `{success: false, error}` body instead of axum's plain text.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            // A route whose pattern and extractor disagree: our bug, not the caller's.
            Err(rejection) if rejection.status().is_server_error() => Err(ApiError::Internal(rejection.body_text())),
            Err(rejection) => Err(ApiError::invalid_params(rejection.body_text())),
        }
    }
}

/// An agent or manager authenticated by `X-User-Id` and `X-Auth-Token`; 401 otherwise.
pub struct AuthUser(pub User);

impl AuthUser {
    /// 403 unless the user has `permission`.
    pub fn require(&self, permission: &str) -> ApiResult<()> {
        if self.0.can(permission) { Ok(()) } else { Err(ApiError::Forbidden) }
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty());
        let (Some(user_id), Some(token)) = (header(USER_ID_HEADER), header(AUTH_TOKEN_HEADER)) else {
            return Err(ApiError::Unauthorized);
        };
        let user = store::user_by_login_token(&state.db.conn(), user_id, token)?;
        user.map(AuthUser).ok_or(ApiError::Unauthorized)
    }
}

/// The caller's IP address, when the server knows it (not in in-process tests).
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

/// `200 {...body, "success": true}`.
pub fn ok<T: Serialize>(body: T) -> Json<Success<T>> {
    Json(Success::new(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn qs_parsing() {
        assert_eq!(
            parse_query("token=a%20b&agents[]=x&agents[]=y&open=true&name=J+D&rep=1&rep=2&bad=%zz&empty"),
            json!({"token": "a b", "agents": ["x", "y"], "open": "true", "name": "J D", "rep": ["1", "2"], "bad": "%zz", "empty": ""})
        );
        assert_eq!(parse_query("createdAt=%7B%22start%22%3A1%7D"), json!({"createdAt": "{\"start\":1}"}));
        assert_eq!(parse_query("a=%E2%82%AC&b=%"), json!({"a": "€", "b": "%"}));
    }

    #[test]
    fn non_json_body_reads_as_empty_object() {
        assert_eq!(parse_body(b"{not json"), json!({}));
        assert_eq!(parse_body(b""), json!({}));
        assert_eq!(parse_body(br#"{"a":1}"#), json!({"a": 1}));
    }

    #[test]
    fn lone_surrogates_read_as_replacement_characters() {
        assert_eq!(parse_body(br#"{"msg":"a\ud800b"}"#), json!({"msg": "a\u{FFFD}b"}));
        assert_eq!(parse_body(br#"{"msg":"\uDC00\ud800"}"#), json!({"msg": "\u{FFFD}\u{FFFD}"}));
        assert_eq!(parse_body(br#"{"msg":"\ud800\ud83d\ude00"}"#), json!({"msg": "\u{FFFD}\u{1F600}"}));
        // A pair stays a pair; an escaped backslash before `ud800` is text, not an escape.
        assert_eq!(parse_body(br#"{"a":"\ud83d\ude00","b":"\\ud800","c":"\ud800"}"#)["b"], json!("\\ud800"));
        assert_eq!(parse_body(br#"{"a":"\ud83d\ude00","c":"\ud800"}"#)["a"], json!("\u{1F600}"));
        // Otherwise broken JSON is still not JSON.
        assert_eq!(parse_body(br#"{"msg":"\ud800""#), json!({}));
        assert_eq!(parse_json(br#"{"msg":"\ud80"}"#), None);
    }
}
