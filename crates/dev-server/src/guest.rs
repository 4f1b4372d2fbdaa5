//! The visitor-matching rules, in one place: who a visitor request comes from, which room and
//! messages are theirs, what registration does with a token, and how custom field values are
//! kept or overwritten.
//!
//! A visitor is identified only by its token. Nothing is matched by phone, e-mail or name:
//! knowing someone's address is not proof of being them, so registering an unknown token
//! always makes a new visitor, and nobody else's record, token or history is touched. Every
//! visitor endpoint checks that the room (and the message) belongs to that token.

use livechat_wire::StrMap;

use livechat_wire::error::code;
use livechat_wire::message::Message;
use livechat_wire::room::Room;
use livechat_wire::visitor::{CustomField, Visitor};
use livechat_wire::{Timestamp, UserRef};
use rusqlite::Connection;

use crate::error::{ApiError, ApiResult};
use crate::store::{self, Profile};

/// The visitor with `token` (`findGuest`), or `invalid-token`.
pub fn find(conn: &Connection, token: &str) -> ApiResult<Visitor> {
    store::visitor_by_token(conn, token)?.ok_or_else(|| ApiError::plain(code::INVALID_TOKEN))
}

/// Whether the room is the visitor's with `token`.
pub fn owns(room: &Room, token: &str) -> bool {
    room.v.as_ref().is_some_and(|v| v.token == token)
}

/// The room `rid` if it is the visitor's with `token` (open or closed) (`findRoom(token, rid)`).
pub fn own_room(conn: &Connection, rid: &str, token: &str) -> ApiResult<Option<Room>> {
    store::room_for_token(conn, rid, token)
}

/// The visitor's room `rid` (open or closed), or `invalid-room`.
pub fn room(conn: &Connection, rid: &str, token: &str) -> ApiResult<Room> {
    own_room(conn, rid, token)?.ok_or_else(|| ApiError::plain(code::INVALID_ROOM))
}

/// The message `id` in the visitor's room `rid`, written by the visitor, for edit and delete;
/// with the visitor as messages name it. Errors in Rocket.Chat's order: token, room, message,
/// then `error-action-not-allowed` for a message in another room, someone else's, or a system
/// message.
pub fn own_message(conn: &Connection, id: &str, token: &str, rid: &str) -> ApiResult<(Message, UserRef)> {
    let visitor = find(conn, token)?;
    room(conn, rid, token)?;
    let message = store::message_by_id(conn, id)?.ok_or_else(|| ApiError::plain(code::INVALID_MESSAGE))?;
    if message.rid != rid
        || message.u.as_ref().map(|u| u.id.as_str()) != Some(visitor.id.as_str())
        || message.is_system()
    {
        return Err(ApiError::plain(code::ERROR_ACTION_NOT_ALLOWED));
    }
    Ok((message, store::visitor_ref(&visitor)))
}

/// A registration, checked and trimmed by the handler.
#[derive(Debug, Default)]
pub struct Registration<'a> {
    /// Stored and matched exactly as sent.
    pub token: &'a str,
    pub profile: Profile<'a>,
    /// The username asked for, if any.
    pub username: Option<&'a str>,
    pub custom_fields: &'a [CustomField],
}

/// `registerGuest`, made safe: the visitor holding the token is updated, or a new one is made.
/// Its open rooms and their inquiries take a new name. Answers the visitor as stored.
///
/// Rocket.Chat 7.x/8.x (`registerGuest` in apps/meteor/app/livechat/server/lib/guests.ts, then
/// packages/omni-core/src/visitor/create.ts) look a new token up by phone, then by e-mail: a
/// phone match answers the other visitor's token (and so their history), an e-mail match
/// moves that visitor's record to the new token (their own token then fails with
/// `invalid-token`). Knowing an address is not proof of being its owner, so here an unknown
/// token always makes a new visitor, with the phone and e-mail given, and nobody else's record
/// or token is touched. The answer has Rocket.Chat's shape and status; it differs only where
/// Rocket.Chat would hand over someone else's visitor.
pub fn register(conn: &Connection, now: Timestamp, reg: &Registration) -> ApiResult<Visitor> {
    let id = match store::visitor_by_token(conn, reg.token)? {
        Some(visitor) => visitor.id,
        None => {
            // A username asked for is kept unless another visitor has it (as username or id).
            let username = match reg.username {
                Some(u) if store::visitor_by_id(conn, u)?.is_none() && !store::username_taken(conn, u)? => u.to_owned(),
                _ => store::next_guest_username(conn)?,
            };
            store::insert_visitor(conn, now, reg.token, &username)?
        }
    };
    store::update_profile(conn, &id, &reg.profile, now)?;
    if !reg.custom_fields.is_empty() {
        let visitor = by_id(conn, &id)?;
        set_custom_fields(conn, &visitor, reg.custom_fields, Kept::Set)?;
    }
    if let Some(name) = reg.profile.name {
        store::rename_open_rooms(conn, reg.token, name)?;
        store::rename_open_inquiries(conn, reg.token, name)?;
    }
    by_id(conn, &id)
}

