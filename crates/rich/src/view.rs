//! A message as a tree of elements: what [`dom`](crate::dom) builds, as plain data, so that every
//! rule (which node becomes which element, which addresses are kept, how a file is described) is
//! tested natively.
//!
//! Only elements and attributes named here are ever made, texts are text nodes, and every address
//! goes through [`Links`]: `http`, `https` (and `mailto` for links) or the server's own relative
//! addresses; anything else (`javascript:`, `data:`, `vbscript:`, …) loses its link and keeps its
//! text.

use livechat_client::session::uploads::Upload;
use livechat_wire::error::code;
use livechat_wire::md::{self, Align, Block, Emoji, Inline, Md};
use livechat_wire::message::{Attachment, FileRef, Message};

// Native: they read messages with serde_json.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests;

/// One node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    /// An element: its tag, attributes and children. An attribute whose name starts with `--` is
    /// a CSS custom property on the element's style (a colour's swatch), not an attribute.
    El {
        tag: &'static str,
        attrs: Vec<(&'static str, String)>,
        children: Vec<Node>,
    },
    /// A moment (`<time>`), written in the reader's language by the renderer: Unix milliseconds
    /// and Rocket.Chat's format letter (`t` `T` `d` `D` `f` `F` `R`).
    Time {
        millis: i64,
        format: char,
    },
}

fn el(tag: &'static str, attrs: Vec<(&'static str, String)>, children: Vec<Node>) -> Node {
    Node::El { tag, attrs, children }
}

fn class(name: &str) -> Vec<(&'static str, String)> {
    vec![("class", name.to_owned())]
}

fn text(s: impl Into<String>) -> Node {
    Node::Text(s.into())
}

/// The texts the tree carries in the reader's language.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    /// A spoiler's button ("Spoiler").
    pub spoiler: String,
    /// A file card's action ("Download").
    pub download: String,
}

/// Where a message's addresses point: relative ones resolve against the server, and the
/// server's own files (`/file-upload/…`) get the reader's access as query parameters (an `<img>`
/// sends no headers): `rc_token`, `rc_rid` and `rc_room_type=l` for the room's visitor, `rc_uid`
/// and `rc_token` for an agent, as Rocket.Chat's file route reads them.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// The server's address (`https://chat.example.com`), without a trailing `/`.
    pub server: String,
    /// Query parameters, already encoded (`rc_token=…&rc_rid=…&rc_room_type=l`); empty for none.
    pub access: String,
}

/// The schemes an address may have.
#[derive(Clone, Copy, PartialEq)]
enum Use {
    /// A link: `http`, `https`, `mailto`.
    Link,
    /// An image, audio or video source, or a download: `http`, `https`.
    Media,
}

impl Links {
    /// The readers's address for `address`, or `None` when it may not be followed. Tabs and line
    /// breaks are taken out first and surrounding spaces and controls trimmed, as browsers do
    /// before they read a scheme (`java\tscript:`); a protocol-relative `//host` is `https:`.
    fn resolve(&self, address: &str, use_: Use) -> Option<String> {
        let cleaned: String = address.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
        let address = cleaned.trim_matches(|c: char| c <= ' ');
        let server = self.server.trim_end_matches('/');
        let absolute = if let Some(rest) = address.strip_prefix("//") {
            format!("https://{rest}")
        } else if address.starts_with('/') {
            format!("{server}{address}")
        } else {
            let scheme = address.split(':').next().filter(|s| s.len() < address.len())?;
            let scheme = scheme.to_ascii_lowercase();
            let allowed = scheme == "http" || scheme == "https" || (scheme == "mailto" && use_ == Use::Link);
            if !allowed {
                return None;
            }
            address.to_owned()
        };
        // The server's own files, and nothing that a browser would resolve elsewhere on it.
        let own = !server.is_empty()
            && absolute.strip_prefix(server).is_some_and(|rest| {
                let lower = rest.to_ascii_lowercase();
                rest.starts_with("/file-upload/")
                    && !rest.contains("/..")
                    && !rest.contains('\\')
                    && !lower.contains("%2e")
            });
        if own && !self.access.is_empty() {
            // Before a fragment, which is never sent.
            let (address, fragment) = absolute.split_at(absolute.find('#').unwrap_or(absolute.len()));
            let join = if address.contains('?') { '&' } else { '?' };
            return Some(format!("{address}{join}{}{fragment}", self.access));
        }
        Some(absolute)
    }
}

