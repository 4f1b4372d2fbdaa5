//! The widget's words in English, Brazilian Portuguese, Spanish, German, French and Arabic.
//!
//! English is built in (`en.rs`, a `match` over [`Key`]). The other languages are JSON files
//! next to this one (`pt-BR.json`, `es.json`, `de.json`, `fr.json`, `ar.json`: an object from
//! each [`Key`]'s name to its text, in [`Key`]'s order), which ship beside the wasm: `cargo xtask
//! dist` turns each into an array of texts in [`Key`]'s order (`dist/i18n/<tag>.json`), the page
//! fetches the visitor's one and hands it over with [`install`]. A text a language lacks (or a
//! language whose texts never came) falls back to English. Texts take named parameters:
//! `{name}`, `{count}`.

use std::cell::RefCell;

mod en;

/// A language the widget speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    PtBr,
    Es,
    De,
    Fr,
    Ar,
}

thread_local! {
    /// The texts each language was given ([`install`]), by [`Key`] order; empty until then.
    static TEXTS: RefCell<[&'static [&'static str]; 6]> = const { RefCell::new([&[]; 6]) };
}

/// Gives `lang` its texts, in [`Key`]'s order (`dist/i18n/<tag>.json`); an entry that is not a
/// text (`None`, or empty) falls back to English, and so do keys past the end. A language keeps
/// the texts it was given first: later calls for it change nothing (a page gets one catalogue
/// per language, and texts on screen must not change under the visitor).
pub fn install(lang: Lang, texts: impl IntoIterator<Item = Option<String>>) {
    TEXTS.with_borrow_mut(|all| {
        let slot = &mut all[lang as usize];
        if lang == Lang::En || !slot.is_empty() {
            return;
        }
        // Kept for the page's lifetime: at most one catalogue per language.
        let texts: Vec<&'static str> = texts.into_iter().map(|t| &*t.unwrap_or_default().leak()).collect();
        *slot = texts.leak();
    });
}

/// Whether `lang` has its texts (English always has).
pub fn installed(lang: Lang) -> bool {
    lang == Lang::En || TEXTS.with_borrow(|all| !all[lang as usize].is_empty())
}

impl Lang {
    pub const ALL: [Lang; 6] = [Lang::En, Lang::PtBr, Lang::Es, Lang::De, Lang::Fr, Lang::Ar];

    /// The language for a BCP 47 tag (`pt-BR`, `es_419`, `de`, `AR-EG`), if the widget has it.
    /// Any Portuguese is Brazilian Portuguese.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Some(match primary.as_str() {
            "en" => Lang::En,
            "pt" => Lang::PtBr,
            "es" => Lang::Es,
            "de" => Lang::De,
            "fr" => Lang::Fr,
            "ar" => Lang::Ar,
            _ => return None,
        })
    }

    /// The tag for `lang` attributes (and the catalogue's file name).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::PtBr => "pt-BR",
            Lang::Es => "es",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Ar => "ar",
        }
    }

    /// Writing direction: `rtl` for Arabic.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    /// The text for `key`, in this language or else in English.
    pub fn t(self, key: Key) -> &'static str {
        let own = TEXTS.with_borrow(|all| all[self as usize].get(key as usize).copied());
        own.filter(|t| !t.is_empty()).unwrap_or_else(|| en::text(key))
    }

    /// The text for `key` with `{name}`-style parameters filled in.
    pub fn tf(self, key: Key, params: &[(&str, &str)]) -> String {
        fill(self.t(key), params)
    }
}

