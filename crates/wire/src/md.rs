//! A message's formatted text: the parse tree Rocket.Chat (4.x and later) keeps in a message's
//! `md` field, as `@rocket.chat/message-parser` builds it, and [`parse`], a parser of the same
//! grammar for messages that come without one (older servers, the visitor's own message before
//! the server's copy arrives).
//!
//! On the wire every node is an object with a `type` (`"PARAGRAPH"`, `"BOLD"`, …) and, for most,
//! a `value`; a few carry more (`HEADING`'s `level`, `CODE`'s `language`, `EMOJI`'s `shortCode`
//! or `unicode`). Texts inside nodes are `{"type": "PLAIN_TEXT", "value": "…"}` objects, which
//! [`Plain`] reads and writes as a plain `String`. A node of a kind this version does not know
//! decodes as [`Block::Unknown`] / [`Inline::Unknown`] with the text found inside it, so that it
//! degrades to its text.

use crate::json::{DecodeError, FromJson, Json};

mod serde_impls;

mod parse;
#[cfg(test)]
mod tests;

pub use parse::{Options, parse};

/// A message's tree: its blocks in order (or one [`Block::BigEmoji`]).
pub type Root = Vec<Block>;

/// A message's `md` field: its tree. Decoding it never fails: a node that is not what
/// Rocket.Chat writes becomes an `Unknown` holding the text inside it, and a value that is not a
/// list at all an empty tree, so a malformed `md` costs its formatting, never the message.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Md(pub Root);

/// A block-level node.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `PARAGRAPH`: one line of text.
    Paragraph(Vec<Inline>),
    /// `HEADING`, `level` 1–4.
    Heading { level: u8, value: Vec<Inline> },
    /// `QUOTE`: paragraphs.
    Quote(Vec<Block>),
    /// `CODE`: a fenced block, its `language` (`"none"` when the fence names none) and lines
    /// (`CODE_LINE`s), verbatim.
    Code { language: String, lines: Vec<String> },
    /// `UNORDERED_LIST` of `LIST_ITEM`s.
    UnorderedList(Vec<ListItem>),
    /// `ORDERED_LIST` of `LIST_ITEM`s with their `number`.
    OrderedList(Vec<ListItem>),
    /// `TASKS`: `TASK`s, checked or not.
    Tasks(Vec<Task>),
    /// `LINE_BREAK`: an empty line.
    LineBreak,
    /// `KATEX`: a block of TeX, raw.
    Katex(String),
    /// `SPOILER_BLOCK`: paragraphs hidden until shown.
    SpoilerBlock(Vec<Block>),
    /// `HORIZONTAL_RULE` (`---`); `fallback` is the span of the dashes in the text.
    HorizontalRule { fallback: Option<[u32; 2]> },
    /// `TABLE`: a header row and body rows of cells; `fallback` is the span of the table.
    Table { header: Vec<Cell>, rows: Vec<Vec<Cell>>, fallback: Option<[u32; 2]> },
    /// `BIG_EMOJI`: a message of one to three emoji only (the whole tree when present).
    BigEmoji(Vec<Emoji>),
    /// A block of a kind not known here: the text inside it.
    Unknown(String),
}

/// An inline node.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// `PLAIN_TEXT`.
    Text(String),
    /// `BOLD`.
    Bold(Vec<Inline>),
    /// `ITALIC`.
    Italic(Vec<Inline>),
    /// `STRIKE`.
    Strike(Vec<Inline>),
    /// `SPOILER`: hidden until shown.
    Spoiler(Vec<Inline>),
    /// `INLINE_CODE`, verbatim.
    Code(String),
    /// `LINK`: its address as written (`//host` for a bare domain) and its label.
    Link { src: String, label: Vec<Inline> },
    /// `IMAGE`: its address and alternative text.
    Image { src: String, label: String },
    /// `MENTION_USER`, without the `@`.
    MentionUser(String),
    /// `MENTION_CHANNEL`, without the `#`.
    MentionChannel(String),
    /// `EMOJI`.
    Emoji(Emoji),
    /// `COLOR` (`color:#rgb`), as bytes.
    Color { r: u8, g: u8, b: u8, a: u8 },
    /// `TIMESTAMP` (`<t:…>`): Unix seconds as the parser wrote them (a string), the format letter
    /// (`t T d D f F R`), and the span of the original text.
    Timestamp { timestamp: String, format: String, fallback: Option<[u32; 2]> },
    /// `INLINE_KATEX`: TeX, raw.
    Katex(String),
    /// An inline node of a kind not known here: the text inside it.
    Unknown(String),
}

/// A `LIST_ITEM`; `number` only in ordered lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListItem {
    pub value: Vec<Inline>,
    pub number: Option<u64>,
}

/// A `TASK`: checked (`status`) or not.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Task {
    pub status: bool,
    pub value: Vec<Inline>,
}

/// A `TABLE_CELL` and its column's alignment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    pub align: Option<Align>,
    pub value: Vec<Inline>,
}

