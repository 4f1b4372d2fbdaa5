//! Wire types for Rocket.Chat's Livechat API, shared by the widget's client and the dev server so
//! the two cannot drift apart.
//!
//! # Layout
//!
//! One module per API resource, named after its REST path under `/api/v1/`:
//!
//! | module | endpoints |
//! |---|---|
//! | [`visitor`] | `livechat/visitor`, `livechat/visitor/:token` |
//! | [`config`] | `livechat/config` |
//! | [`room`] | `livechat/room`, `room.close`, `room.transfer`, `visitor/department.transfer`, `room.survey`, `room.forward`, `room.closeByUser` |
//! | [`message`] | `livechat/message`, `livechat/message/:_id`, `livechat/messages.history/:rid`, `chat.sendMessage` |
//! | [`offline_message`] | `livechat/offline.message` |
//! | [`page`] | `livechat/page.visited` |
//! | [`custom_field`] | `livechat/custom.field`, `livechat/custom.fields` |
//! | [`agent`] | `livechat/agent.info/:rid/:token` and the agent shape shown to visitors |
//! | [`rooms`] | `livechat/rooms` (agent side) |
//! | [`inquiries`] | `livechat/inquiries.list`, `inquiries.take`, `inquiries.getOne` (agent side) |
//! | [`auth`] | `login`, `logout`, the `X-User-Id` / `X-Auth-Token` headers |
//! | [`ddp`] | DDP-over-WebSocket frames and the Livechat stream names |
//!
//! Plus [`date`] (Rocket.Chat's ISO / EJSON dates), [`error`] (the failure body), [`id`]
//! (Meteor-style random ids and tokens) and [`json`] (the hand-shaped decoders and encoders the
//! widget uses instead of serde, beside the serde derives the dev server uses).
//!
//! # Conventions
//!
//! * Field names are the server's, spelling mistakes included (`agentResposiveness`).
//! * Unknown fields are ignored when decoding: the real server sends many more than these.
//! * Optional fields are omitted, never sent as `null`: the server's validators reject `null`.
//! * Responses are the body without its `"success": true`; the dev server adds it with
//!   [`Success`] and the client reads success from the HTTP status.
//! * No `serde_json` here (except behind the `serde_json` feature, for native tests): the widget
//!   parses with the browser's own `JSON.parse` and reads the result through [`json::Json`].

pub mod agent;
pub mod auth;
pub mod config;
pub mod custom_field;
pub mod date;
pub mod ddp;
pub mod error;
pub mod id;
pub mod inquiries;
pub mod json;
pub mod message;
pub mod offline_message;
pub mod page;
pub mod room;
pub mod rooms;
pub mod visitor;

pub use date::Timestamp;

use serde::{Deserialize, Serialize};

use json::{DecodeError, FromJson, Json, Obj};

/// A successful response body: the payload's fields plus `"success": true`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Success<T> {
    #[serde(flatten)]
    pub body: T,
    pub success: bool,
}

impl<T> Success<T> {
    pub fn new(body: T) -> Self {
        Success { body, success: true }
    }
}

/// An empty successful answer, `{"success": true}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Empty {}

/// A reference to a user or visitor as messages and rooms carry it (`u`, `editedBy`, `closedBy`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(default)]
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The paging fields of list answers: items on this page, where it starts, how many match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub count: u64,
    pub offset: u64,
    pub total: u64,
}

impl FromJson for Empty {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Obj::new(v).map(|_| Empty {})
    }
}

impl FromJson for UserRef {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(UserRef { id: o.req("_id")?, username: o.or_default("username")?, name: o.or_default("name")? })
    }
}

impl FromJson for Page {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(Page { count: o.req("count")?, offset: o.req("offset")?, total: o.req("total")? })
    }
}
