//! The tree of every kind of node and attachment, written out as markup for reading (the
//! renderer never writes markup: `show` is for these tests only, and escapes what it writes).

use super::*;
use livechat_wire::json::FromJson;
use serde_json::json;

pub(crate) fn show(nodes: &[Node]) -> String {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
    }
    nodes
        .iter()
        .map(|n| match n {
            Node::Text(t) => esc(t),
            Node::Time { millis, format } => format!("<time {millis} {format}>"),
            Node::El { tag, attrs, children } => {
                let attrs: String = attrs
                    .iter()
                    .map(|(k, v)| if v.is_empty() { format!(" {k}") } else { format!(" {k}=\"{}\"", esc(v)) })
                    .collect();
                format!("<{tag}{attrs}>{}</{tag}>", show(children))
            }
        })
        .collect()
}

fn links() -> Links {
    Links { server: "https://chat.example.com".into(), access: "rc_token=tok&rc_rid=r1&rc_room_type=l".into() }
}

fn texts() -> Texts {
    Texts { spoiler: "Spoiler".into(), download: "Download".into() }
}

fn table(code: &str) -> Option<String> {
    match code {
        "smile" => Some("😄".into()),
        "slight_smile" => Some("🙂".into()),
        "+1" => Some("👍".into()),
        _ => None,
    }
}

/// The tree of a message given as the server's JSON.
fn render_json(v: serde_json::Value) -> String {
    let m = Message::from_json(&v).unwrap();
    let (links, texts) = (links(), texts());
    show(&message(&m, &Context { links: &links, texts: &texts, emoji: &table }))
}

/// The tree of a message of `text` without `md` (parsed here).
fn render(text: &str) -> String {
    render_json(json!({"_id": "m1", "msg": text}))
}

fn no_table(_: &str) -> Option<String> {
    None
}

#[test]
fn inline_formatting() {
    assert_eq!(render("*Thanks!* Here is the _manual_"), "<p><strong>Thanks!</strong> Here is the <em>manual</em></p>");
    assert_eq!(render("~gone~ and `code <b>`"), "<p><del>gone</del> and <code>code &lt;b&gt;</code></p>");
    assert_eq!(render("*bold _both_*"), "<p><strong>bold <em>both</em></strong></p>");
    assert_eq!(
        render("hi @ada and #general"),
        "<p>hi <span class=\"lc-mention\">@ada</span> and <span class=\"lc-mention\">#general</span></p>"
    );
}

#[test]
fn blocks_of_every_kind() {
    assert_eq!(render("# Title\n## Sub"), "<h3>Title</h3><h4>Sub</h4>");
    assert_eq!(render("> quoted"), "<blockquote><p>quoted</p></blockquote>");
    assert_eq!(
        render("```rust\nfn main() {\n    x\n}\n```"),
        "<pre class=\"lc-code\" tabindex=\"0\" data-language=\"rust\"><code>fn main() {\n    x\n}</code></pre>"
    );
    assert_eq!(render("```\nplain\n```"), "<pre class=\"lc-code\" tabindex=\"0\"><code>plain</code></pre>");
    assert_eq!(render("- one\n- *two*"), "<ul><li>one</li><li><strong>two</strong></li></ul>");
    assert_eq!(render("1. one\n2. two"), "<ol><li value=\"1\">one</li><li value=\"2\">two</li></ol>");
    assert_eq!(
        render("- [x] done\n- [ ] todo"),
        "<ul class=\"lc-tasks\"><li><input type=\"checkbox\" disabled checked></input> done</li><li><input type=\"checkbox\" disabled></input> todo</li></ul>"
    );
    assert_eq!(render("a\n\nb"), "<p>a</p><br></br><p>b</p>");
    assert_eq!(render("---"), "<hr></hr>");
    assert_eq!(
        render("| a | b |\n|:--|--:|\n| 1 | 2 |"),
        "<div class=\"lc-scroll\" tabindex=\"0\"><table><thead><tr><th class=\"lc-left\">a</th><th class=\"lc-right\">b</th></tr></thead><tbody><tr><td class=\"lc-left\">1</td><td class=\"lc-right\">2</td></tr></tbody></table></div>"
    );
    assert_eq!(render("\\[x^2\\]"), "<pre class=\"lc-tex\" tabindex=\"0\">x^2</pre>");
    assert_eq!(render("inline \\(x\\)"), "<p>inline <code class=\"lc-tex\">x</code></p>");
}

