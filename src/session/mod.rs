//! The visitor's session. `state` is the reactive shell over the client crate's session core:
//! it makes the calls and carries out the core's effects; `field` lets views read the core's
//! state like signals. `conversation`, `text` and `tabs` are the client crate's.

mod field;
pub mod state;

pub use livechat_client::session::{conversation, tabs, text};

pub use field::{Field, LangField};
pub(crate) use state::context;
pub use state::{Banner, Delivery, FAILED_AFTER, FormErrors, Screen, Session, SessionOptions, Submitted};
