//! `login` / `logout` and the headers that authenticate agents.
//!
//! Visitors never log in: their token is their identity. Agents log in with a username and
//! password and send the answer's `userId` and `authToken` as headers on every call.

use serde::{Deserialize, Serialize};

use crate::json::{DecodeError, FromJson, Json, JsonWriter, Obj, ToJson};

/// Header carrying the agent's user id.
pub const USER_ID_HEADER: &str = "X-User-Id";
/// Header carrying the agent's login token.
pub const AUTH_TOKEN_HEADER: &str = "X-Auth-Token";

/// `POST login` body: `{"user": "<username or e-mail>", "password": "..."}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    pub user: String,
    pub password: String,
}

/// `POST login` answer: `{"status": "success", "data": {...}}` (no `success` key).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub status: String,
    pub data: LoginData,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginData {
    pub user_id: String,
    pub auth_token: String,
    #[serde(default)]
    pub me: Me,
}

/// The logged-in user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Me {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `available` or `not-available`: whether the agent takes Livechat conversations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_livechat: Option<String>,
    pub roles: Vec<String>,
}

/// `POST logout` answer: `{"status": "success", "data": {"message": "You've been logged out!"}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogoutResponse {
    pub status: String,
    #[serde(default)]
    pub data: LogoutData,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogoutData {
    pub message: String,
}

impl ToJson for Login {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("user", &self.user);
            w.field("password", &self.password);
        });
    }
}

impl FromJson for LoginResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(LoginResponse { status: o.req("status")?, data: o.req("data")? })
    }
}

impl FromJson for LoginData {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(LoginData { user_id: o.req("userId")?, auth_token: o.req("authToken")?, me: o.or_default("me")? })
    }
}

impl FromJson for Me {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut m = Me::default();
        o.set("_id", &mut m.id);
        o.set("username", &mut m.username);
        o.set("name", &mut m.name);
        o.set("status", &mut m.status);
        o.set("statusLivechat", &mut m.status_livechat);
        o.set("roles", &mut m.roles);
        o.done(m)
    }
}

impl FromJson for LogoutResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(LogoutResponse { status: o.req("status")?, data: o.or_default("data")? })
    }
}

impl FromJson for LogoutData {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(LogoutData { message: Obj::new(v)?.or_default("message")? })
    }
}
