//! `livechat/room` and its actions: get or create, close, transfer, survey; the agent's
//! `room.forward` and `room.closeByUser`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::json::{DecodeError, FromJson, Json, JsonWriter, Obj, ToJson};
use crate::message::{DepartmentName, Message};
use crate::{Timestamp, UserRef};

/// The survey items Rocket.Chat accepts, spelled as the server spells them.
pub mod survey {
    pub const SATISFACTION: &str = "satisfaction";
    pub const AGENT_KNOWLEDGE: &str = "agentKnowledge";
    /// Sic: the server's field lacks the "n" of "Responsiveness".
    pub const AGENT_RESPONSIVENESS: &str = "agentResposiveness";
    pub const AGENT_FRIENDLINESS: &str = "agentFriendliness";
    pub const ADDITIONAL_FEEDBACK: &str = "additionalFeedback";
    /// The rated items, in the order the server lists them.
    pub const RATED: [&str; 4] = [SATISFACTION, AGENT_KNOWLEDGE, AGENT_RESPONSIVENESS, AGENT_FRIENDLINESS];
    /// The values a rated item may take.
    pub const VALUES: [&str; 5] = ["1", "2", "3", "4", "5"];
}

/// An omnichannel room (`t: "l"`). Many answers carry a projection (`config.room`, the 7.x
/// transfer answer), so every field but `_id` may be missing.
///
/// A closed room has **no** `open` field at all; `open == Some(true)` is the only open state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Room {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub t: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lm: Option<Timestamp>,
    pub msgs: u64,
    #[serde(rename = "usersCount", skip_serializing_if = "Option::is_none")]
    pub users_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fname: Option<String>,
    #[serde(rename = "departmentId", skip_serializing_if = "Option::is_none")]
    pub department_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub v: Option<RoomVisitor>,
    #[serde(rename = "servedBy", skip_serializing_if = "Option::is_none")]
    pub served_by: Option<ServedBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cl: Option<bool>,
    #[serde(rename = "waitingResponse", skip_serializing_if = "Option::is_none")]
    pub waiting_response: Option<bool>,
    #[serde(rename = "closedAt", skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Timestamp>,
    /// `"visitor"` or `"user"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closer: Option<String>,
    #[serde(rename = "closedBy", skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<UserRef>,
    #[serde(rename = "surveyFeedback", skip_serializing_if = "Option::is_none")]
    pub survey_feedback: Option<BTreeMap<String, String>>,
    #[serde(rename = "lastMessage", skip_serializing_if = "Option::is_none")]
    pub last_message: Option<Box<Message>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(rename = "livechatData", skip_serializing_if = "BTreeMap::is_empty")]
    pub livechat_data: BTreeMap<String, String>,
    /// Attached by `livechat/rooms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<DepartmentName>,
    #[serde(rename = "_updatedAt", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

impl Room {
    pub fn is_open(&self) -> bool {
        self.open == Some(true)
    }
}

/// The visitor as the room carries it (`room.v`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoomVisitor {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
    pub token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "lastMessageTs", skip_serializing_if = "Option::is_none")]
    pub last_message_ts: Option<Timestamp>,
}

/// The agent serving the room.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServedBy {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts: Option<Timestamp>,
}

/// `GET livechat/room` query. No other keys are accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomQuery {
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
}

/// `GET livechat/room` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoomResponse {
    pub room: Room,
    #[serde(rename = "newRoom", default)]
    pub new_room: bool,
}

/// `POST livechat/room.close` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseRoom {
    pub token: String,
    pub rid: String,
}

/// `POST livechat/room.close` answer: `{"rid": "...", "comment": "Closed by visitor"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseRoomResponse {
    pub rid: String,
    #[serde(default)]
    pub comment: String,
}

/// `POST livechat/visitor/department.transfer` (8.x) and `livechat/room.transfer` (7.x) body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRoom {
    pub token: String,
    pub rid: String,
    pub department: String,
}

/// Transfer answer: 7.x sends a room projection, 8.x nothing but success.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransferResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<Room>,
}

/// One answer in a survey.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyItem {
    pub name: String,
    pub value: String,
}

/// `POST livechat/room.survey` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    pub token: String,
    pub rid: String,
    pub data: Vec<SurveyItem>,
}

/// Survey answer: the items the server kept, as a map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyResponse {
    pub rid: String,
    pub data: BTreeMap<String, String>,
}

/// `POST livechat/room.forward` body (agent side).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardRoom {
    pub room_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `POST livechat/room.closeByUser` body (agent side).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseRoomByUser {
    pub rid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl FromJson for Room {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut r = Room::default();
        o.set("_id", &mut r.id);
        o.set("t", &mut r.t);
        o.set("ts", &mut r.ts);
        o.set("lm", &mut r.lm);
        o.set("msgs", &mut r.msgs);
        o.set("usersCount", &mut r.users_count);
        o.set("fname", &mut r.fname);
        o.set("departmentId", &mut r.department_id);
        o.set("v", &mut r.v);
        o.set("servedBy", &mut r.served_by);
        o.set("open", &mut r.open);
        o.set("cl", &mut r.cl);
        o.set("waitingResponse", &mut r.waiting_response);
        o.set("closedAt", &mut r.closed_at);
        o.set("closer", &mut r.closer);
        o.set("closedBy", &mut r.closed_by);
        o.set("surveyFeedback", &mut r.survey_feedback);
        o.set("lastMessage", &mut r.last_message);
        o.set("tags", &mut r.tags);
        o.set("livechatData", &mut r.livechat_data);
        o.set("department", &mut r.department);
        o.set("_updatedAt", &mut r.updated_at);
        o.done(r)
    }
}

impl FromJson for RoomVisitor {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut r = RoomVisitor::default();
        o.set("_id", &mut r.id);
        o.set("username", &mut r.username);
        o.set("token", &mut r.token);
        o.set("status", &mut r.status);
        o.set("name", &mut r.name);
        o.set("lastMessageTs", &mut r.last_message_ts);
        o.done(r)
    }
}

impl FromJson for ServedBy {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(ServedBy { id: o.or_default("_id")?, username: o.or_default("username")?, ts: o.or_default("ts")? })
    }
}

impl FromJson for RoomResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(RoomResponse { room: o.req("room")?, new_room: o.or_default("newRoom")? })
    }
}

impl FromJson for CloseRoomResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(CloseRoomResponse { rid: o.req("rid")?, comment: o.or_default("comment")? })
    }
}

impl FromJson for TransferResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(TransferResponse { room: Obj::new(v)?.or_default("room")? })
    }
}

impl FromJson for SurveyResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(SurveyResponse { rid: o.req("rid")?, data: o.req("data")? })
    }
}

impl ToJson for CloseRoom {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("token", &self.token);
            w.field("rid", &self.rid);
        });
    }
}

impl ToJson for TransferRoom {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("token", &self.token);
            w.field("rid", &self.rid);
            w.field("department", &self.department);
        });
    }
}

impl ToJson for SurveyItem {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("name", &self.name);
            w.field("value", &self.value);
        });
    }
}

impl ToJson for Survey {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("token", &self.token);
            w.field("rid", &self.rid);
            w.field("data", &self.data);
        });
    }
}

impl ToJson for ForwardRoom {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("roomId", &self.room_id);
            w.field_opt("userId", &self.user_id);
            w.field_opt("departmentId", &self.department_id);
            w.field_opt("comment", &self.comment);
        });
    }
}

impl ToJson for CloseRoomByUser {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("rid", &self.rid);
            w.field_opt("comment", &self.comment);
            if !self.tags.is_empty() {
                w.field("tags", &self.tags);
            }
        });
    }
}