/// Everything the tree of a message depends on besides the message.
pub struct Context<'a> {
    pub links: &'a Links,
    pub texts: &'a Texts,
    /// A shortcode's emoji (`smile` → `😄`), when the table is at hand.
    pub emoji: &'a dyn Fn(&str) -> Option<String>,
}

/// Parser options for a message that comes without a tree: those of a default Rocket.Chat
/// server (emoticons, colour previews, `\(…\)` TeX), without the Public Suffix List (a host
/// whose last label is two letters or more counts as public).
pub fn parse_options() -> md::Options {
    md::Options { emoticons: true, colors: true, katex_parenthesis: true, ..md::Options::default() }
}

/// The tree of `m`: its formatted text (its `md`, else its text parsed), then its attachments
/// (or, without any, its files as cards). Never empty for a message with text or files: when
/// nothing else shows, its text does.
pub fn message(m: &Message, cx: &Context) -> Vec<Node> {
    let parsed;
    let tree = match &m.md {
        Some(Md(tree)) => tree,
        None => {
            parsed = md::parse(&m.msg, &parse_options());
            &parsed
        }
    };
    let mut out = blocks(tree, cx);
    if out.is_empty() && !m.msg.trim().is_empty() {
        out.push(el("p", Vec::new(), vec![text(m.msg.clone())]));
    }
    if !m.attachments.is_empty() {
        out.extend(m.attachments.iter().map(|a| attachment(a, cx)));
    } else {
        let files = if m.files.is_empty() { m.file.iter().collect::<Vec<_>>() } else { m.files.iter().collect() };
        out.extend(files.into_iter().map(|f| file_card(f, cx)));
    }
    out
}

/// True when a tree has a shortcode that the emoji table would turn into an emoji.
pub fn wants_emoji(m: &Message) -> bool {
    fn inline(nodes: &[Inline]) -> bool {
        nodes.iter().any(|n| match n {
            Inline::Emoji(e) => e.unicode.is_none() && e.short_code.is_some(),
            Inline::Bold(v) | Inline::Italic(v) | Inline::Strike(v) | Inline::Spoiler(v) => inline(v),
            Inline::Link { label, .. } => inline(label),
            _ => false,
        })
    }
    fn block(nodes: &[Block]) -> bool {
        nodes.iter().any(|b| match b {
            Block::Paragraph(v) | Block::Heading { value: v, .. } => inline(v),
            Block::Quote(v) | Block::SpoilerBlock(v) => block(v),
            Block::UnorderedList(items) | Block::OrderedList(items) => items.iter().any(|i| inline(&i.value)),
            Block::Tasks(tasks) => tasks.iter().any(|t| inline(&t.value)),
            Block::Table { header, rows, .. } => header.iter().chain(rows.iter().flatten()).any(|c| inline(&c.value)),
            Block::BigEmoji(list) => list.iter().any(|e| e.unicode.is_none()),
            _ => false,
        })
    }
    match &m.md {
        Some(Md(tree)) => block(tree),
        None => block(&md::parse(&m.msg, &parse_options())),
    }
}

fn blocks(nodes: &[Block], cx: &Context) -> Vec<Node> {
    nodes.iter().map(|b| block(b, cx)).collect()
}

