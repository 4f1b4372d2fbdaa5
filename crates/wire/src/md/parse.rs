//! A parser of `@rocket.chat/message-parser`'s grammar (0.32.0): text → [`Root`].
//!
//! The JavaScript parser is a PEG (Peggy) grammar; this is a hand-written recursive descent over
//! the same rules, tried in the same order, so that it builds the same trees. Positions are byte
//! offsets into the text, always on character boundaries.
//!
//! A PEG re-parses freely when an alternative fails. To keep that cheap on hostile input, the
//! results of the emphasis and link rules are remembered per position and context, and so is
//! where each content loop (the inside of a bold, a link label, …) ends, so a failing attempt is
//! never repeated.
//!
//! Layout: this file holds the entry point, the parser's state and memo, and the text
//! normalisation; [`blocks`] the block rules, [`inline`] the inline ones, [`autolink`] URLs,
//! e-mail addresses and phone numbers, and [`chars`] the character classes and tables.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::{Block, Emoji, Inline, Root};

mod autolink;
mod blocks;
mod chars;
mod inline;
#[cfg(test)]
mod tests;

use chars::{is_js_space, is_space};

/// What the parser recognises besides the base grammar, as Rocket.Chat's server passes it.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// ASCII emoticons (`:)`) as [`super::Emoji`]s (the server always turns them on).
    pub emoticons: bool,
    /// `color:#rgb` as [`super::Inline::Color`] (`HexColorPreview_Enabled`, on by default).
    pub colors: bool,
    /// `$…$` and `$$…$$` TeX (`Katex_Dollar_Syntax`, off by default).
    pub katex_dollar: bool,
    /// `\(…\)` and `\[…\]` TeX (`Katex_Parenthesis_Syntax`, on by default when KaTeX is on).
    pub katex_parenthesis: bool,
    /// Hosts that autolink besides public domains (`Message_CustomDomain_AutoLink`).
    pub custom_domains: Vec<String>,
    /// Whether a host name ends in a public suffix (ICANN or private, as the Public Suffix List
    /// says): what makes `example.com` a link and `node.js` text. Without it, a host whose last
    /// label is two or more ASCII letters counts as public. It sees valid host names only,
    /// lower-cased (IP addresses, `localhost` and the custom domains are decided before).
    pub public_suffix: Option<fn(&str) -> bool>,
}

/// The tree of `text`, as Rocket.Chat's parser builds it. Empty text is an empty tree (the
/// JavaScript parser throws on it).
pub fn parse(text: &str, options: &Options) -> Root {
    if text.is_empty() {
        return Vec::new();
    }
    let mut parser = Parser::new(text, options);
    if let Some(emoji) = parser.big_emoji() {
        return vec![Block::BigEmoji(emoji)];
    }
    parser.blocks()
}

/// While set, the rule cannot start again (the grammar's `skipBold`, … flags: no construct nests
/// inside itself).
const BOLD: u8 = 1;
const ITALIC: u8 = 2;
const STRIKE: u8 = 4;
const REFERENCES: u8 = 8;

/// The remembered rules, and the content loops whose ends are remembered.
#[derive(Clone, Copy)]
enum Kind {
    Bold,
    Italic,
    Strike,
    References,
    LinkRef,
    BoldLoop,
    ItalicLoop,
    StrikeLoop,
    TitleLoop,
    SpoilerLoop,
    /// Whether what follows an emoticon lets it stand, in each context.
    InlineFollow,
    BoldFollow,
    ItalicFollow,
}

/// A rule's outcome: where it ended and the nodes it made.
type Outcome = Option<(usize, Vec<Inline>)>;

/// A remembered scan: from `from`, the scan stopped at `to` (and would stop there from any start
/// in between).
#[derive(Clone, Copy, Default)]
struct Scan {
    from: usize,
    to: usize,
}

struct Parser<'a> {
    src: &'a str,
    opts: &'a Options,
    /// The `BOLD`… flags in force.
    flags: u8,
    /// Set while a loop is only looking for its end: remembered rules then skip copying out
    /// their nodes.
    dry: bool,
    /// Rule outcomes by (kind, position, flags).
    memo: HashMap<u64, Outcome, BuildHasherDefault<IntHasher>>,
    /// Content loop ends (and emoticon follow-ups, 0 or 1) by (kind, position, flags).
    loop_ends: HashMap<u64, usize, BuildHasherDefault<IntHasher>>,
    /// Where a domain label starting at each position ends (`u32::MAX`: not known yet).
    label_ends: Vec<u32>,
    /// The last scans of a few unbounded look-aheads (see [`Parser::scan`]).
    scans: [Option<Scan>; 10],
    /// The last UTF-16 offset computed: (byte offset, UTF-16 offset).
    utf16: (usize, u32),
    /// How deep rules are nested now (see [`MAX_DEPTH`]).
    depth: u32,
}

