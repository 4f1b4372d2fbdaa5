//! The launcher: a round button that opens and closes the chat window, with an unread badge.

use leptos::prelude::*;

use super::{click, icon};
use crate::i18n::Key;
use crate::session::Session;

/// The launcher button. Its accessible name says what a press does and how many messages wait.
#[component]
pub fn Launcher() -> impl IntoView {
    let s = expect_context::<Session>();
    let badge = move || (!s.open.get() && s.unread.get() > 0).then(|| s.unread.get());
    view! {
        <button
            type="button"
            class="lc-launcher"
            aria-label=move || {
                let lang = s.lang.get();
                match (s.open.get(), badge()) {
                    (true, _) => lang.t(Key::CloseChat).to_owned(),
                    (false, Some(n)) => format!(
                        "{}, {}",
                        lang.t(Key::OpenChat),
                        lang.tf(Key::UnreadMessages, &[("count", &n.to_string())])
                    ),
                    (false, None) => lang.t(Key::OpenChat).to_owned(),
                }
            }
            aria-expanded=move || s.open.get().to_string()
            aria-controls="lc-window"
            on:click=click(move || {
                s.interacted();
                s.set_open(!s.open.get_untracked());
            })
        >
            {move || {
                if s.open.get() {
                    icon("M6 6l12 12M18 6L6 18", true)
                } else {
                    icon("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z", false)
                }
            }}
            {move || badge().map(|n| view! {
                <span class="lc-badge" aria-hidden="true">{if n > 99 { "99+".to_owned() } else { n.to_string() }}</span>
            }.into_any())}
        </button>
    }
}
