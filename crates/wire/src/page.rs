//! `livechat/page.visited`: the pages a visitor navigates, for the agent's navigation history.

use serde::{Deserialize, Serialize};

use crate::json::{DecodeError, FromJson, Json, JsonWriter, Obj, ToJson};

/// What changed on the page: Rocket.Chat saves a visit only when this equals its
/// `Livechat_history_monitor_type` setting (`"url"` by default, or `"title"`).
pub mod change {
    pub const URL: &str = "url";
    pub const TITLE: &str = "title";
}

/// `POST livechat/page.visited` body. No extra keys at any level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageVisited {
    pub token: String,
    /// The visitor's open room, if it has one; without it the visit is kept with the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rid: Option<String>,
    #[serde(rename = "pageInfo")]
    pub page_info: PageInfo,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageInfo {
    pub title: String,
    /// [`change::URL`] or [`change::TITLE`].
    pub change: String,
    pub location: Location,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub href: String,
}

/// `POST livechat/page.visited` answer: the saved navigation message, or nothing when the
/// server does not track this kind of change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageVisitedResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<NavigationMessage>,
}

/// The `livechat_navigation_history` system message, as the answer shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavigationMessage {
    /// `"<title> - <href>"`.
    pub msg: String,
    pub navigation: Navigation,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Navigation {
    pub page: PageInfo,
    pub token: String,
}

/// The message type of a saved visit.
pub const NAVIGATION_HISTORY: &str = "livechat_navigation_history";

impl ToJson for PageVisited {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("token", &self.token);
            w.field_opt("rid", &self.rid);
            w.field("pageInfo", &self.page_info);
        });
    }
}

impl ToJson for PageInfo {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| {
            w.field("title", &self.title);
            w.field("change", &self.change);
            w.field("location", &self.location);
        });
    }
}

impl ToJson for Location {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| w.field("href", &self.href));
    }
}

impl FromJson for PageVisitedResponse {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(PageVisitedResponse { page: Obj::new(v)?.or_default("page")? })
    }
}

impl FromJson for NavigationMessage {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(NavigationMessage { msg: o.req("msg")?, navigation: o.req("navigation")? })
    }
}

impl FromJson for Navigation {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(Navigation { page: o.req("page")?, token: o.req("token")? })
    }
}

impl FromJson for PageInfo {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        Ok(PageInfo { title: o.req("title")?, change: o.req("change")?, location: o.req("location")? })
    }
}

impl FromJson for Location {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(Location { href: Obj::new(v)?.req("href")? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_request_round_trips() {
        let text = r#"{"token":"iNKE8a6k6cjbqWhWd","rid":"vp3D9H8ud6HYvRpvq","pageInfo":{"title":"","change":"url","location":{"href":"http://localhost:3000/demo.html#page-4"}}}"#;
        let body: PageVisited = serde_json::from_str(text).unwrap();
        assert_eq!(body.rid.as_deref(), Some("vp3D9H8ud6HYvRpvq"));
        assert_eq!(body.page_info.change, change::URL);
        assert_eq!(serde_json::to_string(&body).unwrap(), text);
        let without_room = PageVisited { rid: None, ..body };
        assert!(!serde_json::to_string(&without_room).unwrap().contains("rid"));
    }

    #[test]
    fn an_untracked_change_answers_without_a_page() {
        let empty: crate::Success<PageVisitedResponse> = serde_json::from_str(r#"{"success":true}"#).unwrap();
        assert_eq!(empty.body.page, None);
    }
}
