//! The commands `www/api.js` runs through [`super::command`]: each call is read once into a
//! [`Command`], its arguments checked (an e-mail address that is not one is refused here), and
//! then applied through [`Session`](crate::session::Session) methods. [`Command::NAMES`] is the
//! one list of their names, declared with how each reads its arguments; a test checks `api.js`
//! against it.

use js_sys::{Array, Reflect};
use livechat_wire::visitor::{CustomField, NewVisitor, is_email};
use wasm_bindgen::JsValue;

use super::{language, text};
use crate::i18n::Lang;

/// One command, its arguments read and checked.
#[derive(Debug)]
pub enum Command {
    /// `open` (true), `close` (false).
    Open(bool),
    /// `isOpen`, `status`, `unreadCount`, `token`: the answer.
    IsOpen,
    Status,
    UnreadCount,
    Token,
    /// Forget the visitor and start over.
    Reset,
    /// The visitor (or the site for them) consented, `true` — also to the server's
    /// data-processing terms —, or merely interacted (`false`: the loader's launcher clicked):
    /// storage may be written, the session starts.
    Consent(bool),
    /// Header titles (online, offline) that win over the server's; `None` keeps the last one.
    SetTheme(Option<String>, Option<String>),
    SetGuestToken(String),
    /// The language, its texts installed as the call is read.
    SetLanguage(Lang),
    PageVisited {
        title: String,
        href: String,
    },
    SetCustomField {
        key: String,
        value: String,
        overwrite: bool,
    },
    /// `setDepartment` (id or name), `clearDepartment` (`None`).
    SetDepartment(Option<String>),
    SetGuestName(String),
    /// A checked e-mail address.
    SetGuestEmail(String),
    RegisterGuest(NewVisitor),
}

/// The arguments `api.js` passes, `a, b, c` (checked, and strings where a string is wanted).
type Args = [JsValue; 3];

/// Declares [`Command::read`] and [`Command::NAMES`] from one list: each name with how its
/// arguments `[a, b, c]` are read into a command.
macro_rules! commands {
    ([$a:ident, $b:ident, $c:ident] $($name:literal => $read:expr,)*) => {
        impl Command {
            /// Every command's name.
            pub const NAMES: &[&str] = &[$($name),*];

            /// Command `name` with `api.js`'s arguments; an unknown name or bad arguments are
            /// an error message for the page.
            pub fn read(name: &str, [$a, $b, $c]: &Args) -> Result<Command, &'static str> {
                Ok(match name {
                    $($name => $read,)*
                    _ => return Err("Livechat: unknown command"),
                })
            }
        }
    };
}

commands! {
    [a, b, c]
    "open" => Command::Open(true),
    "close" => Command::Open(false),
    "isOpen" => Command::IsOpen,
    "status" => Command::Status,
    "unreadCount" => Command::UnreadCount,
    "token" => Command::Token,
    "reset" => Command::Reset,
    "consent" => Command::Consent(true),
    // The loader's launcher was clicked before the widget came: an interaction, not an agreement.
    "clicked" => Command::Consent(false),
    "setTheme" => Command::SetTheme(a.as_string(), b.as_string()),
    "setGuestToken" => Command::SetGuestToken(string(a)),
    "setLanguage" => Command::SetLanguage(language(a, b)),
    "pageVisited" => Command::PageVisited { title: string(a), href: string(b) },
    "setCustomField" => {
        Command::SetCustomField { key: string(a), value: string(b), overwrite: c.as_bool().unwrap_or(true) }
    },
    "setDepartment" => Command::SetDepartment(Some(string(a))),
    "clearDepartment" => Command::SetDepartment(None),
    "setGuestName" => Command::SetGuestName(string(a)),
    "setGuestEmail" => match string(a) {
        e if is_email(e.trim()) => Command::SetGuestEmail(e),
        _ => return Err("Livechat: setGuestEmail needs an e-mail address"),
    },
    "registerGuest" => Command::RegisterGuest(guest(a)?),
}

fn string(v: &JsValue) -> String {
    v.as_string().unwrap_or_default()
}

