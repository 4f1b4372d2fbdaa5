//! The start: the configuration (with the cross-origin probe that tells a CORS refusal from
//! a server that is down), the first screen, and another try when the server could not be
//! reached.

use super::*;

/// The page's origin (`https://shop.example`).
pub(super) fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Whether `server` (absolute, or relative to the page) is on the page's origin: then no call
/// to it is cross-origin.
pub(super) fn same_origin(server: &str) -> bool {
    let absolute = server.starts_with("//") || server.contains("://");
    !absolute || server.strip_prefix(&page_origin()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// What a site owner changes in Rocket.Chat for this page's cross-origin calls.
pub(super) fn cors_advice() -> String {
    format!(
        "In Rocket.Chat, Administration > Settings > General > REST API: turn on \"Enable CORS\" and add {} to \"CORS Origin\".",
        page_origin()
    )
}

impl Session {
    /// Loads the configuration and the visitor's open room, and picks the first screen. When
    /// the server cannot be reached it shows [`Screen::Unreachable`] and tries again by itself.
    pub async fn start(self) {
        let Some(g) = self.update(Core::begin_start) else { return };
        let department = self.peek(|c| c.options().department.clone());
        let config = self.load_config(department.as_deref()).await;
        let config = match config {
            Ok(config) => config,
            Err(e) => return self.cannot_start(&g, e),
        };
        let stored = self.io().store.outbox();
        let Some((screen, catch_up)) = self.update(|c| c.configured(&g, config, stored)).flatten() else { return };
        self.check_consent();
        self.start_triggers();
        if catch_up {
            self.refresh_now(false).await;
        }
        self.update(|c| c.started(&g, screen));
        self.flush().await;
    }

    /// The configuration. On failure, `Err(None)` when the server answers this page's plain
    /// requests but refuses its cross-origin ones (CORS).
    pub(super) async fn load_config(&self, department: Option<&str>) -> Result<Config, Option<Error>> {
        let client = self.client();
        if same_origin(client.transport().server_url()) {
            return client.config(department).await.map_err(Some);
        }
        // From another origin the call is preflighted, as every `POST` is. No answer: the
        // server is down, or it refuses cross-origin calls — and then a plain call (which
        // Rocket.Chat answers with CORS off, since May 2025) gets through. The preflighted one
        // is tried once more before CORS is blamed, so a dropped request is not taken for it.
        match client.config_preflighted(department).await {
            Err(Error::Network { .. }) => {
                // Down (no answer to this one either), or not a Livechat server (an answer
                // that is not a configuration): that is what to report.
                if let Err(e) = client.config(department).await {
                    return Err(Some(e));
                }
                client.config_preflighted(department).await.map_err(|e| match e {
                    Error::Network { .. } => None,
                    e => Some(e),
                })
            }
            other => other.map_err(Some),
        }
    }

    /// The start failed: `None` when the server refused this page's cross-origin calls (CORS).
    /// What the site owner must change goes to the console; the visitor sees a clear state,
    /// never the raw error.
    pub(super) fn cannot_start(&self, g: &Guard, e: Option<Error>) {
        if !self.current(g) {
            return;
        }
        let server = self.client().transport().server_url().to_owned();
        match &e {
            Some(e) if transient(e) => {}
            None => web_sys::console::error_1(
                &format!("Livechat: {server} refuses this page's requests (CORS). {}", cors_advice()).into(),
            ),
            Some(e) => web_sys::console::error_1(
                &format!("Livechat: {server} did not answer as a Rocket.Chat Livechat server: {e}").into(),
            ),
        }
        let failures = self.update(|c| c.cannot_start(g, e.as_ref(), random())).flatten();
        if failures == Some(3) && matches!(e, Some(Error::Network { .. })) && !same_origin(&server) {
            // A Rocket.Chat older than its fix of May 2025 does not answer plain cross-origin
            // calls either with CORS off: both causes look alike from here.
            let text = format!(
                "Livechat: no answer from {server}: it is down, or it refuses this page's requests (CORS). {}",
                cors_advice()
            );
            web_sys::console::warn_1(&text.into());
        }
    }

    /// A scheduled retry's time came (the session may be gone by then: its owner disposed).
    pub(super) fn retried(self, kind: Retry) {
        if self.update(|c| c.retry_due(kind)) == Some(true) {
            match kind {
                Retry::Start => spawn_task(Box::pin(self.start())),
                Retry::CatchUp => spawn_task(self.catch_up(false)),
            }
        }
    }

    /// The visitor's Retry on [`Screen::Unreachable`]: focus follows to the screen it leads to.
    pub fn retry_start_now(&self) {
        if self.update(Core::retry_start_now) == Some(true) {
            spawn_task(Box::pin(self.start()));
        }
    }
}