#[test]
fn spoilers_are_disclosures() {
    assert_eq!(
        render("the end: ||he lives||"),
        "<p>the end: <details class=\"lc-spoiler\"><summary>Spoiler</summary>he lives</details></p>"
    );
}

#[test]
fn emoji_by_unicode_shortcode_and_emoticon() {
    assert_eq!(render("👍"), "<p class=\"lc-big-emoji\">👍</p>");
    assert_eq!(
        render(":smile: :)"),
        "<p class=\"lc-big-emoji\"><span class=\"lc-emoji\" role=\"img\" aria-label=\":smile:\">😄</span><span class=\"lc-emoji\" role=\"img\" aria-label=\":slight_smile:\">🙂</span></p>"
    );
    assert_eq!(
        render("ok :+1: thanks"),
        "<p>ok <span class=\"lc-emoji\" role=\"img\" aria-label=\":+1:\">👍</span> thanks</p>"
    );
    // Unknown to the table (or before it came): as written.
    assert_eq!(render("hey :nope_not_one: there"), "<p>hey :nope_not_one: there</p>");
    let m = Message::from_json(&json!({"_id": "m", "msg": "hi :smile:"})).unwrap();
    let (links, texts) = (links(), texts());
    assert_eq!(show(&message(&m, &Context { links: &links, texts: &texts, emoji: &no_table })), "<p>hi :smile:</p>");
    assert!(wants_emoji(&m));
    assert!(!wants_emoji(&Message::from_json(&json!({"_id": "m", "msg": "hi 👍 *there*"})).unwrap()));
    assert!(wants_emoji(&Message::from_json(&json!({"_id": "m", "msg": "- a :smile:"})).unwrap()));
}

#[test]
fn colours_and_timestamps() {
    assert_eq!(
        render("color:#ff0000"),
        "<p><span class=\"lc-color\"><span class=\"lc-swatch\" --lc-swatch=\"#ff0000\"></span>#ff0000</span></p>"
    );
    assert_eq!(render("at <t:1700000000:R>"), "<p>at <time 1700000000000 R></p>");
}

#[test]
fn links_keep_safe_schemes_only() {
    assert_eq!(
        render("see https://rocket.chat/docs"),
        "<p>see <a href=\"https://rocket.chat/docs\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://rocket.chat/docs</a></p>"
    );
    assert_eq!(
        render("[the manual](https://example.com/m)"),
        "<p><a href=\"https://example.com/m\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">the manual</a></p>"
    );
    assert_eq!(
        render("mail ada@example.com"),
        "<p>mail <a href=\"mailto:ada@example.com\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">ada@example.com</a></p>"
    );
    // A bare host is protocol-relative in the tree, `https` here.
    assert!(render("go to rocket.chat").contains("href=\"https://rocket.chat\""));
    for hostile in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ] {
        let out = render_json(json!({
            "_id": "m", "msg": "x",
            "md": [{"type": "PARAGRAPH", "value": [{"type": "LINK", "value": {"src": {"type": "PLAIN_TEXT", "value": hostile}, "label": [{"type": "PLAIN_TEXT", "value": "click"}]}}]}]
        }));
        assert_eq!(out, "<p><span>click</span></p>", "{hostile}");
    }
    // Bidirectional controls in a link's text show; the address is the one sent.
    assert_eq!(
        render("https://files.example/invoice\u{202E}gpj.exe"),
        "<p><a href=\"https://files.example/invoice\u{202E}gpj.exe\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://files.example/invoice⟨U+202E⟩gpj.exe</a></p>"
    );
    // Raw HTML in text is text.
    assert_eq!(render("<img src=x onerror=alert(1)>"), "<p>&lt;img src=x onerror=alert(1)&gt;</p>");
}

