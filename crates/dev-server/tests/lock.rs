//! How long a request holds the database lock. Alone in its own test binary, so no other test
//! competes for the CPU while the lock is timed.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;

/// Verifying a password (10,000 SHA-256 rounds) happens without the database lock, so a login
/// never holds up other requests for that long.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_verifies_the_password_without_holding_the_database() {
    let hash = livechat_dev_server::ids::hash_password("pw");
    let started = Instant::now();
    assert!(livechat_dev_server::ids::verify_password(&hash, "pw"));
    let verify = started.elapsed();

    let app = TestApp::new();
    let db = app.state().db.clone();
    let done = Arc::new(AtomicBool::new(false));
    // Takes the lock over and over and records the longest wait for it.
    let probe = std::thread::spawn({
        let done = done.clone();
        move || {
            let mut longest = Duration::ZERO;
            while !done.load(Ordering::Relaxed) {
                let asked = Instant::now();
                drop(db.conn());
                longest = longest.max(asked.elapsed());
                std::thread::sleep(Duration::from_micros(200));
            }
            longest
        }
    });
    for _ in 0..3 {
        app.login_agent().await;
    }
    done.store(true, Ordering::Relaxed);
    let longest = probe.join().unwrap();
    assert!(
        longest < verify / 2,
        "the lock was held for {longest:?} by a login; verifying a password takes {verify:?}"
    );
}
