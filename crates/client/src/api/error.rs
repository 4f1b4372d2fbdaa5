//! The client's one error type.

use std::fmt;

/// Why a call failed. Every variant names the endpoint (`"POST livechat/message"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// No answer: offline, DNS, refused connection, CORS refusal, or an aborted request.
    Network { endpoint: &'static str, detail: String },
    /// The server answered with an error status. `error` and `error_type` are Rocket.Chat's
    /// fields when the body had them (an HTML error page or an empty body has none).
    Http { endpoint: &'static str, status: u16, error: Option<String>, error_type: Option<String> },
    /// 429: too many requests. `retry_after` is in seconds, from `Retry-After` or the text.
    RateLimited { endpoint: &'static str, retry_after: Option<u32>, error: Option<String> },
    /// A successful answer whose body is not what the endpoint returns.
    Decode { endpoint: &'static str, detail: String },
}

impl Error {
    pub fn endpoint(&self) -> &'static str {
        match self {
            Error::Network { endpoint, .. }
            | Error::Http { endpoint, .. }
            | Error::RateLimited { endpoint, .. }
            | Error::Decode { endpoint, .. } => endpoint,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// Rocket.Chat's error code: `errorType` when sent (`no-agent-online`), else the error text
    /// when it is a bare code (`invalid-token`, `room-closed`).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Http { error_type: Some(t), .. } => Some(t),
            Error::Http { error: Some(e), .. } if is_code(e) => Some(e),
            _ => None,
        }
    }

    /// True when [`Error::code`] is `code`.
    pub fn is(&self, code: &str) -> bool {
        self.code() == Some(code)
    }

    /// The server's own message, if any.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Http { error, .. } | Error::RateLimited { error, .. } => error.as_deref(),
            _ => None,
        }
    }
}

/// `invalid-token`, `This_conversation_is_already_closed`: one word of letters, digits, `-`, `_`.
fn is_code(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Seconds to wait after a 429: the `Retry-After` header, else Rocket.Chat's text
/// ("… You must wait 30 seconds before trying this endpoint again.").
pub fn retry_after(header: Option<&str>, text: Option<&str>) -> Option<u32> {
    if let Some(secs) = header.and_then(|h| h.trim().parse().ok()) {
        return Some(secs);
    }
    let text = text?;
    let after = &text[text.find("wait ")? + 5..];
    after.split_whitespace().next()?.parse().ok()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Network { endpoint, detail } => write!(f, "{endpoint}: no answer from the server ({detail})"),
            Error::Http { endpoint, status, error, .. } => match error {
                Some(e) => write!(f, "{endpoint}: {e} (HTTP {status})"),
                None => write!(f, "{endpoint}: HTTP {status}"),
            },
            Error::RateLimited { endpoint, retry_after, .. } => match retry_after {
                Some(s) => write!(f, "{endpoint}: too many requests, retry in {s} s"),
                None => write!(f, "{endpoint}: too many requests"),
            },
            Error::Decode { endpoint, detail } => write!(f, "{endpoint}: unexpected answer ({detail})"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(error: Option<&str>, error_type: Option<&str>) -> Error {
        Error::Http {
            endpoint: "GET livechat/room",
            status: 400,
            error: error.map(str::to_owned),
            error_type: error_type.map(str::to_owned),
        }
    }

    #[test]
    fn codes() {
        assert!(http(Some("invalid-token"), None).is("invalid-token"));
        assert!(http(Some("Sorry, no online agents [no-agent-online]"), Some("no-agent-online")).is("no-agent-online"));
        assert_eq!(http(Some("Match error: Missing key 'token'"), None).code(), None);
        assert_eq!(http(None, None).code(), None);
        assert!(http(Some("This_conversation_is_already_closed"), None).is("This_conversation_is_already_closed"));
    }

    #[test]
    fn retry_after_from_header_or_text() {
        assert_eq!(retry_after(Some("12"), None), Some(12));
        let text =
            "Error, too many requests. Please slow down. You must wait 30 seconds before trying this endpoint again.";
        assert_eq!(retry_after(None, Some(text)), Some(30));
        assert_eq!(retry_after(Some("soon"), Some(text)), Some(30));
        assert_eq!(retry_after(None, Some("slow down")), None);
    }

    #[test]
    fn messages_name_the_endpoint() {
        assert_eq!(http(Some("invalid-token"), None).to_string(), "GET livechat/room: invalid-token (HTTP 400)");
        let e = Error::Decode { endpoint: "GET livechat/config", detail: "missing field `config`".into() };
        assert!(e.to_string().starts_with("GET livechat/config: unexpected answer"));
    }
}
