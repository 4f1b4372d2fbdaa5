//! The composer: Enter sends, Shift+Enter starts a new line, a counter when the server limits
//! length, and edit mode for the visitor's own messages.

use leptos::prelude::*;

use super::{AUTOFOCUS, Root, button, effect, find, icon, keydown, on_value, submit, tr, when};
use crate::i18n::Key;
use crate::session::Session;

/// The composer. `editing` holds the id of the message being edited, if any.
#[component]
pub fn Composer(editing: RwSignal<Option<String>>) -> impl IntoView {
    let s = expect_context::<Session>();
    let text = RwSignal::new(String::new());
    let root = use_context::<Root>();
    let limit = move || s.config.with(|c| c.as_ref().and_then(|c| c.settings.limit_text_length.0));
    let left = move || limit().map(|l| l as i64 - text.with(|t| t.chars().count() as i64));
    let too_long = move || left().is_some_and(|n| n < 0);

    // Entering edit mode puts the message's text in the field.
    effect(move || {
        if let Some(id) = editing.get() {
            let current = s.conversation.with_untracked(|c| c.get(&id).map(|m| m.msg.clone()));
            text.set(current.unwrap_or_default());
            if let Some(el) = find(root, ".lc-input") {
                let _ = el.focus();
            }
        }
    });

    let send = move || {
        let value = text.get_untracked();
        if value.trim().is_empty() || too_long() {
            return;
        }
        text.set(String::new());
        match editing.get_untracked() {
            Some(id) => {
                editing.set(None);
                Session::spawn(s.edit(id, value));
            }
            None => Session::spawn(s.send(value)),
        }
        if let Some(el) = find(root, ".lc-input") {
            let _ = el.focus();
        }
    };
    let on_keydown = keydown(move |ev| {
        s.interacted();
        // Enter sends; Shift+Enter is a new line; an IME composing text keeps its Enter.
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        } else if ev.key() == "Escape" && editing.get_untracked().is_some() {
            ev.prevent_default();
            ev.stop_propagation();
            editing.set(None);
            text.set(String::new());
        }
    });

    view! {
        // The visitor's files on their way: listed here by the second module (see `Session::upload`).
        <ul class="lc-uploads"></ul>
        <form class="lc-composer" on:submit=submit(send)>
            <textarea
                class="lc-input"
                rows="1"
                data-autofocus=AUTOFOCUS
                aria-label=tr(Key::MessagePlaceholder)
                placeholder=tr(Key::MessagePlaceholder)
                aria-invalid=move || too_long().to_string()
                aria-describedby=move || limit().map(|_| "lc-counter")
                prop:value=move || text.get()
                on:input=on_value(move |value| {
                    text.set(value);
                    if editing.with_untracked(Option::is_none) {
                        s.typed();
                    }
                })
                on:keydown=on_keydown
            ></textarea>
            // A file input under a paperclip; what it chooses is sent (the window's file handler).
            {s.config.with_untracked(|c| c.as_ref().is_some_and(|c| c.settings.file_upload)).then(|| view! {
                <label class="lc-attach">
                    <input type="file" multiple aria-label=tr(Key::AttachFile) title=tr(Key::AttachFile)/>
                    {icon("M16.5 6.5 8 15a2 2 0 0 0 3 3l8.5-8.5a4 4 0 0 0-6-6L5 12a6 6 0 0 0 8.5 8.5L20 14", true)}
                </label>
            })}
            {move || left().map(|n| view! {
                <span id="lc-counter" class=move || if too_long() { "lc-counter lc-over" } else { "lc-counter" }.to_owned()>
                    {s.lang.get().tf(Key::CharactersLeft, &[("count", &n.to_string())])}
                </span>
            }.into_any())}
            {when(move || editing.with(Option::is_some), move || button("lc-link", Key::Cancel, false, move || {
                editing.set(None);
                text.set(String::new());
            }))}
            <button
                type="submit"
                class="lc-send"
                disabled=move || text.with(|t| t.trim().is_empty()) || too_long()
                aria-label=move || {
                    let lang = s.lang.get();
                    if editing.with(Option::is_some) { lang.t(Key::Save) } else { lang.t(Key::Send) }
                }
            >
                {icon("M3 20l18-8L3 4v6l12 2-12 2z", false)}
            </button>
        </form>
    }
}
