//! The panels' trees, written out as markup for reading (see `view::tests::show`).

use super::view::*;
use crate::view::Node;
use crate::view::tests::show;
use livechat_client::session::prechat::{Form, Problem};
use livechat_wire::config::{CustomFieldDef, Department};

fn lang(tag: &str) -> usize {
    lang_index(tag)
}

#[test]
fn languages_by_their_primary_tag() {
    assert_eq!(t(T::Agree, lang("en")), "I agree");
    assert_eq!(t(T::Agree, lang("de-AT")), "Ich stimme zu");
    assert_eq!(t(T::Agree, lang("pt-BR")), "Eu concordo");
    assert_eq!(t(T::Agree, lang("pt_PT")), "Eu concordo");
    assert_eq!(t(T::Agree, lang("AR")), "أوافق");
    assert_eq!(t(T::Agree, lang("ja")), "I agree");
    assert_eq!(t(T::Agree, lang("")), "I agree");
}

#[test]
fn every_text_in_every_language_with_its_placeholders() {
    for l in 0..6 {
        assert_eq!(ALL.len(), T::SurveyFailed as usize + 1, "ALL lists every text");
        for key in ALL {
            let text = t(key, l);
            assert!(!text.trim().is_empty(), "{key:?} in language {l}");
            for hole in ["{email}", "{reason}"] {
                assert_eq!(text.contains(hole), t(key, 0).contains(hole), "{key:?} {hole} in language {l}");
            }
            if l > 0 && !matches!(key, T::Cancel | T::Email | T::Rating5) {
                assert_ne!(text, t(key, 0), "{key:?} is English in language {l}");
            }
        }
    }
}

const ALL: [T; 37] = [
    T::ChangeDepartment,
    T::Cancel,
    T::ConsentTitle,
    T::ConsentHint,
    T::Agree,
    T::ForgetTitle,
    T::ForgetText,
    T::Forget,
    T::OpenRooms,
    T::ForgetFailed,
    T::TranscriptTitle,
    T::TranscriptText,
    T::Email,
    T::SendTranscript,
    T::TranscriptSent,
    T::EmailInvalid,
    T::TranscriptFailed,
    T::Required,
    T::Invalid,
    T::NotAnOption,
    T::Choose,
    T::EndChatConfirm,
    T::EndChat,
    T::SurveyTitle,
    T::SurveySatisfaction,
    T::SurveyAgentKnowledge,
    T::SurveyAgentResponsiveness,
    T::SurveyAgentFriendliness,
    T::SurveyAdditionalFeedback,
    T::SendFeedback,
    T::Skip,
    T::Rating1,
    T::Rating2,
    T::Rating3,
    T::Rating4,
    T::Rating5,
    T::SurveyFailed,
];

fn dept(id: &str, name: &str) -> Department {
    Department { id: id.into(), name: name.into(), ..Department::default() }
}

#[test]
fn the_department_sheet_lists_the_others() {
    let list = [dept("d1", "Sales"), dept("d2", "Support <EU>"), dept("d3", "Billing")];
    assert_eq!(
        show(&[departments(&list, Some("d1"), 0)]),
        "<div class=\"lc-sheet\" role=\"dialog\" aria-labelledby=\"lc-dept-title\">\
         <h2 id=\"lc-dept-title\" class=\"lc-form-title\">Change department</h2>\
         <button type=\"button\" class=\"lc-secondary\" data-action=\"to\" data-autofocus=\"true\" data-id=\"d2\">Support &lt;EU&gt;</button>\
         <button type=\"button\" class=\"lc-secondary\" data-action=\"to\" data-id=\"d3\">Billing</button>\
         <button type=\"button\" class=\"lc-link\" data-action=\"cancel\">Cancel</button></div>"
    );
}

