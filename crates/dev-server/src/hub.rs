//! Who listens to what: the realtime fan-out behind the DDP streams.
//!
//! Each WebSocket connection registers its subscriptions here with its [`Outbox`]: the sender
//! half of its bounded outgoing queue and the kick that closes the connection. Handlers describe what happened as [`Event`]s once their database work is
//! done and emit them while still holding the database lock, so two handlers' events reach every
//! subscriber in the order their writes were committed; [`Hub::emit`] turns each into one
//! `changed` frame and queues it for every subscriber without ever waiting.
//!
//! A subscriber whose queue is full is not reading: rather than drop frames silently (the client
//! would never know it missed a message) or grow memory without bound, the hub kicks it, and
//! removes that connection's subscriptions; the connection closes with code 4000 and the client
//! reconnects and re-syncs from history.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use livechat_wire::date::with_ejson;
use livechat_wire::ddp::{DeletedId, LivechatRoomEvent, ServerFrame, StreamEvent, streams};
use livechat_wire::message::Message;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::Notify;
use tokio::sync::mpsc::Sender;
use tokio::sync::mpsc::error::TrySendError;

pub type ConnId = u64;

/// Something subscribers of a stream must hear about.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // Events live only from a handler's end to `emit`.
pub enum Event {
    /// A message was inserted or updated: `stream-room-messages`, event `<rid>`.
    Message(Box<Message>),
    /// A message was deleted: `stream-notify-room`, event `<rid>/deleteMessage`.
    Deleted { rid: String, id: String },
    /// Agent, queue or visitor news: `stream-livechat-room`, event `<rid>`.
    Room { rid: String, event: LivechatRoomEvent },
}

/// Where a connection's stream events go.
#[derive(Clone, Debug)]
pub struct Outbox {
    /// The connection's bounded queue of ready-made frames.
    pub tx: Sender<String>,
    /// Notified when the queue overflowed: the connection must close.
    pub kick: Arc<Notify>,
}

struct Subscriber {
    conn: ConnId,
    sub_id: String,
    out: Outbox,
}

/// Subscribers by (stream, event name).
type Subscriptions = HashMap<(String, String), Vec<Subscriber>>;

#[derive(Clone, Default)]
pub struct Hub {
    subs: Arc<Mutex<Subscriptions>>,
    next_conn: Arc<AtomicU64>,
}

