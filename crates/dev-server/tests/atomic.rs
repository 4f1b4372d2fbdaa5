//! Every handler's writes are one transaction: a statement failing part-way (made to fail here by
//! a SQLite trigger) leaves every table as it was and publishes nothing.

mod common;

use std::future::Future;

use common::*;
use livechat_dev_server::hub::Outbox;
use rusqlite::types::ValueRef;
use serde_json::{Value, json};
use tokio::sync::mpsc::Receiver;

const TABLES: &[&str] = &["visitors", "rooms", "inquiries", "messages", "counters", "users"];

/// Every row of the tables handlers write, as text.
fn snapshot(app: &TestApp) -> String {
    let conn = app.state().db.conn();
    let mut out = String::new();
    for table in TABLES {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY rowid")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let cells: Vec<String> = (0..columns)
                .map(|i| match row.get_ref(i).unwrap() {
                    ValueRef::Null => "NULL".to_owned(),
                    ValueRef::Integer(n) => n.to_string(),
                    ValueRef::Real(x) => x.to_string(),
                    ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
                })
                .collect();
            out.push_str(&format!("{table}: {}\n", cells.join(" | ")));
        }
    }
    out
}

/// Everything published about room `rid`, queued in one receiver.
fn listen(app: &TestApp, rid: &str) -> Receiver<String> {
    let hub = &app.state().hub;
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    let out = Outbox { tx, kick: Default::default() };
    let conn = hub.connect();
    hub.subscribe(conn, "m", "stream-room-messages", rid, out.clone());
    hub.subscribe(conn, "l", "stream-livechat-room", rid, out.clone());
    hub.subscribe(conn, "d", "stream-notify-room", &format!("{rid}/deleteMessage"), out);
    rx
}

/// Makes the statement `on` (`INSERT ON messages`, `UPDATE OF col ON rooms`…) fail while `call`
/// runs; the call must answer 500, change no row and publish nothing about `rid`.
#[track_caller]
fn fails_atomically<'a>(
    app: &'a TestApp,
    on: &'a str,
    rid: Option<&'a str>,
    call: impl Future<Output = Reply> + 'a,
) -> impl Future<Output = ()> + 'a {
    let caller = std::panic::Location::caller();
    async move {
        let before = snapshot(app);
        let mut events = rid.map(|rid| listen(app, rid));
        let trigger = format!("CREATE TRIGGER fail BEFORE {on} BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
        app.state().db.conn().execute_batch(&trigger).unwrap();
        let (status, body) = call.await;
        app.state().db.conn().execute_batch("DROP TRIGGER fail").unwrap();
        assert_eq!(status, 500, "{caller}: failing {on}: {body}");
        assert_eq!(body, json!({"success": false, "error": "Internal server error"}), "{caller}");
        assert_eq!(snapshot(app), before, "{caller}: failing {on} left a partial write");
        if let Some(events) = events.as_mut() {
            assert!(events.try_recv().is_err(), "{caller}: failing {on} still published");
        }
    }
}

#[tokio::test]
async fn visitor_writes_are_all_or_nothing() {
    let app = TestApp::new();

    // Registration: the visitor row is inserted, then updated.
    let register = json!({"visitor": {"token": "t", "name": "Ann", "customFields": [{"key": "k", "value": "v", "overwrite": false}]}});
    fails_atomically(&app, "UPDATE ON visitors", None, app.post("livechat/visitor", register.clone())).await;
    check(&app.get("livechat/visitor/t").await, 400, "Invalid token [invalid-token]");
    let visitor = success(app.post("livechat/visitor", register).await)["visitor"].clone();
    assert_eq!(visitor["username"], "guest-1", "the failed registration did not use up a guest number");

    // A new room: the room row, then its inquiry.
    fails_atomically(&app, "INSERT ON inquiries", None, app.get("livechat/room?token=t")).await;
    let rid = app.open_room("t").await;

    // A message: stored, then the room waits for an answer.
    let say = json!({"token": "t", "rid": rid, "msg": "hello"});
    fails_atomically(&app, "UPDATE OF waiting_response ON rooms", Some(&rid), app.post("livechat/message", say)).await;
    let id = rid_of(&app.say("t", &rid, "hello").await);

    // A deletion: the message goes, then the room's counters follow.
    let mine = json!({"token": "t", "rid": rid});
    let path = format!("livechat/message/{id}");
    fails_atomically(&app, "UPDATE ON rooms", Some(&rid), app.delete_json(&path, mine.clone())).await;
    success(app.delete_json(&path, mine).await);

    // A transfer: the room and inquiry move, then the history message.
    let transfer = json!({"token": "t", "rid": rid, "department": "support"});
    let path = "livechat/visitor/department.transfer";
    fails_atomically(&app, "INSERT ON messages", Some(&rid), app.post(path, transfer.clone())).await;
    success(app.post(path, transfer).await);

    // Closing: the room closes and its inquiry goes, then the closing message.
    let close = json!({"token": "t", "rid": rid});
    fails_atomically(&app, "INSERT ON messages", Some(&rid), app.post("livechat/room.close", close)).await;
    assert_eq!(success(app.get(&format!("livechat/room?token=t&rid={rid}")).await)["room"]["open"], true);
    app.close("t", &rid).await;
}

#[tokio::test]
async fn agent_writes_are_all_or_nothing() {
    let app = TestApp::with(add_bob);
    let rid = app.chat("t").await;
    let agent = app.as_agent().await;

    // chat.sendMessage: stored, then the room stops waiting.
    let reply = json!({"message": {"rid": rid, "msg": "hi"}});
    let on = "UPDATE OF waiting_response ON rooms";
    fails_atomically(&app, on, Some(&rid), agent.post("chat.sendMessage", reply.clone())).await;
    success(agent.post("chat.sendMessage", reply).await);

    // Forwarding to bob: the history message, the room, then the inquiry.
    let bob_id = app.login(BOB.0, BOB.1).await.0;
    let forward = json!({"roomId": rid, "userId": bob_id});
    fails_atomically(&app, "UPDATE ON inquiries", Some(&rid), agent.post("livechat/room.forward", forward)).await;
    assert_eq!(agent.listed_room(&rid).await.unwrap()["servedBy"]["username"], "agent");

    // closeByUser with tags: the tags, the room, the inquiry, then the closing message.
    let close = json!({"rid": rid, "comment": "done", "tags": ["vip"]});
    let path = "livechat/room.closeByUser";
    fails_atomically(&app, "INSERT ON messages", Some(&rid), agent.post(path, close.clone())).await;
    success(agent.post(path, close).await);
    assert_eq!(agent.listed_room(&rid).await.unwrap()["tags"], json!(["vip"]));
}

#[tokio::test]
async fn taking_an_inquiry_is_all_or_nothing() {
    let app = TestApp::with(manual_routing);
    let rid = app.chat("t").await;
    let agent = app.as_agent().await;
    let queue = success(agent.get("livechat/inquiries.list").await);
    let take = json!({"inquiryId": queue["inquiries"][0]["_id"]});

    // The room gets its agent and the inquiry is taken, then the join message.
    fails_atomically(&app, "INSERT ON messages", Some(&rid), agent.post("livechat/inquiries.take", take.clone())).await;
    let inquiry = success(agent.get(&format!("livechat/inquiries.getOne?roomId={rid}")).await)["inquiry"].clone();
    assert_eq!(inquiry["status"], "queued");
    success(agent.post("livechat/inquiries.take", take).await);
    let served: Value = agent.listed_room(&rid).await.unwrap()["servedBy"]["username"].clone();
    assert_eq!(served, "agent");
}