#[test]
fn the_forget_sheet_asks_then_says_what_went_wrong() {
    let first = show(&[forget(None, false, 1)]);
    assert!(first.starts_with("<div class=\"lc-sheet\" role=\"alertdialog\" aria-labelledby=\"lc-forget-title\">"));
    assert!(first.contains("Meine Daten löschen?"));
    assert!(first.contains("<p class=\"lc-error\" role=\"alert\"></p>"));
    // Cancel first, and focused: the safe choice.
    assert!(first.contains(
        "<button type=\"button\" class=\"lc-secondary\" data-action=\"cancel\" data-autofocus=\"true\">Abbrechen</button>\
         <button type=\"button\" class=\"lc-primary lc-danger\" data-action=\"forget\">Meine Daten löschen</button>"
    ));
    let busy = show(&[forget(None, true, 0)]);
    assert!(busy.contains("data-action=\"forget\" aria-disabled=\"true\""));
    let refused = show(&[forget(Some(t(T::OpenRooms, 0)), false, 0)]);
    assert!(refused.contains("<p class=\"lc-error\" role=\"alert\">Your chat is still open"));
}

#[test]
fn the_consent_screen_holds_the_servers_text() {
    let body =
        Node::El { tag: "div", attrs: vec![("class", "lc-rich".into())], children: vec![Node::Text("Terms".into())] };
    assert_eq!(
        show(&[consent(body, 2)]),
        "<div class=\"lc-form lc-consent\"><h2 class=\"lc-form-title\" tabindex=\"-1\" data-autofocus=\"true\">Vos données</h2>\
         <div class=\"lc-rich\">Terms</div>\
         <p class=\"lc-meta\">Vous pouvez demander à tout moment la suppression de vos données : « Oublier mes données » dans le menu du chat.</p>\
         <button type=\"button\" class=\"lc-primary\" data-action=\"agree\">J'accepte</button></div>"
    );
}

#[test]
fn the_transcript_offer_prefilled_refused_and_sent() {
    let asking = Offer::Asking { email: "ann@example.com".into(), error: None, busy: false };
    let html = show(&[transcript(&asking, "", 0)]);
    assert!(html.starts_with("<section class=\"lc-transcript\" aria-label=\"A copy of this chat\"><h3 class=\"lc-form-title\">A copy of this chat</h3>"));
    assert!(html.contains("<p>Would you like a copy of this chat by e-mail?</p>"));
    assert!(html.contains(
        "<label for=\"lc-transcript-email\">E-mail</label><input id=\"lc-transcript-email\" type=\"email\" autocomplete=\"email\" value=\"ann@example.com\" aria-describedby=\"lc-transcript-error\" aria-invalid=\"false\"></input>"
    ));
    assert!(html.contains(
        "<button type=\"button\" class=\"lc-secondary\" data-action=\"send\">Send me the transcript</button>"
    ));
    // The server's own words win.
    assert!(show(&[transcript(&asking, "Want it by mail?", 0)]).contains("<p>Want it by mail?</p>"));
    let refused = Offer::Asking { email: "nope".into(), error: Some(t(T::EmailInvalid, 0).into()), busy: false };
    let html = show(&[transcript(&refused, "", 0)]);
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        html.contains(
            "<p class=\"lc-error\" role=\"alert\" id=\"lc-transcript-error\">Enter a valid e-mail address</p>"
        )
    );
    let busy = Offer::Asking { email: "a@b.co".into(), error: None, busy: true };
    let html = show(&[transcript(&busy, "", 0)]);
    assert!(html.contains(" readonly>") && html.contains("aria-disabled=\"true\""));
    let sent = show(&[transcript(&Offer::Sent("a@b.co".into()), "", 3)]);
    assert!(sent.contains("<p role=\"status\" tabindex=\"-1\">La transcripción se está enviando a a@b.co.</p>"));
    assert!(!sent.contains("<input"));
}

fn def(id: &str, kind: &str, required: bool, options: &[&str]) -> CustomFieldDef {
    CustomFieldDef {
        id: id.into(),
        label: format!("{id} label"),
        kind: kind.into(),
        required,
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        ..CustomFieldDef::default()
    }
}

