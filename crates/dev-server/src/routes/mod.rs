//! One router per REST resource, named after `livechat_wire`'s modules.

pub mod agent;
pub mod auth;
pub mod chat;
pub mod config;
pub mod inquiries;
pub mod message;
pub mod offline_message;
pub mod room;
pub mod rooms;
pub mod visitor;

use axum::Router;
use axum::response::Html;

use crate::AppState;
use crate::error::ApiError;

pub fn router(config: &crate::config::ServerConfig) -> Router<AppState> {
    Router::new()
        .merge(visitor::router())
        .merge(config::router())
        .merge(room::router(config.api_version))
        .merge(message::router())
        .merge(offline_message::router())
        .merge(agent::router())
        .merge(rooms::router())
        .merge(inquiries::router())
        .merge(auth::router())
        .merge(chat::router())
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
}

/// Unknown paths and methods answer Rocket.Chat's 404 body.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// The page at `/` when no static directory is served.
pub async fn index() -> Html<&'static str> {
    Html(include_str!("index.html"))
}

/// A loose e-mail check: one `@`, something before it, a dotted domain after, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
        && !s.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    #[test]
    fn emails() {
        for good in ["a@b.co", "first.last+tag@mail.example.org"] {
            assert!(super::is_email(good), "{good}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@@b.co", "a@b..co", "a b@c.de", "a@.co"] {
            assert!(!super::is_email(bad), "{bad}");
        }
    }
}
