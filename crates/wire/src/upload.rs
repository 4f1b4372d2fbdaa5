//! `livechat/upload/:rid` (the visitor's file) and the agent's `rooms.media/:rid` and
//! `rooms.mediaConfirm/:rid/:fileId`.
//!
//! The visitor's upload is `multipart/form-data`: the file in [`FILE_FIELD`], optionally a
//! [`DESCRIPTION_FIELD`] and the message fields in [`MESSAGE_FIELDS`] (any other field is
//! refused, as Rocket.Chat's `check` does), with the visitor's token in the
//! [`VISITOR_TOKEN_HEADER`](crate::auth::VISITOR_TOKEN_HEADER).

use serde::{Deserialize, Serialize};

use crate::message::Message;
use crate::wire_type;

/// The multipart field of the file.
pub const FILE_FIELD: &str = "file";
/// The file's description, shown with it.
pub const DESCRIPTION_FIELD: &str = "description";
/// Message fields an upload may carry besides (only `msg` reaches the message).
pub const MESSAGE_FIELDS: [&str; 4] = ["msg", "alias", "avatar", "emoji"];

wire_type! {
    /// `POST livechat/upload/:rid` answer: the message that carries the file, with
    /// `sendMessage`'s two flags beside its fields.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct UploadResponse {
        #[serde(flatten)]
        pub message: Message,
        #[serde(rename = "newRoom", default)]
        pub new_room: bool,
        #[serde(rename = "showConnecting", default)]
        pub show_connecting: bool,
    }
    impl FromJson;
}

wire_type! {
    /// `POST rooms.media/:rid` answer: the temporary file, to confirm with `rooms.mediaConfirm`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct MediaResponse {
        pub file: MediaFile,
    }
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct MediaFile {
        #[serde(rename = "_id")]
        pub id: String,
        /// `/file-upload/<id>/<name>`.
        pub url: String,
    }
    impl FromJson;
}

wire_type! {
    /// `POST rooms.mediaConfirm/:rid/:fileId` body: the message to send the file with.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct MediaConfirm {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub msg: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
    }
    impl FromJson, ToJson;
}
