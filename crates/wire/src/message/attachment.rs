//! A message's files and attachments (`IMessage.file`, `files`, `attachments`): what an upload
//! (`livechat/upload/:rid`, the agent's `rooms.mediaConfirm`) puts in the message it sends, and
//! quoted messages.

use serde::{Deserialize, Serialize};

use crate::{Timestamp, wire_type};

wire_type! {
    /// An uploaded file as a message names it.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct FileRef {
        #[serde(rename = "_id")]
        pub id: String,
        pub name: String,
        /// Its media type, as the uploader declared it.
        #[serde(rename = "type")]
        pub kind: String,
        /// Bytes; agents' uploads only.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub size: Option<u64>,
        /// The file name's extension; agents' uploads only.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub format: Option<String>,
        /// `"thumb"` for an image's thumbnail.
        #[serde(rename = "typeGroup", skip_serializing_if = "Option::is_none")]
        pub type_group: Option<String>,
    }
    impl FromJson;
}

wire_type! {
    /// An image's size in pixels.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Dimensions {
        pub width: u32,
        pub height: u32,
    }
    impl FromJson, ToJson;
}

wire_type! {
    /// One attachment: a file (`type: "file"`, with `title_link`), an image, audio or video
    /// (`image_url`, `audio_url`, `video_url`), or a quoted message (`author_name`, `text`,
    /// `message_link`, and its own attachments). Addresses may be relative to the server
    /// (`/file-upload/<id>/<name>`).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Attachment {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub title: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub title_link: Option<String>,
        /// The link is a download.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub title_link_download: Option<bool>,
        /// `"file"` for uploads.
        #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
        pub kind: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ts: Option<Timestamp>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub image_url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub image_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub image_size: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub image_dimensions: Option<Dimensions>,
        /// A tiny preview, base64 JPEG without a `data:` prefix.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub image_preview: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub audio_url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub audio_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub audio_size: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub video_url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub video_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub video_size: Option<u64>,
        /// A file's extension and size (agents' uploads).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub format: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub size: Option<u64>,
        #[serde(rename = "fileId", skip_serializing_if = "Option::is_none")]
        pub file_id: Option<String>,
        /// A quoted message: who wrote it, its text and where it is.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub author_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub author_icon: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub text: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub message_link: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub attachments: Vec<Attachment>,
    }
    impl FromJson, ToJson;
}
