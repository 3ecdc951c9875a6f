//! HTTP error responses: classification, a sentence for people, rate-limit headers and the
//! retry delay.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::error::ErrorKind;
use crate::i18n::Strings;
use crate::text::{clean_text, truncate};

/// Longest server message kept, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// One entry of a 422 `detail` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationDetail {
    /// Where the problem is, e.g. `["body", "temperature"]`.
    pub loc: Vec<String>,
    /// What is wrong, e.g. `"Input should be less than or equal to 1.5"`.
    pub msg: String,
    /// Machine-readable type, e.g. `"less_than_equal"`.
    pub kind: String,
}

impl fmt::Display for ValidationDetail {
    /// `body.temperature: Input should be less than or equal to 1.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.loc.is_empty() {
            f.write_str(&self.msg)
        } else {
            write!(f, "{}: {}", self.loc.join("."), self.msg)
        }
    }
}

/// Mistral's `x-ratelimit-*` response headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `x-ratelimit-limit-tokens-minute`.
    pub limit_tokens_minute: Option<u64>,
    /// `x-ratelimit-remaining-tokens-minute`.
    pub remaining_tokens_minute: Option<u64>,
    /// `x-ratelimit-limit-req-minute`.
    pub limit_req_minute: Option<u64>,
    /// `x-ratelimit-remaining-req-minute`.
    pub remaining_req_minute: Option<u64>,
    /// `x-ratelimit-limit-tokens-month`.
    pub limit_tokens_month: Option<u64>,
    /// `x-ratelimit-remaining-tokens-month`.
    pub remaining_tokens_month: Option<u64>,
    /// `x-ratelimit-tokens-query-cost`.
    pub tokens_query_cost: Option<u64>,
    /// Any other header whose name contains `ratelimit`, name lowercased.
    pub other: Vec<(String, String)>,
}

impl RateLimit {
    /// Reads the rate-limit headers (names matched case-insensitively;
    /// unparsable values read as absent).
    pub fn from_headers(headers: &[(String, String)]) -> Self {
        let mut limits = RateLimit::default();
        for (name, value) in headers {
            let name = name.trim().to_ascii_lowercase();
            if !name.contains("ratelimit") {
                continue;
            }
            let slot = match name.as_str() {
                "x-ratelimit-limit-tokens-minute" => &mut limits.limit_tokens_minute,
                "x-ratelimit-remaining-tokens-minute" => &mut limits.remaining_tokens_minute,
                "x-ratelimit-limit-req-minute" => &mut limits.limit_req_minute,
                "x-ratelimit-remaining-req-minute" => &mut limits.remaining_req_minute,
                "x-ratelimit-limit-tokens-month" => &mut limits.limit_tokens_month,
                "x-ratelimit-remaining-tokens-month" => &mut limits.remaining_tokens_month,
                "x-ratelimit-tokens-query-cost" => &mut limits.tokens_query_cost,
                _ => {
                    limits.other.push((name, value.trim().to_owned()));
                    continue;
                }
            };
            *slot = value.trim().parse().ok();
        }
        limits
    }

    /// Whether a `remaining` header says a limit is used up (0 left).
    pub fn is_exhausted(&self) -> bool {
        [
            self.remaining_tokens_minute,
            self.remaining_req_minute,
            self.remaining_tokens_month,
        ]
        .contains(&Some(0))
    }
}

/// A failed HTTP response from the Mistral API, classified.
///
/// Built by [`ApiError::from_response`]; [`fmt::Display`] is
/// [`ApiError::message`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Classification of `status`.
    pub kind: ErrorKind,
    /// The server's own message, whitespace-collapsed and truncated to
    /// [`MAX_MESSAGE_CHARS`]; `""` if there was none or the body was HTML.
    pub server_message: String,
    /// The error's `type` field, e.g. `"invalid_model"`.
    pub error_type: Option<String>,
    /// The error's `code` field, e.g. `"1500"`.
    pub code: Option<String>,
    /// Validation problems of a 422 (`detail` list).
    pub details: Vec<ValidationDetail>,
    /// Request id, from the body or the `x-request-id` /
    /// `mistral-correlation-id` headers.
    pub request_id: Option<String>,
    /// The body was an HTML (or other markup) page.
    pub html: bool,
    /// Parsed `Retry-After` (see [`ApiError::retry_after`]).
    pub retry_after: Option<Duration>,
    /// Parsed `x-ratelimit-*` headers.
    pub rate_limit: RateLimit,
}

