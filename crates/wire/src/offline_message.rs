//! `livechat/offline.message`: a message left while no agent is online.

use serde::{Deserialize, Serialize};

use crate::wire_type;

wire_type! {
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
    impl ToJson;
}

wire_type! {
    /// Answer: `{"message": "Livechat offline message sent"}`.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct OfflineMessageResponse {
        pub message: String,
    }
    impl FromJson;
}
