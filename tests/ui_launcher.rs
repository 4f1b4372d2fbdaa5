//! The launcher in a real browser: mounted in a shadow root, asserting on what a visitor (or a
//! screen reader) gets.
#![cfg(target_arch = "wasm32")]

#[path = "support/catalogue.rs"]
mod catalogue;

use leptos::prelude::*;
use livechat_widget::i18n::Lang;
use livechat_widget::session::{Session, SessionOptions};
use livechat_widget::ui::{Launcher, mount_in_shadow};
use livechat_widget::wire::message::Message;
use livechat_widget::wire::{Timestamp, UserRef};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A host element in the page (never the body itself: the test runner reports through it).
fn host() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    host
}

fn find(host: &Element, selector: &str) -> Option<Element> {
    host.shadow_root().unwrap().query_selector(selector).unwrap()
}

/// `n` messages from an agent, newer than anything read.
fn agent_messages(n: usize) -> Vec<Message> {
    (0..n)
        .map(|i| Message {
            id: format!("agent-{i}"),
            rid: "room".into(),
            msg: "Hello".into(),
            ts: Some(Timestamp(1_700_000_000_000 + i as i64)),
            u: Some(UserRef { id: "agent-id".into(), username: "agent".into(), name: None }),
            ..Message::default()
        })
        .collect()
}

/// A session that never calls its server (nothing here starts it).
fn session(lang: Lang) -> (Owner, Session) {
    let owner = Owner::new();
    owner.set();
    let options = SessionOptions { namespace: livechat_widget::storage::new_token(), ..SessionOptions::default() };
    (owner.clone(), Session::new("http://127.0.0.1:9", lang, options))
}

#[wasm_bindgen_test]
async fn opens_and_closes_and_says_so() {
    let host = host();
    let (_owner, s) = session(Lang::En);
    s.take_in(agent_messages(3));
    assert_eq!(s.unread.get_untracked(), 3);
    let _mounted = mount_in_shadow(&host, move || {
        provide_context(s);
        view! { <Launcher/> }
    })
    .unwrap();
    let button = find(&host, "button.lc-launcher").expect("the launcher is in the shadow root");
    assert_eq!(button.get_attribute("aria-label").as_deref(), Some("Open chat, 3 unread messages"));
    assert_eq!(button.get_attribute("aria-expanded").as_deref(), Some("false"));
    assert_eq!(find(&host, ".lc-badge").unwrap().text_content().as_deref(), Some("3"));
    // Styles ship inside, as a constructed stylesheet: a page's Content-Security-Policy blocks
    // a <style> element without 'unsafe-inline', not this.
    assert_eq!(host.shadow_root().unwrap().adopted_style_sheets().length(), 1);
    assert!(find(&host, "style").is_none(), "no <style> element");
    let computed = web_sys::window().unwrap().get_computed_style(&button).unwrap().unwrap();
    assert_eq!(computed.get_property_value("position").unwrap(), "fixed");

    button.unchecked_ref::<HtmlElement>().click();
    leptos::task::tick().await;
    assert!(s.open.get_untracked());
    assert_eq!(s.unread.get_untracked(), 0, "opening marks messages read");
    assert_eq!(button.get_attribute("aria-expanded").as_deref(), Some("true"));
    assert_eq!(button.get_attribute("aria-label").as_deref(), Some("Close chat"));
    assert!(find(&host, ".lc-badge").is_none(), "no badge while open");

    button.unchecked_ref::<HtmlElement>().click();
    leptos::task::tick().await;
    assert_eq!(button.get_attribute("aria-expanded").as_deref(), Some("false"));
    s.take_in(agent_messages(120));
    leptos::task::tick().await;
    assert_eq!(find(&host, ".lc-badge").unwrap().text_content().as_deref(), Some("99+"));
    host.remove();
}

#[wasm_bindgen_test]
async fn speaks_the_visitors_language() {
    // The page hands the widget the visitor's catalogues (src/i18n/*.json, as shipped).
    catalogue::install(Lang::De);
    catalogue::install(Lang::Ar);
    let host = host();
    let (_owner, s) = session(Lang::De);
    let _mounted = mount_in_shadow(&host, move || {
        provide_context(s);
        view! { <Launcher/> }
    })
    .unwrap();
    let button = find(&host, "button.lc-launcher").unwrap();
    assert_eq!(button.get_attribute("aria-label").as_deref(), Some("Chat öffnen"));
    s.lang.set(Lang::Ar);
    leptos::task::tick().await;
    assert_eq!(button.get_attribute("aria-label").as_deref(), Some("فتح المحادثة"));
    host.remove();
}

#[wasm_bindgen_test]
fn host_page_css_does_not_reach_inside() {
    let document = web_sys::window().unwrap().document().unwrap();
    let style = document.create_element("style").unwrap();
    style.set_text_content(Some("button { display: none !important; background: lime !important; }"));
    document.head().unwrap().append_child(&style).unwrap();
    let host = host();
    let (_owner, s) = session(Lang::En);
    let _mounted = mount_in_shadow(&host, move || {
        provide_context(s);
        view! { <Launcher/> }
    })
    .unwrap();
    let button = find(&host, "button.lc-launcher").unwrap();
    let computed = web_sys::window().unwrap().get_computed_style(&button).unwrap().unwrap();
    assert_eq!(computed.get_property_value("display").unwrap(), "grid");
    assert_ne!(computed.get_property_value("background-color").unwrap(), "rgb(0, 255, 0)");
    style.remove();
    host.remove();
}
