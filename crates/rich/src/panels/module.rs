//! The panels made real: drawn into the widget's slot, one listener each for their buttons.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function};
use livechat_client::api::{Error, Transport, VisitorClient};
use livechat_client::json::Js;
use livechat_client::session::prechat::{self, Form};
use livechat_wire::config::{CustomFieldDef, Department};
use livechat_wire::custom_field::CustomField;
use livechat_wire::error::code;
use livechat_wire::json::{FromJson, Json};
use livechat_wire::message::Message;
use livechat_wire::room::SurveyItem;
use livechat_wire::room::survey::ADDITIONAL_FEEDBACK;
use livechat_wire::visitor::is_email;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, HtmlElement};

use super::view::{self as pv, Offer, T};
use crate::module::{asks, get, string, test};
use crate::view::{self, Context, Links, Node, Texts};

/// The window menu's button, where focus goes back when a sheet closes.
const MENU_BUTTON: &str = ".lc-menu-wrap > button";

/// What the widget gave for one panel.
struct Panel {
    slot: Element,
    ask: Function,
    /// The index of the visitor's language in the panels' texts, and its tag.
    lang: usize,
    tag: String,
    context: JsValue,
}

impl Panel {
    fn ask(&self, what: &str, value: &JsValue) -> JsValue {
        asks(&self.ask, what, value)
    }

    fn t(&self, t: T) -> &'static str {
        pv::t(t, self.lang)
    }

    /// The configuration's `key` (`settings`, `messages`, …), as parsed.
    fn config(&self, key: &str) -> JsValue {
        get(&get(&self.context, "config"), key)
    }

    fn draw(&self, nodes: &[Node]) {
        self.slot.set_text_content(None);
        crate::dom::build(&self.slot, nodes, &self.tag);
    }

    /// Focuses the first element matching `selector` in the widget (after the widget has drawn
    /// what changed).
    fn focus(&self, selector: &'static str) {
        let root = self.slot.get_root_node();
        let later = Closure::once_into_js(move || {
            let found = root.unchecked_ref::<web_sys::DocumentFragment>().query_selector(selector).ok().flatten();
            if let Some(el) = found.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                let _ = el.focus();
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(later.unchecked_ref());
        }
    }

    fn client(&self) -> VisitorClient {
        VisitorClient::new(Transport::new(&string(&self.context, "server")), &string(&self.context, "token"))
    }

    /// Calls `on(action, event)` for a click on one of the panel's buttons (`data-action`) and
    /// `cancel` for Escape in it.
    fn listen(&self, on: impl Fn(&str, &Event) + 'static) {
        let handler = Closure::<dyn Fn(Event)>::new(move |ev: Event| {
            let action = if ev.type_() == "submit" {
                // A form of the panel sent with Enter: never the page's navigation.
                ev.prevent_default();
                "send".to_owned()
            } else if ev.type_() == "keydown" {
                let key = string(&ev, "key");
                match key.as_str() {
                    "Escape" => "cancel".to_owned(),
                    // Enter in the transcript's address sends it.
                    "Enter"
                        if ev
                            .target()
                            .and_then(|t| t.dyn_into::<Element>().ok())
                            .is_some_and(|t| t.tag_name() == "INPUT") =>
                    {
                        "enter".to_owned()
                    }
                    _ => return,
                }
            } else {
                let button = ev
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|t| t.closest("[data-action]").ok().flatten());
                match button.and_then(|b| b.get_attribute("data-action")) {
                    Some(a) => a,
                    None => return,
                }
            };
            on(&action, &ev);
        });
        for kind in ["click", "keydown", "submit"] {
            let _ = self.slot.add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
        }
        handler.forget();
    }
}

// `name`: what to draw (`consent`, `fields`, `transcript`, `departments`, `forget`).
// `context`: `{slot, server, token, lang, config, rid, department, email, fields, ask}` (see
// `Session::panel` in the widget).
#[wasm_bindgen]
pub fn panel(name: String, context: JsValue) {
    let Ok(given) = get(&context, "slot").dyn_into::<Element>() else { return };
    let Ok(ask) = get(&context, "ask").dyn_into::<Function>() else { return };
    // Drawn after the module came: the widget may have moved on meanwhile.
    if !given.is_connected() {
        return;
    }
    // A panel of its own in the slot, whatever an earlier one left there (the widget may keep
    // the slot's element from one screen to the next): its listeners go with it.
    given.set_text_content(None);
    let Some(slot) = given.owner_document().and_then(|d| d.create_element("div").ok()) else { return };
    if given.append_child(&slot).is_err() {
        return;
    }
    crate::dom::prepare_root(&slot);
    let tag = string(&context, "lang");
    let p = Rc::new(Panel { slot, ask, lang: pv::lang_index(&tag), tag, context });
    match name.as_str() {
        "consent" => consent(p),
        "fields" => fields(p),
        "transcript" => transcript(p),
        "departments" => departments(p),
        "forget" => forget(p),
        "end" => end(p),
        "survey" => survey(p),
        _ => {}
    }
}

