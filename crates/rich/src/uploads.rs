//! The widget's visitor files (`upload(files, context)`, exported with the `module` feature):
//! sent one at a time to `livechat/upload/:rid` with their progress, listed above the composer
//! (`view::uploads`), retried or dropped by the visitor, never sent twice
//! (`livechat_client::session::uploads` holds the rules). The widget's session answers what this
//! asks through `context.ask` (see `Session::upload` in the widget).

use std::cell::RefCell;

use js_sys::{Array, Function, Promise, Reflect};
use livechat_client::api::{Abort, Error, Transport, VisitorClient};
use livechat_client::session::uploads::{FileMessage, Retry, Uploads};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, File};

use crate::module::{asks, get, string};
use crate::view;

/// What the widget gave with the last files.
struct Setup {
    server: String,
    token: String,
    /// The list above the composer.
    list: Element,
    texts: Vec<String>,
    ask: Function,
}

#[derive(Default)]
struct State {
    queue: Uploads,
    /// Each file not yet sent, by number, with what stops it while it goes.
    files: Vec<(u32, File, Option<Abort>)>,
    setup: Option<Setup>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

// `files`: an array of `File`s. `context`: `{server, token, list, texts, ask}`: the server's address, the visitor's token, the
// list element above the composer, the texts of `view::uploads` in the visitor's language, and
// `ask(what, value)`, the widget's session (`room`, `refresh`, `take`, `token`, `files`).
#[wasm_bindgen]
pub fn upload(files: Array, context: JsValue) {
    let Ok(list) = Reflect::get(&context, &"list".into()).and_then(|l| l.dyn_into::<Element>()) else {
        return;
    };
    let Ok(ask) = Reflect::get(&context, &"ask".into()).and_then(|f| f.dyn_into::<Function>()) else {
        return;
    };
    let texts = Reflect::get(&context, &"texts".into())
        .map(|t| Array::from(&t).iter().map(|t| t.as_string().unwrap_or_default()).collect())
        .unwrap_or_default();
    let setup = Setup { server: string(&context, "server"), token: string(&context, "token"), list, texts, ask };
    listen(&setup.list);
    crate::dom::prepare_root(&setup.list);
    let stale = STATE.with_borrow_mut(|st| {
        // Another visitor now: the previous one's files go.
        let stale = if st.setup.as_ref().is_some_and(|s| s.token != setup.token) { forget_all(st) } else { Vec::new() };
        for file in files.iter().filter_map(|f| f.dyn_into::<File>().ok()) {
            let id = st.queue.add(&file.name(), file.size() as u64);
            st.files.push((id, file, None));
        }
        st.setup = Some(setup);
        stale
    });
    abort_all(stale);
    draw();
    wasm_bindgen_futures::spawn_local(pump());
}

/// Forgets every file; answers what stops the one on its way, to be called once the state is
/// no longer borrowed (an abort may call back into it).
fn forget_all(st: &mut State) -> Vec<Abort> {
    st.queue.clear();
    st.files.drain(..).filter_map(|f| f.2).collect()
}

fn abort_all(aborts: Vec<Abort>) {
    for abort in aborts {
        abort.abort();
    }
}

/// Calls the widget's `ask(what, value)`.
fn ask(what: &str, value: &JsValue) -> JsValue {
    let ask = STATE.with_borrow(|st| st.setup.as_ref().map(|s| s.ask.clone()));
    ask.map_or(JsValue::UNDEFINED, |f| asks(&f, what, value))
}

async fn ask_async(what: &str) -> Result<JsValue, JsValue> {
    JsFuture::from(ask(what, &JsValue::UNDEFINED).dyn_into::<Promise>()?).await
}

/// The visitor's file messages on screen (the widget answers them as the server sent them).
fn file_messages() -> Vec<FileMessage> {
    let list = ask("files", &JsValue::UNDEFINED);
    if !Array::is_array(&list) {
        return Vec::new();
    }
    Array::from(&list)
        .iter()
        .map(|m| {
            let file = get(&m, "file");
            FileMessage {
                id: string(&m, "_id"),
                name: string(&file, "name"),
                size: get(&file, "size").as_f64().unwrap_or_default() as u64,
            }
        })
        .collect()
}

/// Sends the files waiting, one at a time, until none is left. One runs: a call while a file
/// goes ends at once (that one takes the rest).
async fn pump() {
    loop {
        let known = file_messages();
        let next = STATE.with_borrow_mut(|st| {
            let id = st.queue.next(&known)?;
            let file = st.files.iter().find(|f| f.0 == id).map(|f| f.1.clone());
            let setup = st.setup.as_ref().map(|s| (s.server.clone(), s.token.clone()));
            Some((id, file, setup))
        });
        let Some((id, file, Some((server, token)))) = next else { return };
        let Some(file) = file else {
            // Not kept (cannot happen): it goes, and the queue goes on.
            STATE.with_borrow_mut(|st| st.queue.remove(id));
            continue;
        };
        draw();
        let result = send(id, &file, &server, &token).await;
        // Another visitor meanwhile: this one's files are gone.
        if ask("token", &JsValue::UNDEFINED).as_string().as_deref() != Some(token.as_str()) {
            abort_all(STATE.with_borrow_mut(forget_all));
            draw();
            return;
        }
        STATE.with_borrow_mut(|st| match &result {
            Ok(_) => {
                st.queue.sent(id);
                st.files.retain(|f| f.0 != id);
            }
            Err(e) => st.queue.failed(id, e),
        });
        if let Ok(Some(message)) = result {
            ask("take", &message);
            // The visitor wrote: proactive messages wait until this chat ends.
            crate::triggers::wrote();
        }
        draw();
    }
}

/// One attempt: the room (made if needed), then the file. Answers the server's message as it
/// came.
async fn send(id: u32, file: &File, server: &str, token: &str) -> Result<Option<JsValue>, Error> {
    let no_room =
        |e: JsValue| Error::Network { endpoint: "GET livechat/room", detail: e.as_string().unwrap_or_default() };
    let rid = ask_async("room").await.map_err(no_room)?.as_string().unwrap_or_default();
    // Cancelled while the room was being made: it does not go.
    if STATE.with_borrow(|st| !st.files.iter().any(|f| f.0 == id)) {
        return Err(Error::Network { endpoint: "POST livechat/upload/:rid", detail: "cancelled".into() });
    }
    let client = VisitorClient::new(Transport::new(server), token);
    let progress = Box::new(move |p: f64| {
        STATE.with_borrow_mut(|st| st.queue.progress(id, p));
        show_progress(id, p);
    });
    let (abort, done) = client.upload(&rid, file, progress)?.split();
    STATE.with_borrow_mut(|st| {
        if let Some(f) = st.files.iter_mut().find(|f| f.0 == id) {
            f.2 = Some(abort);
        }
    });
    let message = done.await?;
    Ok(livechat_client::json::kept(&message.kept).cloned())
}

/// Moves file `id`'s bar alone (a focused Cancel keeps its focus).
fn show_progress(id: u32, p: f64) {
    let list = STATE.with_borrow(|st| st.setup.as_ref().map(|s| s.list.clone()));
    if let Some(bar) = list.and_then(|l| l.query_selector(&format!("progress[data-id=\"{id}\"]")).ok().flatten()) {
        let _ = bar.set_attribute("value", &((p * 100.0) as u32).min(100).to_string());
    }
}

/// Draws the list again. Focus inside it stays on the same file's first button, or goes to the
/// composer when that file is gone.
fn draw() {
    let Some((list, nodes)) = STATE.with_borrow(|st| {
        let s = st.setup.as_ref()?;
        Some((s.list.clone(), view::uploads(st.queue.list(), &s.texts)))
    }) else {
        return;
    };
    let root: JsValue = list.get_root_node().into();
    let focused = Reflect::get(&root, &"activeElement".into()).ok().and_then(|a| a.dyn_into::<Element>().ok());
    let had_focus = focused.as_ref().and_then(|f| list.contains(Some(f)).then(|| f.get_attribute("data-id"))).flatten();
    list.set_text_content(None);
    crate::dom::build(&list, &nodes, "");
    if let Some(id) = had_focus {
        let again = list.query_selector(&format!("button[data-id=\"{id}\"]")).ok().flatten();
        let target = again.or_else(|| {
            let root: web_sys::Node = list.get_root_node();
            root.dyn_ref::<web_sys::ShadowRoot>()?.query_selector(".lc-input").ok().flatten()
        });
        if let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    }
}

/// The list's buttons: one listener for all of them.
fn listen(list: &Element) {
    if list.has_attribute("data-listening") {
        return;
    }
    let _ = list.set_attribute("data-listening", "");
    let on_click = Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
        let button = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button[data-action]").ok().flatten());
        let Some(button) = button else { return };
        let id: u32 = button.get_attribute("data-id").and_then(|i| i.parse().ok()).unwrap_or_default();
        match button.get_attribute("data-action").as_deref() {
            Some("retry") => wasm_bindgen_futures::spawn_local(retry(id)),
            _ => {
                let abort = STATE.with_borrow_mut(|st| {
                    st.queue.remove(id);
                    let pos = st.files.iter().position(|f| f.0 == id)?;
                    st.files.remove(pos).2
                });
                if let Some(abort) = abort {
                    abort.abort();
                }
                draw();
                wasm_bindgen_futures::spawn_local(pump());
            }
        }
    });
    let _ = list.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
}

/// Retries file `id`: after a failure the server did not answer, the conversation is caught up
/// first and the file goes again only if it is not there.
async fn retry(id: u32) {
    let mut plan = STATE.with_borrow_mut(|st| st.queue.retry(id, None));
    if plan == Retry::CatchUpFirst {
        let _ = ask_async("refresh").await;
        let now = file_messages();
        plan = STATE.with_borrow_mut(|st| st.queue.retry(id, Some(&now)));
    }
    if plan == Retry::Landed {
        STATE.with_borrow_mut(|st| st.files.retain(|f| f.0 != id));
    }
    draw();
    if plan == Retry::Send {
        pump().await;
    }
}