#[test]
fn addresses_resolve_against_the_server_with_access_on_its_own_files() {
    let l = links();
    assert_eq!(
        l.resolve("/file-upload/f1/a.png", Use::Media).as_deref(),
        Some("https://chat.example.com/file-upload/f1/a.png?rc_token=tok&rc_rid=r1&rc_room_type=l")
    );
    assert_eq!(
        l.resolve("https://chat.example.com/file-upload/f1/a.png?x=1", Use::Media).as_deref(),
        Some("https://chat.example.com/file-upload/f1/a.png?x=1&rc_token=tok&rc_rid=r1&rc_room_type=l")
    );
    // Not the server's files: no access.
    assert_eq!(l.resolve("/avatar/ada", Use::Media).as_deref(), Some("https://chat.example.com/avatar/ada"));
    assert_eq!(
        l.resolve("https://elsewhere.example/file-upload/f1/a.png", Use::Media).as_deref(),
        Some("https://elsewhere.example/file-upload/f1/a.png")
    );
    assert_eq!(
        l.resolve("https://chat.example.com.evil.example/file-upload/x", Use::Media).as_deref(),
        Some("https://chat.example.com.evil.example/file-upload/x")
    );
    assert_eq!(l.resolve("//cdn.example/a.png", Use::Media).as_deref(), Some("https://cdn.example/a.png"));
    // The access goes before a fragment, and only to the file route itself.
    assert_eq!(
        l.resolve("/file-upload/f1/a#b", Use::Media).as_deref(),
        Some("https://chat.example.com/file-upload/f1/a?rc_token=tok&rc_rid=r1&rc_room_type=l#b")
    );
    for elsewhere in ["/file-upload/../api/v1/me", "/file-upload/%2E%2E/x", "/file-upload/a\\..\\x"] {
        let url = l.resolve(elsewhere, Use::Media).unwrap();
        assert!(!url.contains("rc_token"), "{url}");
    }
    assert_eq!(l.resolve("mailto:a@b.c", Use::Media), None);
    assert_eq!(l.resolve("relative/path", Use::Link), None);
    assert_eq!(l.resolve("data:image/png;base64,AAAA", Use::Media), None);
}

fn image_message(url: &str) -> serde_json::Value {
    json!({
        "_id": "m2", "msg": "",
        "file": {"_id": "f1", "name": "shot 1.png", "type": "image/png", "size": 48213},
        "files": [{"_id": "f1", "name": "shot 1.png", "type": "image/png", "size": 48213}],
        "attachments": [{
            "title": "shot 1.png", "type": "file", "description": "the error",
            "title_link": url, "title_link_download": true,
            "image_url": url, "image_type": "image/png", "image_size": 48213,
            "image_dimensions": {"width": 800, "height": 600}
        }]
    })
}

#[test]
fn images_are_sized_lazy_and_open_full_size() {
    assert_eq!(
        render_json(image_message("/file-upload/f1/shot%201.png")),
        "<figure class=\"lc-image\"><a href=\"https://chat.example.com/file-upload/f1/shot%201.png?rc_token=tok&amp;rc_rid=r1&amp;rc_room_type=l\" target=\"_blank\" rel=\"noopener noreferrer nofollow\"><img src=\"https://chat.example.com/file-upload/f1/shot%201.png?rc_token=tok&amp;rc_rid=r1&amp;rc_room_type=l\" alt=\"the error\" loading=\"lazy\" width=\"800\" height=\"600\"></img></a><figcaption>the error</figcaption></figure>"
    );
    // A script address is no image: the attachment shows as a title without a link.
    let out = render_json(image_message("javascript:alert(1)"));
    assert!(!out.contains("javascript") && !out.contains("<img") && !out.contains("href"), "{out}");
    assert!(out.contains("shot 1.png"), "{out}");
}

