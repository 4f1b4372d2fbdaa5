//! Proactive messages (`config.triggers`) as a pure state machine, the way
//! [`crate::realtime::protocol`] is: the shell tells [`Triggers`] what happened — the page's
//! address changed, time passed, the visitor opened the window, registered, wrote, a chat
//! ended — with the time (ms) as an argument, and each call
//! answers a [`Step`]: the triggers that fire now, the `runOnce` ids to keep in storage, and when
//! to call [`Triggers::tick`] next. It never reads a clock; regular expressions are run by the
//! caller ([`Matcher`]: the widget backs it with JavaScript's `RegExp`, as Rocket.Chat does).
//!
//! # Which triggers count
//!
//! Every trigger of the configuration is considered, in its order (Rocket.Chat's widget used
//! only the first condition and the first action of each, Livechat#232 / #67). A trigger counts
//! only when it is enabled, has at least one condition, knows every one of its conditions, and
//! has a `send-message` action with a sender of `queue` or `custom` and a message that is not
//! blank (the first such action is the one carried out; `use-external-service` and any other
//! action are skipped, as an unknown sender is by Rocket.Chat). A trigger that does not count
//! never fires and is never stored.
//!
//! # Conditions (all of a trigger's must hold)
//!
//! - `page-url`: the pattern, as JavaScript's `new RegExp(value).test(href)` on the page's full
//!   address (unanchored, case-sensitive). No value, an empty one or a pattern that does not
//!   compile never matches. Checked on every [`Triggers::page`] call; before the first one no
//!   address is known and it does not hold.
//! - `time-on-site`: `value` seconds (read as `parseInt` reads it: `"30"`, `" 30 s"`, `30`,
//!   `2.5` → 2) have passed since the visitor arrived. A value that reads as no number or a
//!   negative one never holds (Rocket.Chat would fire at once).
//! - `chat-opened-by-visitor`: the visitor opened the window during this page load.
//! - `after-guest-registration`: the visitor registered during this page load (since the last
//!   chat ended).
//!
//! "Opened" and "registered" are states that become true and stay true, so `page-url X` and
//! `chat-opened-by-visitor` fires when the visitor opens the window on page X, or goes to page X
//! with the window opened earlier. They start false on every page load: a window restored open
//! after a reload, or a visitor already registered before it, is not news.
//!
//! # Time on site
//!
//! Counted from `arrived_at`, given to [`Triggers::new`]. The shell passes the time the widget
//! started on this page, as Rocket.Chat does: route changes of a single-page site do not restart
//! it, a reload does. (A visit-wide time kept in `sessionStorage` would make every later page
//! load fire a non-`runOnce` time trigger at once.)
//!
//! # When a trigger fires
//!
//! When its conditions come to hold: at an event where all of them hold and did not at the
//! previous one. So a trigger fires at most once while its conditions keep holding — no repeats
//! within one page view —, and a non-`runOnce` one fires again only after they stopped holding
//! and hold again: leaving the matching pages and coming back, or a reload (every page load starts
//! afresh, as Rocket.Chat's widget does). A `runOnce` trigger fires once for the visitor: its
//! id goes into [`Step::store_once`], the shell keeps the set in storage (across reloads and
//! tabs) and hands it back to [`Triggers::new`].
//!
//! # Quiet times
//!
//! Trigger messages are the widget's own until the visitor writes: once the visitor has written
//! in a chat ([`Triggers::visitor_wrote`]) nothing fires until that chat ends
//! ([`Triggers::chat_ended`]); a site that turns triggers off gives none to the rules.
//! Conditions that came to hold during a quiet time are spent:
//! when it ends, a trigger fires only once its conditions hold anew (a time deadline that passed
//! during the chat does not fire at its end; a page-url trigger fires on the next entry to a
//! matching page). A chat's end also makes the visitor unregistered again for these rules, so
//! `after-guest-registration` fires again when the visitor registers for a new chat (Rocket.Chat
//! re-arms it on the chat-finished screen). Registering alone does not quiet anything (Rocket.Chat
//! drops every other condition once the visitor is registered; here they still apply until the
//! visitor writes).

use livechat_wire::config::ConditionValue;
#[cfg(doc)]
use livechat_wire::config::Trigger;
use livechat_wire::json::Json;

/// Runs a JavaScript regular expression: `Some(new RegExp(pattern).test(text))`, `None` when
/// the pattern does not compile.
pub type Matcher<'a> = &'a dyn Fn(&str, &str) -> Option<bool>;

/// Who a trigger's message is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The agent who would take the chat (`livechat/agent.next/:token`).
    Queue,
    /// The name in [`Fire::name`].
    Custom,
}

/// A trigger firing: the message to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fire {
    /// The trigger's `_id`.
    pub id: String,
    pub sender: Sender,
    /// The sender's name, for [`Sender::Custom`].
    pub name: String,
    pub msg: String,
}

