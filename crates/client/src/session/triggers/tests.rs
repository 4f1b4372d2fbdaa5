use super::*;
use livechat_wire::config::{ConditionValue, Trigger, TriggerAction, TriggerCondition, TriggerParams};
use serde_json::json;

/// JavaScript's `new RegExp(pattern).test(text)`, by `regress` (JavaScript's syntax and meaning,
/// as the widget's `RegExp` and the dev server read patterns).
fn js(pattern: &str, text: &str) -> Option<bool> {
    regress::Regex::new(pattern).ok().map(|r| r.find(text).is_some())
}
const JS: Matcher<'static> = &js;

const SITE: &str = "https://shop.example/";
const PRICING: &str = "https://shop.example/pricing";
const ABOUT: &str = "https://shop.example/about";

fn cond(name: &str, value: Option<ConditionValue>) -> TriggerCondition {
    TriggerCondition { name: name.into(), value }
}
fn url(pattern: &str) -> TriggerCondition {
    cond("page-url", Some(ConditionValue::Text(pattern.into())))
}
fn secs(s: &str) -> TriggerCondition {
    cond("time-on-site", Some(ConditionValue::Text(s.into())))
}
fn opened() -> TriggerCondition {
    cond("chat-opened-by-visitor", None)
}
fn registered() -> TriggerCondition {
    cond("after-guest-registration", None)
}
fn send(sender: &str, name: &str, msg: &str) -> TriggerAction {
    TriggerAction {
        name: "send-message".into(),
        params: Some(TriggerParams { sender: sender.into(), name: name.into(), msg: msg.into() }),
    }
}

/// An enabled trigger sending `"<id>!"` from "Ana".
fn trigger(id: &str, conditions: Vec<TriggerCondition>) -> Trigger {
    Trigger { id: id.into(), conditions, actions: vec![send("custom", "Ana", &format!("{id}!"))], ..Trigger::default() }
}
fn once(id: &str, conditions: Vec<TriggerCondition>) -> Trigger {
    Trigger { run_once: true, ..trigger(id, conditions) }
}

/// A page load at time 0 with `triggers` and nothing fired before.
/// The triggers as the configuration's JSON (the rules read them as parsed).
fn vals(triggers: &[Trigger]) -> Vec<serde_json::Value> {
    triggers.iter().map(|t| serde_json::to_value(t).unwrap()).collect()
}

fn load(triggers: &[Trigger]) -> Triggers {
    Triggers::new(&vals(triggers), Vec::new(), 0.0)
}

fn ids(step: &Step) -> Vec<&str> {
    step.fire.iter().map(|f| f.id.as_str()).collect()
}
const NONE: [&str; 0] = [];

// ---- page-url ----

#[test]
fn url_match_no_match_then_match_again() {
    let mut t = load(&[trigger("p", vec![url("/pricing")])]);
    let s = t.page(PRICING, 0.0, JS);
    assert_eq!(s.fire, vec![Fire { id: "p".into(), sender: Sender::Custom, name: "Ana".into(), msg: "p!".into() }]);
    assert_eq!(s.store_once, Vec::<String>::new());
    assert_eq!(s.wake_at, None);
    assert_eq!(ids(&t.page(ABOUT, 1.0, JS)), NONE);
    assert_eq!(ids(&t.page(PRICING, 2.0, JS)), ["p"], "a new entry to a matching page fires again");
}

#[test]
fn no_repeat_while_the_address_keeps_matching() {
    let mut t = load(&[trigger("p", vec![url("/pricing")])]);
    assert_eq!(ids(&t.page(PRICING, 0.0, JS)), ["p"]);
    assert_eq!(ids(&t.page(PRICING, 1.0, JS)), NONE, "same address again");
    assert_eq!(ids(&t.page("https://shop.example/pricing#faq", 2.0, JS)), NONE, "another matching address");
    assert_eq!(ids(&t.page("https://shop.example/pricing?plan=pro", 3.0, JS)), NONE);
    assert_eq!(ids(&t.tick(4.0)), NONE);
    assert_eq!(ids(&t.opened(5.0)), NONE);
}

