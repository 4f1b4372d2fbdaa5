//! DDP over WebSocket (`/websocket`): the frames and the three streams the widget listens to.
//!
//! Frames are JSON objects tagged by `msg`. Their payloads are generic so each side can name the
//! exact types it sends and keep what it receives raw until it knows the stream (the server uses
//! `serde_json::Value`, the widget the browser's own objects).

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::agent::Agent;
use crate::json::{JsonWriter, ToJson};
use crate::visitor::Visitor as LivechatVisitor;
use crate::wire_type;

/// The DDP version spoken.
pub const VERSION: &str = "1";
/// The versions a client offers in `connect`.
pub const SUPPORTED: [&str; 3] = ["1", "pre2", "pre1"];

/// Stream (publication) names.
pub mod streams {
    /// Every insert or update of a message in room `<rid>` (event name = rid).
    pub const ROOM_MESSAGES: &str = "stream-room-messages";
    /// Agent assignment and status, queue position, visitor changes (event name = rid).
    pub const LIVECHAT_ROOM: &str = "stream-livechat-room";
    /// `<rid>/user-activity` (typing) and `<rid>/deleteMessage`.
    pub const NOTIFY_ROOM: &str = "stream-notify-room";
}

/// The activity that means "typing" in `user-activity` events.
pub const USER_TYPING: &str = "user-typing";

/// `<rid>/user-activity`, the typing event of a room.
pub fn user_activity_event(rid: &str) -> String {
    format!("{rid}/user-activity")
}

/// `<rid>/deleteMessage`, the deletion event of a room.
pub fn delete_message_event(rid: &str) -> String {
    format!("{rid}/deleteMessage")
}

/// Frames a client sends. `P` is the type of `params`; DDP makes `params` optional, so a frame
/// without it decodes with `P::default()` (decoding therefore needs `P: Default`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "lowercase")]
pub enum ClientFrame<P> {
    Connect {
        version: String,
        #[serde(default)]
        support: Vec<String>,
    },
    Ping {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    Pong {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    Sub {
        id: String,
        name: String,
        #[serde(default)]
        params: P,
    },
    Unsub {
        id: String,
    },
    Method {
        id: String,
        method: String,
        #[serde(default)]
        params: P,
    },
}

/// Frames the server sends. `R` is a method result, `A` the `args` of a stream event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "lowercase")]
pub enum ServerFrame<R, A> {
    Connected {
        session: String,
    },
    Failed {
        version: String,
    },
    Ping {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    Pong {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    Ready {
        subs: Vec<String>,
    },
    #[serde(rename = "nosub")]
    NoSub {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<DdpError>,
    },
    Result {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        result: Option<R>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<DdpError>,
    },
    Updated {
        methods: Vec<String>,
    },
    Changed {
        collection: String,
        id: String,
        fields: StreamEvent<A>,
    },
}

/// The `fields` of a stream `changed` frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamEvent<A> {
    #[serde(rename = "eventName")]
    pub event_name: String,
    pub args: A,
}

/// A method or subscription error. `error` is a string code or an HTTP-like number on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DdpError {
    #[serde(deserialize_with = "string_or_number")]
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(rename = "errorType", skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    #[serde(rename = "isClientSafe", skip_serializing_if = "Option::is_none")]
    pub is_client_safe: Option<bool>,
}

impl DdpError {
    /// A `Meteor.Error` as the server sends it: `message` is `"<reason> [<error>]"`.
    pub fn meteor(error: &str, reason: &str) -> DdpError {
        DdpError {
            error: error.into(),
            reason: Some(reason.into()),
            message: Some(format!("{reason} [{error}]")),
            error_type: Some("Meteor.Error".into()),
            is_client_safe: Some(true),
        }
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(V)
}

/// `params` of a stream subscription: `[<eventName>, {"useCollection": false, "args": [creds]}]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamParams(pub String, pub StreamOptions);

impl StreamParams {
    /// Subscription params for `event`, authorised by the visitor's token.
    pub fn visitor(event: impl Into<String>, token: &str) -> StreamParams {
        StreamParams(
            event.into(),
            StreamOptions {
                use_collection: false,
                args: vec![VisitorCredentials { token: token.into(), visitor_token: token.into() }],
            },
        )
    }
}

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct StreamOptions {
        #[serde(rename = "useCollection")]
        pub use_collection: bool,
        pub args: Vec<VisitorCredentials>,
    }
    impl ToJson;
}

wire_type! {
    /// The credentials a visitor passes: `stream-notify-room` reads `token`, the others
    /// `visitorToken`.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct VisitorCredentials {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub token: String,
        #[serde(rename = "visitorToken", skip_serializing_if = "String::is_empty")]
        pub visitor_token: String,
    }
    impl ToJson;
}

/// `params` of the typing call, method `stream-notify-room`:
/// `["<rid>/user-activity", "<username>", ["user-typing"] or [], {"token": T}]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserActivityParams(pub String, pub String, pub Vec<String>, pub TokenArg);

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct TokenArg {
        pub token: String,
    }
    impl ToJson;
}

/// One event on `stream-livechat-room`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum LivechatRoomEvent {
    /// An agent was assigned (or the room was transferred); `None` when it lost its agent.
    AgentData {
        #[serde(default)]
        data: Option<Agent>,
    },
    /// The serving agent's presence changed.
    AgentStatus { status: String },
    /// Position in the waiting queue.
    QueueData {
        #[serde(default)]
        data: Option<QueueData>,
    },
    /// The room's visitor changed.
    VisitorData { visitor: LivechatVisitor },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QueueData {
    pub spot: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_wait_time_seconds: Option<u64>,
}

/// The `{"_id": ...}` payload of a `deleteMessage` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedId {
    #[serde(rename = "_id")]
    pub id: String,
}

