//! The grammar's character classes, its Unicode emoji and ASCII emoticon tables, and the
//! calendar arithmetic timestamps need. Everything here is a pure function of the text.

/// `Space`: a space or a tab.
pub(super) fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Where an `EndOfLine` (`\r\n`, `\n` or `\r`) can start.
pub(super) fn is_eol(c: char) -> bool {
    c == '\r' || c == '\n'
}

/// `PlainRun`: everything but the characters that can start markup (and the line feed).
pub(super) fn is_plain_run(c: char) -> bool {
    !matches!(c, '*' | '_' | '~' | '`' | ':' | '\n' | '<' | '[' | ']' | '!' | ' ' | '\t' | '(' | ')' | '\\' | '|')
}

/// `AnyText`: printable ASCII but `( ) * [ \ ] ^ _ `` { | } ~`, or any non-ASCII character.
pub(super) fn is_any_text(c: char) -> bool {
    matches!(c as u32, 0x20..=0x27 | 0x2B..=0x5A | 0x61..=0x7A | 0x80..)
}

/// `Extra`: what may trail a URL without belonging to it.
pub(super) fn is_extra(c: char) -> bool {
    matches!(c, '.' | ',' | '!' | '%' | '~' | '*' | '"' | '\'' | ':' | ';' | '(' | ')' | '=')
}

/// `MarkdownLinkExtra`: `Extra` without `~ ( )`.
pub(super) fn is_md_link_extra(c: char) -> bool {
    matches!(c, '.' | ',' | '!' | '%' | '*' | '"' | '\'' | ':' | ';' | '=')
}

/// `Safe`: the punctuation that ends a domain label (`_` and `-` excepted, see `domain_char`).
pub(super) fn is_safe(c: char) -> bool {
    matches!(c, '$' | '@' | '&' | '+' | '_' | '#' | '?' | '-')
}

/// Characters a URL body may hold besides `AnyText` (`(` only in the plain bodies).
pub(super) fn is_url_symbol(c: char) -> bool {
    matches!(c, '*' | '[' | '/' | ']' | '^' | '_' | '`' | '{' | '}' | '~')
}

/// `AlphaNumericChar`: a letter or a decimal digit. The grammar lists the BMP's letters; this
/// uses Rust's `Alphabetic` property there, which also counts some combining vowel signs.
pub(super) fn is_alnum_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && c <= '\u{FFFF}' && (c.is_alphabetic() || is_decimal(c)))
}

/// `UTF8NamesValidation`'s characters: letters, digits, `-`, `_` and `.`.
pub(super) fn is_name_char(c: char) -> bool {
    matches!(c, '-' | '_' | '.') || is_alnum_name(c)
}

/// A decimal digit (Unicode category Nd) in the BMP: the first digit of each script's run of ten.
fn is_decimal(c: char) -> bool {
    const ZEROS: [u16; 36] = [
        0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0,
        0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
        0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xFF10,
    ];
    let u = c as u32;
    ZEROS.iter().any(|&z| (u32::from(z)..u32::from(z) + 10).contains(&u)) || (0xABF0..=0xABF9).contains(&u)
}

/// `AlphaNumericOrMarkChar`, which starts each piece of an e-mail's local part: letters, digits,
/// combining marks and the emoji-ish symbols the grammar lists (any character outside the BMP).
pub(super) fn is_local_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let u = c as u32;
    u > 0xFFFF
        || is_alnum_name(c)
        || matches!(
            u,
            0x300..=0x36F
                | 0x483..=0x489
                | 0x1AB0..=0x1AFF
                | 0x1DC0..=0x1DFF
                | 0x200D
                | 0x20D0..=0x20F0
                | 0xFE00..=0xFE0F
                | 0xFE20..=0xFE2F
                | 0xA9 | 0xAE | 0x203C | 0x2049 | 0x2122 | 0x2139
                | 0x2190..=0x21FF
                | 0x231A | 0x231B | 0x2328 | 0x23CF | 0x23E9..=0x23F3 | 0x23F8..=0x23FA
                | 0x24C2 | 0x25AA | 0x25AB | 0x25B6 | 0x25C0 | 0x25FB..=0x25FE
                | 0x2600..=0x27BF
                | 0x2934 | 0x2935 | 0x2B05..=0x2B07 | 0x2B1B | 0x2B1C | 0x2B50 | 0x2B55
                | 0x3030 | 0x303D | 0x3297 | 0x3299
        )
}

/// `LocalPartSpecialChars`.
pub(super) fn is_local_special(c: char) -> bool {
    "!#$%&'*+/=?^_`{|}~-".contains(c)
}

/// JavaScript's `\s` (what `trim()` removes).
pub(super) fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// The character at byte `i` of `s` and the byte after it.
fn next(s: &str, i: usize) -> Option<(char, usize)> {
    let c = s.get(i..)?.chars().next()?;
    Some((c, i + c.len_utf8()))
}