#[test]
fn url_is_tested_unanchored_and_case_sensitive_on_the_full_address() {
    let mut t = load(&[
        trigger("anywhere", vec![url("pricing")]),
        trigger("upper", vec![url("PRICING")]),
        trigger("anchored", vec![url("^https://shop\\.example/pricing$")]),
        trigger("host", vec![url("^https://other\\.example/")]),
        trigger("query", vec![url("\\?ref=ad")]),
        trigger("slash", vec![url("example\\/pricing")]),
    ]);
    assert_eq!(ids(&t.page(PRICING, 0.0, JS)), ["anywhere", "anchored", "slash"]);
    assert_eq!(ids(&t.page("https://shop.example/?ref=ad", 1.0, JS)), ["query"]);
}

#[test]
fn an_invalid_pattern_never_matches() {
    let mut t = load(&[trigger("bad", vec![url("(pricing")]), trigger("good", vec![url("pricing")])]);
    assert_eq!(js("(pricing", PRICING), None, "the stand-in refuses it as RegExp does");
    assert_eq!(ids(&t.page(PRICING, 0.0, JS)), ["good"]);
    assert_eq!(ids(&t.page(ABOUT, 1.0, JS)), NONE);
    assert_eq!(ids(&t.page(PRICING, 2.0, JS)), ["good"]);
}

#[test]
fn an_empty_or_missing_pattern_never_matches() {
    let mut t = load(&[
        trigger("empty", vec![url("")]),
        trigger("missing", vec![cond("page-url", None)]),
        trigger("any", vec![url(".")]),
    ]);
    assert_eq!(ids(&t.page(SITE, 0.0, JS)), ["any"]);
}

#[test]
fn a_numeric_pattern_is_its_text() {
    let mut t = load(&[trigger("404", vec![cond("page-url", Some(ConditionValue::Number(404.0)))])]);
    assert_eq!(ids(&t.page(ABOUT, 0.0, JS)), NONE);
    assert_eq!(ids(&t.page("https://shop.example/404", 1.0, JS)), ["404"]);
}

#[test]
fn every_page_url_condition_must_match() {
    let mut t = load(&[trigger("both", vec![url("shop\\.example"), url("/pricing")])]);
    assert_eq!(ids(&t.page(ABOUT, 0.0, JS)), NONE);
    assert_eq!(ids(&t.page("https://other.example/pricing", 1.0, JS)), NONE);
    assert_eq!(ids(&t.page(PRICING, 2.0, JS)), ["both"]);
}

#[test]
fn no_address_known_before_the_first_page_call() {
    let mut t = load(&[trigger("p", vec![url(".")]), trigger("o", vec![opened()])]);
    assert_eq!(ids(&t.tick(0.0)), NONE);
    assert_eq!(ids(&t.opened(1.0)), ["o"], "conditions without an address do not wait for one");
    assert_eq!(ids(&t.page(SITE, 2.0, JS)), ["p"]);
}

// ---- time-on-site ----

#[test]
fn time_deadline_before_exactly_at_and_after() {
    let mut t = Triggers::new(&vals(&[trigger("t", vec![secs("30")])]), Vec::new(), 1_000.0);
    let s = t.page(SITE, 1_000.0, JS);
    assert_eq!((ids(&s), s.wake_at), (vec![], Some(31_000.0)));
    let s = t.tick(30_999.0);
    assert_eq!((ids(&s), s.wake_at), (vec![], Some(31_000.0)), "early: the same deadline");
    let s = t.tick(31_000.0);
    assert_eq!((ids(&s), s.wake_at), (vec!["t"], None), "exactly at the deadline");
    let s = t.tick(45_000.0);
    assert_eq!((ids(&s), s.wake_at), (vec![], None), "after: fired already");
    assert_eq!(ids(&t.page(ABOUT, 50_000.0, JS)), NONE, "a route change does not restart time");
}

#[test]
fn a_late_tick_fires_once() {
    let mut t = load(&[trigger("t", vec![secs("10")])]);
    assert_eq!(t.page(SITE, 0.0, JS).wake_at, Some(10_000.0));
    assert_eq!(ids(&t.tick(99_000.0)), ["t"]);
    assert_eq!(ids(&t.tick(99_500.0)), NONE);
}

