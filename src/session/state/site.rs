//! What the host site changes through the JavaScript API (Rocket.Chat's `setDepartment`,
//! `setGuestName`, `setGuestEmail`, `setGuestToken`, `registerGuest`, `setCustomField`,
//! `setLanguage`, and the widget's own `reset`). Each changes the session's options at once (so
//! calls apply in the order they were made); when the visitor is already registered, the
//! returned future also sends the change to the server.

use livechat_wire::visitor::CustomField;

use super::*;
use crate::storage::OUTBOX;

/// A form the server accepted, as the site's `onPrechatFormSubmit` / `onOfflineFormSubmit`
/// callbacks receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    PreChat { name: String, email: String, department: Option<String> },
    Offline { name: String, email: String, message: String, department: Option<String> },
}

/// Sets `field` in `pending`: a new key is added; a key already there changes only with
/// `overwrite` (as the server treats it).
pub(crate) fn merge_field(pending: &mut Vec<CustomField>, field: CustomField) {
    match pending.iter_mut().find(|f| f.key == field.key) {
        Some(existing) if field.overwrite => *existing = field,
        Some(_) => {}
        None => pending.push(field),
    }
}

impl Session {
    /// Routes the next chat to `department` (id or name), or to none.
    pub fn set_department(&self, department: Option<String>) -> Task<Result<(), Error>> {
        let department = department.filter(|d| !d.trim().is_empty());
        self.options.update_value(|o| o.department = department);
        self.update_visitor()
    }

    /// The visitor's name as the site knows it; with a name and an e-mail the pre-chat form
    /// is skipped.
    pub fn set_guest_name(&self, name: Option<String>) -> Task<Result<(), Error>> {
        let name = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        self.options.update_value(|o| o.name = name);
        self.update_visitor()
    }

    /// The visitor's e-mail as the site knows it. Check it with [`is_email`] first.
    pub fn set_guest_email(&self, email: Option<String>) -> Task<Result<(), Error>> {
        let email = email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
        self.options.update_value(|o| o.email = email);
        self.update_visitor()
    }

    /// Sends the site's name, e-mail and department when the visitor is registered already;
    /// otherwise they go with the registration.
    fn update_visitor(self) -> Task<Result<(), Error>> {
        Box::pin(async move {
            if self.visitor.with_untracked(Option::is_none) {
                return Ok(());
            }
            let details = self.options.with_value(|o| NewVisitor {
                name: o.name.clone(),
                email: o.email.clone(),
                department: o.department.clone(),
                ..NewVisitor::default()
            });
            let g = self.generation();
            let visitor = self.client().register(details).await?;
            if self.current(g) {
                self.visitor.set(Some(visitor));
            }
            Ok(())
        })
    }

    /// Sets a custom field of the visitor: at once when registered, else with the
    /// registration. Without `overwrite` a value already set is kept.
    pub fn set_custom_field(&self, key: String, value: String, overwrite: bool) -> Task<Result<(), Error>> {
        let registered = self.visitor.with_untracked(Option::is_some);
        if !registered {
            let field = CustomField { key: key.clone(), value: value.clone(), overwrite };
            self.options.update_value(|o| merge_field(&mut o.custom_fields, field));
        }
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
        self.options.update_value(|o| {
            o.name = guest.name.clone().or(o.name.take());
            o.email = guest.email.clone().or(o.email.take());
            o.department = guest.department.clone().or(o.department.take());
            for field in guest.custom_fields.iter().cloned() {
                merge_field(&mut o.custom_fields, field);
            }
        });
        let details = self.options.with_value(|o| NewVisitor {
            name: o.name.clone(),
            email: o.email.clone(),
            department: o.department.clone(),
            custom_fields: o.custom_fields.clone(),
            ..guest
        });
        let session = *self;
        let g = self.generation();
        Box::pin(async move {
            let visitor = session.client().register(details).await?;
            if !session.current(g) {
                return Ok(());
            }
            session.options.update_value(|o| o.custom_fields.clear());
            session.visitor.set(Some(visitor));
            if session.screen.get_untracked() == Screen::Register {
                session.screen.set(Screen::Chat);
            }
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
        self.store.with_value(TokenStore::reset);
        let token = self.store.with_value(TokenStore::token);
        self.options.update_value(|o| {
            o.name = None;
            o.email = None;
            o.custom_fields.clear();
        });
        self.use_token(&token);
    }

    /// Uses `token` from now on and forgets the conversation shown, the realtime link to the
    /// old room, the messages still waiting to go out (in memory and in storage), and any work
    /// begun for the previous visitor (its answers are dropped when they come).
    fn use_token(&self, token: &str) {
        self.marks.update_value(|m| m.generation = m.generation.wrapping_add(1));
        if let Some(rt) = self.realtime.get_value() {
            rt.watch(None);
        }
        let waiters = self.out.try_update_value(|o| std::mem::take(o).waiters).unwrap_or_default();
        for resolve in waiters {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
        self.marks.update_value(|m| {
            m.refresh_retry.0 = 0;
            m.start_retry.0 = 0;
            m.starting = false;
            m.synced = None;
            m.caught_up = false;
        });
        self.store.with_value(|s| {
            s.set_token(token);
            s.set_room_id(None);
            s.set(OUTBOX, None);
        });
        let transport = self.client.with_value(|c| c.transport().clone());
        self.client.set_value(VisitorClient::new(transport, token));
        self.visitor.set(None);
        self.room.set(None);
        self.agent.set(None);
        self.typing.set(Vec::new());
        self.queue_spot.set(None);
        self.conversation.update(Conversation::clear);
        self.outbox.update(Keyed::clear);
        self.banner.set(None);
        self.form_error.set(None);
        self.submitted.set(None);
        self.history_complete.set(false);
        self.unread.set(0);
        self.screen.set(Screen::Loading);
    }

    /// Reports the page the visitor is on (`livechat/page.visited`, a `url` change), with the
    /// open room when there is one.
    pub fn page_visited(self, title: String, href: String) -> Task<Result<(), Error>> {
        Box::pin(async move {
            let rid = self.room_id();
            self.client().page_visited(rid.as_deref(), &title, &href, livechat_wire::page::change::URL).await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &str, value: &str, overwrite: bool) -> CustomField {
        CustomField { key: key.into(), value: value.into(), overwrite }
    }

    #[test]
    fn pending_fields_keep_or_overwrite_like_the_server() {
        let mut pending = Vec::new();
        merge_field(&mut pending, field("plan", "gold", false));
        merge_field(&mut pending, field("plan", "free", false));
        assert_eq!(pending, [field("plan", "gold", false)], "without overwrite the first value stays");
        merge_field(&mut pending, field("company", "Acme", true));
        merge_field(&mut pending, field("plan", "free", true));
        assert_eq!(pending, [field("plan", "free", true), field("company", "Acme", true)]);
    }
}