#[test]
fn files_are_cards_with_name_kind_size_and_download() {
    let pdf = json!({
        "_id": "m3", "msg": "",
        "file": {"_id": "f2", "name": "manual.pdf", "type": "application/pdf", "size": 1_572_864},
        "attachments": [{"title": "manual.pdf", "type": "file", "format": "pdf", "size": 1_572_864,
            "title_link": "/file-upload/f2/manual.pdf", "title_link_download": true}]
    });
    assert_eq!(
        render_json(pdf),
        "<div class=\"lc-attachment\"><a class=\"lc-file\" href=\"https://chat.example.com/file-upload/f2/manual.pdf?rc_token=tok&amp;rc_rid=r1&amp;rc_room_type=l\" target=\"_blank\" rel=\"noopener noreferrer nofollow\" download=\"manual.pdf\"><span class=\"lc-file-name\">manual.pdf</span><span class=\"lc-file-meta\">PDF · 1.5 MB</span><span class=\"lc-file-action\">Download</span></a></div>"
    );
    // Files without attachments (an older message): cards from `files`, names encoded as
    // Rocket.Chat writes them.
    let out = render_json(
        json!({"_id": "m", "msg": "", "files": [{"_id": "f3", "name": "a b#1.txt", "type": "text/plain", "size": 812}]}),
    );
    assert!(
        out.contains(
            "href=\"https://chat.example.com/file-upload/f3/a%20b?rc_token=tok&amp;rc_rid=r1&amp;rc_room_type=l#1.txt\""
        ),
        "{out}"
    );
    assert!(out.contains("PLAIN · 812 B"), "{out}");
    // Markup in a name is text.
    let out = render_json(
        json!({"_id": "m", "msg": "", "file": {"_id": "f4", "name": "<script>alert(1)</script>.html", "type": "text/html"}}),
    );
    assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;.html") && !out.contains("<script>"), "{out}");
}

#[test]
fn audio_and_video_players() {
    let out = render_json(json!({"_id": "m", "msg": "", "attachments": [
        {"title": "note.ogg", "type": "file", "audio_url": "/file-upload/f5/note.ogg", "audio_type": "audio/ogg", "audio_size": 2048},
        {"title": "clip.mp4", "type": "file", "video_url": "/file-upload/f6/clip.mp4", "video_type": "video/mp4"}
    ]}));
    assert!(out.starts_with("<figure class=\"lc-audio\"><audio controls preload=\"none\" src=\"https://chat.example.com/file-upload/f5/note.ogg?rc_token="), "{out}");
    assert!(out.contains("aria-label=\"note.ogg\""), "{out}");
    assert!(out.contains("<span class=\"lc-file-meta\">OGG · 2.0 KB</span>"), "{out}");
    assert!(out.contains("<figure class=\"lc-video\"><video controls preload=\"metadata\" src=\"https://chat.example.com/file-upload/f6/clip.mp4?rc_token="), "{out}");
}

#[test]
fn quotes_and_unknown_attachments() {
    let out = render_json(json!({"_id": "m", "msg": "see this", "attachments": [{
        "author_name": "<b>Ada</b>", "text": "*was* said", "message_link": "https://chat.example.com/live/r1?msg=m0",
        "attachments": [{"title": "inner", "text": "deep"}]
    }]}));
    assert_eq!(
        out,
        "<p>see this</p><blockquote class=\"lc-quote\"><cite>&lt;b&gt;Ada&lt;/b&gt;</cite><p><strong>was</strong> said</p><div class=\"lc-attachment\"><p class=\"lc-attachment-title\"><strong>inner</strong></p><p>deep</p></div></blockquote>"
    );
    let out = render_json(
        json!({"_id": "m", "msg": "", "attachments": [{"title": "Order #5", "title_link": "javascript:x", "text": "2 items"}]}),
    );
    assert_eq!(
        out,
        "<div class=\"lc-attachment\"><p class=\"lc-attachment-title\"><strong>Order #5</strong></p><p>2 items</p></div>"
    );
}

