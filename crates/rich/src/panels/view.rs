//! The panels' trees (see [`super`]): plain data, tested natively. Their buttons carry a
//! `data-action` the module's one listener per panel reads; their texts are the module's own,
//! in the visitor's language ([`T`]).

use livechat_client::session::prechat::{self, Form, Problem};
use livechat_wire::config::Department;

use crate::view::Node;

/// The languages of [`T`]'s texts, in its order.
const LANGS: [&str; 6] = ["en", "de", "fr", "es", "pt", "ar"];

/// The index of `lang` (a tag such as `pt-BR`) in [`LANGS`]; English when it is none of them.
pub fn lang_index(lang: &str) -> usize {
    let primary = lang.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    LANGS.iter().position(|l| *l == primary).unwrap_or(0)
}

/// The panels' texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T {
    ChangeDepartment,
    Cancel,
    ConsentTitle,
    ConsentHint,
    Agree,
    ForgetTitle,
    ForgetText,
    Forget,
    OpenRooms,
    ForgetFailed,
    TranscriptTitle,
    TranscriptText,
    Email,
    SendTranscript,
    TranscriptSent,
    EmailInvalid,
    TranscriptFailed,
    Required,
    Invalid,
    NotAnOption,
    Choose,
    EndChatConfirm,
    EndChat,
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
    SurveyFailed,
}

