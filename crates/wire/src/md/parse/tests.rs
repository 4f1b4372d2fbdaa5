//! The parser against `@rocket.chat/message-parser` 0.32.0's own outputs (the examples of the
//! spec, §3), the grammar's corner cases (§2), and hostile input.
//!
//! Long on purpose: about 280 cases, one table per part of the grammar, each a line or two.

use super::{Options, parse};
use crate::md::{Align, Block, Cell, Emoji, Inline, ListItem, Root, Task};

// ---- constructors, in the spec's notation ------------------------------------------------------

fn t(s: &str) -> Inline {
    Inline::Text(s.to_owned())
}
fn b(v: &[Inline]) -> Inline {
    Inline::Bold(v.to_vec())
}
fn i(v: &[Inline]) -> Inline {
    Inline::Italic(v.to_vec())
}
fn s(v: &[Inline]) -> Inline {
    Inline::Strike(v.to_vec())
}
fn sp(v: &[Inline]) -> Inline {
    Inline::Spoiler(v.to_vec())
}
fn ic(code: &str) -> Inline {
    Inline::Code(code.to_owned())
}
fn l(src: &str, label: &[Inline]) -> Inline {
    Inline::Link { src: src.to_owned(), label: label.to_vec() }
}
/// A link whose label is its text (autolinks).
fn al(src: &str, text: &str) -> Inline {
    l(src, &[t(text)])
}
fn img(src: &str, label: &str) -> Inline {
    Inline::Image { src: src.to_owned(), label: label.to_owned() }
}
fn mu(name: &str) -> Inline {
    Inline::MentionUser(name.to_owned())
}
fn mc(name: &str) -> Inline {
    Inline::MentionChannel(name.to_owned())
}
/// A shortcode emoji, `E(name)`.
fn e(name: &str) -> Emoji {
    Emoji::short(name)
}
/// A Unicode emoji, `U(😀)`.
fn u(emoji: &str) -> Emoji {
    Emoji::unicode(emoji)
}
/// An emoticon, `EMOJI(":)", slight_smile)`.
fn emo(raw: &str, code: &str) -> Emoji {
    Emoji::emoticon(raw, code)
}
fn em(emoji: Emoji) -> Inline {
    Inline::Emoji(emoji)
}
fn ts(timestamp: &str, format: &str, fallback: [u32; 2]) -> Inline {
    Inline::Timestamp { timestamp: timestamp.to_owned(), format: format.to_owned(), fallback: Some(fallback) }
}
fn kx(tex: &str) -> Inline {
    Inline::Katex(tex.to_owned())
}
fn color(r: u8, g: u8, b: u8, a: u8) -> Inline {
    Inline::Color { r, g, b, a }
}

fn p(v: &[Inline]) -> Block {
    Block::Paragraph(v.to_vec())
}
/// A paragraph of one text.
fn pt(text: &str) -> Block {
    p(&[t(text)])
}
fn lb() -> Block {
    Block::LineBreak
}
fn q(v: &[Block]) -> Block {
    Block::Quote(v.to_vec())
}
fn h(level: u8, v: &[Inline]) -> Block {
    Block::Heading { level, value: v.to_vec() }
}
fn code(language: &str, lines: &[&str]) -> Block {
    Block::Code { language: language.to_owned(), lines: lines.iter().map(|l| l.to_string()).collect() }
}
fn ul(items: &[&[Inline]]) -> Block {
    Block::UnorderedList(items.iter().map(|v| ListItem { value: v.to_vec(), number: None }).collect())
}
fn ol(items: &[(u64, &[Inline])]) -> Block {
    Block::OrderedList(items.iter().map(|(n, v)| ListItem { value: v.to_vec(), number: Some(*n) }).collect())
}
fn tasks(items: &[(bool, &[Inline])]) -> Block {
    Block::Tasks(items.iter().map(|(status, v)| Task { status: *status, value: v.to_vec() }).collect())
}
fn hr(from: u32, to: u32) -> Block {
    Block::HorizontalRule { fallback: Some([from, to]) }
}
fn sb(v: &[Block]) -> Block {
    Block::SpoilerBlock(v.to_vec())
}
fn big(v: &[Emoji]) -> Block {
    Block::BigEmoji(v.to_vec())
}
fn cell(align: Option<Align>, v: &[Inline]) -> Cell {
    Cell { align, value: v.to_vec() }
}

// ---- options -----------------------------------------------------------------------------------

/// A few public suffixes, standing in for the Public Suffix List `tldts` reads.
fn psl(host: &str) -> bool {
    const SUFFIXES: &[&str] =
        &["com", "chat", "org", "net", "io", "br", "com.br", "no", "bar", "zip", "xyz", "github.io"];
    SUFFIXES.iter().any(|suffix| host == *suffix || host.ends_with(&format!(".{suffix}")))
}

/// `{}` as the JavaScript tests pass it (with a public suffix list).
fn plain() -> Options {
    Options { public_suffix: Some(psl), ..Options::default() }
}

fn with(f: impl FnOnce(&mut Options)) -> Options {
    let mut options = plain();
    f(&mut options);
    options
}

/// Parses each input and compares, naming the failing input.
fn check(options: &Options, cases: &[(&str, Root)]) {
    for (input, expected) in cases {
        assert_eq!(&parse(input, options), expected, "input {input:?}");
    }
}

