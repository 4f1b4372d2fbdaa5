//! What the second module draws in the window (`panel(name, context)` there, `crates/rich`'s
//! `panels.rs`), for what a visitor sees rarely or once: the data-processing consent, the
//! pre-chat form's own fields, the transcript offer after a chat, the department change and
//! "Forget my data" sheets. The widget gives it a place ([`crate::ui`]'s `slot`) and what it
//! needs to know; the module asks the session for the rest through `ask` (see `asker`).

use livechat_client::json::{Js, kept};
use livechat_wire::json::Json;
use wasm_bindgen::JsValue;

use super::*;

impl Session {
    /// Has the second module draw `name` in `slot`. Its context: `slot`, `server`, `token`,
    /// `lang`, `config` (the configuration as parsed), `rid` and `department` (the room's),
    /// `email` (the visitor's), `fields` (the keys of the custom fields the site set) and `ask`.
    pub fn panel(self, name: &str, slot: web_sys::Element) {
        let Some(panel) = self.lazy("panel") else { return };
        let (config, fields) = self.peek(|c| {
            let config = c.config().map(|k| k.kept.clone()).unwrap_or_default();
            let fields: js_sys::Array = c.options().custom_fields.iter().map(|f| JsValue::from(&f.key)).collect();
            (config, fields)
        });
        let room = self.room.with_untracked(|r| r.as_ref().map(|r| (r.id.clone(), r.department_id.clone())));
        let (rid, department) = room.unwrap_or_default();
        let email = self.visitor.with_untracked(|v| v.as_ref().and_then(|v| v.email().map(str::to_owned)));
        let context = context(&[
            ("slot", JsValue::from(slot)),
            ("server", self.server_url().into()),
            ("token", self.token().into()),
            ("lang", self.lang.get_untracked().tag().into()),
            ("config", kept(&config).cloned().unwrap_or(JsValue::NULL)),
            ("rid", rid.into()),
            ("department", department.map_or(JsValue::NULL, JsValue::from)),
            ("email", email.map_or(JsValue::NULL, JsValue::from)),
            ("fields", fields.into()),
            ("ask", self.asker()),
        ]);
        let _ = panel.call2(&JsValue::NULL, &name.into(), &context);
    }

    /// Whether the configuration lists `key` (an array with something in it): the second
    /// module is fetched for what it lists only.
    pub fn config_lists(&self, key: &str) -> bool {
        self.peek(|c| {
            let config = c.config().map(|k| k.kept.clone()).unwrap_or_default();
            kept(&config).and_then(|c| Js(c.clone()).get(key)?.items()).is_some_and(|l| !l.is_empty())
        })
    }

    /// The configuration came: when the server asks for the visitor's consent to data
    /// processing and it was not given before, the window asks for it first; otherwise what
    /// waited in memory is stored (unless the site's consent mode still waits).
    pub(super) fn check_consent(&self) {
        let forced =
            self.config.with_untracked(|c| c.as_ref().is_some_and(|c| c.settings.force_accept_data_processing_consent));
        self.asking_consent.set(self.io().store.settle(forced));
    }

    /// The visitor agreed to the server's data-processing terms (or the site's `consent()`
    /// consented for them): storage may be written, the window goes on to its screen.
    pub fn agree(&self) {
        self.io().store.consent();
        self.asking_consent.set(false);
    }
}
