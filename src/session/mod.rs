//! The visitor's session. `state` holds it as reactive signals over the client and the token
//! store; `conversation` keeps the messages; `text` turns a message's text into what the widget
//! shows.

mod field;
pub mod state;

pub use livechat_client::session::{conversation, tabs, text};

pub use field::{Field, LangField};
pub use state::{Banner, Delivery, FAILED_AFTER, FormErrors, Screen, Session, SessionOptions, Submitted};