// ---- the spec's §3 examples --------------------------------------------------------------------

#[test]
fn spec_emphasis() {
    check(
        &plain(),
        &[
            ("__italic__non", vec![pt("__italic__non")]),
            ("pre__italic__post", vec![pt("pre__italic__post")]),
            (
                "some_snake_case_text and some __italic__ text",
                vec![p(&[t("some_snake_case_text and some "), i(&[t("italic")]), t(" text")])],
            ),
            ("_hello_text", vec![pt("_hello_text")]),
            ("He_llo", vec![pt("He_llo")]),
            ("___Hello___", vec![p(&[t("_"), i(&[t("Hello")]), t("_")])]),
            ("___Hello__", vec![p(&[t("_"), i(&[t("Hello")])])]),
            ("_ _", vec![pt("_ _")]),
            ("** **", vec![pt("** **")]),
            ("**", vec![pt("**")]),
            ("_ Hello_", vec![p(&[i(&[t(" Hello")])])]),
            ("* Hello*", vec![p(&[b(&[t(" Hello")])])]),
            ("text*hello*text", vec![p(&[t("text"), b(&[t("hello")]), t("text")])]),
            ("He was a**nn**oyed", vec![p(&[t("He was a"), b(&[t("nn")]), t("oyed")])]),
            ("***Hello***", vec![p(&[t("*"), b(&[t("Hello")]), t("*")])]),
            ("*Hello**", vec![p(&[b(&[t("Hello")]), t("*")])]),
            (
                " pre__**~~boldstrikeitalic~~**__post ",
                vec![p(&[t(" pre__"), b(&[s(&[t("boldstrikeitalic")])]), t("__post ")])],
            ),
            ("plain **__~~strikeitalicbold~~__**", vec![p(&[t("plain "), b(&[i(&[s(&[t("strikeitalicbold")])])])])]),
            ("*__~bolditalicstrike~_*", vec![p(&[b(&[t("_"), i(&[s(&[t("bolditalicstrike")])])])])]),
            (
                "**bold ~~and strike~~** **not bold ~~but strike** ~~ not strike~~",
                vec![p(&[
                    b(&[t("bold "), s(&[t("and strike")])]),
                    t(" **not bold "),
                    s(&[t("but strike** ")]),
                    t(" not strike~~"),
                ])],
            ),
            ("_nothing `should` be _gone", vec![p(&[t("_nothing "), ic("should"), t(" be _gone")])]),
            ("_@mention _gone", vec![p(&[t("_"), mu("mention"), t(" _gone")])]),
            ("_ @guilherme_gazzo_ _", vec![p(&[i(&[t(" "), mu("guilherme_gazzo_"), t(" ")])])]),
            (
                "**reference link inside [emphasis with more [references](https://rocket.chat)](https://rocket.chat)**",
                vec![p(&[b(&[
                    t("reference link inside "),
                    l("https://rocket.chat", &[t("emphasis with more [references")]),
                    t("](https://rocket.chat)"),
                ])])],
            ),
            ("*bold with a kissing emoji :* *", vec![p(&[b(&[t("bold with a kissing emoji :")]), t(" *")])]),
            ("_example.com", vec![pt("_example.com")]),
            ("_example.com_", vec![p(&[i(&[t("example.com")])])]),
            ("~~Hello~", vec![p(&[t("~"), s(&[t("Hello")])])]),
            (":custom~emoji~case:", vec![p(&[t(":custom"), s(&[t("emoji")]), t("case:")])]),
        ],
    );
    check(
        &with(|o| o.emoticons = true),
        &[(
            "*bold with a kissing emoji :* *",
            vec![p(&[b(&[t("bold with a kissing emoji "), em(emo(":*", "kissing_heart")), t(" ")])])],
        )],
    );
}

#[test]
fn spec_emoji() {
    check(
        &plain(),
        &[
            (":smile: asd", vec![p(&[em(e("smile")), t(" asd")])]),
            (":smile:asd", vec![pt(":smile:asd")]),
            ("text:inner:outer", vec![pt("text:inner:outer")]),
            ("\" :smile: \"", vec![p(&[t("\" "), em(e("smile")), t(" \"")])]),
            ("\":smile:\"", vec![pt("\":smile:\"")]),
            (":smile::smile::smile:", vec![big(&[e("smile"), e("smile"), e("smile")])]),
            ("\n :smile::smile::smile: \n", vec![big(&[e("smile"), e("smile"), e("smile")])]),
            (":smile::smile::smile::smile:", vec![pt(":smile::smile::smile::smile:")]),
            ("👆🏽👆🏽", vec![big(&[u("👆🏽"), u("👆🏽")])]),
            ("👆🏺", vec![big(&[u("👆"), u("🏺")])]),
            ("Hi 👍", vec![p(&[t("Hi "), em(u("👍"))])]),
        ],
    );
    check(
        &with(|o| o.emoticons = true),
        &[
            (":) :)", vec![big(&[emo(":)", "slight_smile"), emo(":)", "slight_smile")])]),
            ("Hi:)", vec![pt("Hi:)")]),
            (":)10:30", vec![pt(":)10:30")]),
            ("normal emojis :):):)", vec![pt("normal emojis :):):)")]),
            ("D:", vec![big(&[emo("D:", "fearful")])]),
        ],
    );
}

