//! [`StrMap`]: a map of strings to strings (a room's or visitor's `livechatData`, a survey's
//! answers), kept in one sorted `Vec`. It reads and writes JSON exactly as a
//! `BTreeMap<String, String>` does — an object, keys in order, a repeated key's last value —
//! and costs the widget's wasm a fraction of one: these maps hold a handful of entries.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::json::{DecodeError, FromJson, Json};

/// A small map of strings, sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StrMap(Vec<(String, String)>);

impl StrMap {
    pub fn new() -> StrMap {
        StrMap::default()
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// Sets `key` to `value`; answers the value it had.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The entries, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
}

impl FromIterator<(String, String)> for StrMap {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(entries: I) -> StrMap {
        let mut map = StrMap::new();
        for (k, v) in entries {
            map.insert(k, v);
        }
        map
    }
}

impl Serialize for StrMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for StrMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<StrMap, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = StrMap;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<StrMap, A::Error> {
                let mut map = StrMap::new();
                while let Some((k, v)) = access.next_entry::<String, String>()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

impl FromJson for StrMap {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let entries = v.entries().ok_or_else(|| DecodeError::expected("an object"))?;
        let mut map = StrMap::new();
        for (k, v) in entries {
            let value = String::from_json(&v)?;
            map.insert(k, value);
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_as_a_btreemap_does() {
        let json = r#"{"b":"2","a":"1","c":"3","a":"4"}"#;
        let ours: StrMap = serde_json::from_str(json).unwrap();
        let theirs: std::collections::BTreeMap<String, String> = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&theirs).unwrap());
        assert_eq!(ours.get("a").map(String::as_str), Some("4"), "a repeated key keeps its last value");
        assert_eq!(ours.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert!(serde_json::from_str::<StrMap>(r#"{"a":1}"#).is_err(), "values are strings");
    }

    #[test]
    fn insert_keeps_keys_sorted_and_answers_the_old_value() {
        let mut map = StrMap::new();
        assert_eq!(map.insert("plan".into(), "gold".into()), None);
        assert_eq!(map.insert("company".into(), "Acme".into()), None);
        assert_eq!(map.insert("plan".into(), "free".into()).as_deref(), Some("gold"));
        assert_eq!(map.len(), 2);
        assert_eq!(map.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(), ["company=Acme", "plan=free"]);
    }
}
