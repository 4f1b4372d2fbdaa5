//! `livechat/inquiries.*`: the routing queue, as agents see it.

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::json::{DecodeError, FromJson, Json, JsonWriter, Obj, ToJson};
use crate::room::RoomVisitor;

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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InquiriesResponse {
    pub inquiries: Vec<Inquiry>,
    #[serde(flatten)]
    pub page: crate::Page,
}

/// `POST livechat/inquiries.take` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TakeInquiry {
    pub inquiry_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// `inquiries.take` answer: old servers send the inquiry, new ones only success.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TakeInquiryResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inquiry: Option<Inquiry>,
}

/// `GET livechat/inquiries.getOne` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetInquiryQuery {
    pub room_id: String,
}

/// `inquiries.getOne` answer: `inquiry` is `null` when the room has none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetInquiryResponse {
    pub inquiry: Option<Inquiry>,
}

impl FromJson for Inquiry {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut i = Inquiry::default();
        o.set("_id", &mut i.id);
        o.set("rid", &mut i.rid);
        o.set("name", &mut i.name);
        o.set("ts", &mut i.ts);
        o.set("message", &mut i.message);
        o.set("status", &mut i.status);
        o.set("department", &mut i.department);
        o.set("v", &mut i.v);
        o.set("t", &mut i.t);
        o.set("takenAt", &mut i.taken_at);
        o.set("_updatedAt", &mut i.updated_at);
        o.done(i)
    }
}

impl FromJson for InquiriesResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(InquiriesResponse { inquiries: Obj::new(v)?.req("inquiries")?, page: crate::Page::from_json(v)? })
    }
}

impl FromJson for TakeInquiryResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(TakeInquiryResponse { inquiry: Obj::new(v)?.or_default("inquiry")? })
    }
}

impl FromJson for GetInquiryResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(GetInquiryResponse { inquiry: Obj::new(v)?.or_default("inquiry")? })
    }
}

impl ToJson for TakeInquiry {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("inquiryId", &self.inquiry_id);
            w.field_opt("userId", &self.user_id);
        });
    }
}
