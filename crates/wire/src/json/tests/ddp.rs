//! The DDP frames the widget reads, decoded by hand against serde: every kind of frame, every
//! stream payload, and the errors.
//!
//! Serde reads the envelope as `ServerFrame<IgnoredAny, Value>` (what the dev server could
//! read) and each stream's `args` as their own types, by the stream and event name the frame
//! names, item by item where [`StreamArgs`] reads them so; [`by_serde`] puts the two together.

use serde::de::IgnoredAny;

use super::*;
use crate::ddp::{
    DdpError, DeletedId, LivechatRoomEvent, QueueData, ServerFrame, StreamArgs, StreamEvent, UserActivity,
};

type Frame = ServerFrame<(), StreamArgs>;

/// Items of `args` that serde decodes as `T`.
fn items<T: DeserializeOwned>(args: &Value) -> Option<Vec<T>> {
    Some(args.as_array()?.iter().filter_map(|item| serde_json::from_value(item.clone()).ok()).collect())
}

/// `frame` as serde reads it, or `None` when serde refuses it.
fn by_serde(frame: &Value) -> Option<Frame> {
    let f: ServerFrame<IgnoredAny, Value> = serde_json::from_value(frame.clone()).ok()?;
    Some(match f {
        ServerFrame::Connected { session } => ServerFrame::Connected { session },
        ServerFrame::Failed { version } => ServerFrame::Failed { version },
        ServerFrame::Ping { id } => ServerFrame::Ping { id },
        ServerFrame::Pong { id } => ServerFrame::Pong { id },
        ServerFrame::Ready { subs } => ServerFrame::Ready { subs },
        ServerFrame::NoSub { id, error } => ServerFrame::NoSub { id, error },
        ServerFrame::Result { id, result, error } => ServerFrame::Result { id, result: result.map(|_| ()), error },
        ServerFrame::Updated { methods } => ServerFrame::Updated { methods },
        ServerFrame::Changed { collection, id, fields: StreamEvent { event_name, args } } => {
            let event = event_name.as_str();
            let args = match collection.as_str() {
                "stream-room-messages" => StreamArgs::Messages(serde_json::from_value(args).ok()?),
                "stream-livechat-room" => StreamArgs::Room(items(&args)?),
                "stream-notify-room" if event.ends_with("/deleteMessage") => StreamArgs::Deleted(items(&args)?),
                "stream-notify-room" if event.ends_with("/user-activity") => {
                    let list = args.as_array()?;
                    StreamArgs::Activity(UserActivity {
                        username: serde_json::from_value(list.first()?.clone()).ok()?,
                        activities: serde_json::from_value(list.get(1)?.clone()).ok()?,
                    })
                }
                _ => StreamArgs::Other,
            };
            ServerFrame::Changed { collection, id, fields: StreamEvent { event_name, args } }
        }
        ServerFrame::Other => ServerFrame::Other,
    })
}

/// `frame` decodes by hand exactly as serde decodes it, and successfully.
fn frame(v: Value) -> Frame {
    let by_hand = decode::<Frame, Value>(&v);
    let serde = by_serde(&v);
    match (by_hand, serde) {
        (Ok(h), Some(s)) => {
            assert_eq!(h, s, "{v}: the hand decoder and serde disagree");
            h
        }
        (h, s) => panic!("{v}: hand {h:?}, serde {s:?}"),
    }
}

/// `frame` is refused by hand (the error is returned) and by serde.
fn refused(v: Value) -> String {
    assert!(by_serde(&v).is_none(), "{v}: serde reads it");
    decode::<Frame, Value>(&v).expect_err("should fail").to_string()
}

fn changed(collection: &str, event: &str, args: Value) -> Value {
    json!({"msg": "changed", "collection": collection, "id": "id", "fields": {"eventName": event, "args": args}})
}

fn ddp_error() -> DdpError {
    DdpError {
        error: "not-allowed".into(),
        reason: Some("Not allowed".into()),
        message: Some("Not allowed [not-allowed]".into()),
        error_type: Some("Meteor.Error".into()),
        is_client_safe: Some(true),
    }
}

