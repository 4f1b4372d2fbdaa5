//! The visitor's session without a UI: `conversation` keeps the messages, `text` turns a
//! message's text into what is shown, `tabs` keeps the visitor's tabs in step.

pub mod conversation;
pub mod core;
pub mod tabs;
pub mod text;
