//! The widget's second module: `render(target, message, context)`, called from JavaScript for
//! each message that is more than plain text.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise, Reflect};
use livechat_client::json::Js;
use livechat_wire::json::FromJson;
use livechat_wire::message::Message;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::view::{self, Context, Links, Texts};

thread_local! {
    /// The emoji table once it came (shortcode → emoji, a plain object).
    static TABLE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// Messages drawn before it came that have shortcodes, to draw again when it does.
    static WAITING: RefCell<Option<Vec<(web_sys::Element, Message, Setup)>>> = const { RefCell::new(None) };
}

/// What `context` says (with the message's room), read once per call.
#[derive(Clone)]
struct Setup {
    links: Links,
    texts: Texts,
    lang: String,
    /// `emoji()`: a promise of the table.
    emoji: Option<Function>,
}

/// The property `key` of `o` (`undefined` when there is none): what the widget hands over.
pub(crate) fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The text property `key` of `o`, or empty.
pub(crate) fn string(o: &JsValue, key: &str) -> String {
    get(o, key).as_string().unwrap_or_default()
}

/// `ask(what, value)`: the widget's session (see `asker` in the widget).
pub(crate) fn asks(ask: &Function, what: &str, value: &JsValue) -> JsValue {
    ask.call2(&JsValue::NULL, &what.into(), value).unwrap_or(JsValue::UNDEFINED)
}

/// `new RegExp(pattern).test(text)`; `None` when the pattern does not compile.
pub(crate) fn test(pattern: &str, text: &str) -> Option<bool> {
    let ctor: Function = get(&js_sys::global(), "RegExp").dyn_into().ok()?;
    let re = Reflect::construct(&ctor, &Array::of1(&pattern.into())).ok()?;
    Some(re.unchecked_into::<js_sys::RegExp>().test(text))
}

impl Setup {
    /// The visitor's access to the room's files: `rc_token`, `rc_rid`, `rc_room_type=l`.
    fn read(context: &JsValue, rid: &str) -> Setup {
        let enc = |v: &str| String::from(js_sys::encode_uri_component(v));
        let token = string(context, "token");
        let access = if token.is_empty() || rid.is_empty() {
            String::new()
        } else {
            format!("rc_token={}&rc_rid={}&rc_room_type=l", enc(&token), enc(rid))
        };
        Setup {
            links: Links { server: string(context, "server"), access },
            texts: Texts { spoiler: string(context, "spoiler"), download: string(context, "download") },
            lang: string(context, "lang"),
            emoji: Reflect::get(context, &"emoji".into()).ok().and_then(|f| f.dyn_into().ok()),
        }
    }
}

// `context`: `{server, token, lang, spoiler, download, emoji}`: the server's address, the
// visitor's token (which, with the message's room, reads the room's files), the reader's
// language, two texts in it (`view::Texts`), and `emoji()`, which answers a promise of the
// shortcode table. Replaces `target`'s children with
// `message` (a message as the server sent it). Shortcodes show as written until the table comes
// (fetched once, the first time a message has one), then the message is drawn again.
#[wasm_bindgen]
pub fn render(target: web_sys::Element, message: JsValue, context: JsValue) {
    // Drawn after the module came: the row may have been replaced meanwhile (a message the
    // server confirmed), and its new bubble asked on its own.
    if !target.is_connected() {
        return;
    }
    let m = Message::from_json(&Js(message.clone()))
        .unwrap_or_else(|_| Message { msg: string(&message, "msg"), ..Message::default() });
    let setup = Setup::read(&context, &m.rid);
    draw(&target, &m, &setup);
    if TABLE.with_borrow(Option::is_none) && view::wants_emoji(&m) {
        let first = WAITING.with_borrow_mut(|w| {
            let first = w.is_none();
            w.get_or_insert_with(Vec::new).push((target, m, setup.clone()));
            first
        });
        if first {
            wasm_bindgen_futures::spawn_local(fetch_table(setup.emoji));
        }
    }
}

fn draw(target: &web_sys::Element, m: &Message, setup: &Setup) {
    let lookup =
        |code: &str| TABLE.with_borrow(|t| t.as_ref().and_then(|t| Reflect::get(t, &code.into()).ok()?.as_string()));
    let cx = Context { links: &setup.links, texts: &setup.texts, emoji: &lookup };
    let nodes = view::message(m, &cx);
    crate::dom::prepare(target);
    target.set_text_content(None);
    crate::dom::build(target, &nodes, &setup.lang);
}

/// Fetches the table, then draws again what waited for it (still on the page). When it cannot
/// be had, shortcodes stay as written and a later message tries again.
async fn fetch_table(emoji: Option<Function>) {
    let table = async {
        let promise: Promise = emoji?.call0(&JsValue::NULL).ok()?.dyn_into().ok()?;
        JsFuture::from(promise).await.ok().filter(JsValue::is_object)
    }
    .await;
    let waiting = WAITING.with_borrow_mut(Option::take).unwrap_or_default();
    let Some(table) = table else {
        web_sys::console::warn_1(&"Livechat: the emoji table could not be loaded; shortcodes show as written".into());
        return;
    };
    TABLE.set(Some(table));
    for (target, m, setup) in waiting {
        if target.is_connected() {
            draw(&target, &m, &setup);
        }
    }
}