/// Skips one character of `s` at `i` if `pred` holds for it.
fn opt(s: &str, i: usize, pred: impl Fn(u32) -> bool) -> usize {
    match next(s, i) {
        Some((c, j)) if pred(c as u32) => j,
        _ => i,
    }
}

fn is_vs(u: u32) -> bool {
    (0xFE00..=0xFE0F).contains(&u)
}

/// One emoji of the set `UnicodeEmoji` knows (the grammar's ranges, not all of Unicode's emoji)
/// starting at byte `i` of `s`: where it ends.
pub(super) fn unicode_emoji(s: &str, i: usize) -> Option<usize> {
    let (c, j) = next(s, i)?;
    let u = c as u32;
    // A subdivision flag: black flag, tag letters, cancel tag.
    if u == 0x1F3F4 {
        let mut k = j;
        while let Some((t, l)) = next(s, k)
            && (0xE0020..=0xE007E).contains(&(t as u32))
        {
            k = l;
        }
        if k > j
            && let Some(('\u{E007F}', l)) = next(s, k)
        {
            return Some(l);
        }
    }
    // A keycap: digit, `#` or `*`, an optional emoji selector, the enclosing keycap.
    if matches!(c, '0'..='9' | '#' | '*') {
        let k = opt(s, j, |v| v == 0xFE0F);
        return match next(s, k) {
            Some(('\u{20E3}', l)) => Some(l),
            _ => None,
        };
    }
    // A ZWJ sequence: components joined by U+200D (a dangling joiner spoils the sequence).
    let mut k = i;
    while let Some(l) = zwj_component(s, k) {
        match next(s, l) {
            Some(('\u{200D}', m)) => k = m,
            _ => break,
        }
    }
    if let Some(l) = zwj_component(s, k) {
        return Some(l);
    }
    let with_vs = |ok: bool| ok.then(|| opt(s, j, is_vs));
    if let Some(end) = with_vs(matches!(u, 0x1F600..=0x1F64F | 0x1F680..=0x1F6FF | 0x2300..=0x27BF | 0x2B1B | 0x2B1C))
        .or_else(|| with_vs(matches!(u, 0x1F7E0..=0x1F7EB | 0x1F7F0)))
        .or_else(|| {
            with_vs(
                matches!(u, 0x1F0CF | 0x1F18E | 0x1F191..=0x1F19A | 0x1F201 | 0x1F232..=0x1F23A | 0x1F250 | 0x1F251),
            )
        })
    {
        return Some(end);
    }
    // Characters that are emoji only with the emoji selector after them.
    let needs_vs = matches!(
        u,
        0xA9 | 0xAE
            | 0x203C
            | 0x2049
            | 0x2122
            | 0x2139
            | 0x2196..=0x2199
            | 0x21A9
            | 0x21AA
            | 0x24C2
            | 0x25AA
            | 0x25AB
            | 0x25B6
            | 0x25C0
            | 0x25FB..=0x25FE
            | 0x2934
            | 0x2935
            | 0x2B05..=0x2B07
            | 0x2B50
            | 0x2B55
            | 0x3030
            | 0x303D
            | 0x3297
            | 0x3299
            | 0x1F004
            | 0x1F170
            | 0x1F171
            | 0x1F17E
            | 0x1F17F
            | 0x1F202
            | 0x1F21A
            | 0x1F22F
    );
    if needs_vs {
        return match next(s, j) {
            Some(('\u{FE0F}', l)) => Some(l),
            _ => None,
        };
    }
    // A flag: two regional indicators.
    let is_ri = |v: u32| (0x1F1E6..=0x1F1FF).contains(&v);
    if is_ri(u)
        && let Some((d, l)) = next(s, j)
        && is_ri(d as u32)
    {
        return Some(l);
    }
    None
}

/// `UnicodeEmojiZwjComponent`: one pictograph (with its optional selector) and an optional
/// skin tone.
fn zwj_component(s: &str, i: usize) -> Option<usize> {
    let (c, j) = next(s, i)?;
    let j = match c as u32 {
        0x1F900..=0x1FBFF => j,
        0x1F300..=0x1F64F | 0x1F680..=0x1F6FF | 0x2600..=0x27BF | 0x2194 | 0x2195 | 0x2B1B | 0x2B1C => opt(s, j, is_vs),
        0x1F7E0..=0x1F7EB | 0x1F7F0 => opt(s, j, is_vs),
        _ => return None,
    };
    Some(opt(s, j, |v| (0x1F3FB..=0x1F3FF).contains(&v)))
}

