//! The chat window: header (title, agent, menu, minimise), banner, and the current screen.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{
    AUTOFOCUS, Composer, FOCUSABLE, MessageList, OfflineForm, OfflineSent, RegisterForm, Root, SurveyForm, ThankYou,
    button, click, dynamic, effect, find, focus_soon, heading, icon, keydown, slot, tr, when,
};
use crate::i18n::Key;
use crate::realtime::Status;
use crate::session::{Banner, Screen, Session};

/// Up to two initials of a name, for the agent's avatar.
pub fn initials(name: &str) -> String {
    let first: String = name
        .split(|c: char| c.is_whitespace() || c == '.' || c == '_' || c == '-')
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    upper(&first)
}

/// The CSS `url()` of a user's avatar on the server (`/avatar/<username>`), laid over the
/// initials (`--lc-face`): while it loads, or when it cannot be had, the initials show.
pub fn face(s: &Session, username: &str) -> String {
    if username.is_empty() {
        return "none".into();
    }
    let name: String = js_sys::encode_uri_component(username).into();
    ["url(\"", &s.server_url(), "/avatar/", &name, "\")"].concat()
}

/// A link to write or call the agent (`scheme` `mailto:` or `tel:`).
fn contact_link(scheme: &str, to: String) -> AnyView {
    let href = [scheme, &to].concat();
    view! { <a href=href>{to}</a> }.into_any()
}

/// Upper case by the browser's rules: Rust's would bring its Unicode case tables (about 6 KB of
/// the bundle, measured) for two letters.
#[cfg(target_arch = "wasm32")]
fn upper(s: &str) -> String {
    js_sys::JsString::from(s).to_upper_case().into()
}

#[cfg(not(target_arch = "wasm32"))]
fn upper(s: &str) -> String {
    s.to_uppercase()
}

