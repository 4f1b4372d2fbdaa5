//! `livechat/custom.field` and `livechat/custom.fields`: a visitor's custom field values (the
//! fields themselves are defined by an administrator).

use serde::{Deserialize, Serialize};

use crate::wire_type;

pub use crate::visitor::CustomField;

wire_type! {
    /// `POST livechat/custom.field` body; every key is required.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SetCustomField {
        pub token: String,
        pub key: String,
        pub value: String,
        /// `false` keeps a value already set.
        pub overwrite: bool,
    }
    impl ToJson;
}

wire_type! {
    /// `POST livechat/custom.field` answer: the field as sent.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CustomFieldResponse {
        pub field: CustomField,
    }
    impl FromJson;
}

wire_type! {
    /// `POST livechat/custom.fields` body.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SetCustomFields {
        pub token: String,
        #[serde(rename = "customFields")]
        pub custom_fields: Vec<CustomField>,
    }
    impl ToJson;
}

wire_type! {
    /// `POST livechat/custom.fields` answer. Rocket.Chat spells the key `Key`.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CustomFieldsResponse {
        pub fields: Vec<SavedField>,
    }
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SavedField {
        #[serde(rename = "Key")]
        pub key: String,
        pub value: String,
        pub overwrite: bool,
    }
    impl FromJson;
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
