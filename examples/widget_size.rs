//! The whole widget behind one exported entry point, so `cargo xtask bench` can measure what a
//! page downloads for it.

use livechat_widget::i18n::Lang;
use livechat_widget::session::{Session, SessionOptions};
use wasm_bindgen::prelude::*;

/// Mounts the widget for `server` on `host` and starts its session.
#[wasm_bindgen]
pub fn start(host: web_sys::Element, server: String, language: String) -> Result<(), JsValue> {
    let lang = Lang::choose([language.as_str()]);
    let session = Session::new(&server, lang, SessionOptions::default());
    std::mem::forget(livechat_widget::ui::mount(&host, session)?);
    Session::spawn(session.start());
    Ok(())
}
