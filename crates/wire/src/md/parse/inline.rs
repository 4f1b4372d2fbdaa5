//! Inline rules: the first-character dispatch (`InlineItemPattern`), emphasis, spoilers, links
//! and images, mentions, emoji and emoticons, inline code, timestamps, inline TeX and colours.
//!
//! Longer than the others because the grammar's inline part is most of it; the rules appear in
//! the order the grammar tries them.

use super::chars::{self, is_alnum_name, is_any_text, is_eol, is_space};
use super::{BOLD, ITALIC, Kind, Outcome, Parser, REFERENCES, STRIKE, Scan, reduce};
use crate::md::{Emoji, Inline};

/// What may follow an emoticon: the context's other items.
#[derive(Clone, Copy, PartialEq)]
enum Follow {
    /// `InlineItemPattern` (paragraphs, cells, spoilers).
    Inline,
    /// `BoldContentPreferentialItem`.
    Bold,
    /// `ItalicContentPreferentialItem` or `_`.
    Italic,
    /// Anything (inside a strike).
    Any,
}

impl Parser<'_> {
    /// `InlineItemPattern / Any`.
    pub(super) fn item_or_any(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        self.inline_item(i, out).or_else(|| self.any(i, out))
    }

    /// `Any`: one character but a line end, as text.
    pub(super) fn any(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        let c = self.ch(i).filter(|&c| !is_eol(c))?;
        out.push(Inline::Text(c.to_string()));
        Some(i + c.len_utf8())
    }

    /// `InlineItemPattern`: the item at `i`.
    pub(super) fn inline_item(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        self.inline_item_with(i, out, true)
    }

    /// `InlineItemPattern`, or without its emoticons (when checking what follows an emoticon,
    /// see [`Parser::emoticon_follows`]).
    fn inline_item_with(&mut self, i: usize, out: &mut Vec<Inline>, emoticons: bool) -> Option<usize> {
        let emoticon = |p: &mut Self, out: &mut Vec<Inline>| {
            if emoticons { p.emoticon(i, out, Follow::Inline) } else { None }
        };
        let dispatched = match self.byte(i)? {
            b' ' | b'\t' => self.whitespace(i, out),
            b'\\' => {
                self.escaped_timestamp(i, out).or_else(|| self.katex_inline(i, out)).or_else(|| self.escaped(i, out))
            }
            b'[' => self.references(i, out),
            b'<' => self.timestamp(i, out).or_else(|| self.references(i, out)).or_else(|| emoticon(self, out)),
            b'!' => self.image(i, out),
            b'|' => self.spoiler(i, out),
            b'@' => self.user_mention_direct(i, out),
            b'`' => self.inline_code(i, out),
            b'+' => self.phone(i, out),
            b'$' => self.katex_inline(i, out),
            b':' => self.emoji(i, out).or_else(|| emoticon(self, out)),
            b'*' => self.emphasis_ws(i, out).or_else(|| self.emphasis(i, out)).or_else(|| emoticon(self, out)),
            b'~' => self.emphasis_ws(i, out).or_else(|| self.emphasis(i, out)),
            b'-' => self.dash_before_emoticon(i, out).or_else(|| emoticon(self, out)),
            _ => None,
        };
        dispatched
            .or_else(|| self.email(i, out))
            .or_else(|| self.underscore_domain(i, out))
            .or_else(|| self.autolink(i, out))
            .or_else(|| self.emphasis_ws(i, out))
            .or_else(|| self.emphasis(i, out))
            .or_else(|| self.channel_mention(i, out))
            .or_else(|| self.emoji(i, out))
            .or_else(|| self.dash_before_emoticon(i, out))
            .or_else(|| emoticon(self, out))
            .or_else(|| self.color(i, out))
            .or_else(|| self.plain_run(i, out))
    }

    /// One item of a content loop.
    pub(super) fn loop_item(&mut self, kind: Kind, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        match kind {
            Kind::BoldLoop => self.bold_item(i, out),
            Kind::ItalicLoop => self.italic_item(i, out),
            Kind::StrikeLoop => self.strike_item(i, out),
            Kind::TitleLoop => self.title_item(i, out),
            Kind::SpoilerLoop if self.at(i, "||") => None,
            _ => self.item_or_any(i, out),
        }
    }

    /// A run of `pred`'s characters as one text.
    fn run(&mut self, i: usize, out: &mut Vec<Inline>, pred: impl Fn(char) -> bool) -> Option<usize> {
        let end = self.skip(i, pred);
        (end > i).then(|| {
            out.push(self.text(i, end));
            end
        })
    }

    /// One character satisfying `pred` as text.
    fn one(&mut self, i: usize, out: &mut Vec<Inline>, pred: impl Fn(char) -> bool) -> Option<usize> {
        let c = self.ch(i).filter(|&c| pred(c))?;
        out.push(Inline::Text(c.to_string()));
        Some(i + c.len_utf8())
    }

    /// `Whitespace`: spaces and tabs.
    fn whitespace(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        self.run(i, out, is_space)
    }

    /// `PlainRun`.
    fn plain_run(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        self.run(i, out, chars::is_plain_run)
    }

    /// `Escaped`: `\` and one of ``*_~`#.``.
    fn escaped(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        let c = self.byte(i + 1).filter(|b| self.is(i, b'\\') && b"*_~`#.".contains(b))?;
        out.push(Inline::Text(char::from(c).to_string()));
        Some(i + 2)
    }

    /// `PlainRunBeforeEmoticon`: the `-` of `-_-x`, so that `_-x…` may be italic.
    fn dash_before_emoticon(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        (self.at(i, "-_-") && self.ch(i + 3).is_some()).then(|| {
            out.push(self.text(i, i + 1));
            i + 1
        })
    }

    // ---- emphasis ------------------------------------------------------------------------------

    /// `EmphasisWithWhitespace`: markers, spaces, markers of the same kind: literal.
    fn emphasis_ws(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        let (m, slot) = match self.byte(i)? {
            b'*' => ('*', 7),
            b'_' => ('_', 8),
            b'~' => ('~', 9),
            _ => return None,
        };
        // A marker run's end is the same from any of its markers: remembered.
        let a = self.scan(slot, i, |c| c == m);
        let b = self.skip_spaces(a);
        let c = self.skip(b, |c| c == m);
        (b > a && c > b).then(|| {
            out.push(self.text(i, c));
            c
        })
    }

    /// `Emphasis`: bold, italic or strike, by the character at `i`.
    fn emphasis(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        match self.byte(i)? {
            b'*' => self.bold(i, out),
            b'~' => self.strike(i, out),
            _ => self.italic(i, out),
        }
    }

    /// `**…**` or `*…*`.
    fn bold(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if !self.is(i, b'*') {
            return None;
        }
        self.guarded(BOLD, Kind::Bold, i, out, |p, i| p.delimited(i, "**", Kind::BoldLoop).map(wrap(Inline::Bold)))
    }

    /// `~~…~~` or `~…~`.
    fn strike(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if !self.is(i, b'~') {
            return None;
        }
        self.guarded(STRIKE, Kind::Strike, i, out, |p, i| {
            p.delimited(i, "~~", Kind::StrikeLoop).map(wrap(Inline::Strike))
        })
    }

    /// The double marker, content, double marker; else the single one around content.
    fn delimited(&mut self, i: usize, double: &str, kind: Kind) -> Option<(usize, Vec<Inline>)> {
        [double, &double[1..]].into_iter().find_map(|marker| {
            let start = i + marker.len();
            if !self.at(i, marker) {
                return None;
            }
            let end = self.loop_end(kind, start);
            (end > start && self.at(end, marker)).then(|| (end + marker.len(), self.loop_nodes(kind, start, end)))
        })
    }

    /// `Italic`: a snake_case word (kept literal), `__…__` or `_…_` followed by a word (markers
    /// kept literal, inside parsed), else `__…__` or `_…_`.
    fn italic(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        let first = self.byte(i)?;
        if first.is_ascii_alphanumeric() && self.flags & ITALIC == 0 {
            // Cheap and frequent (any word in a paragraph): not remembered.
            let word = self.skip(i, |c| c.is_ascii_alphanumeric());
            let end = word + 1 + usize::from(self.is(word + 1, b'_'));
            return self.is(word, b'_').then(|| {
                out.push(self.text(i, end));
                end
            });
        }
        if first != b'_' {
            return None;
        }
        self.guarded(ITALIC, Kind::Italic, i, out, |p, i| {
            let marker = if p.at(i, "__") { "__" } else { "_" };
            let start = i + marker.len();
            let end = p.loop_end(Kind::ItalicLoop, start);
            if end == start || !p.at(end, marker) {
                return None;
            }
            let content = p.loop_nodes(Kind::ItalicLoop, start, end);
            let after = end + marker.len();
            let word = if marker == "__" {
                p.skip(after, |c| c.is_ascii_alphanumeric())
            } else {
                p.skip(after, |c| c.is_ascii_alphabetic())
            };
            if word == after {
                return Some((after, vec![Inline::Italic(content)]));
            }
            let mut items = vec![Inline::Text(marker.to_owned())];
            items.extend(content);
            items.extend([Inline::Text(marker.to_owned()), p.text(after, word)]);
            Some((word, reduce(items)))
        })
    }

    /// `BoldContentItem`.
    fn bold_item(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        self.bold_preferred(i, out, true)
            .or_else(|| self.run(i, out, |c| !matches!(c, '\n' | '*' | ' ' | '_' | '~')))
            .or_else(|| self.one(i, out, |c| !matches!(c, '\n' | '*' | ' ')))
    }

    /// `BoldContentPreferentialItem` (emoticons optional, see [`Parser::emoticon_follows`]).
    fn bold_preferred(&mut self, i: usize, out: &mut Vec<Inline>, emoticons: bool) -> Option<usize> {
        self.emphasis_common(i, out)
            .or_else(|| self.italic(i, out))
            .or_else(|| self.strike(i, out))
            .or_else(|| self.emoji(i, out))
            .or_else(|| if emoticons { self.emoticon(i, out, Follow::Bold) } else { None })
    }

    /// `ItalicContentItem`.
    fn italic_item(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        self.italic_preferred(i, out, true)
            .or_else(|| self.run(i, out, |c| !matches!(c, '\n' | '_' | ' ' | '*' | '~')))
            .or_else(|| self.one(i, out, |c| !matches!(c, '\n' | '_' | ' ')))
    }

    /// `ItalicContentPreferentialItem` (emoticons optional).
    fn italic_preferred(&mut self, i: usize, out: &mut Vec<Inline>, emoticons: bool) -> Option<usize> {
        self.emphasis_common(i, out)
            .or_else(|| self.bold(i, out))
            .or_else(|| self.strike(i, out))
            .or_else(|| self.emoji(i, out))
            .or_else(|| if emoticons { self.emoticon(i, out, Follow::Italic) } else { None })
    }

    /// The items bold and italic content try first.
    fn emphasis_common(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        self.whitespace(i, out)
            .or_else(|| self.inline_code(i, out))
            .or_else(|| self.timestamp(i, out))
            .or_else(|| self.references(i, out))
            .or_else(|| self.user_mention(i, out))
            .or_else(|| self.channel_mention(i, out))
    }

    /// `StrikethroughContent`'s item.
    fn strike_item(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        let plain = |c: char| {
            !matches!(c, '\n' | '~' | ' ' | '*' | '_' | ':' | '`' | '@' | '#' | '[' | ']' | '\\' | '<' | '!' | '|')
                && !matches!(c as u32, 0x1F000..=0x1FBFF | 0x2300..=0x27BF)
        };
        self.run(i, out, plain)
            .or_else(|| self.escaped_timestamp(i, out))
            .or_else(|| self.timestamp(i, out))
            .or_else(|| self.whitespace(i, out))
            .or_else(|| self.inline_code(i, out))
            .or_else(|| self.references(i, out))
            .or_else(|| self.user_mention(i, out))
            .or_else(|| self.channel_mention(i, out))
            .or_else(|| self.italic(i, out))
            .or_else(|| self.bold(i, out))
            .or_else(|| self.emoji(i, out))
            .or_else(|| self.emoticon(i, out, Follow::Any))
            .or_else(|| self.one(i, out, |c| !matches!(c, '\n' | '~' | ' ')))
    }

    // ---- spoilers, code, TeX, colours ----------------------------------------------------------

    /// `||…||` on one line.
    fn spoiler(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if !self.at(i, "||") {
            return None;
        }
        let (start, end) = (i + 2, self.loop_end(Kind::SpoilerLoop, i + 2));
        if end == start || !self.at(end, "||") {
            return None;
        }
        let content = self.loop_nodes(Kind::SpoilerLoop, start, end);
        out.push(Inline::Spoiler(content));
        Some(end + 2)
    }

    /// `` `code` ``.
    fn inline_code(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if !self.is(i, b'`') {
            return None;
        }
        let end = self.skip(i + 1, |c| c != '`' && c != '\n');
        (end > i + 1 && self.is(end, b'`')).then(|| {
            out.push(Inline::Code(self.slice(i + 1, end).to_owned()));
            end + 1
        })
    }

    /// `\(…\)` or `$…$` (as enabled).
    fn katex_inline(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        let opens = (self.opts.katex_parenthesis && self.at(i, "\\(")) || (self.opts.katex_dollar && self.is(i, b'$'));
        if !opens {
            return None;
        }
        let start = i + if self.is(i, b'$') { 1 } else { 2 };
        let end = self.katex_end(start, false)?;
        out.push(Inline::Katex(self.slice(start, end).to_owned()));
        Some(end + if self.is(end, b'$') { 1 } else { 2 })
    }

    /// Where the first closing TeX delimiter at or after `i` starts: `\]`/`$$` for blocks,
    /// `\)`/`$` inline (as enabled). The content runs to it, across lines.
    pub(super) fn katex_end(&mut self, i: usize, block: bool) -> Option<usize> {
        let (paren, dollar, slot) = if block { ("\\]", "$$", 4) } else { ("\\)", "$", 5) };
        // The last search's answer holds for any start between its start and its answer.
        if let Some(Scan { from, to }) = self.scans[slot]
            && from <= i
            && i <= to
        {
            return (to != usize::MAX).then_some(to);
        }
        let (p, d) = (self.opts.katex_parenthesis, self.opts.katex_dollar);
        let rest = self.slice(i, self.src.len());
        let found = rest
            .match_indices(['\\', '$'])
            .map(|(n, _)| i + n)
            .find(|&j| (p && self.at(j, paren)) || (d && self.at(j, dollar)));
        self.scans[slot] = Some(Scan { from: i, to: found.unwrap_or(usize::MAX) });
        found
    }

    /// `color:#` and 3, 4, 6 or 8 hex digits (when enabled).
    fn color(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if !self.opts.colors || !self.at(i, "color:#") {
            return None;
        }
        let start = i + 7;
        let digits: Vec<u8> =
            self.slice(start, self.src.len()).chars().map_while(|c| c.to_digit(16)).take(8).map(|d| d as u8).collect();
        let (values, used): (Vec<u8>, usize) = if digits.len() >= 6 {
            let bytes = (digits.len() / 2).min(4);
            (digits.chunks(2).take(bytes).map(|p| p[0] << 4 | p[1]).collect(), bytes * 2)
        } else if digits.len() >= 3 {
            let n = digits.len().min(4);
            (digits[..n].iter().map(|d| d << 4 | d).collect(), n)
        } else {
            return None;
        };
        let end = start + used;
        if self.ch(end).is_some_and(is_any_text) {
            return None;
        }
        let a = values.get(3).copied().unwrap_or(255);
        out.push(Inline::Color { r: values[0], g: values[1], b: values[2], a });
        Some(end)
    }

    // ---- timestamps ----------------------------------------------------------------------------

    /// `<t:DATE>` or `<t:DATE:F>`.
    pub(super) fn timestamp(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        let (end, timestamp, format) = self.timestamp_at(i)?;
        let fallback = Some([self.utf16(i), self.utf16(end)]);
        out.push(Inline::Timestamp { timestamp, format, fallback });
        Some(end)
    }

    /// `\<t:…>`: the timestamp as written, without the backslash.
    fn escaped_timestamp(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if !self.is(i, b'\\') {
            return None;
        }
        let (end, ..) = self.timestamp_at(i + 1)?;
        out.push(self.text(i + 1, end));
        Some(end)
    }

    /// A timestamp at `i`: its end, Unix seconds (as the parser writes them) and format.
    fn timestamp_at(&self, i: usize) -> Option<(usize, String, String)> {
        if !self.at(i, "<t:") {
            return None;
        }
        let (j, seconds) = self.timestamp_date(i + 3)?;
        if let Some(f) = self.byte(j + 1).filter(|f| self.is(j, b':') && b"tTdDfFR".contains(f))
            && self.is(j + 2, b'>')
        {
            return Some((j + 3, seconds, char::from(f).to_string()));
        }
        self.is(j, b'>').then(|| (j + 1, seconds, "t".to_owned()))
    }

    /// `Unixtime / ISO8601Date / ISO8601DateWithoutMilliseconds / Timestamp`: where the date
    /// ends and its seconds.
    fn timestamp_date(&self, i: usize) -> Option<(usize, String)> {
        let num = |from: usize, len: usize| self.digits(from, len);
        let sep = |at: usize, b: u8| self.is(at, b).then_some(());
        if num(i, 10).is_some() {
            return Some((i + 10, self.slice(i, i + 10).to_owned()));
        }
        // YYYY-MM-DDTHH:MM:SS[.mmm][±HH:MM]; without an offset taken as UTC.
        let iso = || -> Option<(usize, String)> {
            let (y, mo, d) = (num(i, 4)?, num(i + 5, 2)?, num(i + 8, 2)?);
            let (h, mi, s) = (num(i + 11, 2)?, num(i + 14, 2)?, num(i + 17, 2)?);
            for (at, b) in [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')] {
                sep(i + at, b)?;
            }
            let (mut j, mut ms) = (i + 19, 0);
            if self.is(j, b'.')
                && let Some(m) = num(j + 1, 3)
            {
                (j, ms) = (j + 4, m);
            }
            let (j, tz) = self.timezone(j);
            let date = ((1..=12).contains(&mo) && (1..=31).contains(&d)).then(|| chars::days_from_civil(y, mo, d));
            Some((j, seconds(date, h, mi, s, ms, tz.unwrap_or(Some(0)))))
        };
        if let Some(found) = iso() {
            return Some(found);
        }
        // HH:MM[:SS][±HH:MM], on today's (UTC) date. 0.32.0 passes a missing offset on as the
        // string "null", which makes an invalid date: "0".
        let (h, mi) = (num(i, 2)?, num(i + 3, 2)?);
        sep(i + 2, b':')?;
        let (j, s) = match num(i + 6, 2) {
            Some(s) if self.is(i + 5, b':') => (i + 8, s),
            _ => (i + 5, 0),
        };
        let (j, tz) = self.timezone(j);
        Some((j, seconds(today(), h, mi, s, 0, tz.flatten())))
    }

    /// `Timezone`: `±HH:MM` at `i` and where it ends; `Some(None)` for an offset out of range.
    fn timezone(&self, i: usize) -> (usize, Option<Option<i64>>) {
        let sign = match self.byte(i) {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return (i, None),
        };
        match (self.digits(i + 1, 2), self.digits(i + 4, 2)) {
            (Some(h), Some(m)) if self.is(i + 3, b':') => {
                (i + 6, Some((h < 24 && m < 60).then_some(sign * (h * 60 + m))))
            }
            _ => (i, None),
        }
    }

    /// Exactly `len` ASCII digits at `i`, as a number.
    fn digits(&self, i: usize, len: usize) -> Option<i64> {
        let s = self.src.get(i..i + len)?;
        s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse().ok())?
    }

    // ---- references ----------------------------------------------------------------------------

    /// `MaybeReferences`: `[label](url)` or `<url|label>`.
    pub(super) fn references(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        let open = self.byte(i).filter(|&b| b == b'[' || b == b'<')?;
        self.guarded(REFERENCES, Kind::References, i, out, |p, i| {
            if open == b'[' { p.markdown_link(i) } else { p.angle_link(i) }
        })
    }

    /// `[label](url)`; the label may span lines and hold emphasis.
    fn markdown_link(&mut self, i: usize) -> Outcome {
        let start = i + 1;
        let end = self.loop_end(Kind::TitleLoop, start);
        if !self.at(end, "](") {
            return None;
        }
        let (close, src) = self.md_link_ref(end + 2)?;
        if !self.is(close, b')') {
            return None;
        }
        let label =
            if end > start { self.loop_nodes(Kind::TitleLoop, start, end) } else { vec![Inline::Text(src.clone())] };
        Some((close + 1, vec![Inline::Link { src, label }]))
    }

    /// `<url|label>`; the label is not parsed.
    fn angle_link(&mut self, i: usize) -> Outcome {
        let (bar, src) = self.link_ref(i + 1)?;
        if !self.is(bar, b'|') {
            return None;
        }
        let end = self.skip(bar + 1, |c| c >= ' ' && !matches!(c, '<' | '>' | '|'));
        if end == bar + 1 || !self.is(end, b'>') {
            return None;
        }
        let label = vec![self.text(bar + 1, end)];
        Some((end + 1, vec![Inline::Link { src, label }]))
    }

    /// `LinkTitle`: an item of a link's label.
    fn title_item(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if let Some(end) = self.whitespace(i, out).or_else(|| self.emphasis(i, out)) {
            return Some(end);
        }
        let end = self.scan(0, i, |c| !matches!(c, ']' | '(' | ')' | '*' | '_' | '~' | ' ' | '\t' | '\r' | '\n'));
        if end > i {
            out.push(self.text(i, end));
            return Some(end);
        }
        // One character, unless it is the `](` that ends the label or the `]` of a `] [x](`
        // that starts another link.
        if self.at(i, "](") && self.ch(i + 2).is_some() {
            return None;
        }
        if self.at(i, "] [") {
            let close = self.skip(i + 3, |c| c != ']');
            if self.at(close, "](") {
                return None;
            }
        }
        let c = self.ch(i)?;
        out.push(Inline::Text(c.to_string()));
        Some(i + c.len_utf8())
    }

    /// `![alt](url)`.
    fn image(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if !self.at(i, "![") {
            return None;
        }
        // `Line?`: spaces, text, spaces.
        let lead = self.skip_spaces(i + 2);
        let text = self.skip(lead, is_any_text);
        let alt_end = if text > lead { self.skip_spaces(text) } else { i + 2 };
        if !self.at(alt_end, "](") {
            return None;
        }
        let (close, src) = self.md_link_ref(alt_end + 2)?;
        if !self.is(close, b')') {
            return None;
        }
        let label = if alt_end > i + 2 { self.slice(i + 2, alt_end).to_owned() } else { src.clone() };
        out.push(Inline::Image { src, label });
        Some(close + 1)
    }

    // ---- mentions ------------------------------------------------------------------------------

    /// `UserMentionDirect`: `@name`, `@name:server`, `@name@server`.
    fn user_mention_direct(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if !self.is(i, b'@') {
            return None;
        }
        let start = self.skip(i, |c| c == '@');
        let mut end = self.names(start)?;
        if matches!(self.byte(end), Some(b':' | b'@'))
            && let Some(more) = self.names(end + 1)
        {
            end = more;
        }
        let name = self.slice(start, end);
        (!name.ends_with("__")).then(|| {
            out.push(Inline::MentionUser(name.to_owned()));
            end
        })
    }

    /// `UserMention`: `x@y` (one text character before) as text, else a direct mention.
    fn user_mention(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if let Some(c) = self.text_unit(i) {
            let at = i + c.len_utf8();
            let after = self.skip(at, |c| c == '@');
            if after > at
                && let Some(name) = self.ch(after).filter(|&n| is_alnum_name(n))
            {
                out.push(Inline::Text(format!("{c}@{name}")));
                return Some(after + name.len_utf8());
            }
        }
        self.user_mention_direct(i, out)
    }

    /// `ChannelMention`: `x#y` as text, else `#name`.
    fn channel_mention(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if let Some(c) = self.text_unit(i) {
            let hash = i + c.len_utf8();
            if self.is(hash, b'#')
                && let Some(name) = self.ch(hash + 1).filter(|&n| is_alnum_name(n))
            {
                out.push(Inline::Text(format!("{c}#{name}")));
                return Some(hash + 1 + name.len_utf8());
            }
        }
        if !self.is(i, b'#') {
            return None;
        }
        let end = self.names(i + 1)?;
        out.push(Inline::MentionChannel(self.slice(i + 1, end).to_owned()));
        Some(end)
    }

    /// `Text`: one `AnyText` UTF-16 unit, so never a character outside the BMP (whose first
    /// half alone cannot be followed by the `@` or `#` these rules want).
    fn text_unit(&self, i: usize) -> Option<char> {
        self.ch(i).filter(|&c| is_any_text(c) && c <= '\u{FFFF}')
    }

    /// `UTF8NamesValidation`: where a name starting at `i` ends.
    fn names(&self, i: usize) -> Option<usize> {
        let end = self.skip(i, chars::is_name_char);
        (end > i).then_some(end)
    }

    // ---- emoji ---------------------------------------------------------------------------------

    /// `Emoji`: a shortcode or a Unicode emoji.
    fn emoji(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        let (end, emoji) = self.emoji_at(i)?;
        out.push(Inline::Emoji(emoji));
        Some(end)
    }

    /// `:name:` or a Unicode emoji at `i`.
    pub(super) fn emoji_at(&self, i: usize) -> Option<(usize, Emoji)> {
        if self.is(i, b':') {
            let end = self.skip(i + 1, |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.'));
            if end > i + 1 && self.is(end, b':') {
                return Some((end + 1, Emoji::short(self.slice(i + 1, end))));
            }
        }
        let end = chars::unicode_emoji(self.src, i)?;
        Some((end, Emoji::unicode(self.slice(i, end))))
    }

    /// An emoticon at `i` (when enabled), without looking at what follows.
    pub(super) fn emoticon_at(&self, i: usize) -> Option<(usize, Emoji)> {
        if !self.opts.emoticons {
            return None;
        }
        let (end, code) = chars::emoticon(self.src, i)?;
        Some((end, Emoji::emoticon(self.slice(i, end), code)))
    }

    /// An emoticon, if what follows it is something `follow` accepts.
    fn emoticon(&mut self, i: usize, out: &mut Vec<Inline>, follow: Follow) -> Option<usize> {
        let (end, emoji) = self.emoticon_at(i)?;
        if follow != Follow::Any && !self.emoticon_follows(end, follow) {
            return None;
        }
        out.push(Inline::Emoji(emoji));
        Some(end)
    }

    /// Whether an emoticon ending at `i` may stand: followed by a line end, whitespace, `*`, the
    /// end of the text, or an item of its context. An item that is itself an emoticon needs the
    /// same check after it; such chains are followed in a loop, and every position of a chain
    /// shares (and remembers) its answer.
    fn emoticon_follows(&mut self, i: usize, follow: Follow) -> bool {
        let kind = match follow {
            Follow::Bold => Kind::BoldFollow,
            Follow::Italic => Kind::ItalicFollow,
            _ => Kind::InlineFollow,
        };
        if self.depth >= super::MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        let mut scratch = Vec::new();
        let mut path = Vec::new();
        let mut j = i;
        let answer = loop {
            if let Some(&known) = self.loop_ends.get(&self.key(kind, j)) {
                break known == 1;
            }
            path.push(j);
            let neighbour = match self.ch(j) {
                None => true,
                Some(c) => is_eol(c) || is_space(c) || c == '*' || (follow == Follow::Italic && c == '_'),
            };
            scratch.clear();
            if neighbour
                || match follow {
                    Follow::Bold => self.bold_preferred(j, &mut scratch, false),
                    Follow::Italic => self.italic_preferred(j, &mut scratch, false),
                    _ => self.inline_item_with(j, &mut scratch, false),
                }
                .is_some()
            {
                break true;
            }
            match chars::emoticon(self.src, j) {
                Some((end, _)) => j = end,
                None => break false,
            }
        };
        self.depth -= 1;
        for j in path {
            let key = self.key(kind, j);
            self.loop_ends.insert(key, usize::from(answer));
        }
        answer
    }
}

