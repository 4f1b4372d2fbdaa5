//! DDP over WebSocket (`/websocket`): the frames and the three streams the widget listens to.
//!
//! Frames are JSON objects tagged by `msg`. Their payloads are generic so each side can name the
//! exact types it sends and reads: the server writes its own and reads `serde_json::Value`; the
//! widget reads `ServerFrame<(), StreamArgs>` through [`FromJson`] (hand-written here: a
//! stream event's `args` are read by the stream and event name the frame names).

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::agent::Agent;
use crate::json::{DecodeError, FromJson, Json, JsonWriter, Obj, ToJson};
use crate::message::Message;
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
    /// A frame of a kind not read here (`added`, `removed`, …). It is still a sign of life.
    #[serde(other, skip_serializing)]
    Other,
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
            f.write_str("a string or a whole number")
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
            // A code is never a fraction (the widget's decoder reads whole numbers only).
            if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_991.0 {
                Ok((v as i64).to_string())
            } else {
                Err(E::invalid_type(de::Unexpected::Float(v), &self))
            }
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

wire_type! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct QueueData {
        pub spot: u32,
        #[cfg(feature = "full")]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
        #[cfg(feature = "full")]
        #[serde(rename = "estimatedWaitTimeSeconds", skip_serializing_if = "Option::is_none")]
        pub estimated_wait_time_seconds: Option<u64>,
    }
    impl FromJson;
}

wire_type! {
    /// The `{"_id": ...}` payload of a `deleteMessage` event.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DeletedId {
        #[serde(rename = "_id")]
        pub id: String,
    }
    impl FromJson;
}

/// The `args` of a `changed` frame as the widget reads them: what they hold depends on the
/// stream (`collection`) and the event name, so they are read knowing both
/// ([`ServerFrame`]'s decoder does). The messages are one list, read as history reads them;
/// the room's news and the deleted ids are read item by item: an item that does not decode (an
/// event type not known here) is left out, the others are kept.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamArgs {
    /// [`streams::ROOM_MESSAGES`]: the messages inserted or changed.
    Messages(Vec<Message>),
    /// [`streams::LIVECHAT_ROOM`]: agent, queue and visitor news.
    Room(Vec<LivechatRoomEvent>),
    /// [`streams::NOTIFY_ROOM`] `<rid>/deleteMessage`: the messages deleted.
    Deleted(Vec<DeletedId>),
    /// [`streams::NOTIFY_ROOM`] `<rid>/user-activity`.
    Activity(UserActivity),
    /// Any other stream or event: not read.
    Other,
}

/// The `args` of a `<rid>/user-activity` event: `[username, activities, extra?]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserActivity {
    pub username: String,
    /// [`USER_TYPING`] while typing, empty when stopped.
    pub activities: Vec<String>,
}

impl StreamArgs {
    /// The `args` of an event `event` of stream `collection`.
    pub fn read<J: Json>(collection: &str, event: &str, args: &J) -> Result<StreamArgs, DecodeError> {
        Ok(match collection {
            streams::ROOM_MESSAGES => StreamArgs::Messages(FromJson::from_json(args)?),
            streams::LIVECHAT_ROOM => StreamArgs::Room(each(args)?),
            streams::NOTIFY_ROOM if event.ends_with("/deleteMessage") => StreamArgs::Deleted(each(args)?),
            streams::NOTIFY_ROOM if event.ends_with("/user-activity") => {
                let items = args.items().ok_or_else(|| DecodeError::expected("an array"))?;
                let arg = |i: usize, name| items.get(i).ok_or_else(|| DecodeError::missing().at(name));
                StreamArgs::Activity(UserActivity {
                    username: FromJson::from_json(arg(0, "0")?).map_err(|e| e.at("0"))?,
                    activities: FromJson::from_json(arg(1, "1")?).map_err(|e| e.at("1"))?,
                })
            }
            _ => StreamArgs::Other,
        })
    }
}

/// The items of an array that decode as `T`.
fn each<T: FromJson, J: Json>(v: &J) -> Result<Vec<T>, DecodeError> {
    let items = v.items().ok_or_else(|| DecodeError::expected("an array"))?;
    Ok(items.iter().filter_map(|item| T::from_json(item).ok()).collect())
}

/// The server's frames, tagged by `msg`, with method results unread and the stream events'
/// `args` read by stream. A `msg` not known here is [`ServerFrame::Other`], not an error; no
/// `msg` at all is one (as in serde).
impl FromJson for ServerFrame<(), StreamArgs> {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        let msg: String = o.req("msg")?;
        Ok(match msg.as_str() {
            "connected" => ServerFrame::Connected { session: o.req("session")? },
            "failed" => ServerFrame::Failed { version: o.req("version")? },
            "ping" => ServerFrame::Ping { id: o.or_default("id")? },
            "pong" => ServerFrame::Pong { id: o.or_default("id")? },
            "ready" => ServerFrame::Ready { subs: o.req("subs")? },
            "nosub" => ServerFrame::NoSub { id: o.req("id")?, error: o.or_default("error")? },
            "result" => ServerFrame::Result {
                id: o.req("id")?,
                result: v.get("result").filter(|r| !r.is_null()).map(|_| ()),
                error: o.or_default("error")?,
            },
            "updated" => ServerFrame::Updated { methods: o.req("methods")? },
            "changed" => {
                let collection: String = o.req("collection")?;
                let id = o.req("id")?;
                let fields = v.get("fields").ok_or_else(DecodeError::missing);
                let fields = fields.and_then(|f| stream_event(&collection, &f)).map_err(|e| e.at("fields"))?;
                ServerFrame::Changed { collection, id, fields }
            }
            _ => ServerFrame::Other,
        })
    }
}

/// The `fields` of a `changed` frame of stream `collection`.
fn stream_event<J: Json>(collection: &str, fields: &J) -> Result<StreamEvent<StreamArgs>, DecodeError> {
    let event_name: String = Obj::new(fields)?.req("eventName")?;
    let args = fields.get("args").ok_or_else(DecodeError::missing);
    let args = args.and_then(|a| StreamArgs::read(collection, &event_name, &a)).map_err(|e| e.at("args"))?;
    Ok(StreamEvent { event_name, args })
}

/// Tagged by `type`, as serde reads it.
impl FromJson for LivechatRoomEvent {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let o = Obj::new(v)?;
        let kind: String = o.req("type")?;
        Ok(match kind.as_str() {
            "agentData" => LivechatRoomEvent::AgentData { data: o.or_default("data")? },
            "agentStatus" => LivechatRoomEvent::AgentStatus { status: o.req("status")? },
            "queueData" => LivechatRoomEvent::QueueData { data: o.or_default("data")? },
            "visitorData" => LivechatRoomEvent::VisitorData { visitor: o.req("visitor")? },
            _ => return Err(DecodeError::expected("agentData, agentStatus, queueData or visitorData").at("type")),
        })
    }
}

/// `error` is a string or a whole number (an HTTP-like code), read as its digits.
impl FromJson for DdpError {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        let mut o = Obj::new(v)?;
        let mut r = DdpError::default();
        if let Some(code) = v.get("error") {
            r.error = match (code.as_string(), code.as_f64()) {
                (Some(s), _) => s,
                (None, Some(n)) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 => (n as i64).to_string(),
                _ => return Err(DecodeError::expected("a string or a whole number").at("error")),
            };
        }
        o.set("reason", &mut r.reason);
        o.set("message", &mut r.message);
        o.set("errorType", &mut r.error_type);
        o.set("isClientSafe", &mut r.is_client_safe);
        o.done(r)
    }
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
