//! Addresses: the URL grammar shared by links, images and autolinks, e-mail addresses, phone
//! numbers, and the host check that decides whether an autolink candidate is a link (the
//! JavaScript parser asks the `tldts` library).

use super::chars::{is_any_text, is_eol, is_extra, is_local_char, is_local_special, is_md_link_extra, is_safe};
use super::chars::{is_space, is_url_symbol};
use super::{Kind, Parser, Scan};
use crate::md::Inline;

impl Parser<'_> {
    /// `DomainChar`: a letter or digit; `_` or `-` with the character after it; or another
    /// character that is not punctuation the grammar reserves. Where it ends.
    fn domain_char(&self, i: usize) -> Option<usize> {
        let c = self.ch(i)?;
        if c.is_ascii_alphanumeric() {
            return Some(i + 1);
        }
        if is_extra(c) || (is_safe(c) && c != '_' && c != '-') {
            return None;
        }
        let j = if c == '_' || c == '-' { i + 1 } else { i };
        let d = self.ch(j)?;
        let reserved = is_eol(d) || is_space(d) || matches!(d, '\\' | '/' | '|' | '>' | '<' | '%' | '`' | '[' | ']');
        (!reserved).then_some(j + d.len_utf8())
    }

    /// Where the run of domain characters from `i` ends (remembered per position, so that
    /// labels are scanned once however many items start inside them).
    fn label_end(&mut self, i: usize) -> usize {
        if self.label_ends.is_empty() {
            self.label_ends = vec![u32::MAX; self.src.len() + 1];
        }
        let mut path = Vec::new();
        let mut j = i;
        let end = loop {
            match self.label_ends.get(j) {
                Some(&known) if known != u32::MAX => break known as usize,
                _ => {}
            }
            match self.domain_char(j) {
                Some(next) => {
                    path.push(j);
                    j = next;
                }
                None => break j,
            }
        };
        for p in path {
            self.label_ends[p] = end as u32;
        }
        end
    }

    /// `DomainName`: `localhost`, or labels joined by dots (at least two), not starting with `_`.
    pub(super) fn domain_name(&mut self, i: usize) -> Option<usize> {
        if self.at(i, "localhost") {
            return Some(i + 9);
        }
        if self.is(i, b'_') {
            return None;
        }
        let mut end = self.label_end(i);
        if end == i {
            return None;
        }
        let mut dots = 0;
        while self.is(end, b'.')
            && let Some(next) = self.domain_char(end + 1)
        {
            end = self.label_end(next);
            dots += 1;
        }
        (dots > 0).then_some(end)
    }

    /// `URLScheme`: 1–32 of `[A-Za-z0-9+-]` and `:`.
    fn scheme(&self, i: usize) -> Option<usize> {
        let end = self.skip(i, |c| c.is_ascii_alphanumeric() || c == '+' || c == '-');
        (end > i && end - i <= 32 && self.is(end, b':')).then_some(end + 1)
    }

    /// `URLAuthorityHost`: a domain (or IPv4 address, which is one too) and an optional port.
    fn host(&mut self, i: usize) -> Option<usize> {
        let end = self.domain_name(i)?;
        let port = self.skip(end + 1, |c| c.is_ascii_digit());
        Some(if self.is(end, b':') && port > end + 1 { port } else { end })
    }

    /// `$(URLScheme URLAuthority) / $(URLAuthorityHost)`: a URL's start.
    fn url_head(&mut self, i: usize) -> Option<usize> {
        if let Some(s) = self.scheme(i).filter(|&s| self.at(s, "//")) {
            // `URLAuthorityUserInfo?`: user, optional password, `@`.
            let user = |p: &Self, at: usize| p.skip(at, |c| c.is_ascii_alphanumeric() || "$&+_#?-".contains(c));
            let mut h = s + 2;
            let name = user(self, h);
            if name > h {
                let pass = if self.is(name, b':') { user(self, name + 1) } else { name };
                let at = if pass > name + 1 { pass } else { name };
                if self.is(at, b'@') {
                    h = at + 1;
                }
            }
            if let Some(end) = self.host(h) {
                return Some(end);
            }
        }
        self.host(i)
    }

    /// Whether a URL body stops at `i`: whitespace, or a run of trailing punctuation (`extra`)
    /// before whitespace, a line end (or the text's end, if `at_end`). Returns the run's end
    /// when it does not stop, so that the caller can skip it.
    fn url_stop(&self, i: usize, extra: fn(char) -> bool, at_end: bool) -> Result<(), usize> {
        let run = self.skip(i, extra);
        match self.ch(run) {
            Some(c) if is_space(c) || is_eol(c) => Ok(()),
            None if at_end => Ok(()),
            _ => Err(run),
        }
    }

    /// `URLBody*` (for `<url|label>` and schemes without `//`). Where it stops does not depend
    /// on where it started, so the last answer is reused for starts inside it.
    fn url_body(&mut self, i: usize) -> usize {
        if let Some(Scan { from, to }) = self.scans[6]
            && from <= i
            && i <= to
        {
            return to;
        }
        let mut j = i;
        let mut checked = i;
        while let Some(c) = self.ch(j) {
            if j >= checked {
                match self.url_stop(j, is_extra, true) {
                    Ok(()) => break,
                    Err(run) => checked = run.max(j + 1),
                }
            }
            if !(is_any_text(c) || is_url_symbol(c) || c == '(') {
                break;
            }
            j += c.len_utf8();
        }
        self.scans[6] = Some(Scan { from: i, to: j });
        j
    }

    /// `MarkdownLinkURLBody*`: like [`Parser::url_body`], but `(…)` must balance and `)` ends it.
    fn md_url_body(&self, i: usize) -> usize {
        let mut j = i;
        let mut checked = i;
        while let Some(c) = self.ch(j) {
            if j >= checked {
                match self.url_stop(j, is_md_link_extra, false) {
                    Ok(()) => break,
                    Err(run) => checked = run.max(j + 1),
                }
            }
            if c == ')' {
                break;
            }
            if is_any_text(c) || is_url_symbol(c) {
                j += c.len_utf8();
                continue;
            }
            if c != '(' {
                break;
            }
            let inner = self.skip(j + 1, |d| {
                !is_space(d) && !is_eol(d) && d != ')' && (is_any_text(d) || is_url_symbol(d) || d == '(')
            });
            if !self.is(inner, b')') {
                break;
            }
            j = inner + 1;
        }
        j
    }

    /// `AutoLinkURLBody*`: anything up to whitespace, but trailing punctuation.
    fn autolink_body(&self, i: usize) -> usize {
        let mut j = i;
        while let Some(c) = self.ch(j) {
            if is_space(c) || is_eol(c) {
                break;
            }
            if is_extra(c) {
                match self.url_stop(j, is_extra, true) {
                    Ok(()) => break,
                    Err(run) => j = run,
                }
            } else {
                j += c.len_utf8();
            }
        }
        j
    }

    /// `MarkdownLinkRef`: a URL, `scheme:body` or a phone number (as `tel:`), where it ends.
    /// Remembered: every `[` before a `](` leads here.
    pub(super) fn md_link_ref(&mut self, i: usize) -> Option<(usize, String)> {
        let key = self.key(Kind::LinkRef, i);
        if let Some(known) = self.memo.get(&key) {
            return match known.as_ref().map(|(end, v)| (*end, v.first())) {
                Some((end, Some(Inline::Text(src)))) => Some((end, src.clone())),
                _ => None,
            };
        }
        let found = self.md_link_ref_uncached(i);
        self.memo.insert(key, found.clone().map(|(end, src)| (end, vec![Inline::Text(src)])));
        found
    }

    fn md_link_ref_uncached(&mut self, i: usize) -> Option<(usize, String)> {
        self.link_ref_with(i, |p, at| p.md_url_body(at))
    }

    /// `LinkRef`: as [`Parser::md_link_ref`] with the plain URL body.
    pub(super) fn link_ref(&mut self, i: usize) -> Option<(usize, String)> {
        self.link_ref_with(i, Self::url_body)
    }

    /// A link's address at `i` — a URL with its head, a scheme and what follows it, or a phone
    /// number (`tel:`) — its body read by `body`.
    fn link_ref_with(&mut self, i: usize, body: fn(&mut Self, usize) -> usize) -> Option<(usize, String)> {
        if let Some(head) = self.url_head(i) {
            let end = body(self, head);
            return Some((end, self.slice(i, end).to_owned()));
        }
        if let Some(s) = self.scheme(i) {
            let end = body(self, s);
            if end > s {
                return Some((end, self.slice(i, end).to_owned()));
            }
        }
        let (end, _, number) = self.phone_at(i)?;
        Some((end, format!("tel:{number}")))
    }

    /// `Phone`: `+`, digits with an optional `(digits)` prefix and one optional `-`. Where it
    /// ends, the text as written and the digits.
    fn phone_at(&self, i: usize) -> Option<(usize, String, String)> {
        if !self.is(i, b'+') {
            return None;
        }
        let digits = |at: usize| Some(self.skip(at, |c| c.is_ascii_digit())).filter(|&e| e > at);
        let j = i + 1;
        let prefix = match digits(j) {
            Some(e) => Some((e, self.slice(j, e))),
            None if self.is(j, b'(') => {
                digits(j + 1).filter(|&e| self.is(e, b')')).map(|e| (e + 1, self.slice(j + 1, e)))
            }
            None => None,
        };
        let found = prefix.and_then(|(p, number)| {
            let text = self.slice(j, p);
            if self.is(p, b'-')
                && let Some(e) = digits(p + 1)
            {
                return Some((e, format!("{text}-{}", self.slice(p + 1, e)), [number, self.slice(p + 1, e)].concat()));
            }
            let d1 = digits(p)?;
            let first = self.slice(p, d1);
            if self.is(d1, b'-')
                && let Some(e) = digits(d1 + 1)
            {
                let second = self.slice(d1 + 1, e);
                return Some((e, format!("{text}{first}-{second}"), [number, first, second].concat()));
            }
            Some((d1, format!("{text}{first}"), [number, first].concat()))
        });
        let (end, text, number) =
            found.or_else(|| digits(j).map(|e| (e, self.slice(j, e).to_owned(), self.slice(j, e).to_owned())))?;
        Some((end, format!("+{text}"), number))
    }

    /// `AutolinkedPhone`: a link when it has five digits or more, else text.
    pub(super) fn phone(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        let (end, text, number) = self.phone_at(i)?;
        out.push(if number.len() < 5 {
            Inline::Text(text)
        } else {
            Inline::Link { src: format!("tel:{number}"), label: vec![Inline::Text(text)] }
        });
        Some(end)
    }

    /// `AutolinkedEmail`: `[mailto:]local@domain`, a `mailto:` link if the domain is public,
    /// else its text (without the `mailto:`, as 0.32.0 drops it).
    pub(super) fn email(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        // Only when an `@` comes before the next whitespace.
        let guard = self.scan(1, i, |c| !matches!(c, ' ' | '\t' | '\r' | '\n' | '@'));
        if !self.is(guard, b'@') {
            return None;
        }
        let start = if self.at(i, "mailto:") { i + 7 } else { i };
        if !self.ch(start).is_some_and(is_local_char) {
            return None;
        }
        // `LocalPart`: pieces that start with a letter or digit, joined by dots.
        let at = self.scan_by(3, start, |p, j| {
            let c = p.ch(j)?;
            let more = is_local_char(c) || is_local_special(c) || (c == '.' && p.ch(j + 1).is_some_and(is_local_char));
            more.then(|| j + c.len_utf8())
        });
        if !self.is(at, b'@') {
            return None;
        }
        let end = self.domain_name(at + 1)?;
        let address = self.slice(start, end);
        let href = format!("mailto:{address}");
        let public = hostname(&href).is_some_and(|host| valid_hostname(&host) && self.is_public(&host));
        out.push(if public {
            Inline::Link { src: href, label: vec![Inline::Text(address.to_owned())] }
        } else {
            Inline::Text(address.to_owned())
        });
        Some(end)
    }

    /// `PlainUnderscoreThenDomain`: `_example.com` not followed by `_` is text.
    pub(super) fn underscore_domain(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        if !self.is(i, b'_') {
            return None;
        }
        let end = self.domain_name(i + 1).filter(|&e| !self.is(e, b'_'))?;
        out.push(self.text(i, end));
        Some(end)
    }

    /// `AutolinkedURL`: a URL candidate; a link if its host passes, else one text.
    pub(super) fn autolink(&mut self, i: usize, out: &mut Vec<Inline>) -> Option<usize> {
        // Only when `://` or `.` comes before the next whitespace, `:`, `/` or `@`.
        let guard = self.scan(2, i, |c| !matches!(c, ' ' | '\t' | '\r' | '\n' | ':' | '.' | '/' | '@'));
        if !self.at(guard, "://") && !self.is(guard, b'.') {
            return None;
        }
        let head = self.url_head(i)?;
        let end = self.autolink_body(head);
        let src = self.slice(i, end);
        out.push(if self.links(src) {
            let href = if has_scheme(src) || src.starts_with("//") { src.to_owned() } else { format!("//{src}") };
            Inline::Link { src: href, label: vec![Inline::Text(src.to_owned())] }
        } else {
            Inline::Text(src.to_owned())
        });
        Some(end)
    }

    /// Whether an autolink candidate's host makes it a link: an IPv4 address, `localhost` or a
    /// custom domain (or a subdomain of one), or a valid host name with a public suffix.
    fn links(&self, src: &str) -> bool {
        let Some(host) = hostname(src) else { return false };
        if is_ip(&host) {
            return true;
        }
        if !valid_hostname(&host) {
            return false;
        }
        let listed = |domain: &str| {
            !domain.is_empty()
                && host.ends_with(domain)
                && (host.len() == domain.len() || host[..host.len() - domain.len()].ends_with('.'))
        };
        self.is_public(&host) || listed("localhost") || self.opts.custom_domains.iter().any(|d| listed(d))
    }

    /// Whether `host` ends in a public suffix: the caller's list, else a last label of two or more
    /// ASCII letters.
    fn is_public(&self, host: &str) -> bool {
        match self.opts.public_suffix {
            Some(check) => check(host),
            None => {
                let last = host.rsplit('.').next().unwrap_or("");
                last.len() >= 2 && last.bytes().all(|b| b.is_ascii_alphabetic())
            }
        }
    }
}