/// Wraps an outcome's nodes into one node.
fn wrap(node: fn(Vec<Inline>) -> Inline) -> impl Fn((usize, Vec<Inline>)) -> (usize, Vec<Inline>) {
    move |(end, nodes)| (end, vec![node(nodes)])
}

/// JavaScript's `(new Date(…).getTime() / 1000) | 0` for a date (days since 1970) and time at
/// an offset of `tz` minutes, as V8 validates them: `"0"` for an invalid one (no date, no offset,
/// a field out of range), int32 wrapping past 2038.
fn seconds(date: Option<i64>, h: i64, mi: i64, s: i64, ms: i64, tz: Option<i64>) -> String {
    let time_ok = (h < 24 && mi < 60 && s < 60) || (h == 24 && mi == 0 && s == 0 && ms == 0);
    match (date, tz) {
        (Some(days), Some(tz)) if time_ok => {
            let millis = ((days * 24 + h) * 60 + mi - tz) * 60_000 + s * 1000 + ms;
            ((millis / 1000) as i32).to_string()
        }
        _ => "0".to_owned(),
    }
}

/// Days from 1970-01-01 to today (UTC), when the platform has a clock.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn today() -> Option<i64> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?;
    Some((now.as_secs() / 86_400) as i64)
}

/// In the browser there is no clock without JavaScript: time-only timestamps give `"0"`.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn today() -> Option<i64> {
    None
}