/// The emoticons and their shortcodes, in the grammar's order (within one first character the
/// first listed that matches wins).
const EMOTICONS: &[(&str, &str)] = &[
    ("</3", "broken_heart"),
    ("<3", "heart"),
    (":-D", "smiley"),
    (":D", "smiley"),
    (":')", "joy"),
    (":'-)", "joy"),
    (":-)", "slight_smile"),
    (":)", "slight_smile"),
    (":]", "slight_smile"),
    (":-*", "kissing_heart"),
    (":*", "kissing_heart"),
    (":^*", "kissing_heart"),
    (":-P", "stuck_out_tongue"),
    (":P", "stuck_out_tongue"),
    (":-Þ", "stuck_out_tongue"),
    (":Þ", "stuck_out_tongue"),
    (":-b", "stuck_out_tongue"),
    (":b", "stuck_out_tongue"),
    (":-(", "disappointed"),
    (":(", "disappointed"),
    (":-[", "disappointed"),
    (":[", "disappointed"),
    (":-/", "confused"),
    (":-.", "confused"),
    (":/", "confused"),
    (":\\", "confused"),
    (":L", "confused"),
    (":'(", "cry"),
    (":@", "angry"),
    (":$", "flushed"),
    (":-X", "no_mouth"),
    (":X", "no_mouth"),
    (":-#", "no_mouth"),
    (":#", "no_mouth"),
    (":-O", "open_mouth"),
    (":O", "open_mouth"),
    ("=D", "smiley"),
    ("=]", "slight_smile"),
    ("=)", "slight_smile"),
    ("=*", "kissing_heart"),
    ("=P", "stuck_out_tongue"),
    ("=(", "disappointed"),
    ("=/", "confused"),
    ("=\\", "confused"),
    ("=L", "confused"),
    ("=$", "flushed"),
    ("=X", "no_mouth"),
    ("=#", "no_mouth"),
    (">:)", "laughing"),
    (">;)", "laughing"),
    (">:-)", "laughing"),
    (">=)", "laughing"),
    (">.<", "persevere"),
    (">:P", "stuck_out_tongue_winking_eye"),
    (">:\\", "confused"),
    (">;/", "confused"),
    (">:(", "angry"),
    (">:-(", "angry"),
    (">:[", "disappointed"),
    (">:O", "open_mouth"),
    ("':)", "sweat_smile"),
    ("':-)", "sweat_smile"),
    ("'=)", "sweat_smile"),
    ("':D", "sweat_smile"),
    ("':-D", "sweat_smile"),
    ("'=D", "sweat_smile"),
    ("':(", "sweat"),
    ("':-(", "sweat"),
    ("'=(", "sweat"),
    ("O:-)", "innocent"),
    ("O:)", "innocent"),
    ("O;-)", "innocent"),
    ("O=)", "innocent"),
    ("O:-3", "innocent"),
    ("O:3", "innocent"),
    ("O_O", "open_mouth"),
    ("0:-3", "innocent"),
    ("0:3", "innocent"),
    ("0:-)", "innocent"),
    ("0:)", "innocent"),
    ("0;^)", "innocent"),
    ("0;-)", "innocent"),
    (";)", "wink"),
    (";-)", "wink"),
    (";-]", "wink"),
    (";]", "wink"),
    (";D", "wink"),
    (";^)", "wink"),
    (";(", "cry"),
    (";-(", "cry"),
    ("*-)", "wink"),
    ("*)", "wink"),
    ("*\\0/*", "person_gesturing_ok"),
    ("*\\O/*", "person_gesturing_ok"),
    ("B-)", "sunglasses"),
    ("B)", "sunglasses"),
    ("B-D", "sunglasses"),
    ("8)", "sunglasses"),
    ("8-)", "sunglasses"),
    ("8-D", "sunglasses"),
    ("D:", "fearful"),
    ("X-P", "stuck_out_tongue_winking_eye"),
    ("X)", "dizzy_face"),
    ("X-)", "dizzy_face"),
    ("#-)", "dizzy_face"),
    ("#)", "dizzy_face"),
    ("%-)", "dizzy_face"),
    ("%)", "dizzy_face"),
    ("(y)", "thumbsup"),
    ("-___-", "expressionless"),
    ("-__-", "expressionless"),
    ("-_-", "expressionless"),
    ("\\0\\/", "person_gesturing_ok"),
    ("\\O\\/", "person_gesturing_ok"),
];

/// The emoticon at byte `i` of `s`: where it ends and its shortcode.
pub(super) fn emoticon(s: &str, i: usize) -> Option<(usize, &'static str)> {
    let rest = s.get(i..)?;
    let first = *rest.as_bytes().first()?;
    if !b":;<>=DB8'O0*X#%(-\\".contains(&first) {
        return None;
    }
    EMOTICONS
        .iter()
        .filter(|(raw, _)| raw.as_bytes()[0] == first)
        .find(|(raw, _)| rest.starts_with(raw))
        .map(|&(raw, code)| (i + raw.len(), code))
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// algorithm); `day` may run past the month's end, as JavaScript's `Date` allows.
pub(super) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + day - 1
}