/// A table column's alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

impl Align {
    pub fn as_str(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        }
    }

    fn from_name(s: &str) -> Option<Align> {
        match s {
            "left" => Some(Align::Left),
            "center" => Some(Align::Center),
            "right" => Some(Align::Right),
            _ => None,
        }
    }
}

/// An `EMOJI`: a Unicode emoji, a shortcode (`:smile:` → `value` `"smile"`, `short_code`
/// `"smile"`) or an ASCII emoticon (`:)` → `value` `":)"`, `short_code` `"slight_smile"`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Emoji {
    /// The text written (the shortcode's name, or the emoticon), absent for a Unicode emoji.
    pub value: Option<String>,
    pub short_code: Option<String>,
    pub unicode: Option<String>,
}

impl Emoji {
    /// A Unicode emoji.
    pub fn unicode(s: impl Into<String>) -> Emoji {
        Emoji { unicode: Some(s.into()), ..Emoji::default() }
    }

    /// A shortcode, `name` without its colons.
    pub fn short(name: impl Into<String>) -> Emoji {
        let name = name.into();
        Emoji { value: Some(name.clone()), short_code: Some(name), unicode: None }
    }

    /// An emoticon as written (`:)`) and the shortcode it stands for.
    pub fn emoticon(text: impl Into<String>, short_code: impl Into<String>) -> Emoji {
        Emoji { value: Some(text.into()), short_code: Some(short_code.into()), unicode: None }
    }

    /// The text as the sender wrote it: the emoji, `:name:` or the emoticon.
    pub fn written(&self) -> String {
        if let Some(u) = &self.unicode {
            return u.clone();
        }
        match (&self.value, &self.short_code) {
            (Some(v), Some(code)) if v == code => [":", code, ":"].concat(),
            (Some(v), _) => v.clone(),
            (None, Some(code)) => [":", code, ":"].concat(),
            (None, None) => String::new(),
        }
    }
}

/// The text of a run of inlines, as a reader without formatting would see it.
pub fn inline_text(nodes: &[Inline]) -> String {
    let mut out = String::new();
    for node in nodes {
        push_inline_text(node, &mut out);
    }
    out
}

fn push_inline_text(node: &Inline, out: &mut String) {
    match node {
        Inline::Text(t) | Inline::Code(t) | Inline::Katex(t) | Inline::Unknown(t) => out.push_str(t),
        Inline::Bold(v) | Inline::Italic(v) | Inline::Strike(v) | Inline::Spoiler(v) => {
            v.iter().for_each(|n| push_inline_text(n, out))
        }
        Inline::Link { label, .. } => label.iter().for_each(|n| push_inline_text(n, out)),
        Inline::Image { label, .. } => out.push_str(label),
        Inline::MentionUser(u) => {
            out.push('@');
            out.push_str(u);
        }
        Inline::MentionChannel(c) => {
            out.push('#');
            out.push_str(c);
        }
        Inline::Emoji(e) => out.push_str(&e.written()),
        Inline::Color { r, g, b, a } => {
            out.push_str("color:#");
            for byte in [r, g, b, a] {
                for nibble in [byte >> 4, byte & 15] {
                    out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
                }
            }
        }
        Inline::Timestamp { timestamp, format, .. } => {
            out.push_str(&["<t:", timestamp, ":", format, ">"].concat());
        }
    }
}

// ---- decoding ----------------------------------------------------------------------------------

impl FromJson for Md {
    fn from_json<J: Json>(v: &J) -> Result<Self, DecodeError> {
        Ok(Md(v.items().map(|items| items.iter().map(block).collect()).unwrap_or_default()))
    }
}

/// A node's field, or its default when absent or not of that type.
fn field<T: FromJson + Default, J: Json>(o: &J, key: &str) -> T {
    o.get(key).and_then(|v| T::from_json(&v).ok()).unwrap_or_default()
}

/// The `value` of a node, as a `PLAIN_TEXT` object's text or a string.
fn plain<J: Json>(v: Option<J>) -> String {
    match v {
        Some(v) => v.as_string().or_else(|| v.get("value").and_then(|t| t.as_string())).unwrap_or_default(),
        None => String::new(),
    }
}

fn list<J: Json, T>(o: &J, key: &str, each: impl Fn(&J) -> T) -> Vec<T> {
    o.get(key).and_then(|v| v.items()).map(|items| items.iter().map(each).collect()).unwrap_or_default()
}

fn inlines<J: Json>(o: &J) -> Vec<Inline> {
    list(o, "value", inline)
}

/// All the text inside a node, for a node of a kind not known here.
fn text_of<J: Json>(v: &J, out: &mut String) {
    if let Some(s) = v.as_string() {
        out.push_str(&s);
    } else if let Some(items) = v.items() {
        items.iter().for_each(|i| text_of(i, out));
    } else if v.is_object() {
        for key in ["value", "label"] {
            if let Some(inner) = v.get(key) {
                text_of(&inner, out);
            }
        }
    }
}