impl<P: ToJson> ToJson for ClientFrame<P> {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| match self {
            ClientFrame::Connect { version, support } => {
                w.field("msg", "connect");
                w.field("version", version);
                w.field("support", support);
            }
            ClientFrame::Ping { id } => {
                w.field("msg", "ping");
                w.field_opt("id", id);
            }
            ClientFrame::Pong { id } => {
                w.field("msg", "pong");
                w.field_opt("id", id);
            }
            ClientFrame::Sub { id, name, params } => {
                w.field("msg", "sub");
                w.field("id", id);
                w.field("name", name);
                w.field("params", params);
            }
            ClientFrame::Unsub { id } => {
                w.field("msg", "unsub");
                w.field("id", id);
            }
            ClientFrame::Method { id, method, params } => {
                w.field("msg", "method");
                w.field("id", id);
                w.field("method", method);
                w.field("params", params);
            }
        });
    }
}

impl ToJson for StreamParams {
    fn to_json(&self, w: &mut JsonWriter) {
        w.array(|w| {
            self.0.to_json(w);
            self.1.to_json(w);
        });
    }
}

impl ToJson for UserActivityParams {
    fn to_json(&self, w: &mut JsonWriter) {
        w.array(|w| {
            self.0.to_json(w);
            self.1.to_json(w);
            self.2.to_json(w);
            self.3.to_json(w);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_and_method_params_are_optional() {
        let sub: ClientFrame<Vec<String>> = serde_json::from_str(r#"{"msg":"sub","id":"1","name":"n"}"#).unwrap();
        assert_eq!(sub, ClientFrame::Sub { id: "1".into(), name: "n".into(), params: Vec::new() });
        let method: ClientFrame<serde_json::Value> =
            serde_json::from_str(r#"{"msg":"method","id":"2","method":"m"}"#).unwrap();
        assert_eq!(method, ClientFrame::Method { id: "2".into(), method: "m".into(), params: serde_json::Value::Null });
        let with: ClientFrame<Vec<String>> =
            serde_json::from_str(r#"{"msg":"method","id":"3","method":"m","params":["a"]}"#).unwrap();
        assert_eq!(with, ClientFrame::Method { id: "3".into(), method: "m".into(), params: vec!["a".into()] });
    }
}
