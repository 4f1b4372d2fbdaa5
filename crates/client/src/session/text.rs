//! Message text as the widget shows it: plain text (never HTML from the server), line breaks
//! kept, and web addresses made into links that cannot run script, whose bidirectional
//! controls show (a right-to-left override cannot make `…gpj.exe` read `…exe.jpg`).

use livechat_wire::json::Json;

/// A piece of a message's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// A link: the address to open (`http`, `https` or `mailto` only) and the text shown, its
    /// bidirectional controls made visible ([`visible_controls`]).
    Link {
        href: String,
        text: String,
    },
    LineBreak,
}

/// Characters that commonly end a sentence right after an address and are not part of it.
const TRAILING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"', '>'];

/// Splits `text` into plain text, links and line breaks.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push(Segment::LineBreak);
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut rest = line;
        let mut offset = 0;
        while let Some((start, end, href)) = next_link(&line[offset..]) {
            let (start, end) = (offset + start, offset + end);
            if start > line.len() - rest.len() {
                out.push(Segment::Text(&line[line.len() - rest.len()..start]));
            }
            out.push(Segment::Link { href, text: visible_controls(&line[start..end]) });
            rest = &line[end..];
            offset = end;
        }
        if !rest.is_empty() {
            out.push(Segment::Text(rest));
        }
    }
    out
}

/// Unicode's bidirectional formatting characters: embeddings and overrides (U+202A–U+202E),
/// isolates (U+2066–U+2069), the left-to-right, right-to-left and Arabic letter marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `text` with every bidirectional control written out as its code point, `⟨U+202E⟩`, so it
/// shows and reorders nothing.
pub fn visible_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_bidi_control(c) {
            out.push_str("⟨U+");
            for shift in [12, 8, 4, 0] {
                out.push(char::from_digit((c as u32 >> shift) & 15, 16).unwrap_or('0').to_ascii_uppercase());
            }
            out.push('⟩');
        } else {
            out.push(c);
        }
    }
    out
}

/// A name for a sentence ("Alex is typing…"): between a first-strong isolate and its pop
/// (U+2068 … U+2069), so a right-to-left name cannot reorder the sentence around it, with its
/// own controls shown (one of them could close the isolate early).
pub fn isolate(name: &str) -> String {
    format!("\u{2068}{}\u{2069}", visible_controls(name))
}

/// The next link in `s`: byte range and target.
fn next_link(s: &str) -> Option<(usize, usize, String)> {
    let mut search = 0;
    loop {
        let found = [("https://", ""), ("http://", ""), ("www.", "https://"), ("mailto:", "")]
            .iter()
            .filter_map(|(prefix, scheme)| {
                s[search..].to_ascii_lowercase().find(prefix).map(|i| (search + i, *prefix, *scheme))
            })
            .min_by_key(|(i, ..)| *i);
        let (start, prefix, scheme) = found?;
        // A link starts a word: `xhttp://` or `foo.www.bar` is not one.
        let starts_word = s[..start].chars().next_back().is_none_or(|c| c.is_whitespace() || "([{<\"'".contains(c));
        // Characters that cannot stand unescaped in an address end it.
        let end =
            start + s[start..].find(|c: char| c.is_whitespace() || "<>\"`".contains(c)).unwrap_or(s.len() - start);
        let body_start = start + prefix.len();
        let mut end_trimmed = end;
        while end_trimmed > body_start && s[..end_trimmed].ends_with(TRAILING) {
            // Keep a closing bracket that has its opening one inside the address.
            let last = s[..end_trimmed].chars().next_back().unwrap_or(' ');
            let inner = &s[start..end_trimmed];
            let balanced = match last {
                ')' => inner.matches('(').count() >= inner.matches(')').count(),
                _ => false,
            };
            if balanced {
                break;
            }
            end_trimmed -= last.len_utf8();
        }
        let has_body = end_trimmed > body_start;
        if starts_word && has_body && (prefix != "www." || s[body_start..end_trimmed].contains('.')) {
            let href = format!("{scheme}{}", &s[start..end_trimmed]);
            return Some((start, end_trimmed, href));
        }
        search = start + prefix.len();
    }
}