/// The items of the array `v` decoded, those that decode.
fn items<T: FromJson>(v: JsValue) -> Vec<T> {
    Js(v).items().unwrap_or_default().iter().filter_map(|i| T::from_json(i).ok()).collect()
}

/// The server's text for a refusal (its error, or its code), or the error as the client says it.
fn reason(e: &Error) -> String {
    e.message().or(e.code()).map_or_else(|| e.to_string(), str::to_owned)
}

fn consent(p: Rc<Panel>) {
    let text = string(&p.config("messages"), "dataProcessingConsentText");
    let message = Message { msg: text, ..Message::default() };
    let links = Links { server: string(&p.context, "server"), access: String::new() };
    let cx = Context { links: &links, texts: &Texts::default(), emoji: &|_| None };
    let body =
        Node::El { tag: "div", attrs: vec![("class", "lc-rich".to_owned())], children: view::message(&message, &cx) };
    p.draw(&[pv::consent(body, p.lang)]);
    if focus_is_ours(&p) {
        p.focus(".lc-consent [data-autofocus]");
    }
    let q = p.clone();
    p.listen(move |action, _| {
        if action == "agree" {
            q.ask("agree", &JsValue::UNDEFINED);
            q.focus(".lc-body [data-autofocus]");
        }
    });
}

fn departments(p: Rc<Panel>) {
    let list: Vec<Department> = items(p.config("departments"));
    let current = get(&p.context, "department").as_string();
    p.draw(&[pv::departments(&list, current.as_deref(), p.lang)]);
    p.focus(".lc-sheet [data-autofocus]");
    let q = p.clone();
    p.listen(move |action, ev| match action {
        "to" => {
            let id = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("[data-id]").ok().flatten()?.get_attribute("data-id"));
            q.ask("sheet", &JsValue::UNDEFINED);
            q.ask("transfer", &id.map_or(JsValue::UNDEFINED, JsValue::from));
            q.focus(".lc-input");
        }
        "cancel" => cancel(&q, ev),
        _ => {}
    });
}

/// Closes the sheet, focus back to the menu's button.
fn cancel(p: &Panel, ev: &Event) {
    ev.prevent_default();
    ev.stop_propagation();
    p.ask("sheet", &JsValue::UNDEFINED);
    p.focus(MENU_BUTTON);
}

fn end(p: Rc<Panel>) {
    p.draw(&[pv::end(p.lang)]);
    p.focus(".lc-sheet [data-autofocus]");
    let q = p.clone();
    p.listen(move |action, ev| match action {
        "cancel" => cancel(&q, ev),
        "end" => {
            q.ask("sheet", &JsValue::UNDEFINED);
            q.ask("close", &JsValue::UNDEFINED);
        }
        _ => {}
    });
}

fn forget(p: Rc<Panel>) {
    p.draw(&[pv::forget(None, false, p.lang)]);
    p.focus(".lc-sheet [data-autofocus]");
    let busy = Rc::new(RefCell::new(false));
    let q = p.clone();
    p.listen(move |action, ev| match action {
        "cancel" => cancel(&q, ev),
        "forget" if !busy.replace(true) => {
            // Busy in place: the focused button stays.
            if let Some(b) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                let _ = b.set_attribute("aria-disabled", "true");
            }
            let (q, busy) = (q.clone(), busy.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let client = q.client();
                let rid = string(&q.context, "rid");
                // Rocket.Chat removes a visitor with no open room only: the chat ends first
                // (a room already closed answers an error that changes nothing).
                if !rid.is_empty() {
                    let _ = client.close_room(&rid).await;
                }
                match client.forget().await {
                    Ok(_) => {
                        q.ask("sheet", &JsValue::UNDEFINED);
                        q.ask("reset", &JsValue::UNDEFINED);
                        q.focus(".lc-body [data-autofocus]");
                    }
                    Err(e) => {
                        busy.replace(false);
                        let why = if e.is(code::VISITOR_HAS_OPEN_ROOMS) { T::OpenRooms } else { T::ForgetFailed };
                        q.draw(&[pv::forget(Some(q.t(why)), false, q.lang)]);
                        q.focus(".lc-sheet [data-autofocus]");
                    }
                }
            });
        }
        _ => {}
    });
}

