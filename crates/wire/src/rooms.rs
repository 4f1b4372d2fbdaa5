//! `livechat/rooms`: the agent's list of rooms, with filters and paging.

use serde::{Deserialize, Serialize};

use crate::room::Room;
use crate::wire_type;

/// `GET livechat/rooms` query. Dates are JSON strings `{"start": ISO, "end": ISO}` on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomsQuery {
    /// Rooms served by these agent ids (`agents[]=a&agents[]=b`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<String>,
    /// Case-insensitive substring of the room name, or an exact name in double quotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<String>,
    /// `true`: open, served and not on hold; `false`: closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// Open rooms no agent serves yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// A JSON object of `field: 1 | -1`, e.g. `{"ts": -1}` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct RoomsResponse {
        pub rooms: Vec<Room>,
        #[serde(flatten)]
        pub page: crate::Page,
    }
    impl FromJson;
}