fn block(b: &Block, cx: &Context) -> Node {
    match b {
        Block::Paragraph(v) => el("p", Vec::new(), inlines(v, cx)),
        // Below the window's own heading: a message's level 1 is the page's `h3`.
        Block::Heading { level, value } => {
            let tag = match level {
                0 | 1 => "h3",
                2 => "h4",
                3 => "h5",
                _ => "h6",
            };
            el(tag, Vec::new(), inlines(value, cx))
        }
        Block::Quote(v) => el("blockquote", Vec::new(), blocks(v, cx)),
        Block::Code { language, lines } => {
            let mut attrs = vec![("class", "lc-code".to_owned()), ("tabindex", "0".to_owned())];
            if language != "none" && !language.is_empty() {
                attrs.push(("data-language", language.clone()));
            }
            el("pre", attrs, vec![el("code", Vec::new(), vec![text(lines.join("\n"))])])
        }
        Block::UnorderedList(items) => {
            el("ul", Vec::new(), items.iter().map(|i| el("li", Vec::new(), inlines(&i.value, cx))).collect())
        }
        Block::OrderedList(items) => el(
            "ol",
            Vec::new(),
            items
                .iter()
                .map(|i| {
                    let attrs = i.number.map(|n| vec![("value", n.to_string())]).unwrap_or_default();
                    el("li", attrs, inlines(&i.value, cx))
                })
                .collect(),
        ),
        Block::Tasks(tasks) => el(
            "ul",
            class("lc-tasks"),
            tasks
                .iter()
                .map(|t| {
                    let mut attrs = vec![("type", "checkbox".to_owned()), ("disabled", String::new())];
                    if t.status {
                        attrs.push(("checked", String::new()));
                    }
                    let mut children = vec![el("input", attrs, Vec::new()), text(" ")];
                    children.extend(inlines(&t.value, cx));
                    el("li", Vec::new(), children)
                })
                .collect(),
        ),
        Block::LineBreak => el("br", Vec::new(), Vec::new()),
        Block::Katex(tex) => {
            el("pre", vec![("class", "lc-tex".to_owned()), ("tabindex", "0".to_owned())], vec![text(tex.clone())])
        }
        Block::SpoilerBlock(v) => spoiler(blocks(v, cx), cx),
        Block::HorizontalRule { .. } => el("hr", Vec::new(), Vec::new()),
        Block::Table { header, rows, .. } => {
            let cell = |tag: &'static str, c: &md::Cell| {
                let attrs = c.align.map(|a: Align| class(&format!("lc-{}", a.as_str()))).unwrap_or_default();
                el(tag, attrs, inlines(&c.value, cx))
            };
            let head =
                el("thead", Vec::new(), vec![el("tr", Vec::new(), header.iter().map(|c| cell("th", c)).collect())]);
            let body = el(
                "tbody",
                Vec::new(),
                rows.iter().map(|r| el("tr", Vec::new(), r.iter().map(|c| cell("td", c)).collect())).collect(),
            );
            el(
                "div",
                vec![("class", "lc-scroll".to_owned()), ("tabindex", "0".to_owned())],
                vec![el("table", Vec::new(), vec![head, body])],
            )
        }
        Block::BigEmoji(list) => el("p", class("lc-big-emoji"), list.iter().map(|e| emoji(e, cx)).collect()),
        Block::Unknown(t) => el("p", Vec::new(), vec![text(t.clone())]),
    }
}

fn spoiler(children: Vec<Node>, cx: &Context) -> Node {
    let mut all = vec![el("summary", Vec::new(), vec![text(cx.texts.spoiler.clone())])];
    all.extend(children);
    el("details", class("lc-spoiler"), all)
}

fn inlines(nodes: &[Inline], cx: &Context) -> Vec<Node> {
    nodes.iter().map(|n| inline(n, cx)).collect()
}

fn inline(n: &Inline, cx: &Context) -> Node {
    match n {
        Inline::Text(t) => text(t.clone()),
        Inline::Bold(v) => el("strong", Vec::new(), inlines(v, cx)),
        Inline::Italic(v) => el("em", Vec::new(), inlines(v, cx)),
        Inline::Strike(v) => el("del", Vec::new(), inlines(v, cx)),
        Inline::Spoiler(v) => spoiler(inlines(v, cx), cx),
        Inline::Code(t) => el("code", Vec::new(), vec![text(t.clone())]),
        Inline::Link { src, label } => {
            let mut label = if label.is_empty() { vec![text(src.clone())] } else { inlines(label, cx) };
            match cx.links.resolve(src, Use::Link) {
                Some(href) => {
                    // A link's text cannot be reordered to disguise where it goes (`…⟨U+202E⟩gpj.exe`).
                    show_controls(&mut label);
                    link(href, label)
                }
                None => el("span", Vec::new(), label),
            }
        }
        Inline::Image { src, label } => match cx.links.resolve(src, Use::Media) {
            Some(url) => link(
                url.clone(),
                vec![el("img", vec![("src", url), ("alt", label.clone()), ("loading", "lazy".to_owned())], Vec::new())],
            ),
            None => text(label.clone()),
        },
        Inline::MentionUser(name) => el("span", class("lc-mention"), vec![text(format!("@{name}"))]),
        Inline::MentionChannel(name) => el("span", class("lc-mention"), vec![text(format!("#{name}"))]),
        Inline::Emoji(e) => emoji(e, cx),
        Inline::Color { r, g, b, a } => {
            let hex =
                if *a == 255 { format!("#{r:02x}{g:02x}{b:02x}") } else { format!("#{r:02x}{g:02x}{b:02x}{a:02x}") };
            el(
                "span",
                class("lc-color"),
                vec![
                    el("span", vec![("class", "lc-swatch".to_owned()), ("--lc-swatch", hex.clone())], Vec::new()),
                    text(hex),
                ],
            )
        }
        Inline::Timestamp { timestamp, format, .. } => match timestamp.trim().parse::<i64>() {
            Ok(seconds) => {
                Node::Time { millis: seconds.saturating_mul(1000), format: format.chars().next().unwrap_or('f') }
            }
            Err(_) => text(format!("<t:{timestamp}:{format}>")),
        },
        Inline::Katex(tex) => el("code", class("lc-tex"), vec![text(tex.clone())]),
        Inline::Unknown(t) => text(t.clone()),
    }
}