fn unknown<J: Json>(v: &J) -> String {
    let mut out = String::new();
    text_of(v, &mut out);
    out
}

fn kind<J: Json>(v: &J) -> String {
    v.get("type").and_then(|t| t.as_string()).unwrap_or_default()
}

fn fallback<J: Json>(v: &J) -> Option<[u32; 2]> {
    let items = v.get("fallback")?.items()?;
    match items.as_slice() {
        [a, b] => Some([u32::from_json(a).ok()?, u32::from_json(b).ok()?]),
        _ => None,
    }
}

fn block<J: Json>(v: &J) -> Block {
    match kind(v).as_str() {
        "PARAGRAPH" => Block::Paragraph(inlines(v)),
        "HEADING" => Block::Heading { level: field::<u32, _>(v, "level").clamp(1, 4) as u8, value: inlines(v) },
        "QUOTE" => Block::Quote(list(v, "value", block)),
        "CODE" => Block::Code {
            language: v.get("language").and_then(|l| l.as_string()).unwrap_or_else(|| "none".into()),
            lines: list(v, "value", |line| plain(line.get("value"))),
        },
        "UNORDERED_LIST" => Block::UnorderedList(list(v, "value", list_item)),
        "ORDERED_LIST" => Block::OrderedList(list(v, "value", list_item)),
        "TASKS" => Block::Tasks(list(v, "value", |t| Task { status: field(t, "status"), value: inlines(t) })),
        "LINE_BREAK" => Block::LineBreak,
        "KATEX" => Block::Katex(plain(v.get("value"))),
        "SPOILER_BLOCK" => Block::SpoilerBlock(list(v, "value", block)),
        "HORIZONTAL_RULE" => Block::HorizontalRule { fallback: fallback(v) },
        "TABLE" => {
            let table = v.get("value");
            let (header, rows) = match &table {
                Some(t) => (list(t, "header", cell), list(t, "rows", |row| list(row, "value", cell))),
                None => (Vec::new(), Vec::new()),
            };
            Block::Table { header, rows, fallback: fallback(v) }
        }
        "BIG_EMOJI" => Block::BigEmoji(list(v, "value", emoji)),
        _ => Block::Unknown(unknown(v)),
    }
}

fn list_item<J: Json>(v: &J) -> ListItem {
    ListItem { value: inlines(v), number: field(v, "number") }
}

fn cell<J: Json>(v: &J) -> Cell {
    Cell { align: v.get("align").and_then(|a| a.as_string()).and_then(|a| Align::from_name(&a)), value: inlines(v) }
}

fn emoji<J: Json>(v: &J) -> Emoji {
    Emoji {
        value: v.get("value").map(|t| plain(Some(t))),
        short_code: v.get("shortCode").and_then(|c| c.as_string()),
        unicode: v.get("unicode").and_then(|u| u.as_string()),
    }
}

fn inline<J: Json>(v: &J) -> Inline {
    match kind(v).as_str() {
        "PLAIN_TEXT" => Inline::Text(plain(v.get("value"))),
        "BOLD" => Inline::Bold(inlines(v)),
        "ITALIC" => Inline::Italic(inlines(v)),
        "STRIKE" => Inline::Strike(inlines(v)),
        "SPOILER" => Inline::Spoiler(inlines(v)),
        "INLINE_CODE" => Inline::Code(plain(v.get("value"))),
        "LINK" => match v.get("value") {
            Some(link) => {
                let src = plain(link.get("src"));
                let label = list(&link, "label", inline);
                Inline::Link { label: if label.is_empty() { vec![Inline::Text(src.clone())] } else { label }, src }
            }
            None => Inline::Unknown(String::new()),
        },
        "IMAGE" => match v.get("value") {
            Some(image) => Inline::Image { src: plain(image.get("src")), label: plain(image.get("label")) },
            None => Inline::Unknown(String::new()),
        },
        "MENTION_USER" => Inline::MentionUser(plain(v.get("value"))),
        "MENTION_CHANNEL" => Inline::MentionChannel(plain(v.get("value"))),
        "EMOJI" => Inline::Emoji(emoji(v)),
        "COLOR" => match v.get("value") {
            Some(c) => {
                let byte = |k: &str| c.get(k).and_then(|n| u32::from_json(&n).ok()).map_or(255, |n| n.min(255) as u8);
                Inline::Color { r: byte("r"), g: byte("g"), b: byte("b"), a: byte("a") }
            }
            None => Inline::Unknown(String::new()),
        },
        "TIMESTAMP" => {
            let value = v.get("value");
            let get = |k: &str| value.as_ref().and_then(|t| t.get(k)).and_then(|s| s.as_string()).unwrap_or_default();
            Inline::Timestamp { timestamp: get("timestamp"), format: get("format"), fallback: fallback(v) }
        }
        "INLINE_KATEX" => Inline::Katex(plain(v.get("value"))),
        _ => Inline::Unknown(unknown(v)),
    }
}