/// Whether a message, as the server sent it, needs the rich renderer: it has files or
/// attachments, or its `md` is more than one paragraph of its own plain text, or (without `md`)
/// its text could hold formatting ([`may_be_formatted`]). Everything else shows as its text,
/// which is what the renderer would make of it (an address the server's tree did not link stays
/// text, as in Rocket.Chat).
pub fn is_rich<J: Json>(m: &J) -> bool {
    // Present, and not an empty list.
    let has = |key| m.get(key).is_some_and(|v| !v.is_null() && v.items().is_none_or(|v| !v.is_empty()));
    if has("file") || has("files") || has("attachments") {
        return true;
    }
    let msg = string(m, "msg");
    let Some(md) = m.get("md").filter(|md| !md.is_null()) else { return may_be_formatted(&msg) };
    // A tree that is not a list decodes as an empty one: the text shows.
    match md.items().unwrap_or_default().as_slice() {
        [] => false,
        [p] => {
            string(p, "type") != "PARAGRAPH"
                || match p.get("value").and_then(|v| v.items()).unwrap_or_default().as_slice() {
                    [] => false,
                    [t] => string(t, "type") != "PLAIN_TEXT" || string(t, "value") != msg,
                    _ => true,
                }
        }
        _ => true,
    }
}

fn string<J: Json>(v: &J, key: &str) -> String {
    v.get(key).and_then(|v| v.as_string()).unwrap_or_default()
}

/// False only for text that Rocket.Chat's grammar reads as one plain paragraph: ASCII letters,
/// digits (not first: `1.` starts a list), spaces, `,` `!` `?` `'` `"`, and `.` only before a
/// space or at the end (`a.b` may be a link). Anything else (line breaks, markup characters,
/// emoticons, emoji, other scripts) may be formatted.
pub fn may_be_formatted(text: &str) -> bool {
    let b = text.as_bytes();
    b.first().is_some_and(u8::is_ascii_digit)
        || b.iter().enumerate().any(|(i, &c)| match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b' ' | b',' | b'!' | b'?' | b'\'' | b'"' => false,
            b'.' => b.get(i + 1).is_some_and(|&n| n != b' '),
            _ => true,
        })
}