#[test]
fn spec_blocks() {
    check(
        &plain(),
        &[
            ("test\n\n\n\ntest2\n", vec![pt("test"), lb(), lb(), lb(), pt("test2")]),
            (
                "As Rocket Cat said:\n> *meowww*\n> grr.",
                vec![pt("As Rocket Cat said:"), q(&[p(&[b(&[t("meowww")])]), pt("grr.")])],
            ),
            ("<https://domain.com|Test\n> quote here", vec![pt("<https://domain.com|Test"), q(&[pt("quote here")])]),
            (
                "- First item\n* Second item\n* Third item\n* *Fourth item*",
                vec![
                    ul(&[&[t("First item")]]),
                    ul(&[&[t("Second item")], &[t("Third item")], &[b(&[t("Fourth item")])]]),
                ],
            ),
            ("7. First item\n2. Second item", vec![ol(&[(7, &[t("First item")]), (2, &[t("Second item")])])]),
            (
                "- [ ] this is an incomplete item\n- [x] @mentions, #refs, [links](http://localhost), **formatting**",
                vec![tasks(&[
                    (false, &[t("this is an incomplete item")]),
                    (
                        true,
                        &[
                            mu("mentions"),
                            t(", "),
                            mc("refs"),
                            t(", "),
                            l("http://localhost", &[t("links")]),
                            t(", "),
                            b(&[t("formatting")]),
                        ],
                    ),
                ])],
            ),
            ("```\ncode\n\n\n```", vec![code("none", &["code", "", ""])]),
            ("```bash c\ncode\n```", vec![code("bash c", &["code"])]),
            ("  ```\ncode\n```", vec![pt("  ```"), pt("code"), pt("```")]),
            ("```\n# code\n**code**\n```", vec![code("none", &["# code", "**code**"])]),
            ("# Hello\n", vec![h(1, &[t("Hello")])]),
            ("#Hello#", vec![p(&[mc("Hello"), t("#")])]),
            ("####Hello", vec![pt("####Hello")]),
            ("# # Hello", vec![h(1, &[t("# Hello")])]),
        ],
    );
}

#[test]
fn spec_links() {
    let github = "https://github.com/RocketChat/Rocket.Chat/issues/24929";
    let rc = "https://rocket.chat";
    let odd = "https://www.rocket.chat/(W(601))/Main?ScreenId=GI000027";
    check(
        &plain(),
        &[
            ("[](https://rocket.chat)", vec![p(&[l(rc, &[t(rc)])])]),
            ("[__**~~title~~**__](https://rocket.chat)", vec![p(&[l(rc, &[i(&[b(&[s(&[t("title")])])])])])]),
            (
                "the [Jira [Task] parentheses not working](rocket.chat)",
                vec![p(&[t("the "), l("rocket.chat", &[t("Jira [Task] parentheses not working")])])],
            ),
            (
                "([Github Issue: #24929](https://github.com/RocketChat/Rocket.Chat/issues/24929))",
                vec![p(&[t("("), l(github, &[t("Github Issue: #24929")]), t(")")])],
            ),
            ("google.com", vec![p(&[al("//google.com", "google.com")])]),
            ("rocket.chat:8080", vec![p(&[al("rocket.chat:8080", "rocket.chat:8080")])]),
            ("https://77.77", vec![pt("https://77.77")]),
            ("test.9gag", vec![pt("test.9gag")]),
            (
                "Hey check it out the best communication platform https://rocket.chat! There is not discussion about it.",
                vec![p(&[
                    t("Hey check it out the best communication platform "),
                    al(rc, rc),
                    t("! There is not discussion about it."),
                ])],
            ),
            ("app...https://rocket.chat https://rocket.chat", vec![p(&[t("app...https://rocket.chat "), al(rc, rc)])]),
            (odd, vec![p(&[al(odd, odd)])]),
            ("gitlab.local", vec![pt("gitlab.local")]),
        ],
    );
    check(
        &with(|o| o.custom_domains = vec!["local".to_owned()]),
        &[("gitlab.local", vec![p(&[al("//gitlab.local", "gitlab.local")])])],
    );
}

#[test]
fn spec_mentions_timestamps_spoilers() {
    check(
        &plain(),
        &[
            ("@guilherme.gazzo. ", vec![p(&[mu("guilherme.gazzo."), t(" ")])]),
            ("@user:server.com", vec![p(&[mu("user:server.com")])]),
            ("test @Кириллица test", vec![p(&[t("test "), mu("Кириллица"), t(" test")])]),
            ("<t:1708551317:R>", vec![p(&[ts("1708551317", "R", [0, 16])])]),
            ("<t:1708551317:I>", vec![pt("<t:1708551317:I>")]),
            ("<t:17>", vec![pt("<t:17>")]),
            ("*<t:1708551317>*", vec![p(&[b(&[ts("1708551317", "t", [1, 15])])])]),
            ("<t:2025-07-22T10:00:00.000+00:00:R>", vec![p(&[ts("1753178400", "R", [0, 35])])]),
            ("||spoiler **bold**||", vec![p(&[sp(&[t("spoiler "), b(&[t("bold")])])])]),
            ("||||", vec![pt("||||")]),
            ("|single pipe|", vec![pt("|single pipe|")]),
            ("before\n||\nhidden\n||\nafter", vec![pt("before"), sb(&[pt("hidden")]), lb(), pt("after")]),
        ],
    );
}

