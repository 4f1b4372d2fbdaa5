//! `livechat/message`, `livechat/message/:_id`, `livechat/messages.history/:rid`, and the agent's
//! `chat.sendMessage`.

use serde::{Deserialize, Serialize};

use crate::json::Kept;
#[cfg(feature = "rich")]
use crate::md::Md;
use crate::wire_type;

mod attachment;
pub use attachment::{Attachment, Dimensions, FileRef};

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

wire_type! {
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
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub groupable: Option<bool>,
        #[serde(rename = "editedAt", skip_serializing_if = "Option::is_none")]
        pub edited_at: Option<Timestamp>,
        #[cfg(feature = "full")]
        #[serde(rename = "editedBy", skip_serializing_if = "Option::is_none")]
        pub edited_by: Option<UserRef>,
        #[serde(rename = "_updatedAt", skip_serializing_if = "Option::is_none")]
        pub updated_at: Option<Timestamp>,
        #[serde(rename = "transferData", skip_serializing_if = "Option::is_none")]
        pub transfer_data: Option<TransferData>,
        #[serde(rename = "transcriptRequested", skip_serializing_if = "Option::is_none")]
        pub transcript_requested: Option<bool>,
        /// The message as it came, when the decoder's source keeps it (the widget's: its
        /// formatting and files are read from it by the part that renders them).
        #[serde(skip)]
        pub kept: Kept,
        /// The text's parse tree, as the server stores it (absent for system messages, and in
        /// servers before 4.x). This and the files below are behind the `rich` feature: a build
        /// that does not render them does not carry them (the widget's size).
        #[cfg(feature = "rich")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub md: Option<Md>,
        /// The uploaded file a message carries (its first, for several).
        #[cfg(feature = "rich")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub file: Option<FileRef>,
        #[cfg(feature = "rich")]
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub files: Vec<FileRef>,
        /// How the message shows its files, links and quotes.
        #[cfg(feature = "rich")]
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub attachments: Vec<Attachment>,
    }
    impl FromJson;
}

impl Message {
    /// True for system messages (`t` set).
    pub fn is_system(&self) -> bool {
        self.t.is_some()
    }
}

wire_type! {
    /// What a `livechat_transfer_history` message says about the transfer.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct TransferData {
        #[cfg(feature = "full")]
        /// `"agent"` or `"department"`.
        pub scope: String,
        #[cfg(feature = "full")]
        #[serde(rename = "transferredBy", skip_serializing_if = "Option::is_none")]
        pub transferred_by: Option<UserRef>,
        #[serde(rename = "transferredTo", skip_serializing_if = "Option::is_none")]
        pub transferred_to: Option<UserRef>,
        #[serde(rename = "nextDepartment", skip_serializing_if = "Option::is_none")]
        pub next_department: Option<DepartmentName>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub comment: Option<String>,
    }
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DepartmentName {
        #[serde(rename = "_id")]
        pub id: String,
        #[serde(default)]
        pub name: String,
    }
    impl FromJson;
}

wire_type! {
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
    impl ToJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct AgentRef {
        #[serde(rename = "agentId")]
        pub agent_id: String,
        pub username: String,
    }
    impl ToJson;
}

wire_type! {
    /// `PUT livechat/message/:_id` body.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct EditMessage {
        pub token: String,
        pub rid: String,
        pub msg: String,
    }
    impl ToJson;
}

wire_type! {
    /// `DELETE livechat/message/:_id` body (a body, not a query, as the server reads it).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DeleteMessage {
        pub token: String,
        pub rid: String,
    }
    impl ToJson;
}

wire_type! {
    /// Answer of send, edit, get and delete (`delete` carries only `_id` and `ts`).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct MessageResponse {
        pub message: Message,
    }
    impl FromJson;
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

wire_type! {
    /// History answer: **newest first**.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct HistoryResponse {
        pub messages: Vec<Message>,
    }
    impl FromJson;
}

wire_type! {
    /// `POST chat.sendMessage` body (an agent's reply).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct ChatSendMessage {
        pub message: OutgoingMessage,
    }
    impl ToJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct OutgoingMessage {
        #[serde(rename = "_id", default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        #[serde(default)]
        pub rid: String,
        #[serde(default)]
        pub msg: String,
        /// Attachments sent with the text (Rocket.Chat takes them from integrations and bots:
        /// quotes, images by address, cards); the text may then be empty.
        #[cfg(feature = "rich")]
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub attachments: Vec<Attachment>,
    }
    impl ToJson;
}
