//! The visitor's token store: the token, the room id last used, and other small values, kept in
//! `localStorage` under keys namespaced by the server's address, so one page can hold widgets of
//! several servers.
//!
//! * The token is made once, from `crypto.getRandomValues`, in Rocket.Chat's 17-character id
//!   form, and reused on the next visit.
//! * When storage is blocked (Safari private mode, Brave shields, a sandboxed iframe, a full
//!   quota) the store keeps values in memory and says so through [`TokenStore::persistence`];
//!   nothing throws.
//! * In consent mode nothing is written to storage until the visitor's first interaction
//!   ([`TokenStore::interacted`]) or [`TokenStore::consent`]; values wait in memory until then.
//!   Values already stored by an earlier, consented visit are read.
//! * When the server asks for the visitor's explicit consent ([`TokenStore::settle`] with
//!   `forced`, Rocket.Chat's `forceAcceptDataProcessingConsent`), writes wait for the visitor's
//!   agreement ([`TokenStore::consent`], not a mere interaction), and a visitor with no
//!   conversation is taken back out of storage. The agreement is stored ([`AGREED`]);
//!   [`TokenStore::reset`] forgets it too. [`TokenStore::hold`] holds writes until it is known
//!   which applies. The rules are [`crate::consent`]'s, pure.
//! * The outbox (the visitor's messages the server has not confirmed yet), whether the window is
//!   open, and how far the visitor has read live here too, so a reload resends and reopens.
//! * [`TokenStore::reset`] forgets everything.

use std::cell::{Cell, RefCell};

use livechat_wire::id;
use livechat_wire::json::{DecodeError, FromJson, Json, JsonWriter, Obj, ToJson};
use livechat_wire::message::Message;
use serde::{Deserialize, Serialize};
use web_sys::Storage;

use crate::consent::{Gate, Then};
use crate::json::describe;
use crate::keyed::Keyed;

/// Where values live now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Persistence {
    /// In `localStorage`: they survive reloads and new visits.
    Local,
    /// In memory until the visitor consents; storage is written then.
    AwaitingConsent,
    /// In memory only, for this page's life; the reason storage could not be used.
    Memory(String),
}

/// How the site wants the store to behave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreOptions {
    /// Write nothing until [`TokenStore::consent`].
    pub require_consent: bool,
    /// Keeps this store apart from others for the same server on the page (two widgets of one
    /// server that must not share a visitor). Empty: the server's default store. May not
    /// contain `#`.
    pub namespace: String,
}

/// The name of the token value.
pub const TOKEN: &str = "token";
/// The name of the room-id value.
pub const ROOM_ID: &str = "rid";
/// The name of the outbox value: a JSON array of messages not yet confirmed, in send order.
pub const OUTBOX: &str = "outbox";
/// `1` while the chat window is open.
pub const OPEN: &str = "open";
/// Milliseconds: agent messages up to this time have been seen.
pub const READ: &str = "read";
/// `1`: the visitor agreed to the server's data-processing terms (or the site consented).
pub const AGREED: &str = "agreed";

/// A message in the outbox: what it takes to send it again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    #[serde(rename = "_id")]
    pub id: String,
    /// Empty when it was written before the room existed.
    #[serde(default)]
    pub rid: String,
    pub msg: String,
}

/// Reads what earlier versions wrote too: the stored form is the serde form above.
impl FromJson for Pending {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(Pending { id: o.req("_id")?, rid: o.or_default("rid")?, msg: o.req("msg")? })
    }
}

impl ToJson for Pending {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("_id", &self.id);
            w.field("rid", &self.rid);
            w.field("msg", &self.msg);
        });
    }
}

pub struct TokenStore {
    prefix: String,
    /// `localStorage`, when the page can reach it at all (kept even when writes fail, so that
    /// values stored earlier can still be read and removed).
    storage: Option<Storage>,
    /// Why values are not written to storage, when they are not.
    blocked: RefCell<Option<String>>,
    /// When values may be written (the consent rules: [`crate::consent`]).
    gate: Cell<Gate>,
    /// Values not in storage: all of them when blocked, pending ones before consent.
    /// `None` marks a removal to apply at consent.
    memory: RefCell<Keyed<Option<String>>>,
}

