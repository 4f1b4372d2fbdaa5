//! The hand-shaped decoders and encoders against serde, which the dev server uses: if the two
//! ever read or write a type differently, a test here fails.
//!
//! * Every fixture (the API documents' examples) and every example the wire crate tests decodes
//!   by hand to exactly what serde decodes.
//! * A complete value of every decoded type (every field serde knows set, each to something
//!   other than its default) decodes by hand to itself: a field the hand decoder forgets, or
//!   reads under another name, fails here. Serde's own field list checks that the samples are
//!   complete, so a field added to a type fails here until its sample and its decoder have it.
//! * Every body, complete and minimal, is written byte for byte as `serde_json::to_string`.
//! * Wrong types and missing fields are errors naming the field, never panics.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::Path;

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::*;
use crate::agent::{Agent, AgentInfoResponse};
use crate::auth::{Login, LoginData, LoginResponse, LogoutData, LogoutResponse, Me};
use crate::config::{Config, ConfigResponse, Department, Messages, Settings, SurveyConfig, TextLimit, Theme};
use crate::custom_field::{CustomFieldResponse, CustomFieldsResponse, SavedField, SetCustomField, SetCustomFields};
use crate::ddp::{ClientFrame, StreamOptions, StreamParams, TokenArg, UserActivityParams, VisitorCredentials};
use crate::error::ErrorBody;
use crate::inquiries::{GetInquiryResponse, InquiriesResponse, Inquiry, TakeInquiry, TakeInquiryResponse};
use crate::message::{
    AgentRef, ChatSendMessage, DeleteMessage, DepartmentName, EditMessage, HistoryResponse, Message, MessageResponse,
    OutgoingMessage, SendMessage, TransferData,
};
use crate::offline_message::{OfflineMessage, OfflineMessageResponse};
use crate::page::{Location, Navigation, NavigationMessage, PageInfo, PageVisited, PageVisitedResponse};
use crate::room::{
    CloseRoom, CloseRoomByUser, CloseRoomResponse, ForwardRoom, Room, RoomResponse, RoomVisitor, ServedBy, Survey,
    SurveyItem, SurveyResponse, TransferResponse, TransferRoom,
};
use crate::rooms::RoomsResponse;
use crate::visitor::{CustomField, EmailAddress, NewVisitor, PhoneNumber, RegisterVisitor, Visitor, VisitorResponse};
use crate::{Empty, Page, Timestamp, UserRef};

// ---------------------------------------------------------------------------------------------
// Helpers