#[test]
fn zero_seconds_fires_at_the_first_event() {
    let mut t = load(&[trigger("t", vec![secs("0")])]);
    let s = t.page(SITE, 0.0, JS);
    assert_eq!((ids(&s), s.wake_at), (vec!["t"], None));
}

#[test]
fn time_values_read_as_parse_int_reads_them() {
    let text = |s: &str| seconds(&json!(s));
    assert_eq!(text("30"), Some(30));
    assert_eq!(text(" 30 s"), Some(30));
    assert_eq!(text("+7"), Some(7));
    assert_eq!(text("007"), Some(7));
    assert_eq!(text("2.5"), Some(2));
    assert_eq!(text("0x10"), Some(0));
    assert_eq!(text("99999999999"), Some(u32::MAX), "saturates");
    assert_eq!(text("abc"), None);
    assert_eq!(text(""), None);
    assert_eq!(text("-5"), None);
    assert_eq!(text("+"), None);
    assert_eq!(seconds(&json!(30.0)), Some(30));
    assert_eq!(seconds(&json!(2.5)), Some(2));
    assert_eq!(seconds(&json!(-1.0)), None);
}

#[test]
fn an_unreadable_time_never_fires() {
    let mut t = load(&[
        trigger("abc", vec![secs("abc")]),
        trigger("negative", vec![secs("-5")]),
        trigger("missing", vec![cond("time-on-site", None)]),
        trigger("number", vec![cond("time-on-site", Some(ConditionValue::Number(2.5)))]),
    ]);
    let s = t.page(SITE, 0.0, JS);
    assert_eq!((ids(&s), s.wake_at), (vec![], Some(2_000.0)));
    assert_eq!(ids(&t.tick(1e9)), ["number"]);
}

#[test]
fn several_time_conditions_wait_for_the_longest() {
    let mut t = load(&[trigger("t", vec![secs("5"), secs("20"), secs("10")])]);
    assert_eq!(t.page(SITE, 0.0, JS).wake_at, Some(20_000.0));
    assert_eq!(ids(&t.tick(10_000.0)), NONE);
    assert_eq!(ids(&t.tick(20_000.0)), ["t"]);
}

#[test]
fn wake_at_is_the_earliest_deadline_that_could_fire() {
    let mut t = load(&[
        trigger("late", vec![secs("60")]),
        trigger("elsewhere", vec![url("/pricing"), secs("5")]),
        trigger("soon", vec![secs("20")]),
        trigger("when-opened", vec![opened(), secs("1")]),
    ]);
    assert_eq!(t.page(ABOUT, 0.0, JS).wake_at, Some(20_000.0), "not the page-url one, not the opened one");
    assert_eq!(t.page(PRICING, 1_000.0, JS).wake_at, Some(5_000.0));
    let s = t.opened(2_000.0);
    assert_eq!((ids(&s), s.wake_at), (vec!["when-opened"], Some(5_000.0)));
    let s = t.tick(5_000.0);
    assert_eq!((ids(&s), s.wake_at), (vec!["elsewhere"], Some(20_000.0)));
    let s = t.tick(20_000.0);
    assert_eq!((ids(&s), s.wake_at), (vec!["soon"], Some(60_000.0)));
    let s = t.tick(60_000.0);
    assert_eq!((ids(&s), s.wake_at), (vec!["late"], None));
}

// ---- combinations ----

#[test]
fn url_and_time() {
    let mut t = load(&[trigger("ut", vec![url("/pricing"), secs("30")])]);
    assert_eq!(t.page(PRICING, 0.0, JS).wake_at, Some(30_000.0));
    let s = t.page(ABOUT, 10_000.0, JS);
    assert_eq!((ids(&s), s.wake_at), (vec![], None), "left before the deadline: no timer");
    assert_eq!(ids(&t.tick(30_000.0)), NONE);
    assert_eq!(ids(&t.page(PRICING, 40_000.0, JS)), ["ut"], "back after the deadline: at once");
    assert_eq!(ids(&t.tick(50_000.0)), NONE);
    assert_eq!(ids(&t.page(ABOUT, 60_000.0, JS)), NONE);
    assert_eq!(ids(&t.page(PRICING, 70_000.0, JS)), ["ut"]);
}

