//! `livechat/custom.field` and `livechat/custom.fields`: a visitor's custom field values (the
//! fields themselves are defined by an administrator).

use serde::{Deserialize, Serialize};

use crate::json::{DecodeError, FromJson, Json, JsonWriter, Obj, ToJson};

pub use crate::visitor::CustomField;

/// `POST livechat/custom.field` body; every key is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetCustomField {
    pub token: String,
    pub key: String,
    pub value: String,
    /// `false` keeps a value already set.
    pub overwrite: bool,
}

/// `POST livechat/custom.field` answer: the field as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomFieldResponse {
    pub field: CustomField,
}

/// `POST livechat/custom.fields` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetCustomFields {
    pub token: String,
    #[serde(rename = "customFields")]
    pub custom_fields: Vec<CustomField>,
}

/// `POST livechat/custom.fields` answer. Rocket.Chat spells the key `Key`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomFieldsResponse {
    pub fields: Vec<SavedField>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedField {
    #[serde(rename = "Key")]
    pub key: String,
    pub value: String,
    pub overwrite: bool,
}

impl FromJson for CustomFieldResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(CustomFieldResponse { field: Obj::new(v)?.req("field")? })
    }
}

impl FromJson for CustomFieldsResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(CustomFieldsResponse { fields: Obj::new(v)?.req("fields")? })
    }
}

impl FromJson for SavedField {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(SavedField { key: o.req("Key")?, value: o.req("value")?, overwrite: o.req("overwrite")? })
    }
}

impl ToJson for SetCustomField {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("token", &self.token);
            w.field("key", &self.key);
            w.field("value", &self.value);
            w.field("overwrite", &self.overwrite);
        });
    }
}

impl ToJson for SetCustomFields {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("token", &self.token);
            w.field("customFields", &self.custom_fields);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_decode_as_the_api_documents_show_them() {
        let one: crate::Success<CustomFieldResponse> = serde_json::from_str(
            r#"{"field":{"key":"address","value":"Rocket.Chat Avenue","overwrite":true},"success":true}"#,
        )
        .unwrap();
        assert_eq!(
            one.body.field,
            CustomField { key: "address".into(), value: "Rocket.Chat Avenue".into(), overwrite: true }
        );
        let many: crate::Success<CustomFieldsResponse> = serde_json::from_str(
            r#"{"fields":[{"Key":"address","value":"Rocket.Chat Avenue","overwrite":true}],"success":true}"#,
        )
        .unwrap();
        assert_eq!(many.body.fields[0].key, "address");
    }
}
