//! One router per REST resource, named after `livechat_wire`'s modules.

pub mod agent;
pub mod auth;
pub mod avatar;
pub mod chat;
pub mod config;
pub mod custom_field;
pub mod inquiries;
pub mod message;
pub mod offline_message;
pub mod page;
pub mod room;
pub mod rooms;
pub mod transcript;
pub mod upload;
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
        .merge(page::router())
        .merge(custom_field::router())
        .merge(agent::router())
        .merge(rooms::router())
        .merge(inquiries::router())
        .merge(auth::router())
        .merge(chat::router())
        .merge(transcript::router())
        .merge(upload::router(config))
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

pub use livechat_wire::visitor::is_email;
