//! Hand-shaped JSON for the widget: decoders for the answers and frames it reads, encoders for
//! the bodies it sends.
//!
//! The serde derives stay for the dev server (and for tests). The widget does not use them: in
//! WebAssembly every derived `Deserialize` is a visitor state machine per type, and a
//! general-purpose format crate sits under it. Here a type reads itself field by field from any
//! [`Json`] value (the browser's parsed objects in the widget, `serde_json::Value` in native
//! tests) and writes itself straight into a JSON string ([`JsonWriter`]).
//!
//! A wire struct is declared once, inside [`wire_type!`](crate::wire_type), which generates its
//! [`FromJson`] and [`ToJson`] from the same serde attributes the derives read. Written by hand
//! here and beside their types: the primitives, containers and [`Timestamp`] (ISO, EJSON or
//! milliseconds), `config::TextLimit` (`false` or a number), and in `ddp` the frames (an enum
//! tagged by `msg`) and the positional params (tuples written as arrays).
//!
//! Decoding keeps serde's rules for these types: unknown fields are ignored, a missing field
//! takes its `#[serde(default)]` (or is an error when it has none; every `Option` field has
//! one, so a missing `Option` is `None`), `null` is `None` for an `Option` and a wrong type for anything else, and a value of
//! the wrong type is a [`DecodeError`] naming the field, never a panic. Numbers are JavaScript
//! numbers: an integer field takes any whole number up to 2^53. Objects are read by name only
//! (serde would also take a struct from an array by position; no server sends that).
//!
//! The tests in `json/tests.rs` hold the two sides together: every fixture and example decodes
//! to exactly what serde decodes, a complete value of every type round-trips, and every body is
//! written byte for byte as `serde_json::to_string` writes it.

use std::collections::BTreeMap;
use std::fmt;

use crate::Timestamp;

#[cfg(test)]
mod tests;
mod wire_type;

/// Read access to a parsed JSON value.
pub trait Json: Sized {
    /// The value of `key` when this is an object that has it (`undefined` counts as absent).
    fn get(&self, key: &str) -> Option<Self>;
    /// `null` (or `undefined`).
    fn is_null(&self) -> bool;
    /// An object: not an array, not `null`.
    fn is_object(&self) -> bool;
    fn as_string(&self) -> Option<String>;
    fn as_f64(&self) -> Option<f64>;
    fn as_bool(&self) -> Option<bool>;
    /// The elements, when this is an array.
    fn items(&self) -> Option<Vec<Self>>;
    /// The fields in order, when this is an object.
    fn entries(&self) -> Option<Vec<(String, Self)>>;
    /// This value kept whole, for code that reads more of it later ([`Kept`]); nothing by default.
    fn keep(&self) -> Kept {
        Kept::default()
    }
}

/// A value kept whole as it was read, for code that reads more of it later than its decoder
/// does: a field `#[serde(skip)]` of this type in a [`wire_type!`](crate::wire_type) struct with
/// `#[serde(default)]` holds the object the struct was decoded from, as the [`Json`] value chose
/// to keep it (the widget keeps the browser's parsed object: a message's formatting and files are
/// read by the part of the widget that renders them, loaded only when a message has some).
/// Empty when nothing was kept (serde, or a value built in code). Two are equal when both are
/// empty or both hold the same value (the same allocation, not an equal copy).
#[derive(Clone, Default)]
pub struct Kept(Option<std::sync::Arc<dyn std::any::Any + Send + Sync>>);

impl Kept {
    /// Keeps `value`.
    pub fn new<T: std::any::Any + Send + Sync>(value: T) -> Kept {
        Kept(Some(std::sync::Arc::new(value)))
    }

    /// The value kept, when there is one of type `T`.
    pub fn get<T: std::any::Any>(&self) -> Option<&T> {
        self.0.as_deref()?.downcast_ref()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Kept) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        }
    }
}

impl fmt::Debug for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Kept(..)" } else { "Kept(-)" })
    }
}

/// Why a value could not be decoded: where (the field names from the outside in) and what was
/// expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Innermost first.
    path: Vec<&'static str>,
    expected: &'static str,
}

const MISSING: &str = "";

impl DecodeError {
    /// A value of the wrong type; `what` is what was expected ("a string").
    pub fn expected(what: &'static str) -> DecodeError {
        DecodeError { path: Vec::new(), expected: what }
    }

    /// A required field is absent.
    pub fn missing() -> DecodeError {
        DecodeError::expected(MISSING)
    }

    /// The same error, inside the field `key`.
    pub fn at(mut self, key: &'static str) -> DecodeError {
        self.path.push(key);
        self
    }

