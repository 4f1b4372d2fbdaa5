//! The widget's words in English, Brazilian Portuguese, Spanish, German, French and Arabic.
//!
//! One catalogue per language (`en.rs`, `pt_br.rs`, …), each a `match` over [`Key`]. A string a
//! catalogue lacks falls back to English. Texts take named parameters: `{name}`, `{count}`.

mod ar;
mod de;
mod en;
mod es;
mod fr;
mod pt_br;

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

    /// The first language of `preferred` (the site's setting first, then the browser's
    /// `navigator.languages`) that the widget has; English otherwise.
    pub fn choose<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred.into_iter().find_map(Lang::from_tag).unwrap_or_default()
    }

    /// The tag for `lang` attributes.
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
        let own = match self {
            Lang::En => None,
            Lang::PtBr => pt_br::text(key),
            Lang::Es => es::text(key),
            Lang::De => de::text(key),
            Lang::Fr => fr::text(key),
            Lang::Ar => ar::text(key),
        };
        own.unwrap_or_else(|| en::text(key))
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
    EndChatConfirm,
    SurveyTitle,
    SurveySatisfaction,
    SurveyAgentKnowledge,
    SurveyAgentResponsiveness,
    SurveyAgentFriendliness,
    SurveyAdditionalFeedback,
    SendFeedback,
    Skip,
    Rating1,
    Rating2,
    Rating3,
    Rating4,
    Rating5,
    ThankYou,
    ChatEndedText,
    NewChat,
    Agent,
    You,
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
        Key::EndChatConfirm,
        Key::SurveyTitle,
        Key::SurveySatisfaction,
        Key::SurveyAgentKnowledge,
        Key::SurveyAgentResponsiveness,
        Key::SurveyAgentFriendliness,
        Key::SurveyAdditionalFeedback,
        Key::SendFeedback,
        Key::Skip,
        Key::Rating1,
        Key::Rating2,
        Key::Rating3,
        Key::Rating4,
        Key::Rating5,
        Key::ThankYou,
        Key::ChatEndedText,
        Key::NewChat,
        Key::Agent,
        Key::You,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(Lang::from_tag("pt-BR"), Some(Lang::PtBr));
        assert_eq!(Lang::from_tag("pt_PT"), Some(Lang::PtBr));
        assert_eq!(Lang::from_tag("AR-eg"), Some(Lang::Ar));
        assert_eq!(Lang::from_tag("es-419"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("ja"), None);
        assert_eq!(Lang::from_tag(""), None);
        assert_eq!(Lang::choose(["ja-JP", "fr-CA", "de"]), Lang::Fr);
        assert_eq!(Lang::choose(["ja-JP"]), Lang::En);
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::De.dir(), "ltr");
    }

    #[test]
    fn every_catalogue_has_every_key_and_keeps_the_parameters() {
        let params = |s: &str| {
            let mut names: Vec<String> =
                s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned())).collect();
            names.sort();
            names
        };
        for key in Key::ALL {
            let english = en::text(*key);
            assert!(!english.is_empty(), "{key:?}");
            for (lang, text) in [
                (Lang::PtBr, pt_br::text(*key)),
                (Lang::Es, es::text(*key)),
                (Lang::De, de::text(*key)),
                (Lang::Fr, fr::text(*key)),
                (Lang::Ar, ar::text(*key)),
            ] {
                let text = text.unwrap_or_else(|| panic!("{lang:?} lacks {key:?}"));
                assert_eq!(params(text), params(english), "{lang:?} {key:?}");
            }
        }
    }

    #[test]
    fn filling_parameters() {
        assert_eq!(fill("{name} is typing…", &[("name", "Ann")]), "Ann is typing…");
        assert_eq!(fill("{a}{b} {c}", &[("a", "1"), ("b", "2")]), "12 {c}");
        assert_eq!(fill("{ unclosed", &[("x", "y")]), "{ unclosed");
        assert_eq!(Lang::Es.tf(Key::CharactersLeft, &[("count", "12")]), "Quedan 12 caracteres");
    }
}