#[test]
fn spec_escapes_colors_katex_rules_tables() {
    check(
        &plain(),
        &[
            ("\\*escaped as*bold*escaped*", vec![p(&[t("*escaped as"), b(&[t("bold")]), t("escaped*")])]),
            ("1\\. not a list", vec![pt("1. not a list")]),
            ("\\<br/> tag plain text", vec![pt("\\<br/> tag plain text")]),
            ("color:#c7c7c7c7", vec![pt("color:#c7c7c7c7")]),
            ("above\n---\nbelow", vec![pt("above"), hr(6, 9), pt("below")]),
            ("***", vec![pt("***")]),
            ("***bold italic***", vec![p(&[t("*"), b(&[t("bold italic")]), t("*")])]),
            (
                "| a | b |\n| - | - |\n| x \\| y | z |",
                vec![Block::Table {
                    header: vec![cell(None, &[t("a")]), cell(None, &[t("b")])],
                    rows: vec![vec![cell(None, &[t("x | y")]), cell(None, &[t("z")])]],
                    fallback: Some([0, 34]),
                }],
            ),
            ("| just | text |", vec![pt("| just | text |")]),
        ],
    );
    check(
        &with(|o| o.colors = true),
        &[("color:#c7c7c7c7", vec![p(&[color(199, 199, 199, 199)])]), ("color:#c7", vec![pt("color:#c7")])],
    );
    check(
        &with(|o| o.katex_parenthesis = true),
        &[("Easy as \\(E = mc^2\\), right?", vec![p(&[t("Easy as "), kx("E = mc^2"), t(", right?")])])],
    );
}

// ---- the grammar's corners (spec §2) -----------------------------------------------------------

#[test]
fn empty_and_line_ends() {
    assert_eq!(parse("", &plain()), Vec::<Block>::new());
    check(
        &plain(),
        &[
            ("a\nb", vec![pt("a"), pt("b")]),
            ("a\n\nb", vec![pt("a"), lb(), pt("b")]),
            ("\na", vec![lb(), pt("a")]),
            ("a\n  ", vec![pt("a"), pt("  ")]),
            ("  \t\na", vec![lb(), pt("a")]),
            // CRLF: the `\r` stays in the text, the line still ends at `\n`.
            ("a\r\nb", vec![pt("a\r"), pt("b")]),
            ("a\r\n\r\nb", vec![pt("a\r"), lb(), pt("b")]),
            // A lone `\r` is plain text inside a line.
            ("a\rb", vec![pt("a\rb")]),
            ("```\r\ncode\r\n```", vec![code("none", &["code"])]),
            ("```\r\na\r\nb\r\n```", vec![pt("```\r"), pt("a\r"), pt("b\r"), pt("```")]),
            ("> q\r\n> r", vec![q(&[pt("q\r"), pt("r")])]),
        ],
    );
}

#[test]
fn block_corners() {
    check(
        &plain(),
        &[
            ("#####x", vec![pt("#####x")]),
            ("##### x", vec![pt("##### x")]),
            ("##Hello", vec![pt("##Hello")]),
            ("# ", vec![pt("# ")]),
            ("#Hello", vec![p(&[mc("Hello")])]),
            ("#### four", vec![h(4, &[t("four")])]),
            ("## *two*\nnext", vec![h(2, &[b(&[t("two")])]), pt("next")]),
            ("> # h", vec![q(&[pt("# h")])]),
            (">>x", vec![q(&[pt(">x")])]),
            (">", vec![pt(">")]),
            ("> ", vec![pt("> ")]),
            (">\n>x", vec![q(&[pt(""), pt("x")])]),
            (">q\n\n>r", vec![q(&[pt("q")]), lb(), q(&[pt("r")])]),
            ("```\n```", vec![pt("```"), pt("```")]),
            ("```js code```", vec![p(&[t("``"), ic("js code"), t("``")])]),
            ("```\na\n```js", vec![code("none", &["a"]), pt("js")]),
            ("```\na\n```\n", vec![code("none", &["a"]), lb()]),
            ("```\na``b\n```", vec![code("none", &["a``b"])]),
            // One or two backticks may end a code line; three never.
            ("```\na`\n``\n```", vec![code("none", &["a`", "``"])]),
            ("```\na```\n```", vec![pt("```"), pt("a```"), pt("```")]),
            ("````\na\n````", vec![pt("````"), pt("a"), pt("````")]),
            ("  ---  \nx", vec![hr(2, 5), pt("x")]),
            ("----------", vec![hr(0, 10)]),
            ("--", vec![pt("--")]),
            ("___", vec![pt("___")]),
            ("- [X] a", vec![ul(&[&[t("[X] a")]])]),
            ("- [x]a", vec![ul(&[&[t("[x]a")]])]),
            ("* [x] a", vec![ul(&[&[t("[x] a")]])]),
            ("- [ ] a\n- [x] b\nc", vec![tasks(&[(false, &[t("a")]), (true, &[t("b")])]), pt("c")]),
            ("01. a\n0. b", vec![ol(&[(1, &[t("a")]), (0, &[t("b")])])]),
            ("1) a", vec![pt("1) a")]),
            ("1.a", vec![pt("1.a")]),
            ("- a\n* b", vec![ul(&[&[t("a")]]), ul(&[&[t("b")]])]),
            ("- a\n  - b", vec![ul(&[&[t("a")]]), pt("  - b")]),
            ("- a\n\n- b", vec![ul(&[&[t("a")]]), lb(), ul(&[&[t("b")]])]),
            ("* a*", vec![p(&[b(&[t(" a")])])]),
            ("* a\n* b*", vec![ul(&[&[t("a")]]), p(&[b(&[t(" b")])])]),
            ("||\na\nb\n||", vec![sb(&[pt("a"), pt("b")])]),
            ("||\na\n||\n", vec![sb(&[pt("a")]), lb()]),
            ("||\na\n\n||", vec![sb(&[pt("a")])]),
            ("||\n||", vec![pt("||"), pt("||")]),
            ("||\na", vec![pt("||"), pt("a")]),
        ],
    );
}