fn queue_data() -> QueueData {
    QueueData {
        spot: 3,
        #[cfg(feature = "full")]
        message: Some("wait".into()),
        #[cfg(feature = "full")]
        estimated_wait_time_seconds: Some(60),
    }
}

#[test]
fn complete_payloads_decode_to_themselves() {
    complete(ddp_error());
    complete(queue_data());
    complete(DeletedId { id: "m1".into() });
    complete(LivechatRoomEvent::AgentData { data: Some(agent()) });
    complete(LivechatRoomEvent::AgentStatus { status: "away".into() });
    complete(LivechatRoomEvent::QueueData { data: Some(queue_data()) });
    complete(LivechatRoomEvent::VisitorData { visitor: visitor() });
}

#[test]
fn every_control_frame_decodes_as_serde_does() {
    let s = |v: &str| v.to_owned();
    assert_eq!(frame(json!({"msg": "connected", "session": "s1"})), ServerFrame::Connected { session: s("s1") });
    assert_eq!(frame(json!({"msg": "failed", "version": "1"})), ServerFrame::Failed { version: s("1") });
    assert_eq!(frame(json!({"msg": "ping", "id": "p"})), ServerFrame::Ping { id: Some(s("p")) });
    assert_eq!(frame(json!({"msg": "ping"})), ServerFrame::Ping { id: None });
    assert_eq!(frame(json!({"msg": "pong", "id": "p"})), ServerFrame::Pong { id: Some(s("p")) });
    assert_eq!(frame(json!({"msg": "pong", "id": null})), ServerFrame::Pong { id: None });
    assert_eq!(frame(json!({"msg": "ready", "subs": ["1", "2"]})), ServerFrame::Ready { subs: vec![s("1"), s("2")] });
    assert_eq!(frame(json!({"msg": "nosub", "id": "9"})), ServerFrame::NoSub { id: s("9"), error: None });
    let refusal = json!({"msg": "nosub", "id": "2", "error": serde_json::to_value(ddp_error()).unwrap()});
    assert_eq!(frame(refusal), ServerFrame::NoSub { id: s("2"), error: Some(ddp_error()) });
    // A code may be a number (an HTTP-like status), and every field of the error is optional.
    let numeric = frame(json!({"msg": "nosub", "id": "2", "error": {"error": 404}}));
    assert_eq!(
        numeric,
        ServerFrame::NoSub { id: s("2"), error: Some(DdpError { error: s("404"), ..DdpError::default() }) }
    );
    frame(json!({"msg": "nosub", "id": "2", "error": {}}));
    frame(json!({"msg": "nosub", "id": "2", "error": null}));
    let result = frame(json!({"msg": "result", "id": "3", "result": {"anything": [1, 2]}}));
    assert_eq!(result, ServerFrame::Result { id: s("3"), result: Some(()), error: None });
    frame(json!({"msg": "result", "id": "3"}));
    frame(json!({"msg": "result", "id": "3", "result": null, "error": {"error": 500, "reason": "Internal"}}));
    assert_eq!(frame(json!({"msg": "updated", "methods": ["3"]})), ServerFrame::Updated { methods: vec![s("3")] });
}

#[test]
fn unknown_frames_and_streams_are_read_as_other() {
    // Any frame still proves the server is there: an unknown `msg` is no error.
    assert_eq!(frame(json!({"msg": "added", "collection": "users", "id": "u1"})), ServerFrame::Other);
    assert_eq!(frame(json!({"msg": "removed"})), ServerFrame::Other);
    for (collection, event) in [("stream-notify-user", "u1/message"), ("stream-notify-room", "R/typing")] {
        let f = frame(changed(collection, event, json!([{"anything": true}])));
        let ServerFrame::Changed { fields, .. } = f else { panic!("{collection}: {f:?}") };
        assert_eq!(fields.args, StreamArgs::Other, "{collection} {event}");
    }
}