/// Writes out the bidirectional controls in the texts of `nodes` (`⟨U+202E⟩`).
fn show_controls(nodes: &mut [Node]) {
    for n in nodes {
        match n {
            Node::Text(t) => *t = livechat_client::session::text::visible_controls(t),
            Node::El { children, .. } => show_controls(children),
            Node::Time { .. } => {}
        }
    }
}

/// A link that opens in a new tab and tells the target nothing.
fn link(href: String, children: Vec<Node>) -> Node {
    el(
        "a",
        vec![("href", href), ("target", "_blank".to_owned()), ("rel", "noopener noreferrer nofollow".to_owned())],
        children,
    )
}

/// An emoji: the character itself; a shortcode as its emoji when the table has it (named by its
/// shortcode for screen readers), else as written.
fn emoji(e: &Emoji, cx: &Context) -> Node {
    if let Some(u) = &e.unicode {
        return text(u.clone());
    }
    match e.short_code.as_deref().and_then(|code| Some((code, (cx.emoji)(code)?))) {
        Some((code, found)) => el(
            "span",
            vec![("class", "lc-emoji".to_owned()), ("role", "img".to_owned()), ("aria-label", format!(":{code}:"))],
            vec![text(found)],
        ),
        None => text(e.written()),
    }
}

/// A file's size in the units people read (`812 B`, `48 KB`, `3.4 MB`).
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value >= 10.0 {
        format!("{} {}", value.round() as u64, UNITS[unit])
    } else {
        format!("{:.1} {}", value, UNITS[unit])
    }
}

/// A file's kind as a short label: its format (`PDF`), else its media type's subtype.
fn kind_label(format: Option<&str>, media_type: Option<&str>) -> String {
    let label =
        format.filter(|f| !f.is_empty()).or_else(|| media_type.and_then(|t| t.split('/').nth(1))).unwrap_or_default();
    label.split(['+', ';']).next().unwrap_or_default().to_ascii_uppercase()
}

/// A download: the file's name, kind and size, as one link that saves it under its name.
fn card(url: Option<String>, name: &str, kind: String, bytes: Option<u64>, cx: &Context) -> Node {
    let meta: Vec<String> = [Some(kind).filter(|k| !k.is_empty()), bytes.map(size)].into_iter().flatten().collect();
    let mut children = vec![el("span", class("lc-file-name"), vec![text(name.to_owned())])];
    if !meta.is_empty() {
        children.push(el("span", class("lc-file-meta"), vec![text(meta.join(" · "))]));
    }
    match url {
        Some(url) => {
            children.push(el("span", class("lc-file-action"), vec![text(cx.texts.download.clone())]));
            let Node::El { attrs, .. } = &mut (link(url.clone(), Vec::new())) else { unreachable!() };
            let mut attrs = std::mem::take(attrs);
            attrs.insert(0, ("class", "lc-file".to_owned()));
            attrs.push(("download", name.to_owned()));
            el("a", attrs, children)
        }
        None => el("div", class("lc-file"), children),
    }
}

fn file_card(f: &FileRef, cx: &Context) -> Node {
    let url = cx.links.resolve(&format!("/file-upload/{}/{}", f.id, encode_path(&f.name)), Use::Media);
    card(url, &f.name, kind_label(f.format.as_deref(), Some(&f.kind)), f.size, cx)
}

