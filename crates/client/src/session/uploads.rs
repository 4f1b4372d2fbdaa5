//! The visitor's files on their way to `livechat/upload/:rid`, as plain data and rules (the
//! widget's second module drives it: it sends the files and draws the list).
//!
//! Not in the outbox: a file is not kept in storage, and Rocket.Chat takes no client `_id` for
//! it, so the server cannot tell a second attempt from a new file. One file goes at a time; a
//! failure the server answered (a refusal) certainly stored nothing, but one it did not (no
//! answer, a failing server) may have: before that file goes again, the conversation (caught up
//! first) is searched for it — a file message of the visitor's with its name and size that was
//! not there when the attempt began — and if it is there, the file was sent and does not go twice.

use crate::api::Error;

/// One of the visitor's file messages on screen: its id, and its file's name and size.
#[derive(Debug, Clone, PartialEq)]
pub struct FileMessage {
    pub id: String,
    pub name: String,
    pub size: u64,
}

/// A file the visitor is sending.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// Its number, for the visitor's actions on it.
    pub id: u32,
    pub name: String,
    pub size: u64,
    /// How much of it has gone, 0 to 1.
    pub progress: f64,
    /// Why the last attempt failed: the server's error code when it refused
    /// (`error-type-not-allowed`, `error-file-too-large`, …), empty when it was not reached or
    /// failed on its side. `None` while it waits or goes.
    pub failed: Option<String>,
    /// The last attempt may have reached the server.
    uncertain: bool,
    /// The ids of the visitor's file messages on screen when the last attempt began.
    known: Vec<String>,
}

/// What [`Uploads::retry`] says to do with a failed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Catch up first (the last attempt may have reached the server), then ask again with the
    /// file messages then on screen.
    CatchUpFirst,
    /// It waits to be sent again.
    Send,
    /// It had reached the server: its message is on screen, and it no longer waits.
    Landed,
    /// No such file (dropped meanwhile).
    Gone,
}

/// The files on their way, in the order the visitor chose them.
#[derive(Debug, Default)]
pub struct Uploads {
    list: Vec<Upload>,
    last_id: u32,
    /// The file on its way.
    sending: Option<u32>,
}

impl Uploads {
    pub fn list(&self) -> &[Upload] {
        &self.list
    }

    /// A file the visitor chose: listed, waiting for [`Uploads::next`]. Answers its number.
    pub fn add(&mut self, name: &str, size: u64) -> u32 {
        self.last_id += 1;
        let id = self.last_id;
        self.list.push(Upload {
            id,
            name: name.to_owned(),
            size,
            progress: 0.0,
            failed: None,
            uncertain: false,
            known: Vec::new(),
        });
        id
    }

    /// The file to send now, when none is on its way: the first one waiting (not failed). It is
    /// marked as on its way; `file_messages` are the visitor's file messages on screen now.
    pub fn next(&mut self, file_messages: &[FileMessage]) -> Option<u32> {
        if self.sending.is_some() {
            return None;
        }
        let upload = self.list.iter_mut().find(|u| u.failed.is_none())?;
        upload.known = file_messages.iter().map(|m| m.id.clone()).collect();
        upload.uncertain = false;
        upload.progress = 0.0;
        self.sending = Some(upload.id);
        Some(upload.id)
    }

    /// How much of file `id` has gone (0 to 1).
    pub fn progress(&mut self, id: u32, progress: f64) {
        if let Some(u) = self.list.iter_mut().find(|u| u.id == id) {
            u.progress = progress.clamp(0.0, 1.0);
        }
    }

    /// The server has file `id` (its message goes in the conversation): it no longer waits.
    pub fn sent(&mut self, id: u32) {
        self.remove(id);
    }

    /// File `id`'s attempt failed with `e`: it waits for the visitor's retry or drop.
    pub fn failed(&mut self, id: u32, e: &Error) {
        if self.sending == Some(id) {
            self.sending = None;
        }
        if let Some(u) = self.list.iter_mut().find(|u| u.id == id) {
            // A refusal carries the server's code; anything else (no answer, a server error, an
            // answer that is not JSON) may have stored the file.
            let code = e.code().filter(|_| e.status().is_some_and(|s| s < 500));
            u.uncertain = code.is_none();
            u.failed = Some(code.unwrap_or_default().to_owned());
        }
    }

    /// The visitor dropped file `id` (waiting, on its way or failed).
    pub fn remove(&mut self, id: u32) {
        if self.sending == Some(id) {
            self.sending = None;
        }
        self.list.retain(|u| u.id != id);
    }