#[test]
fn every_stream_payload_decodes_as_serde_does() {
    let args = |v: Value| match frame(v) {
        ServerFrame::Changed { fields, .. } => fields.args,
        other => panic!("not a stream event: {other:?}"),
    };
    let m = serde_json::to_value(message()).unwrap();
    assert_eq!(args(changed("stream-room-messages", "r1", json!([m]))), StreamArgs::Messages(vec![message()]));
    // The news and the deleted ids are read item by item: one that does not decode is left out.

    let news = json!([
        {"type": "agentData", "data": serde_json::to_value(agent()).unwrap()},
        {"type": "agentData", "data": null},
        {"type": "agentStatus", "status": "away"},
        {"type": "queueData", "data": {"spot": 2}},
        {"type": "queueData"},
        {"type": "visitorData", "visitor": serde_json::to_value(visitor()).unwrap()},
        {"type": "roomData", "data": {}},
        {"type": "agentStatus"},
    ]);
    assert_eq!(
        args(changed("stream-livechat-room", "r1", news)),
        StreamArgs::Room(vec![
            LivechatRoomEvent::AgentData { data: Some(agent()) },
            LivechatRoomEvent::AgentData { data: None },
            LivechatRoomEvent::AgentStatus { status: "away".into() },
            LivechatRoomEvent::QueueData { data: Some(QueueData { spot: 2, ..QueueData::default() }) },
            LivechatRoomEvent::QueueData { data: None },
            LivechatRoomEvent::VisitorData { visitor: visitor() },
        ])
    );

    let deleted = args(changed("stream-notify-room", "r1/deleteMessage", json!([{"_id": "m1"}, {"id": "x"}])));
    assert_eq!(deleted, StreamArgs::Deleted(vec![DeletedId { id: "m1".into() }]));

    let typing = args(changed("stream-notify-room", "r1/user-activity", json!(["guest-1", ["user-typing"], {}])));
    let activity = |on: &[&str]| {
        StreamArgs::Activity(UserActivity {
            username: "guest-1".into(),
            activities: on.iter().map(|a| a.to_string()).collect(),
        })
    };
    assert_eq!(typing, activity(&["user-typing"]));
    assert_eq!(args(changed("stream-notify-room", "r1/user-activity", json!(["guest-1", []]))), activity(&[]));
}

#[test]
fn broken_frames_are_errors_naming_the_field() {
    assert_eq!(refused(json!({"server_id": "0"})), "missing field `msg`");
    assert_eq!(refused(json!({"msg": 1})), "`msg`: expected a string");
    assert_eq!(refused(json!([])), "expected an object");
    assert_eq!(refused(json!({"msg": "connected"})), "missing field `session`");
    assert_eq!(refused(json!({"msg": "ready", "subs": "1"})), "`subs`: expected an array");
    // Objects are read by name only (serde would read this empty array as an error by position).
    assert_eq!(err::<Frame>(json!({"msg": "nosub", "id": "2", "error": []})), "`error`: expected an object");
    assert_eq!(
        refused(json!({"msg": "nosub", "id": "2", "error": {"error": true}})),
        "`error.error`: expected a string or a whole number"
    );
    assert_eq!(
        refused(json!({"msg": "nosub", "id": "2", "error": {"error": 1.5}})),
        "`error.error`: expected a string or a whole number"
    );
    assert_eq!(refused(json!({"msg": "changed", "collection": "c", "id": "id"})), "missing field `fields`");
    assert_eq!(
        refused(json!({"msg": "changed", "collection": "c", "id": "id", "fields": {"args": []}})),
        "missing field `fields.eventName`"
    );
    assert_eq!(
        refused(json!({"msg": "changed", "collection": "c", "id": "id", "fields": {"eventName": "r1"}})),
        "missing field `fields.args`"
    );
    assert_eq!(refused(changed("stream-room-messages", "r1", json!({}))), "`fields.args`: expected an array");
    assert_eq!(
        refused(changed("stream-room-messages", "r1", json!([{"_id": 5}]))),
        "`fields.args._id`: expected a string"
    );
    assert_eq!(
        refused(changed("stream-notify-room", "r1/user-activity", json!([5]))),
        "`fields.args.0`: expected a string"
    );
    assert_eq!(
        refused(changed("stream-notify-room", "r1/user-activity", json!(["u"]))),
        "missing field `fields.args.1`"
    );
}