/// `encodeURI` of a file name, as Rocket.Chat writes it into a file's address.
fn encode_path(name: &str) -> String {
    name.bytes().fold(String::new(), |mut out, b| {
        if b.is_ascii_alphanumeric() || b";,/?:@&=+$-_.!~*'()#".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
        out
    })
}

/// One of a message's attachments: an image, audio, video, a file, a quoted message, or (of a
/// kind not known here) its title and text.
fn attachment(a: &Attachment, cx: &Context) -> Node {
    let title = a.title.as_deref().filter(|t| !t.is_empty());
    let description = a.description.as_deref().filter(|d| !d.trim().is_empty());
    let caption = |children: &mut Vec<Node>| {
        if let Some(d) = description {
            children.push(el("figcaption", Vec::new(), plain_text(d, cx)));
        }
    };
    if let Some(src) = a.image_url.as_deref().and_then(|u| cx.links.resolve(u, Use::Media)) {
        let full = a.title_link.as_deref().and_then(|u| cx.links.resolve(u, Use::Media)).unwrap_or_else(|| src.clone());
        let mut attrs = vec![
            ("src", src),
            ("alt", description.or(title).unwrap_or_default().to_owned()),
            ("loading", "lazy".to_owned()),
        ];
        if let Some(d) = a.image_dimensions.filter(|d| d.width > 0 && d.height > 0) {
            attrs.push(("width", d.width.to_string()));
            attrs.push(("height", d.height.to_string()));
        }
        let mut children = vec![link(full, vec![el("img", attrs, Vec::new())])];
        caption(&mut children);
        return el("figure", class("lc-image"), children);
    }
    for (url, tag, media_type) in [(&a.audio_url, "audio", &a.audio_type), (&a.video_url, "video", &a.video_type)] {
        if let Some(src) = url.as_deref().and_then(|u| cx.links.resolve(u, Use::Media)) {
            let preload = if tag == "audio" { "none" } else { "metadata" };
            let mut player = vec![("controls", String::new()), ("preload", preload.to_owned()), ("src", src.clone())];
            if let Some(t) = title {
                player.push(("aria-label", t.to_owned()));
            }
            let size = if tag == "audio" { a.audio_size } else { a.video_size };
            let mut children = vec![
                el(tag, player, Vec::new()),
                card(Some(src), title.unwrap_or_default(), kind_label(None, media_type.as_deref()), size, cx),
            ];
            caption(&mut children);
            return el("figure", class(&format!("lc-{tag}")), children);
        }
    }
    let quote = a.message_link.is_some() || a.author_name.is_some();
    if quote {
        let mut children = Vec::new();
        if let Some(author) = a.author_name.as_deref().filter(|n| !n.is_empty()) {
            children.push(el("cite", Vec::new(), vec![text(author.to_owned())]));
        }
        if let Some(t) = a.text.as_deref() {
            children.extend(blocks(&md::parse(t, &parse_options()), cx));
        }
        children.extend(a.attachments.iter().map(|inner| attachment(inner, cx)));
        return el("blockquote", class("lc-quote"), children);
    }
    if let Some(link) =
        a.title_link.as_deref().filter(|_| a.kind.as_deref() == Some("file") || a.title_link_download == Some(true))
    {
        let mut children = vec![card(
            cx.links.resolve(link, Use::Media),
            title.unwrap_or_default(),
            kind_label(a.format.as_deref(), None),
            a.size,
            cx,
        )];
        caption(&mut children);
        return el("div", class("lc-attachment"), children);
    }
    // A kind not known here: its title (a link when it has one) and its texts.
    let mut children = Vec::new();
    if let Some(t) = title {
        let t = vec![text(t.to_owned())];
        children.push(el(
            "p",
            class("lc-attachment-title"),
            vec![match a.title_link.as_deref().and_then(|u| cx.links.resolve(u, Use::Link)) {
                Some(href) => link(href, t),
                None => el("strong", Vec::new(), t),
            }],
        ));
    }
    for t in [a.text.as_deref(), description].into_iter().flatten() {
        children.push(el("p", Vec::new(), plain_text(t, cx)));
    }
    children.extend(a.attachments.iter().map(|inner| attachment(inner, cx)));
    el("div", class("lc-attachment"), children)
}