    /// `config.settings.language`; empty for the value itself.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for (i, key) in self.path.iter().rev().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(key);
        }
        out
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        if self.expected == MISSING {
            return f.write_str(&["missing field `", &path, "`"].concat());
        }
        let at = if path.is_empty() { String::new() } else { ["`", &path, "`: "].concat() };
        f.write_str(&[&at, "expected ", self.expected].concat())
    }
}

impl std::error::Error for DecodeError {}

/// A type that reads itself from a [`Json`] value.
pub trait FromJson: Sized {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError>;
}

/// Decodes `v` as a `T`.
pub fn decode<T: FromJson, J: Json>(v: &J) -> Result<T, DecodeError> {
    T::from_json(v)
}

/// The fields of an object being decoded.
///
/// [`Obj::set`] keeps the first error and [`Obj::done`] returns it: a type with many fields
/// decodes without an early return (and its drop) per field.
pub struct Obj<'a, J>(&'a J, Option<DecodeError>);

impl<'a, J: Json> Obj<'a, J> {
    /// `v` as an object, or an error.
    pub fn new(v: &'a J) -> Result<Obj<'a, J>, DecodeError> {
        if v.is_object() { Ok(Obj(v, None)) } else { Err(DecodeError::expected("an object")) }
    }

    /// A field without a default: absent is an error.
    pub fn req<T: FromJson>(&self, key: &'static str) -> Result<T, DecodeError> {
        match self.0.get(key) {
            Some(v) => T::from_json(&v).map_err(|e| e.at(key)),
            None => Err(DecodeError::missing().at(key)),
        }
    }

    /// A field with a default: absent leaves `slot` as it is, present replaces it. A wrong
    /// value is kept for [`Obj::done`]; after one, the other fields are not read.
    // Not inlined: one copy per field type rather than one per field (the widget's size).
    #[inline(never)]
    pub fn set<T: FromJson>(&mut self, key: &'static str, slot: &mut T) {
        if self.1.is_some() {
            return;
        }
        if let Some(v) = self.0.get(key) {
            match T::from_json(&v) {
                Ok(value) => *slot = value,
                Err(e) => self.1 = Some(e.at(key)),
            }
        }
    }

    /// The object itself, kept (a `#[serde(skip)]` field of type [`Kept`]).
    pub fn keep(&self) -> Kept {
        self.0.keep()
    }

    /// `value`, or the first error [`Obj::set`] met.
    pub fn done<T>(self, value: T) -> Result<T, DecodeError> {
        match self.1 {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }

    /// A field that defaults to `T::default()` (and an `Option`, which is `None` when absent).
    pub fn or_default<T: FromJson + Default>(&self, key: &'static str) -> Result<T, DecodeError> {
        match self.0.get(key) {
            Some(v) => T::from_json(&v).map_err(|e| e.at(key)),
            None => Ok(T::default()),
        }
    }
}

impl FromJson for String {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        v.as_string().ok_or_else(|| DecodeError::expected("a string"))
    }
}

impl FromJson for bool {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        v.as_bool().ok_or_else(|| DecodeError::expected("true or false"))
    }
}

/// 2^53 - 1: the largest integer a JavaScript number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// A whole number in `0..=max`.
fn whole<J: Json>(v: &J, max: f64) -> Result<f64, DecodeError> {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=max).contains(&n) => Ok(n),
        _ => Err(DecodeError::expected("a whole number")),
    }
}

impl FromJson for u64 {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        whole(v, MAX_SAFE).map(|n| n as u64)
    }
}

impl FromJson for u32 {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        whole(v, f64::from(u32::MAX)).map(|n| n as u32)
    }
}

/// Any value at all, unread (serde's `IgnoredAny`).
impl FromJson for () {
    fn from_json<J: Json>(_: &J) -> Result<Self, DecodeError> {
        Ok(())
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        if v.is_null() { Ok(None) } else { T::from_json(v).map(Some) }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        T::from_json(v).map(Box::new)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let items = v.items().ok_or_else(|| DecodeError::expected("an array"))?;
        items.iter().map(T::from_json).collect()
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let entries = v.entries().ok_or_else(|| DecodeError::expected("an object"))?;
        let mut map = BTreeMap::new();
        for (k, v) in entries {
            map.insert(k, T::from_json(&v)?);
        }
        Ok(map)
    }
}