/// What one call answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Step {
    /// The triggers that fire now, in the configuration's order.
    pub fire: Vec<Fire>,
    /// `runOnce` trigger ids that fired now: add them to the stored set.
    pub store_once: Vec<String>,
    /// When (ms) to call [`Triggers::tick`]: the earliest time-on-site deadline that would fire
    /// a trigger. It replaces the time any earlier step asked for; `None`: no timer.
    pub wake_at: Option<f64>,
}

/// What a trigger asks, read once from the configuration.
#[derive(Debug, Clone)]
struct Rule {
    fire: Fire,
    once: bool,
    /// The `page-url` patterns.
    urls: Vec<String>,
    /// The longest `time-on-site`, in ms.
    wait: Option<f64>,
    opened: bool,
    registered: bool,
    /// Every pattern matches the current address.
    url_ok: bool,
    /// All conditions held at the last evaluation (or the trigger fired and they still do).
    held: bool,
}

/// A string field of `v`, or empty.
fn text<J: Json>(v: &J, key: &str) -> String {
    v.get(key).and_then(|s| s.as_string()).unwrap_or_default()
}

/// A condition's value as text: a string as it is, a whole number as its digits (Rocket.Chat's
/// admin stores what was typed; older records hold numbers).
fn value_text<J: Json>(v: &J) -> String {
    match (v.as_string(), v.as_f64()) {
        (Some(s), _) => s,
        (None, Some(n)) => ConditionValue::Number(n).text(),
        _ => String::new(),
    }
}

/// The seconds of a `time-on-site` value, as JavaScript's `parseInt` reads them (leading
/// blanks, an optional `+`, digits, anything after ignored); `None` for no digits or a negative
/// number.
fn seconds<J: Json>(v: &J) -> Option<u32> {
    if v.as_string().is_none() {
        return ConditionValue::Number(v.as_f64()?).seconds();
    }
    let s = value_text(v);
    let s = s.trim_start();
    let s = s.strip_prefix('+').unwrap_or(s);
    let end = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    // Saturates: a number too large for u32 seconds is longer than any visit.
    Some(s[..end].bytes().fold(0u32, |n, b| n.saturating_mul(10).saturating_add(u32::from(b - b'0'))))
}

impl Rule {
    /// The trigger's rule, when it counts (see the module's documentation). Read straight from
    /// the configuration as parsed (a [`Trigger`] on the wire): the widget carries no decoder
    /// for the trigger types (their fields go through [`Json`] once, here).
    fn read<J: Json>(t: &J) -> Option<Rule> {
        if t.get("enabled").and_then(|e| e.as_bool()) == Some(false) {
            return None;
        }
        let conditions = t.get("conditions").and_then(|c| c.items()).unwrap_or_default();
        if conditions.is_empty() {
            return None;
        }
        let actions = t.get("actions").and_then(|a| a.items()).unwrap_or_default();
        let (sender, p) = actions.iter().filter(|a| text(*a, "name") == "send-message").find_map(|a| {
            let p = a.get("params")?;
            let sender = match text(&p, "sender").as_str() {
                "queue" => Sender::Queue,
                "custom" => Sender::Custom,
                _ => return None,
            };
            (!text(&p, "msg").trim().is_empty()).then_some((sender, p))
        })?;
        let mut rule = Rule {
            fire: Fire { id: text(t, "_id"), sender, name: text(&p, "name"), msg: text(&p, "msg") },
            once: t.get("runOnce").and_then(|o| o.as_bool()) == Some(true),
            urls: Vec::new(),
            wait: None,
            opened: false,
            registered: false,
            url_ok: false,
            held: false,
        };
        for c in &conditions {
            let value = c.get("value").filter(|v| !v.is_null());
            match text(c, "name").as_str() {
                "page-url" => rule.urls.push(value.as_ref().map(value_text).unwrap_or_default()),
                "time-on-site" => {
                    let ms = f64::from(seconds(&value?)?) * 1000.0;
                    rule.wait = Some(rule.wait.map_or(ms, |w| w.max(ms)));
                }
                "chat-opened-by-visitor" => rule.opened = true,
                "after-guest-registration" => rule.registered = true,
                _ => return None,
            }
        }
        rule.url_ok = rule.urls.is_empty();
        Some(rule)
    }

    /// Whether every pattern matches `url`.
    fn url_matches(&self, url: Option<&str>, test: Matcher) -> bool {
        self.urls.iter().all(|p| url.is_some_and(|u| !p.is_empty() && test(p, u) == Some(true)))
    }
}

/// The triggers of one page load and what they have seen.
#[derive(Debug, Clone, Default)]
pub struct Triggers {
    rules: Vec<Rule>,
    /// `runOnce` ids fired for this visitor (stored by the shell).
    once: Vec<String>,
    arrived_at: f64,
    url: Option<String>,
    opened: bool,
    registered: bool,
    /// The visitor has written in the chat under way.
    wrote: bool,
}

