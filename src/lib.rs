//! The Rocket.Chat Livechat visitor widget.
//!
//! * [`api`]: a typed client for the Livechat REST API (visitor and agent sides).
//! * [`storage`]: the visitor's token and room id, kept in `localStorage` (or memory).
//! * [`i18n`]: the widget's words: English built in, five more languages handed over at run time.
//! * [`realtime`]: Rocket.Chat's DDP over WebSocket (pure protocol logic and a thin driver).
//! * [`session`]: the conversation as data (ordering, merging, grouping) and message text.
//! * [`ui`]: the Leptos components, mounted in a shadow root.
//! * [`embed`]: the wasm side of the JavaScript API (`www/api.js`): `boot`, `command`, one event sink.
//!
//! The wire types it speaks live in [`wire`] (the `livechat-wire` crate), shared with the
//! development server.

#[cfg(feature = "embed")]
pub mod embed;
pub mod i18n;
pub mod session;
pub mod ui;

pub use livechat_wire as wire;
// The client without a UI (`crates/client`), shared with the agent console.
pub use livechat_client::{api, keyed, realtime, storage};
