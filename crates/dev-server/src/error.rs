//! The one error type of the server, and how it becomes Rocket.Chat's failure bodies.
//!
//! Rocket.Chat maps what a handler throws like this (see `ApiClass.ts`):
//! * `throw new Error('invalid-token')` → 400 `{"success":false,"error":"invalid-token"}`;
//! * `throw new Meteor.Error('code', 'Reason')` → 400 `{"error":"Reason [code]","errorType":"code"}`;
//! * parameter validation → 400 with `invalid-params` / `error-invalid-params`, or `Match error: …`;
//! * no login → 401, a missing permission → 403, a rate limit → 429.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use livechat_wire::error::ErrorBody;
use livechat_wire::error::code;

#[derive(Debug)]
pub enum ApiError {
    /// `throw new Error(text)`: 400, `error` only.
    Plain(String),
    /// `throw new Meteor.Error(code, reason)`: 400, `"<reason> [<code>]"` and `errorType`.
    Meteor { code: &'static str, reason: String },
    /// A failure whose body names a type but not in the text (typed-route validation).
    Typed { error: String, error_type: &'static str },
    /// 401: no or bad `X-User-Id` / `X-Auth-Token`.
    Unauthorized,
    /// 403: logged in, without the permission.
    Forbidden,
    /// 403 `forbidden()`: `{"error": "unauthorized"}` (a visitor's upload to a room that is not
    /// theirs, or without a token).
    Refused,
    /// `failure({reason})`: 400 with `reason` instead of `error` (uploads off, a type refused).
    Reason(&'static str),
    /// 404 for unknown routes.
    NotFound,
    /// 413: the body is larger than the server takes.
    PayloadTooLarge(usize),
    /// 429 with the seconds to wait.
    TooManyRequests(u64),
    /// 500: our own failure. The detail is logged, never sent.
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn plain(text: impl Into<String>) -> ApiError {
        ApiError::Plain(text.into())
    }

    pub fn meteor(code: &'static str, reason: impl Into<String>) -> ApiError {
        ApiError::Meteor { code, reason: reason.into() }
    }

    /// `throw new Meteor.Error(code)` without a reason: `"[<code>]"`, typed.
    pub fn bare(code: &'static str) -> ApiError {
        ApiError::Typed { error: format!("[{code}]"), error_type: code }
    }

    /// A core-services `MeteorError(code)`: `error` and `errorType` both the code.
    pub fn typed(code: &'static str) -> ApiError {
        ApiError::Typed { error: code.into(), error_type: code }
    }

    /// Ajv failure on a legacy route (`validateParams`).
    pub fn invalid_params(message: impl Into<String>) -> ApiError {
        ApiError::meteor(code::INVALID_PARAMS, message)
    }

    /// Ajv failure on a typed route.
    pub fn error_invalid_params(message: impl Into<String>) -> ApiError {
        ApiError::Typed { error: message.into(), error_type: code::ERROR_INVALID_PARAMS }
    }

    /// Meteor `check()` failure: `Match error: <text>`, no type.
    pub fn match_error(text: impl AsRef<str>) -> ApiError {
        ApiError::Plain(format!("Match error: {}", text.as_ref()))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Plain(_) | ApiError::Meteor { .. } | ApiError::Typed { .. } | ApiError::Reason(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::Refused => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let mut body = ErrorBody::default();
        match self {
            ApiError::Plain(text) => body.error = Some(text.clone()),
            ApiError::Meteor { code, reason } => {
                body.error = Some(format!("{reason} [{code}]"));
                body.error_type = Some((*code).into());
            }
            ApiError::Typed { error, error_type } => {
                body.error = Some(error.clone());
                body.error_type = Some((*error_type).into());
            }
            ApiError::Unauthorized => {
                let text = "You must be logged in to do this.";
                body.error = Some(text.into());
                body.status = Some("error".into());
                body.message = Some(text.into());
            }
            ApiError::Forbidden => {
                body.error = Some(format!(
                    "User does not have the permissions required for this action [{}]",
                    code::ERROR_UNAUTHORIZED
                ));
            }
            ApiError::Refused => body.error = Some(code::UNAUTHORIZED.into()),
            ApiError::Reason(reason) => body.reason = Some((*reason).into()),
            ApiError::NotFound => body.error = Some("Resource not found".into()),
            ApiError::PayloadTooLarge(limit) => {
                body.error =
                    Some(format!("Request body is larger than {limit} bytes [{}]", code::ERROR_PAYLOAD_TOO_LARGE));
                body.error_type = Some(code::ERROR_PAYLOAD_TOO_LARGE.into());
            }
            ApiError::TooManyRequests(secs) => {
                body.error = Some(format!(
                    "Error, too many requests. Please slow down. You must wait {secs} seconds before trying this endpoint again."
                ));
            }
            ApiError::Internal(_) => body.error = Some("Internal server error".into()),
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            eprintln!("internal error: {detail}");
        }
        let status = self.status();
        let mut response = (status, axum::Json(self.body())).into_response();
        if let ApiError::TooManyRequests(secs) = self {
            response.headers_mut().insert("Retry-After", secs.into());
        }
        response
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::Internal(format!("database: {e}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> ApiError {
        ApiError::Internal(format!("json: {e}"))
    }
}
