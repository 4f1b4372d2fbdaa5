//! `livechat/page.visited`, `livechat/custom.field`, `livechat/custom.fields`, and custom fields
//! sent with a registration.

mod common;

use common::*;
use livechat_dev_server::config::{CustomFieldConfig, Visibility};
use serde_json::{Value, json};

fn page(token: &str, rid: Option<&str>, change: &str, title: &str, href: &str) -> Value {
    let mut body = json!({"token": token, "pageInfo": {"title": title, "change": change, "location": {"href": href}}});
    if let Some(rid) = rid {
        body["rid"] = json!(rid);
    }
    body
}

/// `(rid, title, href, expires)` of every saved visit of `token`, oldest first.
fn visits(app: &TestApp, token: &str) -> Vec<(Option<String>, String, String, bool)> {
    let conn = app.state().db.conn();
    let mut stmt = conn
        .prepare("SELECT rid, title, href, expire_at IS NOT NULL FROM navigation_history WHERE token = ?1 ORDER BY ts")
        .unwrap();
    stmt.query_map([token], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().map(Result::unwrap).collect()
}

// ---------------------------------------------------------------------------------------------
// POST livechat/page.visited

#[tokio::test]
async fn a_url_change_is_saved_and_answered_as_the_navigation_message() {
    let app = TestApp::new();
    let rid = app.chat("nav-1").await;
    let body = success(
        app.post("livechat/page.visited", page("nav-1", Some(&rid), "url", "Pricing", "https://shop.example/p")).await,
    );
    assert_eq!(body["page"]["msg"], "Pricing - https://shop.example/p");
    assert_eq!(
        body["page"]["navigation"],
        json!({"page": {"title": "Pricing", "change": "url", "location": {"href": "https://shop.example/p"}}, "token": "nav-1"})
    );
    assert_eq!(visits(&app, "nav-1"), [(Some(rid.clone()), "Pricing".into(), "https://shop.example/p".into(), false)]);
    // Hidden from the visitor: the room's history has no navigation message.
    let history = app.history("nav-1", &rid, "").await;
    assert!(types(&history).iter().all(|t| *t != Some("livechat_navigation_history")), "{history:?}");
}

#[tokio::test]
async fn a_visit_before_any_room_or_registration_is_kept_for_thirty_days() {
    let app = TestApp::new();
    let body =
        success(app.post("livechat/page.visited", page("fresh", None, "url", "", "https://shop.example/")).await);
    assert_eq!(body["page"]["msg"], " - https://shop.example/");
    assert_eq!(visits(&app, "fresh"), [(None, String::new(), "https://shop.example/".into(), true)]);
}

#[tokio::test]
async fn an_untracked_change_answers_success_only_and_saves_nothing() {
    let app = TestApp::new();
    let reply =
        success(app.post("livechat/page.visited", page("t", None, "title", "New title", "https://x.example/")).await);
    assert_eq!(reply, json!({"success": true}));
    assert!(visits(&app, "t").is_empty());

    let by_title = TestApp::with(|c| c.history_monitor_type = "title".into());
    let reply = success(
        by_title.post("livechat/page.visited", page("t", None, "title", "New title", "https://x.example/")).await,
    );
    assert_eq!(reply["page"]["msg"], "New title - https://x.example/");
    assert_eq!(
        success(by_title.post("livechat/page.visited", page("t", None, "url", "", "https://x.example/b")).await),
        json!({"success": true})
    );
}

#[tokio::test]
async fn another_visitors_room_is_never_written_to() {
    let app = TestApp::new();
    let theirs = app.chat("victim").await;
    app.register_visitor("intruder").await;
    success(app.post("livechat/page.visited", page("intruder", Some(&theirs), "url", "x", "https://x.example/")).await);
    assert_eq!(visits(&app, "intruder"), [(None, "x".into(), "https://x.example/".into(), true)]);
    let conn = app.state().db.conn();
    let in_room: i64 =
        conn.query_row("SELECT COUNT(*) FROM navigation_history WHERE rid = ?1", [&theirs], |r| r.get(0)).unwrap();
    assert_eq!(in_room, 0);
}

#[tokio::test]
async fn page_visited_validates_like_rocket_chat() {
    let app = TestApp::new();
    let cases = [
        (json!({}), "must have required property 'token' [invalid-params]"),
        (json!({"token": "t"}), "must have required property 'pageInfo' [invalid-params]"),
        (
            json!({"token": "t", "pageInfo": {"title": "", "change": "url"}}),
            "must have required property 'location' [invalid-params]",
        ),
        (
            json!({"token": "t", "pageInfo": {"title": "", "change": "url", "location": {}}}),
            "must have required property 'href' [invalid-params]",
        ),
        (
            json!({"token": "t", "extra": 1, "pageInfo": {"title": "", "change": "url", "location": {"href": "h"}}}),
            "must NOT have additional properties [invalid-params]",
        ),
        (
            json!({"token": "t", "pageInfo": {"title": "", "change": "url", "location": {"href": "h", "hash": "#a"}}}),
            "must NOT have additional properties [invalid-params]",
        ),
        (json!({"token": "t", "pageInfo": "home"}), "must be object [invalid-params]"),
    ];
    for (body, error) in cases {
        check(&app.post("livechat/page.visited", body.clone()).await, 400, error);
    }
}

// ---------------------------------------------------------------------------------------------
// POST livechat/custom.field, livechat/custom.fields

async fn livechat_data(app: &TestApp, token: &str) -> Value {
    success(app.get(&format!("livechat/visitor/{}", enc(token))).await)["visitor"]["livechatData"].clone()
}

fn defined(c: &mut ServerConfig) {
    c.custom_fields = vec![
        CustomFieldConfig { id: "plan".into(), regexp: Some("^(free|gold)$".into()), ..CustomFieldConfig::default() },
        CustomFieldConfig { id: "company".into(), regexp: None, ..CustomFieldConfig::default() },
    ];
}

#[tokio::test]
async fn custom_field_sets_keeps_and_overwrites() {
    let app = TestApp::new();
    app.register_visitor("cf").await;
    let body = json!({"token": "cf", "key": "plan", "value": "gold", "overwrite": false});
    let reply = success(app.post("livechat/custom.field", body).await);
    assert_eq!(reply["field"], json!({"key": "plan", "value": "gold", "overwrite": false}));
    assert_eq!(livechat_data(&app, "cf").await, json!({"plan": "gold"}));

    let keep = json!({"token": "cf", "key": "plan", "value": "free", "overwrite": false});
    assert_eq!(success(app.post("livechat/custom.field", keep).await)["field"]["value"], "free");
    assert_eq!(livechat_data(&app, "cf").await, json!({"plan": "gold"}), "overwrite false keeps the value");

    let replace = json!({"token": "cf", "key": "plan", "value": "free", "overwrite": true});
    success(app.post("livechat/custom.field", replace).await);
    assert_eq!(livechat_data(&app, "cf").await, json!({"plan": "free"}));
}

#[tokio::test]
async fn custom_field_errors_are_rocket_chats() {
    let app = TestApp::with(defined);
    app.register_visitor("cf").await;
    let cases = [
        (
            json!({"token": "cf", "key": "plan", "value": "gold"}),
            "must have required property 'overwrite' [invalid-params]",
        ),
        (
            json!({"token": "cf", "key": "plan", "value": "gold", "overwrite": true, "x": 1}),
            "must NOT have additional properties [invalid-params]",
        ),
        (json!({"token": "nobody", "key": "plan", "value": "gold", "overwrite": true}), "invalid-token"),
        (json!({"token": "cf", "key": "shoe-size", "value": "9", "overwrite": true}), "invalid-custom-field"),
        (json!({"token": "cf", "key": "plan", "value": "platinum", "overwrite": true}), "Invalid value for plan field"),
    ];
    for (body, error) in cases {
        check(&app.post("livechat/custom.field", body.clone()).await, 400, error);
    }
    assert_eq!(livechat_data(&app, "cf").await, Value::Null, "nothing was stored");
    success(
        app.post("livechat/custom.field", json!({"token": "cf", "key": "plan", "value": "gold", "overwrite": true}))
            .await,
    );
    assert_eq!(livechat_data(&app, "cf").await, json!({"plan": "gold"}));
}

#[tokio::test]
async fn custom_fields_answer_with_capital_key_and_store_all_or_nothing() {
    let app = TestApp::with(defined);
    app.register(json!({"token": "many", "customFields": [{"key": "company", "value": "Acme", "overwrite": true}]}))
        .await;
    let fields = json!([
        {"key": "plan", "value": "gold", "overwrite": false},
        {"key": "company", "value": "Other", "overwrite": false},
    ]);
    let reply = success(app.post("livechat/custom.fields", json!({"token": "many", "customFields": fields})).await);
    assert_eq!(
        reply["fields"],
        json!([{"Key": "plan", "value": "gold", "overwrite": false}, {"Key": "company", "value": "Other", "overwrite": false}])
    );
    assert_eq!(livechat_data(&app, "many").await, json!({"plan": "gold", "company": "Acme"}));

    // One bad field: nothing is stored.
    let bad = json!([{"key": "company", "value": "New", "overwrite": true}, {"key": "plan", "value": "x", "overwrite": true}]);
    check(
        &app.post("livechat/custom.fields", json!({"token": "many", "customFields": bad})).await,
        400,
        "Invalid value for plan field",
    );
    let unknown =
        json!([{"key": "company", "value": "New", "overwrite": true}, {"key": "age", "value": "3", "overwrite": true}]);
    check(
        &app.post("livechat/custom.fields", json!({"token": "many", "customFields": unknown})).await,
        400,
        "invalid-custom-field",
    );
    assert_eq!(livechat_data(&app, "many").await, json!({"plan": "gold", "company": "Acme"}));

    check(
        &app.post("livechat/custom.fields", json!({"token": "many", "customFields": []})).await,
        400,
        "invalid-custom-field",
    );
    check(
        &app.post("livechat/custom.fields", json!({"token": "nope", "customFields": []})).await,
        400,
        "invalid-token",
    );
    check(
        &app.post(
            "livechat/custom.fields",
            json!({"token": "many", "customFields": [{"key": "plan", "value": "gold"}]}),
        )
        .await,
        400,
        "must have required property 'overwrite' [invalid-params]",
    );
}

// ---------------------------------------------------------------------------------------------
// POST livechat/visitor with custom fields: definitions and required ones

fn required(c: &mut ServerConfig) {
    let field = |id: &str, required: bool, visibility: Option<Visibility>| CustomFieldConfig {
        id: id.into(),
        required,
        visibility,
        ..CustomFieldConfig::default()
    };
    c.custom_fields = vec![
        field("plan", true, Some(Visibility::Visible)),
        field("company", true, None),
        field("age", false, Some(Visibility::Visible)),
        field("secret", true, Some(Visibility::Hidden)),
    ];
}

#[tokio::test]
async fn registration_refuses_missing_required_fields_but_keeps_the_visitor() {
    let app = TestApp::with(required);
    let body = |fields: Value| json!({"visitor": {"token": "r", "name": "Ada", "customFields": fields}});
    // Rocket.Chat's newest text, required and not hidden fields in definition order; the
    // visitor is registered all the same (Rocket.Chat checks after registering), without them.
    check(
        &app.post("livechat/visitor", body(json!([{"key": "age", "value": "40", "overwrite": true}]))).await,
        400,
        "Missing required custom fields: plan, company",
    );
    let visitor = success(app.get("livechat/visitor/r").await)["visitor"].clone();
    assert_eq!(visitor["name"], "Ada");
    assert!(visitor.get("livechatData").is_none(), "{visitor}");
    check(
        &app.post("livechat/visitor", body(json!([{"key": "plan", "value": "gold", "overwrite": true}]))).await,
        400,
        "Missing required custom fields: company",
    );
    // A key sent, even empty, is there; a hidden field is neither required nor kept, nor is a
    // key no field has.
    let all = json!([
        {"key": "plan", "value": "gold", "overwrite": true},
        {"key": "company", "value": "", "overwrite": true},
        {"key": "secret", "value": "x", "overwrite": true},
        {"key": "shoe-size", "value": "9", "overwrite": true},
    ]);
    let visitor = success(app.post("livechat/visitor", body(all)).await)["visitor"].clone();
    assert_eq!(visitor["livechatData"], json!({"plan": "gold", "company": ""}));
    // Sending no custom fields checks none (the form sends them; other updates need not).
    success(app.post("livechat/visitor", json!({"visitor": {"token": "other"}})).await);
    success(app.post("livechat/visitor", json!({"visitor": {"token": "other", "customFields": []}})).await);
}
