//! [`ErrorKind`]: why a request or a reply failed, one typed list shared by core (HTTP and
//! stream errors), the widget's transport (network, timeout, stop) and the UI (which words and
//! actions to show). It serializes to the tags stored in conversations and shown as
//! `data-error` (`unauthorized`, `rate_limited`, …), so stored data and selectors stay as they
//! were when kinds were strings.

use serde::{Deserialize, Serialize};

/// Why a request or a reply failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// fetch failed: offline, DNS, CORS, connection reset.
    Network,
    /// No bytes arrived for too long.
    Timeout,
    /// The user pressed Stop (or the widget went away).
    Aborted,
    /// HTTP 400: the request was invalid (e.g. unknown model name).
    BadRequest,
    /// HTTP 401: missing or wrong API key.
    Unauthorized,
    /// HTTP 403: the key may not use this model or resource.
    Forbidden,
    /// HTTP 404: unknown model or wrong API base URL.
    NotFound,
    /// HTTP 422: a parameter failed validation.
    Validation,
    /// HTTP 429: rate limit, or spending/usage limit.
    RateLimited,
    /// HTTP 500, 502, 503, 504: server trouble; retrying helps.
    ServerError,
    /// Any other HTTP error status.
    Http,
    /// The stream reported an error or broke off.
    Stream,
    /// The server's answer could not be read (no body, unreadable body, unexpected shape).
    BadResponse,
    /// The browser could not prepare or send the request (encoding, a missing browser API).
    Internal,
    /// The page's feedback endpoint (`data-feedback-url`) refused or could not be reached
    /// (reported to the page only, never shown to the visitor).
    Feedback,
    /// A tag written by a newer TinyChat; shown with its stored sentence.
    #[serde(other)]
    Unknown,
}

impl ErrorKind {
    /// Every kind, for exhaustive tests (strings complete in every language).
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Aborted,
        ErrorKind::BadRequest,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::NotFound,
        ErrorKind::Validation,
        ErrorKind::RateLimited,
        ErrorKind::ServerError,
        ErrorKind::Http,
        ErrorKind::Stream,
        ErrorKind::BadResponse,
        ErrorKind::Internal,
        ErrorKind::Feedback,
        ErrorKind::Unknown,
    ];

    /// The kind for an HTTP error status.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            422 => ErrorKind::Validation,
            429 => ErrorKind::RateLimited,
            500 | 502 | 503 | 504 => ErrorKind::ServerError,
            _ => ErrorKind::Http,
        }
    }

    /// The tag used in JSON and as `data-error`, e.g. `rate_limited`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Validation => "validation",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::ServerError => "server_error",
            ErrorKind::Http => "http",
            ErrorKind::Stream => "stream",
            ErrorKind::BadResponse => "bad_response",
            ErrorKind::Internal => "internal",
            ErrorKind::Feedback => "feedback",
            ErrorKind::Unknown => "unknown",
        }
    }

    /// Whether the fix is in Settings (the key or its access): the UI offers "Open Settings".
    pub fn needs_settings(self) -> bool {
        matches!(self, ErrorKind::Unauthorized | ErrorKind::Forbidden)
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with a tag, e.g. `kind == "unauthorized"` (for tests and selectors).
impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
