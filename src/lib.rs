//! The Rocket.Chat Livechat visitor widget.
//!
//! The wire types it speaks live in [`livechat_wire`], shared with the development server.

pub use livechat_wire as wire;
