//! `livechat/visitor`: registering and reading the visitor (`ILivechatVisitor`).

#[cfg(feature = "full")]
use crate::StrMap;

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::wire_type;

wire_type! {
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
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ts: Option<Timestamp>,
        #[cfg(feature = "full")]
        #[serde(rename = "_updatedAt", skip_serializing_if = "Option::is_none")]
        pub updated_at: Option<Timestamp>,
        #[cfg(feature = "full")]
        #[serde(rename = "livechatData", skip_serializing_if = "StrMap::is_empty")]
        pub livechat_data: StrMap,
    }
    impl FromJson;
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

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct EmailAddress {
        pub address: String,
    }
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PhoneNumber {
        #[serde(rename = "phoneNumber")]
        pub phone_number: String,
    }
    impl FromJson;
}

wire_type! {
    /// `POST livechat/visitor` body.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct RegisterVisitor {
        pub visitor: NewVisitor,
    }
    impl ToJson;
}

wire_type! {
    /// The visitor to create or update. Matched by token, then phone, then e-mail.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
        #[serde(rename = "customFields", default, skip_serializing_if = "Vec::is_empty")]
        pub custom_fields: Vec<CustomField>,
    }
    impl ToJson;
}

wire_type! {
    /// A visitor custom field as `registerGuest` and `custom.fields` take it.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CustomField {
        pub key: String,
        pub value: String,
        /// Replace an existing value (Rocket.Chat 8 treats a missing flag as `false`).
        #[serde(default)]
        pub overwrite: bool,
    }
    impl FromJson, ToJson;
}

wire_type! {
    /// `POST livechat/visitor` and `GET livechat/visitor/:token` answer.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct VisitorResponse {
        pub visitor: Visitor,
    }
    impl FromJson;
}

wire_type! {
    /// `DELETE livechat/visitor/:token` answer: the removed visitor's id and when it went.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct DeleteVisitorResponse {
        pub visitor: DeletedVisitor,
    }
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct DeletedVisitor {
        #[serde(rename = "_id")]
        pub id: String,
        /// When it was removed (an ISO date).
        pub ts: Timestamp,
    }
    impl FromJson;
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
