//! The languages' texts for browser tests, as `cargo xtask dist` ships them: each
//! `src/i18n/<tag>.json` as an array in `Key` order.

use js_sys::{Array, JSON, Reflect};
use livechat_widget::i18n::{self, Key, Lang};
use wasm_bindgen::JsValue;

/// `src/i18n/<tag>.json`.
fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "{}",
        Lang::PtBr => include_str!("../../src/i18n/pt-BR.json"),
        Lang::Es => include_str!("../../src/i18n/es.json"),
        Lang::De => include_str!("../../src/i18n/de.json"),
        Lang::Fr => include_str!("../../src/i18n/fr.json"),
        Lang::Ar => include_str!("../../src/i18n/ar.json"),
    }
}

/// The texts of `lang` in `Key` order (what `dist/i18n/<tag>.json` holds).
pub fn texts(lang: Lang) -> Array {
    let object = JSON::parse(source(lang)).expect("a catalogue");
    Key::ALL.iter().map(|key| Reflect::get(&object, &JsValue::from_str(&format!("{key:?}"))).unwrap()).collect()
}

/// Gives `lang` its texts in this page, as the widget's boot does with the fetched catalogue.
#[allow(dead_code)]
pub fn install(lang: Lang) {
    i18n::install(lang, texts(lang).iter().map(|t| t.as_string()));
}

/// A `data:` address serving `texts`, for the widget's API to fetch.
#[allow(dead_code)]
pub fn address(texts: &Array) -> String {
    let json: String = JSON::stringify(texts).unwrap().into();
    format!("data:application/json,{}", String::from(js_sys::encode_uri_component(&json)))
}
