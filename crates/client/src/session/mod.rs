//! The visitor's session without a UI: `conversation` keeps the messages, `text` turns a
//! message's text into what is shown, `tabs` keeps the visitor's tabs in step, `history` walks
//! a room's history back to a watermark, `core` holds the session's rules, `triggers` the
//! server's proactive messages and `prechat` its pre-chat fields (rules without a shell yet),
//! and `uploads` the visitor's files on their way.

pub mod conversation;
pub mod core;
pub mod history;
pub mod prechat;
pub mod tabs;
pub mod text;
pub mod triggers;
pub mod uploads;
