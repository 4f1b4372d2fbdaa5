//! The tree of [`view`](crate::view) made real: elements and text nodes appended under a parent,
//! never HTML; dates written in the reader's language.

use js_sys::{Date, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, HtmlElement};

use crate::view::Node;

/// The stylesheet of what [`build`] makes, under an element of class `lc-rich`.
pub const CSS: &str = include_str!("rich.css");

/// Makes `target` a rich message's container (class `lc-rich`) and adds [`CSS`] to the root it
/// is in (its shadow root, or the document), once per root: as a constructed stylesheet (which a
/// page's Content-Security-Policy does not block), or a `<style>` where the browser cannot
/// construct one.
pub fn prepare(target: &web_sys::Element) {
    let _ = target.class_list().add_1("lc-rich");
    prepare_root(target);
}

/// Adds [`CSS`] to the root `target` is in, once per root (see [`prepare`]).
pub fn prepare_root(target: &web_sys::Element) {
    // A detached element's root is its topmost ancestor, which takes no stylesheet.
    if !target.is_connected() {
        return;
    }
    let root: JsValue = target.get_root_node().into();
    let mark = JsValue::from_str("__livechatRich");
    if Reflect::get(&root, &mark).is_ok_and(|v| v.is_truthy()) {
        return;
    }
    let _ = Reflect::set(&root, &mark, &JsValue::TRUE);
    let adopted = web_sys::CssStyleSheet::new().and_then(|sheet| {
        sheet.replace_sync(CSS)?;
        let key = JsValue::from_str("adoptedStyleSheets");
        let sheets = Reflect::get(&root, &key)?;
        if !js_sys::Array::is_array(&sheets) {
            return Err(JsValue::UNDEFINED);
        }
        let sheets = js_sys::Array::from(&sheets);
        sheets.push(&sheet);
        Reflect::set(&root, &key, &sheets).map(drop)
    });
    if adopted.is_err()
        && let Some(doc) = target.owner_document()
        && let Ok(style) = doc.create_element("style")
    {
        style.set_text_content(Some(CSS));
        let parent: web_sys::Node = match doc.head() {
            Some(head) if root == JsValue::from(doc.clone()) => head.into(),
            _ => root.unchecked_into(),
        };
        let _ = parent.append_child(&style);
    }
}

/// Appends `nodes` under `parent`; `lang` is the reader's language tag (dates).
pub fn build(parent: &web_sys::Node, nodes: &[Node], lang: &str) {
    let Some(doc) = parent.owner_document().or_else(|| web_sys::window()?.document()) else { return };
    for n in nodes {
        append(&doc, parent, n, lang);
    }
}

fn append(doc: &Document, parent: &web_sys::Node, n: &Node, lang: &str) {
    let child: web_sys::Node = match n {
        Node::Text(t) => doc.create_text_node(t).into(),
        Node::El { tag, attrs, children } => {
            let Ok(e) = doc.create_element(tag) else { return };
            for (name, value) in attrs {
                if name.starts_with("--") {
                    if let Some(h) = e.dyn_ref::<HtmlElement>() {
                        let _ = h.style().set_property(name, value);
                    }
                } else {
                    let _ = e.set_attribute(name, value);
                }
            }
            for c in children {
                append(doc, &e, c, lang);
            }
            e.into()
        }
        Node::Time { millis, format } => match time(doc, *millis, *format, lang) {
            Some(e) => e,
            None => return,
        },
    };
    let _ = parent.append_child(&child);
}

/// JavaScript dates reach ±8.64e15 ms; past that `toISOString` throws.
const LIMIT: i64 = 8_640_000_000_000_000;

fn time(doc: &Document, millis: i64, format: char, lang: &str) -> Option<web_sys::Node> {
    let e = doc.create_element("time").ok()?;
    if millis.abs() > LIMIT {
        e.set_text_content(Some(&format!("<t:{}:{format}>", millis / 1000)));
        return Some(e.into());
    }
    let date = Date::new(&JsValue::from_f64(millis as f64));
    let _ = e.set_attribute("datetime", &String::from(date.to_iso_string()));
    let text = if format == 'R' {
        relative(millis - Date::now() as i64, lang)
    } else {
        let options = Object::new();
        let set = |k: &str, v: &str| {
            let _ = Reflect::set(&options, &k.into(), &v.into());
        };
        match format {
            't' => set("timeStyle", "short"),
            'T' => set("timeStyle", "medium"),
            'd' => set("dateStyle", "short"),
            'D' => set("dateStyle", "long"),
            'F' => {
                set("dateStyle", "full");
                set("timeStyle", "short");
            }
            _ => {
                set("dateStyle", "long");
                set("timeStyle", "short");
            }
        }
        locale_string(&date, lang, &options).or_else(|_| locale_string(&date, "en", &options)).unwrap_or_default()
    };
    e.set_text_content(Some(&text));
    Some(e.into())
}

/// "in 3 hours", "2 days ago", in `lang`.
fn relative(delta_ms: i64, lang: &str) -> String {
    let seconds = delta_ms as f64 / 1000.0;
    let (value, unit) =
        [(60.0, "second"), (3600.0, "minute"), (86_400.0, "hour"), (2_592_000.0, "day"), (31_536_000.0, "month")]
            .into_iter()
            .zip([1.0, 60.0, 3600.0, 86_400.0, 2_592_000.0])
            .find(|((limit, _), _)| seconds.abs() < *limit)
            .map(|((_, unit), per)| (seconds / per, unit))
            .unwrap_or((seconds / 31_536_000.0, "year"));
    let options = Object::new();
    let _ = Reflect::set(&options, &"numeric".into(), &"auto".into());
    [lang, "en"]
        .into_iter()
        .find_map(|lang| RelativeTime::new(lang, &options).and_then(|f| f.format(value.round(), unit)).ok())
        .unwrap_or_default()
}

// Declared here with `catch`: a language tag the browser refuses throws.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = RelativeTimeFormat)]
    type RelativeTime;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = RelativeTimeFormat, catch)]
    fn new(lang: &str, options: &JsValue) -> Result<RelativeTime, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn format(this: &RelativeTime, value: f64, unit: &str) -> Result<String, JsValue>;
    /// `Date.prototype.toLocaleString.call(date, lang, options)`.
    #[wasm_bindgen(js_namespace = ["Date", "prototype", "toLocaleString"], js_name = call, catch)]
    fn locale_string(date: &Date, lang: &str, options: &JsValue) -> Result<String, JsValue>;
}
