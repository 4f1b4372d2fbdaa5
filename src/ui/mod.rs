//! The widget's Leptos components. They make no HTTP or storage calls: they read the
//! [`Session`](crate::session::Session) from context and call its methods.
//!
//! The widget renders inside a shadow root ([`mount_in_shadow`]) so the host page's CSS cannot
//! reach it and its CSS cannot leak out; all styles ship in the bundle (`widget.css`).

mod composer;
mod forms;
mod launcher;
mod messages;
mod survey;
mod window;

pub use composer::Composer;
pub use forms::{OfflineForm, OfflineSent, RegisterForm};
pub use launcher::Launcher;
pub use messages::{MessageList, message_text};
pub use survey::{SurveyForm, ThankYou};
pub use window::{Window, initials};

use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::i18n::Key;
use crate::session::Session;

/// The text for `key` in the visitor's language, as a reactive view child or attribute.
///
/// Every caller gets the same closure type, so Leptos renders all the widget's texts with one
/// copy of its code instead of one per text (the widget's size budget is tight).
pub(crate) fn tr(key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = expect_context::<Session>().lang;
    move || lang.get().t(key)
}

/// The widget's styles, injected into its shadow root.
pub const CSS: &str = include_str!("widget.css");

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

/// The whole widget: the launcher and, when open, the window. Focus returns to the launcher
/// when the window closes by the visitor's action in this tab.
#[component]
pub fn Widget() -> impl IntoView {
    let s = expect_context::<Session>();
    let launcher = NodeRef::<leptos::html::Button>::new();
    let was_open = StoredValue::new(false);
    Effect::new(move |_| {
        let open = s.open.get();
        if was_open.get_value()
            && !open
            && s.wants_focus()
            && let Some(button) = launcher.get_untracked()
        {
            let _ = button.focus();
            s.moved_focus();
        }
        was_open.set_value(open);
    });
    view! {
        <div class="lc-widget" lang=move || s.lang.get().tag() dir=move || s.lang.get().dir()>
            <Show when=move || s.open.get()>
                <Window/>
            </Show>
            <Launcher node_ref=launcher/>
        </div>
    }
}

/// Mounts the widget for `session` in a shadow root on `host`.
pub fn mount(host: &Element, session: Session) -> Result<leptos::mount::UnmountHandle<impl Mountable>, JsValue> {
    mount_in_shadow(host, move || {
        provide_context(session);
        view! { <Widget/> }
    })
}