#[test]
fn tables() {
    let row = |cells: &[&str]| -> Vec<Cell> { cells.iter().map(|c| cell(None, &[t(c)])).collect() };
    check(
        &plain(),
        &[
            (
                "| h1 | h2 | h3 | h4 |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |",
                vec![Block::Table {
                    header: vec![
                        cell(Some(Align::Left), &[t("h1")]),
                        cell(Some(Align::Center), &[t("h2")]),
                        cell(Some(Align::Right), &[t("h3")]),
                        cell(None, &[t("h4")]),
                    ],
                    rows: vec![vec![
                        cell(Some(Align::Left), &[t("1")]),
                        cell(Some(Align::Center), &[t("2")]),
                        cell(Some(Align::Right), &[t("3")]),
                        cell(None, &[t("4")]),
                    ]],
                    fallback: Some([0, 57]),
                }],
            ),
            // Body rows get the header's width (cut, or padded with empty cells); cells are
            // inline text with their ends trimmed; the fallback counts UTF-16 units.
            (
                "| 😀 | *b* |\n|-|-|\n| 1 | 2 | 3 |\n|  |\nafter",
                vec![
                    Block::Table {
                        header: vec![cell(None, &[em(u("😀"))]), cell(None, &[b(&[t("b")])])],
                        rows: vec![row(&["1", "2"]), vec![cell(None, &[]), cell(None, &[])]],
                        fallback: Some([0, 38]),
                    },
                    pt("after"),
                ],
            ),
            ("| a |\n| b |", vec![pt("| a |"), pt("| b |")]),
            (
                "| a | b |\n|:-|-:|\n| 1 |",
                vec![Block::Table {
                    header: vec![cell(Some(Align::Left), &[t("a")]), cell(Some(Align::Right), &[t("b")])],
                    rows: vec![vec![cell(Some(Align::Left), &[t("1")]), cell(Some(Align::Right), &[])]],
                    fallback: Some([0, 23]),
                }],
            ),
        ],
    );
}

#[test]
fn emphasis_corners() {
    check(
        &plain(),
        &[
            ("*a *b* c*", vec![p(&[b(&[t("a ")]), t("b"), b(&[t(" c")])])]),
            ("**a*b**", vec![p(&[t("*"), b(&[t("a")]), t("b**")])]),
            ("__*b*__x", vec![p(&[t("__"), b(&[t("b")]), t("__x")])]),
            ("_a_1", vec![p(&[i(&[t("a")]), t("1")])]),
            ("café_x_", vec![p(&[t("café"), i(&[t("x")])])]),
            ("a~b~c", vec![p(&[t("a"), s(&[t("b")]), t("c")])]),
            ("__Hello_", vec![p(&[t("_"), i(&[t("Hello")])])]),
            ("_Hello__", vec![p(&[i(&[t("Hello")]), t("_")])]),
            ("*Hello", vec![pt("*Hello")]),
            ("He*llo", vec![pt("He*llo")]),
            ("Hello_", vec![pt("Hello_")]),
            ("* *", vec![pt("* *")]),
            ("** *", vec![pt("** *")]),
            ("__ __", vec![pt("__ __")]),
            ("~~ ~~", vec![pt("~~ ~~")]),
            ("*a\nb*", vec![pt("*a"), pt("b*")]),
            ("*`code*`*", vec![p(&[b(&[ic("code*")])])]),
            ("-_-italic_", vec![p(&[t("-"), i(&[t("-italic")])])]),
            ("*snake_case_x*", vec![p(&[b(&[t("snake_case_x")])])]),
            ("~a *b* _c_~", vec![p(&[s(&[t("a "), b(&[t("b")]), t(" "), i(&[t("c")])])])]),
            ("~~a * _ b~~", vec![p(&[s(&[t("a * _ b")])])]),
            ("*x@y*", vec![p(&[b(&[t("x@y")])])]),
            ("*@user*", vec![p(&[b(&[mu("user")])])]),
            ("_#chan _", vec![p(&[i(&[mc("chan"), t(" ")])])]),
            ("_#chan_", vec![p(&[t("_"), mc("chan_")])]),
            ("*:smile:*", vec![p(&[b(&[em(e("smile"))])])]),
            ("*<t:1708551317>*", vec![p(&[b(&[ts("1708551317", "t", [1, 15])])])]),
        ],
    );
}

