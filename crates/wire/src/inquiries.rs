//! `livechat/inquiries.*`: the routing queue, as agents see it.

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::room::RoomVisitor;
use crate::wire_type;

wire_type! {
    /// A request for service waiting in (or taken from) the queue.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Inquiry {
        #[serde(rename = "_id")]
        pub id: String,
        pub rid: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ts: Option<Timestamp>,
        /// The visitor's first message, or empty.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
        /// `queued`, `ready`, `taken`, `open` or `verifying`.
        pub status: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub department: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub v: Option<RoomVisitor>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub t: Option<String>,
        #[serde(rename = "takenAt", skip_serializing_if = "Option::is_none")]
        pub taken_at: Option<Timestamp>,
        #[serde(rename = "_updatedAt", skip_serializing_if = "Option::is_none")]
        pub updated_at: Option<Timestamp>,
    }
    impl FromJson;
}

/// `GET livechat/inquiries.list` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InquiriesQuery {
    /// Department id or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct InquiriesResponse {
        pub inquiries: Vec<Inquiry>,
        #[serde(flatten)]
        pub page: crate::Page,
    }
    impl FromJson;
}

wire_type! {
    /// `POST livechat/inquiries.take` body.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct TakeInquiry {
        #[serde(rename = "inquiryId")]
        pub inquiry_id: String,
        #[serde(rename = "userId", default, skip_serializing_if = "Option::is_none")]
        pub user_id: Option<String>,
    }
    impl ToJson;
}

wire_type! {
    /// `inquiries.take` answer: old servers send the inquiry, new ones only success.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct TakeInquiryResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub inquiry: Option<Inquiry>,
    }
    impl FromJson;
}

/// `GET livechat/inquiries.getOne` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetInquiryQuery {
    pub room_id: String,
}

wire_type! {
    /// `inquiries.getOne` answer: `inquiry` is `null` when the room has none.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct GetInquiryResponse {
        #[serde(default)]
        pub inquiry: Option<Inquiry>,
    }
    impl FromJson;
}
