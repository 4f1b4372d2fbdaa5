//! serde for the tree (the dev server writes it; native tests read it): written by hand, because
//! each node's fields depend on its `type`. Reading goes through the one decoder ([`FromJson`]),
//! over any self-describing format, so the two cannot read a tree differently.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::{Block, Cell, Emoji, Inline, ListItem, Md, Task};
use crate::json::{FromJson, Json};

/// `{"type":"PLAIN_TEXT","value":…}`, the wrapper around texts inside nodes.
struct Plain<'a>(&'a str);

impl Serialize for Plain<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("type", "PLAIN_TEXT")?;
        m.serialize_entry("value", self.0)?;
        m.end()
    }
}

/// A node: `type`, the fields `write` adds, in Rocket.Chat's order.
fn node<S: Serializer>(
    s: S,
    kind: &str,
    write: impl FnOnce(&mut S::SerializeMap) -> Result<(), S::Error>,
) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(None)?;
    m.serialize_entry("type", kind)?;
    write(&mut m)?;
    m.end()
}

impl Serialize for Md {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl Serialize for Block {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Block::Paragraph(v) => node(s, "PARAGRAPH", |m| m.serialize_entry("value", v)),
            Block::Heading { level, value } => node(s, "HEADING", |m| {
                m.serialize_entry("level", level)?;
                m.serialize_entry("value", value)
            }),
            Block::Quote(v) => node(s, "QUOTE", |m| m.serialize_entry("value", v)),
            Block::Code { language, lines } => node(s, "CODE", |m| {
                m.serialize_entry("language", language)?;
                m.serialize_entry("value", &CodeLines(lines))
            }),
            Block::UnorderedList(v) => node(s, "UNORDERED_LIST", |m| m.serialize_entry("value", v)),
            Block::OrderedList(v) => node(s, "ORDERED_LIST", |m| m.serialize_entry("value", v)),
            Block::Tasks(v) => node(s, "TASKS", |m| m.serialize_entry("value", v)),
            Block::LineBreak => node(s, "LINE_BREAK", |_| Ok(())),
            Block::Katex(t) => node(s, "KATEX", |m| m.serialize_entry("value", t)),
            Block::SpoilerBlock(v) => node(s, "SPOILER_BLOCK", |m| m.serialize_entry("value", v)),
            Block::HorizontalRule { fallback } => node(s, "HORIZONTAL_RULE", |m| match fallback {
                Some(f) => m.serialize_entry("fallback", f),
                None => Ok(()),
            }),
            Block::Table { header, rows, fallback } => node(s, "TABLE", |m| {
                m.serialize_entry("value", &Table { header, rows })?;
                match fallback {
                    Some(f) => m.serialize_entry("fallback", f),
                    None => Ok(()),
                }
            }),
            Block::BigEmoji(v) => node(s, "BIG_EMOJI", |m| m.serialize_entry("value", v)),
            // Written as the text it holds: a reader of the tree still sees it.
            Block::Unknown(t) => {
                node(s, "PARAGRAPH", |m| m.serialize_entry("value", std::slice::from_ref(&Inline::Text(t.clone()))))
            }
        }
    }
}

struct CodeLines<'a>(&'a [String]);

impl Serialize for CodeLines<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for line in self.0 {
            seq.serialize_element(&CodeLine(line))?;
        }
        seq.end()
    }
}

struct CodeLine<'a>(&'a str);

impl Serialize for CodeLine<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        node(s, "CODE_LINE", |m| m.serialize_entry("value", &Plain(self.0)))
    }
}

struct Table<'a> {
    header: &'a [Cell],
    rows: &'a [Vec<Cell>],
}

impl Serialize for Table<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("header", self.header)?;
        m.serialize_entry("rows", &Rows(self.rows))?;
        m.end()
    }
}

struct Rows<'a>(&'a [Vec<Cell>]);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for row in self.0 {
            seq.serialize_element(&Row(row))?;
        }
        seq.end()
    }
}

struct Row<'a>(&'a [Cell]);

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        node(s, "TABLE_ROW", |m| m.serialize_entry("value", self.0))
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        node(s, "TABLE_CELL", |m| {
            if let Some(align) = self.align {
                m.serialize_entry("align", align.as_str())?;
            }
            m.serialize_entry("value", &self.value)
        })
    }
}

impl Serialize for ListItem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        node(s, "LIST_ITEM", |m| {
            m.serialize_entry("value", &self.value)?;
            match self.number {
                Some(n) => m.serialize_entry("number", &n),
                None => Ok(()),
            }
        })
    }
}

