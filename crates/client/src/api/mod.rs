//! A typed client for Rocket.Chat's Livechat REST API, over the browser's `fetch` (gloo-net).
//!
//! [`VisitorClient`] makes the visitor's calls (no login: the visitor token is the identity);
//! [`AgentClient`] makes an agent's (`X-User-Id` / `X-Auth-Token` from [`AgentClient::login`]).
//! Both share one [`Transport`], which knows the server's address and turns every answer into
//! the wire type or an [`Error`]; no server answer makes it panic.
//!
//! ```no_run
//! # async fn demo() -> Result<(), livechat_client::api::Error> {
//! use livechat_client::api::{Transport, VisitorClient};
//! use livechat_client::wire::visitor::NewVisitor;
//!
//! let client = VisitorClient::new(Transport::new("https://chat.example.com"), "visitor-token");
//! client.register(NewVisitor { name: Some("Ada".into()), ..NewVisitor::default() }).await?;
//! let room = client.room(None).await?.room;
//! client.send_message(&room.id, "Hello!", None).await?;
//! # Ok(()) }
//! ```

mod agent;
mod error;
mod visitor;

pub use agent::AgentClient;
pub use error::{Error, retry_after};
pub use visitor::{Abort, Sending, VisitorClient};

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use gloo_net::http::{Method, RequestBuilder};
use livechat_wire::json::{FromJson, ToJson};

use crate::json;

/// The server's address and how calls reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transport {
    base: Rc<str>,
}

/// `X-User-Id` / `X-Auth-Token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    pub user_id: String,
    pub auth_token: String,
}

/// One request, before it is sent.
pub(crate) struct Call<'a> {
    endpoint: &'static str,
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<String>,
    /// A `multipart/form-data` body (a file), instead of JSON.
    form: Option<web_sys::FormData>,
    auth: Option<&'a Credentials>,
    /// Sent as `x-visitor-token` (see [`VisitorClient::config_preflighted`]).
    visitor_token: Option<&'a str>,
    /// Given up (a network error) when no answer came in this many milliseconds.
    deadline: Option<i32>,
}

impl<'a> Call<'a> {
    /// `endpoint` is `"<METHOD> <path pattern>"`, e.g. `"GET livechat/messages.history/:rid"`;
    /// `path` is the concrete path under `/api/v1/`.
    pub fn new(endpoint: &'static str, path: impl Into<String>) -> Call<'a> {
        let method = match endpoint.split(' ').next() {
            Some("POST") => Method::POST,
            Some("PUT") => Method::PUT,
            Some("DELETE") => Method::DELETE,
            _ => Method::GET,
        };
        Call {
            endpoint,
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            form: None,
            auth: None,
            visitor_token: None,
            deadline: None,
        }
    }

    pub fn query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    pub fn query_opt(self, key: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    pub fn body<T: ToJson + ?Sized>(mut self, body: &T) -> Self {
        self.body = Some(json::to_string(body));
        self
    }

    /// A `multipart/form-data` body; the browser writes its boundary.
    pub fn form(mut self, form: web_sys::FormData) -> Self {
        self.form = Some(form);
        self
    }

    pub fn auth(mut self, auth: &'a Credentials) -> Self {
        self.auth = Some(auth);
        self
    }
}

/// A path segment, percent-encoded (tokens and ids go into paths).
pub(crate) fn segment(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

impl Transport {
    /// A transport to the Rocket.Chat server at `server_url` (`https://chat.example.com`;
    /// a trailing `/` is ignored).
    pub fn new(server_url: &str) -> Transport {
        Transport { base: server_url.trim_end_matches('/').into() }
    }

    /// The server's address, without a trailing `/`.
    pub fn server_url(&self) -> &str {
        &self.base
    }

    /// Sends `call` and decodes a successful answer into `T`.
    pub(crate) async fn send<T: FromJson>(&self, call: Call<'_>) -> Result<T, Error> {
        let endpoint = call.endpoint;
        let text = self.fetch(call).await?;
        let text = if text.trim().is_empty() { "{}" } else { text.as_str() };
        json::from_str(text).map_err(|detail| Error::Decode { endpoint, detail })
    }

    /// Sends `call`; the body of a 2xx answer, or the error the answer means.
    ///
    /// Boxed, and the only generic-free part of a call: every endpoint shares this one copy
    /// instead of each carrying its own (the widget's size budget is tight).
    fn fetch<'a>(&'a self, call: Call<'a>) -> Pin<Box<dyn Future<Output = Result<String, Error>> + 'a>> {
        Box::pin(async move {
            let endpoint = call.endpoint;
            let url = [&*self.base, "/api/v1/", &call.path].concat();
            let mut req = RequestBuilder::new(&url).method(call.method);
            if !call.query.is_empty() {
                req = req.query(call.query.iter().map(|(k, v)| (*k, v.as_str())));
            }
            if let Some(token) = call.visitor_token {
                req = req.header(livechat_wire::auth::VISITOR_TOKEN_HEADER, token);
            }
            if let (Some(ms), Ok(abort)) = (call.deadline, web_sys::AbortController::new()) {
                req = req.abort_signal(Some(&abort.signal()));
                let stop = wasm_bindgen::closure::Closure::once_into_js(move || abort.abort());
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                        wasm_bindgen::JsCast::unchecked_ref(&stop),
                        ms,
                    );
                }
            }
            if let Some(auth) = call.auth {
                req = req
                    .header(livechat_wire::auth::USER_ID_HEADER, &auth.user_id)
                    .header(livechat_wire::auth::AUTH_TOKEN_HEADER, &auth.auth_token);
            }
            let network = |e: gloo_net::Error| Error::Network { endpoint, detail: e.to_string() };
            let request = match (call.body, call.form) {
                (Some(body), _) => req.header("Content-Type", "application/json").body(body),
                (None, Some(form)) => req.body(form),
                (None, None) => req.build(),
            }
            .map_err(network)?;
            let response = request.send().await.map_err(network)?;
            let status = response.status();
            let text = response.text().await.map_err(network)?;
            answer(endpoint, status, text, || response.headers().get("retry-after"))
        })
    }
}

/// The body of a 2xx answer, or the error an answer with `status` and `text` means (`retry_after`
/// reads that header, for a 429).
pub(crate) fn answer(
    endpoint: &'static str,
    status: u16,
    text: String,
    retry_after_header: impl FnOnce() -> Option<String>,
) -> Result<String, Error> {
    if (200..300).contains(&status) {
        return Ok(text);
    }
    // An error body is Rocket.Chat's JSON, or anything a proxy put there.
    let body: livechat_wire::error::ErrorBody = json::from_str(&text).unwrap_or_default();
    let error = body.text().map(str::to_owned);
    if status == 429 {
        let retry_after = retry_after(retry_after_header().as_deref(), error.as_deref());
        return Err(Error::RateLimited { endpoint, retry_after, error });
    }
    Err(Error::Http { endpoint, status, error, error_type: body.error_type })
}
