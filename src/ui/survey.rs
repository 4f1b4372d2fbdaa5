//! The survey after a chat, and the thank-you screen.

use leptos::prelude::*;
use livechat_wire::room::survey;

use super::{bind, button, heading, on_value, submit, submit_button, tr, tr_or};
use crate::i18n::Key;
use crate::session::Session;

/// Rocket.Chat's rated items and their labels.
const ITEMS: [(&str, Key); 4] = [
    (survey::SATISFACTION, Key::SurveySatisfaction),
    (survey::AGENT_KNOWLEDGE, Key::SurveyAgentKnowledge),
    (survey::AGENT_RESPONSIVENESS, Key::SurveyAgentResponsiveness),
    (survey::AGENT_FRIENDLINESS, Key::SurveyAgentFriendliness),
];

const RATING_LABELS: [Key; 5] = [Key::Rating1, Key::Rating2, Key::Rating3, Key::Rating4, Key::Rating5];

/// The ratings as text (no number formatting in the widget).
const DIGITS: [&str; 5] = ["1", "2", "3", "4", "5"];

/// Ratings 1–5 for each item (radio groups), optional feedback; skippable.
#[component]
pub fn SurveyForm() -> impl IntoView {
    let s = expect_context::<Session>();
    let ratings: [RwSignal<u8>; 4] = std::array::from_fn(|_| RwSignal::new(0));
    let feedback = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let on_submit = submit(move || {
        busy.set(true);
        let chosen: Vec<(&'static str, u8)> = ITEMS
            .iter()
            .zip(ratings)
            .map(|((name, _), value)| (*name, value.get_untracked()))
            .filter(|(_, v)| *v > 0)
            .collect();
        Session::spawn(async move {
            s.rate(chosen, feedback.get_untracked()).await;
            busy.set(false);
        });
    });
    view! {
        <form class="lc-form lc-survey" on:submit=on_submit>
            {heading(None, tr(Key::SurveyTitle), true)}
            {ITEMS.iter().zip(ratings).map(|((name, label), value)| view! {
                <fieldset class="lc-rating">
                    <legend>{tr(*label)}</legend>
                    {(1..=5u8).map(|n| view! {
                        <label class="lc-star" title=tr(RATING_LABELS[usize::from(n) - 1])>
                            // The browser keeps the group's checked state; the signal follows it.
                            <input type="radio" name=*name value=DIGITS[usize::from(n) - 1]
                                on:change=on_value(move |_| value.set(n))/>
                            <span aria-hidden="true">{DIGITS[usize::from(n) - 1]}</span>
                            <span class="lc-visually-hidden">{tr(RATING_LABELS[usize::from(n) - 1])}</span>
                        </label>
                    }.into_any()).collect_view()}
                </fieldset>
            }.into_any()).collect_view()}
            <div class="lc-field">
                <label for="lc-feedback">{tr(Key::SurveyAdditionalFeedback)}</label>
                <textarea id="lc-feedback" rows="3" prop:value=move || feedback.get() on:input=bind(feedback)></textarea>
            </div>
            <div class="lc-actions">
                {button("lc-secondary", Key::Skip, false, move || s.skip_survey())}
                {submit_button(Key::SendFeedback, busy)}
            </div>
        </form>
    }
}

/// The chat is over: thanks (the server's `conversationFinishedMessage` and
/// `conversationFinishedText` when it has them), and a way to start again.
#[component]
pub fn ThankYou() -> impl IntoView {
    let s = expect_context::<Session>();
    let (title, text) = super::messages::finished(&s);
    view! {
        <div class="lc-done" role="status">
            {heading(None, tr_or(title, Key::ThankYou), true)}
            <p>{tr_or(text, Key::ChatEndedText)}</p>
            {button("lc-primary", Key::NewChat, false, move || s.new_chat())}
        </div>
    }
}
