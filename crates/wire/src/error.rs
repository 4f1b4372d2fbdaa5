//! The failure body every endpoint answers with.

use serde::{Deserialize, Serialize};

use crate::json::{DecodeError, FromJson, Json, Obj};

/// `{"success": false, "error": "...", "errorType": "..."}`.
///
/// * Business errors (400) carry `error`, and `errorType` when the server raised a typed
///   `Meteor.Error` (`"Sorry, no online agents [no-agent-online]"` / `"no-agent-online"`).
/// * A missing login (401) also carries `status: "error"` and `message`.
/// * Parameter validation: `errorType` is `invalid-params` (legacy routes) or
///   `error-invalid-params` (typed routes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub success: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, rename = "errorType", skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ErrorBody {
    /// The most specific text the body has.
    pub fn text(&self) -> Option<&str> {
        self.error.as_deref().or(self.message.as_deref())
    }
}

impl FromJson for ErrorBody {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(ErrorBody {
            success: o.or_default("success")?,
            error: o.or_default("error")?,
            error_type: o.or_default("errorType")?,
            status: o.or_default("status")?,
            message: o.or_default("message")?,
        })
    }
}
