//! The console's components. They make no HTTP or storage calls: they read the [`Console`]
//! from context and call its methods.
//!
//! One file of about 750 lines on purpose: the console is a demo tool of a dozen small
//! components (sign-in, queue, rooms, room view, forward and close forms) that read best side
//! by side; none is long.

use leptos::ev::{Event, KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use livechat_wire::inquiries::Inquiry;
use livechat_wire::message::{Message, types};
use livechat_wire::room::Room;
use wasm_bindgen::JsCast;

use crate::logic::{self, Author};
use crate::state::{Console, Phase, Queue, RoomState};

/// Focuses the console's element with `id` once the view has caught up.
fn focus_later(c: Console, id: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = c.element(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
}

/// `HH:MM` in the browser's time zone.
fn clock(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The whole console: header, notice, and the sign-in form or the work area.
#[component]
pub fn App() -> impl IntoView {
    let c = expect_context::<Console>();
    Effect::new(move |previous: Option<Phase>| {
        let phase = c.phase.get();
        if previous.is_some_and(|p| p != phase) {
            match phase {
                Phase::SignedIn => focus_later(c, "ac-queue-title"),
                Phase::SignedOut => focus_later(c, "ac-user"),
                Phase::Resuming => {}
            }
        }
        phase
    });
    view! {
        <div class="ac-app">
            <Header/>
            <NoticeBar/>
            {move || match c.phase.get() {
                Phase::Resuming => view! { <p class="ac-loading" role="status">"Signing in…"</p> }.into_any(),
                Phase::SignedOut => view! { <SignIn/> }.into_any(),
                Phase::SignedIn => view! { <Work/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Header() -> impl IntoView {
    let c = expect_context::<Console>();
    let busy = RwSignal::new(false);
    let toggle = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let want = !c.available.get_untracked();
        Console::spawn(async move {
            c.set_available(want).await;
            let _ = busy.try_set(false);
        });
    };
    let who = move || {
        c.me.with(|m| {
            m.as_ref().map(|m| match m.name.as_deref().filter(|n| !n.is_empty()) {
                Some(name) => format!("{name} ({})", m.username),
                None => m.username.clone(),
            })
        })
    };
    view! {
        <header class="ac-header">
            <h1 class="ac-title">"Agent console"</h1>
            <Show when=move || c.phase.get() == Phase::SignedIn>
                <span class="ac-who">{who}</span>
                <button
                    type="button"
                    id="ac-available"
                    class="ac-switch"
                    role="switch"
                    aria-checked=move || c.available.get().to_string()
                    aria-busy=move || busy.get().to_string()
                    on:click=toggle
                >
                    <span class="ac-switch-track" aria-hidden="true"><span class="ac-switch-thumb"></span></span>
                    <span>{move || if c.available.get() { "Available" } else { "Not available" }}</span>
                </button>
                <button type="button" id="ac-sign-out" class="ac-button" on:click=move |_| Console::spawn(c.sign_out())>
                    "Sign out"
                </button>
            </Show>
        </header>
    }
}

#[component]
fn NoticeBar() -> impl IntoView {
    let c = expect_context::<Console>();
    move || {
        c.notice.get().map(|n| {
            view! {
                <div class="ac-notice" class:ac-notice-error=n.error role=if n.error { "alert" } else { "status" }>
                    <span class="ac-notice-text">{n.text}</span>
                    <button type="button" class="ac-link" on:click=move |_| c.notice.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

#[component]
fn SignIn() -> impl IntoView {
    let c = expect_context::<Console>();
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        c.sign_in_error.set(None);
        Console::spawn(async move {
            c.sign_in(user.get_untracked(), password.get_untracked()).await;
            // Signed in: this form is gone. Otherwise try again from the password.
            if c.phase.try_get_untracked() == Some(Phase::SignedOut) {
                let _ = busy.try_set(false);
                focus_later(c, "ac-password");
            }
        });
    };
    let error = move || c.sign_in_error.get();
    let server = c.server.get_value();
    view! {
        <main class="ac-signin-page">
            <form class="ac-card ac-signin" on:submit=on_submit aria-labelledby="ac-signin-title" novalidate>
                <h2 id="ac-signin-title">"Sign in"</h2>
                <p class="ac-muted">"Server: " <span class="ac-server">{server}</span></p>
                <label for="ac-user">"Username or e-mail"</label>
                <input
                    id="ac-user"
                    name="username"
                    autocomplete="username"
                    autofocus
                    aria-describedby="ac-signin-error"
                    prop:value=move || user.get()
                    on:input=move |ev| user.set(event_target_value(&ev))
                />
                <label for="ac-password">"Password"</label>
                <input
                    id="ac-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    aria-describedby="ac-signin-error"
                    aria-invalid=move || error().is_some().to_string()
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                <p id="ac-signin-error" class="ac-error" role="alert">{error}</p>
                <button type="submit" class="ac-button ac-primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}

/// The signed-in work area: the lists beside the open room (one above the other when narrow).
#[component]
fn Work() -> impl IntoView {
    let c = expect_context::<Console>();
    view! {
        <main class="ac-work" class:ac-has-room=move || c.selected.with(Option::is_some)>
            <div class="ac-side">
                <QueuePanel/>
                <RoomsPanel/>
            </div>
            <section class="ac-room" aria-labelledby="ac-room-title">
                {move || match c.selected.with(|r| r.as_ref().map(|r| r.id.clone())) {
                    Some(_) => view! { <RoomView/> }.into_any(),
                    None => view! {
                        <p class="ac-placeholder" id="ac-room-title">"Take a chat from the queue or pick one of yours."</p>
                    }
                    .into_any(),
                }}
            </section>
        </main>
    }
}

#[component]
fn QueuePanel() -> impl IntoView {
    let c = expect_context::<Console>();
    let error = RwSignal::new(None::<String>);
    let count = move || c.queue.with(|q| if let Queue::Inquiries(l) = q { l.len() } else { 0 });
    // Reactive: the departments may arrive after the queue.
    let dept_name = move |id: String| {
        move || c.departments.with(|d| d.iter().find(|d| d.id == id).map(|d| d.name.clone())).unwrap_or(id.clone())
    };
    let row = move |inquiry: Inquiry| {
        let name = inquiry.name.clone().or(inquiry.v.as_ref().and_then(|v| v.name.clone())).unwrap_or("Visitor".into());
        let since = inquiry.ts.map(|t| clock(t.millis()));
        let department = inquiry.department.clone().map(dept_name);
        let label = format!("Take the chat with {name}");
        let first = inquiry.message.clone().filter(|m| !m.is_empty());
        let busy = RwSignal::new(false);
        let take = move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            error.set(None);
            let inquiry = inquiry.clone();
            Console::spawn(async move {
                let result = c.take(inquiry).await;
                let _ = busy.try_set(false);
                match result {
                    Ok(()) => focus_later(c, "ac-reply"),
                    Err(e) => {
                        let _ = error.try_set(Some(e));
                    }
                }
            });
        };
        view! {
            <li class="ac-inquiry">
                <div class="ac-inquiry-text">
                    <span class="ac-name">{name}</span>
                    <span class="ac-muted">
                        {department.map(|d| move || format!("{} · ", d()))}
                        {since.map(|s| format!("waiting since {s}"))}
                    </span>
                    {first.map(|m| view! { <span class="ac-preview">{m}</span> })}
                </div>
                <button type="button" class="ac-button ac-primary ac-take" aria-label=label on:click=take disabled=move || busy.get()>
                    "Take"
                </button>
            </li>
        }
    };
    view! {
        <section class="ac-panel" aria-labelledby="ac-queue-title">
            <h2 id="ac-queue-title" tabindex="-1">
                "Queue " <span class="ac-count">{count}</span>
            </h2>
            <p class="ac-error" role="alert">{move || error.get()}</p>
            {move || match c.queue.get() {
                Queue::Loading => view! { <p class="ac-muted">"Loading…"</p> }.into_any(),
                Queue::NotAllowed => view! {
                    <p class="ac-muted ac-queue-hidden">
                        "Your role cannot list the queue (it needs a Livechat manager). With manual routing, ask a manager to assign chats."
                    </p>
                }
                .into_any(),
                Queue::Inquiries(list) if list.is_empty() => {
                    view! { <p class="ac-muted ac-empty">"Nobody is waiting."</p> }.into_any()
                }
                Queue::Inquiries(list) => view! {
                    <ul class="ac-list ac-queue">{list.into_iter().map(row).collect_view()}</ul>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn RoomsPanel() -> impl IntoView {
    let c = expect_context::<Console>();
    let unread_count = move || c.rooms.with(|rooms| rooms.iter().filter(|r| c.is_unread(r)).count());
    view! {
        <section class="ac-panel" aria-labelledby="ac-rooms-title">
            <h2 id="ac-rooms-title" tabindex="-1">
                "My chats "
                <span class="ac-count">{move || c.rooms.with(Vec::len)}</span>
                <Show when=move || { unread_count() > 0 }>
                    <span class="ac-unread-count">{move || format!("{} unread", unread_count())}</span>
                </Show>
            </h2>
            <Show
                when=move || c.rooms.with(|r| !r.is_empty())
                fallback=|| view! { <p class="ac-muted ac-empty">"No open chats."</p> }
            >
                <ul class="ac-list ac-rooms">
                    <For each=move || c.rooms.get() key=|room| room.id.clone() let:room>
                        <RoomItem room/>
                    </For>
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn RoomItem(room: Room) -> impl IntoView {
    let c = expect_context::<Console>();
    let id = room.id.clone();
    // The list re-renders from fresh rooms; read this one's current copy.
    let current = {
        let id = id.clone();
        move || c.rooms.with(|rooms| rooms.iter().find(|r| r.id == id).cloned()).unwrap_or_else(|| room.clone())
    };
    let is_open = {
        let id = id.clone();
        move || c.selected.with(|s| s.as_ref().is_some_and(|s| s.id == id))
    };
    let unread = {
        let current = current.clone();
        move || c.is_unread(&current())
    };
    let title = {
        let current = current.clone();
        move || logic::room_title(&current())
    };
    let preview = {
        let current = current.clone();
        move || current().last_message.map(|m| if m.is_system() { logic::system_text(&m) } else { m.msg.clone() })
    };
    let open = move |_| {
        let room = current();
        Console::spawn(async move {
            c.open(room).await;
            focus_later(c, "ac-reply");
        });
    };
    view! {
        <li>
            <button
                type="button"
                class="ac-room-item"
                class:ac-unread=unread.clone()
                data-rid=id
                aria-current=move || if is_open() { "true" } else { "false" }
                on:click=open
            >
                <span class="ac-dot" aria-hidden="true"></span>
                <span class="ac-name">{title}</span>
                <Show when=unread.clone()>
                    <span class="ac-visually-hidden">", unread"</span>
                </Show>
                <span class="ac-preview">{preview}</span>
            </button>
        </li>
    }
}

#[component]
fn RoomView() -> impl IntoView {
    let c = expect_context::<Console>();
    let room = move || c.selected.get().unwrap_or_default();
    let serving = move || c.room_state.with(|s| *s == RoomState::Serving);
    let panel = RwSignal::new(None::<&'static str>);
    let back = move |_| {
        c.close_view();
        focus_later(c, "ac-rooms-title");
    };
    let detail = move |value: Option<String>| value.filter(|v| !v.is_empty()).unwrap_or("—".into());
    let name = move || {
        detail(c.visitor.with(|v| v.as_ref().and_then(|v| v.name.clone())).or_else(|| Some(logic::room_title(&room()))))
    };
    let email = move || detail(c.visitor.with(|v| v.as_ref().and_then(|v| v.email().map(str::to_owned))));
    let department = move || {
        let room = room();
        let from_room = room.department.as_ref().map(|d| d.name.clone());
        let id = room.department_id.clone();
        detail(from_room.or_else(|| {
            let id = id?;
            c.departments.with(|d| d.iter().find(|d| d.id == id).map(|d| d.name.clone())).or(Some(id))
        }))
    };
    let toggle = move |which: &'static str| {
        move |_| {
            let next = if panel.get_untracked() == Some(which) { None } else { Some(which) };
            panel.set(next);
            if let Some(which) = next {
                focus_later(c, if which == "forward" { "ac-fwd-kind-department" } else { "ac-close-comment" });
            }
        }
    };
    view! {
        <div class="ac-room-head">
            <button type="button" class="ac-link ac-back" on:click=back>"← All chats"</button>
            <h2 id="ac-room-title" tabindex="-1">{move || logic::room_title(&room())}</h2>
            <dl class="ac-visitor">
                <div><dt>"Name"</dt><dd class="ac-visitor-name">{name}</dd></div>
                <div><dt>"E-mail"</dt><dd class="ac-visitor-email">{email}</dd></div>
                <div><dt>"Department"</dt><dd class="ac-visitor-department">{department}</dd></div>
            </dl>
            <Show when=serving>
                <div class="ac-actions">
                    <button
                        type="button"
                        id="ac-forward-toggle"
                        class="ac-button"
                        aria-expanded=move || (panel.get() == Some("forward")).to_string()
                        aria-controls="ac-forward"
                        on:click=toggle("forward")
                    >
                        "Forward…"
                    </button>
                    <button
                        type="button"
                        id="ac-close-toggle"
                        class="ac-button ac-danger"
                        aria-expanded=move || (panel.get() == Some("close")).to_string()
                        aria-controls="ac-close"
                        on:click=toggle("close")
                    >
                        "Close…"
                    </button>
                </div>
            </Show>
        </div>
        {move || match (serving(), panel.get()) {
            (true, Some("forward")) => view! { <ForwardForm panel/> }.into_any(),
            (true, Some("close")) => view! { <CloseForm panel/> }.into_any(),
            _ => ().into_any(),
        }}
        {move || match c.room_state.get() {
            RoomState::Ended(why) => {
                let closed = move || {
                    c.conversation.with(|m| m.messages().iter().any(|m| m.t.as_deref() == Some(types::LIVECHAT_CLOSE)))
                };
                let why = move || if closed() { "This conversation was closed.".to_owned() } else { why.clone() };
                view! { <p class="ac-ended" role="status">{why}</p> }.into_any()
            }
            RoomState::Serving => ().into_any(),
        }}
        <MessageLog/>
        <Show when=serving>
            <Composer/>
        </Show>
    }
}

#[component]
fn MessageLog() -> impl IntoView {
    let c = expect_context::<Console>();
    let loading = RwSignal::new(false);
    let older = move |_| {
        loading.set(true);
        Console::spawn(async move {
            c.load_older().await;
            let _ = loading.try_set(false);
        });
    };
    // Follow new messages while the reader is at the bottom.
    let wrap = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |before: Option<usize>| {
        let len = c.conversation.with(|m| m.len());
        if let Some(el) = wrap.get_untracked() {
            let first = before.is_none_or(|n| n == 0);
            let near_bottom = first || el.scroll_height() - el.scroll_top() - el.client_height() < 80;
            request_animation_frame(move || {
                if near_bottom {
                    el.set_scroll_top(el.scroll_height());
                }
            });
        }
        len
    });
    let line = move |m: Message| {
        let room = c.selected.get_untracked().unwrap_or_default();
        let me = c.me_id();
        let time = m.ts.map(|t| clock(t.millis()));
        match logic::author(&m, &room, &me) {
            Author::System => view! {
                <li class="ac-system">
                    <span class="ac-system-text">{logic::system_text(&m)}</span>
                    {time.map(|t| view! { <time class="ac-time">{t}</time> })}
                </li>
            }
            .into_any(),
            who => {
                let class = match who {
                    Author::Visitor => "ac-msg ac-from-visitor",
                    Author::Me => "ac-msg ac-from-me",
                    _ => "ac-msg ac-from-agent",
                };
                let name = match who {
                    Author::Me => "You".to_owned(),
                    _ => m
                        .alias
                        .clone()
                        .or_else(|| m.u.as_ref().and_then(|u| u.name.clone()))
                        .or_else(|| m.u.as_ref().map(|u| u.username.clone()))
                        .unwrap_or_default(),
                };
                // Drawn by the widget's renderer, again when the emoji table comes.
                let body = NodeRef::<leptos::html::Div>::new();
                let id = m.id.clone();
                Effect::new(move |_| {
                    if let Some(el) = body.get() {
                        c.draw(&el, &m);
                    }
                });
                view! {
                    <li class=class data-id=id>
                        <span class="ac-author">{name}</span>
                        {time.map(|t| view! { <time class="ac-time">{t}</time> })}
                        <div class="ac-text" node_ref=body></div>
                    </li>
                }
                .into_any()
            }
        }
    };
    view! {
        // The live log is the wrapper: on the list itself, the role would take the rows out of a list.
        <div class="ac-log-wrap" node_ref=wrap role="log" aria-live="polite" aria-label="Messages">
            <Show when=move || !c.history_complete.get() && c.conversation.with(|m| !m.is_empty())>
                <button type="button" class="ac-link ac-older" on:click=older disabled=move || loading.get()>
                    "Load older messages"
                </button>
            </Show>
            <ol class="ac-log">
                <For each=move || c.conversation.with(|m| m.messages().to_vec()) key=|m| (m.id.clone(), m.msg.clone()) children=line/>
            </ol>
        </div>
    }
}

#[component]
fn Composer() -> impl IntoView {
    let c = expect_context::<Console>();
    let text = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move || {
        let value = text.get_untracked();
        if value.trim().is_empty() || sending.get_untracked() {
            return;
        }
        sending.set(true);
        error.set(None);
        Console::spawn(async move {
            let result = c.reply(value.clone()).await;
            let _ = sending.try_set(false);
            match result {
                // Only what was sent goes; anything typed meanwhile stays.
                Ok(()) => {
                    let _ = text.try_update(|t| {
                        if *t == value {
                            t.clear();
                        }
                    });
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
        });
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit();
    };
    let attaching = RwSignal::new(false);
    let on_file = move |ev: Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        // The same file may be chosen again after this one.
        input.set_value("");
        attaching.set(true);
        error.set(None);
        Console::spawn(async move {
            let result = c.send_file(file).await;
            let _ = attaching.try_set(false);
            if let Err(e) = result {
                let _ = error.try_set(Some(e));
            }
        });
    };
    view! {
        <form class="ac-composer" on:submit=on_submit>
            <label for="ac-reply" class="ac-visually-hidden">"Reply"</label>
            <textarea
                id="ac-reply"
                rows="2"
                placeholder="Write a reply (Enter sends, Shift+Enter adds a line)"
                aria-describedby="ac-reply-error"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=on_keydown
            ></textarea>
            <button
                type="submit"
                class="ac-button ac-primary ac-send"
                disabled=move || sending.get() || text.with(|t| t.trim().is_empty())
            >
                {move || if sending.get() { "Sending…" } else { "Send" }}
            </button>
            <label class="ac-button ac-attach">
                {move || if attaching.get() { "Sending the file…" } else { "Send a file" }}
                <input type="file" class="ac-visually-hidden" on:change=on_file disabled=move || attaching.get()/>
            </label>
            <p id="ac-reply-error" class="ac-error" role="alert">{move || error.get()}</p>
        </form>
    }
}

#[component]
fn ForwardForm(panel: RwSignal<Option<&'static str>>) -> impl IntoView {
    let c = expect_context::<Console>();
    let to_department = RwSignal::new(true);
    let department = RwSignal::new(String::new());
    let agent = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let known = c.known_agents.get_untracked();
        let target = match logic::forward_target(
            to_department.get_untracked(),
            &department.get_untracked(),
            &agent.get_untracked(),
            &known,
        ) {
            Ok(t) => t,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        busy.set(true);
        error.set(None);
        Console::spawn(async move {
            match c.forward(target, comment.get_untracked()).await {
                Ok(()) => focus_later(c, "ac-rooms-title"),
                Err(e) => {
                    let _ = busy.try_set(false);
                    let _ = error.try_set(Some(e));
                }
            }
        });
    };
    let me = c.me_id();
    let others = move || c.known_agents.get().into_iter().filter(|(id, _)| *id != me).collect::<Vec<_>>();
    view! {
        <form id="ac-forward" class="ac-card ac-form" on:submit=on_submit aria-label="Forward the conversation" novalidate>
            <fieldset class="ac-choice">
                <legend>"Forward to"</legend>
                <label>
                    <input
                        type="radio"
                        id="ac-fwd-kind-department"
                        name="ac-fwd-kind"
                        prop:checked=move || to_department.get()
                        on:change=move |_| to_department.set(true)
                    />
                    " a department"
                </label>
                <label>
                    <input
                        type="radio"
                        id="ac-fwd-kind-agent"
                        name="ac-fwd-kind"
                        prop:checked=move || !to_department.get()
                        on:change=move |_| to_department.set(false)
                    />
                    " an agent"
                </label>
            </fieldset>
            <Show
                when=move || to_department.get()
                fallback=move || {
                    let others = others.clone();
                    view! {
                        <label for="ac-fwd-agent">"Agent (username or user id)"</label>
                        <input
                            id="ac-fwd-agent"
                            list="ac-known-agents"
                            autocomplete="off"
                            prop:value=move || agent.get()
                            on:input=move |ev| agent.set(event_target_value(&ev))
                        />
                        <datalist id="ac-known-agents">
                            {others().into_iter().map(|(id, username)| view! { <option value=username>{id}</option> }).collect_view()}
                        </datalist>
                    }
                }
            >
                <label for="ac-fwd-department">"Department"</label>
                <select id="ac-fwd-department" on:change=move |ev| department.set(event_target_value(&ev))>
                    <option value="" selected=move || department.with(String::is_empty)>"Choose a department"</option>
                    {move || {
                        c.departments
                            .get()
                            .into_iter()
                            .map(|d| {
                                let selected = department.with_untracked(|x| *x == d.id);
                                view! { <option value=d.id.clone() selected=selected>{d.name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </Show>
            <label for="ac-fwd-comment">"Comment (optional)"</label>
            <textarea
                id="ac-fwd-comment"
                rows="2"
                prop:value=move || comment.get()
                on:input=move |ev| comment.set(event_target_value(&ev))
            ></textarea>
            <p class="ac-error" id="ac-fwd-error" role="alert">{move || error.get()}</p>
            <div class="ac-row">
                <button type="submit" class="ac-button ac-primary" disabled=move || busy.get()>"Forward"</button>
                <button type="button" class="ac-button" on:click=move |_| { panel.set(None); focus_later(c, "ac-forward-toggle"); }>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

#[component]
fn CloseForm(panel: RwSignal<Option<&'static str>>) -> impl IntoView {
    let c = expect_context::<Console>();
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        Console::spawn(async move {
            match c.close(comment.get_untracked()).await {
                Ok(()) => focus_later(c, "ac-rooms-title"),
                Err(e) => {
                    let _ = busy.try_set(false);
                    let _ = error.try_set(Some(e));
                    focus_later(c, "ac-close-comment");
                }
            }
        });
    };
    view! {
        <form id="ac-close" class="ac-card ac-form" on:submit=on_submit aria-label="Close the conversation" novalidate>
            <label for="ac-close-comment">"Closing comment"</label>
            <textarea
                id="ac-close-comment"
                rows="2"
                aria-describedby="ac-close-error"
                aria-invalid=move || error.with(Option::is_some).to_string()
                prop:value=move || comment.get()
                on:input=move |ev| comment.set(event_target_value(&ev))
            ></textarea>
            <p class="ac-error" id="ac-close-error" role="alert">{move || error.get()}</p>
            <div class="ac-row">
                <button type="submit" class="ac-button ac-danger" disabled=move || busy.get()>"Close conversation"</button>
                <button type="button" class="ac-button" on:click=move |_| { panel.set(None); focus_later(c, "ac-close-toggle"); }>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
