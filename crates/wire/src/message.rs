//! `livechat/message`, `livechat/message/:_id`, `livechat/messages.history/:rid`, and the agent's
//! `chat.sendMessage`.

use serde::{Deserialize, Serialize};

use crate::json::{DecodeError, FromJson, Json, JsonWriter, Obj, ToJson};
use crate::{Timestamp, UserRef};

/// Livechat system message types the widget reacts to (`t`).
pub mod types {
    pub const LIVECHAT_STARTED: &str = "livechat-started";
    pub const LIVECHAT_CLOSE: &str = "livechat-close";
    pub const TRANSFER_HISTORY: &str = "livechat_transfer_history";
    pub const NAVIGATION_HISTORY: &str = "livechat_navigation_history";
    pub const USER_JOINED: &str = "uj";
    pub const USER_LEFT: &str = "ul";
    pub const COMMAND: &str = "command";
}

/// A chat message (`IMessage`). System messages have `t`; normal messages do not.
///
/// Deleting answers with only `_id` and `ts`, sending in old servers without `rid`: every field
/// but `_id` may be missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Message {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub rid: String,
    pub msg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub u: Option<UserRef>,
    /// The visitor's token, on messages the visitor sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// System message type; absent on normal messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub t: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groupable: Option<bool>,
    #[serde(rename = "editedAt", skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<Timestamp>,
    #[serde(rename = "editedBy", skip_serializing_if = "Option::is_none")]
    pub edited_by: Option<UserRef>,
    #[serde(rename = "_updatedAt", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    #[serde(rename = "transferData", skip_serializing_if = "Option::is_none")]
    pub transfer_data: Option<TransferData>,
    #[serde(rename = "transcriptRequested", skip_serializing_if = "Option::is_none")]
    pub transcript_requested: Option<bool>,
}

impl Message {
    /// True for system messages (`t` set).
    pub fn is_system(&self) -> bool {
        self.t.is_some()
    }
}

/// What a `livechat_transfer_history` message says about the transfer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TransferData {
    /// `"agent"` or `"department"`.
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transferred_by: Option<UserRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transferred_to: Option<UserRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_department: Option<DepartmentName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentName {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// `POST livechat/message` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SendMessage {
    pub token: String,
    pub rid: String,
    pub msg: String,
    /// Client-chosen id: a retry with the same id is never stored twice.
    #[serde(rename = "_id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentRef {
    pub agent_id: String,
    pub username: String,
}

/// `PUT livechat/message/:_id` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditMessage {
    pub token: String,
    pub rid: String,
    pub msg: String,
}

/// `DELETE livechat/message/:_id` body (a body, not a query, as the server reads it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteMessage {
    pub token: String,
    pub rid: String,
}

/// Answer of send, edit, get and delete (`delete` carries only `_id` and `ts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageResponse {
    pub message: Message,
}

/// `GET livechat/messages.history/:rid` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryQuery {
    pub token: String,
    /// Last-seen date (accepted, not used for the answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ls: Option<Timestamp>,
    /// Only messages strictly before this date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
    /// Default 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
}

/// History answer: **newest first**.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryResponse {
    pub messages: Vec<Message>,
}

/// `POST chat.sendMessage` body (an agent's reply).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatSendMessage {
    pub message: OutgoingMessage,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutgoingMessage {
    #[serde(rename = "_id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default)]
    pub rid: String,
    #[serde(default)]
    pub msg: String,
}

impl FromJson for Message {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut m = Message::default();
        o.set("_id", &mut m.id);
        o.set("rid", &mut m.rid);
        o.set("msg", &mut m.msg);
        o.set("ts", &mut m.ts);
        o.set("u", &mut m.u);
        o.set("token", &mut m.token);
        o.set("alias", &mut m.alias);
        o.set("t", &mut m.t);
        o.set("groupable", &mut m.groupable);
        o.set("editedAt", &mut m.edited_at);
        o.set("editedBy", &mut m.edited_by);
        o.set("_updatedAt", &mut m.updated_at);
        o.set("transferData", &mut m.transfer_data);
        o.set("transcriptRequested", &mut m.transcript_requested);
        o.done(m)
    }
}

impl FromJson for TransferData {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut t = TransferData::default();
        o.set("scope", &mut t.scope);
        o.set("transferredBy", &mut t.transferred_by);
        o.set("transferredTo", &mut t.transferred_to);
        o.set("nextDepartment", &mut t.next_department);
        o.set("comment", &mut t.comment);
        o.done(t)
    }
}

impl FromJson for DepartmentName {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(DepartmentName { id: o.req("_id")?, name: o.or_default("name")? })
    }
}

impl FromJson for MessageResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(MessageResponse { message: Obj::new(v)?.req("message")? })
    }
}

impl FromJson for HistoryResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(HistoryResponse { messages: Obj::new(v)?.req("messages")? })
    }
}

impl ToJson for SendMessage {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("token", &self.token);
            w.field("rid", &self.rid);
            w.field("msg", &self.msg);
            w.field_opt("_id", &self.id);
            w.field_opt("agent", &self.agent);
        });
    }
}

impl ToJson for AgentRef {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("agentId", &self.agent_id);
            w.field("username", &self.username);
        });
    }
}

impl ToJson for EditMessage {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("token", &self.token);
            w.field("rid", &self.rid);
            w.field("msg", &self.msg);
        });
    }
}

impl ToJson for DeleteMessage {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("token", &self.token);
            w.field("rid", &self.rid);
        });
    }
}

impl ToJson for ChatSendMessage {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| w.field("message", &self.message));
    }
}

impl ToJson for OutgoingMessage {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field_opt("_id", &self.id);
            w.field("rid", &self.rid);
            w.field("msg", &self.msg);
        });
    }
}