/// How deep rules may nest. Some texts make each rule try the next one before it returns
/// (`||:)||:)…`: a spoiler's content is an emoticon whose follow-up is a spoiler…), so without
/// a bound the depth grows with the text's length and a long message overflows the stack.
/// Past the bound a rule fails (its text stays text); nothing a person writes nests this deep.
const MAX_DEPTH: u32 = 48;

/// A hasher for the memo keys, which are already well-spread integers.
#[derive(Default)]
struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ n >> 29).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, opts: &'a Options) -> Self {
        Parser {
            src,
            opts,
            flags: 0,
            dry: false,
            // Sized for the text, so that markup-heavy text does not keep rehashing.
            memo: HashMap::with_capacity_and_hasher(src.len() / 8, Default::default()),
            loop_ends: HashMap::with_capacity_and_hasher(src.len() / 4, Default::default()),
            label_ends: Vec::new(),
            scans: [None; 10],
            utf16: (0, 0),
            depth: 0,
        }
    }

    // ---- cursor helpers ------------------------------------------------------------------------

    /// The character at byte `i`.
    fn ch(&self, i: usize) -> Option<char> {
        self.src.get(i..)?.chars().next()
    }

    /// The byte at `i` (any non-ASCII byte never equals an ASCII one, so comparing is safe).
    fn byte(&self, i: usize) -> Option<u8> {
        self.src.as_bytes().get(i).copied()
    }

    fn is(&self, i: usize, b: u8) -> bool {
        self.byte(i) == Some(b)
    }

    fn at(&self, i: usize, s: &str) -> bool {
        self.src.get(i..).is_some_and(|rest| rest.starts_with(s))
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.src.get(from..to).unwrap_or("")
    }

    fn text(&self, from: usize, to: usize) -> Inline {
        Inline::Text(self.slice(from, to).to_owned())
    }

    /// The end of the run of characters satisfying `pred` from `i`.
    fn skip(&self, i: usize, pred: impl Fn(char) -> bool) -> usize {
        let rest = self.src.get(i..).unwrap_or("");
        i + rest.find(|c| !pred(c)).unwrap_or(rest.len())
    }

    fn skip_spaces(&self, i: usize) -> usize {
        self.skip(i, is_space)
    }

    /// `EndOfLine` at `i`: where it ends.
    fn eol(&self, i: usize) -> Option<usize> {
        match self.byte(i)? {
            b'\r' if self.is(i + 1, b'\n') => Some(i + 2),
            b'\r' | b'\n' => Some(i + 1),
            _ => None,
        }
    }

    /// `EndOfLine?`.
    fn opt_eol(&self, i: usize) -> usize {
        self.eol(i).unwrap_or(i)
    }

    /// `i` as an offset in UTF-16 code units, as JavaScript counts.
    fn utf16(&mut self, i: usize) -> u32 {
        let (from, base) = if i >= self.utf16.0 { self.utf16 } else { (0, 0) };
        let n = base + self.slice(from, i).encode_utf16().count() as u32;
        self.utf16 = (i, n);
        n
    }

    /// The end of the run from `i` of characters satisfying `pred`, reusing the last such scan
    /// (slot `slot`) when `i` lies inside it: the end is the same from any start inside a run.
    fn scan(&mut self, slot: usize, i: usize, pred: impl Fn(char) -> bool) -> usize {
        self.scan_by(slot, i, |p, j| p.ch(j).filter(|&c| pred(c)).map(|c| j + c.len_utf8()))
    }

    /// As [`Parser::scan`], stepping with `step` (which sees the text around each character).
    fn scan_by(&mut self, slot: usize, i: usize, step: impl Fn(&Self, usize) -> Option<usize>) -> usize {
        if let Some(Scan { from, to }) = self.scans[slot]
            && from <= i
            && i <= to
        {
            return to;
        }
        let mut to = i;
        while let Some(next) = step(self, to) {
            to = next;
        }
        self.scans[slot] = Some(Scan { from: i, to });
        to
    }

    // ---- memo ----------------------------------------------------------------------------------

    fn key(&self, kind: Kind, i: usize) -> u64 {
        (kind as u64) << 56 | u64::from(self.flags) << 48 | i as u64
    }

    /// Runs `rule` at `i` unless `flag` is in force, with `flag` set meanwhile, remembering its
    /// outcome; pushes its nodes to `out`.
    fn guarded(
        &mut self,
        flag: u8,
        kind: Kind,
        i: usize,
        out: &mut Vec<Inline>,
        rule: impl FnOnce(&mut Self, usize) -> Outcome,
    ) -> Option<usize> {
        if self.flags & flag != 0 || self.depth >= MAX_DEPTH {
            // Not remembered when too deep: the same rule may hold where it is met less deep.
            return None;
        }
        let key = self.key(kind, i);
        if let Some(known) = self.memo.get(&key) {
            let (end, nodes) = known.as_ref()?;
            if !self.dry {
                out.extend(nodes.iter().cloned());
            }
            return Some(*end);
        }
        let (flags, dry) = (self.flags, self.dry);
        (self.flags, self.dry) = (flags | flag, false);
        self.depth += 1;
        let outcome = rule(self, i);
        self.depth -= 1;
        (self.flags, self.dry) = (flags, dry);
        let end = outcome.as_ref().map(|(end, _)| *end);
        if let Some((_, nodes)) = outcome.as_ref().filter(|_| !dry) {
            out.extend(nodes.iter().cloned());
        }
        self.memo.insert(key, outcome);
        end
    }

    /// Where a loop of `kind`'s items from `start` stops. Every position the loop passes is
    /// remembered with the same end, so that another loop reaching it stops at once.
    fn loop_end(&mut self, kind: Kind, start: usize) -> usize {
        if self.depth >= MAX_DEPTH {
            return start;
        }
        self.depth += 1;
        let mut path = Vec::new();
        let mut scratch = Vec::new();
        let mut i = start;
        let dry = std::mem::replace(&mut self.dry, true);
        let end = loop {
            if let Some(&end) = self.loop_ends.get(&self.key(kind, i)) {
                break end;
            }
            path.push(i);
            scratch.clear();
            match self.loop_item(kind, i, &mut scratch) {
                Some(next) if next > i => i = next,
                _ => break i,
            }
        };
        self.dry = dry;
        self.depth -= 1;
        for i in path {
            let key = self.key(kind, i);
            self.loop_ends.insert(key, end);
        }
        end
    }

    /// The items of `kind`'s loop from `start` to `end` (as [`Parser::loop_end`] found it),
    /// normalised.
    fn loop_nodes(&mut self, kind: Kind, start: usize, end: usize) -> Vec<Inline> {
        if self.dry {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut i = start;
        while i < end {
            match self.loop_item(kind, i, &mut out) {
                Some(next) if next > i => i = next,
                _ => break,
            }
        }
        reduce(out)
    }
}

