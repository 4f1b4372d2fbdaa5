//! Rocket.Chat's per-route, per-IP rate limiter (`API_Enable_Rate_Limiter`), when enabled.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use crate::error::{ApiError, ApiResult};

/// (route, caller) → (window start in ms, calls in the window).
type Windows = HashMap<(&'static str, Option<IpAddr>), (i64, u32)>;

/// Fixed windows per (route, IP), like Rocket.Chat's `RateLimiter` rules.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<Windows>,
}

impl RateLimiter {
    /// Counts one call of `route` from `ip` at `now_ms`; 429 once `limit` calls fall in one
    /// `window_ms`.
    pub fn hit(
        &self,
        route: &'static str,
        ip: Option<IpAddr>,
        limit: u32,
        window_ms: i64,
        now_ms: i64,
    ) -> ApiResult<()> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let entry = windows.entry((route, ip)).or_insert((now_ms, 0));
        if now_ms - entry.0 >= window_ms {
            *entry = (now_ms, 0);
        }
        if entry.1 >= limit {
            let wait_ms = entry.0 + window_ms - now_ms;
            return Err(ApiError::TooManyRequests(((wait_ms + 999) / 1000).max(1) as u64));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_fills_and_resets() {
        let rl = RateLimiter::default();
        let ip = Some("127.0.0.1".parse().unwrap());
        for _ in 0..5 {
            rl.hit("GET livechat/room", ip, 5, 60_000, 1_000).unwrap();
        }
        match rl.hit("GET livechat/room", ip, 5, 60_000, 31_000) {
            Err(ApiError::TooManyRequests(30)) => {}
            other => panic!("{other:?}"),
        }
        rl.hit("GET livechat/room", Some("127.0.0.2".parse().unwrap()), 5, 60_000, 31_000).unwrap();
        rl.hit("GET livechat/room", ip, 5, 60_000, 61_000).unwrap();
    }
}
