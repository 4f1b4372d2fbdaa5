//! JSON for the client: parsed by the browser's own `JSON.parse` and read field by field with the
//! wire crate's hand-shaped decoders ([`livechat_wire::json`]); bodies written straight to text by
//! its encoders. The wasm carries no JSON parser and no serde format crate.

use js_sys::{Array, Object, Reflect};
use livechat_wire::json::{DecodeError, FromJson, Json, Kept, ToJson};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// A JavaScript value read as JSON (what `JSON.parse` returns, or a DDP frame's payload).
pub struct Js(pub JsValue);

impl Json for Js {
    #[inline(never)]
    fn get(&self, key: &str) -> Option<Js> {
        if !self.0.is_object() {
            return None;
        }
        let v = Reflect::get(&self.0, &JsValue::from_str(key)).ok()?;
        (!v.is_undefined()).then_some(Js(v))
    }

    fn is_null(&self) -> bool {
        self.0.is_null() || self.0.is_undefined()
    }

    fn is_object(&self) -> bool {
        self.0.is_object() && !Array::is_array(&self.0)
    }

    fn as_string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn as_f64(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn as_bool(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn items(&self) -> Option<Vec<Js>> {
        Some(self.0.dyn_ref::<Array>()?.iter().map(Js).collect())
    }

    /// The parsed object itself (a handle, not a copy), for [`kept`].
    fn keep(&self) -> Kept {
        Kept::new(send_wrapper::SendWrapper::new(self.0.clone()))
    }

    fn entries(&self) -> Option<Vec<(String, Js)>> {
        if !self.is_object() {
            return None;
        }
        let entries = Object::entries(self.0.unchecked_ref());
        Some(entries.iter().map(|pair| (pair_key(&pair), Js(Array::from(&pair).get(1)))).collect())
    }
}

fn pair_key(pair: &JsValue) -> String {
    Array::from(pair).get(0).as_string().unwrap_or_default()
}

/// The browser's object a value was decoded from (a message's, for its formatting and files),
/// when it was kept.
pub fn kept(k: &Kept) -> Option<&JsValue> {
    k.get::<send_wrapper::SendWrapper<JsValue>>().map(|v| &**v)
}

/// Decodes a parsed value into `T`; the error says which field was wrong.
pub fn decode<T: FromJson>(v: JsValue) -> Result<T, String> {
    T::from_json(&Js(v)).map_err(|e: DecodeError| e.to_string())
}

/// Parses `text` and decodes it into `T`.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, String> {
    let v = js_sys::JSON::parse(text).map_err(|e| describe(&e))?;
    decode(v)
}

/// `value` as JSON text.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    livechat_wire::json::to_string(value)
}

/// The `params` of the frames the widget sends: the one or the other (untagged).
impl ToJson for crate::realtime::protocol::Params {
    fn to_json(&self, w: &mut livechat_wire::json::JsonWriter) {
        use crate::realtime::protocol::Params;
        match self {
            Params::Stream(p) => p.to_json(w),
            Params::Activity(p) => p.to_json(w),
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// JavaScript's `String(v)` (which throws only for an object whose `toString` throws).
    #[wasm_bindgen(js_name = String, catch)]
    fn js_string(v: &JsValue) -> Result<String, JsValue>;
}

/// A readable message for a thrown JavaScript value.
pub fn describe(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().or_else(|| js_string(e).ok()).unwrap_or_default()
}
