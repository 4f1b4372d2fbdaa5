//! The console's login, kept in `sessionStorage` so a reload stays signed in and closing the tab
//! signs out of this browser's memory. Keys are per server (and per namespace, for tests); when
//! storage is blocked the values live in memory for the page's life.

use std::cell::RefCell;
use std::collections::BTreeMap;

/// A login kept from an earlier page load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user_id: String,
    pub auth_token: String,
}

pub struct CredentialStore {
    prefix: String,
    storage: Option<web_sys::Storage>,
    memory: RefCell<BTreeMap<String, String>>,
}

impl CredentialStore {
    pub fn open(server: &str, namespace: &str) -> CredentialStore {
        let storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
        CredentialStore {
            prefix: format!("livechat-console:{server}#{namespace}:"),
            storage,
            memory: RefCell::default(),
        }
    }

    fn get(&self, name: &str) -> Option<String> {
        let key = format!("{}{name}", self.prefix);
        match &self.storage {
            Some(s) => s.get_item(&key).ok().flatten().or_else(|| self.memory.borrow().get(&key).cloned()),
            None => self.memory.borrow().get(&key).cloned(),
        }
    }

    fn set(&self, name: &str, value: Option<&str>) {
        let key = format!("{}{name}", self.prefix);
        let stored = match (&self.storage, value) {
            (Some(s), Some(v)) => s.set_item(&key, v).is_ok(),
            (Some(s), None) => s.remove_item(&key).is_ok(),
            (None, _) => false,
        };
        let mut memory = self.memory.borrow_mut();
        match value {
            Some(v) if !stored => memory.insert(key, v.to_owned()),
            _ => memory.remove(&key),
        };
    }

    pub fn credentials(&self) -> Option<Credentials> {
        decode_credentials(&self.get("login")?)
    }

    pub fn set_credentials(&self, credentials: Option<&Credentials>) {
        self.set("login", credentials.map(encode_credentials).as_deref());
        if credentials.is_none() {
            self.set("seen", None);
        }
    }

    /// For each room, the newest message time (epoch ms) the agent has had on screen.
    pub fn seen(&self) -> BTreeMap<String, i64> {
        self.get("seen").map(|s| decode_seen(&s)).unwrap_or_default()
    }

    pub fn set_seen(&self, seen: &BTreeMap<String, i64>) {
        self.set("seen", Some(&encode_seen(seen)));
    }
}

fn encode_credentials(c: &Credentials) -> String {
    format!("{}\n{}", c.user_id, c.auth_token)
}

fn decode_credentials(s: &str) -> Option<Credentials> {
    let (user_id, auth_token) = s.split_once('\n')?;
    (!user_id.is_empty() && !auth_token.is_empty())
        .then(|| Credentials { user_id: user_id.to_owned(), auth_token: auth_token.to_owned() })
}

/// `rid=ms` pairs separated by `;` (room ids never contain either).
fn encode_seen(seen: &BTreeMap<String, i64>) -> String {
    seen.iter().map(|(rid, ms)| format!("{rid}={ms}")).collect::<Vec<_>>().join(";")
}

fn decode_seen(s: &str) -> BTreeMap<String, i64> {
    s.split(';')
        .filter_map(|pair| {
            let (rid, ms) = pair.split_once('=')?;
            Some((rid.to_owned(), ms.parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_round_trip_and_reject_halves() {
        let c = Credentials { user_id: "u1".into(), auth_token: "tok".into() };
        assert_eq!(decode_credentials(&encode_credentials(&c)), Some(c));
        assert_eq!(decode_credentials("u1\n"), None);
        assert_eq!(decode_credentials("garbage"), None);
    }

    #[test]
    fn seen_round_trips_and_skips_bad_pairs() {
        let seen = BTreeMap::from([("a".to_owned(), 5), ("b".to_owned(), 1_700_000_000_000)]);
        assert_eq!(decode_seen(&encode_seen(&seen)), seen);
        assert_eq!(decode_seen("a=1;b=x;;c"), BTreeMap::from([("a".to_owned(), 1)]));
    }
}
