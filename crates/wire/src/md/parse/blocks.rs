//! Block rules: quotes, spoiler blocks, code fences, rules, tables, headings, task and other
//! lists, TeX blocks, line breaks and paragraphs, tried in the grammar's order at each line
//! start; and the whole-message big emoji.

use super::chars::{self, is_js_space, is_space};
use super::{Parser, reduce};
use crate::md::{Align, Block, Cell, Emoji, Inline, ListItem, Root, Task};

impl Parser<'_> {
    /// The blocks of the whole text.
    pub(super) fn blocks(&mut self) -> Root {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.src.len() {
            let (next, block) = match self.block(i) {
                Some(found) if found.0 > i => found,
                // Not reachable (a line break or a paragraph always matches); keeps the loop finite.
                _ => (i + self.ch(i).map_or(1, char::len_utf8), Block::Paragraph(vec![Inline::Text(String::new())])),
            };
            out.push(block);
            i = next;
        }
        out
    }

    /// The first block rule that matches at `i`, in the grammar's order.
    fn block(&mut self, i: usize) -> Option<(usize, Block)> {
        self.quote(i)
            .or_else(|| self.spoiler_block(i))
            .or_else(|| self.code(i))
            .or_else(|| self.horizontal_rule(i))
            .or_else(|| self.table(i))
            .or_else(|| self.heading(i))
            .or_else(|| self.tasks(i))
            .or_else(|| self.ordered_list(i))
            .or_else(|| self.unordered_list(i))
            .or_else(|| self.katex_block(i))
            .or_else(|| self.line_break(i))
            .or_else(|| self.line(i).map(|(end, value)| (end, Block::Paragraph(value))))
    }

    /// `Inline`: one or more inline items up to the end of the line, then the line's end.
    fn line(&mut self, i: usize) -> Option<(usize, Vec<Inline>)> {
        let mut out = Vec::new();
        let mut j = i;
        while let Some(next) = self.item_or_any(j, &mut out) {
            j = next;
        }
        (j > i).then(|| (self.opt_eol(j), reduce(out)))
    }

    /// `>` lines.
    fn quote(&mut self, i: usize) -> Option<(usize, Block)> {
        let mut lines = Vec::new();
        let mut j = i;
        while self.is(j, b'>') {
            let k = self.skip_spaces(j + 1);
            if let Some(end) = self.eol(k) {
                lines.push(Block::Paragraph(vec![Inline::Text(String::new())]));
                j = end;
            } else if let Some((end, value)) = self.line(k) {
                lines.push(Block::Paragraph(value));
                j = end;
            } else {
                break;
            }
        }
        (!lines.is_empty()).then_some((j, Block::Quote(lines)))
    }

    /// `||` alone on a line, paragraphs, `||`. The line end after the closing `||` is left.
    fn spoiler_block(&mut self, i: usize) -> Option<(usize, Block)> {
        if !self.at(i, "||") {
            return None;
        }
        let mut j = self.eol(i + 2)?;
        let mut lines = Vec::new();
        while !self.at(j, "||") {
            let Some((end, value)) = self.line(j) else { break };
            lines.push(Block::Paragraph(value));
            j = end;
        }
        j = self.opt_eol(j);
        (!lines.is_empty() && self.at(j, "||")).then_some((j + 2, Block::SpoilerBlock(lines)))
    }

    /// A code fence: ```` ``` ```` and a language, lines, ```` ``` ````. The line end after the
    /// closing fence is left.
    fn code(&mut self, i: usize) -> Option<(usize, Block)> {
        if !self.at(i, "```") {
            return None;
        }
        let lang_end = self.skip(i + 3, |c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.'));
        let language = self.slice(i + 3, lang_end);
        let mut j = self.eol(lang_end)?;
        let mut lines = Vec::new();
        loop {
            if let Some(end) = self.code_chunk(j) {
                lines.push(self.slice(j, end).to_owned());
                j = end;
            } else if self.is(j, b'\n')
                && let Some(end) = self.code_chunk(j + 1)
            {
                lines.push(self.slice(j + 1, end).to_owned());
                j = end;
            } else if self.is(j, b'\n') && !self.at(j + 1, "```") {
                lines.push(String::new());
                j += 1;
            } else {
                break;
            }
        }
        let j = self.eol(j).filter(|_| !lines.is_empty())?;
        let language = if language.is_empty() { "none" } else { language }.to_owned();
        self.at(j, "```").then_some((j + 3, Block::Code { language, lines }))
    }

    /// `CodeChunk`: a run of a code line's characters that never holds ```` ``` ```` (one or two
    /// backticks may end the line).
    fn code_chunk(&self, i: usize) -> Option<usize> {
        let plain = |c: Option<char>| c.is_some_and(|c| !matches!(c, '`' | '\r' | '\n'));
        let line_end = |c: Option<char>| c.is_none_or(chars::is_eol);
        let mut j = i;
        while let Some(c) = self.ch(j) {
            if c != '`' && !chars::is_eol(c) {
                j += c.len_utf8();
            } else if c == '`' && plain(self.ch(j + 1)) {
                j += 1;
            } else if self.at(j, "``") && (plain(self.ch(j + 2)) || line_end(self.ch(j + 2))) {
                j += 2;
            } else if c == '`' && line_end(self.ch(j + 1)) {
                j += 1;
            } else {
                break;
            }
        }
        (j > i).then_some(j)
    }

    /// Three or more `-` alone on a line (spaces around allowed).
    fn horizontal_rule(&mut self, i: usize) -> Option<(usize, Block)> {
        let start = self.skip_spaces(i);
        let end = self.skip(start, |c| c == '-');
        if end - start < 3 {
            return None;
        }
        let after = self.skip_spaces(end);
        let next = if after == self.src.len() { after } else { self.eol(after)? };
        let fallback = Some([self.utf16(start), self.utf16(end)]);
        Some((next, Block::HorizontalRule { fallback }))
    }

    /// A table: a header row, a delimiter row, body rows; every row between `|`s.
    fn table(&mut self, i: usize) -> Option<(usize, Block)> {
        let (mut j, header) = self.table_row(i)?;
        let (next, aligns) = self.delimiter_row(j)?;
        j = next;
        let mut rows = Vec::new();
        while let Some((next, row)) = self.table_row(j) {
            rows.push(row);
            j = next;
        }
        let cells = |row: Vec<Vec<Inline>>| -> Vec<Cell> {
            row.into_iter()
                .enumerate()
                .map(|(n, value)| Cell { align: aligns.get(n).copied().flatten(), value: trim_cell(value) })
                .collect()
        };
        // 0.32.0 gives every body row the header's width: extra cells dropped, missing ones empty.
        let width = header.len();
        let header = cells(header);
        let rows = rows
            .into_iter()
            .map(|row| cells(row.into_iter().chain(std::iter::repeat(Vec::new())).take(width).collect()))
            .collect();
        let fallback = Some([self.utf16(i), self.utf16(j)]);
        Some((j, Block::Table { header, rows, fallback }))
    }

    /// `TableRowLine`: `|`, cells each closed by `|`, an optional line end.
    fn table_row(&mut self, i: usize) -> Option<(usize, Vec<Vec<Inline>>)> {
        if !self.is(i, b'|') {
            return None;
        }
        let mut j = i + 1;
        let mut cells = Vec::new();
        loop {
            let mut out = Vec::new();
            let mut k = j;
            loop {
                if self.at(k, "\\|") {
                    out.push(Inline::Text("|".to_owned()));
                    k += 2;
                    continue;
                }
                if self.is(k, b'|') || self.eol(k).is_some() {
                    break;
                }
                let Some(next) = self.item_or_any(k, &mut out) else { break };
                k = next;
            }
            if !self.is(k, b'|') {
                break;
            }
            cells.push(reduce(out));
            j = k + 1;
        }
        (!cells.is_empty()).then(|| (self.opt_eol(j), cells))
    }

    /// `TableDelimiterRow`: `| :--- | :-: | --: |`, the columns' alignments.
    fn delimiter_row(&self, i: usize) -> Option<(usize, Vec<Option<Align>>)> {
        if !self.is(i, b'|') {
            return None;
        }
        let mut j = i + 1;
        let mut aligns = Vec::new();
        loop {
            let mut k = self.skip_spaces(j);
            let left = self.is(k, b':');
            k += usize::from(left);
            let dashes = self.skip(k, |c| c == '-');
            if dashes == k {
                break;
            }
            let right = self.is(dashes, b':');
            k = self.skip_spaces(dashes + usize::from(right));
            if !self.is(k, b'|') {
                break;
            }
            aligns.push(match (left, right) {
                (true, true) => Some(Align::Center),
                (false, true) => Some(Align::Right),
                (true, false) => Some(Align::Left),
                (false, false) => None,
            });
            j = k + 1;
        }
        (!aligns.is_empty()).then(|| (self.opt_eol(j), aligns))
    }

    /// One to four `#`, spaces, the heading's text.
    fn heading(&mut self, i: usize) -> Option<(usize, Block)> {
        let marks = self.skip(i, |c| c == '#').min(i + 4);
        let text = self.skip_spaces(marks);
        if marks == i || text == marks {
            return None;
        }
        let (end, value) = self.line(text)?;
        Some((end, Block::Heading { level: (marks - i) as u8, value }))
    }

    /// `- [ ] text` / `- [x] text` lines.
    fn tasks(&mut self, i: usize) -> Option<(usize, Block)> {
        let mut items = Vec::new();
        let mut j = i;
        loop {
            let status = match self.byte(j + 3) {
                Some(b'x') => true,
                Some(b' ') => false,
                _ => break,
            };
            let text = self.skip_spaces(j + 5);
            if !self.at(j, "- [") || !self.is(j + 4, b']') || text == j + 5 {
                break;
            }
            let Some((end, value)) = self.line(text) else { break };
            items.push(Task { status, value });
            j = end;
        }
        (!items.is_empty()).then_some((j, Block::Tasks(items)))
    }

    /// `7. text` lines.
    fn ordered_list(&mut self, i: usize) -> Option<(usize, Block)> {
        let mut items = Vec::new();
        let mut j = i;
        loop {
            let digits = self.skip(j, |c| c.is_ascii_digit());
            let text = self.skip_spaces(digits + 1);
            if digits == j || !self.is(digits, b'.') || text == digits + 1 {
                break;
            }
            let Some((end, value)) = self.line(text) else { break };
            // JavaScript's parseInt gives a double; here exact, saturated to u64 (the same below
            // 2^53; no float parser in the widget for absurd list numbers).
            let number = self
                .slice(j, digits)
                .bytes()
                .fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')));
            items.push(ListItem { value, number: Some(number) });
            j = end;
        }
        (!items.is_empty()).then_some((j, Block::OrderedList(items)))
    }

    /// `- text` lines, or `* text` lines (one marker per list).
    fn unordered_list(&mut self, i: usize) -> Option<(usize, Block)> {
        let marker = self.byte(i).filter(|&b| b == b'-' || b == b'*')?;
        let mut items = Vec::new();
        let mut j = i;
        loop {
            let text = self.skip_spaces(j + 1);
            if !self.is(j, marker) || text == j + 1 {
                break;
            }
            let item = if marker == b'-' { self.line(text) } else { self.asterisk_item(text) };
            let Some((end, value)) = item else { break };
            items.push(ListItem { value, number: None });
            j = end;
        }
        (!items.is_empty()).then_some((j, Block::UnorderedList(items)))
    }

    /// A `*` item's text, which must not stop at a `*` no inline rule took.
    fn asterisk_item(&mut self, i: usize) -> Option<(usize, Vec<Inline>)> {
        let mut out = Vec::new();
        let mut j = i;
        loop {
            let next = match self.inline_item(j, &mut out) {
                Some(next) => next,
                None if self.is(j, b'*') => break,
                None => match self.any(j, &mut out) {
                    Some(next) => next,
                    None => break,
                },
            };
            j = next;
        }
        (j > i && !self.is(j, b'*')).then(|| (self.opt_eol(j), reduce(out)))
    }

    /// `\[ … \]` or `$$ … $$` (as enabled), across lines.
    fn katex_block(&mut self, i: usize) -> Option<(usize, Block)> {
        let opens = (self.opts.katex_parenthesis && self.at(i, "\\[")) || (self.opts.katex_dollar && self.at(i, "$$"));
        if !opens {
            return None;
        }
        let end = self.katex_end(i + 2, true)?;
        Some((end + 2, Block::Katex(self.slice(i + 2, end).to_owned())))
    }

    /// Spaces and a line end: an empty line.
    fn line_break(&mut self, i: usize) -> Option<(usize, Block)> {
        Some((self.eol(self.skip_spaces(i))?, Block::LineBreak))
    }

    /// The whole text as one to three emoji (or emoticons) and whitespace.
    pub(super) fn big_emoji(&mut self) -> Option<Vec<Emoji>> {
        let blank = |c: char| is_space(c) || chars::is_eol(c);
        let mut j = self.skip(0, blank);
        let mut found = Vec::new();
        while found.len() < 3 {
            let Some((end, emoji)) = self.emoji_at(j).or_else(|| self.emoticon_at(j)) else { break };
            found.push(emoji);
            j = self.skip(end, blank);
        }
        (!found.is_empty() && j == self.src.len()).then_some(found)
    }
}

/// A table cell's content without the whitespace at its ends (GFM).
fn trim_cell(mut value: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(first)) = value.first_mut() {
        *first = first.trim_start_matches(is_js_space).to_owned();
        if first.is_empty() {
            value.remove(0);
        }
    }
    if let Some(Inline::Text(last)) = value.last_mut() {
        *last = last.trim_end_matches(is_js_space).to_owned();
        if last.is_empty() {
            value.pop();
        }
    }
    value
}
