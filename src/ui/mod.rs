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
pub use messages::MessageList;
pub use survey::{SurveyForm, ThankYou};
pub use window::{Window, initials};

use leptos::ev::{Event, KeyboardEvent, MouseEvent, SubmitEvent};
use leptos::mount::mount_to;
use leptos::prelude::*;
use std::sync::{Arc, Mutex};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Element, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::i18n::Key;
use crate::session::Session;

/// The text for `key` in the visitor's language, as a reactive view child or attribute.
///
/// It has the type Leptos gives every `move || …` text in a `view!` (with `erase_components`),
/// so all the widget's texts share one copy of its rendering code (the size budget is tight).
pub(crate) fn tr(key: Key) -> Text {
    let lang = expect_context::<Session>().lang;
    Arc::new(Mutex::new(move || lang.get().t(key)))
}

/// `text` when the server gave one (the site's own words, kept for the page's life), else the
/// widget's `key` in the visitor's language.
pub(crate) fn tr_or(text: Option<String>, key: Key) -> Text {
    match text {
        Some(t) => {
            let t: &'static str = Box::leak(t.into_boxed_str());
            Arc::new(Mutex::new(move || t))
        }
        None => tr(key),
    }
}

/// A reactive text, as `view!` erases a `move || …` returning one.
pub(crate) type Text = Arc<Mutex<dyn FnMut() -> &'static str + Send>>;

/// `view` while `cond` holds, nothing otherwise. Like `<Show>`, the view is rebuilt only when
/// `cond` changes. Every caller shares one closure type (the widget's size budget is tight).
pub(crate) fn when(
    cond: impl Fn() -> bool + Send + Sync + 'static,
    view: impl Fn() -> AnyView + Send + 'static,
) -> AnyView {
    when_dyn(Box::new(cond), Box::new(view))
}

fn when_dyn(cond: Box<dyn Fn() -> bool + Send + Sync>, view: Box<dyn Fn() -> AnyView + Send>) -> AnyView {
    let cond = Memo::new(move |_| cond());
    (move || cond.get().then(&view)).into_any()
}

/// A reactive view: every caller shares one closure type.
pub(crate) fn dynamic(view: impl Fn() -> Option<AnyView> + Send + 'static) -> AnyView {
    dynamic_dyn(Box::new(view))
}

fn dynamic_dyn(view: Box<dyn Fn() -> Option<AnyView> + Send>) -> AnyView {
    (move || view()).into_any()
}

/// An effect: every caller shares one closure type.
pub(crate) fn effect(f: impl Fn() + 'static) {
    effect_dyn(Box::new(f));
}

fn effect_dyn(f: Box<dyn Fn()>) {
    Effect::new(move |_| f());
}

/// A click handler; every caller shares one handler type.
pub(crate) fn click(f: impl Fn() + 'static) -> impl FnMut(MouseEvent) + 'static {
    click_dyn(Box::new(f))
}

fn click_dyn(f: Box<dyn Fn()>) -> impl FnMut(MouseEvent) + 'static + use<> {
    move |_| f()
}

/// A submit handler that keeps the browser from navigating; one handler type for all forms.
pub(crate) fn submit(f: impl Fn() + 'static) -> impl FnMut(SubmitEvent) + 'static {
    submit_dyn(Box::new(f))
}

fn submit_dyn(f: Box<dyn Fn()>) -> impl FnMut(SubmitEvent) + 'static + use<> {
    move |ev: SubmitEvent| {
        ev.prevent_default();
        f();
    }
}

/// An `input` or `change` handler given the control's new value; one handler type for all.
pub(crate) fn on_value(f: impl Fn(String) + 'static) -> impl FnMut(Event) + 'static {
    value_dyn(Box::new(f))
}

fn value_dyn(f: Box<dyn Fn(String)>) -> impl FnMut(Event) + 'static + use<> {
    move |ev: Event| f(event_target_value(&ev))
}

/// An `input` handler that keeps `value` in step with the control.
pub(crate) fn bind(value: RwSignal<String>) -> impl FnMut(Event) + 'static {
    on_value(move |v| value.set(v))
}

/// A `keydown` handler; one handler type for all.
pub(crate) fn keydown(f: impl Fn(KeyboardEvent) + 'static) -> impl FnMut(KeyboardEvent) + 'static {
    keydown_dyn(Box::new(f))
}

fn keydown_dyn(f: Box<dyn Fn(KeyboardEvent)>) -> impl FnMut(KeyboardEvent) + 'static + use<> {
    move |ev| f(ev)
}

