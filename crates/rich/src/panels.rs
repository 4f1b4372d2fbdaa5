//! What the widget has this module draw in its window (`panel(name, context)`, exported with
//! the `module` feature), the parts a visitor sees rarely or once, so the widget itself stays
//! small:
//!
//! - `consent`: the server's data-processing text (formatted) and "I agree", before any form or
//!   chat when the server asks for consent (`forceAcceptDataProcessingConsent`);
//! - `fields`: the pre-chat form's own fields (`config.customFields`), checked by
//!   `livechat_client::session::prechat`'s rules when the form is sent;
//! - `transcript`: after a chat, the offer to e-mail it (`POST livechat/transcript`), once per
//!   room;
//! - `departments`, `forget`: sheets from the window's menu — another department for the chat,
//!   and "Forget my data" (the open room closed, then `DELETE livechat/visitor/:token`).
//!
//! The trees are [`view`]'s (pure, tested natively), their texts this module's own in the
//! widget's six languages. The widget's session answers what a panel asks through
//! `context.ask` (see `Session::panel` and `asker` in the widget).

pub mod view;

#[cfg(all(target_arch = "wasm32", feature = "module"))]
mod module;
#[cfg(all(target_arch = "wasm32", feature = "module"))]
pub use module::panel;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
