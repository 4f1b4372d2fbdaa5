//! Small string-keyed collections, kept in one `Vec` each.
//!
//! The widget's maps hold a handful of entries (messages on their way, values waiting for
//! storage), where a linear scan is as fast as a tree and far less code: `BTreeMap` costs a few
//! kilobytes of wasm for every value type it is used with. [`Keyed`] keeps insertion order.
//! [`IdSet`] is a sorted set for what can grow with a conversation (ids already reported).

/// A map from strings to `V` in insertion order; inserting an existing key replaces its value
/// in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed<V>(Vec<(String, V)>);

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<V> Keyed<V> {
    pub const fn new() -> Self {
        Keyed(Vec::new())
    }

    fn find(&self, key: &str) -> Option<usize> {
        self.0.iter().position(|(k, _)| k == key)
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_some()
    }

    /// Sets `key` to `value`; answers the value it replaces.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Some(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// The value of `key`, inserting `value` first when there is none.
    pub fn get_or_insert(&mut self, key: String, value: V) -> &mut V {
        let i = match self.find(&key) {
            Some(i) => i,
            None => {
                self.0.push((key, value));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.find(key).map(|i| self.0.remove(i).1)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// A set of strings, sorted, for membership tests that stay quick as it grows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdSet(Vec<String>);

impl IdSet {
    /// Adds `item`; answers whether it was new.
    pub fn insert(&mut self, item: &str) -> bool {
        match self.0.binary_search_by(|x| x.as_str().cmp(item)) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, item.to_owned());
                true
            }
        }
    }

    pub fn contains(&self, item: &str) -> bool {
        self.0.binary_search_by(|x| x.as_str().cmp(item)).is_ok()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_inserts_replaces_and_removes_in_insertion_order() {
        let mut m = Keyed::new();
        assert!(m.is_empty());
        assert_eq!(m.insert("b".into(), 1), None);
        assert_eq!(m.insert("a".into(), 2), None);
        assert_eq!(m.insert("b".into(), 3), Some(1), "replaced in place");
        assert_eq!(m.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), [("b", 3), ("a", 2)]);
        assert_eq!(m.get("a"), Some(&2));
        assert_eq!(m.get("c"), None);
        assert!(m.contains_key("b"));
        *m.get_or_insert("a".into(), 0) += 10;
        *m.get_or_insert("c".into(), 5) += 1;
        assert_eq!(m.get("a"), Some(&12));
        assert_eq!(m.get("c"), Some(&6));
        assert_eq!(m.len(), 3);
        assert_eq!(m.remove("b"), Some(3));
        assert_eq!(m.remove("b"), None);
        assert_eq!(m.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["a", "c"]);
        m.clear();
        assert!(m.is_empty());
    }

    #[test]
    fn id_set_answers_whether_an_item_is_new() {
        let mut s = IdSet::default();
        for (item, new) in [("m3", true), ("m1", true), ("m3", false), ("m2", true), ("m1", false)] {
            assert_eq!(s.insert(item), new, "{item}");
        }
        assert_eq!(s.len(), 3);
        assert!(s.contains("m2"));
        assert!(!s.contains("m4"));
        assert!(!s.is_empty());
    }

    #[test]
    fn id_set_stays_correct_over_many_items_in_any_order() {
        let mut s = IdSet::default();
        let ids: Vec<String> = (0..500u32).map(|i| format!("id{}", (i * 7919) % 500)).collect();
        assert!(ids.iter().all(|id| s.insert(id)));
        assert!(ids.iter().all(|id| !s.insert(id) && s.contains(id)));
        assert_eq!(s.len(), 500);
    }
}