/// `reducePlainTexts`: turns shortcodes and emoticons that touch text or another emoji back into
/// text (looking at the items as parsed, before merging), then merges adjacent texts.
fn reduce(items: Vec<Inline>) -> Vec<Inline> {
    let is_blank = |s: &str| s.chars().all(is_js_space);
    let touches = |n: Option<&Inline>| match n {
        Some(Inline::Emoji(_)) => true,
        Some(Inline::Text(t)) => !is_blank(t),
        _ => false,
    };
    let revert: Vec<bool> = (0..items.len())
        .map(|n| {
            let prev = n.checked_sub(1).and_then(|p| items.get(p));
            let next = items.get(n + 1);
            matches!(&items[n], Inline::Emoji(Emoji { value: Some(_), .. })) && (touches(prev) || touches(next))
        })
        .collect();
    let mut out: Vec<Inline> = Vec::with_capacity(items.len());
    for (item, revert) in items.into_iter().zip(revert) {
        let item = match item {
            Inline::Emoji(Emoji { value: Some(value), short_code, .. }) if revert => {
                if short_code.as_deref() == Some(value.as_str()) {
                    Inline::Text(format!(":{value}:"))
                } else {
                    Inline::Text(value)
                }
            }
            item => item,
        };
        match (out.last_mut(), item) {
            (Some(Inline::Text(last)), Inline::Text(t)) => last.push_str(&t),
            (_, item) => out.push(item),
        }
    }
    out
}
