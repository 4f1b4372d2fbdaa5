//! The visitor's side of Rocket.Chat Livechat, without a UI: what the widget and the agent
//! console share.
//!
//! - [`api`] — the typed REST client (one method per endpoint, one error enum).
//! - [`realtime`] — DDP over WebSocket: the pure protocol and its thin driver.
//! - [`storage`] — the token store (localStorage, memory fallback, consent mode).
//! - [`session`] — the conversation model, message text rules, the visitor's tabs, and
//!   [`session::core`]: the session's rules as plain data and pure transitions.
//! - [`json`] — JSON through the browser's `JSON.parse` into the wire crate's decoders.
//! - [`keyed`] — small string-keyed maps.

pub mod api;
pub mod consent;
pub mod json;
pub mod keyed;
pub mod realtime;
pub mod session;
pub mod storage;

pub use livechat_wire as wire;
