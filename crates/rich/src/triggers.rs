//! The server's proactive messages (`trigger(event, value)`, exported with the `module`
//! feature): the widget's session starts them when its configuration lists triggers and tells
//! them what happens; the rules are `livechat_client::session::triggers` (every enabled trigger,
//! all of its conditions), run here with JavaScript's `RegExp` and one timer for time on site.
//! A message that fires goes to the session (`ask("show", …)`) from its sender — a name, or for
//! `queue` the agent `livechat/agent.next` picks (then asked for when the room is made) — and,
//! while the window is closed, into a card beside the launcher that opens the chat or is
//! dismissed. The `runOnce` ids go to the session's storage (`ask("@fired", …)`), shared by the
//! visitor's tabs: what another tab fired meanwhile does not fire here.

use std::cell::RefCell;

use js_sys::{Array, Date, Function, Object, Reflect};
use livechat_client::api::{Transport, VisitorClient};
use livechat_client::json::Js;
use livechat_client::session::triggers::{Sender, Step, Triggers};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

use crate::module::{asks, get, string, test};
use crate::view;

struct State {
    rules: Triggers,
    ask: Function,
    server: String,
    department: Option<String>,
    host: JsValue,
    dismiss: String,
    /// The current time-on-site timer (a later one replaces it), and its id.
    wake: u32,
    timer: i32,
    card: Option<Element>,
    /// The visitor wrote in the chat under way (the rules are quiet until it ends).
    wrote: bool,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// What the session says: `start` (`value`: `{config, fired, arrived, href, department,
/// server, host, dismiss, ask}`, `config` the configuration as parsed, `null` when triggers must
/// stop; again with each configuration loaded), `page` (the address), `opened`, `registered`,
/// `wrote`, `ended` (a new chat began after one ended).
#[wasm_bindgen]
pub fn trigger(event: String, value: JsValue) {
    let now = Date::now();
    // Read before the state is borrowed: nothing that can throw runs while it is.
    let (list, chatting) = if event == "start" {
        let config = get(&value, "config");
        let list = get(&config, "triggers");
        let list: Vec<Js> =
            if Array::is_array(&list) { Array::from(&list).iter().map(Js).collect() } else { Vec::new() };
        // An open room at the start: the visitor wrote in it (rooms are made by their first
        // message or file), so the chat under way keeps triggers quiet.
        (list, get(&config, "room").is_object())
    } else {
        (Vec::new(), false)
    };
    let step = STATE.with_borrow_mut(|slot| {
        if event == "start" {
            let href = string(&value, "href");
            let st = slot.get_or_insert_with(|| {
                let fired = string(&value, "fired");
                let fired = fired.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
                State {
                    rules: Triggers::new::<Js>(&[], fired, get(&value, "arrived").as_f64().unwrap_or(now)),
                    ask: get(&value, "ask").unchecked_into(),
                    server: String::new(),
                    department: None,
                    host: JsValue::UNDEFINED,
                    dismiss: String::new(),
                    wake: 0,
                    timer: 0,
                    card: None,
                    wrote: false,
                }
            });
            st.server = string(&value, "server");
            st.department = get(&value, "department").as_string();
            st.host = get(&value, "host");
            st.dismiss = string(&value, "dismiss");
            let mut step = Step::default();
            if chatting != st.wrote {
                st.wrote = chatting;
                step = if chatting { st.rules.visitor_wrote(now) } else { st.rules.chat_ended(now) };
            }
            // Opened before the triggers started (the click that loaded the widget).
            if get(&value, "opened").is_truthy() {
                let opened = st.rules.opened(now);
                step.fire.extend(opened.fire);
                step.store_once.extend(opened.store_once);
            }
            let set = st.rules.set_triggers(&list, now, &test);
            let page = st.rules.page(&href, now, &test);
            for s in [set, page] {
                step.fire.extend(s.fire);
                step.store_once.extend(s.store_once);
                step.wake_at = s.wake_at;
            }
            return Some(step);
        }
        let st = slot.as_mut()?;
        Some(match event.as_str() {
            "page" => st.rules.page(&value.as_string().unwrap_or_default(), now, &test),
            "tick" => st.rules.tick(now),
            "opened" => {
                if let Some(card) = st.card.take() {
                    card.remove();
                }
                st.rules.opened(now)
            }
            "registered" => st.rules.registered(now),
            "wrote" => {
                st.wrote = true;
                st.rules.visitor_wrote(now)
            }
            "ended" => {
                st.wrote = false;
                st.rules.chat_ended(now)
            }
            _ => return None,
        })
    });
    if let Some(step) = step {
        carry_out(step);
    }
}

/// The visitor sent a file (their first message may be one).
pub(crate) fn wrote() {
    if STATE.with_borrow(Option::is_some) {
        trigger("wrote".into(), JsValue::UNDEFINED);
    }
}

fn carry_out(step: Step) {
    let Some((ask, server, department, wake)) = STATE.with_borrow_mut(|slot| {
        let st = slot.as_mut()?;
        st.wake = st.wake.wrapping_add(1);
        Some((st.ask.clone(), st.server.clone(), st.department.clone(), st.wake))
    }) else {
        return;
    };
    let Some(w) = web_sys::window() else { return };
    // One timer at a time: the one asked for before is no longer wanted.
    let old = STATE.with_borrow(|slot| slot.as_ref().map_or(0, |st| st.timer));
    w.clear_timeout_with_handle(old);
    if let Some(at) = step.wake_at {
        let tick = Closure::once_into_js(move || {
            if STATE.with_borrow(|slot| slot.as_ref().is_some_and(|st| st.wake == wake)) {
                trigger("tick".into(), JsValue::UNDEFINED);
            }
        });
        let wait = (at - Date::now()).clamp(0.0, 2.0e9);
        let timer = w.set_timeout_with_callback_and_timeout_and_arguments_0(tick.unchecked_ref(), wait as i32);
        STATE.with_borrow_mut(|slot| {
            if let Some(st) = slot.as_mut() {
                st.timer = timer.unwrap_or(0);
            }
        });
    }
    for fire in step.fire {
        let once = step.store_once.contains(&fire.id);
        let (ask, server, department) = (ask.clone(), server.clone(), department.clone());
        wasm_bindgen_futures::spawn_local(async move {
            // The `runOnce` ids fired for this visitor, shared by their tabs: one another tab
            // fired meanwhile does not fire here; one shown here is added (once it is shown).
            let stored = || asks(&ask, "@fired", &JsValue::UNDEFINED).as_string().unwrap_or_default();
            if once && stored().split(' ').any(|s| s == fire.id) {
                return;
            }
            let user = Object::new();
            let mut agent = JsValue::NULL;
            let mut name = fire.name.clone();
            let mut id = String::new();
            if fire.sender == Sender::Queue {
                let token = || asks(&ask, "token", &JsValue::UNDEFINED).as_string();
                let before = token().unwrap_or_default();
                let client = VisitorClient::new(Transport::new(&server), &before);
                let next = client.agent_next(department.as_deref()).await;
                // Another visitor meanwhile: this message was not for them.
                if token().as_deref() != Some(before.as_str()) {
                    return;
                }
                if let Ok(Some(a)) = next {
                    let o = Object::new();
                    for (k, v) in [
                        ("_id", Some(&a.id)),
                        ("username", a.username.as_ref()),
                        ("name", a.name.as_ref()),
                        ("status", a.status.as_ref()),
                    ] {
                        if let Some(v) = v {
                            let _ = Reflect::set(&o, &k.into(), &v.into());
                        }
                    }
                    name = a.name.clone().or_else(|| a.username.clone()).unwrap_or(name);
                    id = a.id;
                    let _ = Reflect::set(&user, &"username".into(), &a.username.unwrap_or_default().into());
                    agent = o.into();
                }
            }
            if id.is_empty() {
                // Nobody to speak for (no agent online, or the server hides them) and no name.
                if name.trim().is_empty() {
                    return;
                }
                let _ = Reflect::set(&user, &"username".into(), &name.as_str().into());
            }
            let _ = Reflect::set(&user, &"_id".into(), &id.into());
            let _ = Reflect::set(&user, &"name".into(), &name.as_str().into());
            let shown = Object::new();
            for (k, v) in
                [("id", JsValue::from(&fire.id)), ("msg", (&fire.msg).into()), ("u", user.into()), ("agent", agent)]
            {
                let _ = Reflect::set(&shown, &k.into(), &v);
            }
            asks(&ask, "show", &shown);
            if once {
                let ids = stored();
                let ids = if ids.is_empty() { fire.id.clone() } else { [&ids, " ", &fire.id].concat() };
                asks(&ask, "@fired", &ids.into());
            }
            let open = asks(&ask, "isOpen", &JsValue::UNDEFINED).is_truthy();
            if !open {
                show_card(&name, &fire.msg);
            }
        });
    }
}

/// Shows the card beside the launcher (replacing one already there), in the widget's language
/// and direction. It goes in empty and is filled a moment later, so that screen readers hear it
/// (a status that appears already filled often is not read).
fn show_card(name: &str, msg: &str) {
    let Some(card) = STATE.with_borrow_mut(|slot| {
        let st = slot.as_mut()?;
        if let Some(old) = st.card.take() {
            old.remove();
        }
        let root = get(&st.host, "shadowRoot");
        let root: web_sys::Node =
            if root.is_object() { root.unchecked_into() } else { st.host.clone().unchecked_into() };
        let doc = root.owner_document()?;
        let holder = doc.create_element("div").ok()?;
        crate::dom::build(&holder, &[view::proactive_card(name, msg, &st.dismiss)], "");
        let card = holder.first_element_child()?;
        let content = Array::from(&get(&card, "children"));
        for c in content.iter() {
            let _ = card.remove_child(&c.unchecked_into());
        }
        // The widget's `lang` and `dir` (the card sits beside it, not in it).
        let widget = root.unchecked_ref::<web_sys::DocumentFragment>().query_selector(".lc-widget").ok().flatten();
        for attr in ["lang", "dir"] {
            if let Some(v) = widget.as_ref().and_then(|w| w.get_attribute(attr)) {
                let _ = card.set_attribute(attr, &v);
            }
        }
        root.append_child(&card).ok()?;
        crate::dom::prepare_root(&card);
        let fill = card.clone();
        let later = Closure::once_into_js(move || {
            for c in content.iter() {
                let _ = fill.append_child(&c.unchecked_into());
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), 150);
        }
        st.card = Some(card.clone());
        Some((card, root))
    }) else {
        return;
    };
    let (card, root) = card;
    let ask = STATE.with_borrow(|slot| slot.as_ref().map(|st| st.ask.clone()));
    let Some(ask) = ask else { return };
    // A click on one of its buttons, or Escape anywhere in it (dismisses).
    let on_event = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let action = if ev.type_() == "keydown" {
            (get(&ev, "key").as_string().as_deref() == Some("Escape")).then(|| "dismiss".to_owned())
        } else {
            ev.target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("button[data-action]").ok().flatten())
                .and_then(|b| b.get_attribute("data-action"))
        };
        let Some(action) = action else { return };
        let card = STATE.with_borrow_mut(|slot| slot.as_mut().and_then(|st| st.card.take()));
        if let Some(card) = card {
            card.remove();
        }
        if action == "open" {
            asks(&ask, "open", &JsValue::UNDEFINED);
        } else if let Some(launcher) = root
            .unchecked_ref::<web_sys::DocumentFragment>()
            .query_selector(".lc-launcher")
            .ok()
            .flatten()
            .and_then(|l| l.dyn_into::<web_sys::HtmlElement>().ok())
        {
            // Dismissed: focus goes back to the launcher rather than to the page's start.
            let _ = launcher.focus();
        }
    });
    for kind in ["click", "keydown"] {
        let _ = card.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
    }
    // The card's for the page's life (one a trigger that fires, a handful at most).
    on_event.forget();
}