    /// The visitor retries file `id`. `caught_up`: the visitor's file messages on screen after a
    /// catch-up, when [`Retry::CatchUpFirst`] asked for one.
    pub fn retry(&mut self, id: u32, caught_up: Option<&[FileMessage]>) -> Retry {
        let Some(u) = self.list.iter_mut().find(|u| u.id == id) else { return Retry::Gone };
        if u.uncertain {
            let Some(now) = caught_up else { return Retry::CatchUpFirst };
            if now.iter().any(|m| !u.known.contains(&m.id) && m.name == u.name && m.size == u.size) {
                self.remove(id);
                return Retry::Landed;
            }
        }
        u.failed = None;
        u.progress = 0.0;
        Retry::Send
    }

    /// Every file goes (another visitor now).
    pub fn clear(&mut self) {
        *self = Uploads { last_id: self.last_id, ..Uploads::default() };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: &str) -> Error {
        Error::Http { endpoint: "POST livechat/upload/:rid", status: 400, error: Some(code.into()), error_type: None }
    }

    fn no_answer() -> Error {
        Error::Network { endpoint: "POST livechat/upload/:rid", detail: "offline".into() }
    }

    /// File messages `(id, name)`, each of 10 bytes.
    fn ids(list: &[(&str, &str)]) -> Vec<FileMessage> {
        list.iter().map(|(id, name)| FileMessage { id: id.to_string(), name: name.to_string(), size: 10 }).collect()
    }

    #[test]
    fn one_file_at_a_time_in_order() {
        let mut u = Uploads::default();
        let a = u.add("a.png", 10);
        let b = u.add("b.pdf", 10);
        assert_eq!(u.next(&[]), Some(a));
        assert_eq!(u.next(&[]), None, "one at a time");
        u.progress(a, 0.5);
        u.progress(b, 7.0);
        assert_eq!((u.list()[0].progress, u.list()[1].progress), (0.5, 1.0));
        u.sent(a);
        assert_eq!(u.list().iter().map(|u| u.id).collect::<Vec<_>>(), [b]);
        assert_eq!(u.next(&[]), Some(b));
    }

    #[test]
    fn a_refusal_waits_for_the_visitor_then_goes_again_at_once() {
        let mut u = Uploads::default();
        let a = u.add("x.svg", 10);
        let b = u.add("y.png", 10);
        u.next(&[]);
        u.failed(a, &refused("error-type-not-allowed"));
        assert_eq!(u.list()[0].failed.as_deref(), Some("error-type-not-allowed"));
        assert_eq!(u.next(&[]), Some(b), "a failed file waits; the next goes");
        u.sent(b);
        // The server answered: nothing was stored, no need to look.
        assert_eq!(u.retry(a, None), Retry::Send);
        assert_eq!(u.list()[0].failed, None);
        assert_eq!(u.next(&[]), Some(a));
    }

    #[test]
    fn after_no_answer_a_retry_looks_for_the_file_first_and_never_sends_it_twice() {
        let mut u = Uploads::default();
        let a = u.add("a.png", 10);
        u.next(&ids(&[("old", "a.png")]));
        u.failed(a, &no_answer());
        assert_eq!(u.list()[0].failed.as_deref(), Some(""));
        assert_eq!(u.retry(a, None), Retry::CatchUpFirst);
        // Another file arrived meanwhile (from another tab, or the next in line): not this one.
        assert_eq!(u.retry(a, Some(&ids(&[("old", "a.png"), ("other", "b.png")]))), Retry::Send);
        u.next(&ids(&[("old", "a.png"), ("other", "b.png")]));
        u.failed(a, &no_answer());
        // It reached the server: a new message with its name and size came with the catch-up.
        assert_eq!(u.retry(a, Some(&ids(&[("old", "a.png"), ("other", "b.png"), ("new", "a.png")]))), Retry::Landed);
        assert!(u.list().is_empty());

        // It did not: only what was there before the attempt.
        let b = u.add("b.png", 10);
        let before = ids(&[("old", "a.png"), ("other", "b.png"), ("new", "a.png")]);
        u.next(&before);
        u.failed(b, &Error::Http { endpoint: "x", status: 502, error: None, error_type: None });
        assert_eq!(u.retry(b, Some(&before)), Retry::Send);
        assert_eq!(u.next(&before), Some(b));
        // A server error with a code is still not a refusal.
        u.failed(b, &Error::Http { endpoint: "x", status: 500, error: Some("error-x".into()), error_type: None });
        assert_eq!(u.retry(b, None), Retry::CatchUpFirst);
    }

    #[test]
    fn dropping_lets_the_next_go_and_a_late_answer_changes_nothing() {
        let mut u = Uploads::default();
        let a = u.add("a", 1);
        let b = u.add("b", 1);
        assert_eq!(u.next(&[]), Some(a));
        u.remove(a);
        assert_eq!(u.next(&[]), Some(b));
        assert_eq!(u.retry(a, None), Retry::Gone);
        u.failed(a, &no_answer());
        assert_eq!(u.list().len(), 1);
        u.clear();
        assert!(u.list().is_empty() && u.next(&[]).is_none());
        assert!(u.add("c", 1) > b, "numbers are not reused");
    }
}
