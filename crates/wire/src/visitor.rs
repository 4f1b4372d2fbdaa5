//! `livechat/visitor`: registering and reading the visitor (`ILivechatVisitor`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::json::{DecodeError, FromJson, Json, JsonWriter, Obj, ToJson};

/// A Livechat visitor. The `token` is the visitor's bearer secret: whoever has it is the visitor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Visitor {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
    pub token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "visitorEmails", skip_serializing_if = "Vec::is_empty")]
    pub visitor_emails: Vec<EmailAddress>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone: Vec<PhoneNumber>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts: Option<Timestamp>,
    #[serde(rename = "_updatedAt", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    #[serde(rename = "livechatData", skip_serializing_if = "BTreeMap::is_empty")]
    pub livechat_data: BTreeMap<String, String>,
}

impl Visitor {
    /// The first e-mail address, if any.
    pub fn email(&self) -> Option<&str> {
        self.visitor_emails.first().map(|e| e.address.as_str())
    }
}

/// The e-mail check both sides make: one `@`, something before it, a dotted domain after,
/// no spaces. Loose on purpose (real addresses are varied); the widget uses it to catch typos
/// before sending, the server to refuse what cannot be an address.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
        && !s.chars().any(char::is_whitespace)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress {
    pub address: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber {
    #[serde(rename = "phoneNumber")]
    pub phone_number: String,
}

/// `POST livechat/visitor` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegisterVisitor {
    pub visitor: NewVisitor,
}

/// The visitor to create or update. Matched by token, then phone, then e-mail.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewVisitor {
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Department id or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomField>,
}

/// A visitor custom field as `registerGuest` and `custom.fields` take it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    pub key: String,
    pub value: String,
    /// Replace an existing value (Rocket.Chat 8 treats a missing flag as `false`).
    #[serde(default)]
    pub overwrite: bool,
}

/// `POST livechat/visitor` and `GET livechat/visitor/:token` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VisitorResponse {
    pub visitor: Visitor,
}

impl FromJson for Visitor {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut r = Visitor::default();
        o.set("_id", &mut r.id);
        o.set("username", &mut r.username);
        o.set("token", &mut r.token);
        o.set("name", &mut r.name);
        o.set("visitorEmails", &mut r.visitor_emails);
        o.set("phone", &mut r.phone);
        o.set("department", &mut r.department);
        o.set("status", &mut r.status);
        o.set("ts", &mut r.ts);
        o.set("_updatedAt", &mut r.updated_at);
        o.set("livechatData", &mut r.livechat_data);
        o.done(r)
    }
}

impl FromJson for EmailAddress {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(EmailAddress { address: Obj::new(v)?.req("address")? })
    }
}

impl FromJson for PhoneNumber {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(PhoneNumber { phone_number: Obj::new(v)?.req("phoneNumber")? })
    }
}

impl FromJson for CustomField {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(CustomField { key: o.req("key")?, value: o.req("value")?, overwrite: o.or_default("overwrite")? })
    }
}

impl FromJson for VisitorResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(VisitorResponse { visitor: Obj::new(v)?.req("visitor")? })
    }
}

impl ToJson for RegisterVisitor {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| w.field("visitor", &self.visitor));
    }
}

impl ToJson for NewVisitor {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("token", &self.token);
            w.field_opt("name", &self.name);
            w.field_opt("email", &self.email);
            w.field_opt("department", &self.department);
            w.field_opt("phone", &self.phone);
            w.field_opt("username", &self.username);
            if !self.custom_fields.is_empty() {
                w.field("customFields", &self.custom_fields);
            }
        });
    }
}

impl ToJson for CustomField {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("key", &self.key);
            w.field("value", &self.value);
            w.field("overwrite", &self.overwrite);
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn emails() {
        for good in ["a@b.co", "first.last+tag@mail.example.org"] {
            assert!(super::is_email(good), "{good}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@@b.co", "a@b..co", "a b@c.de", "a@.co"] {
            assert!(!super::is_email(bad), "{bad}");
        }
    }
}
