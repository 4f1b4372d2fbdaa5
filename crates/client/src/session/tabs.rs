//! Several tabs of one visitor in step: a `BroadcastChannel` per server and storage namespace
//! carries the window's open state, how far the visitor has read, and word that a tab
//! delivered a message; a Web Lock elects the one tab that plays the notification sound and
//! polls history when the socket cannot be used.
//!
//! Messages on the channel are short strings: `o1` / `o0` (window opened / closed), `r<ms>`
//! (read up to that time), `m` (this tab delivered a message: catch up if not live).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

/// The channel to the visitor's other tabs, and this tab's claim to play sounds.
pub struct Tabs {
    channel: Option<BroadcastChannel>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    /// True while this tab holds the sound lock.
    leader: Rc<Cell<bool>>,
    /// Resolving it gives the lock up (on drop).
    release: Option<js_sys::Function>,
    /// Web Locks are there: the lock decides who leads.
    has_locks: bool,
    audio: RefCell<Option<web_sys::AudioContext>>,
}

impl Tabs {
    /// Joins the channel `name`; `on` hears what other tabs post. `lead` also queues for the
    /// sound lock.
    pub fn join(name: &str, lead: bool, on: Box<dyn Fn(String)>) -> Tabs {
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(text) = e.data().as_string() {
                on(text);
            }
        });
        let channel = BroadcastChannel::new(name).ok();
        if let Some(c) = &channel {
            c.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        }
        let leader = Rc::new(Cell::new(false));
        let mut tabs = Tabs {
            channel,
            _on_message: on_message,
            leader,
            release: None,
            has_locks: false,
            audio: RefCell::new(None),
        };
        if lead {
            tabs.request_lock(name);
        }
        tabs
    }

    /// `navigator.locks.request(name, cb)`: `cb` runs when this tab gets the lock, and keeps it
    /// until the promise it returns settles. Browsers without Web Locks have no leader: the
    /// visible tab plays instead ([`Tabs::leads`]).
    fn request_lock(&mut self, name: &str) {
        let Some(navigator) = web_sys::window().map(|w| w.navigator()) else { return };
        let Ok(locks) = js_sys::Reflect::get(&navigator, &"locks".into()) else { return };
        let Ok(request) = js_sys::Reflect::get(&locks, &"request".into()) else { return };
        let Some(request) = request.dyn_ref::<js_sys::Function>() else { return };
        let mut resolve = None;
        let held = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
        let leader = self.leader.clone();
        // Called at most once, possibly after this tab gave up waiting (then `held` is already
        // settled and the lock passes straight on).
        let on_lock = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
            leader.set(true);
            held
        });
        if request.call2(&locks, &JsValue::from_str(&["rc-livechat-sound:", name].concat()), &on_lock).is_ok() {
            self.release = resolve;
            self.has_locks = true;
        }
    }

    /// Tells the other tabs.
    pub fn post(&self, text: &str) {
        if let Some(c) = &self.channel {
            let _ = c.post_message(&JsValue::from_str(text));
        }
    }

    /// Whether this tab polls history (when polling): the lock holder, or every tab without Web
    /// Locks (nothing elects one then).
    pub fn polls(&self) -> bool {
        !self.has_locks || self.leader.get()
    }

    /// Whether this tab plays the sound: the lock holder, or (without Web Locks) a visible tab.
    pub fn leads(&self) -> bool {
        if self.has_locks {
            return self.leader.get();
        }
        web_sys::window().and_then(|w| w.document()).is_some_and(|d| !d.hidden())
    }

    /// A short soft tone through WebAudio. Browsers allow sound only after the visitor has
    /// interacted with the page; before that this does nothing.
    pub fn chime(&self) {
        let mut audio = self.audio.borrow_mut();
        if audio.is_none() {
            *audio = web_sys::AudioContext::new().ok();
        }
        let Some(ctx) = audio.as_ref() else { return };
        let _ = ctx.resume();
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else { return };
        let t = ctx.current_time();
        osc.frequency().set_value(880.0);
        let g = gain.gain();
        g.set_value(0.0001);
        let _ = g.exponential_ramp_to_value_at_time(0.15, t + 0.02);
        let _ = g.exponential_ramp_to_value_at_time(0.0001, t + 0.3);
        let _ = osc.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&ctx.destination());
        let _ = osc.start();
        let _ = osc.stop_with_when(t + 0.32);
    }
}

impl Drop for Tabs {
    fn drop(&mut self) {
        if let Some(c) = &self.channel {
            c.set_onmessage(None);
            c.close();
        }
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::NULL);
        }
        if let Some(ctx) = self.audio.borrow_mut().take() {
            let _ = ctx.close();
        }
    }
}
