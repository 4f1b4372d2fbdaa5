//! The survey after a chat, and the thank-you screen.

use leptos::prelude::*;

use super::{button, heading, slot, tr_or};
use crate::i18n::Key;
use crate::session::Session;

/// The survey after a chat (drawn by the second module, which sends it), after the transcript
/// offer.
#[component]
pub fn SurveyForm() -> impl IntoView {
    let s = expect_context::<Session>();
    view! { {transcript(&s)} {slot("survey")} }
}

/// The offer to e-mail the conversation, after a chat, when the server sends transcripts
/// (drawn by the second module, which offers it once per room).
fn transcript(s: &Session) -> Option<AnyView> {
    s.config.with_untracked(|c| c.as_ref().is_some_and(|c| c.settings.transcript)).then(|| slot("transcript"))
}

/// The chat is over: thanks (the server's `conversationFinishedMessage` and
/// `conversationFinishedText` when it has them), and a way to start again.
#[component]
pub fn ThankYou() -> impl IntoView {
    let s = expect_context::<Session>();
    let (title, text) = super::messages::finished(&s);
    view! {
        {transcript(&s)}
        <div class="lc-done" role="status">
            {heading(None, tr_or(title, Key::ThankYou), true)}
            <p>{tr_or(text, Key::ChatEndedText)}</p>
            {button("lc-primary", Key::NewChat, false, move || s.new_chat())}
        </div>
    }
}