/// Storage (through the session): the rooms whose transcript was asked for, space-separated.
const MAILED: &str = "@mailed";

fn transcript(p: Rc<Panel>) {
    let rid = string(&p.context, "rid");
    let mailed = p.ask(MAILED, &JsValue::UNDEFINED).as_string().unwrap_or_default();
    if !get(&p.config("settings"), "transcript").is_truthy() || rid.is_empty() || mailed.split(' ').any(|r| r == rid) {
        return;
    }
    let message = string(&p.config("messages"), "transcriptMessage");
    let offer = Rc::new(RefCell::new(Offer::Asking { email: string(&p.context, "email"), error: None, busy: false }));
    let redraw = {
        let (p, offer, message) = (p.clone(), offer.clone(), message.clone());
        move || p.draw(&[pv::transcript(&offer.borrow(), &message, p.lang)])
    };
    redraw();
    let q = p.clone();
    p.listen(move |action, ev| {
        if !matches!(action, "send" | "enter") {
            return;
        }
        ev.prevent_default();
        if matches!(&*offer.borrow(), Offer::Sent(_) | Offer::Asking { busy: true, .. }) {
            return;
        }
        let field = q.slot.query_selector("input").ok().flatten();
        let email = field.as_ref().map(|f| string(f, "value")).unwrap_or_default().trim().to_owned();
        if !is_email(&email) {
            *offer.borrow_mut() = Offer::Asking { email, error: Some(q.t(T::EmailInvalid).to_owned()), busy: false };
            redraw();
            q.focus(".lc-transcript input");
            return;
        }
        *offer.borrow_mut() = Offer::Asking { email: email.clone(), error: None, busy: true };
        // Busy in place (focus stays where it is).
        if let Some(f) = &field {
            let _ = f.set_attribute("readonly", "");
        }
        if let Ok(Some(b)) = q.slot.query_selector("[data-action=send]") {
            let _ = b.set_attribute("aria-disabled", "true");
        }
        // Asked once per room, across reloads and screens: marked before it goes (another
        // screen's offer meanwhile stays away), unmarked when the server refused it.
        mark(&q, &rid, true);
        let (q, offer, redraw, rid) = (q.clone(), offer.clone(), redraw.clone(), rid.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match q.client().transcript(&rid, &email).await {
                Ok(_) => {
                    *offer.borrow_mut() = Offer::Sent(email);
                    redraw();
                    q.focus(".lc-transcript [role=status]");
                }
                Err(e) => {
                    mark(&q, &rid, false);
                    let error = q.t(T::TranscriptFailed).replace("{reason}", &reason(&e));
                    *offer.borrow_mut() = Offer::Asking { email, error: Some(error), busy: false };
                    redraw();
                    q.focus(".lc-transcript input");
                }
            }
        });
    });
}

/// Adds `rid` to the rooms whose transcript was asked for (the last twenty kept), or takes it
/// out.
fn mark(p: &Panel, rid: &str, asked: bool) {
    let kept = p.ask(MAILED, &JsValue::UNDEFINED).as_string().unwrap_or_default();
    let mut rooms: Vec<&str> = kept.split(' ').filter(|r| !r.is_empty() && *r != rid).collect();
    if asked {
        rooms.push(rid);
    }
    let from = rooms.len().saturating_sub(20);
    p.ask(MAILED, &rooms[from..].join(" ").into());
}

