//! Meteor-style random ids (`Random.id()`), the form of Rocket.Chat's `_id`s and of visitor
//! tokens. The caller supplies the random bytes (the OS on a server, `crypto.getRandomValues`
//! in a browser).

/// Meteor's alphabet: no look-alike characters.
pub const ALPHABET: &[u8; 55] = b"23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";

/// The usual length of an id.
pub const LEN: usize = 17;

/// `len` characters drawn uniformly from [`ALPHABET`], using `fill` for randomness.
///
/// Rejection sampling keeps the choice uniform: bytes at or above 220 (= 4 × 55) are dropped.
pub fn random_id(len: usize, mut fill: impl FnMut(&mut [u8])) -> String {
    const LIMIT: u8 = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 32];
    while out.len() < len {
        fill(&mut buf);
        for &b in buf.iter().filter(|&&b| b < LIMIT) {
            if out.len() == len {
                break;
            }
            out.push(ALPHABET[usize::from(b) % ALPHABET.len()] as char);
        }
    }
    out
}

/// True if `s` looks like an id this module makes: non-empty, alphabet characters only.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_only_the_alphabet_and_skips_biased_bytes() {
        // A source that yields only rejected bytes at first, then a counter.
        let mut calls = 0u8;
        let id = random_id(LEN, |buf| {
            calls += 1;
            for (i, b) in buf.iter_mut().enumerate() {
                *b = if calls == 1 { 250 } else { i as u8 };
            }
        });
        assert_eq!(id.len(), LEN);
        assert_eq!(&id[..3], "234", "bytes 0, 1, 2 map to the first three letters");
        assert!(is_valid(&id));
        assert!(!is_valid("with space"));
        assert!(!is_valid(""));
    }
}