/// The widget's root element. Components find their own elements in it (to focus or scroll
/// them) rather than each holding a `NodeRef` of its element type: Leptos's node-reference code
/// is then there once.
#[derive(Clone, Copy)]
pub(crate) struct Root(NodeRef<leptos::html::Div>);

/// The first element matching `selector` in the widget under `root`, the [`Root`] a component
/// took from context when it was created (event handlers run outside of it).
pub(crate) fn find(root: Option<Root>, selector: &str) -> Option<HtmlElement> {
    // `try_`: a frame asked for before the widget went may come after it.
    let root = root?.0.try_get_untracked()??;
    root.query_selector(selector).ok().flatten()?.dyn_into().ok()
}

/// Focuses the first element matching `selector` under `root` in the next frame, once the view
/// has drawn what was just asked for (a sheet, a menu) or dropped what had focus.
pub(crate) fn focus_soon(root: Option<Root>, selector: &str) {
    let selector = selector.to_owned();
    request_animation_frame(move || {
        if let Some(el) = find(root, &selector) {
            let _ = el.focus();
        }
    });
}

/// A place the second module draws `name` in ([`Session::panel`]), once it is on the page.
pub(crate) fn slot(name: &'static str) -> AnyView {
    let s = expect_context::<Session>();
    let root = use_context::<Root>();
    let draw = move || {
        if let Some(el) = find(root, &["[data-slot=", name, "]"].concat()) {
            s.panel(name, el.into());
        }
    };
    request_animation_frame(draw);
    // Until the module draws there (it replaces this), and should it not come: Retry.
    view! {
        <div class="lc-slot" data-slot=name>
            <button type="button" class="lc-link lc-fallback" on:click=click(draw)>{tr(Key::Retry)}</button>
        </div>
    }
    .into_any()
}

/// `data-autofocus="true"`, typed as the helpers' optional one (one attribute type, not two).
pub(crate) const AUTOFOCUS: Option<&str> = Some("true");

/// `tabindex="-1"`, typed as [`heading`]'s optional one.
pub(crate) const FOCUSABLE: Option<&str> = Some("-1");

/// A `type="button"` button with a translated label: one copy of the element code for the
/// widget's many buttons. `autofocus` marks it for focus when its screen opens.
pub(crate) fn button(class: &'static str, label: Key, autofocus: bool, on: impl Fn() + 'static) -> AnyView {
    button_dyn(class, label, autofocus, Box::new(on))
}

fn button_dyn(class: &'static str, label: Key, autofocus: bool, on: Box<dyn Fn()>) -> AnyView {
    view! {
        <button type="button" class=class data-autofocus=autofocus.then_some("true") on:click=click_dyn(on)>
            {tr(label)}
        </button>
    }
    .into_any()
}

/// A 24-pixel icon of one path, hidden from screen readers (its button says what it does):
/// every icon is this one view type. `line`: a round stroke, not filled.
pub(crate) fn icon(d: &'static str, line: bool) -> AnyView {
    let class = if line { "lc-icon lc-line" } else { "lc-icon" };
    view! { <svg class=class viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d=d/></svg> }.into_any()
}

/// A form's submit button, disabled while `busy`.
pub(crate) fn submit_button(label: Key, busy: RwSignal<bool>) -> AnyView {
    view! { <button type="submit" class="lc-primary" disabled=move || busy.get()>{tr(label)}</button> }.into_any()
}

/// A screen's or sheet's heading. `focus`: it takes focus when the screen opens.
pub(crate) fn heading(id: Option<&'static str>, label: Text, focus: bool) -> AnyView {
    view! {
        <h2 id=id class="lc-form-title" tabindex=focus.then_some("-1") data-autofocus=focus.then_some("true")>
            {label}
        </h2>
    }
    .into_any()
}

/// The widget's styles, injected into its shadow root: `widget.css` minified at compile time.
pub const CSS: &str = match std::str::from_utf8(&MINIFIED) {
    Ok(css) => css,
    Err(_) => panic!("widget.css is not UTF-8"),
};

const SOURCE: &[u8] = include_bytes!("widget.css");
const MINIFIED: [u8; minify(SOURCE, &mut [])] = {
    let mut out = [0; minify(SOURCE, &mut [])];
    minify(SOURCE, &mut out);
    out
};