#[test]
fn url_and_opened_fires_when_the_visitor_opens_on_that_page() {
    let mut t = load(&[trigger("uo", vec![url("/pricing"), opened()])]);
    assert_eq!(ids(&t.page(PRICING, 0.0, JS)), NONE);
    assert_eq!(ids(&t.opened(1.0)), ["uo"]);
    assert_eq!(ids(&t.opened(2.0)), NONE, "opening again is no news");
}

#[test]
fn opened_stays_true_across_route_changes() {
    let mut t = load(&[trigger("uo", vec![url("/pricing"), opened()])]);
    assert_eq!(ids(&t.page(ABOUT, 0.0, JS)), NONE);
    assert_eq!(ids(&t.opened(1.0)), NONE);
    assert_eq!(ids(&t.page(PRICING, 2.0, JS)), ["uo"]);
    assert_eq!(ids(&t.page(ABOUT, 3.0, JS)), NONE);
    assert_eq!(ids(&t.page(PRICING, 4.0, JS)), ["uo"]);
}

#[test]
fn opened_and_time() {
    let mut t = load(&[trigger("ot", vec![opened(), secs("10")])]);
    assert_eq!(t.page(SITE, 0.0, JS).wake_at, None, "not opened: no timer");
    let s = t.opened(3_000.0);
    assert_eq!((ids(&s), s.wake_at), (vec![], Some(10_000.0)));
    assert_eq!(ids(&t.tick(10_000.0)), ["ot"]);
}

#[test]
fn after_registration() {
    let mut t = load(&[trigger("r", vec![registered()]), trigger("ur", vec![url("/pricing"), registered()])]);
    assert_eq!(ids(&t.page(PRICING, 0.0, JS)), NONE);
    let s = t.registered(1.0);
    assert_eq!(ids(&s), ["r", "ur"]);
    assert_eq!(ids(&t.registered(2.0)), NONE);
}

// ---- several triggers, order ----

#[test]
fn several_triggers_fire_at_one_event_in_the_configurations_order() {
    let mut t = load(&[
        trigger("c", vec![url("/pricing")]),
        once("a", vec![url("pricing")]),
        trigger("other", vec![url("/about")]),
        trigger("b", vec![url("shop")]),
    ]);
    let s = t.page(PRICING, 0.0, JS);
    assert_eq!(ids(&s), ["c", "a", "b"]);
    assert_eq!(s.store_once, ["a"]);
}

// ---- runOnce ----

#[test]
fn run_once_holds_across_a_reload() {
    let config = [once("o", vec![url("/pricing")]), trigger("n", vec![url("/pricing")])];
    let mut first = Triggers::new(&vals(&config), Vec::new(), 0.0);
    let s = first.page(PRICING, 0.0, JS);
    assert_eq!((ids(&s), s.store_once.clone()), (vec!["o", "n"], vec!["o".to_string()]));
    assert_eq!(first.fired_once(), ["o"]);

    // The reload: a new page load from what storage kept.
    let mut second = Triggers::new(&vals(&config), vec!["o".into()], 100_000.0);
    let s = second.page(PRICING, 100_000.0, JS);
    assert_eq!((ids(&s), s.store_once.clone()), (vec!["n"], vec![]), "the non-runOnce one fires again after a reload");
}

#[test]
fn run_once_does_not_fire_again_on_coming_back() {
    let mut t = load(&[once("o", vec![url("/pricing")])]);
    assert_eq!(t.page(PRICING, 0.0, JS).store_once, ["o"]);
    assert_eq!(ids(&t.page(ABOUT, 1.0, JS)), NONE);
    let s = t.page(PRICING, 2.0, JS);
    assert_eq!((ids(&s), s.store_once.clone()), (vec![], vec![]));
}

#[test]
fn a_stored_id_of_a_trigger_gone_from_the_configuration_is_harmless() {
    let mut t = Triggers::new(&vals(&[once("new", vec![url(".")])]), vec!["old".into()], 0.0);
    let s = t.page(SITE, 0.0, JS);
    assert_eq!((ids(&s), s.store_once.clone()), (vec!["new"], vec!["new".to_string()]));
    assert_eq!(t.fired_once(), ["old", "new"]);
}

// ---- quiet: the visitor wrote ----

