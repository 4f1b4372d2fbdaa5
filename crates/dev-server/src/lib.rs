//! A development server that speaks Rocket.Chat's Livechat API: the visitor REST endpoints, the
//! agent endpoints a console needs, and DDP over WebSocket, stored in SQLite.
//!
//! # Layout
//!
//! * [`app`] builds the whole [`Router`] from an [`AppState`]; `main.rs` only parses flags and
//!   serves it, and tests call it in-process.
//! * [`routes`]: one router module per REST resource, mirroring `livechat_wire`'s modules.
//! * [`realtime`]: the DDP endpoint at `/websocket`; [`hub`] fans events out to subscribers.
//! * [`guest`]: the visitor-matching rules (a visitor is its token; its rooms and messages;
//!   registration; the custom-field rule).
//! * [`routing`]: a room's life (creation, assignment, queue, transfer, close).
//! * [`store`]: every SQL statement, one module per table; [`db`]: the connection and
//!   migrations; [`files`]: uploaded files' bytes. [`markdown`]: the parse tree (`md`) stored
//!   with each message.
//! * [`error`]: the one error type, mapped to Rocket.Chat's failure bodies;
//!   [`validate`] and [`extract`]: parameter checks that fail the way Rocket.Chat's do.
//! * [`cors`]: cross-origin requests, off unless configured, as on Rocket.Chat.
//!
//! Handlers take the database lock, do their work, and emit their events before dropping it, so
//! subscribers hear changes in the order they were committed. Emitting never blocks (it only
//! queues text on each connection's bounded channel), so a slow WebSocket never holds up a
//! request: one that falls too far behind is closed instead.

pub mod config;
pub mod cors;
pub mod db;
pub mod error;
pub mod extract;
pub mod files;
pub mod guest;
pub mod hub;
pub mod ids;
pub mod image;
pub mod markdown;
pub mod rate_limit;
pub mod realtime;
pub mod routes;
pub mod routing;
pub mod store;
pub mod validate;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};

use crate::config::ServerConfig;
use crate::db::Db;
use crate::error::ApiResult;
use crate::hub::Hub;
use crate::ids::Clock;
use crate::rate_limit::RateLimiter;

/// Everything a request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<ServerConfig>,
    pub hub: Hub,
    pub clock: Arc<Clock>,
    pub limiter: Arc<RateLimiter>,
    /// Static files served at `/` (the demo pages), if any.
    pub www: Option<PathBuf>,
    /// Uploaded files' bytes (in memory unless `main` puts them beside the database).
    pub files: Arc<files::Files>,
}

impl AppState {
    /// Seeds the configured agents and departments into `db`.
    pub fn new(config: ServerConfig, db: Db) -> Result<AppState, String> {
        config.check()?;
        let clock = Clock::default();
        {
            let mut conn = db.conn();
            store::seed(&mut conn, &config, clock.now()).map_err(|e| format!("{e:?}"))?;
            clock.advance_past(store::newest_timestamp(&conn).map_err(|e| format!("{e:?}"))?);
        }
        Ok(AppState {
            db,
            config: Arc::new(config),
            hub: Hub::default(),
            clock: Arc::new(clock),
            limiter: Arc::default(),
            www: None,
            files: Arc::new(files::Files::memory()),
        })
    }

    /// In-memory state with the given configuration, for tests.
    pub fn in_memory(config: ServerConfig) -> AppState {
        AppState::new(config, Db::memory().expect("in-memory SQLite")).expect("valid test configuration")
    }

    pub fn routing(&self) -> routing::Ctx<'_> {
        routing::Ctx { config: &self.config, clock: &self.clock }
    }

    /// Applies Rocket.Chat's rate limit for `route` when the limiter is on.
    pub fn rate_limit(&self, route: &'static str, ip: Option<IpAddr>, limit: u32, window_ms: i64) -> ApiResult<()> {
        if !self.config.rate_limit {
            return Ok(());
        }
        self.limiter.hit(route, ip, limit, window_ms, self.clock.now().0)
    }
}

/// The whole server: REST under `/api/v1`, DDP at `/websocket`, uploaded files and avatars,
/// static files elsewhere.
pub fn app(state: AppState) -> Router {
    let api = routes::router(&state.config).layer(axum::middleware::map_response(no_store));
    let mut router = Router::new()
        .nest("/api/v1", api)
        .route("/api/{*rest}", axum::routing::any(routes::not_found))
        .merge(realtime::router())
        .merge(routes::upload::files_router())
        .merge(routes::avatar::router());
    if let Some(dir) = &state.www {
        router = router.fallback_service(tower_http::services::ServeDir::new(dir));
    } else {
        router = router.fallback(routes::index);
    }
    // The widget runs on customers' origins: the API answers them as Rocket.Chat does.
    router.layer(axum::middleware::from_fn_with_state(state.clone(), cors::layer)).with_state(state)
}

/// API answers are never cached, as Rocket.Chat's.
async fn no_store(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
