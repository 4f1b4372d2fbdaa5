//! Rich messages: what Rocket.Chat puts in a Livechat room besides plain text — formatted text
//! (the `@rocket.chat/message-parser` tree in a message's `md`, or its text parsed with the same
//! grammar), emoji shortcodes, images, audio, video, files and quoted messages — as DOM nodes,
//! never as HTML.
//!
//! - [`view`] turns a message into a tree of elements as plain data ([`view::Node`]): every rule
//!   is there, tested natively.
//! - [`dom`] builds that tree under an element (and writes dates in the reader's language).
//! - With the `module` feature, `render` is exported to JavaScript: the widget loads this crate
//!   as a second wasm (`rich.js`, `rich_bg.wasm`) the first time a message is more than plain
//!   text, and the emoji table (`emoji.json`) the first time one has a shortcode. The agent
//!   console links it as a library. `upload` sends the visitor's files and lists them above the
//!   composer (`uploads.rs`; the rules are `livechat_client::session::uploads`).

pub mod view;

pub mod dom;

pub mod panels;
#[cfg(all(target_arch = "wasm32", feature = "module"))]
pub use panels::panel;

#[cfg(all(target_arch = "wasm32", feature = "module"))]
mod module;
#[cfg(all(target_arch = "wasm32", feature = "module"))]
pub use module::render;
#[cfg(all(target_arch = "wasm32", feature = "module"))]
mod uploads;
#[cfg(all(target_arch = "wasm32", feature = "module"))]
pub use uploads::upload;
#[cfg(all(target_arch = "wasm32", feature = "module"))]
mod triggers;
#[cfg(all(target_arch = "wasm32", feature = "module"))]
pub use triggers::trigger;
