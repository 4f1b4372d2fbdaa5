//! Every example JSON from the API documents (kept under the workspace's `tests/fixtures/`)
//! decodes into the wire types, with the values the documents show.

use std::collections::BTreeSet;
use std::path::Path;

use livechat_wire::error::ErrorBody;
use livechat_wire::inquiries::{GetInquiryResponse, InquiriesResponse, TakeInquiry, TakeInquiryResponse};
use livechat_wire::message::{EditMessage, HistoryResponse, MessageResponse, SendMessage};
use livechat_wire::offline_message::{OfflineMessage, OfflineMessageResponse};
use livechat_wire::room::{
    CloseRoom, CloseRoomResponse, ForwardRoom, RoomResponse, Survey, SurveyResponse, TransferResponse, TransferRoom,
};
use livechat_wire::rooms::RoomsResponse;
use livechat_wire::{Empty, Success, Timestamp};
use serde::de::DeserializeOwned;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(DIR).join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Decodes a fixture, failing with the file name and serde's message.
fn decode<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Decodes a successful answer and checks its `success` flag.
fn ok<T: DeserializeOwned>(name: &str) -> T {
    let s: Success<T> = decode(name);
    assert!(s.success, "{name}: success should be true");
    s.body
}

fn ts(iso: &str) -> Option<Timestamp> {
    Some(Timestamp::parse_iso(iso).unwrap())
}

#[test]
fn room_get() {
    let r: RoomResponse = ok("livechat.room.get.response.json");
    assert!(r.new_room);
    assert_eq!(r.room.id, "onrMgdKbpX9Qqtvoi");
    assert!(r.room.is_open());
    assert_eq!(r.room.t, "l");
    assert_eq!(r.room.ts, ts("2018-09-14T17:36:48.276Z"));
    let v = r.room.v.unwrap();
    assert_eq!((v.username.as_str(), v.token.as_str()), ("guest-4", "iNKE8a6k6cjbqWhWd"));
    assert_eq!(r.room.served_by.unwrap().username, "livechat.agent");

    let r: RoomResponse = ok("livechat.room.get.response.2021.json");
    assert!(!r.new_room);
    assert_eq!(r.room.department_id.as_deref(), Some("CAJioQNAvLnYWTy8i"));
    // What only the dev server and the console read.
    #[cfg(feature = "full")]
    {
        assert_eq!(r.room.msgs, 7);
        assert_eq!(r.room.v.clone().unwrap().last_message_ts, ts("2021-07-09T20:20:58.755Z"));
        let last = r.room.last_message.clone().unwrap();
        assert_eq!((last.msg.as_str(), last.alias.as_deref()), ("d", Some("Mary")));
        #[cfg(feature = "rich")]
        {
            use livechat_wire::md::{Block, Inline, Md};
            assert_eq!(
                last.md,
                Some(Md(vec![Block::Paragraph(vec![Inline::Text("d".into())])])),
                "the text's parse tree"
            );
        }
    }
    #[cfg(feature = "full")]
    assert_eq!(r.room.served_by.unwrap().ts, ts("2021-07-09T20:19:29.422Z"));

    let e: ErrorBody = decode("livechat.room.get.error.json");
    assert!(!e.success);
    assert_eq!(e.text(), Some("Match error: Missing key 'token'"));
}

#[test]
fn room_close() {
    let q: CloseRoom = decode("livechat.room.close.request.json");
    assert_eq!((q.rid.as_str(), q.token.as_str()), ("XFzMqgn33DcsQkpJp", "iNKE8a6k6cjbqWhWd"));
    let r: CloseRoomResponse = ok("livechat.room.close.response.json");
    assert_eq!((r.rid.as_str(), r.comment.as_str()), ("XFzMqgn33DcsQkpJp", "Closed by visitor"));
}

#[test]
fn room_transfer() {
    let q: TransferRoom = decode("livechat.room.transfer.request.json");
    assert_eq!(q.department, "wXpPLofkffqWAwDNF");
    let r: TransferResponse = ok("livechat.room.transfer.response.json");
    let room = r.room.unwrap();
    assert_eq!(room.department_id.as_deref(), Some("wXpPLofkffqWAwDNF"));
    assert!(room.is_open());
    assert_eq!(room.served_by.unwrap().id, "wiyTfFKXr5GhgRu9A");
}

#[test]
fn room_forward() {
    let q: ForwardRoom = decode("livechat.room.forward.request.user.json");
    assert_eq!((q.user_id.as_deref(), q.department_id.as_deref()), (Some("iNKE8a6k6cjbqWhWd"), None));
    let q: ForwardRoom = decode("livechat.room.forward.request.department.json");
    assert_eq!((q.user_id, q.department_id.as_deref()), (None, Some("wXpPLofkffqWAwDNF")));
    let _: Empty = ok("livechat.room.forward.response.json");
}

