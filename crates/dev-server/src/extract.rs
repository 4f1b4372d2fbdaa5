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
    serde_json::from_slice(bytes).unwrap_or_else(|_| Value::Object(Map::new()))
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
}