impl Serialize for Task {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        node(s, "TASK", |m| {
            m.serialize_entry("status", &self.status)?;
            m.serialize_entry("value", &self.value)
        })
    }
}

impl Serialize for Emoji {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        node(s, "EMOJI", |m| {
            if let Some(value) = &self.value {
                m.serialize_entry("value", &Plain(value))?;
            }
            if let Some(code) = &self.short_code {
                m.serialize_entry("shortCode", code)?;
            }
            if let Some(unicode) = &self.unicode {
                m.serialize_entry("unicode", unicode)?;
            }
            Ok(())
        })
    }
}

impl Serialize for Inline {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Inline::Text(t) | Inline::Unknown(t) => Plain(t).serialize(s),
            Inline::Bold(v) => node(s, "BOLD", |m| m.serialize_entry("value", v)),
            Inline::Italic(v) => node(s, "ITALIC", |m| m.serialize_entry("value", v)),
            Inline::Strike(v) => node(s, "STRIKE", |m| m.serialize_entry("value", v)),
            Inline::Spoiler(v) => node(s, "SPOILER", |m| m.serialize_entry("value", v)),
            Inline::Code(t) => node(s, "INLINE_CODE", |m| m.serialize_entry("value", &Plain(t))),
            Inline::Link { src, label } => node(s, "LINK", |m| m.serialize_entry("value", &Link { src, label })),
            Inline::Image { src, label } => node(s, "IMAGE", |m| m.serialize_entry("value", &Image { src, label })),
            Inline::MentionUser(u) => node(s, "MENTION_USER", |m| m.serialize_entry("value", &Plain(u))),
            Inline::MentionChannel(c) => node(s, "MENTION_CHANNEL", |m| m.serialize_entry("value", &Plain(c))),
            Inline::Emoji(e) => e.serialize(s),
            Inline::Color { r, g, b, a } => node(s, "COLOR", |m| m.serialize_entry("value", &Color([*r, *g, *b, *a]))),
            Inline::Timestamp { timestamp, format, fallback } => node(s, "TIMESTAMP", |m| {
                m.serialize_entry("value", &Stamp { timestamp, format })?;
                match fallback {
                    Some(f) => m.serialize_entry("fallback", f),
                    None => Ok(()),
                }
            }),
            Inline::Katex(t) => node(s, "INLINE_KATEX", |m| m.serialize_entry("value", t)),
        }
    }
}

struct Link<'a> {
    src: &'a str,
    label: &'a [Inline],
}

impl Serialize for Link<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("src", &Plain(self.src))?;
        m.serialize_entry("label", self.label)?;
        m.end()
    }
}

struct Image<'a> {
    src: &'a str,
    label: &'a str,
}

impl Serialize for Image<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("src", &Plain(self.src))?;
        m.serialize_entry("label", &Plain(self.label))?;
        m.end()
    }
}

struct Color([u8; 4]);

impl Serialize for Color {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        for (key, value) in ["r", "g", "b", "a"].into_iter().zip(self.0) {
            m.serialize_entry(key, &value)?;
        }
        m.end()
    }
}

struct Stamp<'a> {
    timestamp: &'a str,
    format: &'a str,
}

impl Serialize for Stamp<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("timestamp", self.timestamp)?;
        m.serialize_entry("format", self.format)?;
        m.end()
    }
}

/// Any JSON value as serde reads it, for [`FromJson`] to decode.
#[derive(Clone, serde::Deserialize)]
#[serde(untagged)]
enum Tree {
    Null(()),
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Tree>),
    Object(std::collections::BTreeMap<String, Tree>),
}

impl Json for Tree {
    fn get(&self, key: &str) -> Option<Self> {
        match self {
            Tree::Object(m) => m.get(key).filter(|v| !matches!(v, Tree::Null(()))).cloned(),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        matches!(self, Tree::Null(()))
    }
    fn is_object(&self) -> bool {
        matches!(self, Tree::Object(_))
    }
    fn as_string(&self) -> Option<String> {
        match self {
            Tree::String(s) => Some(s.clone()),
            _ => None,
        }
    }
    fn as_f64(&self) -> Option<f64> {
        match self {
            Tree::Number(n) => Some(*n),
            _ => None,
        }
    }
    fn as_bool(&self) -> Option<bool> {
        match self {
            Tree::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn items(&self) -> Option<Vec<Self>> {
        match self {
            Tree::Array(items) => Some(items.clone()),
            _ => None,
        }
    }
    fn entries(&self) -> Option<Vec<(String, Self)>> {
        match self {
            Tree::Object(m) => Some(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Md {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let tree = Tree::deserialize(d)?;
        Md::from_json(&tree).map_err(serde::de::Error::custom)
    }
}