/// Writes `css` without comments, with whitespace runs collapsed and dropped next to `{};,>`
/// and after `:` (strings kept as they are, `;` before `}` dropped) into `out`, as far as it
/// has room; returns the minified length. A `const fn`: the widget ships only the result.
const fn minify(css: &[u8], out: &mut [u8]) -> usize {
    const fn tight(c: u8) -> bool {
        matches!(c, b'{' | b'}' | b';' | b',' | b'>' | b':')
    }
    let (mut i, mut n) = (0, 0);
    let (mut quote, mut space, mut last) = (0u8, false, b'{');
    while i < css.len() {
        let c = css[i];
        i += 1;
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'/' && i < css.len() && css[i] == b'*' {
            i += 2;
            while i < css.len() && !(css[i - 1] == b'*' && css[i] == b'/') {
                i += 1;
            }
            i += 1;
            continue;
        } else if c.is_ascii_whitespace() {
            space = true;
            continue;
        } else {
            if c == b'"' || c == b'\'' {
                quote = c;
            }
            if space && !(tight(c) && c != b':') && !tight(last) {
                n = put(out, n, b' ');
            }
            if c == b'}' && last == b';' {
                n -= 1;
            }
        }
        space = false;
        last = c;
        n = put(out, n, c);
    }
    n
}

/// Writes `c` at `at` when `out` has room (the first pass only counts).
const fn put(out: &mut [u8], at: usize, c: u8) -> usize {
    if at < out.len() {
        out[at] = c;
    }
    at + 1
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
    // A constructed stylesheet: a page's Content-Security-Policy without 'unsafe-inline' in
    // `style-src` blocks `<style>` elements, not these. It replaces the loader's launcher sheet
    // (the same rules). A `<style>` where the browser cannot construct one.
    let adopted = CssStyleSheet::new().and_then(|sheet| {
        sheet.replace_sync(CSS)?;
        root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        Ok(())
    });
    if adopted.is_err() {
        let style = document.create_element("style")?;
        style.set_text_content(Some(CSS));
        root.append_child(&style)?;
    }
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
    let root_ref = NodeRef::new();
    provide_context(Root(root_ref));
    let root = Some(Root(root_ref));
    let was_open = StoredValue::new(false);
    effect(move || {
        let open = s.open.get();
        if was_open.get_value()
            && !open
            && s.wants_focus()
            && let Some(button) = find(root, ".lc-launcher")
        {
            let _ = button.focus();
            s.moved_focus();
        }
        was_open.set_value(open);
    });
    view! {
        <div class="lc-widget" node_ref=root_ref lang=move || s.lang.get().tag() dir=move || s.lang.get().dir()>
            {when(move || s.open.get(), || view! { <Window/> }.into_any())}
            <Launcher/>
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

#[cfg(test)]
mod tests {
    use super::{CSS, minify};

    fn run(css: &str) -> String {
        let mut out = vec![0; minify(css.as_bytes(), &mut [])];
        minify(css.as_bytes(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn minifies_without_changing_meaning() {
        assert_eq!(
            run(
                "/* a */ .a , .b > .c {\n  color: red;\n  font: 1px \"Segoe  UI\" ; }\n@media (x: 1) { .d :hover { margin: 0 auto } }"
            ),
            ".a,.b>.c{color:red;font:1px \"Segoe  UI\"}@media (x:1){.d :hover{margin:0 auto}}"
        );
        assert_eq!(run("/**/a{b:c}/*/ */"), "a{b:c}");
    }

    #[test]
    fn the_shipped_css_is_the_source_minified() {
        let source = include_str!("widget.css");
        assert!(CSS.len() < source.len() * 9 / 10, "{} of {}", CSS.len(), source.len());
        assert!(!CSS.contains("/*") && !CSS.contains("  ") && !CSS.contains('\n'));
        // Apart from whitespace, comments and `;` before `}`, nothing changed.
        let mut flat: String = source.chars().filter(|c| !c.is_whitespace()).collect();
        while let Some(start) = flat.find("/*") {
            let end = start + flat[start..].find("*/").unwrap() + 2;
            flat.replace_range(start..end, "");
        }
        let flat = flat.replace(";}", "}");
        let minified: String = CSS.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(minified, flat);
    }
}