#[test]
fn inline_corners() {
    check(
        &plain(),
        &[
            (
                "[a](https://x.com) [b] [c](https://y.com)",
                vec![p(&[l("https://x.com", &[t("a")]), t(" [b] "), l("https://y.com", &[t("c")])])],
            ),
            ("[a\nb](https://x.com)", vec![p(&[l("https://x.com", &[t("a\nb")])])]),
            ("[x](C:/Users/x.js)", vec![p(&[l("C:/Users/x.js", &[t("x")])])]),
            ("[mail](mailto:a@b.com)", vec![p(&[l("mailto:a@b.com", &[t("mail")])])]),
            ("[call](+5511999)", vec![p(&[l("tel:5511999", &[t("call")])])]),
            ("[x](/relative)", vec![pt("[x](/relative)")]),
            ("[x](https://a.com/(b)c)", vec![p(&[l("https://a.com/(b)c", &[t("x")])])]),
            (
                "[x](https://a.com \"title\")",
                vec![p(&[t("[x]("), al("https://a.com", "https://a.com"), t(" \"title\")")])],
            ),
            ("\\[x](https://a.com)", vec![p(&[t("\\"), l("https://a.com", &[t("x")])])]),
            ("![alt](https://x.com/a.png)", vec![p(&[img("https://x.com/a.png", "alt")])]),
            ("![](https://x.com/a.png)", vec![p(&[img("https://x.com/a.png", "https://x.com/a.png")])]),
            ("![alt *b*](https://x.com)", vec![p(&[t("!"), l("https://x.com", &[t("alt "), b(&[t("b")])])])]),
            ("<https://a.com|label with *stars*>", vec![p(&[l("https://a.com", &[t("label with *stars*")])])]),
            ("<https://x.com>", vec![pt("<https://x.com>")]),
            ("`a` ``b`` ``", vec![p(&[ic("a"), t(" `"), ic("b"), ic(" "), t("`")])]),
            ("\\\\ \\_x\\_ \\#", vec![pt("\\\\ _x_ #")]),
            ("\\<t:1708551317>", vec![pt("<t:1708551317>")]),
            ("a || b || c", vec![p(&[t("a "), sp(&[t(" b ")]), t(" c")])]),
            ("||a\nb||", vec![pt("||a"), pt("b||")]),
            ("@user,@other", vec![p(&[mu("user"), t(",@other")])]),
            ("(@user)", vec![p(&[t("("), mu("user"), t(")")])]),
            ("test@user", vec![pt("test@user")]),
            ("@username@example.com", vec![p(&[mu("username@example.com")])]),
            ("@all @here", vec![p(&[mu("all"), t(" "), mu("here")])]),
            ("@a__", vec![pt("@a__")]),
            ("foo#bar #123 #general.", vec![p(&[t("foo#bar "), mc("123"), t(" "), mc("general.")])]),
            ("x 😀b", vec![p(&[t("x "), em(u("😀")), t("b")])]),
            // `x#y` as text wants one UTF-16 unit before the `#`: an emoji is two.
            ("x é#chan 😀#chan", vec![p(&[t("x é#chan "), em(u("😀")), mc("chan")])]),
            ("hi😀", vec![pt("hi😀")]),
            ("a ⭐ ⭐\u{FE0F} © ©\u{FE0F}", vec![p(&[t("a ⭐ "), em(u("⭐\u{FE0F}")), t(" © "), em(u("©\u{FE0F}"))])]),
            ("a 🇧🇷 1\u{FE0F}\u{20E3}", vec![p(&[t("a "), em(u("🇧🇷")), t(" "), em(u("1\u{FE0F}\u{20E3}"))])]),
            ("a 👨\u{200D}👩\u{200D}👧", vec![p(&[t("a "), em(u("👨\u{200D}👩\u{200D}👧"))])]),
            ("😀:smile:", vec![big(&[u("😀"), e("smile")])]),
            ("a 😀:smile:", vec![p(&[t("a "), em(u("😀")), t(":smile:")])]),
            ("(:smile:)", vec![pt("(:smile:)")]),
            (":smile:,", vec![pt(":smile:,")]),
            (":smile::smile: text", vec![pt(":smile::smile: text")]),
        ],
    );
}