/// A message's text for a line of its own (a screen reader's announcement, what shows until
/// the renderer comes): its text, else its first attachment's title, else its file's name.
pub fn summary<J: Json>(m: &J) -> String {
    let msg = string(m, "msg");
    if !msg.trim().is_empty() {
        return msg;
    }
    let first = m.get("attachments").and_then(|a| a.items()).and_then(|a| a.into_iter().next());
    let title = first.map(|a| string(&a, "title")).unwrap_or_default();
    if !title.trim().is_empty() {
        return title;
    }
    m.get("file").map(|f| string(&f, "name")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::*;

    #[test]
    fn what_needs_the_rich_renderer() {
        use serde_json::json;
        let plain_md = |msg: &str| json!({"msg": msg, "md": [{"type": "PARAGRAPH", "value": [{"type": "PLAIN_TEXT", "value": msg}]}]});
        assert!(!is_rich(&plain_md("Hello, how can I help?")));
        assert!(!is_rich(&plain_md("Does 3.5 work? (yes)")), "the server found no formatting");
        assert!(is_rich(
            &json!({"msg": "*hi*", "md": [{"type": "PARAGRAPH", "value": [{"type": "BOLD", "value": []}]}]})
        ));
        assert!(is_rich(
            &json!({"msg": "a\nb", "md": [{"type": "PARAGRAPH", "value": []}, {"type": "PARAGRAPH", "value": []}]})
        ));
        assert!(is_rich(
            &json!({"msg": "x", "md": [{"type": "PARAGRAPH", "value": [{"type": "PLAIN_TEXT", "value": "y"}]}]})
        ));
        assert!(is_rich(&json!({"msg": "👍", "md": [{"type": "BIG_EMOJI", "value": []}]})));
        assert!(!is_rich(&json!({"msg": "", "md": []})) && !is_rich(&json!({"msg": "hi", "md": "nonsense"})));
        // Files and attachments, whatever the text.
        assert!(is_rich(&json!({"msg": "", "file": {"_id": "f"}})));
        assert!(is_rich(&json!({"msg": "hi", "attachments": [{"title": "t"}]})));
        assert!(is_rich(&json!({"msg": "hi", "files": [{"_id": "f"}]})));
        assert!(!is_rich(&json!({"msg": "hi", "attachments": [], "file": null})));
        // Without a tree: the text decides.
        assert!(!is_rich(&json!({"msg": "Hello there. Thanks!"})));
        for formatted in [
            "*hi*",
            "a_b",
            "~x~",
            "`c`",
            "see rocket.chat",
            "1. one",
            "- one",
            "> q",
            "a\nb",
            ":)",
            "(y)",
            "B)",
            "@ada",
            "#room",
            "color:#fff",
            "<t:1:R>",
            "héllo",
            "👍",
            "||s||",
            "[l](u)",
            "x | y",
        ] {
            assert!(may_be_formatted(formatted), "{formatted}");
            assert!(is_rich(&json!({"msg": formatted})), "{formatted}");
        }
        for plain in ["", "hello", "Is it 42? Yes, it's \"fine\"!", "The end.", "Wait. Really"] {
            assert!(!may_be_formatted(plain), "{plain}");
        }
    }

    #[test]
    fn summaries() {
        use serde_json::json;
        assert_eq!(summary(&json!({"msg": "hi"})), "hi");
        assert_eq!(
            summary(&json!({"msg": " ", "attachments": [{"title": "shot.png"}], "file": {"name": "other"}})),
            "shot.png"
        );
        assert_eq!(summary(&json!({"msg": "", "file": {"name": "manual.pdf"}})), "manual.pdf");
        assert_eq!(summary(&json!({"msg": ""})), "");
    }

    fn link(href: &str, text: &'static str) -> Segment<'static> {
        Link { href: href.into(), text: text.into() }
    }

    #[test]
    fn plain_text_and_line_breaks() {
        assert_eq!(segments("hello"), [Text("hello")]);
        assert_eq!(segments("a\nb\r\n\nc"), [Text("a"), LineBreak, Text("b"), LineBreak, LineBreak, Text("c")]);
        assert_eq!(segments(""), []);
        assert_eq!(segments("<b>not html</b>"), [Text("<b>not html</b>")]);
    }

    #[test]
    fn links() {
        assert_eq!(
            segments("see https://example.com/a?b=1, then"),
            [Text("see "), link("https://example.com/a?b=1", "https://example.com/a?b=1"), Text(", then")]
        );
        assert_eq!(segments("www.example.org."), [link("https://www.example.org", "www.example.org"), Text(".")]);
        assert_eq!(
            segments("(http://x.test/wiki/A_(b)) ok"),
            [Text("("), link("http://x.test/wiki/A_(b)", "http://x.test/wiki/A_(b)"), Text(") ok")]
        );
        assert_eq!(segments("mailto:ada@example.com"), [link("mailto:ada@example.com", "mailto:ada@example.com")]);
        assert_eq!(
            segments("two: http://a.test and HTTPS://B.test"),
            [
                Text("two: "),
                link("http://a.test", "http://a.test"),
                Text(" and "),
                link("HTTPS://B.test", "HTTPS://B.test")
            ]
        );
        assert_eq!(segments("é https://ü.test/ö"), [Text("é "), link("https://ü.test/ö", "https://ü.test/ö")]);
    }

    #[test]
    fn nothing_that_could_run_script() {
        assert_eq!(segments("javascript:alert(1)"), [Text("javascript:alert(1)")]);
        assert_eq!(segments("xhttp://a.test"), [Text("xhttp://a.test")]);
        assert_eq!(segments("http:// nothing"), [Text("http:// nothing")]);
        assert_eq!(segments("www. and www"), [Text("www. and www")]);
        for s in segments("https://a.test/\"onmouseover=alert(1) <script>") {
            if let Link { href, .. } = s {
                assert!(!href.contains('"') && !href.contains('<'), "{href}");
            }
        }
    }

    #[test]
    fn bidi_controls_in_links_show() {
        // A right-to-left override would show "photo<U+202E>gpj.exe" as "photoexe.jpg".
        let text = "see https://x.test/photo\u{202E}gpj.exe now";
        assert_eq!(
            segments(text),
            [
                Text("see "),
                Link {
                    href: "https://x.test/photo\u{202E}gpj.exe".into(),
                    text: "https://x.test/photo⟨U+202E⟩gpj.exe".into()
                },
                Text(" now")
            ]
        );
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
            '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            assert!(is_bidi_control(c), "{c:?}");
            let shown = visible_controls(&format!("a{c}b"));
            assert_eq!(shown, format!("a⟨U+{:04X}⟩b", c as u32));
            assert!(!shown.contains(is_bidi_control));
        }
        for c in ['a', 'ا', '\u{200D}', '\u{2029}', '\u{202F}', '\u{206A}', '\u{2065}'] {
            assert!(!is_bidi_control(c), "{c:?}");
        }
        // Nothing to show: the text as it is.
        assert_eq!(visible_controls("https://x.test/مرحبا"), "https://x.test/مرحبا");
        // Plain text keeps its characters (the widget isolates the whole message instead).
        assert_eq!(segments("a\u{202E}b"), [Text("a\u{202E}b")]);
    }

    #[test]
    fn names_are_isolated() {
        assert_eq!(isolate("Alex"), "\u{2068}Alex\u{2069}");
        assert_eq!(isolate("سارة"), "\u{2068}سارة\u{2069}");
        // A name cannot close the isolate early or override what follows.
        assert_eq!(isolate("x\u{2069}\u{202E}y"), "\u{2068}x⟨U+2069⟩⟨U+202E⟩y\u{2069}");
    }
}
