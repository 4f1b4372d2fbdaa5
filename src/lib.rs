//! The Rocket.Chat Livechat visitor widget.
//!
//! * [`api`]: a typed client for the Livechat REST API (visitor and agent sides).
//! * [`storage`]: the visitor's token and room id, kept in `localStorage` (or memory).
//!
//! The wire types it speaks live in [`wire`] (the `livechat-wire` crate), shared with the
//! development server.

pub mod api;
mod json;
pub mod storage;

pub use livechat_wire as wire;