#[test]
fn the_pre_chat_fields_labelled_with_their_problems() {
    let defs = [def("company", "input", true, &[]), def("plan", "select", false, &["Free", "Pro"])];
    let mut form = Form::new(&defs, &[]);
    form.set("plan", "Pro".into());
    let html = show(&fields(&form, &[], 0));
    assert_eq!(
        html,
        "<div class=\"lc-field\"><label for=\"lc-field-0\">company label</label>\
         <input id=\"lc-field-0\" name=\"company\" aria-describedby=\"lc-field-0-error\" aria-invalid=\"false\" aria-required=\"true\" type=\"text\" value></input>\
         <span id=\"lc-field-0-error\" class=\"lc-error\" role=\"alert\"></span></div>\
         <div class=\"lc-field\"><label for=\"lc-field-1\">plan label</label>\
         <select id=\"lc-field-1\" name=\"plan\" aria-describedby=\"lc-field-1-error\" aria-invalid=\"false\">\
         <option value>Choose…</option><option value=\"Free\">Free</option><option value=\"Pro\" selected>Pro</option></select>\
         <span id=\"lc-field-1-error\" class=\"lc-error\" role=\"alert\"></span></div>"
    );
    let html = show(&fields(&form, &[Some(Problem::Required), Some(Problem::NotAnOption)], 5));
    assert!(html.contains("aria-invalid=\"true\" aria-required=\"true\""));
    assert!(html.contains("role=\"alert\">هذا الحقل مطلوب</span>"));
    assert!(html.contains("role=\"alert\">اختر أحد الخيارات</span>"));
    // A field without a label shows its id.
    let bare = CustomFieldDef { label: String::new(), ..def("ref", "input", false, &[]) };
    assert!(show(&fields(&Form::new(&[bare], &[]), &[], 0)).contains("<label for=\"lc-field-0\">ref</label>"));
}

#[test]
fn the_end_sheet_focuses_cancel() {
    assert_eq!(
        show(&[end(0)]),
        "<div class=\"lc-sheet\" role=\"alertdialog\" aria-labelledby=\"lc-end-title\">\
         <h2 id=\"lc-end-title\" class=\"lc-form-title\">Are you sure you want to end this chat?</h2>\
         <div class=\"lc-actions\"><button type=\"button\" class=\"lc-secondary\" data-action=\"cancel\" data-autofocus=\"true\">Cancel</button>\
         <button type=\"button\" class=\"lc-primary lc-danger\" data-action=\"end\">End chat</button></div></div>"
    );
}

#[test]
fn the_survey_names_its_items_as_rocket_chat() {
    assert_eq!(rated_items(), ["satisfaction", "agentKnowledge", "agentResposiveness", "agentFriendliness"]);
    let html = show(&[survey(None, false, 0)]);
    assert!(html.starts_with("<form class=\"lc-form lc-survey\" novalidate><h2 class=\"lc-form-title\" tabindex=\"-1\" data-autofocus=\"true\">How was your chat?</h2>"));
    assert!(html.contains(
        "<fieldset class=\"lc-rating\"><legend>Agent&#39;s responsiveness</legend>".replace("&#39;", "'").as_str()
    ));
    assert!(html.contains(
        "<label class=\"lc-star\" title=\"Excellent\"><input type=\"radio\" name=\"agentResposiveness\" value=\"5\"></input><span aria-hidden=\"true\">5</span><span class=\"lc-visually-hidden\">Excellent</span></label>"
    ));
    assert_eq!(html.matches("type=\"radio\"").count(), 20);
    assert!(html.contains("<button type=\"button\" class=\"lc-secondary\" data-action=\"skip\">Skip</button><button type=\"submit\" class=\"lc-primary\" data-action=\"send\">Send feedback</button>"));
    let refused = show(&[survey(Some("Your feedback could not be sent: busy"), true, 0)]);
    assert!(refused.contains("role=\"alert\">Your feedback could not be sent: busy</p>"));
    assert!(refused.contains("data-action=\"send\" aria-disabled=\"true\""));
}
