//! Proactive messages: the server's triggers run in the second module (`trigger` there, over
//! the rules of [`livechat_client::session::triggers`]), loaded only when the configuration
//! lists some, so a site without triggers never fetches it for them. The session starts them
//! with what they need (the configuration as parsed, the `runOnce` ids already fired, when the
//! widget started on this page, the visitor's department, the widget's host for the card beside
//! the launcher), tells them what happens here (the page's address, the window opened, the
//! visitor registered, wrote, a new chat began), and answers what they ask through the session's
//! `ask` (a message to show, the ids to keep, open the window).

use livechat_client::json::{Js, kept};
use livechat_wire::json::Json;
use wasm_bindgen::JsValue;

use super::*;

/// Storage: the `runOnce` triggers that fired for this visitor, space-separated ids.
pub(super) const FIRED: &str = "fired";

impl Session {
    /// The configuration came: its triggers start, unless there are none, the site turned them
    /// off, or nobody is online (as in Rocket.Chat's widget); the ones running stop then.
    pub(super) fn start_triggers(&self) {
        let (config, on) = self.peek(|c| {
            let on = c.config().is_some_and(|k| k.enabled && k.online) && !c.options().no_triggers;
            (c.config().map(|k| k.kept.clone()).unwrap_or_default(), on)
        });
        let config = kept(&config).filter(|_| on).cloned();
        let io = self.io();
        let running = io.triggers.get();
        let listed = config.as_ref().and_then(|c| Js(c.clone()).get("triggers")?.items());
        if listed.is_none_or(|l| l.is_empty()) && !running {
            return;
        }
        io.triggers.set(true);
        let host = io.host.borrow().clone();
        let department = self.peek(|c| c.options().department.clone());
        let context = context(&[
            ("config", config.unwrap_or(JsValue::NULL)),
            ("fired", io.store.get(FIRED).unwrap_or_default().into()),
            ("arrived", io.arrived.into()),
            ("href", web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default().into()),
            ("department", department.map_or(JsValue::NULL, JsValue::from)),
            ("server", self.server_url().into()),
            ("host", host),
            ("dismiss", self.lang.get_untracked().t(Key::Dismiss).into()),
            ("opened", io.opened.get().into()),
            ("ask", self.asker()),
        ]);
        self.trigger("start", context);
    }

    /// Tells the running triggers what happened (`page` with the address, `opened`,
    /// `registered`, `wrote`, `ended`: a new chat began after one ended); nothing when none run.
    pub(super) fn trigger(&self, event: &str, value: JsValue) {
        let Some(io) = self.io.try_get_value() else { return };
        if !io.triggers.get() {
            // The visitor opened the window before the configuration came (a click that loaded
            // the widget): the triggers hear of it when they start.
            io.opened.set(io.opened.get() || event == "opened");
        } else if let Some(f) = self.lazy("trigger") {
            let _ = f.call2(&JsValue::NULL, &event.into(), &value);
        }
    }

    /// The widget's host element (the card beside the launcher goes in its shadow root).
    pub fn set_host(&self, host: JsValue) {
        *self.io().host.borrow_mut() = host;
    }
}
