//! The tree made real in headless Chromium: elements and attributes as `view` says, never HTML;
//! dates in the reader's language; the stylesheet adopted once per root.
#![cfg(target_arch = "wasm32")]

use livechat_rich::dom::{CSS, build, prepare};
use livechat_rich::view::{Context, Links, Texts, message};
use livechat_wire::message::Message;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, ShadowRootInit, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A bubble in a shadow root of its own.
fn bubble() -> (Element, web_sys::ShadowRoot) {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).unwrap();
    let bubble = document().create_element("div").unwrap();
    root.append_child(&bubble).unwrap();
    (bubble, root)
}

fn draw(target: &Element, msg: &str) {
    let m = Message { msg: msg.into(), rid: "r1".into(), ..Message::default() };
    let links = Links { server: "https://chat.example.com".into(), access: String::new() };
    let texts = Texts { spoiler: "Spoiler".into(), download: "Download".into() };
    let emoji = |code: &str| (code == "smile").then(|| "😄".to_owned());
    let nodes = message(&m, &Context { links: &links, texts: &texts, emoji: &emoji });
    build(target, &nodes, "de");
}

#[wasm_bindgen_test]
fn elements_not_html() {
    let (b, _) = bubble();
    draw(&b, "*bold* <img src=x onerror=alert(1)> [x](https://example.com) :smile:");
    assert_eq!(b.query_selector("strong").unwrap().unwrap().text_content().unwrap(), "bold");
    assert!(b.query_selector("img").unwrap().is_none(), "markup in text is text");
    assert!(b.text_content().unwrap().contains("<img src=x onerror=alert(1)>"));
    let a = b.query_selector("a").unwrap().unwrap();
    assert_eq!(a.get_attribute("href").as_deref(), Some("https://example.com"));
    assert_eq!(a.get_attribute("rel").as_deref(), Some("noopener noreferrer nofollow"));
    let emoji = b.query_selector("[role=img]").unwrap().unwrap();
    assert_eq!(emoji.get_attribute("aria-label").as_deref(), Some(":smile:"));
}

#[wasm_bindgen_test]
fn colours_and_dates() {
    let (b, _) = bubble();
    draw(&b, "color:#ff0000\nat <t:1700000000:D>");
    let swatch = b.query_selector(".lc-swatch").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>();
    assert_eq!(swatch.style().get_property_value("--lc-swatch").unwrap(), "#ff0000");
    let time = b.query_selector("time").unwrap().unwrap();
    assert_eq!(time.get_attribute("datetime").as_deref(), Some("2023-11-14T22:13:20.000Z"));
    // In the reader's language: German writes the month's name.
    assert!(time.text_content().unwrap().contains("November 2023"), "{:?}", time.text_content());
}

#[wasm_bindgen_test]
fn the_stylesheet_is_adopted_once_per_root() {
    let (b, root) = bubble();
    let before = root.adopted_style_sheets().length();
    prepare(&b);
    prepare(&b);
    assert!(b.class_list().contains("lc-rich"));
    let sheets = root.adopted_style_sheets();
    assert_eq!(sheets.length(), before + 1);
    let sheet: web_sys::CssStyleSheet = sheets.get(before).unchecked_into();
    assert!(sheet.css_rules().unwrap().length() > 20 && CSS.contains(".lc-rich pre"));
    // Its rules apply: a code block scrolls sideways.
    draw(&b, "```\ncode\n```");
    let pre = b.query_selector("pre").unwrap().unwrap();
    let style = web_sys::window().unwrap().get_computed_style(&pre).unwrap().unwrap();
    assert_eq!(style.get_property_value("overflow-x").unwrap(), "auto");
}

#[wasm_bindgen_test]
fn a_detached_target_takes_no_stylesheet() {
    // A row replaced before the module came: its bubble is no longer on the page.
    let detached = document().create_element("div").unwrap();
    prepare(&detached);
    assert!(js_sys::Reflect::get(&detached, &"__livechatRich".into()).unwrap().is_undefined());
    assert!(document().query_selector("style").unwrap().is_none());
}