/// Replaces each `{name}` in `template` with its value; unknown names stay as written.
pub fn fill(template: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if params.iter().any(|(k, _)| *k == name) => {
                out.push_str(params.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every text the widget shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    OpenChat,
    CloseChat,
    /// `{count}`
    UnreadMessages,
    Minimize,
    Options,
    StatusOnline,
    StatusAway,
    StatusBusy,
    StatusOffline,
    WaitingForAgent,
    /// `{spot}`
    QueuePosition,
    /// `{name}`
    IsTyping,
    MessagePlaceholder,
    Send,
    /// `{count}`
    CharactersLeft,
    ChatHasEnded,
    Edit,
    Delete,
    Save,
    Cancel,
    Edited,
    Sending,
    NotSent,
    Retry,
    LoadOlder,
    Today,
    Yesterday,
    ChatStarted,
    /// `{name}`
    AgentJoined,
    /// `{name}`
    AgentLeft,
    /// `{target}`
    ChatTransferred,
    ChatClosed,
    ConnectionLost,
    /// `{reason}`
    ServerRefused,
    SomethingWentWrong,
    StartChatTitle,
    RegistrationIntro,
    Name,
    Email,
    Department,
    ChooseDepartment,
    StartChat,
    NameRequired,
    EmailRequired,
    EmailInvalid,
    LeaveMessageTitle,
    OfflineIntro,
    Message,
    SendMessage,
    MessageRequired,
    MessageSentTitle,
    MessageSentText,
    NoAgentOnline,
    ChangeDepartment,
    EndChat,
    ThankYou,
    ChatEndedText,
    NewChat,
    Agent,
    You,
    /// Livechat is off, or the server refuses this page.
    ChatUnavailable,
    CantReach,
    CantReachText,
    /// A hidden part of a message (its button).
    Spoiler,
    /// A file card's action.
    Download,
    /// The composer's button (and the list of files on their way).
    AttachFile,
    /// The server refused a file: its type, its size, files at all; or it was not sent.
    FileTypeRefused,
    FileTooLarge,
    FilesDisabled,
    FileNotSent,
    Dismiss,
    ForgetMyData,
    Sound,
}

impl Key {
    /// Every key, for checks that each catalogue covers them.
    pub const ALL: &'static [Key] = &[
        Key::OpenChat,
        Key::CloseChat,
        Key::UnreadMessages,
        Key::Minimize,
        Key::Options,
        Key::StatusOnline,
        Key::StatusAway,
        Key::StatusBusy,
        Key::StatusOffline,
        Key::WaitingForAgent,
        Key::QueuePosition,
        Key::IsTyping,
        Key::MessagePlaceholder,
        Key::Send,
        Key::CharactersLeft,
        Key::ChatHasEnded,
        Key::Edit,
        Key::Delete,
        Key::Save,
        Key::Cancel,
        Key::Edited,
        Key::Sending,
        Key::NotSent,
        Key::Retry,
        Key::LoadOlder,
        Key::Today,
        Key::Yesterday,
        Key::ChatStarted,
        Key::AgentJoined,
        Key::AgentLeft,
        Key::ChatTransferred,
        Key::ChatClosed,
        Key::ConnectionLost,
        Key::ServerRefused,
        Key::SomethingWentWrong,
        Key::StartChatTitle,
        Key::RegistrationIntro,
        Key::Name,
        Key::Email,
        Key::Department,
        Key::ChooseDepartment,
        Key::StartChat,
        Key::NameRequired,
        Key::EmailRequired,
        Key::EmailInvalid,
        Key::LeaveMessageTitle,
        Key::OfflineIntro,
        Key::Message,
        Key::SendMessage,
        Key::MessageRequired,
        Key::MessageSentTitle,
        Key::MessageSentText,
        Key::NoAgentOnline,
        Key::ChangeDepartment,
        Key::EndChat,
        Key::ThankYou,
        Key::ChatEndedText,
        Key::NewChat,
        Key::Agent,
        Key::You,
        Key::ChatUnavailable,
        Key::CantReach,
        Key::CantReachText,
        Key::Spoiler,
        Key::Download,
        Key::AttachFile,
        Key::FileTypeRefused,
        Key::FileTooLarge,
        Key::FilesDisabled,
        Key::FileNotSent,
        Key::Dismiss,
        Key::ForgetMyData,
        Key::Sound,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A catalogue file: its keys in file order, and its texts by key.
    fn catalogue(lang: Lang) -> (Vec<String>, serde_json::Map<String, serde_json::Value>) {
        let path = format!("{}/src/i18n/{}.json", env!("CARGO_MANIFEST_DIR"), lang.tag());
        let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{path}: {e}"));
        // serde_json's map is sorted: the file order comes from where each key first appears.
        let mut keys: Vec<(usize, String)> =
            map.keys().map(|k| (raw.find(&format!("\"{k}\":")).expect("the key in the file"), k.clone())).collect();
        keys.sort();
        (keys.into_iter().map(|(_, k)| k).collect(), map)
    }

    fn name(key: Key) -> String {
        format!("{key:?}")
    }

    /// What `cargo xtask dist` ships: the texts in `Key` order.
    fn texts(lang: Lang) -> Vec<Option<String>> {
        let (_, map) = catalogue(lang);
        Key::ALL.iter().map(|k| map.get(&name(*k)).and_then(|v| v.as_str()).map(str::to_owned)).collect()
    }

    #[test]
    fn tags() {
        assert_eq!(Lang::from_tag("pt-BR"), Some(Lang::PtBr));
        assert_eq!(Lang::from_tag("pt_PT"), Some(Lang::PtBr));
        assert_eq!(Lang::from_tag("AR-eg"), Some(Lang::Ar));
        assert_eq!(Lang::from_tag("es-419"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("ja"), None);
        assert_eq!(Lang::from_tag(""), None);
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::De.dir(), "ltr");
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
    }

    /// The shipped catalogues are arrays in `Key` order: `Key::ALL` must be that order.
    #[test]
    fn keys_are_listed_in_their_order() {
        for (i, key) in Key::ALL.iter().enumerate() {
            assert_eq!(*key as usize, i, "{key:?}");
        }
        assert_eq!(Key::Sound as usize + 1, Key::ALL.len(), "Key::ALL ends with the last key");
    }

    #[test]
    fn every_catalogue_has_every_key_in_order_no_other_and_keeps_the_parameters() {
        let params = |s: &str| {
            let mut names: Vec<String> =
                s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned())).collect();
            names.sort();
            names
        };
        let names: Vec<String> = Key::ALL.iter().map(|k| name(*k)).collect();
        for lang in &Lang::ALL[1..] {
            let (order, map) = catalogue(*lang);
            for k in &order {
                assert!(names.contains(k), "{lang:?}: unknown key {k}");
            }
            for key in Key::ALL {
                let english = en::text(*key);
                assert!(!english.is_empty(), "{key:?}");
                let text = map.get(&name(*key)).unwrap_or_else(|| panic!("{lang:?} lacks {key:?}"));
                let text = text.as_str().unwrap_or_else(|| panic!("{lang:?} {key:?}: not a string"));
                assert!(!text.trim().is_empty(), "{lang:?} {key:?} is empty");
                assert_eq!(params(text), params(english), "{lang:?} {key:?}");
            }
            assert_eq!(order, names, "{lang:?}: the keys must be in Key's order");
        }
        // One file per language besides English, and nothing else.
        let mut files: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/i18n"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|f| f.ends_with(".json"))
            .collect();
        files.sort();
        let mut expected: Vec<String> = Lang::ALL[1..].iter().map(|l| format!("{}.json", l.tag())).collect();
        expected.sort();
        assert_eq!(files, expected);
    }

    #[test]
    fn installed_texts_win_and_english_fills_the_gaps() {
        // Natively each test runs on its own thread: its own texts.
        assert!(!installed(Lang::De));
        assert_eq!(Lang::De.t(Key::OpenChat), "Open chat", "no texts yet: English");
        let mut de = texts(Lang::De);
        de[Key::CloseChat as usize] = None;
        de.truncate(Key::Spoiler as usize);
        install(Lang::De, de);
        assert!(installed(Lang::De));
        assert_eq!(Lang::De.t(Key::OpenChat), "Chat öffnen");
        assert_eq!(Lang::De.t(Key::CloseChat), "Close chat", "a missing text is English");
        assert_eq!(Lang::De.t(Key::Spoiler), en::text(Key::Spoiler), "keys past the end are English");
        // The first texts stay.
        install(Lang::De, vec![Some("anders".to_owned())]);
        assert_eq!(Lang::De.t(Key::OpenChat), "Chat öffnen");
        assert_eq!(Lang::Fr.t(Key::OpenChat), "Open chat");
        install(Lang::En, vec![Some("nope".to_owned())]);
        assert_eq!(Lang::En.t(Key::OpenChat), "Open chat");
    }

    #[test]
    fn filling_parameters() {
        assert_eq!(fill("{name} is typing…", &[("name", "Ann")]), "Ann is typing…");
        assert_eq!(fill("{a}{b} {c}", &[("a", "1"), ("b", "2")]), "12 {c}");
        assert_eq!(fill("{ unclosed", &[("x", "y")]), "{ unclosed");
        install(Lang::Es, texts(Lang::Es));
        assert_eq!(Lang::Es.tf(Key::CharactersLeft, &[("count", "12")]), "Quedan 12 caracteres");
    }
}
