//! `livechat/agent.info/:rid/:token`, `livechat/agent.next/:token`, and the agent as visitors see
//! it (`normalizeAgent`).

use serde::{Deserialize, Serialize};

use crate::wire_type;

use crate::visitor::{EmailAddress, PhoneNumber};

wire_type! {
    /// The serving agent. When the server hides agent info it is just `{"hiddenInfo": true}`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Agent {
        #[serde(rename = "_id", skip_serializing_if = "String::is_empty")]
        pub id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub username: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// `online`, `away`, `busy` or `offline`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub emails: Vec<EmailAddress>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub phone: Vec<PhoneNumber>,
        #[serde(rename = "hiddenInfo", skip_serializing_if = "std::ops::Not::not")]
        pub hidden_info: bool,
    }
    impl FromJson;
}

impl Agent {
    /// The name to show: the display name, else the username.
    pub fn display_name(&self) -> Option<&str> {
        self.name.as_deref().or(self.username.as_deref())
    }
}

wire_type! {
    /// `GET livechat/agent.info/:rid/:token` answer.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct AgentInfoResponse {
        pub agent: Agent,
    }
    impl FromJson;
}

/// `GET livechat/agent.next/:token` query: only `department` (an id; without it, the first
/// department shown on registration that has an agent online, else any department).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentNextQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

wire_type! {
    /// `GET livechat/agent.next/:token` answer: the agent routing would pick next (`hiddenInfo`
    /// when the server hides agents), or no agent at all when the visitor already has an open
    /// room. Nobody to pick is the error `agent-not-found`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct AgentNextResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub agent: Option<Agent>,
    }
    impl FromJson;
}