/// The storage key prefix for a server: `rc-livechat:<scheme>://<host><path>#`, lower-case scheme
/// and host, no trailing `/`. It ends with `#`, which a server address (its fragment dropped)
/// cannot contain, so one server's prefix is never the start of another's (`http://h` and
/// `http://h:3000` stay apart).
pub fn key_prefix(server_url: &str) -> String {
    let url = server_url.trim();
    let url = url.split('#').next().unwrap_or(url).trim_end_matches('/');
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    let mut prefix = format!("rc-livechat:{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase());
    if !path.is_empty() {
        prefix.push('/');
        prefix.push_str(path);
    }
    prefix.push('#');
    prefix
}

/// `localStorage`, if this page may use it. `probe` also checks that a write works (old Safari
/// private windows and full quotas fail only on write).
fn local_storage(probe: bool) -> Result<Storage, String> {
    let window = web_sys::window().ok_or("no window")?;
    let storage = window.local_storage().map_err(|e| describe(&e))?.ok_or("localStorage is not available")?;
    if probe {
        let key = "rc-livechat:probe";
        storage.set_item(key, "1").map_err(|e| describe(&e))?;
        storage.remove_item(key).map_err(|e| describe(&e))?;
    }
    Ok(storage)
}

/// A new visitor token: 17 characters of Meteor's alphabet from `crypto.getRandomValues`.
pub fn new_token() -> String {
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    id::random_id(id::LEN, |buf| {
        let filled = crypto.as_ref().is_some_and(|c| c.get_random_values_with_u8_array(buf).is_ok());
        // Every browser that runs wasm has crypto.getRandomValues; without it, fall back to
        // Math.random rather than fail the visitor.
        if !filled {
            for b in buf.iter_mut() {
                *b = (js_sys::Math::random() * 256.0) as u8;
            }
        }
    })
}

impl TokenStore {
    /// The store for the widget of the server at `server_url`.
    pub fn open(server_url: &str, options: StoreOptions) -> TokenStore {
        let mut prefix = key_prefix(server_url);
        if !options.namespace.is_empty() {
            prefix.push_str(&options.namespace.replace('#', "%23"));
            prefix.push('#');
        }
        let store = TokenStore {
            prefix,
            storage: local_storage(false).ok(),
            blocked: RefCell::new(None),
            gate: Cell::new(Gate::new(options.require_consent)),
            memory: RefCell::new(Keyed::new()),
        };
        // Before consent nothing may be written, not even the probe; it runs at consent.
        if let Err(why) = local_storage(!options.require_consent) {
            store.fall_back_to_memory(why);
        }
        store
    }

    pub fn persistence(&self) -> Persistence {
        if let Some(why) = self.blocked.borrow().as_ref() {
            Persistence::Memory(why.clone())
        } else if !self.gate.get().is_open() {
            Persistence::AwaitingConsent
        } else {
            Persistence::Local
        }
    }

    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The value `name`: from memory when pending or blocked, else from storage.
    pub fn get(&self, name: &str) -> Option<String> {
        if let Some(pending) = self.memory.borrow().get(name) {
            return pending.clone();
        }
        self.storage.as_ref()?.get_item(&self.key(name)).ok().flatten()
    }

    /// Sets (`Some`) or removes (`None`) the value `name`.
    pub fn set(&self, name: &str, value: Option<&str>) {
        let value = value.map(str::to_owned);
        if !self.gate.get().is_open() || self.blocked.borrow().is_some() {
            self.memory.borrow_mut().insert(name.to_owned(), value);
            return;
        }
        if let Err(why) = self.write(name, value.as_deref()) {
            // Storage failed mid-visit (quota, revoked permission): keep going in memory.
            self.fall_back_to_memory(why);
            self.memory.borrow_mut().insert(name.to_owned(), value);
        }
    }

    fn write(&self, name: &str, value: Option<&str>) -> Result<(), String> {
        let Some(storage) = self.storage.as_ref() else { return Err("no storage".into()) };
        let key = self.key(name);
        match value {
            Some(v) => storage.set_item(&key, v),
            None => storage.remove_item(&key),
        }
        .map_err(|e| describe(&e))
    }

    /// Our keys in storage, without the prefix (a `#` in the rest means another namespace's).
    fn stored_names(&self) -> Vec<String> {
        let Some(storage) = self.storage.as_ref() else { return Vec::new() };
        (0..storage.length().unwrap_or(0))
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter_map(|k| k.strip_prefix(&self.prefix).filter(|name| !name.contains('#')).map(str::to_owned))
            .collect()
    }

    /// Stops writing to storage. What storage holds for us is copied to memory first, so
    /// nothing is lost.
    fn fall_back_to_memory(&self, why: String) {
        if let Some(storage) = self.storage.as_ref() {
            let mut memory = self.memory.borrow_mut();
            for name in self.stored_names() {
                if let Ok(Some(v)) = storage.get_item(&self.key(&name)) {
                    memory.get_or_insert(name, Some(v));
                }
            }
        }
        web_sys::console::warn_1(
            &format!("Livechat: storage is not writable ({why}); keeping the conversation in memory").into(),
        );
        *self.blocked.borrow_mut() = Some(why);
    }

    /// The visitor token, made and saved on first use.
    pub fn token(&self) -> String {
        if let Some(token) = self.get(TOKEN).filter(|t| !t.is_empty()) {
            return token;
        }
        let token = new_token();
        self.set(TOKEN, Some(&token));
        token
    }

    /// Uses `token` from now on (a token the site supplied, or one the server answered with).
    pub fn set_token(&self, token: &str) {
        self.set(TOKEN, Some(token));
    }

    pub fn room_id(&self) -> Option<String> {
        self.get(ROOM_ID).filter(|r| !r.is_empty())
    }

    pub fn set_room_id(&self, rid: Option<&str>) {
        self.set(ROOM_ID, rid);
    }

    /// The prefix of this store's keys (server and namespace): what other tabs of the same
    /// visitor share.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The outbox: messages sent but not confirmed, oldest first. Unreadable contents count as
    /// empty.
    pub fn outbox(&self) -> Vec<Pending> {
        self.get(OUTBOX).and_then(|text| crate::json::from_str(&text).ok()).unwrap_or_default()
    }

    /// Adds `message` to the outbox, or (`None`) removes the message `id` — read, changed and
    /// written at once, so another tab's entries stay.
    pub fn update_outbox(&self, id: &str, message: Option<&Message>) {
        let mut list = self.outbox();
        list.retain(|m| m.id != id);
        list.extend(message.map(|m| Pending { id: m.id.clone(), rid: m.rid.clone(), msg: m.msg.clone() }));
        let text = if list.is_empty() { None } else { Some(crate::json::to_string(&list)) };
        self.set(OUTBOX, text.as_deref());
    }

    /// Changes the gate with `f` and carries out what it answers.
    fn through(&self, f: impl FnOnce(&mut Gate) -> Then) {
        let mut gate = self.gate.get();
        let then = f(&mut gate);
        self.gate.set(gate);
        match then {
            Then::Stay => {}
            Then::Write => self.write_pending(),
            Then::TakeBack => self.take_back(),
        }
    }

    /// The visitor interacted: that is consent in the site's consent mode (once it is known
    /// that the server does not demand an agreement).
    pub fn interacted(&self) {
        self.through(Gate::interacted);
    }

    /// Holds every write until [`TokenStore::settle`]: the widget does not know yet whether the
    /// server demands the visitor's consent (its configuration has not come).
    pub fn hold(&self) {
        self.through(|g| {
            g.hold();
            Then::Stay
        });
    }

    /// The server's configuration came. `forced`: it demands the visitor's explicit consent;
    /// answers whether that is still to be given (not when [`AGREED`] is stored).
    pub fn settle(&self, forced: bool) -> bool {
        let (agreed, conversation) = (self.get(AGREED).is_some(), self.room_id().is_some());
        self.through(|g| g.settle(forced, agreed, conversation));
        self.gate.get().asks()
    }

    /// The server asks for the visitor's explicit consent (see [`TokenStore::settle`]).
    pub fn demand_consent(&self) -> bool {
        self.settle(true)
    }

    /// The visitor agreed (or the site consented for them): storage may be written now; pending
    /// values are written, and the agreement with them.
    pub fn consent(&self) {
        self.set(AGREED, Some("1"));
        self.through(Gate::consent);
    }

    /// What storage holds goes back to memory: nothing of the visitor stays stored.
    fn take_back(&self) {
        for name in self.stored_names() {
            let value = self.storage.as_ref().and_then(|s| s.get_item(&self.key(&name)).ok().flatten());
            if value.is_some() && self.write(&name, None).is_ok() {
                self.memory.borrow_mut().insert(name, value);
            }
        }
    }

    /// The gate opened: the write probe skipped at open runs, and what waited is written.
    fn write_pending(&self) {
        if self.blocked.borrow().is_some() {
            return;
        }
        if let Err(why) = local_storage(true) {
            self.fall_back_to_memory(why);
            return;
        }
        let pending = std::mem::take(&mut *self.memory.borrow_mut());
        for (name, value) in pending.iter() {
            if let Err(why) = self.write(name, value.as_deref()) {
                *self.memory.borrow_mut() = pending.clone();
                self.fall_back_to_memory(why);
                return;
            }
        }
    }

    /// Forgets the visitor: token, room and every other value, in storage and memory. When
    /// storage cannot be written (or consent is pending) the removals are remembered, so the
    /// old values are not read back.
    pub fn reset(&self) {
        self.memory.borrow_mut().clear();
        // Removing needs no quota: it is tried even when writes failed, but never before consent.
        let may_remove = self.gate.get().is_open();
        for name in self.stored_names() {
            let removed = may_remove && self.write(&name, None).is_ok();
            if !removed {
                self.memory.borrow_mut().insert(name, None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_per_server() {
        assert_eq!(key_prefix("https://Chat.Example.com/"), "rc-livechat:https://chat.example.com#");
        assert_eq!(key_prefix("http://127.0.0.1:3000"), "rc-livechat:http://127.0.0.1:3000#");
        assert_eq!(key_prefix("https://example.com/support/#x"), "rc-livechat:https://example.com/support#");
        assert_ne!(key_prefix("https://a.example"), key_prefix("https://b.example"));
        // No server's prefix starts another's.
        let (short, long) = (key_prefix("http://h"), key_prefix("http://h:3000"));
        assert!(!long.starts_with(&short) && !short.starts_with(&long));
        let (short, long) = (key_prefix("https://e.com/a"), key_prefix("https://e.com/ab"));
        assert!(!long.starts_with(&short));
    }

    /// The outbox is written as serde wrote it, and what serde wrote (by earlier versions) reads.
    #[test]
    fn outbox_entries_keep_their_stored_form() {
        let list = vec![
            Pending { id: "m1".into(), rid: "r1".into(), msg: "hi \"there\"\n".into() },
            Pending { id: "m2".into(), rid: String::new(), msg: "before the room".into() },
        ];
        let text = livechat_wire::json::to_string(&list);
        assert_eq!(text, serde_json::to_string(&list).unwrap());
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(livechat_wire::json::decode::<Vec<Pending>, _>(&value), Ok(list));
        let old = serde_json::json!([{"_id": "m3", "msg": "no rid yet"}]);
        let read: Vec<Pending> = livechat_wire::json::decode(&old).unwrap();
        assert_eq!(read, serde_json::from_value::<Vec<Pending>>(old).unwrap());
        assert!(livechat_wire::json::decode::<Vec<Pending>, _>(&serde_json::json!([{"_id": "m4"}])).is_err());
    }
}