/// Each text in English, German, French, Spanish, Brazilian Portuguese and Arabic.
const TEXTS: [[&str; 6]; 37] = [
    [
        "Change department",
        "Abteilung wechseln",
        "Changer de service",
        "Cambiar de departamento",
        "Mudar de departamento",
        "تغيير القسم",
    ],
    ["Cancel", "Abbrechen", "Annuler", "Cancelar", "Cancelar", "إلغاء"],
    ["Your data", "Ihre Daten", "Vos données", "Tus datos", "Seus dados", "بياناتك"],
    [
        "You can ask for your data to be deleted at any time: \u{201c}Forget my data\u{201d} in the chat's menu.",
        "Sie können jederzeit verlangen, dass Ihre Daten gelöscht werden: \u{201e}Meine Daten löschen\u{201c} im Menü des Chats.",
        "Vous pouvez demander à tout moment la suppression de vos données : « Oublier mes données » dans le menu du chat.",
        "Puedes pedir en cualquier momento que se borren tus datos: «Olvidar mis datos» en el menú del chat.",
        "Você pode pedir a exclusão dos seus dados a qualquer momento: \u{201c}Esquecer meus dados\u{201d} no menu do chat.",
        "يمكنك طلب حذف بياناتك في أي وقت: «انسَ بياناتي» في قائمة المحادثة.",
    ],
    ["I agree", "Ich stimme zu", "J'accepte", "Acepto", "Eu concordo", "أوافق"],
    [
        "Forget my data?",
        "Meine Daten löschen?",
        "Oublier mes données ?",
        "¿Olvidar mis datos?",
        "Esquecer meus dados?",
        "هل تريد حذف بياناتك؟",
    ],
    [
        "Your conversations and the details you gave are deleted from the server and from this browser. A chat in progress is ended first.",
        "Ihre Unterhaltungen und Ihre Angaben werden vom Server und aus diesem Browser gelöscht. Ein laufender Chat wird vorher beendet.",
        "Vos conversations et les informations que vous avez données sont supprimées du serveur et de ce navigateur. Une discussion en cours est d'abord terminée.",
        "Tus conversaciones y los datos que diste se borran del servidor y de este navegador. Un chat en curso se termina antes.",
        "Suas conversas e os dados que você informou são apagados do servidor e deste navegador. Um chat em andamento é encerrado antes.",
        "تُحذف محادثاتك والبيانات التي قدمتها من الخادم ومن هذا المتصفح. تُنهى المحادثة الجارية أولاً.",
    ],
    [
        "Forget my data",
        "Meine Daten löschen",
        "Oublier mes données",
        "Olvidar mis datos",
        "Esquecer meus dados",
        "انسَ بياناتي",
    ],
    [
        "Your chat is still open on the server, so your data cannot be deleted yet. End the chat, then try again.",
        "Ihr Chat ist auf dem Server noch offen, daher können Ihre Daten noch nicht gelöscht werden. Beenden Sie den Chat und versuchen Sie es erneut.",
        "Votre discussion est encore ouverte sur le serveur : vos données ne peuvent pas encore être supprimées. Terminez la discussion, puis réessayez.",
        "Tu chat sigue abierto en el servidor, así que tus datos aún no se pueden borrar. Termina el chat y vuelve a intentarlo.",
        "Seu chat ainda está aberto no servidor, então seus dados ainda não podem ser apagados. Encerre o chat e tente de novo.",
        "لا تزال محادثتك مفتوحة على الخادم، لذا لا يمكن حذف بياناتك بعد. أنهِ المحادثة ثم حاول مرة أخرى.",
    ],
    [
        "Your data could not be deleted. Please try again.",
        "Ihre Daten konnten nicht gelöscht werden. Bitte versuchen Sie es erneut.",
        "Vos données n'ont pas pu être supprimées. Veuillez réessayer.",
        "No se pudieron borrar tus datos. Inténtalo de nuevo.",
        "Não foi possível apagar seus dados. Tente de novo.",
        "تعذّر حذف بياناتك. يُرجى المحاولة مرة أخرى.",
    ],
    [
        "A copy of this chat",
        "Eine Kopie dieses Chats",
        "Une copie de cette discussion",
        "Una copia de este chat",
        "Uma cópia deste chat",
        "نسخة من هذه المحادثة",
    ],
    [
        "Would you like a copy of this chat by e-mail?",
        "Möchten Sie eine Kopie dieses Chats per E-Mail erhalten?",
        "Souhaitez-vous recevoir une copie de cette discussion par e-mail ?",
        "¿Quieres recibir una copia de este chat por correo electrónico?",
        "Gostaria de receber uma cópia deste chat por e-mail?",
        "هل تريد نسخة من هذه المحادثة عبر البريد الإلكتروني؟",
    ],
    ["E-mail", "E-Mail", "E-mail", "Correo electrónico", "E-mail", "البريد الإلكتروني"],
    [
        "Send me the transcript",
        "Verlauf senden",
        "M'envoyer la transcription",
        "Enviarme la transcripción",
        "Enviar a transcrição",
        "أرسل لي نص المحادثة",
    ],
    [
        "The transcript is on its way to {email}.",
        "Der Verlauf wird an {email} gesendet.",
        "La transcription est envoyée à {email}.",
        "La transcripción se está enviando a {email}.",
        "A transcrição está a caminho de {email}.",
        "نص المحادثة في طريقه إلى {email}.",
    ],
    [
        "Enter a valid e-mail address",
        "Geben Sie eine gültige E-Mail-Adresse ein",
        "Saisissez une adresse e-mail valide",
        "Escribe un correo electrónico válido",
        "Informe um e-mail válido",
        "أدخل عنوان بريد إلكتروني صالحًا",
    ],
    [
        "The transcript could not be sent: {reason}",
        "Der Verlauf konnte nicht gesendet werden: {reason}",
        "La transcription n'a pas pu être envoyée : {reason}",
        "No se pudo enviar la transcripción: {reason}",
        "Não foi possível enviar a transcrição: {reason}",
        "تعذّر إرسال نص المحادثة: {reason}",
    ],
    [
        "This field is required",
        "Dieses Feld ist erforderlich",
        "Ce champ est obligatoire",
        "Este campo es obligatorio",
        "Este campo é obrigatório",
        "هذا الحقل مطلوب",
    ],
    [
        "This value is not valid",
        "Dieser Wert ist ungültig",
        "Cette valeur n'est pas valide",
        "Este valor no es válido",
        "Este valor não é válido",
        "هذه القيمة غير صالحة",
    ],
    [
        "Choose one of the options",
        "Wählen Sie eine der Optionen",
        "Choisissez l'une des options",
        "Elige una de las opciones",
        "Escolha uma das opções",
        "اختر أحد الخيارات",
    ],
    ["Choose…", "Bitte wählen…", "Choisir…", "Elegir…", "Escolha…", "اختر…"],
    [
        "Are you sure you want to end this chat?",
        "Möchten Sie diesen Chat wirklich beenden?",
        "Voulez-vous vraiment terminer ce chat ?",
        "¿Seguro que quieres terminar este chat?",
        "Tem certeza de que deseja encerrar este chat?",
        "هل تريد بالتأكيد إنهاء هذه المحادثة؟",
    ],
    ["End chat", "Chat beenden", "Terminer le chat", "Terminar chat", "Encerrar chat", "إنهاء المحادثة"],
    [
        "How was your chat?",
        "Wie war Ihr Chat?",
        "Comment s’est passé votre chat ?",
        "¿Qué tal fue tu chat?",
        "Como foi o seu atendimento?",
        "كيف كانت محادثتك؟",
    ],
    [
        "Overall satisfaction",
        "Zufriedenheit insgesamt",
        "Satisfaction générale",
        "Satisfacción general",
        "Satisfação geral",
        "الرضا العام",
    ],
    [
        "Agent's knowledge",
        "Fachwissen des Mitarbeiters",
        "Compétence du conseiller",
        "Conocimiento del agente",
        "Conhecimento do atendente",
        "معرفة الموظف",
    ],
    [
        "Agent's responsiveness",
        "Reaktionszeit des Mitarbeiters",
        "Réactivité du conseiller",
        "Rapidez del agente",
        "Agilidade do atendente",
        "سرعة استجابة الموظف",
    ],
    [
        "Agent's friendliness",
        "Freundlichkeit des Mitarbeiters",
        "Amabilité du conseiller",
        "Amabilidad del agente",
        "Simpatia do atendente",
        "لطف الموظف",
    ],
    [
        "Anything else you would like to tell us?",
        "Möchten Sie uns noch etwas sagen?",
        "Souhaitez-vous nous dire autre chose ?",
        "¿Algo más que quieras contarnos?",
        "Há algo mais que gostaria de nos dizer?",
        "هل هناك شيء آخر تود إخبارنا به؟",
    ],
    ["Send feedback", "Bewertung senden", "Envoyer l’avis", "Enviar opinión", "Enviar avaliação", "إرسال التقييم"],
    ["Skip", "Überspringen", "Passer", "Omitir", "Pular", "تخطٍّ"],
    ["Very poor", "Sehr schlecht", "Très mauvais", "Muy malo", "Muito ruim", "سيئ جدًا"],
    ["Poor", "Schlecht", "Mauvais", "Malo", "Ruim", "سيئ"],
    ["Okay", "Mittel", "Correct", "Regular", "Razoável", "مقبول"],
    ["Good", "Gut", "Bon", "Bueno", "Bom", "جيد"],
    ["Excellent", "Ausgezeichnet", "Excellent", "Excelente", "Excelente", "ممتاز"],
    [
        "Your feedback could not be sent: {reason}",
        "Ihre Bewertung konnte nicht gesendet werden: {reason}",
        "Votre avis n'a pas pu être envoyé : {reason}",
        "No se pudo enviar tu opinión: {reason}",
        "Não foi possível enviar sua avaliação: {reason}",
        "تعذّر إرسال تقييمك: {reason}",
    ],
];