fn fields(p: Rc<Panel>) {
    let defs: Vec<CustomFieldDef> = items(p.config("customFields"));
    let site: Vec<CustomField> = Array::from(&get(&p.context, "fields"))
        .iter()
        .filter_map(|k| k.as_string())
        .map(|key| CustomField { key, value: "set".into(), overwrite: false })
        .collect();
    let form = Rc::new(RefCell::new(Form::new(&defs, &site)));
    // The widget sends the form only once this is set: the fields are there (or none to ask).
    let _ = p.slot.set_attribute("data-ready", "");
    if form.borrow().fields.is_empty() {
        return;
    }
    p.draw(&pv::fields(&form.borrow(), &[], p.lang));
    // What the visitor types or chooses.
    let typed = {
        let form = form.clone();
        Closure::<dyn Fn(Event)>::new(move |ev: Event| {
            if let Some(t) = ev.target() {
                let t: JsValue = t.into();
                form.borrow_mut().set(&string(&t, "name"), string(&t, "value"));
            }
        })
    };
    for kind in ["input", "change"] {
        let _ = p.slot.add_event_listener_with_callback(kind, typed.as_ref().unchecked_ref());
    }
    typed.forget();
    // The form's sending, before the widget's own handler: the fields checked, and when they
    // will do, handed to the session to go with the registration; else the session is told not
    // to send it.
    let Ok(Some(host)) = p.slot.closest("form") else { return };
    let q = p.clone();
    let on_submit = Closure::<dyn Fn(Event)>::new(move |_: Event| {
        // A panel drawn again for the same form takes over.
        if !q.slot.is_connected() {
            return;
        }
        let form = form.borrow();
        let problems = form.problems(&test);
        if problems.iter().any(Option::is_some) {
            // The widget checks its own fields too, and sends nothing (`null`: these will not
            // do); focus goes to the first field with a problem, in the form's order.
            q.ask("fields", &JsValue::NULL);
            q.draw(&pv::fields(&form, &problems, q.lang));
            q.focus("form [aria-invalid=true]");
            return;
        }
        let sent: Array =
            // Every field of the form, a blank one as `""` (what it held at a try before goes).
            form.fields
                .iter()
                .flat_map(|f| [f.def.id.as_str(), prechat::trim(&f.value)])
                .map(JsValue::from)
                .collect();
        q.ask("fields", &sent);
        // Problems shown at an earlier try are gone now.
        if q.slot.query_selector("[aria-invalid=true]").ok().flatten().is_some() {
            q.draw(&pv::fields(&form, &[], q.lang));
        }
    });
    let _ = host.add_event_listener_with_callback_and_bool("submit", on_submit.as_ref().unchecked_ref(), true);
    on_submit.forget();
}

/// Whether focus is on the page's body or in the widget (then a new screen may take it; focus
/// elsewhere on the host page stays where the visitor put it).
fn focus_is_ours(p: &Panel) -> bool {
    let doc = web_sys::window().and_then(|w| w.document());
    let active = doc.as_ref().and_then(|d| d.active_element());
    let host = get(&p.slot.get_root_node(), "host");
    match active {
        None => true,
        Some(a) => {
            doc.and_then(|d| d.body()).is_some_and(|b| JsValue::from(b) == JsValue::from(&a))
                || JsValue::from(a) == host
        }
    }
}

fn survey(p: Rc<Panel>) {
    let rid = string(&p.context, "rid");
    p.draw(&[pv::survey(None, false, p.lang)]);
    if focus_is_ours(&p) {
        p.focus(".lc-survey [data-autofocus]");
    }
    let busy = Rc::new(RefCell::new(false));
    let q = p.clone();
    p.listen(move |action, ev| match action {
        "skip" => {
            q.ask("skip", &JsValue::UNDEFINED);
        }
        "send" | "enter" if !*busy.borrow() => {
            ev.prevent_default();
            let checked = |name: &str| {
                let found = q.slot.query_selector(&format!("input[name={name}]:checked")).ok().flatten();
                found.map(|f| string(&f, "value"))
            };
            let mut data: Vec<SurveyItem> = pv::rated_items()
                .iter()
                .filter_map(|name| Some(SurveyItem { name: (*name).to_owned(), value: checked(name)? }))
                .collect();
            let feedback =
                q.slot.query_selector("textarea").ok().flatten().map(|t| string(&t, "value")).unwrap_or_default();
            if !feedback.trim().is_empty() {
                data.push(SurveyItem { name: ADDITIONAL_FEEDBACK.into(), value: feedback.trim().to_owned() });
            }
            // Nothing rated or said: as Skip.
            if data.is_empty() {
                q.ask("skip", &JsValue::UNDEFINED);
                return;
            }
            busy.replace(true);
            let (q, busy, rid) = (q.clone(), busy.clone(), rid.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match q.client().survey(&rid, data).await {
                    Ok(_) => {
                        q.ask("rated", &JsValue::UNDEFINED);
                    }
                    Err(e) => {
                        busy.replace(false);
                        let error = q.t(T::SurveyFailed).replace("{reason}", &reason(&e));
                        // The choices stay: only the message under them changes.
                        if let Ok(Some(alert)) = q.slot.query_selector(".lc-error") {
                            alert.set_text_content(Some(&error));
                        }
                    }
                }
            });
        }
        _ => {}
    });
}
