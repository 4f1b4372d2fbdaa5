//! The agent console: a small page where one person plays the agent's side of a Livechat
//! conversation — sign in, take chats from the queue, reply, forward, close — against the same
//! server the widget talks to. Built on the widget crate's `api::AgentClient`.
//!
//! * [`state`]: [`Console`], the agent's side as signals; the only code that calls the server
//!   or touches storage.
//! * [`ui`]: the Leptos components.
//! * [`logic`]: pure rules (which server, error wording, unread markers), tested natively.
//! * [`store`]: the login in `sessionStorage`.
//!
//! The page (`index.html`) loads the wasm-bindgen output and calls [`boot`].

pub mod logic;
pub mod state;
pub mod store;
pub mod ui;

pub use state::Console;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// Mounts the console on `<body>`, talking to the page's own server or to `?server=`.
#[wasm_bindgen]
pub fn boot() -> Result<(), JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let body = document.body().ok_or("no <body>")?;
    let url = document.url()?;
    match logic::server_for(&url) {
        Ok(server) => {
            let console = Console::new(&server, "");
            std::mem::forget(mount(body, console));
            Console::spawn(console.start());
            Ok(())
        }
        Err(why) => {
            let p = document.create_element("p")?;
            p.set_class_name("ac-fatal");
            p.set_attribute("role", "alert")?;
            p.set_text_content(Some(&why));
            body.append_child(&p)?;
            Err(JsValue::from_str(&why))
        }
    }
}

/// Mounts the console for `console` inside `parent`. Dropping the handle unmounts it.
pub fn mount(parent: web_sys::HtmlElement, console: Console) -> leptos::mount::UnmountHandle<impl Mountable> {
    console.set_root(parent.clone().into());
    leptos::mount::mount_to(parent, move || {
        provide_context(console);
        view! { <ui::App/> }
    })
}
