//! What the host site changes through the JavaScript API (Rocket.Chat's `setDepartment`,
//! `setGuestName`, `setGuestEmail`, `setGuestToken`, `registerGuest`, `setCustomField`,
//! `setLanguage`, and the widget's own `reset`). Each changes the session's options at once (so
//! calls apply in the order they were made); when the visitor is already registered, the
//! returned future also sends the change to the server.

use livechat_wire::visitor::{CustomField, NewVisitor};

use super::*;
use crate::storage::OUTBOX;

impl Session {
    /// Routes the next chat to `department` (id or name), or to none.
    pub fn set_department(&self, department: Option<String>) -> Task<Result<(), Error>> {
        let department = department.filter(|d| !d.trim().is_empty());
        self.update(|c| c.options_mut().department = department);
        self.update_visitor()
    }

    /// The visitor's name as the site knows it; with a name and an e-mail the pre-chat form
    /// is skipped.
    pub fn set_guest_name(&self, name: Option<String>) -> Task<Result<(), Error>> {
        let name = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        self.update(|c| c.options_mut().name = name);
        self.update_visitor()
    }

    /// The visitor's e-mail as the site knows it. Check it with [`is_email`] first.
    pub fn set_guest_email(&self, email: Option<String>) -> Task<Result<(), Error>> {
        let email = email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
        self.update(|c| c.options_mut().email = email);
        self.update_visitor()
    }

    /// Sends the site's name, e-mail and department when the visitor is registered already;
    /// otherwise they go with the registration.
    fn update_visitor(self) -> Task<Result<(), Error>> {
        Box::pin(async move {
            if self.visitor.with_untracked(Option::is_none) {
                return Ok(());
            }
            let details = self.peek(|c| NewVisitor { custom_fields: Vec::new(), ..c.site_registration() });
            let g = self.peek(Core::guard);
            let visitor = self.client().register(details).await?;
            self.update(|c| c.registered(&g, visitor));
            Ok(())
        })
    }

    /// Sets a custom field of the visitor: at once when registered, else with the
    /// registration. Without `overwrite` a value already set is kept.
    pub fn set_custom_field(&self, key: String, value: String, overwrite: bool) -> Task<Result<(), Error>> {
        let field = CustomField { key: key.clone(), value: value.clone(), overwrite };
        let registered = self.update(|c| c.custom_field(field)) == Some(true);
        let client = self.client();
        Box::pin(async move {
            if registered {
                client.set_custom_field(&key, &value, overwrite).await?;
            }
            Ok(())
        })
    }

    /// Registers the visitor with what the site knows, without the pre-chat form (Rocket.Chat's
    /// `registerGuest`). A `token` in `guest` switches to that visitor first.
    pub fn register_guest(&self, guest: NewVisitor) -> Task<Result<(), Error>> {
        if !guest.token.is_empty() && guest.token != self.token() {
            self.use_token(&guest.token);
        }
        let details = self
            .update(|c| {
                let o = c.options_mut();
                o.name = guest.name.clone().or(o.name.take());
                o.email = guest.email.clone().or(o.email.take());
                o.department = guest.department.clone().or(o.department.take());
                for field in guest.custom_fields.iter().cloned() {
                    core::merge_field(&mut o.custom_fields, field);
                }
                // The guest's own fields (phone, username) go along as the site gave them.
                NewVisitor {
                    token: guest.token.clone(),
                    phone: guest.phone.clone(),
                    username: guest.username.clone(),
                    ..c.site_registration()
                }
            })
            .unwrap_or_default();
        let session = *self;
        let g = self.peek(Core::guard);
        Box::pin(async move {
            let visitor = session.client().register(details).await?;
            session.update(|c| c.guest_registered(&g, visitor));
            // As the pre-chat form's: the server's after-registration triggers hear of it.
            session.trigger("registered", wasm_bindgen::JsValue::UNDEFINED);
            Ok(())
        })
    }

    /// Continues as the visitor with `token` (Rocket.Chat's `setGuestToken`): the conversation
    /// shown is put away; [`Session::start`] then loads that visitor's state. Returns whether
    /// the token changed (a blank or the same token changes nothing).
    pub fn set_guest_token(&self, token: &str) -> bool {
        let token = token.trim();
        if token.is_empty() || token == self.token() {
            return false;
        }
        self.use_token(token);
        true
    }

    /// Forgets the visitor: its token, room and everything stored, and what the site said
    /// about it (name, e-mail, custom fields). [`Session::start`] then starts as a new visitor.
    pub fn reset(&self) {
        let io = self.io();
        io.store.reset();
        // A new visitor: nothing of theirs is written until the configuration says whether the
        // server demands consent (`Session::start` settles it).
        io.store.hold();
        let token = io.store.token();
        self.update(|c| {
            let o = c.options_mut();
            o.name = None;
            o.email = None;
            o.custom_fields.clear();
        });
        self.use_token(&token);
    }

    /// Uses `token` from now on: the core forgets the previous visitor (see
    /// [`Core::use_token`]); the stored outbox is emptied, the flush loop of the previous
    /// visitor let go, and the client bound to the new token.
    pub(super) fn use_token(&self, token: &str) {
        let io = self.io();
        io.flushing.set(false);
        io.flush_scheduled.set(false);
        for resolve in io.waiters.take() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
        io.store.set_token(token);
        io.store.set(OUTBOX, None);
        let transport = io.client.borrow().transport().clone();
        *io.client.borrow_mut() = VisitorClient::new(transport, token);
        self.update(|c| c.use_token(token.to_owned()));
    }

    /// Reports the page the visitor is on (`livechat/page.visited`, a `url` change), with the
    /// open room when there is one.
    pub fn page_visited(self, title: String, href: String) -> Task<Result<(), Error>> {
        self.trigger("page", href.as_str().into());
        Box::pin(async move {
            let rid = self.peek(|c| c.room_id().map(str::to_owned));
            self.client().page_visited(rid.as_deref(), &title, &href, livechat_wire::page::change::URL).await?;
            Ok(())
        })
    }

    /// Speaks `lang` from now on (`setLanguage`, its texts installed): the view redraws in it.
    pub fn set_language(&self, lang: Lang) {
        self.lang.set(lang);
    }

    /// Titles the site set (`setTheme`) win over the server's.
    pub fn retitle(&self, title: Option<String>, offline: Option<String>) {
        self.update(|c| c.retitle(title, offline));
    }

    /// The last accepted form, once: the site's callback hears of it one time.
    pub fn take_submitted(&self) -> Option<Submitted> {
        self.update(Core::take_submitted).flatten()
    }
}