#[component]
fn Header() -> impl IntoView {
    let s = expect_context::<Session>();
    let menu_open = RwSignal::new(false);
    let title = move || {
        let theme = s.config.with(|c| c.as_ref().map(|c| (c.theme.title.clone(), c.theme.offline_title.clone())));
        let (online, offline) = theme.unwrap_or_else(|| ("Livechat".into(), "Livechat".into()));
        if matches!(s.screen.get(), Screen::Offline | Screen::OfflineSent) { offline } else { online }
    };
    let agent_name = move || {
        s.agent.with(|a| a.as_ref().filter(|a| !a.hidden_info).and_then(|a| a.display_name().map(str::to_owned)))
    };
    let status = move || s.agent.with(|a| a.as_ref().and_then(|a| a.status.clone()));
    let username = move || s.agent.with(|a| a.as_ref().and_then(|a| a.username.clone())).unwrap_or_default();
    // The agent's e-mail and phone, when the server shows them (`Livechat_show_agent_email`).
    let contact = move || {
        s.agent.with(|a| {
            a.as_ref()
                .filter(|a| !a.hidden_info)
                .map(|a| (a.emails.first().map(|e| e.address.clone()), a.phone.first().map(|p| p.phone_number.clone())))
        })
    };
    let status_label = move || {
        let lang = s.lang.get();
        status().map(|st| match st.as_str() {
            "online" => lang.t(Key::StatusOnline),
            "away" => lang.t(Key::StatusAway),
            "busy" => lang.t(Key::StatusBusy),
            _ => lang.t(Key::StatusOffline),
        })
    };
    let can_transfer = move || {
        s.room.with(Option::is_some)
            && s.config
                .with(|c| c.as_ref().is_some_and(|c| c.settings.allow_switching_departments && c.departments.len() > 1))
    };
    let can_end = move || {
        s.room.with(Option::is_some)
            && s.screen.get() == Screen::Chat
            && s.config.with(|c| c.as_ref().is_none_or(|c| c.settings.visitors_can_close_chat))
    };
    // Rocket.Chat's "Forget my data" comes with its consent to data processing.
    let can_forget = move || {
        !s.asking_consent.get()
            && s.config.with(|c| c.as_ref().is_some_and(|c| c.settings.force_accept_data_processing_consent))
    };
    // The notification sound, when the site turned it on: the visitor may turn it off.
    let has_sound = s.peek(|c| c.options().sound);
    // A menu item that closes the menu and opens the sheet `name` (drawn by the second module).
    let sheet_item = move |name: &'static str, label: Key| {
        view! {
            <button type="button" role="menuitem" on:click=click(move || { menu_open.set(false); s.sheet.set(Some(name)); })>
                {tr(label)}
            </button>
        }
        .into_any()
    };
    let root = use_context::<Root>();
    // The menu: focus to its first item when it opens; arrows move between items; Escape (and
    // Tab) close it, Escape giving focus back to its button, not closing the window.
    let close_menu = move |refocus: bool| {
        menu_open.set(false);
        if refocus {
            focus_soon(root, MENU_BUTTON);
        }
    };
    let on_menu_key = move |ev: leptos::ev::KeyboardEvent| {
        if !menu_open.get_untracked() {
            return;
        }
        let item = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        let item = item.filter(|e| e.get_attribute("role").is_some_and(|r| r.starts_with("menuitem")));
        let next = match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                ev.stop_propagation();
                return close_menu(true);
            }
            "Tab" => return close_menu(false),
            "ArrowDown" => item.and_then(|e| e.next_element_sibling()),
            "ArrowUp" => item
                .and_then(|e| e.previous_element_sibling())
                .or_else(|| find(root, ".lc-menu > button:last-child").map(Into::into)),
            "Home" => None,
            "End" => find(root, ".lc-menu > button:last-child").map(Into::into),
            _ => return,
        };
        ev.prevent_default();
        let next = next.or_else(|| find(root, ".lc-menu > button").map(Into::into));
        if let Some(next) = next.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
            let _ = next.focus();
        }
    };
    // A `div`, not a `header`: that would be a second banner landmark on the host page.
    view! {
        <div class="lc-header">
            {move || agent_name().map(|name| view! {
                <span class="lc-avatar" aria-hidden="true" style:--lc-face=face(&s, &username())>{initials(&name)}
                    <span class=move || format!("lc-presence lc-{}", status().unwrap_or_default())></span>
                </span>
            }.into_any())}
            <div class="lc-heading">
                <h1 id="lc-title" class="lc-title">{move || agent_name().unwrap_or_else(title)}</h1>
                {move || agent_name().map(|_| view! { <span class="lc-subtitle">{status_label().unwrap_or_default()}</span> }.into_any())}
                {move || contact().filter(|c| c.0.is_some() || c.1.is_some()).map(|(email, phone)| view! {
                    <span class="lc-subtitle lc-contact">
                        {email.map(|e| contact_link("mailto:", e))}
                        {phone.map(|p| contact_link("tel:", p))}
                    </span>
                }.into_any())}
                {move || (s.screen.get() == Screen::Chat && s.room.with(Option::is_some) && s.agent.with(Option::is_none))
                    .then(|| {
                        let lang = s.lang.get();
                        let text = match s.queue_spot.get() {
                            Some(spot) if spot > 0 => lang.tf(Key::QueuePosition, &[("spot", &spot.to_string())]),
                            _ => lang.t(Key::WaitingForAgent).to_owned(),
                        };
                        view! { <span class="lc-subtitle lc-waiting" role="status">{text}</span> }.into_any()
                    })}
            </div>
            {when(move || has_sound || can_transfer() || can_end() || can_forget(), move || view! {
                <div class="lc-menu-wrap" on:keydown=keydown(on_menu_key)>
                    <button type="button" class="lc-icon-button" aria-haspopup="menu"
                        aria-expanded=move || menu_open.get().to_string()
                        aria-label=tr(Key::Options)
                        on:click=click(move || {
                            menu_open.update(|o| *o = !*o);
                            if menu_open.get_untracked() {
                                focus_soon(root, ".lc-menu > button");
                            }
                        })>
                        {icon("M12 3a2 2 0 1 0 0 4a2 2 0 1 0 0-4zm0 7a2 2 0 1 0 0 4a2 2 0 1 0 0-4zm0 7a2 2 0 1 0 0 4a2 2 0 1 0 0-4z", false)}
                    </button>
                    {when(move || menu_open.get(), move || view! {
                        <div class="lc-menu" role="menu" aria-label=tr(Key::Options)>
                            {when(can_transfer, move || sheet_item("departments", Key::ChangeDepartment))}
                            {when(can_end, move || sheet_item("end", Key::EndChat))}
                            {has_sound.then(|| view! {
                                <button type="button" role="menuitemcheckbox" aria-checked=move || (!s.muted.get()).to_string()
                                    on:click=click(move || s.set_muted(!s.muted.get_untracked()))>
                                    {tr(Key::Sound)}
                                </button>
                            }.into_any())}
                            {when(can_forget, move || sheet_item("forget", Key::ForgetMyData))}
                        </div>
                    }.into_any())}
                </div>
            }.into_any())}
            <button type="button" class="lc-icon-button" aria-label=tr(Key::Minimize) on:click=click(move || s.set_open(false))>
                {icon("M5 12h14", true)}
            </button>
        </div>
        {dynamic(move || s.sheet.get().map(slot))}
    }
}