/// The field names serde's derived `Deserialize` knows for `T` (renames applied), or `None` for
/// a type that is not a plain struct (flattened fields make a map).
fn serde_fields<T: DeserializeOwned>() -> Option<&'static [&'static str]> {
    struct Probe<'a>(&'a mut Option<&'static [&'static str]>);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = Some(fields);
            Err(de::Error::custom("probed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields = None;
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// Decodes `v` by hand and with serde, and checks both give the same value (or both fail).
fn same<T: FromJson + DeserializeOwned + PartialEq + Debug>(what: &str, v: &Value) -> Option<T> {
    let by_hand = decode::<T, Value>(v);
    let by_serde = serde_json::from_value::<T>(v.clone());
    match (by_hand, by_serde) {
        (Ok(h), Ok(s)) => {
            assert_eq!(h, s, "{what}: the hand decoder and serde disagree");
            Some(h)
        }
        (Err(_), Err(_)) => None,
        (h, s) => panic!("{what}: hand {h:?}, serde {s:?}"),
    }
}

/// `sample` must be complete (every field serde knows is in its JSON, and each one matters), and
/// must decode by hand to itself.
fn complete<T: FromJson + DeserializeOwned + Serialize + PartialEq + Debug>(sample: T) {
    let name = std::any::type_name::<T>();
    let v = serde_json::to_value(&sample).unwrap();
    let obj = v.as_object().unwrap_or_else(|| panic!("{name}: not an object"));
    if let Some(fields) = serde_fields::<T>() {
        for f in fields {
            assert!(obj.contains_key(*f), "{name}: the sample lacks `{f}`");
        }
    }
    for key in obj.keys() {
        let mut less = v.clone();
        less.as_object_mut().unwrap().remove(key);
        if let Ok(without) = serde_json::from_value::<T>(less) {
            assert_ne!(without, sample, "{name}: `{key}` has its default value in the sample");
        }
    }
    assert_eq!(serde_json::from_value::<T>(v.clone()).unwrap(), sample, "{name}: serde round trip");
    assert_eq!(decode::<T, Value>(&v).unwrap_or_else(|e| panic!("{name}: {e}")), sample, "{name}");
}

/// The hand encoder writes `body` exactly as serde_json does.
fn written<T: ToJson + Serialize>(body: &T) {
    assert_eq!(to_string(body), serde_json::to_string(body).unwrap(), "{}", std::any::type_name::<T>());
}

/// A complete body: every field serde knows is written (so [`written`] compares all of them).
fn written_complete<T: ToJson + Serialize + DeserializeOwned>(body: &T) {
    let name = std::any::type_name::<T>();
    let v = serde_json::to_value(body).unwrap();
    for f in serde_fields::<T>().unwrap_or_else(|| panic!("{name}: not a struct")) {
        assert!(v.get(f).is_some(), "{name}: the sample lacks `{f}`");
    }
    written(body);
}

fn ts(ms: i64) -> Option<Timestamp> {
    Some(Timestamp(ms))
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn err<T: FromJson + Debug>(v: Value) -> String {
    decode::<T, Value>(&v).expect_err("should fail").to_string()
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// An answer fixture decodes by hand as serde decodes it (and successfully).
fn answer<T: FromJson + DeserializeOwned + PartialEq + Debug>(name: &str) {
    assert!(same::<T>(name, &fixture(name)).is_some(), "{name} does not decode");
}

/// A request fixture, read by serde, is written back by hand as serde writes it.
fn request<T: ToJson + Serialize + DeserializeOwned>(name: &str) {
    let body: T = serde_json::from_value(fixture(name)).unwrap();
    written(&body);
}

#[test]
fn every_fixture_decodes_and_encodes_as_serde_does() {
    let mut seen = BTreeSet::new();
    let mut check = |name: &'static str, f: fn(&str)| {
        f(name);
        seen.insert(name);
    };
    check("livechat.inquiries.getOne.response.json", answer::<GetInquiryResponse>);
    check("livechat.inquiries.list.response.json", answer::<InquiriesResponse>);
    check("livechat.inquiries.take.request.json", request::<TakeInquiry>);
    check("livechat.inquiries.take.response.json", answer::<TakeInquiryResponse>);
    check("livechat.message.delete.response.json", answer::<MessageResponse>);
    check("livechat.message.edit.request.json", request::<EditMessage>);
    check("livechat.message.edit.response.json", answer::<MessageResponse>);
    check("livechat.message.send.request.json", request::<SendMessage>);
    check("livechat.message.send.response.json", answer::<MessageResponse>);
    check("livechat.messages.history.response.json", answer::<HistoryResponse>);
    check("livechat.offline.message.request.json", request::<OfflineMessage>);
    check("livechat.offline.message.response.json", answer::<OfflineMessageResponse>);
    check("livechat.room.close.request.json", request::<CloseRoom>);
    check("livechat.room.close.response.json", answer::<CloseRoomResponse>);
    check("livechat.room.forward.request.department.json", request::<ForwardRoom>);
    check("livechat.room.forward.request.user.json", request::<ForwardRoom>);
    check("livechat.room.forward.response.json", answer::<Empty>);
    check("livechat.room.get.error.json", answer::<ErrorBody>);
    check("livechat.room.get.response.2021.json", answer::<RoomResponse>);
    check("livechat.room.get.response.json", answer::<RoomResponse>);
    check("livechat.room.survey.request.json", request::<Survey>);
    check("livechat.room.survey.response.json", answer::<SurveyResponse>);
    check("livechat.room.transfer.request.json", request::<TransferRoom>);
    check("livechat.room.transfer.response.json", answer::<TransferResponse>);
    check("livechat.rooms.response.json", answer::<RoomsResponse>);
    let files: BTreeSet<String> =
        std::fs::read_dir(FIXTURES).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    for f in &files {
        assert!(seen.contains(f.as_str()), "{f} is not checked here");
    }
}

#[test]
fn the_wire_crates_examples_decode_as_serde_does() {
    answer_text::<CustomFieldResponse>(
        r#"{"field":{"key":"address","value":"Rocket.Chat Avenue","overwrite":true},"success":true}"#,
    );
    answer_text::<CustomFieldsResponse>(
        r#"{"fields":[{"Key":"address","value":"Rocket.Chat Avenue","overwrite":true}],"success":true}"#,
    );
    answer_text::<PageVisitedResponse>(r#"{"success":true}"#);
    let page = r#"{"token":"iNKE8a6k6cjbqWhWd","rid":"vp3D9H8ud6HYvRpvq","pageInfo":{"title":"","change":"url","location":{"href":"http://localhost:3000/demo.html#page-4"}}}"#;
    let body: PageVisited = serde_json::from_str(page).unwrap();
    assert_eq!(to_string(&body), page);
    written(&PageVisited { rid: None, ..body });
}

fn answer_text<T: FromJson + DeserializeOwned + PartialEq + Debug>(text: &str) {
    let v: Value = serde_json::from_str(text).unwrap();
    assert!(same::<T>(text, &v).is_some(), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Complete values of every decoded type

fn user(id: &str) -> UserRef {
    UserRef { id: id.into(), username: format!("{id}-name"), name: Some(format!("{id} Name")) }
}

fn department_name() -> DepartmentName {
    DepartmentName { id: "dep1".into(), name: "Sales".into() }
}

fn transfer_data() -> TransferData {
    TransferData {
        scope: "department".into(),
        transferred_by: Some(user("agent1")),
        transferred_to: Some(user("agent2")),
        next_department: Some(department_name()),
        comment: Some("over to sales".into()),
    }
}

fn message() -> Message {
    Message {
        id: "m1".into(),
        rid: "r1".into(),
        msg: "hello \"there\"\n".into(),
        ts: ts(1_536_946_608_276),
        u: Some(user("v1")),
        token: Some("tok".into()),
        alias: Some("Ada".into()),
        t: Some("livechat_transfer_history".into()),
        groupable: Some(false),
        edited_at: ts(1_536_946_608_300),
        edited_by: Some(user("v1")),
        updated_at: ts(1_536_946_608_301),
        transfer_data: Some(transfer_data()),
        transcript_requested: Some(true),
    }
}

fn room_visitor() -> RoomVisitor {
    RoomVisitor {
        id: "v1".into(),
        username: "guest-1".into(),
        token: "tok".into(),
        status: Some("online".into()),
        name: Some("Ada".into()),
        last_message_ts: ts(5),
    }
}

fn served_by() -> ServedBy {
    ServedBy { id: "agent1".into(), username: "agent.one".into(), ts: ts(6) }
}

fn room() -> Room {
    Room {
        id: "r1".into(),
        t: "l".into(),
        ts: ts(1),
        lm: ts(2),
        msgs: 7,
        users_count: Some(2),
        fname: Some("Ada".into()),
        department_id: Some("dep1".into()),
        v: Some(room_visitor()),
        served_by: Some(served_by()),
        open: Some(true),
        cl: Some(false),
        waiting_response: Some(true),
        closed_at: ts(3),
        closer: Some("visitor".into()),
        closed_by: Some(user("v1")),
        survey_feedback: Some(map(&[("satisfaction", "5")])),
        last_message: Some(Box::new(message())),
        tags: vec!["a".into(), "b".into()],
        livechat_data: map(&[("docId", "42")]),
        department: Some(department_name()),
        updated_at: ts(4),
    }
}

fn visitor() -> Visitor {
    Visitor {
        id: "v1".into(),
        username: "guest-1".into(),
        token: "tok".into(),
        name: Some("Ada".into()),
        visitor_emails: vec![EmailAddress { address: "ada@example.com".into() }],
        phone: vec![PhoneNumber { phone_number: "+100".into() }],
        department: Some("dep1".into()),
        status: Some("online".into()),
        ts: ts(10),
        updated_at: ts(11),
        livechat_data: map(&[("plan", "gold")]),
    }
}

fn agent() -> Agent {
    Agent {
        id: "agent1".into(),
        username: Some("agent.one".into()),
        name: Some("Agent One".into()),
        status: Some("online".into()),
        emails: vec![EmailAddress { address: "one@example.com".into() }],
        phone: vec![PhoneNumber { phone_number: "+200".into() }],
        hidden_info: true,
    }
}

fn settings() -> Settings {
    let d = Settings::default();
    Settings {
        registration_form: !d.registration_form,
        allow_switching_departments: !d.allow_switching_departments,
        name_field_registration_form: !d.name_field_registration_form,
        email_field_registration_form: !d.email_field_registration_form,
        display_offline_form: !d.display_offline_form,
        file_upload: !d.file_upload,
        language: "pt-BR".into(),
        transcript: !d.transcript,
        history_monitor_type: "title".into(),
        force_accept_data_processing_consent: !d.force_accept_data_processing_consent,
        show_connecting: !d.show_connecting,
        agent_hidden_info: !d.agent_hidden_info,
        clear_local_storage_when_chat_ended: !d.clear_local_storage_when_chat_ended,
        limit_text_length: TextLimit(Some(300)),
        hidden_system_messages: vec!["uj".into()],
        hide_watermark: !d.hide_watermark,
        visitors_can_close_chat: !d.visitors_can_close_chat,
    }
}

fn theme() -> Theme {
    Theme {
        title: "Help".into(),
        color: "#000".into(),
        offline_title: "Later".into(),
        offline_color: "#111".into(),
        position: "left".into(),
        background: Some("#fff".into()),
        hide_expand_chat: true,
    }
}

fn messages() -> Messages {
    Messages {
        offline_message: "a".into(),
        offline_success_message: "b".into(),
        offline_unavailable_message: "c".into(),
        conversation_finished_message: "d".into(),
        conversation_finished_text: "e".into(),
        transcript_message: "f".into(),
        registration_form_message: "g".into(),
        data_processing_consent_text: "h".into(),
    }
}

fn department() -> Department {
    Department {
        id: "dep1".into(),
        name: "Sales".into(),
        show_on_registration: true,
        show_on_offline_form: true,
        departments_allowed_to_forward: vec!["dep2".into()],
    }
}

fn survey_config() -> SurveyConfig {
    SurveyConfig { items: vec!["satisfaction".into()], values: vec!["1".into(), "2".into()] }
}

fn config() -> Config {
    Config {
        enabled: true,
        settings: settings(),
        theme: theme(),
        messages: messages(),
        survey: survey_config(),
        departments: vec![department()],
        online: true,
        guest: Some(visitor()),
        room: Some(room()),
        agent: Some(agent()),
    }
}

fn page_info() -> PageInfo {
    PageInfo { title: "Home".into(), change: "url".into(), location: Location { href: "https://e.com/".into() } }
}

fn navigation_message() -> NavigationMessage {
    NavigationMessage {
        msg: "Home - https://e.com/".into(),
        navigation: Navigation { page: page_info(), token: "tok".into() },
    }
}

fn me() -> Me {
    Me {
        id: "agent1".into(),
        username: "agent.one".into(),
        name: Some("Agent One".into()),
        status: Some("online".into()),
        status_livechat: Some("available".into()),
        roles: vec!["livechat-agent".into()],
    }
}

fn inquiry() -> Inquiry {
    Inquiry {
        id: "i1".into(),
        rid: "r1".into(),
        name: Some("Ada".into()),
        ts: ts(20),
        message: Some("hi".into()),
        status: "queued".into(),
        department: Some("dep1".into()),
        v: Some(room_visitor()),
        t: Some("l".into()),
        taken_at: ts(21),
        updated_at: ts(22),
    }
}

#[test]
fn complete_values_decode_to_themselves() {
    complete(user("u1"));
    complete(Page { count: 1, offset: 2, total: 3 });
    complete(department_name());
    complete(transfer_data());
    complete(message());
    complete(MessageResponse { message: message() });
    complete(HistoryResponse { messages: vec![message(), Message { id: "m2".into(), ..Message::default() }] });
    complete(room_visitor());
    complete(served_by());
    complete(room());
    complete(RoomResponse { room: room(), new_room: true });
    complete(CloseRoomResponse { rid: "r1".into(), comment: "Closed by visitor".into() });
    complete(TransferResponse { room: Some(room()) });
    complete(SurveyResponse { rid: "r1".into(), data: map(&[("satisfaction", "3"), ("agentResposiveness", "5")]) });
    complete(visitor());
    complete(EmailAddress { address: "a@b.co".into() });
    complete(PhoneNumber { phone_number: "+1".into() });
    complete(CustomField { key: "k".into(), value: "v".into(), overwrite: true });
    complete(VisitorResponse { visitor: visitor() });
    complete(settings());
    complete(theme());
    complete(messages());
    complete(survey_config());
    complete(department());
    complete(config());
    complete(ConfigResponse { config: config() });
    complete(agent());
    complete(AgentInfoResponse { agent: agent() });
    complete(CustomFieldResponse { field: CustomField { key: "k".into(), value: "v".into(), overwrite: true } });
    complete(CustomFieldsResponse { fields: vec![SavedField { key: "k".into(), value: "v".into(), overwrite: true }] });
    complete(SavedField { key: "k".into(), value: "v".into(), overwrite: true });
    complete(OfflineMessageResponse { message: "Livechat offline message sent".into() });
    complete(PageVisitedResponse { page: Some(navigation_message()) });
    complete(navigation_message());
    complete(Navigation { page: page_info(), token: "tok".into() });
    complete(page_info());
    complete(Location { href: "https://e.com/".into() });
    complete(me());
    complete(LoginData { user_id: "agent1".into(), auth_token: "secret".into(), me: me() });
    complete(LoginResponse {
        status: "success".into(),
        data: LoginData { user_id: "agent1".into(), auth_token: "secret".into(), me: me() },
    });
    complete(LogoutData { message: "You've been logged out!".into() });
    complete(LogoutResponse { status: "success".into(), data: LogoutData { message: "bye".into() } });
    complete(inquiry());
    complete(InquiriesResponse { inquiries: vec![inquiry()], page: Page { count: 1, offset: 2, total: 3 } });
    complete(TakeInquiryResponse { inquiry: Some(inquiry()) });
    complete(GetInquiryResponse { inquiry: Some(inquiry()) });
    complete(RoomsResponse { rooms: vec![room()], page: Page { count: 1, offset: 0, total: 9 } });
    complete(ErrorBody {
        success: true,
        error: Some("invalid-token".into()),
        error_type: Some("error-invalid-token".into()),
        status: Some("error".into()),
        message: Some("You must be logged in".into()),
    });
}

#[test]
fn empty_and_partial_objects_take_serdes_defaults() {
    for v in [json!({}), json!({"unknown": [1, {"x": null}]})] {
        same::<Message>("message", &v).unwrap();
        same::<Room>("room", &v).unwrap();
        same::<Visitor>("visitor", &v).unwrap();
        same::<Agent>("agent", &v).unwrap();
        same::<Settings>("settings", &v).unwrap();
        same::<Theme>("theme", &v).unwrap();
        same::<Config>("config", &v).unwrap();
        same::<SurveyConfig>("survey", &v).unwrap();
        same::<Me>("me", &v).unwrap();
        same::<ErrorBody>("error", &v).unwrap();
        same::<TransferResponse>("transfer", &v).unwrap();
        same::<PageVisitedResponse>("page", &v).unwrap();
        same::<TakeInquiryResponse>("take", &v).unwrap();
        same::<GetInquiryResponse>("get", &v).unwrap();
        same::<Empty>("empty", &v).unwrap();
    }
    // Nulls: `None` for options, wrong for everything else.
    same::<Message>("nulls", &json!({"_id": "a", "ts": null, "u": null, "t": null})).unwrap();
    same::<GetInquiryResponse>("null inquiry", &json!({"inquiry": null})).unwrap();
    assert!(same::<Message>("null msg", &json!({"msg": null})).is_none());
    assert!(same::<Room>("null tags", &json!({"tags": null})).is_none());
    // Config disabled: only `enabled`.
    let c = same::<ConfigResponse>("disabled", &json!({"config": {"enabled": false}})).unwrap();
    assert_eq!(c.config.settings, Settings::default());
}

#[test]
fn text_limits_read_as_serde_reads_them() {
    for v in [json!(false), json!(true), json!(null), json!(0), json!(-3), json!(500), json!(2.5), json!(0.5)] {
        let s = json!({"limitTextLength": v});
        same::<Settings>(&s.to_string(), &s).unwrap();
    }
    assert!(same::<Settings>("string", &json!({"limitTextLength": "10"})).is_none());
    let s: Settings = decode(&json!({"limitTextLength": 500})).unwrap();
    assert_eq!(s.limit_text_length, TextLimit(Some(500)));
}

#[test]
fn dates_read_in_every_form_the_server_writes() {
    for v in [
        json!("2018-09-14T17:36:48.276Z"),
        json!({"$date": 1_536_946_608_276_i64}),
        json!({"$date": "2018-09-14T17:36:48.276Z", "x": 1}),
        json!(1_536_946_608_276_i64),
        json!(1_536_946_608_276.9),
    ] {
        let m = json!({"ts": v});
        let got = same::<Message>(&m.to_string(), &m).unwrap();
        assert_eq!(got.ts, ts(1_536_946_608_276));
    }
    for bad in [json!("yesterday"), json!({"date": 1}), json!(true), json!([1]), json!(1e300)] {
        let m = json!({"ts": bad});
        assert!(same::<Message>(&m.to_string(), &m).is_none(), "{m}");
    }
}

#[test]
fn wrong_types_and_missing_fields_name_the_field() {
    assert_eq!(err::<MessageResponse>(json!({})), "missing field `message`");
    assert_eq!(err::<MessageResponse>(json!({"message": {"msg": 5}})), "`message.msg`: expected a string");
    assert_eq!(err::<HistoryResponse>(json!({"messages": {}})), "`messages`: expected an array");
    assert_eq!(err::<HistoryResponse>(json!({"messages": [{"ts": "x"}]})), "`messages.ts`: expected a date");
    assert_eq!(
        err::<ConfigResponse>(json!({"config": {"settings": {"registrationForm": "yes"}}})),
        "`config.settings.registrationForm`: expected true or false"
    );
    assert_eq!(err::<RoomResponse>(json!({"room": {"msgs": 1.5}})), "`room.msgs`: expected a whole number");
    assert_eq!(err::<RoomResponse>(json!({"room": {"msgs": -1}})), "`room.msgs`: expected a whole number");
    assert_eq!(err::<RoomResponse>(json!("room")), "expected an object");
    assert_eq!(err::<RoomResponse>(json!([])), "expected an object");
    // Objects are read by name only: serde would take a struct whose fields all have defaults
    // from an array (by position, or in serde-wasm-bindgen from the array's own properties).
    assert_eq!(err::<MessageResponse>(json!({"message": []})), "`message`: expected an object");
    assert_eq!(err::<SurveyResponse>(json!({"rid": "r", "data": {"a": 1}})), "`data`: expected a string");
    assert_eq!(err::<InquiriesResponse>(json!({"inquiries": []})), "missing field `count`");
    // Serde refuses each of these too.
    for v in [
        json!({"message": {"msg": 5}}),
        json!({"message": null}),
        json!({"message": {"u": {"username": "no id"}}}),
        json!({"message": {"groupable": "yes"}}),
    ] {
        assert!(same::<MessageResponse>(&v.to_string(), &v).is_none(), "{v}");
    }
    for v in [json!({"room": {"msgs": 1.5}}), json!({"room": {"v": "x"}}), json!({"room": {"livechatData": []}})] {
        assert!(same::<RoomResponse>(&v.to_string(), &v).is_none(), "{v}");
    }
    for v in [json!({"fields": [{"key": "k", "value": "v", "overwrite": true}]}), json!({"fields": [{"Key": "k"}]})] {
        assert!(same::<CustomFieldsResponse>(&v.to_string(), &v).is_none(), "{v}");
    }
}

#[test]
fn numbers_are_whole_and_in_range() {
    assert_eq!(decode::<u32, Value>(&json!(4_294_967_295_u64)), Ok(u32::MAX));
    assert!(decode::<u32, Value>(&json!(4_294_967_296_u64)).is_err());
    assert_eq!(decode::<u64, Value>(&json!(9_007_199_254_740_991_u64)), Ok(9_007_199_254_740_991));
    assert!(decode::<u64, Value>(&json!(1e300)).is_err());
    assert!(decode::<u64, Value>(&json!("1")).is_err());
    // A JavaScript number with no fraction is whole whatever its spelling.
    assert_eq!(decode::<u64, Value>(&json!(3.0)), Ok(3));
}

// ---------------------------------------------------------------------------------------------
// Encoders

#[test]
fn bodies_are_written_as_serde_writes_them() {
    let custom = CustomField { key: "k".into(), value: "v \u{1}".into(), overwrite: true };
    written_complete(&SendMessage {
        token: "tok".into(),
        rid: "r1".into(),
        msg: "hi".into(),
        id: Some("m1".into()),
        agent: Some(AgentRef { agent_id: "a1".into(), username: "agent.one".into() }),
    });
    written(&SendMessage { token: "tok".into(), rid: "r1".into(), msg: "hi".into(), id: None, agent: None });
    written_complete(&AgentRef { agent_id: "a1".into(), username: "agent.one".into() });
    written_complete(&EditMessage { token: "tok".into(), rid: "r1".into(), msg: "edited".into() });
    written_complete(&DeleteMessage { token: "tok".into(), rid: "r1".into() });
    let outgoing = OutgoingMessage { id: Some("m1".into()), rid: "r1".into(), msg: "reply".into() };
    written_complete(&outgoing);
    written_complete(&ChatSendMessage { message: outgoing });
    written(&ChatSendMessage { message: OutgoingMessage { id: None, rid: "r1".into(), msg: "reply".into() } });
    written_complete(&CloseRoom { token: "tok".into(), rid: "r1".into() });
    written_complete(&TransferRoom { token: "tok".into(), rid: "r1".into(), department: "dep1".into() });
    let item = SurveyItem { name: "satisfaction".into(), value: "5".into() };
    written_complete(&item);
    written_complete(&Survey { token: "tok".into(), rid: "r1".into(), data: vec![item.clone(), item] });
    written(&Survey { token: "tok".into(), rid: "r1".into(), data: Vec::new() });
    written_complete(&ForwardRoom {
        room_id: "r1".into(),
        user_id: Some("a1".into()),
        department_id: Some("dep1".into()),
        comment: Some("c".into()),
    });
    written(&ForwardRoom { room_id: "r1".into(), ..ForwardRoom::default() });
    written_complete(&CloseRoomByUser { rid: "r1".into(), comment: Some("c".into()), tags: vec!["t".into()] });
    written(&CloseRoomByUser { rid: "r1".into(), comment: None, tags: Vec::new() });
    let full_visitor = NewVisitor {
        token: "tok".into(),
        name: Some("Ada".into()),
        email: Some("ada@example.com".into()),
        department: Some("dep1".into()),
        phone: Some("+1".into()),
        username: Some("ada".into()),
        custom_fields: vec![custom.clone()],
    };
    written_complete(&full_visitor);
    written_complete(&RegisterVisitor { visitor: full_visitor });
    written(&RegisterVisitor { visitor: NewVisitor { token: "tok".into(), ..NewVisitor::default() } });
    written_complete(&custom);
    written(&CustomField { overwrite: false, ..custom.clone() });
    written_complete(&SetCustomField { token: "tok".into(), key: "k".into(), value: "v".into(), overwrite: false });
    written_complete(&SetCustomFields { token: "tok".into(), custom_fields: vec![custom.clone(), custom] });
    written(&SetCustomFields { token: "tok".into(), custom_fields: Vec::new() });
    written_complete(&OfflineMessage {
        name: "Ada".into(),
        email: "ada@example.com".into(),
        message: "call me".into(),
        department: Some("dep1".into()),
        host: Some("https://e.com".into()),
    });
    written(&OfflineMessage { name: "Ada".into(), email: "a@b.co".into(), message: "m".into(), ..Default::default() });
    written_complete(&PageVisited { token: "tok".into(), rid: Some("r1".into()), page_info: page_info() });
    written(&PageVisited { token: "tok".into(), rid: None, page_info: page_info() });
    written_complete(&page_info());
    written_complete(&Location { href: "https://e.com/?q=\"x\"".into() });
    written_complete(&Login { user: "agent.one".into(), password: "p\\w".into() });
    written_complete(&TakeInquiry { inquiry_id: "i1".into(), user_id: Some("a1".into()) });
    written(&TakeInquiry { inquiry_id: "i1".into(), user_id: None });
}

#[test]
fn ddp_frames_are_written_as_serde_writes_them() {
    let stream = StreamParams::visitor("r1", "tok");
    let activity = UserActivityParams(
        "r1/user-activity".into(),
        "guest-1".into(),
        vec!["user-typing".into()],
        TokenArg { token: "tok".into() },
    );
    written(&ClientFrame::<StreamParams>::Connect { version: "1".into(), support: vec!["1".into(), "pre2".into()] });
    written(&ClientFrame::<StreamParams>::Ping { id: Some("p".into()) });
    written(&ClientFrame::<StreamParams>::Ping { id: None });
    written(&ClientFrame::<StreamParams>::Pong { id: Some("p".into()) });
    written(&ClientFrame::<StreamParams>::Pong { id: None });
    written(&ClientFrame::Sub { id: "1".into(), name: "stream-room-messages".into(), params: stream.clone() });
    written(&ClientFrame::<StreamParams>::Unsub { id: "1".into() });
    written(&ClientFrame::Method { id: "2".into(), method: "stream-notify-room".into(), params: activity.clone() });
    written(&UserActivityParams("r1/user-activity".into(), "guest-1".into(), Vec::new(), TokenArg::default()));
    written(&stream);
    written_complete(&StreamOptions { use_collection: true, args: vec![VisitorCredentials::default()] });
    written_complete(&VisitorCredentials { token: "a".into(), visitor_token: "b".into() });
    written(&VisitorCredentials { token: String::new(), visitor_token: "b".into() });
    written_complete(&TokenArg { token: "tok".into() });
}

#[test]
fn strings_are_escaped_as_serde_escapes_them() {
    let all_controls: String = (0u8..0x20).map(char::from).collect();
    for s in ["", "plain", "quote \" backslash \\ slash /", "tab\tnew\nline\rcr", "é ü 日本 🚀 \u{7f} \u{2028}"] {
        written(&s.to_string());
    }
    written(&all_controls);
    for n in [0u64, 7, 10, 99, 100, 4_294_967_295, u64::MAX] {
        written(&n);
    }
    written(&true);
    written(&false);
    written(&Vec::<String>::new());
    written(&vec![vec!["a".to_string()], Vec::new()]);
}

/// The probe the completeness checks rely on sees serde's renames, and no fields for a type
/// with flattened ones.
#[test]
fn serde_field_probe_sees_renames() {
    assert_eq!(serde_fields::<UserRef>(), Some(&["_id", "username", "name"][..]));
    assert_eq!(serde_fields::<InquiriesResponse>(), None);
    #[derive(Deserialize)]
    struct Renamed {
        #[serde(rename = "Key")]
        _key: String,
    }
    assert_eq!(serde_fields::<Renamed>(), Some(&["Key"][..]));
}