#[test]
fn the_visitor_writing_quiets_triggers_until_the_chat_ends() {
    let mut t = load(&[trigger("p", vec![url("/pricing")]), trigger("t", vec![secs("30")])]);
    assert_eq!(t.page(ABOUT, 0.0, JS).wake_at, Some(30_000.0));
    let s = t.visitor_wrote(5_000.0);
    assert_eq!((ids(&s), s.wake_at), (vec![], None), "no timer while quiet");
    assert_eq!(ids(&t.page(PRICING, 10_000.0, JS)), NONE);
    assert_eq!(ids(&t.tick(30_000.0)), NONE);
    assert_eq!(ids(&t.visitor_wrote(31_000.0)), NONE);
    let s = t.chat_ended(60_000.0);
    assert_eq!((ids(&s), s.wake_at), (vec![], None), "what held during the chat is spent");
    assert_eq!(ids(&t.tick(70_000.0)), NONE);
    assert_eq!(ids(&t.page(ABOUT, 80_000.0, JS)), NONE);
    assert_eq!(ids(&t.page(PRICING, 90_000.0, JS)), ["p"], "a new entry after the chat fires");
}

#[test]
fn a_deadline_passed_unticked_during_the_chat_does_not_fire_at_its_end() {
    let mut t = load(&[trigger("t", vec![secs("30")])]);
    t.page(SITE, 0.0, JS);
    t.visitor_wrote(1_000.0);
    assert_eq!(ids(&t.chat_ended(60_000.0)), NONE);
}

#[test]
fn a_deadline_still_ahead_when_the_chat_ends_fires_then() {
    let mut t = load(&[trigger("t", vec![secs("60")])]);
    t.page(SITE, 0.0, JS);
    t.visitor_wrote(10_000.0);
    let s = t.chat_ended(30_000.0);
    assert_eq!((ids(&s), s.wake_at), (vec![], Some(60_000.0)));
    assert_eq!(ids(&t.tick(60_000.0)), ["t"]);
}

#[test]
fn a_chat_restored_with_the_visitors_messages_is_quiet_from_the_start() {
    let mut t = load(&[trigger("p", vec![url(".")]), trigger("o", vec![opened()])]);
    assert_eq!(ids(&t.visitor_wrote(0.0)), NONE);
    assert_eq!(ids(&t.page(SITE, 0.0, JS)), NONE);
    assert_eq!(ids(&t.opened(1.0)), NONE);
}

#[test]
fn registering_does_not_quiet_other_triggers() {
    let mut t = load(&[trigger("t", vec![secs("30")])]);
    t.page(SITE, 0.0, JS);
    t.registered(1_000.0);
    assert_eq!(ids(&t.tick(30_000.0)), ["t"]);
}

#[test]
fn a_chats_end_rearms_after_guest_registration() {
    let mut t = load(&[trigger("r", vec![registered()]), trigger("o", vec![opened()])]);
    t.page(SITE, 0.0, JS);
    assert_eq!(ids(&t.opened(1.0)), ["o"]);
    assert_eq!(ids(&t.registered(2.0)), ["r"]);
    t.visitor_wrote(3.0);
    assert_eq!(ids(&t.chat_ended(4.0)), NONE, "nothing at the end itself");
    assert_eq!(ids(&t.opened(5.0)), NONE, "the window stayed opened: no news");
    assert_eq!(ids(&t.registered(6.0)), ["r"], "the new chat's registration");
}

#[test]
fn a_chat_ending_before_the_visitor_wrote_rearms_registration_too() {
    let mut t = load(&[trigger("r", vec![registered()])]);
    t.page(SITE, 0.0, JS);
    assert_eq!(ids(&t.registered(1.0)), ["r"]);
    assert_eq!(ids(&t.chat_ended(2.0)), NONE);
    assert_eq!(ids(&t.registered(3.0)), ["r"]);
}

// ---- which triggers count ----

#[test]
fn a_disabled_trigger_never_fires() {
    let mut t = load(&[Trigger { enabled: false, ..trigger("d", vec![url(".")]) }, trigger("e", vec![url(".")])]);
    assert_eq!(ids(&t.page(SITE, 0.0, JS)), ["e"]);
}