/// The text `t` in the language at `lang` ([`lang_index`]).
pub fn t(t: T, lang: usize) -> &'static str {
    TEXTS[t as usize][lang.min(5)]
}

fn el(tag: &'static str, attrs: Vec<(&'static str, String)>, children: Vec<Node>) -> Node {
    Node::El { tag, attrs, children }
}

fn text(s: impl Into<String>) -> Node {
    Node::Text(s.into())
}

fn attrs(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// A button with an action; `first` takes focus when its panel opens.
fn button(class: &str, action: &str, label: &str, first: bool) -> Node {
    let mut a = attrs(&[("type", "button"), ("class", class), ("data-action", action)]);
    if first {
        a.push(("data-autofocus", "true".to_owned()));
    }
    el("button", a, vec![text(label)])
}

/// A sheet over the window: a dialog named by its heading.
fn sheet(role: &str, id: &str, title: &str, mut children: Vec<Node>) -> Node {
    let heading = el("h2", attrs(&[("id", id), ("class", "lc-form-title")]), vec![text(title)]);
    children.insert(0, heading);
    el("div", attrs(&[("class", "lc-sheet"), ("role", role), ("aria-labelledby", id)]), children)
}

/// The department change: one button per department but the room's (`data-action="to"`,
/// `data-id`), and Cancel.
pub fn departments(list: &[Department], current: Option<&str>, lang: usize) -> Node {
    let mut children: Vec<Node> = list
        .iter()
        .filter(|d| Some(d.id.as_str()) != current)
        .enumerate()
        .map(|(i, d)| {
            let mut b = button("lc-secondary", "to", &d.name, i == 0);
            if let Node::El { attrs, .. } = &mut b {
                attrs.push(("data-id", d.id.clone()));
            }
            b
        })
        .collect();
    children.push(button("lc-link", "cancel", t(T::Cancel, lang), false));
    sheet("dialog", "lc-dept-title", t(T::ChangeDepartment, lang), children)
}

/// "End this chat?": Cancel (focused) and End chat.
pub fn end(lang: usize) -> Node {
    sheet(
        "alertdialog",
        "lc-end-title",
        t(T::EndChatConfirm, lang),
        vec![el(
            "div",
            attrs(&[("class", "lc-actions")]),
            vec![
                button("lc-secondary", "cancel", t(T::Cancel, lang), true),
                button("lc-primary lc-danger", "end", t(T::EndChat, lang), false),
            ],
        )],
    )
}

/// "Forget my data?": what it does, the error of a try (`error`), Cancel and Forget.
pub fn forget(error: Option<&str>, busy: bool, lang: usize) -> Node {
    let mut forget = button("lc-primary lc-danger", "forget", t(T::Forget, lang), false);
    if busy && let Node::El { attrs, .. } = &mut forget {
        attrs.push(("aria-disabled", "true".to_owned()));
    }
    sheet(
        "alertdialog",
        "lc-forget-title",
        t(T::ForgetTitle, lang),
        vec![
            el("p", Vec::new(), vec![text(t(T::ForgetText, lang))]),
            alert(error),
            el(
                "div",
                attrs(&[("class", "lc-actions")]),
                vec![button("lc-secondary", "cancel", t(T::Cancel, lang), true), forget],
            ),
        ],
    )
}

/// An error tied to what it is about (empty: nothing to say; hidden by the widget's CSS).
fn alert(error: Option<&str>) -> Node {
    el("p", attrs(&[("class", "lc-error"), ("role", "alert")]), error.map(text).into_iter().collect())
}

/// The consent screen: a heading, the server's text (`body`, already drawn as formatted text),
/// where to take it back, and "I agree".
pub fn consent(body: Node, lang: usize) -> Node {
    el(
        "div",
        attrs(&[("class", "lc-form lc-consent")]),
        vec![
            el(
                "h2",
                attrs(&[("class", "lc-form-title"), ("tabindex", "-1"), ("data-autofocus", "true")]),
                vec![text(t(T::ConsentTitle, lang))],
            ),
            body,
            el("p", attrs(&[("class", "lc-meta")]), vec![text(t(T::ConsentHint, lang))]),
            button("lc-primary", "agree", t(T::Agree, lang), false),
        ],
    )
}

/// Where the transcript offer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    /// Asked: the address in the field, and what is wrong with the last try.
    Asking { email: String, error: Option<String>, busy: bool },
    /// The server took the request for this address.
    Sent(String),
}

