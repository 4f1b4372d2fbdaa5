//! The `md` Rocket.Chat stores with each message: its text's parse tree, built with the options
//! a default Rocket.Chat server passes (`MessageService.beforeSave`): emoticons on, colour
//! previews on (`HexColorPreview_Enabled`), KaTeX with `\(…\)` and `\[…\]`
//! (`Katex_Enabled`, `Katex_Parenthesis_Syntax`), no custom auto-link domains, and the Public
//! Suffix List deciding which bare host names are links.

use livechat_wire::md::{Md, Options, parse};

/// The tree of a message's text; none for empty text (Rocket.Chat's parser refuses it).
pub fn tree(msg: &str) -> Option<Md> {
    if msg.is_empty() {
        return None;
    }
    let options = Options {
        emoticons: true,
        colors: true,
        katex_dollar: false,
        katex_parenthesis: true,
        custom_domains: Vec::new(),
        public_suffix: Some(public_suffix),
    };
    Some(Md(parse(msg, &options)))
}

/// Whether `host` ends in a suffix the Public Suffix List knows (`example.com`, `1.no`), not
/// one it would only guess (`node.js`).
fn public_suffix(host: &str) -> bool {
    psl::suffix(host.to_ascii_lowercase().as_bytes()).is_some_and(|s| s.is_known())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_suffixes() {
        for host in ["rocket.chat", "example.com", "1.no", "foo.bar", "my.zip", "sub.example.co.uk", "Example.COM"] {
            assert!(public_suffix(host), "{host}");
        }
        for host in ["node.js", "file.txt", "test", "test.9gag", "rocket.chattt"] {
            assert!(!public_suffix(host), "{host}");
        }
    }

    #[test]
    fn empty_text_has_no_tree() {
        assert_eq!(tree(""), None);
        assert!(tree("hi").is_some());
    }
}
