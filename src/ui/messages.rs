//! The message list: day separators, groups, notices, the visitor's own-message actions, and a
//! live region that reads new agent messages to screen readers.

use leptos::prelude::*;
use leptos::tachys::view::{Mountable, Render, any_view::AnyViewState};
use livechat_wire::Timestamp;
use livechat_wire::message::Message;
use std::cell::RefCell;

use super::{Root, button, dynamic, effect, find, focus_soon, when};
use crate::i18n::{Key, Lang};
use crate::session::conversation::{Item, Notice, items};
use crate::session::text::{is_rich, isolate, may_be_formatted, summary};
use crate::session::{Delivery, Session};
use js_sys::{Object, Reflect};
use livechat_client::json::{Js, kept};
use wasm_bindgen::JsValue;

/// One rendered row, owned, with a key that changes whenever the row's content does.
#[derive(Debug, Clone)]
enum Row {
    Day(i64),
    Message { message: Message, mine: bool, first: bool, last: bool, delivery: Option<Delivery> },
    Notice { message: Message, kind: Notice },
}

impl Row {
    fn key(&self) -> String {
        match self {
            Row::Day(d) => format!("day:{d}"),
            Row::Message { message, first, last, delivery, .. } => {
                // Numbers and a letter, not `Debug`: nothing else in the wasm formats with it.
                let ms = |t: Option<livechat_wire::Timestamp>| t.map_or(-1, |t| t.millis());
                let delivery = match delivery {
                    None => 'd',
                    Some(Delivery::Sending) => 's',
                    Some(Delivery::Failed) => 'f',
                };
                // `k`: the server's copy, drawn from what it sent (its formatting and files).
                let kept = if message.kept.is_empty() { '-' } else { 'k' };
                format!(
                    "m:{}:{}:{}:{}:{first}:{last}:{delivery}{kept}",
                    message.id,
                    message.msg.len(),
                    ms(message.edited_at),
                    ms(message.ts),
                ) + &message.msg
            }
            Row::Notice { message, .. } => format!("n:{}", message.id),
        }
    }
}

/// The visitor's time zone, minutes east of UTC.
fn offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

fn time_label(ts: Timestamp, lang: Lang) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ts.millis() as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    date.to_locale_time_string_with_options(lang.tag(), &options).into()
}

fn day_label(day: i64, lang: Lang) -> String {
    let today = crate::session::conversation::local_day(Timestamp(js_sys::Date::now() as i64), offset_minutes());
    match today - day {
        0 => lang.t(Key::Today).to_owned(),
        1 => lang.t(Key::Yesterday).to_owned(),
        _ => {
            let ms = day * 86_400_000 - i64::from(offset_minutes()) * 60_000 + 12 * 3_600_000;
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
            date.to_locale_date_string(lang.tag(), &options).into()
        }
    }
}

/// What the renderer draws `m` from, when it is more than plain text: the server's copy as it
/// came, or (the visitor's own message before it) its text.
fn rich_source(m: &Message) -> Option<JsValue> {
    match kept(&m.kept) {
        Some(v) => is_rich(&Js(v.clone())).then(|| v.clone()),
        None => may_be_formatted(&m.msg).then(|| {
            let o = Object::new();
            let _ = Reflect::set(&o, &"msg".into(), &m.msg.as_str().into());
            o.into()
        }),
    }
}

/// A message's text for a line of its own: its summary when the server's copy has one.
fn message_summary(m: &Message) -> String {
    kept(&m.kept).map(|v| summary(&Js(v.clone()))).unwrap_or_else(|| m.msg.clone())
}

/// Hands the bubble of `row` to the second module's `draw`, to draw `source` in it (the renderer
/// reads the file addresses' room from the message); what is there stays when it fails.
fn draw_rich(row: &web_sys::Element, source: &JsValue, s: Session) {
    let (Some(render), Ok(Some(bubble))) = (s.lazy("draw"), row.query_selector(".lc-bubble")) else { return };
    let lang = s.lang.get_untracked();
    let context = crate::session::context(&[
        ("server", s.server_url().into()),
        ("token", s.token().into()),
        ("lang", lang.tag().into()),
        ("spoiler", lang.t(Key::Spoiler).into()),
        ("download", lang.t(Key::Download).into()),
    ]);
    if let Err(e) = render.call3(&JsValue::NULL, &bubble, source, &context) {
        web_sys::console::warn_2(&"Livechat: a message could not be drawn".into(), &e);
    }
}