/// The host name in a URL as `tldts` extracts it: after a `scheme:/` or `//` and any `user@`,
/// before the path, query, fragment or port, without trailing dots, lower-cased; inside `[…]`
/// for an IPv6 address. (Only ASCII letters are lower-cased: Unicode's case tables would cost
/// the widget kilobytes for capital letters in internationalised top-level domains.)
fn hostname(url: &str) -> Option<String> {
    if url.starts_with("data:") {
        return None;
    }
    let b = url.as_bytes();
    let mut start = b.iter().position(|&c| c > b' ').unwrap_or(b.len());
    let mut end = b.len();
    while end > start + 1 && b[end - 1] <= b' ' {
        end -= 1;
    }
    if url[start..].starts_with("//") {
        start += 2;
    } else if let Some(colon) = url[start..].find(":/").map(|n| start + n) {
        if !b[start..colon].iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+')) {
            return None;
        }
        start = colon + 2;
        while b.get(start) == Some(&b'/') {
            start += 1;
        }
    }
    let (mut at, mut bracket, mut port) = (None, None, None);
    for (n, &c) in b.iter().enumerate().take(end).skip(start) {
        match c {
            b'/' | b'?' | b'#' => {
                end = n;
                break;
            }
            b'@' => at = Some(n),
            b']' => bracket = Some(n),
            b':' => port = Some(n),
            _ => {}
        }
    }
    if let Some(at) = at.filter(|&at| at > start && at < end) {
        start = at + 1;
    }
    if b.get(start) == Some(&b'[') {
        let close = bracket?;
        return Some(url.get(start + 1..close.max(start + 1)).unwrap_or("").to_ascii_lowercase());
    }
    if let Some(port) = port.filter(|&p| p > start && p < end) {
        end = port;
    }
    while end > start + 1 && b[end - 1] == b'.' {
        end -= 1;
    }
    let host = url.get(start..end)?;
    Some(host.to_ascii_lowercase())
}