/// The window menu's button, where focus goes back when a sheet opened from the menu closes.
const MENU_BUTTON: &str = ".lc-menu-wrap > button";

#[component]
fn BannerView() -> impl IntoView {
    let s = expect_context::<Session>();
    // A lost realtime connection is news, told politely; the first connection is not.
    let link_lost = move || matches!(s.link.get(), Status::Reconnecting | Status::Offline);
    dynamic(move || {
        if link_lost() && s.banner.with(|b| b.as_ref().is_none_or(|b| *b == Banner::ConnectionLost)) {
            let text = s.lang.get().t(Key::ConnectionLost);
            return Some(view! { <div class="lc-banner lc-link-lost" role="status">{text}</div> }.into_any());
        }
        s.banner.get().map(|banner| {
            let lang = s.lang.get();
            let text = match banner {
                Banner::ConnectionLost => lang.t(Key::ConnectionLost).to_owned(),
                Banner::Refused(reason) => lang.tf(
                    Key::ServerRefused,
                    &[("reason", reason.as_deref().unwrap_or(lang.t(Key::SomethingWentWrong)))],
                ),
            };
            view! { <div class="lc-banner" role="alert">{text}</div> }.into_any()
        })
    })
}

/// The chat screen: messages and composer.
#[component]
fn Chat() -> impl IntoView {
    let editing = RwSignal::new(None::<String>);
    view! {
        <MessageList editing=editing/>
        <Composer editing=editing/>
    }
}