fn by_id(conn: &Connection, id: &str) -> ApiResult<Visitor> {
    store::visitor_by_id(conn, id)?.ok_or_else(|| ApiError::Internal("visitor vanished".into()))
}

/// Which value a custom field without `overwrite` keeps. Rocket.Chat differs by endpoint:
/// registration and `custom.field` keep any value already set, even an empty one
/// (`updateLivechatDataByToken`: `typeof livechatData[key] !== 'undefined'`); `custom.fields`
/// keeps only a non-empty one (`setMultipleCustomFields`: `!livechatData[key]` is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Any value already set.
    Set,
    /// Only a value that is not empty.
    NonEmpty,
}

/// The custom-field rule: `fields` applied to `data` in order. A field with `overwrite`
/// replaces the value; one without it is written only where no value is kept (see [`Kept`]),
/// so of two fields with one key and no `overwrite` the first stays. Answers whether anything
/// was written.
pub fn merge_custom_fields(data: &mut StrMap, fields: &[CustomField], kept: Kept) -> bool {
    let mut written = false;
    for field in fields {
        let keeps = match (data.get(&field.key), kept) {
            (None, _) => false,
            (Some(_), Kept::Set) => true,
            (Some(value), Kept::NonEmpty) => !value.is_empty(),
        };
        if field.overwrite || !keeps {
            data.insert(field.key.clone(), field.value.clone());
            written = true;
        }
    }
    written
}

/// Applies `fields` to the visitor's stored values by [`merge_custom_fields`].
pub fn set_custom_fields(conn: &Connection, visitor: &Visitor, fields: &[CustomField], kept: Kept) -> ApiResult<()> {
    let mut data = visitor.livechat_data.clone();
    if merge_custom_fields(&mut data, fields, kept) {
        store::set_livechat_data(conn, &visitor.id, &data)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &str, value: &str, overwrite: bool) -> CustomField {
        CustomField { key: key.into(), value: value.into(), overwrite }
    }

    fn merged(stored: &[(&str, &str)], fields: &[CustomField], kept: Kept) -> (Vec<(String, String)>, bool) {
        let mut data: StrMap = stored.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let written = merge_custom_fields(&mut data, fields, kept);
        (data.iter().map(|(k, v)| (k.clone(), v.clone())).collect(), written)
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn custom_fields_keep_or_overwrite() {
        for kept in [Kept::Set, Kept::NonEmpty] {
            // A new key is written with or without overwrite.
            assert_eq!(merged(&[], &[field("plan", "gold", false)], kept), (pairs(&[("plan", "gold")]), true));
            // A value set is kept without overwrite, replaced with it.
            assert_eq!(
                merged(&[("plan", "gold")], &[field("plan", "silver", false)], kept),
                (pairs(&[("plan", "gold")]), false)
            );
            assert_eq!(
                merged(&[("plan", "gold")], &[field("plan", "silver", true)], kept),
                (pairs(&[("plan", "silver")]), true)
            );
            // In order: the first of two without overwrite stays, an overwrite after it wins.
            assert_eq!(
                merged(&[], &[field("plan", "gold", false), field("plan", "silver", false)], kept),
                (pairs(&[("plan", "gold")]), true)
            );
            assert_eq!(
                merged(&[], &[field("plan", "gold", false), field("plan", "silver", true)], kept),
                (pairs(&[("plan", "silver")]), true)
            );
            // Other keys are left alone.
            assert_eq!(
                merged(&[("a", "1")], &[field("b", "2", false)], kept),
                (pairs(&[("a", "1"), ("b", "2")]), true)
            );
            assert_eq!(merged(&[("a", "1")], &[], kept), (pairs(&[("a", "1")]), false));
        }
        // An empty value counts as set for one rule and not for the other.
        assert_eq!(
            merged(&[("plan", "")], &[field("plan", "gold", false)], Kept::Set),
            (pairs(&[("plan", "")]), false)
        );
        assert_eq!(
            merged(&[("plan", "")], &[field("plan", "gold", false)], Kept::NonEmpty),
            (pairs(&[("plan", "gold")]), true)
        );
    }
}
