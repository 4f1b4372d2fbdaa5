//! `livechat/page.visited`: the pages a visitor navigates, for the agent's navigation history.

use serde::{Deserialize, Serialize};

use crate::wire_type;

/// What changed on the page: Rocket.Chat saves a visit only when this equals its
/// `Livechat_history_monitor_type` setting (`"url"` by default, or `"title"`).
pub mod change {
    pub const URL: &str = "url";
    pub const TITLE: &str = "title";
}

wire_type! {
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
    impl ToJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PageInfo {
        pub title: String,
        /// [`change::URL`] or [`change::TITLE`].
        pub change: String,
        pub location: Location,
    }
    impl FromJson, ToJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Location {
        pub href: String,
    }
    impl FromJson, ToJson;
}

wire_type! {
    /// `POST livechat/page.visited` answer: the saved navigation message, or nothing when the
    /// server does not track this kind of change.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PageVisitedResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub page: Option<NavigationMessage>,
    }
    impl FromJson;
}

wire_type! {
    /// The `livechat_navigation_history` system message, as the answer shows it.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct NavigationMessage {
        /// `"<title> - <href>"`.
        pub msg: String,
        pub navigation: Navigation,
    }
    impl FromJson;
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Navigation {
        pub page: PageInfo,
        pub token: String,
    }
    impl FromJson;
}

/// The message type of a saved visit.
pub const NAVIGATION_HISTORY: &str = "livechat_navigation_history";

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