/// The transcript offer after a chat: the server's `transcriptMessage` (`message`, or the
/// module's own), the address (prefilled, editable), Send; or what became of it.
pub fn transcript(offer: &Offer, message: &str, lang: usize) -> Node {
    let body = match offer {
        Offer::Sent(email) => {
            vec![el(
                "p",
                attrs(&[("role", "status"), ("tabindex", "-1")]),
                vec![text(t(T::TranscriptSent, lang).replace("{email}", email))],
            )]
        }
        Offer::Asking { email, error, busy } => {
            let mut input = attrs(&[
                ("id", "lc-transcript-email"),
                ("type", "email"),
                ("autocomplete", "email"),
                ("value", email),
                ("aria-describedby", "lc-transcript-error"),
                ("aria-invalid", if error.is_some() { "true" } else { "false" }),
            ]);
            if *busy {
                input.push(("readonly", String::new()));
            }
            let mut send = button("lc-secondary", "send", t(T::SendTranscript, lang), false);
            if *busy && let Node::El { attrs, .. } = &mut send {
                attrs.push(("aria-disabled", "true".to_owned()));
            }
            let mut error = alert(error.as_deref());
            if let Node::El { attrs, .. } = &mut error {
                attrs.push(("id", "lc-transcript-error".to_owned()));
            }
            vec![
                el("p", Vec::new(), vec![text(if message.is_empty() { t(T::TranscriptText, lang) } else { message })]),
                el(
                    "div",
                    attrs(&[("class", "lc-field")]),
                    vec![
                        el("label", attrs(&[("for", "lc-transcript-email")]), vec![text(t(T::Email, lang))]),
                        el("input", input, Vec::new()),
                        error,
                    ],
                ),
                send,
            ]
        }
    };
    let mut children = vec![el("h3", attrs(&[("class", "lc-form-title")]), vec![text(t(T::TranscriptTitle, lang))])];
    children.extend(body);
    el("section", attrs(&[("class", "lc-transcript"), ("aria-label", t(T::TranscriptTitle, lang))]), children)
}

/// The message for a field's problem.
pub fn problem(p: Problem, lang: usize) -> &'static str {
    t(
        match p {
            Problem::Required => T::Required,
            Problem::Invalid => T::Invalid,
            Problem::NotAnOption => T::NotAnOption,
        },
        lang,
    )
}

