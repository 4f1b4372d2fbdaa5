//! JSON for the client. By default through the browser's own `JSON.parse` / `JSON.stringify`
//! and serde-wasm-bindgen, so the wasm carries no JSON parser of its own; with the `serde-json`
//! feature through serde_json instead (kept to measure the difference).

use wasm_bindgen::{JsCast, JsValue};

#[cfg(not(feature = "serde-json"))]
pub use browser::{from_str, to_string};
#[cfg(feature = "serde-json")]
pub use with_serde_json::{from_str, to_string};

#[cfg(not(feature = "serde-json"))]
mod browser {
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    use super::describe;

    /// Serializes `value` to a JSON string. Maps become plain objects, as JSON needs.
    pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
        let js = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| e.to_string())?;
        js_sys::JSON::stringify(&js).map(String::from).map_err(|e| describe(&e))
    }

    /// Parses `text` and decodes it into `T`.
    pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let js = js_sys::JSON::parse(text).map_err(|e| describe(&e))?;
        serde_wasm_bindgen::from_value(js).map_err(|e| e.to_string())
    }
}

#[cfg(feature = "serde-json")]
mod with_serde_json {
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
        serde_json::to_string(value).map_err(|e| e.to_string())
    }

    pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// A readable message for a thrown JavaScript value.
pub fn describe(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}