/// `tldts`'s host name check: letters, digits, `-`, `_` and non-ASCII in dot-separated labels of
/// at most 63 units, no empty label, none ending in `-` or `_`.
fn valid_hostname(host: &str) -> bool {
    let units: Vec<u16> = host.encode_utf16().collect();
    let ok = |c: u16| matches!(c, 0x61..=0x7A | 0x30..=0x39 | 128..);
    let Some(&first) = units.first() else { return false };
    if units.len() > 255 || !(ok(first) || first == u16::from(b'.') || first == u16::from(b'_')) {
        return false;
    }
    let (mut last_dot, mut last) = (-1i64, 0u16);
    for (n, &c) in units.iter().enumerate() {
        if c == u16::from(b'.') {
            if n as i64 - last_dot > 64 || [b'.', b'-', b'_'].iter().any(|&x| last == u16::from(x)) {
                return false;
            }
            last_dot = n as i64;
        } else if !(ok(c) || c == u16::from(b'-') || c == u16::from(b'_')) {
            return false;
        }
        last = c;
    }
    units.len() as i64 - last_dot - 1 <= 63 && last != u16::from(b'-')
}

/// `tldts`'s IP check: an IPv4 address (7–15 characters, digits and exactly three dots, not at
/// either end), or something IPv6-like (hex digits, any capital letter and at least one `:`,
/// optionally in brackets).
fn is_ip(host: &str) -> bool {
    let ipv4 = (7..=15).contains(&host.len())
        && host.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && host.bytes().filter(|&c| c == b'.').count() == 3
        && !host.starts_with('.')
        && !host.ends_with('.');
    let inner = host.strip_prefix('[').unwrap_or(host);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    let ipv6 = host.len() >= 3
        && inner.len() <= 39
        && inner.contains(':')
        && inner.bytes().all(|c| c == b':' || c.is_ascii_digit() || matches!(c, b'a'..=b'f' | b'A'..=b'Z'));
    ipv4 || ipv6
}

/// Whether `src` starts with a URL scheme (`[A-Za-z][A-Za-z0-9+.-]*:`), which makes
/// `URL.canParse` accept it (`rocket.chat:8080` included).
fn has_scheme(src: &str) -> bool {
    let Some(colon) = src.find(':') else { return false };
    let scheme = &src.as_bytes()[..colon];
    scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
}