impl ApiError {
    /// Classifies an error response. Never fails: any body (JSON of any
    /// shape, plain text, HTML, empty, invalid) yields an error with a
    /// readable [`message`](ApiError::message).
    pub fn from_response(status: u16, headers: &[(String, String)], body: &str) -> ApiError {
        let header = |wanted: &str| {
            headers
                .iter()
                .find(|(name, _)| name.trim().eq_ignore_ascii_case(wanted))
                .map(|(_, value)| value.trim())
        };
        let trimmed = body.trim();
        let html = trimmed.starts_with('<')
            || header("content-type").is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
        let mut info = ErrorBody::default();
        if !html && !trimmed.is_empty() {
            match serde_json::from_str::<Value>(trimmed) {
                Ok(value) => info.absorb(&value, 0),
                Err(_) => info.message = clean_text(trimmed, MAX_MESSAGE_CHARS),
            }
        }
        let retry_after = header("retry-after")
            .and_then(parse_delta_seconds)
            .or_else(|| {
                header("retry-after-ms")
                    .and_then(parse_delta_seconds)
                    .map(|d| d / 1000)
            });
        let request_id = info.request_id.take().or_else(|| {
            ["x-request-id", "mistral-correlation-id", "request-id"]
                .into_iter()
                .find_map(|name| header(name).filter(|v| !v.is_empty()))
                .map(|v| truncate(v, 201).into_owned())
        });
        ApiError {
            status,
            kind: ErrorKind::from_status(status),
            server_message: if info.details.is_empty() {
                info.message.clone()
            } else {
                info.summary()
            },
            error_type: info.kind,
            code: info.code,
            details: info.details,
            request_id,
            html,
            retry_after,
            rate_limit: RateLimit::from_headers(headers),
        }
    }

    /// A sentence for the person chatting, in English (see [`message_in`](Self::message_in)).
    pub fn message(&self) -> String {
        self.message_in(&Strings::english())
    }

    /// A sentence for the person chatting, in the widget's language. The server's own words,
    /// when they help, are quoted as they came.
    pub fn message_in(&self, s: &Strings) -> String {
        let status = self.status;
        let html_page = || Strings::fill(s.error_html_page(), status);
        let server = self.server_message.as_str();
        let with_note = |mut m: String| {
            if !server.is_empty() {
                m.push(' ');
                m.push_str(&Strings::fill_named(
                    s.error_server_note(),
                    &[("detail", server)],
                ));
            }
            m
        };
        match self.kind {
            ErrorKind::Unauthorized => s.error_unauthorized().clone(),
            ErrorKind::Forbidden => with_note(s.error_forbidden().clone()),
            ErrorKind::NotFound => s.error_not_found().clone(),
            ErrorKind::BadRequest | ErrorKind::Validation if self.html => html_page(),
            ErrorKind::BadRequest | ErrorKind::Validation if server.is_empty() => {
                Strings::fill(s.error_rejected(), status)
            }
            ErrorKind::BadRequest => server.to_owned(),
            ErrorKind::Validation => {
                Strings::fill_named(s.error_rejected_detail(), &[("detail", server)])
            }
            ErrorKind::RateLimited => {
                let mut m = match self.retry_after {
                    Some(wait) => {
                        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                        Strings::fill(s.error_rate_limited_wait(), secs.max(1))
                    }
                    None => s.error_rate_limited().clone(),
                };
                if !self.rate_limit.is_exhausted() {
                    m.push(' ');
                    m.push_str(s.error_spending_limit());
                }
                with_note(m)
            }
            ErrorKind::ServerError if self.html => {
                format!("{} {}", html_page(), s.error_server_retry())
            }
            ErrorKind::ServerError => Strings::fill(s.error_server(), status),
            _ if self.html => html_page(),
            _ => {
                let detail = if server.is_empty() {
                    reason_phrase(status).unwrap_or(s.error_http_unexpected())
                } else {
                    server
                };
                Strings::fill_named(
                    s.error_http(),
                    &[("n", &status.to_string()), ("detail", detail)],
                )
            }
        }
    }

    /// Whether retrying the same request may succeed: exactly statuses 429,
    /// 500, 502, 503 and 504 (the set Mistral's SDKs retry).
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 429 | 500 | 502 | 503 | 504)
    }

    /// The server's requested wait: `Retry-After` as delta-seconds (decimals
    /// accepted), else `retry-after-ms`. The HTTP-date form of `Retry-After`
    /// is ignored (`None`): it needs a trusted clock, and Mistral sends
    /// seconds.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}

/// First retry delay without `Retry-After`.
pub const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// Longest delay without `Retry-After`.
pub const BACKOFF_MAX: Duration = Duration::from_secs(8);
/// Longest `Retry-After` honoured.
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(60);

