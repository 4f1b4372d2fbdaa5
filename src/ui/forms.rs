//! The pre-chat (registration) form, the offline form and its confirmation.

use leptos::prelude::*;

use super::{Root, bind, dynamic, find, heading, on_value, slot, submit, submit_button, tr};
use crate::i18n::Key;
use crate::session::{FormErrors, Session};

/// A labelled input with its validation message tied to it for assistive technology.
#[component]
fn Field(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    /// The form's validation errors, and which of them is this field's.
    errors: RwSignal<FormErrors>,
    error: fn(&FormErrors) -> Option<Key>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = false)] multiline: bool,
    #[prop(default = false)] autofocus: bool,
) -> impl IntoView {
    let s = expect_context::<Session>();
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    let error = move || errors.with(error);
    let input = if multiline {
        view! {
            <textarea id=id rows="4" aria-invalid=move || error().is_some().to_string() aria-describedby=described.clone()
                data-autofocus=autofocus.then_some("true")
                prop:value=move || value.get() on:input=bind(value)></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id type=kind aria-invalid=move || error().is_some().to_string() aria-describedby=described.clone()
                data-autofocus=autofocus.then_some("true")
                autocomplete=match kind { "email" => "email", _ => "name" }
                prop:value=move || value.get() on:input=bind(value)/>
        }
        .into_any()
    };
    view! {
        <div class="lc-field">
            <label for=id>{tr(label)}</label>
            {input}
            <span id=error_id class="lc-error" role="alert">{move || error().map_or("", |k| s.lang.get().t(k))}</span>
        </div>
    }
}

/// A department picker, shown only when there is a choice to make.
#[component]
fn DepartmentPicker(departments: Vec<(String, String)>, value: RwSignal<String>) -> impl IntoView {
    (departments.len() > 1).then(|| {
        view! {
            <div class="lc-field">
                <label for="lc-department">{tr(Key::Department)}</label>
                <select id="lc-department" on:change=on_value(move |v| value.set(v))>
                    <option value="">{tr(Key::ChooseDepartment)}</option>
                    {departments.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }.into_any()).collect_view()}
                </select>
            </div>
        }
        .into_any()
    })
}

/// The form's error text from the server, if the last submission failed there.
fn server_error(s: Session) -> AnyView {
    dynamic(move || s.form_error.get().map(|e| view! { <p class="lc-error" role="alert">{e}</p> }.into_any()))
}

/// The pre-chat form.
#[component]
pub fn RegisterForm() -> impl IntoView {
    let s = expect_context::<Session>();
    let (name, email, department) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = RwSignal::new(FormErrors::default());
    let busy = RwSignal::new(false);
    let settings = s.config.with_untracked(|c| c.as_ref().map(|c| c.settings.clone())).unwrap_or_default();
    let intro = s
        .config
        .with_untracked(|c| c.as_ref().map(|c| c.messages.registration_form_message.clone()))
        .filter(|m| !m.is_empty());
    let departments: Vec<(String, String)> = s.registration_departments().into_iter().map(|d| (d.id, d.name)).collect();
    let root = use_context::<Root>();
    let on_submit = submit(move || {
        // The server's own fields must be on the form (drawn by the second module) before it goes.
        if s.config_lists("customFields") && find(root, "[data-slot=fields] > [data-ready]").is_none() {
            return;
        }
        busy.set(true);
        Session::spawn(async move {
            let department = Some(department.get_untracked()).filter(|d| !d.is_empty());
            let found = s.register(name.get_untracked(), email.get_untracked(), department).await;
            errors.set(found);
            busy.set(false);
        });
    });
    view! {
        <form class="lc-form" on:submit=on_submit novalidate>
            {heading(None, tr(Key::StartChatTitle), false)}
            <p>{move || intro.clone().unwrap_or_else(|| s.lang.get().t(Key::RegistrationIntro).to_owned())}</p>
            {settings.name_field_registration_form.then(|| view! {
                <Field id="lc-name" label=Key::Name value=name errors=errors error=|e| e.name autofocus=true/>
            }.into_any())}
            {settings.email_field_registration_form.then(|| view! {
                <Field id="lc-email" label=Key::Email kind="email" value=email errors=errors error=|e| e.email
                    autofocus=!settings.name_field_registration_form/>
            }.into_any())}
            {s.config_lists("customFields").then(|| slot("fields"))}
            <DepartmentPicker departments=departments value=department/>
            {server_error(s)}
            {submit_button(Key::StartChat, busy)}
        </form>
    }
}

/// The offline form, when nobody is online.
#[component]
pub fn OfflineForm() -> impl IntoView {
    let s = expect_context::<Session>();
    let (name, email, message, department) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    if let Some(v) = s.visitor.get_untracked() {
        name.set(v.name.clone().unwrap_or_default());
        email.set(v.email().unwrap_or_default().to_owned());
    }
    let errors = RwSignal::new(FormErrors::default());
    let busy = RwSignal::new(false);
    let intro =
        s.config.with_untracked(|c| c.as_ref().map(|c| c.messages.offline_message.clone())).filter(|m| !m.is_empty());
    let departments: Vec<(String, String)> = s.config.with_untracked(|c| {
        c.as_ref()
            .map(|c| {
                c.departments
                    .iter()
                    .filter(|d| d.show_on_offline_form)
                    .map(|d| (d.id.clone(), d.name.clone()))
                    .collect()
            })
            .unwrap_or_default()
    });
    let on_submit = submit(move || {
        busy.set(true);
        Session::spawn(async move {
            let department = Some(department.get_untracked()).filter(|d| !d.is_empty());
            let found =
                s.send_offline(name.get_untracked(), email.get_untracked(), message.get_untracked(), department).await;
            errors.set(found);
            busy.set(false);
        });
    });
    view! {
        <form class="lc-form" on:submit=on_submit novalidate>
            {heading(None, tr(Key::LeaveMessageTitle), false)}
            <p>{move || intro.clone().unwrap_or_else(|| s.lang.get().t(Key::OfflineIntro).to_owned())}</p>
            <Field id="lc-off-name" label=Key::Name value=name errors=errors error=|e| e.name autofocus=true/>
            <Field id="lc-off-email" label=Key::Email kind="email" value=email errors=errors error=|e| e.email/>
            <DepartmentPicker departments=departments value=department/>
            <Field id="lc-off-message" label=Key::Message value=message multiline=true errors=errors error=|e| e.message/>
            {server_error(s)}
            {submit_button(Key::SendMessage, busy)}
        </form>
    }
}

/// After the offline form: the server's (or our) confirmation.
#[component]
pub fn OfflineSent() -> impl IntoView {
    let s = expect_context::<Session>();
    let text = s
        .config
        .with_untracked(|c| c.as_ref().map(|c| c.messages.offline_success_message.clone()))
        .filter(|m| !m.is_empty());
    view! {
        <div class="lc-done" role="status">
            {heading(None, tr(Key::MessageSentTitle), true)}
            <p>{move || text.clone().unwrap_or_else(|| s.lang.get().t(Key::MessageSentText).to_owned())}</p>
        </div>
    }
}