/// Text with its links and line breaks, not formatted (a file's description, as Rocket.Chat
/// shows it).
fn plain_text(t: &str, cx: &Context) -> Vec<Node> {
    use livechat_client::session::text::{Segment, segments};
    segments(t)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(t) => text(t),
            Segment::LineBreak => el("br", Vec::new(), Vec::new()),
            Segment::Link { href, text: label } => match cx.links.resolve(&href, Use::Link) {
                Some(href) => link(href, vec![text(label)]),
                None => text(label),
            },
        })
        .collect()
}

/// The texts of the list of files on their way, in this order: Cancel, Retry, Delete, and why a
/// file was not sent — its type refused, too large, files turned off, anything else.
pub const UPLOAD_TEXTS: usize = 7;

/// The visitor's files on their way, as the list above the composer shows them: each file's
/// name with its progress (`<progress>` in whole percents, named by the file) and Cancel; a
/// failed one with why (an alert, in the visitor's language: `texts`, see [`UPLOAD_TEXTS`]),
/// Retry and Delete. Buttons say what they do in `data-action` and whose in `data-id`.
pub fn uploads(list: &[Upload], texts: &[String]) -> Vec<Node> {
    let t = |i: usize| texts.get(i).cloned().unwrap_or_default();
    list.iter()
        .map(|u| {
            let id = u.id.to_string();
            let button = |action: &str, label: String| {
                el(
                    "button",
                    vec![
                        ("type", "button".to_owned()),
                        ("class", "lc-link".to_owned()),
                        ("data-action", action.to_owned()),
                        ("data-id", id.clone()),
                    ],
                    vec![text(label)],
                )
            };
            let name = el("span", class("lc-upload-name"), vec![text(u.name.clone())]);
            match u.failed.as_deref() {
                None => {
                    let percent = ((u.progress * 100.0) as u32).min(100).to_string();
                    let progress = el(
                        "progress",
                        vec![
                            ("max", "100".to_owned()),
                            ("value", percent),
                            ("aria-label", u.name.clone()),
                            ("data-id", id.clone()),
                        ],
                        Vec::new(),
                    );
                    el(
                        "li",
                        vec![("class", "lc-upload".to_owned()), ("data-id", id.clone())],
                        vec![name, progress, button("cancel", t(0))],
                    )
                }
                Some(failed) => {
                    let why = match failed {
                        code::ERROR_TYPE_NOT_ALLOWED => 3,
                        code::ERROR_FILE_TOO_LARGE => 4,
                        code::ERROR_FILE_UPLOAD_DISABLED => 5,
                        _ => 6,
                    };
                    let alert = el(
                        "span",
                        vec![("class", "lc-upload-error".to_owned()), ("role", "alert".to_owned())],
                        vec![text(t(why))],
                    );
                    el(
                        "li",
                        vec![("class", "lc-upload lc-failed".to_owned()), ("data-id", id.clone())],
                        vec![name, alert, button("retry", t(1)), button("delete", t(2))],
                    )
                }
            }
        })
        .collect()
}

/// The card beside the closed window's launcher with a proactive message (a trigger's): the
/// sender and the text in one button that opens the chat (`data-action="open"`), and a cross
/// that dismisses the card (`data-action="dismiss"`, named `dismiss` in the visitor's language).
/// A status: screen readers read it as it appears.
pub fn proactive_card(name: &str, msg: &str, dismiss: &str) -> Node {
    let button = |action: &str, attrs: Vec<(&'static str, String)>, children| {
        let mut a = vec![("type", "button".to_owned()), ("data-action", action.to_owned())];
        a.extend(attrs);
        el("button", a, children)
    };
    el(
        "div",
        vec![("class", "lc-card".to_owned()), ("role", "status".to_owned())],
        vec![
            button(
                "open",
                vec![("class", "lc-card-open".to_owned()), ("aria-controls", "lc-window".to_owned())],
                vec![el("strong", Vec::new(), vec![text(name)]), el("span", Vec::new(), vec![text(msg)])],
            ),
            button(
                "dismiss",
                vec![("class", "lc-card-close".to_owned()), ("aria-label", dismiss.to_owned())],
                vec![text("\u{d7}")],
            ),
        ],
    )
}