#[test]
fn autolinks() {
    check(
        &plain(),
        &[
            ("see www.rocket.chat.", vec![p(&[t("see "), al("//www.rocket.chat", "www.rocket.chat"), t(".")])]),
            (
                "1.no foo.bar my.zip x.xyz",
                vec![p(&[
                    al("//1.no", "1.no"),
                    t(" "),
                    al("//foo.bar", "foo.bar"),
                    t(" "),
                    al("//my.zip", "my.zip"),
                    t(" "),
                    al("//x.xyz", "x.xyz"),
                ])],
            ),
            ("file.txt node.js", vec![pt("file.txt node.js")]),
            ("1.5_x_", vec![pt("1.5_x_")]),
            ("https://test", vec![pt("https://test")]),
            ("rocket.chattt/x", vec![pt("rocket.chattt/x")]),
            ("http://localhost:3000/a", vec![p(&[al("http://localhost:3000/a", "http://localhost:3000/a")])]),
            // The guard wants `://` or `.` before the first `:`.
            ("localhost:3000", vec![pt("localhost:3000")]),
            ("localhost.:3000", vec![p(&[al("localhost.:3000", "localhost.:3000")])]),
            ("10.0.0.1:8080/x", vec![p(&[al("//10.0.0.1:8080/x", "10.0.0.1:8080/x")])]),
            (
                "https://user:pw@site.com/p?q=1#f",
                vec![p(&[al("https://user:pw@site.com/p?q=1#f", "https://user:pw@site.com/p?q=1#f")])],
            ),
            ("x https://a.com/x_*y*_", vec![p(&[t("x "), al("https://a.com/x_*y*_", "https://a.com/x_*y*_")])]),
            ("Rocket.Chat", vec![p(&[al("//Rocket.Chat", "Rocket.Chat")])]),
            ("contact@rocket.chat", vec![p(&[al("mailto:contact@rocket.chat", "contact@rocket.chat")])]),
            ("mailto:a.b+c@x.com", vec![p(&[al("mailto:a.b+c@x.com", "a.b+c@x.com")])]),
            ("mailto:a@b.c", vec![pt("a@b.c")]),
            (
                "git@github.com:foo/bar.git",
                vec![p(&[al("mailto:git@github.com", "git@github.com"), t(":foo/bar.git")])],
            ),
            ("a@localhost", vec![pt("a@localhost")]),
            // `tldts` takes what follows the last `@` as the host, and anything hex-and-colons
            // for an IPv6 address.
            ("a.b@[::1] x", vec![p(&[al("//a.b@[::1]", "a.b@[::1]"), t(" x")])]),
            ("a.b@c.9gag", vec![pt("a.b@c.9gag")]),
            (
                "+55-11999 +(55)123456 +1234",
                vec![p(&[al("tel:5511999", "+55-11999"), t(" "), al("tel:55123456", "+(55)123456"), t(" +1234")])],
            ),
        ],
    );
    check(
        &with(|o| o.custom_domains = vec!["corp".to_owned(), String::new()]),
        &[
            ("wiki.corp x.corp.test corp", vec![p(&[al("//wiki.corp", "wiki.corp"), t(" x.corp.test corp")])]),
            ("https://wiki.corp/x.", vec![p(&[al("https://wiki.corp/x", "https://wiki.corp/x"), t(".")])]),
        ],
    );
}

#[test]
fn public_suffix_fallback() {
    // Without a list: a last label of two or more ASCII letters.
    check(
        &Options::default(),
        &[
            ("gitlab.local", vec![p(&[al("//gitlab.local", "gitlab.local")])]),
            ("test.9gag a.b", vec![pt("test.9gag a.b")]),
            ("a@b.org", vec![p(&[al("mailto:a@b.org", "a@b.org")])]),
        ],
    );
}

#[test]
fn options() {
    let all = with(|o| {
        o.colors = true;
        o.katex_dollar = true;
        o.katex_parenthesis = true;
        o.emoticons = true;
    });
    check(
        &all,
        &[
            ("color:#fff", vec![p(&[color(255, 255, 255, 255)])]),
            ("color:#fff0", vec![p(&[color(255, 255, 255, 0)])]),
            ("color:#102030", vec![p(&[color(16, 32, 48, 255)])]),
            ("color:#fff!", vec![pt("color:#fff!")]),
            ("color:#abcde", vec![pt("color:#abcde")]),
            ("\\[x^2\\]", vec![Block::Katex("x^2".to_owned())]),
            ("$$a\nb$$\nc", vec![Block::Katex("a\nb".to_owned()), lb(), pt("c")]),
            ("x $y$ \\(z\\)", vec![p(&[t("x "), kx("y"), t(" "), kx("z")])]),
            ("\\[ never closed", vec![pt("\\[ never closed")]),
            // As the grammar reads, inline TeX runs to its closing delimiter, across lines.
            ("a \\(x\ny\\) b", vec![p(&[t("a "), kx("x\ny"), t(" b")])]),
            ("<3 </3", vec![big(&[emo("<3", "heart"), emo("</3", "broken_heart")])]),
            ("a :D b", vec![p(&[t("a "), em(emo(":D", "smiley")), t(" b")])]),
            ("a (y) b", vec![p(&[t("a "), em(emo("(y)", "thumbsup")), t(" b")])]),
            // `-` before `_-` and any character is text (so `-_-italic_` can be italic).
            ("a -_- b", vec![pt("a -_- b")]),
            ("a -_-", vec![p(&[t("a "), em(emo("-_-", "expressionless"))])]),
            ("a \\O\\/ b", vec![p(&[t("a "), em(emo("\\O\\/", "person_gesturing_ok")), t(" b")])]),
            ("a \\O/ b", vec![pt("a \\O/ b")]),
            ("_a :D_", vec![p(&[i(&[t("a "), em(emo(":D", "smiley"))])])]),
            ("~a :D~", vec![p(&[s(&[t("a "), em(emo(":D", "smiley"))])])]),
        ],
    );
    check(&plain(), &[("$x$ :D", vec![pt("$x$ :D")]), ("\\(x\\)", vec![pt("\\(x\\)")])]);
}

