//! The widget's Leptos components. They make no HTTP or storage calls: what they show and
//! what a click changes live in state provided through context ([`WidgetState`]).
//!
//! The widget renders inside a shadow root ([`mount_in_shadow`]) so the host page's CSS cannot
//! reach it and its CSS cannot leak out; all styles ship in the bundle (`widget.css`).

mod launcher;

pub use launcher::Launcher;

use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::i18n::Lang;

/// The widget's styles, injected into its shadow root.
pub const CSS: &str = include_str!("widget.css");

/// State the components read and change.
#[derive(Debug, Clone, Copy)]
pub struct WidgetState {
    /// Whether the chat window is open.
    pub open: RwSignal<bool>,
    /// Agent messages the visitor has not seen.
    pub unread: RwSignal<u32>,
    pub lang: RwSignal<Lang>,
}

impl WidgetState {
    pub fn new(lang: Lang) -> WidgetState {
        WidgetState { open: RwSignal::new(false), unread: RwSignal::new(0), lang: RwSignal::new(lang) }
    }
}

/// Attaches an open shadow root to `host` (or reuses the one it has), adds the widget's styles
/// and mounts `view` into it. Dropping the returned handle unmounts the view.
pub fn mount_in_shadow<F, N>(host: &Element, view: F) -> Result<leptos::mount::UnmountHandle<N::State>, JsValue>
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    let document = host.owner_document().ok_or("the host element has no document")?;
    let style = document.create_element("style")?;
    style.set_text_content(Some(CSS));
    root.append_child(&style)?;
    let container = document.create_element("div")?;
    container.set_class_name("lc-root");
    root.append_child(&container)?;
    Ok(mount_to(container.unchecked_into::<HtmlElement>(), view))
}
