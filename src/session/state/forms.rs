//! The pre-chat and offline forms: their checks (with the problems as texts to show) and
//! their sending.

use super::*;

/// Problems with a form, per field; empty when the form is fine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub name: Option<Key>,
    pub email: Option<Key>,
    pub message: Option<Key>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.message.is_none()
    }
}

/// The e-mail field's problem, if any.
fn email_problem(email: &str) -> Option<Key> {
    if email.trim().is_empty() {
        Some(Key::EmailRequired)
    } else if !is_email(email.trim()) {
        Some(Key::EmailInvalid)
    } else {
        None
    }
}

impl Session {
    /// Departments the visitor may pick on the pre-chat form.
    pub fn registration_departments(&self) -> Vec<Department> {
        self.config.with(|c| {
            c.as_ref()
                .map_or_else(Vec::new, |c| c.departments.iter().filter(|d| d.show_on_registration).cloned().collect())
        })
    }

    /// Checks the pre-chat form as the server's settings require it.
    pub fn check_registration(&self, name: &str, email: &str) -> FormErrors {
        let (ask_name, ask_email) = self.config.with_untracked(|c| {
            c.as_ref().map_or((true, true), |c| {
                (c.settings.name_field_registration_form, c.settings.email_field_registration_form)
            })
        });
        FormErrors {
            name: (ask_name && name.trim().is_empty()).then_some(Key::NameRequired),
            email: if ask_email { email_problem(email) } else { None },
            message: None,
        }
    }

    /// Registers the visitor from the pre-chat form, then shows the chat.
    pub async fn register(self, name: String, email: String, department: Option<String>) -> FormErrors {
        self.interacted();
        let errors = self.check_registration(&name, &email);
        if !errors.is_empty() || self.io().fields_refused.get() {
            return errors;
        }
        let (name, email) = (name.trim().to_owned(), email.trim().to_owned());
        let details = self.peek(|c| {
            c.registration(Some(name).filter(|n| !n.is_empty()), Some(email).filter(|e| !e.is_empty()), department)
        });
        let form = Submitted::PreChat {
            name: details.name.clone().unwrap_or_default(),
            email: details.email.clone().unwrap_or_default(),
            department: details.department.clone(),
        };
        let g = self.peek(Core::guard);
        match self.client().register(details).await {
            Ok(visitor) => {
                self.update(|c| {
                    if c.registered(&g, visitor) {
                        c.form_accepted(&g, form, Screen::Chat);
                    }
                });
                self.trigger("registered", wasm_bindgen::JsValue::UNDEFINED);
            }
            Err(e) => {
                self.update(|c| c.form_refused(&g, &e));
            }
        }
        FormErrors::default()
    }

    /// Checks the offline form.
    pub fn check_offline(&self, name: &str, email: &str, message: &str) -> FormErrors {
        FormErrors {
            name: name.trim().is_empty().then_some(Key::NameRequired),
            email: email_problem(email),
            message: message.trim().is_empty().then_some(Key::MessageRequired),
        }
    }

    /// Sends the offline form.
    pub async fn send_offline(
        self,
        name: String,
        email: String,
        message: String,
        department: Option<String>,
    ) -> FormErrors {
        self.interacted();
        let errors = self.check_offline(&name, &email, &message);
        if !errors.is_empty() {
            return errors;
        }
        let note = OfflineMessage {
            name: name.trim().to_owned(),
            email: email.trim().to_owned(),
            message: message.trim().to_owned(),
            department: self.peek(|c| c.registration(None, None, department).department),
            host: web_sys::window().and_then(|w| w.location().host().ok()),
        };
        let g = self.peek(Core::guard);
        match self.client().offline_message(&note).await {
            Ok(_) => {
                let form = Submitted::Offline {
                    name: note.name,
                    email: note.email,
                    message: note.message,
                    department: note.department,
                };
                self.update(|c| c.form_accepted(&g, form, Screen::OfflineSent))
            }
            Err(e) => self.update(|c| c.form_refused(&g, &e)),
        };
        FormErrors::default()
    }
}