/// `registerGuest`'s object (`api.js` checked that it is one): `{token?, name?, email?,
/// department?, customFields?: [{key, value, overwrite}]}`.
fn guest(guest: &JsValue) -> Result<NewVisitor, &'static str> {
    let email = text(guest, "email");
    if email.as_deref().is_some_and(|e| !is_email(e)) {
        return Err("Livechat: registerGuest needs a valid email");
    }
    let fields = Reflect::get(guest, &"customFields".into()).unwrap_or(JsValue::UNDEFINED);
    let custom_fields = if Array::is_array(&fields) {
        Array::from(&fields)
            .iter()
            .filter_map(|f| {
                Some(CustomField {
                    key: text(&f, "key")?,
                    value: Reflect::get(&f, &"value".into()).ok()?.as_string()?,
                    overwrite: Reflect::get(&f, &"overwrite".into()).ok()?.as_bool().unwrap_or(true),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(NewVisitor {
        token: text(guest, "token").unwrap_or_default(),
        name: text(guest, "name"),
        email,
        department: text(guest, "department"),
        custom_fields,
        ..NewVisitor::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The names of the commands `source` (`api.js`) runs: each `run('name', …)`, and for a
    /// `run(m, …)` in a loop `….forEach(function (m) {`, the names it loops over — a string
    /// list (`'a b'.split(' ')`) or the keys of `GETTERS`. A `run(` this cannot read fails.
    fn commands_run_by(source: &str) -> BTreeSet<String> {
        // Without comments: they may mention `run(` in prose.
        let code: String = source
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| l.split(" // ").next().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(code.matches(".command(").count(), 1, "api.js calls the wasm's command in one place, `run`");
        let mut names = BTreeSet::new();
        for (at, _) in code.match_indices("run(") {
            let before = code[..at].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || "_$.".contains(before) {
                continue;
            }
            let arg = &code[at + 4..];
            if let Some(literal) = arg.strip_prefix('\'') {
                names.insert(literal.split('\'').next().unwrap().to_owned());
                continue;
            }
            assert!(
                arg.starts_with("m)") || arg.starts_with("m,"),
                "api.js calls run({}…): name the command",
                arg.lines().next().unwrap()
            );
            let head = code[..at].rsplit_once(".forEach(function (m) {").expect("run(m) outside a loop over names").0;
            if head.ends_with("Object.keys(GETTERS)") {
                let getters = code.split("var GETTERS = {").nth(1).unwrap().split('}').next().unwrap();
                names.extend(getters.split(',').map(|g| g.split(':').next().unwrap().trim().to_owned()));
            } else {
                let list = head.strip_suffix("'.split(' ')").expect("run(m) in a loop over a '…'.split(' ') list");
                names.extend(list.rsplit('\'').next().unwrap().split(' ').map(str::to_owned));
            }
        }
        names
    }

    #[test]
    fn the_list_reads_every_form_of_call() {
        let source = "// run('comment')\nvar GETTERS = { a: 1, b: '2' };\n'c d'.split(' ').forEach(function (m) {\n  \
                      impl[m] = function () { return run(m); };\n});\nrun('e', x);\nObject.keys(GETTERS).forEach(\
                      function (m) {\n  api[m] = run ? run(m) : 0;\n});\nrerun('f'); wasm.command(id);";
        assert_eq!(commands_run_by(source), ["a", "b", "c", "d", "e"].map(str::to_owned).into());
    }

    /// `api.js` runs every command the wasm has, and no other.
    #[test]
    fn the_api_runs_the_commands_the_wasm_has() {
        let api = commands_run_by(include_str!("../../www/api.js"));
        let ours: BTreeSet<String> = Command::NAMES.iter().map(|n| n.to_string()).collect();
        assert_eq!(ours.len(), Command::NAMES.len(), "a command is listed twice");
        let unknown: Vec<_> = api.difference(&ours).collect();
        let unused: Vec<_> = ours.difference(&api).collect();
        assert!(
            unknown.is_empty() && unused.is_empty(),
            "api.js runs commands src/embed/command.rs does not list: {unknown:?}; it lists commands api.js never runs: {unused:?}"
        );
    }
}
