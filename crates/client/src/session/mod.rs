//! The visitor's session without a UI: `conversation` keeps the messages, `text` turns a
//! message's text into what is shown, `tabs` keeps the visitor's tabs in step, `history` walks
//! a room's history back to a watermark, and `core` holds the session's rules.

pub mod conversation;
pub mod core;
pub mod history;
pub mod tabs;
pub mod text;
pub mod uploads;
