//! `livechat/offline.message`: a message left while no agent is online.

use serde::{Deserialize, Serialize};

use crate::json::{DecodeError, FromJson, Json, JsonWriter, Obj, ToJson};

/// `POST livechat/offline.message` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineMessage {
    pub name: String,
    pub email: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// Answer: `{"message": "Livechat offline message sent"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineMessageResponse {
    pub message: String,
}

impl ToJson for OfflineMessage {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("name", &self.name);
            w.field("email", &self.email);
            w.field("message", &self.message);
            w.field_opt("department", &self.department);
            w.field_opt("host", &self.host);
        });
    }
}

impl FromJson for OfflineMessageResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(OfflineMessageResponse { message: Obj::new(v)?.req("message")? })
    }
}
