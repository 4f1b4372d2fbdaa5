//! Cross-origin requests, answered as Rocket.Chat answers them.
//!
//! Rocket.Chat's REST API (`apps/meteor/app/api/server/middlewares/cors.ts`, settings in
//! `apps/meteor/app/api/server/settings.ts`) has two settings under Administration > Settings >
//! General > REST API: `API_Enable_CORS` (off by default) and `API_CORS_Origin` (`*` by
//! default, or a comma-separated list of origins). Here both are one value, [`Cors`], from the
//! `cors_origin` configuration key or `--cors-origin`: absent is Rocket.Chat's default, off.
//!
//! Under `/api/`:
//! * A preflight (`OPTIONS` with an `Origin` or an `Access-Control-Request-Method`) with CORS
//!   off is refused: 405 [`NOT_ENABLED`]. With `*` it is allowed for any origin; with a list,
//!   only for an `Origin` equal to one of them (403 [`INVALID_ORIGIN`] otherwise), echoed with
//!   `Vary: Origin`. Allowed: [`ALLOW_METHODS`] and [`ALLOW_HEADERS`]; no credentials, no
//!   exposed headers, no max age.
//! * Every other answer carries `Access-Control-Allow-Origin: *`, CORS on or off (since
//!   Rocket.Chat's fix of 7.6.0's regression), so a page anywhere can read what needs no
//!   preflight (`GET livechat/config`) and nothing that does (a JSON `POST`, `x-visitor-token`).
//!   With CORS on they also carry `Vary: Origin` and the two allow lists.
//!
//! Elsewhere (the widget's files, the demo pages) every answer carries
//! `Access-Control-Allow-Origin: *`, as Rocket.Chat's static files do: a page loads the widget's
//! module and wasm from another origin. The DDP WebSocket checks no origin, as Rocket.Chat's.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// The body of a preflight while CORS is off (405), Rocket.Chat's text to the letter.
pub const NOT_ENABLED: &str = "CORS not enabled. Go to \"Admin > General > REST Api\" to enable it.";
/// The body of a preflight from an origin not in the list (403).
pub const INVALID_ORIGIN: &str = "Invalid origin";
/// `Access-Control-Allow-Methods`.
pub const ALLOW_METHODS: &str = "GET, POST, PUT, DELETE, HEAD, PATCH";
/// `Access-Control-Allow-Headers`.
pub const ALLOW_HEADERS: &str =
    "Origin, X-Requested-With, Content-Type, Accept, X-User-Id, X-Auth-Token, x-visitor-token, Authorization";

/// Which origins may call the REST API from a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cors {
    /// `API_Enable_CORS` off (Rocket.Chat's default).
    Off,
    /// On, `API_CORS_Origin` = `*`.
    Any,
    /// On, with these origins (trimmed, lower case), matched exactly.
    Origins(Vec<String>),
}

impl Cors {
    /// The setting as Rocket.Chat reads `API_CORS_Origin`: exactly `*` is any origin, anything
    /// else a comma-separated list; `None` is CORS off.
    pub fn from_setting(setting: Option<&str>) -> Cors {
        match setting {
            None => Cors::Off,
            Some("*") => Cors::Any,
            Some(list) => Cors::Origins(list.trim().split(',').map(|o| o.trim().to_lowercase()).collect()),
        }
    }

    /// One line for the server's banner.
    pub fn describe(&self) -> String {
        match self {
            Cors::Off => {
                "off: pages on other origins cannot call the API (--cors-origin, or cors_origin in --config)".into()
            }
            Cors::Any => "on for every origin (*)".into(),
            Cors::Origins(list) => format!("on for {}", list.join(", ")),
        }
    }
}

/// The middleware (`axum::middleware::from_fn_with_state`) around the whole router.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !(path == "/api" || path.starts_with("/api/")) {
        let mut response = next.run(request).await;
        response.headers_mut().entry(header::ACCESS_CONTROL_ALLOW_ORIGIN).or_insert(HeaderValue::from_static("*"));
        return response;
    }
    let cors = Cors::from_setting(state.config.cors_origin.as_deref());
    if request.method() != Method::OPTIONS {
        let mut response = next.run(request).await;
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        if cors != Cors::Off {
            allow_lists(headers, true);
        }
        return response;
    }
    let origin = request.headers().get(header::ORIGIN).cloned();
    if origin.is_none() && !request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD) {
        // Not a preflight: the API answers `OPTIONS` like any method it does not take.
        return next.run(request).await;
    }
    let (allowed, vary) = match &cors {
        Cors::Off => return text(StatusCode::METHOD_NOT_ALLOWED, NOT_ENABLED),
        Cors::Any => (HeaderValue::from_static("*"), false),
        // Compared as sent: browsers write origins in lower case.
        Cors::Origins(list) => match origin.filter(|o| list.iter().any(|l| l.as_bytes() == o.as_bytes())) {
            Some(origin) => (origin, true),
            None => return text(StatusCode::FORBIDDEN, INVALID_ORIGIN),
        },
    };
    let mut response = StatusCode::OK.into_response();
    let headers = response.headers_mut();
    allow_lists(headers, vary);
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
    response
}

/// The allowed methods and headers, and `Vary: Origin` when asked.
fn allow_lists(headers: &mut HeaderMap, vary: bool) {
    if vary {
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOW_METHODS));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOW_HEADERS));
}

/// A refusal: the text alone, without a content type, as Rocket.Chat writes it.
fn text(status: StatusCode, body: &'static str) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().remove(header::CONTENT_TYPE);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_is_read_as_rocket_chat_reads_it() {
        assert_eq!(Cors::from_setting(None), Cors::Off);
        assert_eq!(Cors::from_setting(Some("*")), Cors::Any);
        assert_eq!(
            Cors::from_setting(Some(" https://Shop.example ,http://127.0.0.1:8080")),
            Cors::Origins(vec!["https://shop.example".into(), "http://127.0.0.1:8080".into()])
        );
        // Only exactly `*` means any origin; in a list it is an origin no browser sends.
        assert_eq!(
            Cors::from_setting(Some("*, https://a.example")),
            Cors::Origins(vec!["*".into(), "https://a.example".into()])
        );
    }
}