#[test]
fn room_survey() {
    let q: Survey = decode("livechat.room.survey.request.json");
    assert_eq!(q.data.len(), 1);
    assert_eq!((q.data[0].name.as_str(), q.data[0].value.as_str()), ("satisfaction", "3"));
    let r: SurveyResponse = ok("livechat.room.survey.response.json");
    assert_eq!(r.data.get("agentResposiveness").map(String::as_str), Some("5"));
    assert_eq!(r.data.get("satisfaction").map(String::as_str), Some("3"));
}

#[test]
fn messages() {
    let q: SendMessage = decode("livechat.message.send.request.json");
    assert_eq!((q.msg.as_str(), q.id.as_deref()), ("sending livechat message..", None));
    let r: MessageResponse = ok("livechat.message.send.response.json");
    assert_eq!(r.message.id, "ZKWP8LfGnRHQ3ozWa");
    assert_eq!(r.message.u.as_ref().unwrap().name.as_deref(), Some("Livechat Visitor"));
    assert_eq!(r.message.rid, "", "old servers leave rid out of the answer");

    let q: EditMessage = decode("livechat.message.edit.request.json");
    assert_eq!(q.msg, "editing a livechat message..");
    let r: MessageResponse = ok("livechat.message.edit.response.json");
    assert_eq!(r.message.msg, "editing livechat message..");

    let r: MessageResponse = ok("livechat.message.delete.response.json");
    assert_eq!((r.message.id.as_str(), r.message.ts), ("ZKWP8LfGnRHQ3ozWa", ts("2018-09-14T13:31:33.279Z")));

    let r: HistoryResponse = ok("livechat.messages.history.response.json");
    let m = &r.messages[0];
    assert_eq!(m.rid, "KuACMJ5MpN6SfAFWg");
    assert_eq!(m.token.as_deref(), Some("iNKE8a6k6cjbqWhWd"));
    assert_eq!(m.edited_at, ts("2018-09-14T13:31:33.219Z"));
    #[cfg(feature = "full")]
    assert_eq!(m.edited_by.as_ref().unwrap().username, "guest-4");
    assert!(!m.is_system());
}

#[test]
fn offline_message() {
    let q: OfflineMessage = decode("livechat.offline.message.request.json");
    assert_eq!((q.name.as_str(), q.email.as_str()), ("Livechat Visitor", "visitor@rocket.chat"));
    let r: OfflineMessageResponse = ok("livechat.offline.message.response.json");
    assert_eq!(r.message, "Livechat offline message sent");
}

#[test]
fn rooms_list() {
    let r: RoomsResponse = ok("livechat.rooms.response.json");
    assert_eq!((r.page.count, r.page.offset, r.page.total), (1, 1, 7));
    let room = &r.rooms[0];
    assert_eq!(room.id, "9dQMveZhqxiDgCM3B");
    #[cfg(feature = "full")]
    {
        assert_eq!(room.fname.as_deref(), Some("Marcos Defendi"));
        assert_eq!(room.tags, ["rocket", "chat"]);
        assert_eq!(room.livechat_data.get("docId").map(String::as_str), Some("0310584343112"));
        assert_eq!(room.last_message.as_ref().unwrap().msg, "Hello");
    }
}

#[test]
fn inquiries() {
    let r: InquiriesResponse = ok("livechat.inquiries.list.response.json");
    assert_eq!(r.inquiries.len(), 2);
    assert_eq!(r.inquiries[1].department.as_deref(), Some("gDDAjeJb7BhHzzEQ8"));
    assert_eq!(r.page.total, 1);
    let q: TakeInquiry = decode("livechat.inquiries.take.request.json");
    assert_eq!((q.inquiry_id.as_str(), q.user_id), ("ByehQjC44FwMeiLbX", None));
    let r: TakeInquiryResponse = ok("livechat.inquiries.take.response.json");
    assert_eq!(r.inquiry.unwrap().v.unwrap().username, "guest-3");
    let r: GetInquiryResponse = ok("livechat.inquiries.getOne.response.json");
    let i = r.inquiry.unwrap();
    assert_eq!((i.status.as_str(), i.message.as_deref()), ("queued", Some("")));
}

/// Every fixture file is decoded by a test above; a new one must be added there too.
#[test]
fn every_fixture_is_covered() {
    let me = include_str!("fixtures.rs");
    let files: BTreeSet<String> =
        std::fs::read_dir(DIR).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(files.len() >= 25, "fixtures missing: {files:?}");
    for f in files {
        assert!(me.contains(&format!("\"{f}\"")), "{f} is not decoded by any test");
    }
}
