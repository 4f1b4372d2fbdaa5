//! The visitor's files, handed to the second module (`crates/rich`'s `upload`), which sends them
//! one at a time with their progress and lists them above the composer
//! (`livechat_client::session::uploads` holds its rules). The session answers what it asks.

use super::*;
use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

impl Session {
    /// Sends `files` (`File`s chosen with the attach button, dropped on the window or pasted)
    /// through the second module, which lists them in `list`.
    pub fn upload(self, files: &js_sys::Array, list: &web_sys::Element) {
        self.interacted();
        let Some(upload) = self.lazy("upload") else { return };
        let lang = self.lang.get_untracked();
        let texts: Array = [
            Key::Cancel,
            Key::Retry,
            Key::Delete,
            Key::FileTypeRefused,
            Key::FileTooLarge,
            Key::FilesDisabled,
            Key::FileNotSent,
        ]
        .iter()
        .map(|k| JsValue::from(lang.t(*k)))
        .collect();
        let context = context(&[
            ("server", JsValue::from(self.server_url())),
            ("token", self.token().into()),
            ("list", list.into()),
            ("texts", texts.into()),
            ("ask", self.asker()),
        ]);
        let _ = upload.call2(&JsValue::NULL, files, &context);
    }

    /// `ask(what, value)`, what the second module asks while it sends files: `room` (a promise
    /// of the open room's id, made when there is none, as a first message makes it), `refresh`
    /// (a promise settled once the conversation is caught up), `take` (the server's message for
    /// a file, `value`, into the conversation), `token` (the visitor's now: another visitor means
    /// its files go), and anything else the visitor's file messages on screen (messages of theirs
    /// without text) as the server sent them. And while the server's triggers run (see
    /// `triggers.rs`): `show` (a proactive message, `value` `{id, msg, u, agent}`), `@fired` (the
    /// `runOnce` ids kept; a string `value` replaces them), `open` (the visitor clicked the
    /// card), `isOpen`. And for what it draws in the window (see `panels.rs`): `transfer` (to the
    /// department `value`), `close` (the visitor ends the chat), `rated` (the
    /// server took the survey), `skip` (the visitor skipped it), `sheet` (closes the sheet), `agree` (the visitor's consent),
    /// `fields` (the pre-chat form's own fields, `[key, value, …]`, to send with the
    /// registration — a blank value sends none —, or `null`: they will not do, the registration
    /// waits), `reset` (the visitor was forgotten: start as a new one), `@mailed`.
    pub(super) fn asker(self) -> JsValue {
        let io = self.io();
        io.ask
            .borrow_mut()
            .get_or_insert_with(|| {
                let ask = move |what: String, value: JsValue| -> JsValue {
                    // A session that is gone (its widget unmounted) answers nothing.
                    if self.io.try_get_value().is_none() {
                        return JsValue::UNDEFINED;
                    }
                    let task: Task<Result<JsValue, JsValue>> = match what.as_str() {
                        "room" => Box::pin(async move {
                            self.ensure_room().await.map(JsValue::from).map_err(|e| JsValue::from(e.to_string()))
                        }),
                        "refresh" => Box::pin(async move {
                            self.refresh().await;
                            Ok(JsValue::UNDEFINED)
                        }),
                        "take" => {
                            if let Ok(m) = livechat_client::json::decode(value) {
                                self.update(|c| c.take_in(vec![m]));
                            }
                            return JsValue::UNDEFINED;
                        }
                        "token" => return self.token().into(),
                        "show" => {
                            let get = |k: &str| Reflect::get(&value, &k.into()).unwrap_or(JsValue::NULL);
                            if let Ok(u) = livechat_client::json::decode(get("u")) {
                                let agent = livechat_client::json::decode(get("agent")).ok();
                                let (id, msg) = (get("id").as_string(), get("msg").as_string());
                                let now = js_sys::Date::now() as i64;
                                self.update(|c| {
                                    c.proactive(&id.unwrap_or_default(), msg.unwrap_or_default(), u, agent, now)
                                });
                            }
                            return JsValue::UNDEFINED;
                        }
                        // A value the module keeps in the visitor's storage (`@fired`: the
                        // `runOnce` triggers shown; `@mailed`: the rooms a transcript was asked
                        // for): a string `value` replaces it; answers it.
                        key if key.starts_with('@') => {
                            let store = &self.io().store;
                            if let Some(v) = value.as_string() {
                                store.set(&key[1..], Some(&v));
                            }
                            return store.get(&key[1..]).map_or(JsValue::UNDEFINED, JsValue::from);
                        }
                        "transfer" => {
                            if let Some(id) = value.as_string() {
                                Session::spawn(self.transfer(id));
                            }
                            return JsValue::UNDEFINED;
                        }
                        "skip" => {
                            self.skip_survey();
                            return JsValue::UNDEFINED;
                        }
                        "rated" => {
                            self.rated();
                            return JsValue::UNDEFINED;
                        }
                        "close" => {
                            Session::spawn(self.close());
                            return JsValue::UNDEFINED;
                        }
                        "sheet" => {
                            self.sheet.set(None);
                            return JsValue::UNDEFINED;
                        }
                        "agree" => {
                            self.agree();
                            return JsValue::UNDEFINED;
                        }
                        "reset" => {
                            self.reset();
                            spawn_task(Box::pin(self.start()));
                            return JsValue::UNDEFINED;
                        }
                        "fields" => {
                            self.io().fields_refused.set(value.is_null());
                            let pairs: Vec<String> =
                                js_sys::Array::from(&value).iter().filter_map(|v| v.as_string()).collect();
                            self.update(|c| {
                                for kv in pairs.chunks_exact(2) {
                                    let (key, value) = (kv[0].clone(), kv[1].clone());
                                    // Blank: a value of an earlier try goes, nothing is sent.
                                    c.options_mut().custom_fields.retain(|f| f.key != key);
                                    if !value.is_empty() {
                                        c.custom_field(livechat_wire::custom_field::CustomField {
                                            key,
                                            value,
                                            overwrite: true,
                                        });
                                    }
                                }
                            });
                            return JsValue::UNDEFINED;
                        }
                        "open" => {
                            self.interacted();
                            self.set_open(true);
                            return JsValue::UNDEFINED;
                        }
                        "isOpen" => return self.open.get_untracked().into(),
                        _ => {
                            let me = self.visitor.with_untracked(|v| v.as_ref().map(|v| v.id.clone()));
                            return self.conversation.with_untracked(|c| {
                                c.messages()
                                    .iter()
                                    .filter(|m| {
                                        m.t.is_none() && m.msg.is_empty() && m.u.as_ref().map(|u| &u.id) == me.as_ref()
                                    })
                                    .filter_map(|m| livechat_client::json::kept(&m.kept).cloned())
                                    .collect::<Array>()
                                    .into()
                            });
                        }
                    };
                    wasm_bindgen_futures::future_to_promise(task).into()
                };
                Closure::<dyn Fn(String, JsValue) -> JsValue>::new(ask).into_js_value()
            })
            .clone()
    }
}