#[test]
fn no_conditions_or_an_unknown_one_never_fires() {
    let mut t = load(&[
        trigger("none", vec![]),
        trigger("unknown", vec![url("."), cond("visitor-is-vip", None)]),
        trigger("known", vec![url(".")]),
    ]);
    let s = t.page(SITE, 0.0, JS);
    assert_eq!(ids(&s), ["known"]);
    t.opened(1.0);
    t.registered(2.0);
    assert_eq!(ids(&t.tick(1e9)), NONE);
}

#[test]
fn only_a_send_message_action_with_a_message_and_a_known_sender_fires() {
    let with = |id: &str, actions: Vec<TriggerAction>| Trigger { actions, ..trigger(id, vec![url(".")]) };
    let external = TriggerAction { name: "use-external-service".into(), params: None };
    let mut t = load(&[
        with("empty", vec![send("custom", "Ana", "")]),
        with("blank", vec![send("custom", "Ana", "  \n ")]),
        with("external", vec![external.clone()]),
        with("no-params", vec![TriggerAction { name: "send-message".into(), params: None }]),
        with("robot", vec![send("robot", "R2", "beep")]),
        with("no-actions", vec![]),
        with("second", vec![external, send("custom", "Ana", ""), send("queue", "", "Hi!")]),
    ]);
    let s = t.page(SITE, 0.0, JS);
    assert_eq!(
        s.fire,
        vec![Fire { id: "second".into(), sender: Sender::Queue, name: String::new(), msg: "Hi!".into() }]
    );
}

#[test]
fn the_message_is_sent_as_written() {
    let t = Trigger { actions: vec![send("custom", "", "  Hi *there*  ")], ..trigger("x", vec![opened()]) };
    let mut t = load(&[t]);
    let s = t.opened(0.0);
    assert_eq!(
        (s.fire[0].sender, s.fire[0].name.as_str(), s.fire[0].msg.as_str()),
        (Sender::Custom, "", "  Hi *there*  ")
    );
}

#[test]
fn a_trigger_as_rocket_chat_sends_it() {
    // `livechat/config` lists enabled triggers without `enabled`; `runOnce` may be absent too.
    let trigger: Trigger = serde_json::from_value(json!({
        "_id": "T1",
        "conditions": [{"name": "page-url", "value": "pricing"}, {"name": "time-on-site", "value": "5"}],
        "actions": [{"name": "send-message", "params": {"sender": "custom", "name": "Sales", "msg": "Questions?"}}]
    }))
    .unwrap();
    let mut t = load(&[trigger]);
    assert_eq!(t.page(PRICING, 0.0, JS).wake_at, Some(5_000.0));
    let s = t.tick(5_000.0);
    assert_eq!((ids(&s), s.fire[0].name.as_str(), s.store_once.clone()), (vec!["T1"], "Sales", vec![]));
}

// ---- a new configuration ----

#[test]
fn new_triggers_keep_what_the_old_ones_saw() {
    let mut t = load(&[trigger("p", vec![url("/pricing")])]);
    assert_eq!(ids(&t.page(PRICING, 0.0, JS)), ["p"]);
    let s = t.set_triggers(
        &vals(&[
            trigger("p", vec![url("/pricing")]),
            trigger("q", vec![url("pricing")]),
            trigger("t", vec![secs("9")]),
        ]),
        1.0,
        JS,
    );
    assert_eq!((ids(&s), s.wake_at), (vec!["q"], Some(9_000.0)), "`p` held already; `q` is new and matches");
    assert_eq!(ids(&t.page(ABOUT, 2.0, JS)), NONE);
    assert_eq!(ids(&t.page(PRICING, 3.0, JS)), ["p", "q"]);
    let s = t.set_triggers::<serde_json::Value>(&[], 4.0, JS);
    assert_eq!((ids(&s), s.wake_at), (vec![], None));
}

#[test]
fn no_triggers_nothing_happens() {
    let mut t = Triggers::default();
    assert_eq!(t.page(SITE, 0.0, JS), Step::default());
    assert_eq!(t.opened(1.0), Step::default());
    assert_eq!(t.registered(2.0), Step::default());
    assert_eq!(t.chat_ended(3.0), Step::default());
}