fn sender_name(m: &Message) -> String {
    m.alias
        .clone()
        .or_else(|| m.u.as_ref().and_then(|u| u.name.clone()))
        .or_else(|| m.u.as_ref().map(|u| u.username.clone()))
        .unwrap_or_default()
}

/// The server's `conversationFinishedMessage` and `conversationFinishedText`, each when set.
pub(super) fn finished(s: &Session) -> (Option<String>, Option<String>) {
    let set = |t: &String| Some(t.clone()).filter(|t| !t.trim().is_empty());
    s.config.with_untracked(|c| {
        c.as_ref().map_or((None, None), |c| {
            (set(&c.messages.conversation_finished_message), set(&c.messages.conversation_finished_text))
        })
    })
}

fn notice_text(kind: &Notice, m: &Message, lang: Lang) -> String {
    let who =
        m.u.as_ref()
            .and_then(|u| u.name.clone())
            .or_else(|| m.u.as_ref().map(|u| u.username.clone()))
            .unwrap_or_default();
    match kind {
        Notice::ChatStarted => lang.t(Key::ChatStarted).to_owned(),
        Notice::AgentJoined => lang.tf(Key::AgentJoined, &[("name", &isolate(&who))]),
        Notice::AgentLeft => lang.tf(Key::AgentLeft, &[("name", &isolate(&who))]),
        Notice::Transferred => {
            let target = m
                .transfer_data
                .as_ref()
                .and_then(|t| {
                    t.transferred_to
                        .as_ref()
                        .map(|u| u.name.clone().unwrap_or_else(|| u.username.clone()))
                        .or_else(|| t.next_department.as_ref().map(|d| d.name.clone()))
                })
                .unwrap_or_default();
            lang.tf(Key::ChatTransferred, &[("target", &isolate(&target))])
        }
        Notice::Closed => lang.t(Key::ChatClosed).to_owned(),
        Notice::Other(_) => m.msg.clone(),
    }
}

