//! `login` / `logout` and the headers that authenticate agents.
//!
//! Visitors never log in: their token is their identity. Agents log in with a username and
//! password and send the answer's `userId` and `authToken` as headers on every call.

use serde::{Deserialize, Serialize};

use crate::wire_type;

/// Header carrying the agent's user id.
pub const USER_ID_HEADER: &str = "X-User-Id";
/// Header carrying the agent's login token.
pub const AUTH_TOKEN_HEADER: &str = "X-Auth-Token";
/// Header carrying the visitor's token where a body or query cannot (an upload, the config's
/// preflighted form).
pub const VISITOR_TOKEN_HEADER: &str = "x-visitor-token";

wire_type! {
    /// `POST login` body: `{"user": "<username or e-mail>", "password": "..."}`.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Login {
        pub user: String,
        pub password: String,
    }
    impl ToJson;
}

wire_type! {
    /// `POST login` answer: `{"status": "success", "data": {...}}` (no `success` key).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct LoginResponse {
        pub status: String,
        pub data: LoginData,
    }
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct LoginData {
        #[serde(rename = "userId")]
        pub user_id: String,
        #[serde(rename = "authToken")]
        pub auth_token: String,
        #[serde(default)]
        pub me: Me,
    }
    impl FromJson;
}

wire_type! {
    /// The logged-in user.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Me {
        #[serde(rename = "_id")]
        pub id: String,
        pub username: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
        /// `available` or `not-available`: whether the agent takes Livechat conversations.
        #[serde(rename = "statusLivechat", skip_serializing_if = "Option::is_none")]
        pub status_livechat: Option<String>,
        pub roles: Vec<String>,
    }
    impl FromJson;
}

wire_type! {
    /// `POST logout` answer: `{"status": "success", "data": {"message": "You've been logged out!"}}`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct LogoutResponse {
        pub status: String,
        #[serde(default)]
        pub data: LogoutData,
    }
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct LogoutData {
        pub message: String,
    }
    impl FromJson;
}