/// The window. Opening it moves focus to its first field (or its title).
#[component]
pub fn Window() -> impl IntoView {
    let s = expect_context::<Session>();
    let root = use_context::<Root>();
    // The screen, changed only by a new value: setting the same one again (the chat's end comes
    // by the socket and by the answer) must not draw the screen anew and drop its focus.
    let current = Memo::new(move |_| s.screen.get());
    // A sheet is about the screen it was opened on (and does not outlive the window).
    effect(move || {
        current.track();
        s.sheet.set(None);
    });
    // Focus follows the screen: the element marked `data-autofocus` in the new screen — when
    // the visitor's own action in this tab opened the window or changed the screen (a window
    // restored open, opened by another tab, or a screen the server pushed leaves focus be).
    effect(move || {
        let screen = current.get();
        if let Some(el) = find(root, "#lc-window") {
            request_animation_frame(move || {
                if !s.wants_focus() {
                    return;
                }
                if let Ok(Some(target)) = el.query_selector("[data-autofocus]")
                    && let Ok(target) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(target)
                {
                    let _ = target.focus();
                    s.moved_focus();
                } else if screen != Screen::Loading {
                    // Nothing to focus here: the request does not outlive this change.
                    s.moved_focus();
                }
            });
        }
    });
    let on_keydown = keydown(move |ev| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            s.set_open(false);
        }
    });
    // Files: chosen with the attach button (`change`), pasted, or dropped on the window — sent in
    // the chat when the server takes files. One listener for the four events.
    effect(move || {
        let Some(window) = find(root, "#lc-window") else { return };
        let on_files = move |ev: web_sys::Event| {
            if s.screen.get_untracked() != Screen::Chat
                || !s.config.with_untracked(|c| c.as_ref().is_some_and(|c| c.settings.file_upload))
            {
                return;
            }
            // The files of the event: the input's (`change`), the clipboard's, the drag's. Read by
            // name, as the three carry them alike.
            let get = |v: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).unwrap_or_default();
            let kind = ev.type_();
            let target = ev.target().map(wasm_bindgen::JsValue::from).unwrap_or_default();
            let holder = match kind.as_str() {
                // Only the attach button's: a textarea's `change` (it lost focus) is not a file.
                "change" if get(&target, "type").as_string().as_deref() == Some("file") => target.clone(),
                "change" => return,
                "paste" => get(&ev, "clipboardData"),
                _ => get(&ev, "dataTransfer"),
            };
            let has = |kind: &str| {
                let types = get(&holder, "types");
                types.is_object() && js_sys::Array::from(&types).includes(&kind.into(), 0)
            };
            // A drag with files over the window may drop there; other drags are the page's. A
            // paste with text (an office program's puts a picture of it beside) is text.
            if (kind == "dragover" && !has("Files")) || (kind == "paste" && has("text/plain")) {
                return;
            }
            // The files themselves (the input's list empties with it), when there are some.
            let files = get(&holder, "files");
            let files = if files.is_object() { js_sys::Array::from(&files) } else { js_sys::Array::new() };
            if kind == "change" {
                // The same file may be chosen again.
                let _ = js_sys::Reflect::set(&target, &"value".into(), &"".into());
            }
            if kind == "dragover" || files.length() > 0 {
                ev.prevent_default();
            }
            if kind != "dragover"
                && files.length() > 0
                && let Some(list) = find(root, ".lc-uploads")
            {
                s.upload(&files, &list);
            }
        };
        let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(on_files).into_js_value();
        for kind in ["change", "paste", "dragover", "drop"] {
            let _ = window.add_event_listener_with_callback(kind, listener.unchecked_ref());
        }
    });
    view! {
        <section id="lc-window" class="lc-window" role="dialog" aria-labelledby="lc-title" on:keydown=on_keydown>
            <Header/>
            <BannerView/>
            <div class="lc-body">
                {move || if s.asking_consent.get() { slot("consent") } else { match current.get() {
                    Screen::Loading => view! { <p class="lc-loading" role="status" aria-busy="true">"…"</p> }.into_any(),
                    Screen::Register => view! { <RegisterForm/> }.into_any(),
                    Screen::Chat => view! { <Chat/> }.into_any(),
                    Screen::Offline => view! { <OfflineForm/> }.into_any(),
                    Screen::OfflineSent => view! { <OfflineSent/> }.into_any(),
                    Screen::Survey => view! { <SurveyForm/> }.into_any(),
                    Screen::ThankYou => view! { <ThankYou/> }.into_any(),
                    Screen::Unavailable => {
                        // Offline with no offline form: nobody is there. Otherwise Livechat is
                        // off, or the server refuses this page (the console says why).
                        let nobody = s.config.with(|c| c.as_ref().is_some_and(|c| c.enabled));
                        view! {
                            <p class="lc-done" role="status" data-autofocus=AUTOFOCUS tabindex=FOCUSABLE>
                                {tr(if nobody { Key::NoAgentOnline } else { Key::ChatUnavailable })}
                            </p>
                        }.into_any()
                    }
                    Screen::Unreachable => view! {
                        <div class="lc-done" role="status">
                            {heading(None, tr(Key::CantReach), true)}
                            <p>{tr(Key::CantReachText)}</p>
                            {button("lc-primary", Key::Retry, false, move || s.retry_start_now())}
                        </div>
                    }.into_any(),
                }}}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Alex Agent"), "AA");
        assert_eq!(initials("jane.doe"), "JD");
        assert_eq!(initials("bob"), "B");
        assert_eq!(initials("ólafur arnalds"), "ÓA");
        assert_eq!(initials(""), "");
    }
}
