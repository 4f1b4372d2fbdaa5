//! The tree's JSON: Rocket.Chat's shapes decode, serde writes them back, and both read alike.

use super::*;

fn t(s: &str) -> Inline {
    Inline::Text(s.into())
}

fn decode(json: &str) -> Md {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    Md::from_json(&value).unwrap()
}

/// Every node kind, as Rocket.Chat's parser writes it (0.32.0).
const ALL_KINDS: &str = r#"[
  {"type":"PARAGRAPH","value":[
    {"type":"PLAIN_TEXT","value":"a "},
    {"type":"BOLD","value":[{"type":"ITALIC","value":[{"type":"STRIKE","value":[{"type":"PLAIN_TEXT","value":"x"}]}]}]},
    {"type":"SPOILER","value":[{"type":"PLAIN_TEXT","value":"hidden"}]},
    {"type":"INLINE_CODE","value":{"type":"PLAIN_TEXT","value":"code"}},
    {"type":"LINK","value":{"src":{"type":"PLAIN_TEXT","value":"https://rocket.chat"},"label":[{"type":"PLAIN_TEXT","value":"RC"}]}},
    {"type":"IMAGE","value":{"src":{"type":"PLAIN_TEXT","value":"https://x/i.png"},"label":{"type":"PLAIN_TEXT","value":"alt"}}},
    {"type":"MENTION_USER","value":{"type":"PLAIN_TEXT","value":"rocket.cat"}},
    {"type":"MENTION_CHANNEL","value":{"type":"PLAIN_TEXT","value":"general"}},
    {"type":"EMOJI","value":{"type":"PLAIN_TEXT","value":"smile"},"shortCode":"smile"},
    {"type":"EMOJI","value":{"type":"PLAIN_TEXT","value":":)"},"shortCode":"slight_smile"},
    {"type":"EMOJI","unicode":"😀"},
    {"type":"COLOR","value":{"r":204,"g":204,"b":204,"a":255}},
    {"type":"TIMESTAMP","value":{"timestamp":"1708551317","format":"R"},"fallback":[0,16]},
    {"type":"INLINE_KATEX","value":"E = mc^2"}
  ]},
  {"type":"HEADING","level":2,"value":[{"type":"PLAIN_TEXT","value":"Title"}]},
  {"type":"QUOTE","value":[{"type":"PARAGRAPH","value":[{"type":"PLAIN_TEXT","value":"quoted"}]}]},
  {"type":"CODE","language":"js","value":[{"type":"CODE_LINE","value":{"type":"PLAIN_TEXT","value":"let a = 1;"}},{"type":"CODE_LINE","value":{"type":"PLAIN_TEXT","value":""}}]},
  {"type":"UNORDERED_LIST","value":[{"type":"LIST_ITEM","value":[{"type":"PLAIN_TEXT","value":"one"}]}]},
  {"type":"ORDERED_LIST","value":[{"type":"LIST_ITEM","value":[{"type":"PLAIN_TEXT","value":"seven"}],"number":7},{"type":"LIST_ITEM","value":[{"type":"PLAIN_TEXT","value":"zero"}],"number":0}]},
  {"type":"TASKS","value":[{"type":"TASK","status":true,"value":[{"type":"PLAIN_TEXT","value":"done"}]},{"type":"TASK","status":false,"value":[{"type":"PLAIN_TEXT","value":"todo"}]}]},
  {"type":"LINE_BREAK"},
  {"type":"KATEX","value":"x^2"},
  {"type":"SPOILER_BLOCK","value":[{"type":"PARAGRAPH","value":[{"type":"PLAIN_TEXT","value":"hidden"}]}]},
  {"type":"HORIZONTAL_RULE","fallback":[6,9]},
  {"type":"TABLE","value":{"header":[{"type":"TABLE_CELL","align":"left","value":[{"type":"PLAIN_TEXT","value":"a"}]},{"type":"TABLE_CELL","value":[{"type":"PLAIN_TEXT","value":"b"}]}],
    "rows":[{"type":"TABLE_ROW","value":[{"type":"TABLE_CELL","align":"left","value":[{"type":"PLAIN_TEXT","value":"x | y"}]},{"type":"TABLE_CELL","value":[{"type":"PLAIN_TEXT","value":"z"}]}]}]},"fallback":[0,31]}
]"#;