/// The list of messages, with "load older" at the top.
#[component]
pub fn MessageList(
    /// Set to a message's id to edit it in the composer.
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let s = expect_context::<Session>();
    let rows = move || {
        let me = s.visitor.with(|v| v.as_ref().map(|v| v.id.clone())).unwrap_or_default();
        let hidden =
            s.config.with(|c| c.as_ref().map(|c| c.settings.hidden_system_messages.clone()).unwrap_or_default());
        let outbox = s.outbox.get();
        s.conversation.with(|c| {
            items(c, &me, offset_minutes(), &hidden)
                .into_iter()
                .map(|item| match item {
                    Item::Day(d) => Row::Day(d),
                    Item::Message { message, mine, first_in_group, last_in_group } => Row::Message {
                        message: message.clone(),
                        mine,
                        first: first_in_group,
                        last: last_in_group,
                        delivery: outbox.get(&message.id).copied(),
                    },
                    Item::Notice { message, kind } => Row::Notice { message: message.clone(), kind },
                })
                .collect::<Vec<_>>()
        })
    };

    // New agent messages, announced politely to screen readers.
    let announcement = RwSignal::new(String::new());
    // The newest agent message already on screen when the list appeared is not news: only
    // later ones are announced. `None` until the first run.
    let seen = StoredValue::new(None::<Option<String>>);
    effect(move || {
        let me = s.visitor.with(|v| v.as_ref().map(|v| v.id.clone()));
        let newest = s.conversation.with(|c| {
            c.messages().iter().rev().find(|m| m.t.is_none() && m.u.as_ref().map(|u| &u.id) != me.as_ref()).cloned()
        });
        let newest_id = newest.as_ref().map(|m| m.id.clone());
        let previous = seen.get_value();
        seen.set_value(Some(newest_id.clone()));
        if let (Some(previous), Some(m)) = (previous, newest)
            && previous != newest_id
        {
            announcement.set(format!("{}: {}", sender_name(&m), message_summary(&m)));
        }
    });

    let root = use_context::<Root>();
    // The rows, then the newest message in view.
    let list = RefCell::new(Vec::<Built>::new());
    let owner = Owner::current().unwrap_or_default();
    effect(move || {
        let rows = rows();
        if let Some(el) = find(root, ".lc-messages")
            && untrack(|| {
                place(
                    &el,
                    &mut list.borrow_mut(),
                    rows,
                    &owner,
                    |row| render_row(row, s, editing, root),
                    |row, rich| draw_rich(row, rich, s),
                )
            })
        {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let load_older = move || Session::spawn(s.load_older());
    let on_scroll = move |_| {
        if let Some(el) = find(root, ".lc-messages")
            && el.scroll_top() == 0
            && !s.history_complete.get_untracked()
            && s.room.with_untracked(Option::is_some)
        {
            load_older();
        }
    };

    view! {
        <div class="lc-live" aria-live="polite" aria-atomic="true">{move || announcement.get()}</div>
        {when(move || !s.history_complete.get() && s.room.with(Option::is_some), move || button("lc-older", Key::LoadOlder, false, load_older))}
        <ol class="lc-messages" on:scroll=on_scroll></ol>
        <p class="lc-typing" role="status">
            {move || s.typing.with(|names| {
                names.first().map(|name| s.lang.get().tf(Key::IsTyping, &[("name", &isolate(name))])).unwrap_or_default()
            })}
        </p>
    }
}

/// A row on screen: its key, the reactive owner of what it built, and its view.
struct Built {
    key: String,
    owner: Owner,
    view: AnyViewState,
}

/// Puts `rows` in `list` (the `<ol>`), in order: a row whose key was already there keeps its
/// element (and the focus in it: it moves only when out of order), a new one is built under an
/// owner of its own, a gone one is unmounted and its owner cleaned up. A keyed list of the
/// widget's own rather than `<For>`, whose general diff is about 4 KB of the bundle.
fn place(
    list: &web_sys::Element,
    built: &mut Vec<Built>,
    rows: Vec<Row>,
    parent: &Owner,
    render: impl Fn(Row) -> (AnyView, Option<JsValue>),
    draw: impl Fn(&web_sys::Element, &JsValue),
) -> bool {
    let mut changed = rows.len() != built.len();
    // New rows' bubbles to draw once they are on the page.
    let mut to_draw = Vec::new();
    let mut old: Vec<Option<Built>> = std::mem::take(built).into_iter().map(Some).collect();
    // The search starts after the last row kept: rows mostly stay in order.
    let mut from = 0;
    for row in rows {
        let key = row.key();
        let at = (from..old.len()).chain(0..from).find(|&i| old[i].as_ref().is_some_and(|b| b.key == key));
        let kept = at.and_then(|i| {
            from = i + 1;
            old[i].take()
        });
        built.push(kept.unwrap_or_else(|| {
            changed = true;
            let owner = parent.with(Owner::new);
            let (view, rich) = owner.with(|| {
                let (view, rich) = render(row);
                (view.build(), rich)
            });
            if let Some(rich) = rich
                && let Some(el) = view.elements().into_iter().next()
            {
                to_draw.push((el, rich));
            }
            Built { key, owner, view }
        }));
    }
    for mut gone in old.into_iter().flatten() {
        gone.view.unmount();
        gone.owner.cleanup();
    }
    let mut next = list.first_child();
    for row in built.iter_mut() {
        let element = row.view.elements().into_iter().next();
        match element {
            Some(el) if next.as_ref() == Some(el.as_ref()) => next = el.next_sibling(),
            _ => {
                changed = true;
                row.view.mount(list, next.as_ref());
            }
        }
    }
    for (row, rich) in to_draw {
        draw(&row, &rich);
    }
    changed
}

/// A row's view, and for a message that is more than plain text what the renderer draws its
/// bubble from.
fn render_row(
    row: Row,
    s: Session,
    editing: RwSignal<Option<String>>,
    root: Option<Root>,
) -> (AnyView, Option<JsValue>) {
    let lang = s.lang.get_untracked();
    match row {
        // A list item like the others (a `separator` role would break the list).
        Row::Day(day) => (view! { <li class="lc-day">{day_label(day, lang)}</li> }.into_any(), None),
        Row::Notice { message, kind } => {
            // The chat's end in the site's words (`conversationFinishedMessage`), when it has some.
            let text = match kind {
                Notice::Closed => finished(&s).0,
                _ => None,
            };
            let text = text.unwrap_or_else(|| notice_text(&kind, &message, lang));
            (view! { <li class="lc-notice">{text}</li> }.into_any(), None)
        }
        Row::Message { message, mine, first, last, delivery } => {
            // A rich message shows its summary until the renderer has drawn it.
            let rich = rich_source(&message);
            let text = if rich.is_some() { message_summary(&message) } else { message.msg.clone() };
            let id = message.id.clone();
            let confirming = RwSignal::new(false);
            let class = format!(
                "lc-message {}{}{}",
                if mine { "lc-mine" } else { "lc-theirs" },
                if first { " lc-first" } else { "" },
                if last { " lc-last" } else { "" }
            );
            let who = if mine { lang.t(Key::You).to_owned() } else { sender_name(&message) };
            let hidden = s.config.with_untracked(|c| c.as_ref().is_some_and(|c| c.settings.agent_hidden_info));
            let time = message.ts.filter(|_| last).map(|t| time_label(t, lang));
            let edited = message.edited_at.is_some();
            let (edit_id, delete_id, retry_id) = (id.clone(), id.clone(), id.clone());
            let view = view! {
                <li class=class data-id=id.clone()>
                    {first.then(|| {
                        // An agent's group of messages starts with their avatar.
                        let face = (!mine && !hidden)
                            .then(|| message.u.as_ref().map(|u| u.username.clone()))
                            .flatten()
                            .map(|u| view! {
                                // The initials drawn by the stylesheet: not part of the sender's text.
                                <span class="lc-avatar lc-mini" aria-hidden="true" data-initials=super::initials(&who)
                                    style:--lc-face=super::window::face(&s, &u)></span>
                            }.into_any());
                        view! { <span class="lc-sender">{face}{who.clone()}</span> }.into_any()
                    })}
                    // Plain text: no link, line break or markup in it (else it is rich: `is_rich`).
                    // Never HTML.
                    <div class="lc-bubble">{text}</div>
                    <div class="lc-meta">
                        {time.map(|t| view! { <time>{t}</time> }.into_any())}
                        {edited.then(|| view! { <span class="lc-edited">{lang.t(Key::Edited)}</span> }.into_any())}
                        {match delivery {
                            Some(Delivery::Sending) => Some(view! { <span class="lc-status">{lang.t(Key::Sending)}</span> }.into_any()),
                            Some(Delivery::Failed) => Some(view! {
                                <span class="lc-status lc-failed">{lang.t(Key::NotSent)}</span>
                                {button("lc-link lc-retry", Key::Retry, false, {
                                    let retry_id = retry_id.clone();
                                    move || Session::spawn(s.retry(retry_id.clone()))
                                })}
                                {button("lc-link lc-discard", Key::Delete, false, move || {
                                    s.discard(&retry_id);
                                    focus_soon(root, ".lc-input");
                                })}
                            }.into_any()),
                            None => None,
                        }}
                        {(mine && delivery.is_none()).then(|| {
                            // Focus follows the buttons that replace the one pressed.
                            let row = format!("li[data-id=\"{id}\"] ");
                            let confirm = move || {
                                let (delete_id, row) = (delete_id.clone(), row.clone());
                                view! {
                                    {button("lc-link lc-danger", Key::Delete, false, move || {
                                        focus_soon(root, ".lc-input");
                                        Session::spawn(s.delete(delete_id.clone()));
                                    })}
                                    {button("lc-link", Key::Cancel, false, move || {
                                        confirming.set(false);
                                        focus_soon(root, &(row.clone() + ".lc-ask-delete"));
                                    })}
                                }.into_any()
                            };
                            let row = format!("li[data-id=\"{id}\"] .lc-danger");
                            let actions = move || {
                                let (edit_id, row) = (edit_id.clone(), row.clone());
                                view! {
                                    {button("lc-link", Key::Edit, false, move || editing.set(Some(edit_id.clone())))}
                                    {button("lc-link lc-ask-delete", Key::Delete, false, move || {
                                        confirming.set(true);
                                        focus_soon(root, &row);
                                    })}
                                }.into_any()
                            };
                            dynamic(move || Some(if confirming.get() { confirm() } else { actions() }))
                        })}
                    </div>
                </li>
            }
            .into_any();
            (view, rich)
        }
    }
}