/// An ISO-8601 string, EJSON `{"$date": ms}`, or a number of milliseconds (a fraction is cut).
impl FromJson for Timestamp {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let date = || DecodeError::expected("a date");
        if let Some(s) = v.as_string() {
            return Timestamp::parse_iso(&s).ok_or_else(date);
        }
        if let Some(n) = v.as_f64() {
            return if n.is_finite() && n.abs() < 9.0e15 { Ok(Timestamp(n as i64)) } else { Err(date()) };
        }
        if v.is_object() {
            return Obj(v, None).req("$date");
        }
        Err(date())
    }
}

/// An ISO date, as serde writes one outside EJSON.
impl ToJson for Timestamp {
    fn to_json(&self, w: &mut JsonWriter) {
        w.string(&self.to_string());
    }
}

/// Writes JSON text: what serde_json writes, without spaces.
#[derive(Debug, Default)]
pub struct JsonWriter {
    out: String,
    /// A value was just written: the next one needs a comma.
    comma: bool,
}

impl JsonWriter {
    pub fn new() -> JsonWriter {
        JsonWriter::default()
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.out
    }

    fn separate(&mut self) {
        if self.comma {
            self.out.push(',');
        }
    }

    /// A value written as is (`true`, a number).
    fn raw(&mut self, text: &str) {
        self.separate();
        self.out.push_str(text);
        self.comma = true;
    }

    fn open(&mut self, c: char) {
        self.separate();
        self.out.push(c);
        self.comma = false;
    }

    fn close(&mut self, c: char) {
        self.out.push(c);
        self.comma = true;
    }

    /// An object whose fields `f` writes.
    pub fn object(&mut self, f: impl FnOnce(&mut JsonWriter)) {
        self.open('{');
        f(self);
        self.close('}');
    }

    /// An array whose elements `f` writes.
    pub fn array(&mut self, f: impl FnOnce(&mut JsonWriter)) {
        self.open('[');
        f(self);
        self.close(']');
    }

    /// The field `key` with `value`.
    pub fn field<T: ToJson + ?Sized>(&mut self, key: &str, value: &T) {
        self.string(key);
        self.out.push(':');
        self.comma = false;
        value.to_json(self);
    }

    /// The field `key` when `value` is `Some` (optional fields are left out, never `null`).
    pub fn field_opt<T: ToJson>(&mut self, key: &str, value: &Option<T>) {
        if let Some(v) = value {
            self.field(key, v);
        }
    }

    /// A JSON string, escaped as serde_json escapes it.
    pub fn string(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.separate();
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\u{8}' => self.out.push_str("\\b"),
                '\u{c}' => self.out.push_str("\\f"),
                c if c < ' ' => {
                    let b = c as usize;
                    self.out.push_str("\\u00");
                    self.out.push(HEX[b >> 4] as char);
                    self.out.push(HEX[b & 15] as char);
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
        self.comma = true;
    }

    /// A whole number.
    pub fn uint(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        // Only ASCII digits were written.
        self.raw(std::str::from_utf8(&digits[i..]).unwrap_or("0"));
    }
}

/// A type that writes itself as JSON.
pub trait ToJson {
    fn to_json(&self, w: &mut JsonWriter);
}

/// `value` as JSON text.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    let mut w = JsonWriter::new();
    value.to_json(&mut w);
    w.finish()
}

impl ToJson for str {
    fn to_json(&self, w: &mut JsonWriter) {
        w.string(self);
    }
}

impl ToJson for String {
    fn to_json(&self, w: &mut JsonWriter) {
        w.string(self);
    }
}

impl ToJson for bool {
    fn to_json(&self, w: &mut JsonWriter) {
        w.raw(if *self { "true" } else { "false" });
    }
}

impl ToJson for u32 {
    fn to_json(&self, w: &mut JsonWriter) {
        w.uint(u64::from(*self));
    }
}

impl ToJson for u64 {
    fn to_json(&self, w: &mut JsonWriter) {
        w.uint(*self);
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self, w: &mut JsonWriter) {
        w.array(|w| self.iter().for_each(|item| item.to_json(w)));
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self, w: &mut JsonWriter) {
        self.as_slice().to_json(w);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self, w: &mut JsonWriter) {
        (**self).to_json(w);
    }
}

/// `serde_json::Value` as a [`Json`] value, for native code and tests.
#[cfg(any(test, feature = "serde_json"))]
impl Json for serde_json::Value {
    fn get(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).cloned()
    }
    fn is_null(&self) -> bool {
        self.is_null()
    }
    fn is_object(&self) -> bool {
        self.is_object()
    }
    fn as_string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn as_f64(&self) -> Option<f64> {
        self.as_f64()
    }
    fn as_bool(&self) -> Option<bool> {
        self.as_bool()
    }
    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
    fn entries(&self) -> Option<Vec<(String, Self)>> {
        Some(self.as_object()?.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}
