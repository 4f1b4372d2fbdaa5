//! `GET /avatar/:username` (outside `/api`): the picture Rocket.Chat draws for a user without
//! one (`apps/meteor/server/routes/avatar/`): an SVG square in a colour picked by the name's
//! length, with the name's first letter. Nobody here has a picture, and, as in Rocket.Chat,
//! any name gets one (an unknown username too), so the address never reveals who exists.
//!
//! Answers as Rocket.Chat's: `image/svg+xml`, `Content-Disposition: inline`,
//! `Cache-Control: public, max-age=3600` (`Accounts_AvatarCacheTime`; `?cacheTime=` changes
//! it), `Last-Modified` a fixed date, and `304` to a request that sends that date back in
//! `If-Modified-Since`. `?size=` sets the drawing's size (16 to 1024, default 200). `/avatar/@name`
//! always draws the letters (Rocket.Chat's way to skip uploaded pictures). Pages on any origin
//! may show it with `<img>`: no `Cross-Origin-Resource-Policy` is sent, and, as every file
//! outside `/api/`, it carries `Access-Control-Allow-Origin: *`.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/avatar/{*username}", get(avatar))
        .route("/avatar/", get(not_found))
        .route("/avatar", get(not_found))
}

/// The `Last-Modified` of every drawn avatar (Rocket.Chat's `FALLBACK_LAST_MODIFIED`).
pub const FALLBACK_LAST_MODIFIED: &str = "Thu, 01 Jan 2015 00:00:00 GMT";

/// `Accounts_AvatarCacheTime`'s default, seconds.
const CACHE_SECONDS: &str = "3600";

/// Rocket.Chat's avatar colours (`getAvatarColor`), picked by the name's length.
const COLORS: [&str; 6] = ["#158D65", "#7F1B9F", "#B68D00", "#E26D0E", "#10529E", "#6C727A"];

async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

async fn avatar(
    Path(username): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let cache = match query.get("cacheTime").filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())) {
        Some(seconds) => format!("public, max-age={seconds}"),
        None => format!("public, max-age={CACHE_SECONDS}"),
    };
    let mut response = match username.strip_prefix('@') {
        Some(name) => svg(name, &query),
        // Unchanged since the client drew it: nobody uploads pictures here.
        None if headers.get(header::IF_MODIFIED_SINCE).is_some_and(|v| v == FALLBACK_LAST_MODIFIED) => {
            StatusCode::NOT_MODIFIED.into_response()
        }
        None => svg(&username, &query),
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_str(&cache).expect("digits"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    response
}

fn svg(name: &str, query: &HashMap<String, String>) -> Response {
    let size = query.get("size").and_then(|s| parse_int(s)).filter(|&n| n != 0).map(|n| n.clamp(16, 1024));
    let mut response = render(name, size.unwrap_or(200) as u32).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    h.insert(header::LAST_MODIFIED, HeaderValue::from_static(FALLBACK_LAST_MODIFIED));
    response
}

/// JavaScript's `parseInt` of a query value: leading white space, a sign, then digits (a
/// `0x` prefix reads hexadecimal); `None` where it finds no number (`NaN`).
fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim_start();
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = match s.get(..2) {
        Some("0x" | "0X") => (16, &s[2..]),
        _ => (10, s),
    };
    let end = digits.find(|c: char| !c.is_digit(radix)).unwrap_or(digits.len());
    let n = i64::from_str_radix(&digits[..end.min(15)], radix).ok()?;
    Some(if negative { -n } else { n })
}

/// Rocket.Chat's `renderSVGLetters` for one initial: a `size` square in the name's colour, the
/// name's first letter in upper case, white, centred (`?` is black and stays `?`).
pub fn render(name: &str, size: u32) -> String {
    let (color, initial) = if name == "?" {
        ("#000", "?".to_owned())
    } else {
        // JavaScript's `length`: UTF-16 code units.
        (COLORS[name.encode_utf16().count() % COLORS.len()], first_letter(name))
    };
    let font_size = f64::from(size) / 1.6;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\">\n<rect width=\"100%\" height=\"100%\" fill=\"{color}\"/>\n<text x=\"50%\" y=\"50%\" dy=\"0.36em\" text-anchor=\"middle\" pointer-events=\"none\" fill=\"#ffffff\" font-family=\"'Helvetica', 'Arial', 'Lucida Grande', 'sans-serif'\" font-size=\"{font_size}\">\n{}\n</text>\n</svg>",
        escape(&initial)
    )
}

/// The name's first character in upper case (Rocket.Chat's newest `getFirstLetter`, which
/// keeps any letter; older versions kept only ASCII letters and digits).
fn first_letter(name: &str) -> String {
    name.chars().next().map(|c| c.to_uppercase().collect()).unwrap_or_default()
}

/// Text as XML: the drawing is a document of its own when opened directly.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_colour_and_size_as_rocket_chat_draws_them() {
        let svg = render("agent", 200);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 200\">\n"), "{svg}");
        assert!(svg.contains("fill=\"#6C727A\""), "length 5: colour 5 of 0..6: {svg}");
        assert!(svg.contains("font-size=\"125\">\nA\n</text>"), "{svg}");
        assert!(render("bob", 32).contains("fill=\"#E26D0E\"") && render("bob", 32).contains("font-size=\"20\""));
        assert!(render("éva", 50).contains(">\nÉ\n<") && render("éva", 50).contains("font-size=\"31.25\""));
        assert!(render("?", 200).contains("fill=\"#000\"") && render("?", 200).contains(">\n?\n<"));
        assert!(render("<script>", 200).contains(">\n&lt;\n<"), "escaped");
        assert!(render("", 200).contains(">\n\n<"));
    }

    #[test]
    fn sizes_read_as_javascripts_parse_int() {
        assert_eq!(parse_int("64"), Some(64));
        assert_eq!(parse_int(" 64px"), Some(64));
        assert_eq!(parse_int("-5"), Some(-5));
        assert_eq!(parse_int("0x20"), Some(32));
        assert_eq!(parse_int("big"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("99999999999999999999"), Some(999_999_999_999_999));
    }
}