#[test]
fn timestamps() {
    check(
        &plain(),
        &[
            ("😀 <t:1708551317>", vec![p(&[em(u("😀")), t(" "), ts("1708551317", "t", [3, 17])])]),
            ("<t:2025-07-22T10:00:00>", vec![p(&[ts("1753178400", "t", [0, 23])])]),
            ("<t:2025-07-22T12:00:00+02:00:F>", vec![p(&[ts("1753178400", "F", [0, 31])])]),
            ("<t:2025-07-22T10:00:00.999-01:30:d>", vec![p(&[ts("1753183800", "d", [0, 35])])]),
            // V8 rolls day 31 of a 30-day month over, and rejects month 13.
            ("<t:2025-06-31T00:00:00>", vec![p(&[ts("1751328000", "t", [0, 23])])]),
            ("<t:2025-13-01T00:00:00>", vec![p(&[ts("0", "t", [0, 23])])]),
            // After 2038-01-19 the int32 wraps.
            ("<t:2040-01-01T00:00:00>", vec![p(&[ts("-2085978496", "t", [0, 23])])]),
            // Time only, without an offset: "0" (0.32.0 passes the offset on as "null").
            ("<t:10:00>", vec![p(&[ts("0", "t", [0, 9])])]),
            ("<t:10:00:30:T>", vec![p(&[ts("0", "T", [0, 14])])]),
            ("<t:12345678901>", vec![pt("<t:12345678901>")]),
            ("<t:1708551317:x>", vec![pt("<t:1708551317:x>")]),
            ("<t:2025-07-22T10:00:00Z>", vec![pt("<t:2025-07-22T10:00:00Z>")]),
        ],
    );
    // Time only with an offset: on today's UTC date.
    let day = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() / 86_400;
    let before = day();
    let got = parse("<t:10:00+02:00>", &plain());
    let expected = |d: u64| vec![p(&[ts(&(d * 86_400 + 8 * 3600).to_string(), "t", [0, 15])])];
    assert!(got == expected(before) || got == expected(day()), "{got:?}");
}

// ---- hostile input -----------------------------------------------------------------------------

/// Markup-heavy input must parse in (close to) linear time: every remembered failure is never
/// retried. Not timed; it must just finish.
#[test]
fn pathological_input_finishes() {
    let options = with(|o| {
        o.emoticons = true;
        o.katex_parenthesis = true;
        o.katex_dollar = true;
        o.colors = true;
    });
    let inputs = [
        "*_~".repeat(1700),
        "[".repeat(2000),
        "[a".repeat(1000) + "](",
        "~*~".repeat(1700),
        "*".to_owned() + &"~*~".repeat(1500),
        "_a".repeat(2500),
        ":)".repeat(2500),
        "a.".repeat(2500) + "!",
        "(".repeat(3000) + ".",
        "<a.b".repeat(1000),
        "\\[\n".repeat(1500),
        "||a".repeat(1500),
        "a+a".repeat(1500) + "@",
        "] [x".repeat(1000),
        "_*~`[<|@".repeat(600),
    ];
    for input in inputs {
        let root = parse(&input, &options);
        assert!(!root.is_empty());
    }
}

/// A small xorshift generator: the same inputs every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Random markup never makes the parser panic, loop or lose track of character boundaries.
#[test]
fn random_input_never_panics() {
    const ALPHABET: &[&str] = &[
        "*", "_", "~", "`", ":", "|", "[", "]", "(", ")", "<", ">", "!", "\\", "@", "#", "-", "+", "$", ".", "/", "=",
        "'", "x", "y", "a", "D", "O", "0", "1", "9", " ", "\t", "\n", "\r", "😀", "🏽", "\u{200D}", "\u{FE0F}", "é",
        "ж", "t:", "://", "color:#", "https", ".com", "```", "||", "- ", "> ", "# ", "1. ", "- [x] ", "| - |",
    ];
    let options = with(|o| {
        o.emoticons = true;
        o.colors = true;
        o.katex_dollar = true;
        o.katex_parenthesis = true;
    });
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..5000 {
        let len = (rng.next() % 40) as usize;
        let input: String = (0..len).map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize]).collect();
        let root = parse(&input, &options);
        assert_eq!(root.is_empty(), input.is_empty(), "input {input:?}");
    }
}

/// Texts that make each rule try the next before it returns (a spoiler whose content is an
/// emoticon whose follow-up is a spoiler…) parse within a bounded depth: on a thread with the
/// stack a server's worker has (2 MiB), however long they are.
#[test]
fn nesting_depth_is_bounded() {
    let patterns = ["||:)", "||:(", "||color:#", ":#||", "[||:", "*||:", "_||:)", "~||:)", "[*_~||:)"];
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let all = Options {
                emoticons: true,
                colors: true,
                katex_dollar: true,
                katex_parenthesis: true,
                ..Options::default()
            };
            for pattern in patterns {
                let text = pattern.repeat(20_000 / pattern.len());
                let tree = parse(&text, &all);
                assert!(!tree.is_empty(), "{pattern}");
                // Markers that formed nothing stay text; the spoilers' take theirs away.
                let shown = crate::md::inline_text(&paragraph_inlines(&tree));
                assert!(shown.len() >= text.len() / 2, "{pattern}: {} of {} characters shown", shown.len(), text.len());
            }
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
}

fn paragraph_inlines(tree: &[Block]) -> Vec<Inline> {
    tree.iter()
        .flat_map(|b| match b {
            Block::Paragraph(v) => v.clone(),
            _ => Vec::new(),
        })
        .collect()
}
