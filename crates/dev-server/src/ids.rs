//! Ids, secrets and time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use livechat_wire::Timestamp;
use sha2::{Digest, Sha256};

/// A random id of `len` characters from Meteor's alphabet.
pub fn random_id_len(len: usize) -> String {
    livechat_wire::id::random_id(len, |buf| getrandom::fill(buf).expect("the operating system's random source failed"))
}

/// A 17-character id, like Rocket.Chat's `_id`s.
pub fn random_id() -> String {
    random_id_len(17)
}

/// A login token (43 characters, like Meteor's).
pub fn login_token() -> String {
    random_id_len(43)
}

/// Hex SHA-256, used for login tokens and passwords.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A salted, stretched password hash: `salt$hex`.
pub fn hash_password(password: &str) -> String {
    let salt = random_id_len(16);
    format!("{salt}${}", stretch(&salt, password))
}

pub fn verify_password(stored: &str, password: &str) -> bool {
    let Some((salt, hash)) = stored.split_once('$') else { return false };
    let computed = stretch(salt, password);
    // Constant-time comparison.
    computed.len() == hash.len() && computed.bytes().zip(hash.bytes()).fold(0, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn stretch(salt: &str, password: &str) -> String {
    let mut digest = sha256_hex(&[salt.as_bytes(), password.as_bytes()]);
    for _ in 0..10_000 {
        digest = sha256_hex(&[salt.as_bytes(), digest.as_bytes()]);
    }
    digest
}

/// Wall-clock milliseconds that never repeat or go back within the process, so messages keep
/// a strict order even when two arrive in the same millisecond.
#[derive(Debug, Default)]
pub struct Clock {
    last: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        let mut prev = self.last.load(Ordering::Relaxed);
        loop {
            let next = wall.max(prev + 1);
            match self.last.compare_exchange_weak(prev, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Timestamp(next),
                Err(actual) => prev = actual,
            }
        }
    }

    /// Makes later timestamps follow `t` (after a restart, the newest stored message).
    pub fn advance_past(&self, t: i64) {
        self.last.fetch_max(t, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_use_meteor_alphabet() {
        let id = random_id();
        assert_eq!(id.len(), 17);
        assert!(livechat_wire::id::is_valid(&id));
        assert_ne!(random_id(), random_id());
    }

    #[test]
    fn passwords() {
        let h = hash_password("s3cret");
        assert!(verify_password(&h, "s3cret"));
        assert!(!verify_password(&h, "s3cre"));
        assert!(!verify_password("garbage", "s3cret"));
        assert_ne!(hash_password("s3cret"), h, "salted");
    }

    #[test]
    fn clock_is_strictly_increasing() {
        let c = Clock::default();
        c.advance_past(i64::MAX / 2);
        let a = c.now();
        let b = c.now();
        assert!(b > a && a.0 > i64::MAX / 2);
    }
}