impl Hub {
    /// A new connection's id.
    pub fn connect(&self) -> ConnId {
        self.next_conn.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Subscriptions> {
        self.subs.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn subscribe(&self, conn: ConnId, sub_id: &str, stream: &str, event: &str, out: Outbox) {
        self.lock().entry((stream.to_owned(), event.to_owned())).or_default().push(Subscriber {
            conn,
            sub_id: sub_id.to_owned(),
            out,
        });
    }

    /// Removes one subscription; false if the connection had none with that id.
    pub fn unsubscribe(&self, conn: ConnId, sub_id: &str) -> bool {
        let mut found = false;
        self.lock().retain(|_, list| {
            list.retain(|s| {
                let hit = s.conn == conn && s.sub_id == sub_id;
                found |= hit;
                !hit
            });
            !list.is_empty()
        });
        found
    }

    pub fn disconnect(&self, conn: ConnId) {
        remove_connections(&mut self.lock(), &[conn]);
    }

    /// Number of live subscriptions (for tests and the status page).
    pub fn subscription_count(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    /// Sends `args` as a `changed` frame of `stream`/`event` to every subscriber but `except`.
    pub fn publish<A: Serialize>(&self, stream: &str, event: &str, args: &A, except: Option<ConnId>) {
        let frame: ServerFrame<(), &A> = ServerFrame::Changed {
            collection: stream.to_owned(),
            id: "id".to_owned(),
            fields: StreamEvent { event_name: event.to_owned(), args },
        };
        let text = match with_ejson(|| serde_json::to_string(&frame)) {
            Ok(text) => text,
            Err(e) => return eprintln!("cannot encode {stream}/{event}: {e}"),
        };
        let mut subs = self.lock();
        let mut kicked = Vec::new();
        if let Some(list) = subs.get(&(stream.to_owned(), event.to_owned())) {
            for s in list.iter().filter(|s| Some(s.conn) != except) {
                match s.out.tx.try_send(text.clone()) {
                    Ok(()) => {}
                    // Not reading: close the connection rather than skip a frame.
                    Err(TrySendError::Full(_)) => {
                        s.out.kick.notify_one();
                        kicked.push(s.conn);
                    }
                    // A closed connection's receiver is gone; it unregisters itself on the way out.
                    Err(TrySendError::Closed(_)) => {}
                }
            }
        }
        if !kicked.is_empty() {
            remove_connections(&mut subs, &kicked);
        }
    }

    /// Publishes `events`. Call it while holding the database lock that covered the writes, so
    /// events are queued in commit order; it never blocks.
    pub fn emit(&self, events: impl IntoIterator<Item = Event>) {
        for event in events {
            match event {
                Event::Message(m) => self.publish(streams::ROOM_MESSAGES, &m.rid.clone(), &[m], None),
                Event::Deleted { rid, id } => self.publish(
                    streams::NOTIFY_ROOM,
                    &livechat_wire::ddp::delete_message_event(&rid),
                    &[DeletedId { id }],
                    None,
                ),
                Event::Room { rid, event } => self.publish(streams::LIVECHAT_ROOM, &rid, &[event], None),
            }
        }
    }
}

/// Drops every subscription of `conns`.
fn remove_connections(subs: &mut Subscriptions, conns: &[ConnId]) {
    subs.retain(|_, list| {
        list.retain(|s| !conns.contains(&s.conn));
        !list.is_empty()
    });
}

/// Raw activity broadcast (`<rid>/user-activity`): `[username, activities, extra?]`.
pub fn activity_args(username: &str, activities: &[String], extra: Option<&Value>) -> Value {
    let mut args = vec![Value::from(username), Value::from(activities.to_vec())];
    if let Some(extra) = extra {
        args.push(extra.clone());
    }
    Value::Array(args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use livechat_wire::Timestamp;
    use tokio::sync::mpsc::{Receiver, channel};

    fn outbox(capacity: usize) -> (Outbox, Receiver<String>) {
        let (tx, rx) = channel(capacity);
        (Outbox { tx, kick: Arc::default() }, rx)
    }

    #[test]
    fn publishes_ejson_to_subscribers_only() {
        let hub = Hub::default();
        let (a, b) = (hub.connect(), hub.connect());
        let (tx_a, mut rx_a) = outbox(8);
        let (tx_b, mut rx_b) = outbox(8);
        hub.subscribe(a, "s1", streams::ROOM_MESSAGES, "R", tx_a);
        hub.subscribe(b, "s2", streams::ROOM_MESSAGES, "OTHER", tx_b);
        let m = Message {
            id: "m1".into(),
            rid: "R".into(),
            msg: "hi".into(),
            ts: Some(Timestamp(5)),
            ..Default::default()
        };
        hub.emit([Event::Message(Box::new(m))]);
        let frame: Value = serde_json::from_str(&rx_a.try_recv().unwrap()).unwrap();
        assert_eq!(frame["msg"], "changed");
        assert_eq!(frame["collection"], "stream-room-messages");
        assert_eq!(frame["fields"]["eventName"], "R");
        assert_eq!(frame["fields"]["args"][0]["ts"], serde_json::json!({"$date": 5}));
        assert!(rx_b.try_recv().is_err());

        assert!(hub.unsubscribe(a, "s1"));
        assert!(!hub.unsubscribe(a, "s1"));
        hub.disconnect(b);
        assert_eq!(hub.subscription_count(), 0);
    }

    #[tokio::test]
    async fn a_full_queue_kicks_the_connection_and_drops_its_subscriptions() {
        let hub = Hub::default();
        let (slow, fast) = (hub.connect(), hub.connect());
        let (slow_out, mut slow_rx) = outbox(2);
        let kick = slow_out.kick.clone();
        let (fast_out, mut fast_rx) = outbox(8);
        hub.subscribe(slow, "a", streams::LIVECHAT_ROOM, "R", slow_out.clone());
        hub.subscribe(slow, "b", streams::ROOM_MESSAGES, "R", slow_out);
        hub.subscribe(fast, "c", streams::LIVECHAT_ROOM, "R", fast_out);
        for n in 0..3 {
            hub.publish(streams::LIVECHAT_ROOM, "R", &[n], None);
        }
        // The third frame did not fit: the slow connection is kicked and unsubscribed everywhere.
        tokio::time::timeout(std::time::Duration::from_secs(1), kick.notified()).await.expect("kicked");
        assert_eq!(hub.subscription_count(), 1);
        assert!(slow_rx.try_recv().is_ok() && slow_rx.try_recv().is_ok() && slow_rx.try_recv().is_err());
        hub.publish(streams::LIVECHAT_ROOM, "R", &[3], None);
        assert!(slow_rx.try_recv().is_err(), "nothing more is queued for a kicked connection");
        let heard: Vec<Value> =
            std::iter::from_fn(|| fast_rx.try_recv().ok()).map(|t| serde_json::from_str(&t).unwrap()).collect();
        assert_eq!(heard.iter().map(|f| f["fields"]["args"][0].clone()).collect::<Vec<_>>(), [0, 1, 2, 3]);
    }
}
