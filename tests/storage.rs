//! The visitor's token store in a real browser: localStorage, consent mode, blocked storage.
#![cfg(target_arch = "wasm32")]

use livechat_widget::storage::{Persistence, StoreOptions, TokenStore, key_prefix, new_token};
use livechat_widget::wire::id;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A server address no other test uses, so tests share nothing through localStorage.
fn fresh_server() -> String {
    format!("https://{}.example.test", new_token().to_lowercase())
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn stored(server: &str, name: &str) -> Option<String> {
    local_storage().get_item(&format!("{}{name}", key_prefix(server))).unwrap()
}

/// Runs `f` with `window.localStorage` throwing a SecurityError, as in a sandboxed iframe or
/// with storage blocked by the browser, then restores it.
fn with_storage_blocked<R>(f: impl FnOnce() -> R) -> R {
    js_sys::eval(
        "window.__savedStorage = Object.getOwnPropertyDescriptor(window, 'localStorage');
         Object.defineProperty(window, 'localStorage', { configurable: true,
           get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });",
    )
    .unwrap();
    let result = f();
    js_sys::eval("Object.defineProperty(window, 'localStorage', window.__savedStorage);").unwrap();
    result
}

/// Runs `f` with every `localStorage.setItem` failing, as when the quota is full.
fn with_writes_failing<R>(f: impl FnOnce() -> R) -> R {
    js_sys::eval(
        "window.__savedSetItem = Storage.prototype.setItem;
         Storage.prototype.setItem = function () { throw new DOMException('quota', 'QuotaExceededError'); };",
    )
    .unwrap();
    let result = f();
    js_sys::eval("Storage.prototype.setItem = window.__savedSetItem;").unwrap();
    result
}

#[wasm_bindgen_test]
fn token_is_made_once_and_kept_across_visits() {
    let server = fresh_server();
    let first = TokenStore::open(&server, StoreOptions::default());
    assert_eq!(first.persistence(), Persistence::Local);
    let token = first.token();
    assert_eq!(token.len(), 17);
    assert!(id::is_valid(&token));
    assert_eq!(first.token(), token, "made once");
    first.set_room_id(Some("room-1"));
    assert_eq!(stored(&server, "token").as_deref(), Some(token.as_str()));

    // The next visit: a new store over the same storage.
    let again = TokenStore::open(&server, StoreOptions::default());
    assert_eq!(again.token(), token);
    assert_eq!(again.room_id().as_deref(), Some("room-1"));

    // Another server gets its own visitor.
    let other = TokenStore::open(&fresh_server(), StoreOptions::default());
    assert_ne!(other.token(), token);
    assert_eq!(other.room_id(), None);
}

#[wasm_bindgen_test]
fn tokens_are_random() {
    let a = new_token();
    let b = new_token();
    assert_ne!(a, b);
    assert!(id::is_valid(&a) && a.len() == 17);
}

#[wasm_bindgen_test]
fn reset_forgets_the_visitor() {
    let server = fresh_server();
    let store = TokenStore::open(&server, StoreOptions::default());
    let token = store.token();
    store.set_room_id(Some("r"));
    store.reset();
    assert_eq!(stored(&server, "token"), None);
    assert_eq!(stored(&server, "rid"), None);
    assert_eq!(store.room_id(), None);
    assert_ne!(store.token(), token, "a new visitor");
    assert_ne!(TokenStore::open(&server, StoreOptions::default()).token(), token);
}

#[wasm_bindgen_test]
fn consent_mode_writes_nothing_until_the_visitor_interacts() {
    let server = fresh_server();
    let store = TokenStore::open(&server, StoreOptions { require_consent: true, ..StoreOptions::default() });
    assert_eq!(store.persistence(), Persistence::AwaitingConsent);
    let token = store.token();
    store.set_room_id(Some("pending-room"));
    let ours: Vec<String> = (0..local_storage().length().unwrap())
        .filter_map(|i| local_storage().key(i).unwrap())
        .filter(|k| k.starts_with(&key_prefix(&server)))
        .collect();
    assert!(ours.is_empty(), "nothing written before consent: {ours:?}");
    assert_eq!(store.token(), token, "the token holds in memory meanwhile");

    store.consent();
    assert_eq!(store.persistence(), Persistence::Local);
    assert_eq!(stored(&server, "token").as_deref(), Some(token.as_str()));
    assert_eq!(stored(&server, "rid").as_deref(), Some("pending-room"));

    // A later visit that has not consented yet still finds the stored visitor.
    let later = TokenStore::open(&server, StoreOptions { require_consent: true, ..StoreOptions::default() });
    assert_eq!(later.token(), token);
}

#[wasm_bindgen_test]
fn a_demanded_consent_takes_a_new_visitor_back_and_only_an_explicit_one_ends_it() {
    let server = fresh_server();
    let store = TokenStore::open(&server, StoreOptions::default());
    let token = store.token();
    assert_eq!(stored(&server, "token").as_deref(), Some(token.as_str()), "written at once without consent mode");

    // The server asks for consent: the new visitor (no conversation) leaves storage.
    assert!(store.demand_consent());
    assert_eq!(store.persistence(), Persistence::AwaitingConsent);
    assert_eq!(stored(&server, "token"), None);
    assert_eq!(store.token(), token, "kept in memory meanwhile");
    // An interaction is no consent now.
    store.interacted();
    store.set_room_id(Some("r1"));
    assert_eq!(stored(&server, "rid"), None);

    store.consent();
    assert_eq!(store.persistence(), Persistence::Local);
    assert_eq!(stored(&server, "token").as_deref(), Some(token.as_str()));
    assert_eq!(stored(&server, "rid").as_deref(), Some("r1"));
    assert_eq!(stored(&server, "agreed").as_deref(), Some("1"));
    // Given once: not asked again on the next visit; asked again after the visitor is forgotten.
    let later = TokenStore::open(&server, StoreOptions::default());
    assert!(!later.demand_consent());
    later.reset();
    assert!(later.demand_consent());
}

#[wasm_bindgen_test]
fn a_demanded_consent_leaves_a_conversation_stored_before_it() {
    let server = fresh_server();
    let store = TokenStore::open(&server, StoreOptions::default());
    let token = store.token();
    store.set_room_id(Some("open-room"));
    assert!(store.demand_consent());
    assert_eq!(stored(&server, "token").as_deref(), Some(token.as_str()), "an earlier chat is not lost");
    store.set("open", Some("1"));
    assert_eq!(stored(&server, "open"), None, "nothing new is written");
    // Without a demand, an interaction is consent as before.
    let other = fresh_server();
    let plain = TokenStore::open(&other, StoreOptions { require_consent: true, ..StoreOptions::default() });
    plain.token();
    plain.interacted();
    assert!(stored(&other, "token").is_some());
    assert_eq!(stored(&other, "agreed"), None, "an interaction is not an agreement to the server's terms");
}

#[wasm_bindgen_test]
fn held_writes_wait_for_the_configuration() {
    // Not demanded: what waited is written then (an interaction meanwhile changes nothing).
    let server = fresh_server();
    let store = TokenStore::open(&server, StoreOptions::default());
    store.hold();
    let token = store.token();
    store.interacted();
    assert_eq!(stored(&server, "token"), None, "nothing before the configuration");
    assert!(!store.settle(false));
    assert_eq!(stored(&server, "token").as_deref(), Some(token.as_str()));

    // Demanded: nothing until the visitor agrees, even after an interaction.
    let forced = fresh_server();
    let store = TokenStore::open(&forced, StoreOptions::default());
    store.hold();
    store.token();
    store.interacted();
    assert!(store.settle(true));
    assert_eq!(stored(&forced, "token"), None);
    store.consent();
    assert!(stored(&forced, "token").is_some());

    // The site's consent mode: after the configuration, still waiting for an interaction —
    // unless there was one meanwhile.
    let site = fresh_server();
    let store = TokenStore::open(&site, StoreOptions { require_consent: true, ..StoreOptions::default() });
    store.hold();
    store.token();
    assert!(!store.settle(false));
    assert_eq!(stored(&site, "token"), None);
    store.interacted();
    assert!(stored(&site, "token").is_some());
    let touched = fresh_server();
    let store = TokenStore::open(&touched, StoreOptions { require_consent: true, ..StoreOptions::default() });
    store.hold();
    store.token();
    store.interacted();
    assert!(!store.settle(false));
    assert!(stored(&touched, "token").is_some());
}

#[wasm_bindgen_test]
fn blocked_storage_falls_back_to_memory_and_says_so() {
    let server = fresh_server();
    let (persistence, token, again) = with_storage_blocked(|| {
        let store = TokenStore::open(&server, StoreOptions::default());
        let token = store.token();
        store.set_room_id(Some("r1"));
        (store.persistence(), token, store.token())
    });
    match persistence {
        Persistence::Memory(why) => assert!(why.contains("insecure"), "{why}"),
        other => panic!("expected memory fallback, got {other:?}"),
    }
    assert_eq!(again, token);
    assert!(id::is_valid(&token));
    assert_eq!(stored(&server, "token"), None, "nothing reached storage");
}

#[wasm_bindgen_test]
fn a_failing_write_keeps_values_in_memory() {
    let server = fresh_server();
    let store = TokenStore::open(&server, StoreOptions::default());
    let token = store.token();
    with_writes_failing(|| store.set_room_id(Some("kept-in-memory")));
    assert!(matches!(store.persistence(), Persistence::Memory(_)));
    assert_eq!(store.room_id().as_deref(), Some("kept-in-memory"));
    assert_eq!(store.token(), token, "what storage held is not lost");
    assert!(JsValue::from(local_storage()).is_object());
}

#[wasm_bindgen_test]
fn reset_leaves_other_servers_alone() {
    let host = format!("http://{}.example.test", new_token().to_lowercase());
    let with_port = format!("{host}:3000");
    let a = TokenStore::open(&host, StoreOptions::default());
    let b = TokenStore::open(&with_port, StoreOptions::default());
    let (_, kept) = (a.token(), b.token());
    b.set_room_id(Some("b-room"));
    a.reset();
    assert_eq!(stored(&with_port, "token").as_deref(), Some(kept.as_str()));
    assert_eq!(stored(&with_port, "rid").as_deref(), Some("b-room"));
    assert_eq!(stored(&host, "token"), None);
}

#[wasm_bindgen_test]
fn reset_after_a_failed_write_still_forgets_the_visitor() {
    let server = fresh_server();
    let store = TokenStore::open(&server, StoreOptions::default());
    let token = store.token();
    store.set("lang", Some("de"));
    with_writes_failing(|| store.set_room_id(Some("r")));
    assert_eq!(store.get("lang").as_deref(), Some("de"), "every stored value survives the fallback");
    store.reset();
    assert_eq!(stored(&server, "token"), None, "removal still reaches storage");
    assert_eq!(store.get("lang"), None);
    assert_ne!(TokenStore::open(&server, StoreOptions::default()).token(), token);
}

#[wasm_bindgen_test]
fn namespaces_keep_visitors_of_one_server_apart() {
    let server = fresh_server();
    let main = TokenStore::open(&server, StoreOptions::default());
    let sales = TokenStore::open(&server, StoreOptions { namespace: "sales".into(), ..StoreOptions::default() });
    let (a, b) = (main.token(), sales.token());
    assert_ne!(a, b);
    main.reset();
    assert_eq!(sales.token(), b, "the default store's reset leaves the namespace alone");
    assert_eq!(
        TokenStore::open(&server, StoreOptions { namespace: "sales".into(), ..StoreOptions::default() }).token(),
        b
    );
}
