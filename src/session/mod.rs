//! The visitor's session as data. `conversation` keeps the messages; `text` turns a message's
//! text into what the widget shows.

pub mod conversation;
pub mod text;