fn all_kinds() -> Root {
    vec![
        Block::Paragraph(vec![
            t("a "),
            Inline::Bold(vec![Inline::Italic(vec![Inline::Strike(vec![t("x")])])]),
            Inline::Spoiler(vec![t("hidden")]),
            Inline::Code("code".into()),
            Inline::Link { src: "https://rocket.chat".into(), label: vec![t("RC")] },
            Inline::Image { src: "https://x/i.png".into(), label: "alt".into() },
            Inline::MentionUser("rocket.cat".into()),
            Inline::MentionChannel("general".into()),
            Inline::Emoji(Emoji::short("smile")),
            Inline::Emoji(Emoji::emoticon(":)", "slight_smile")),
            Inline::Emoji(Emoji::unicode("😀")),
            Inline::Color { r: 204, g: 204, b: 204, a: 255 },
            Inline::Timestamp { timestamp: "1708551317".into(), format: "R".into(), fallback: Some([0, 16]) },
            Inline::Katex("E = mc^2".into()),
        ]),
        Block::Heading { level: 2, value: vec![t("Title")] },
        Block::Quote(vec![Block::Paragraph(vec![t("quoted")])]),
        Block::Code { language: "js".into(), lines: vec!["let a = 1;".into(), String::new()] },
        Block::UnorderedList(vec![ListItem { value: vec![t("one")], number: None }]),
        Block::OrderedList(vec![
            ListItem { value: vec![t("seven")], number: Some(7) },
            ListItem { value: vec![t("zero")], number: Some(0) },
        ]),
        Block::Tasks(vec![
            Task { status: true, value: vec![t("done")] },
            Task { status: false, value: vec![t("todo")] },
        ]),
        Block::LineBreak,
        Block::Katex("x^2".into()),
        Block::SpoilerBlock(vec![Block::Paragraph(vec![t("hidden")])]),
        Block::HorizontalRule { fallback: Some([6, 9]) },
        Block::Table {
            header: vec![
                Cell { align: Some(Align::Left), value: vec![t("a")] },
                Cell { align: None, value: vec![t("b")] },
            ],
            rows: vec![vec![
                Cell { align: Some(Align::Left), value: vec![t("x | y")] },
                Cell { align: None, value: vec![t("z")] },
            ]],
            fallback: Some([0, 31]),
        },
    ]
}

#[test]
fn every_node_kind_decodes() {
    assert_eq!(decode(ALL_KINDS), Md(all_kinds()));
}

#[test]
fn serde_writes_what_rocket_chat_writes_and_reads_it_back() {
    let written = serde_json::to_value(Md(all_kinds())).unwrap();
    let expected: serde_json::Value = serde_json::from_str(ALL_KINDS).unwrap();
    assert_eq!(written, expected);
    let read: Md = serde_json::from_str(ALL_KINDS).unwrap();
    assert_eq!(read, Md(all_kinds()), "serde reads through the same decoder");
}

#[test]
fn big_emoji_and_shortcodes() {
    let md = decode(
        r#"[{"type":"BIG_EMOJI","value":[{"type":"EMOJI","value":{"type":"PLAIN_TEXT","value":"smile"},"shortCode":"smile"},{"type":"EMOJI","unicode":"👆🏽"}]}]"#,
    );
    assert_eq!(md, Md(vec![Block::BigEmoji(vec![Emoji::short("smile"), Emoji::unicode("👆🏽")])]));
    assert_eq!(Emoji::short("smile").written(), ":smile:");
    assert_eq!(Emoji::emoticon(":)", "slight_smile").written(), ":)");
    assert_eq!(Emoji::unicode("👍").written(), "👍");
}

#[test]
fn what_is_not_rocket_chat_s_tree_degrades_to_its_text() {
    // Kinds from a newer parser keep their text; broken nodes and values lose only their form.
    let md = decode(
        r#"[{"type":"FANCY_BLOCK","value":[{"type":"PLAIN_TEXT","value":"new "},{"type":"BOLD","value":[{"type":"PLAIN_TEXT","value":"kind"}]}]},
            {"type":"PARAGRAPH","value":[{"type":"SPARKLE","value":{"type":"PLAIN_TEXT","value":"shiny"}},{"value":"no type"},42]},
            "just a string",
            {"type":"HEADING","level":9,"value":"not a list"},
            {"type":"LINK"}]"#,
    );
    assert_eq!(
        md,
        Md(vec![
            Block::Unknown("new kind".into()),
            Block::Paragraph(vec![
                Inline::Unknown("shiny".into()),
                Inline::Unknown("no type".into()),
                Inline::Unknown(String::new())
            ]),
            Block::Unknown("just a string".into()),
            Block::Heading { level: 4, value: vec![] },
            Block::Unknown(String::new()),
        ])
    );
    for not_a_tree in ["null", "{}", "\"text\"", "7"] {
        assert_eq!(decode(not_a_tree), Md::default(), "{not_a_tree}");
    }
}

#[test]
fn a_link_without_label_shows_its_address() {
    let md = decode(
        r#"[{"type":"PARAGRAPH","value":[{"type":"LINK","value":{"src":{"type":"PLAIN_TEXT","value":"//google.com"},"label":[]}}]}]"#,
    );
    assert_eq!(
        md,
        Md(vec![Block::Paragraph(vec![Inline::Link { src: "//google.com".into(), label: vec![t("//google.com")] }])])
    );
}

#[test]
fn inline_text_reads_like_the_message() {
    let Block::Paragraph(inlines) = &all_kinds()[0] else { unreachable!() };
    assert_eq!(
        inline_text(inlines),
        "a xhiddencodeRCalt@rocket.cat#general:smile::)😀color:#ccccccff<t:1708551317:R>E = mc^2"
    );
}