#[test]
fn md_from_the_server_wins_and_unknown_nodes_degrade_to_text() {
    let out = render_json(json!({"_id": "m", "msg": "*x*", "md": [
        {"type": "PARAGRAPH", "value": [{"type": "PLAIN_TEXT", "value": "from the tree"}]},
        {"type": "FUTURE_BLOCK", "value": [{"type": "PLAIN_TEXT", "value": "kept as text"}]}
    ]}));
    assert_eq!(out, "<p>from the tree</p><p>kept as text</p>");
    // An empty tree with text: the text shows.
    assert_eq!(render_json(json!({"_id": "m", "msg": "plain", "md": []})), "<p>plain</p>");
}

#[test]
fn sizes() {
    assert_eq!(size(0), "0 B");
    assert_eq!(size(1023), "1023 B");
    assert_eq!(size(1024), "1.0 KB");
    assert_eq!(size(48_213), "47 KB");
    assert_eq!(size(1_572_864), "1.5 MB");
    assert_eq!(size(u64::MAX), "17179869184 GB");
}

#[test]
fn files_on_their_way() {
    use livechat_client::api::Error;
    use livechat_client::session::uploads::Uploads;
    let texts: Vec<String> =
        ["Cancel", "Retry", "Delete", "Type", "Large", "Off", "Not sent"].map(String::from).to_vec();
    let mut u = Uploads::default();
    let a = u.add("<b>a</b>.png", 1);
    let b = u.add("b.svg", 1);
    let c = u.add("c.zip", 1);
    u.next(&[]);
    u.progress(a, 0.456);
    assert_eq!(
        show(&uploads(&u.list()[..1], &texts)),
        "<li class=\"lc-upload\" data-id=\"1\"><span class=\"lc-upload-name\">&lt;b&gt;a&lt;/b&gt;.png</span><progress max=\"100\" value=\"45\" aria-label=\"&lt;b&gt;a&lt;/b&gt;.png\" data-id=\"1\"></progress><button type=\"button\" class=\"lc-link\" data-action=\"cancel\" data-id=\"1\">Cancel</button></li>"
    );
    let refused = |code: &str| Error::Http { endpoint: "x", status: 400, error: Some(code.into()), error_type: None };
    u.failed(a, &refused("error-file-too-large"));
    u.next(&[]);
    u.failed(b, &refused("error-type-not-allowed"));
    u.next(&[]);
    u.failed(c, &Error::Network { endpoint: "x", detail: String::new() });
    let out = show(&uploads(u.list(), &texts));
    assert!(out.contains("<span class=\"lc-upload-error\" role=\"alert\">Large</span><button type=\"button\" class=\"lc-link\" data-action=\"retry\" data-id=\"1\">Retry</button><button type=\"button\" class=\"lc-link\" data-action=\"delete\" data-id=\"1\">Delete</button>"), "{out}");
    assert!(out.contains("role=\"alert\">Type</span>") && out.contains("role=\"alert\">Not sent</span>"), "{out}");
    assert!(!out.contains("progress"), "failed files show no progress");
}

#[test]
fn the_card_of_a_proactive_message() {
    assert_eq!(
        show(&[proactive_card("Ann <Sales>", "Hi! <b>Need help?</b>", "Dismiss")]),
        "<div class=\"lc-card\" role=\"status\"><button type=\"button\" data-action=\"open\" class=\"lc-card-open\" aria-controls=\"lc-window\"><strong>Ann &lt;Sales&gt;</strong><span>Hi! &lt;b&gt;Need help?&lt;/b&gt;</span></button><button type=\"button\" data-action=\"dismiss\" class=\"lc-card-close\" aria-label=\"Dismiss\">\u{d7}</button></div>"
    );
}