/// The pre-chat form's own fields, each labelled, with its error tied to it: what each holds
/// (`form`), what was wrong at the last try (`problems`, none before one).
pub fn fields(form: &Form, problems: &[Option<Problem>], lang: usize) -> Vec<Node> {
    form.fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (def, value) = (&f.def, f.value.as_str());
            let id = format!("lc-field-{i}");
            let error_id = format!("{id}-error");
            let found = problems.get(i).copied().flatten();
            let mut a = vec![
                ("id", id.clone()),
                ("name", def.id.clone()),
                ("aria-describedby", error_id.clone()),
                ("aria-invalid", found.is_some().to_string()),
            ];
            if def.required {
                a.push(("aria-required", "true".to_owned()));
            }
            let control = if prechat::is_select(def) {
                let mut options = vec![el("option", attrs(&[("value", "")]), vec![text(t(T::Choose, lang))])];
                options.extend(def.options.iter().map(|o| {
                    let mut oa = vec![("value", o.clone())];
                    if !value.is_empty() && prechat::trim(o) == prechat::trim(value) {
                        oa.push(("selected", String::new()));
                    }
                    el("option", oa, vec![text(o.clone())])
                }));
                el("select", a, options)
            } else {
                a.push(("type", "text".to_owned()));
                a.push(("value", value.to_owned()));
                el("input", a, Vec::new())
            };
            let label = if def.label.is_empty() { def.id.clone() } else { def.label.clone() };
            el(
                "div",
                vec![("class", "lc-field".to_owned())],
                vec![
                    el("label", vec![("for", id)], vec![text(label)]),
                    control,
                    el(
                        "span",
                        vec![("id", error_id), ("class", "lc-error".to_owned()), ("role", "alert".to_owned())],
                        found.map(|p| text(problem(p, lang))).into_iter().collect(),
                    ),
                ],
            )
        })
        .collect()
}

/// Rocket.Chat's rated items (`survey.items` of the configuration) and their labels.
const ITEMS: [(&str, T); 4] = [
    ("satisfaction", T::SurveySatisfaction),
    ("agentKnowledge", T::SurveyAgentKnowledge),
    ("agentResposiveness", T::SurveyAgentResponsiveness),
    ("agentFriendliness", T::SurveyAgentFriendliness),
];

const RATINGS: [T; 5] = [T::Rating1, T::Rating2, T::Rating3, T::Rating4, T::Rating5];

/// The survey after a chat: each rated item as a group of five radios (named by the item, as
/// Rocket.Chat's field names), the additional feedback, Skip and Send; `error` what went wrong
/// at the last try.
pub fn survey(error: Option<&str>, busy: bool, lang: usize) -> Node {
    let mut children = vec![el(
        "h2",
        attrs(&[("class", "lc-form-title"), ("tabindex", "-1"), ("data-autofocus", "true")]),
        vec![text(t(T::SurveyTitle, lang))],
    )];
    for (name, label) in ITEMS {
        let mut group = vec![el("legend", Vec::new(), vec![text(t(label, lang))])];
        for (i, rating) in RATINGS.iter().enumerate() {
            let n = (i + 1).to_string();
            let words = t(*rating, lang);
            group.push(el(
                "label",
                attrs(&[("class", "lc-star"), ("title", words)]),
                vec![
                    el("input", attrs(&[("type", "radio"), ("name", name), ("value", &n)]), Vec::new()),
                    el("span", attrs(&[("aria-hidden", "true")]), vec![text(n.clone())]),
                    el("span", attrs(&[("class", "lc-visually-hidden")]), vec![text(words)]),
                ],
            ));
        }
        children.push(el("fieldset", attrs(&[("class", "lc-rating")]), group));
    }
    children.push(el(
        "div",
        attrs(&[("class", "lc-field")]),
        vec![
            el("label", attrs(&[("for", "lc-feedback")]), vec![text(t(T::SurveyAdditionalFeedback, lang))]),
            el("textarea", attrs(&[("id", "lc-feedback"), ("name", "additionalFeedback"), ("rows", "3")]), Vec::new()),
        ],
    ));
    children.push(alert(error));
    let mut send = attrs(&[("type", "submit"), ("class", "lc-primary"), ("data-action", "send")]);
    if busy {
        send.push(("aria-disabled", "true".to_owned()));
    }
    children.push(el(
        "div",
        attrs(&[("class", "lc-actions")]),
        vec![
            button("lc-secondary", "skip", t(T::Skip, lang), false),
            el("button", send, vec![text(t(T::SendFeedback, lang))]),
        ],
    ));
    el("form", attrs(&[("class", "lc-form lc-survey"), ("novalidate", "")]), children)
}

/// The survey's rated items' names.
pub fn rated_items() -> [&'static str; 4] {
    ITEMS.map(|(name, _)| name)
}