impl Triggers {
    /// The configuration's triggers (pass none while Livechat is offline or disabled: Rocket.Chat
    /// runs triggers only when `online && enabled`), the `runOnce` ids already fired for this
    /// visitor (from storage), and the time (ms) the visitor arrived (see the module's
    /// documentation). Nothing fires before the first event; call [`Triggers::page`] with the
    /// address once the session knows whether a chat is under way (a restored chat in which the
    /// visitor has written: call [`Triggers::visitor_wrote`] first).
    pub fn new<J: Json>(triggers: &[J], fired_once: Vec<String>, arrived_at: f64) -> Triggers {
        Triggers {
            rules: triggers.iter().filter_map(Rule::read).collect(),
            once: fired_once,
            arrived_at,
            ..Triggers::default()
        }
    }

    /// New triggers from a reloaded configuration. A trigger kept (same id) keeps what it saw:
    /// one that fired does not fire again while its conditions keep holding.
    pub fn set_triggers<J: Json>(&mut self, triggers: &[J], now: f64, test: Matcher) -> Step {
        let mut rules: Vec<Rule> = triggers.iter().filter_map(Rule::read).collect();
        for r in &mut rules {
            r.url_ok = r.url_matches(self.url.as_deref(), test);
            r.held = self.rules.iter().any(|old| old.fire.id == r.fire.id && old.held);
        }
        self.rules = rules;
        self.run(now)
    }

    /// The page's address (`location.href`) now: at the start and after every route change.
    /// Calling it again with the same address changes nothing.
    pub fn page(&mut self, url: &str, now: f64, test: Matcher) -> Step {
        if self.url.as_deref() != Some(url) {
            for r in &mut self.rules {
                r.url_ok = r.url_matches(Some(url), test);
            }
            self.url = Some(url.to_owned());
        }
        self.run(now)
    }

    /// Time passed: at the [`Step::wake_at`] asked for (an early or extra call is harmless).
    pub fn tick(&mut self, now: f64) -> Step {
        self.run(now)
    }

    /// The visitor opened the window (not: the widget restored it open after a reload).
    pub fn opened(&mut self, now: f64) -> Step {
        self.opened = true;
        self.run(now)
    }

    /// The visitor registered: the pre-chat form was accepted, or the visitor's registration was
    /// done for a new chat (after one ended too) — not: a visitor already registered on an
    /// earlier page load.
    pub fn registered(&mut self, now: f64) -> Step {
        self.registered = true;
        self.run(now)
    }

    /// The visitor wrote in the chat (their first message of it, or a chat restored with their
    /// messages): nothing fires until [`Triggers::chat_ended`]. Calling it again changes nothing.
    pub fn visitor_wrote(&mut self, now: f64) -> Step {
        self.wrote = true;
        self.run(now)
    }

    /// The chat ended: triggers may fire again (for conditions that come to hold from now on),
    /// and `after-guest-registration` waits for the visitor's next registration.
    pub fn chat_ended(&mut self, now: f64) -> Step {
        let mut step = self.run(now);
        self.wrote = false;
        self.registered = false;
        step.join(self.run(now));
        step
    }

    /// The `runOnce` ids fired for this visitor, as they should be stored.
    pub fn fired_once(&self) -> &[String] {
        &self.once
    }

    /// Evaluates every trigger at `now`: fires those whose conditions came to hold, unless a
    /// quiet time spends them.
    fn run(&mut self, now: f64) -> Step {
        let Triggers { rules, once, arrived_at, opened, registered, wrote, .. } = self;
        let quiet = *wrote;
        let mut step = Step::default();
        for r in rules.iter_mut() {
            let ready = r.url_ok && (!r.opened || *opened) && (!r.registered || *registered);
            let due = r.wait.map(|w| *arrived_at + w);
            let holds = ready && due.is_none_or(|d| now >= d);
            let spent = r.once && once.contains(&r.fire.id);
            if !quiet && !spent {
                if holds && !r.held {
                    step.fire.push(r.fire.clone());
                    if r.once {
                        once.push(r.fire.id.clone());
                        step.store_once.push(r.fire.id.clone());
                    }
                } else if let Some(d) = due.filter(|_| ready && !holds) {
                    step.wake_at = Some(step.wake_at.map_or(d, |w| w.min(d)));
                }
            }
            r.held = holds;
        }
        step
    }
}

impl Step {
    /// `later` after this one: its triggers follow, its wake time replaces this one's.
    fn join(&mut self, later: Step) {
        self.fire.extend(later.fire);
        self.store_once.extend(later.store_once);
        self.wake_at = later.wake_at;
    }
}

#[cfg(test)]
mod tests;