/// Delay before retry number `attempt` (0-based), deterministic.
///
/// With a server `retry_after`, that value capped at [`RETRY_AFTER_MAX`].
/// Otherwise exponential: [`BACKOFF_BASE`] × 2^`attempt`, capped at
/// [`BACKOFF_MAX`] (0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s, ...). Add jitter on the
/// caller side if many clients might retry in lockstep.
pub fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    match retry_after {
        Some(wait) => wait.min(RETRY_AFTER_MAX),
        None => BACKOFF_BASE
            .saturating_mul(1u32 << attempt.min(16))
            .min(BACKOFF_MAX),
    }
}

/// Parses `delta-seconds`, also with a decimal fraction (`"1.5"`). Anything
/// else (HTTP-date, negative, `inf`, exponents) is `None`.
fn parse_delta_seconds(value: &str) -> Option<Duration> {
    // Exact decimal to `Duration`: no `str::parse::<f64>` and its 20 KB table in the wasm.
    crate::decimal::parse_duration(value)
}

fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        402 => "Payment Required",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => return None,
    })
}

/// Error fields gathered from any of the error-body shapes Mistral (and the
/// gateways in front of it) send.
#[derive(Debug, Default)]
pub(super) struct ErrorBody {
    pub(super) message: String,
    pub(super) kind: Option<String>,
    pub(super) code: Option<String>,
    pub(super) details: Vec<ValidationDetail>,
    pub(super) request_id: Option<String>,
}

/// Most validation details shown in a message.
const MAX_DETAILS: usize = 5;

impl ErrorBody {
    /// Collects fields from `value`, first found wins. Handles
    /// `{"message": "..."}`, `{"message": {"detail": [...]}}`,
    /// `{"detail": "..."}`, `{"detail": [{"loc", "msg", "type"}]}`,
    /// `{"error": {...}}` and a bare string.
    pub(super) fn absorb(&mut self, value: &Value, depth: u32) {
        if depth > 4 {
            return;
        }
        match value {
            Value::String(s) if self.message.is_empty() => {
                self.message = clean_text(s, MAX_MESSAGE_CHARS)
            }
            Value::Array(items) => {
                for item in items {
                    if self.details.len() >= MAX_DETAILS {
                        break;
                    }
                    match item {
                        Value::Object(obj)
                            if obj.contains_key("msg") || obj.contains_key("loc") =>
                        {
                            self.details.push(validation_detail(obj));
                        }
                        _ => {}
                    }
                }
            }
            Value::Object(obj) => {
                for key in ["error", "message", "detail", "msg"] {
                    if let Some(inner) = obj.get(key) {
                        self.absorb(inner, depth + 1);
                    }
                }
                let fill = |slot: &mut Option<String>, key: &str| {
                    if slot.is_none() {
                        *slot = obj.get(key).and_then(scalar_string);
                    }
                };
                fill(&mut self.kind, "type");
                fill(&mut self.code, "code");
                fill(&mut self.request_id, "request_id");
            }
            _ => {}
        }
    }

    /// The details joined (`"loc: msg; loc: msg"`), else the message.
    pub(super) fn summary(&self) -> String {
        if self.details.is_empty() {
            return self.message.clone();
        }
        let joined = self
            .details
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        truncate(&joined, MAX_MESSAGE_CHARS + 1).into_owned()
    }
}

fn validation_detail(obj: &serde_json::Map<String, Value>) -> ValidationDetail {
    let loc = match obj.get("loc") {
        Some(Value::Array(parts)) => parts.iter().filter_map(scalar_string).take(10).collect(),
        Some(other) => scalar_string(other).into_iter().collect(),
        None => Vec::new(),
    };
    ValidationDetail {
        loc,
        msg: obj
            .get("msg")
            .and_then(scalar_string)
            .map(|m| clean_text(&m, MAX_MESSAGE_CHARS))
            .unwrap_or_default(),
        kind: obj.get("type").and_then(scalar_string).unwrap_or_default(),
    }
}

/// A string or number as text; anything else (null, objects) is `None`.
pub(super) fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(truncate(s, 101).into_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_seconds_grammar() {
        assert_eq!(parse_delta_seconds("5"), Some(Duration::from_secs(5)));
        assert_eq!(
            parse_delta_seconds("1.5"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_delta_seconds("2."), Some(Duration::from_secs(2)));
        for bad in [
            "",
            ".5",
            "-1",
            "inf",
            "NaN",
            "1e3",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ] {
            assert_eq!(parse_delta_seconds(bad), None, "{bad}");
        }
    }
}
