//! `livechat/room` and its actions: get or create, close, transfer, survey; the agent's
//! `room.forward` and `room.closeByUser`.

use crate::StrMap;

use serde::{Deserialize, Serialize};

use crate::Timestamp;
#[cfg(feature = "full")]
use crate::UserRef;
use crate::message::DepartmentName;
#[cfg(feature = "full")]
use crate::message::Message;
use crate::wire_type;

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

wire_type! {
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
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub lm: Option<Timestamp>,
        #[cfg(feature = "full")]
        pub msgs: u64,
        #[cfg(feature = "full")]
        #[serde(rename = "usersCount", skip_serializing_if = "Option::is_none")]
        pub users_count: Option<u64>,
        #[cfg(feature = "full")]
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
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cl: Option<bool>,
        #[cfg(feature = "full")]
        #[serde(rename = "waitingResponse", skip_serializing_if = "Option::is_none")]
        pub waiting_response: Option<bool>,
        #[cfg(feature = "full")]
        #[serde(rename = "closedAt", skip_serializing_if = "Option::is_none")]
        pub closed_at: Option<Timestamp>,
        /// `"visitor"` or `"user"`.
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub closer: Option<String>,
        #[cfg(feature = "full")]
        #[serde(rename = "closedBy", skip_serializing_if = "Option::is_none")]
        pub closed_by: Option<UserRef>,
        #[cfg(feature = "full")]
        #[serde(rename = "surveyFeedback", skip_serializing_if = "Option::is_none")]
        pub survey_feedback: Option<StrMap>,
        #[cfg(feature = "full")]
        #[serde(rename = "lastMessage", skip_serializing_if = "Option::is_none")]
        pub last_message: Option<Box<Message>>,
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<String>,
        #[cfg(feature = "full")]
        #[serde(rename = "livechatData", skip_serializing_if = "StrMap::is_empty")]
        pub livechat_data: StrMap,
        /// Attached by `livechat/rooms`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub department: Option<DepartmentName>,
        #[cfg(feature = "full")]
        #[serde(rename = "_updatedAt", skip_serializing_if = "Option::is_none")]
        pub updated_at: Option<Timestamp>,
    }
    impl FromJson;
}

impl Room {
    pub fn is_open(&self) -> bool {
        self.open == Some(true)
    }

    /// Whether the agent `user_id` serves the room (`servedBy`).
    pub fn is_served_by(&self, user_id: &str) -> bool {
        self.served_by.as_ref().is_some_and(|s| s.id == user_id)
    }
}

wire_type! {
    /// The visitor as the room carries it (`room.v`).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct RoomVisitor {
        #[serde(rename = "_id")]
        pub id: String,
        pub username: String,
        pub token: String,
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[cfg(feature = "full")]
        #[serde(rename = "lastMessageTs", skip_serializing_if = "Option::is_none")]
        pub last_message_ts: Option<Timestamp>,
    }
    impl FromJson;
}

wire_type! {
    /// The agent serving the room.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct ServedBy {
        #[serde(rename = "_id")]
        pub id: String,
        pub username: String,
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ts: Option<Timestamp>,
    }
    impl FromJson;
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

wire_type! {
    /// `GET livechat/room` answer.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct RoomResponse {
        pub room: Room,
        #[serde(rename = "newRoom", default)]
        pub new_room: bool,
    }
    impl FromJson;
}

wire_type! {
    /// `POST livechat/room.close` body.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CloseRoom {
        pub token: String,
        pub rid: String,
    }
    impl ToJson;
}

wire_type! {
    /// `POST livechat/room.close` answer: `{"rid": "...", "comment": "Closed by visitor"}`.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CloseRoomResponse {
        pub rid: String,
        #[serde(default)]
        pub comment: String,
    }
    impl FromJson;
}

wire_type! {
    /// `POST livechat/visitor/department.transfer` (8.x) and `livechat/room.transfer` (7.x) body.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct TransferRoom {
        pub token: String,
        pub rid: String,
        pub department: String,
    }
    impl ToJson;
}

wire_type! {
    /// Transfer answer: 7.x sends a room projection, 8.x nothing but success.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct TransferResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub room: Option<Room>,
    }
    impl FromJson;
}

wire_type! {
    /// One answer in a survey.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SurveyItem {
        pub name: String,
        pub value: String,
    }
    impl ToJson;
}

wire_type! {
    /// `POST livechat/room.survey` body.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Survey {
        pub token: String,
        pub rid: String,
        pub data: Vec<SurveyItem>,
    }
    impl ToJson;
}

wire_type! {
    /// Survey answer: the items the server kept, as a map.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SurveyResponse {
        pub rid: String,
        pub data: StrMap,
    }
    impl FromJson;
}

wire_type! {
    /// `POST livechat/room.forward` body (agent side).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ForwardRoom {
        #[serde(rename = "roomId")]
        pub room_id: String,
        #[serde(rename = "userId", default, skip_serializing_if = "Option::is_none")]
        pub user_id: Option<String>,
        #[serde(rename = "departmentId", default, skip_serializing_if = "Option::is_none")]
        pub department_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub comment: Option<String>,
    }
    impl ToJson;
}

wire_type! {
    /// `POST livechat/room.closeByUser` body (agent side).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CloseRoomByUser {
        pub rid: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub comment: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<String>,
    }
    impl ToJson;
}
