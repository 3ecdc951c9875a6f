//! The relay's own answers, in the shape Mistral's API uses for errors:
//! `{"object":"error","message":…,"type":…,"param":null,"code":…}`, so that the widget shows
//! them in words and retries a 429 exactly as it does with Mistral.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

/// Why the relay refused a request: the label of `tinychat_relay_rejections_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rejection {
    /// An `Origin` not in `--allow-origin`, or none without `--allow-no-origin`.
    Origin,
    /// A model outside `--models`.
    Model,
    /// An agent outside `--agents`.
    Agent,
    /// A body over `--max-body`.
    BodyTooLarge,
    /// A body that is not a JSON object.
    MalformedJson,
    /// The token bucket is empty.
    Rate,
    /// The daily token budget is spent.
    DailyTokens,
    /// The limit store (Redis) did not answer.
    LimiterDown,
    /// Mistral could not be reached.
    UpstreamUnreachable,
    /// Mistral was silent past `--upstream-timeout`.
    UpstreamTimeout,
}

impl Rejection {
    /// Every reason, for the metrics.
    pub const ALL: [Rejection; 10] = [
        Rejection::Origin,
        Rejection::Model,
        Rejection::Agent,
        Rejection::BodyTooLarge,
        Rejection::MalformedJson,
        Rejection::Rate,
        Rejection::DailyTokens,
        Rejection::LimiterDown,
        Rejection::UpstreamUnreachable,
        Rejection::UpstreamTimeout,
    ];

    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::Origin => "origin",
            Rejection::Model => "model",
            Rejection::Agent => "agent",
            Rejection::BodyTooLarge => "body_too_large",
            Rejection::MalformedJson => "malformed_json",
            Rejection::Rate => "rate",
            Rejection::DailyTokens => "daily_tokens",
            Rejection::LimiterDown => "limiter_down",
            Rejection::UpstreamUnreachable => "upstream_unreachable",
            Rejection::UpstreamTimeout => "upstream_timeout",
        }
    }
}

/// A Mistral-shaped error with `status`.
pub fn api_error(status: StatusCode, message: &str, kind: &str, code: Option<&str>) -> Response {
    let body = json!({
        "object": "error",
        "message": message,
        "type": kind,
        "param": null,
        "code": code,
    });
    (status, Json(body)).into_response()
}

/// 403: this origin may not use the relay.
pub fn origin_refused(origin: Option<&str>) -> Response {
    let message = match origin {
        Some(origin) => format!("Origin {origin} is not allowed to use this API"),
        None => "Requests without an Origin header are not allowed on this API".to_owned(),
    };
    api_error(
        StatusCode::FORBIDDEN,
        &message,
        "forbidden_origin",
        Some("origin_not_allowed"),
    )
}

/// 400 `invalid_model`, naming the models that are allowed.
pub fn model_refused(model: Option<&str>, allowed: &[String]) -> Response {
    let model = model.map_or_else(|| "(none)".to_owned(), |m| format!("'{m}'"));
    api_error(
        StatusCode::BAD_REQUEST,
        &format!(
            "Invalid model: {model} is not available here; allowed models: {}",
            allowed.join(", ")
        ),
        "invalid_model",
        Some("1500"),
    )
}

/// 403 when agents are off, 400 naming the allowed ones otherwise.
pub fn agent_refused(agent: Option<&str>, allowed: &[String]) -> Response {
    if allowed.is_empty() {
        return api_error(
            StatusCode::FORBIDDEN,
            "Agents are not enabled on this API",
            "forbidden_agent",
            Some("agents_disabled"),
        );
    }
    let agent = agent.map_or_else(|| "(none)".to_owned(), |a| format!("'{a}'"));
    api_error(
        StatusCode::BAD_REQUEST,
        &format!(
            "Invalid agent_id: {agent} is not available here; allowed agents: {}",
            allowed.join(", ")
        ),
        "invalid_request_error",
        Some("invalid_agent"),
    )
}

/// 413: the body is over `--max-body`.
pub fn body_too_large(limit: usize) -> Response {
    api_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("Request body is larger than {limit} bytes"),
        "invalid_request_error",
        Some("body_too_large"),
    )
}

/// 400: the body is not a JSON object.
pub fn malformed_json(detail: &str) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        &format!("Invalid JSON body: {detail}"),
        "invalid_request_error",
        Some("invalid_json"),
    )
}

/// 429 with `Retry-After` (whole seconds, at least 1).
pub fn rate_limited(reason: Rejection, retry_after_secs: u64) -> Response {
    let message = match reason {
        Rejection::DailyTokens => "Daily token budget exceeded",
        _ => "Requests rate limit exceeded",
    };
    let mut response = api_error(
        StatusCode::TOO_MANY_REQUESTS,
        message,
        "rate_limited",
        Some("1300"),
    );
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(retry_after_secs.max(1)),
    );
    response
}

/// 503: the shared limit store cannot be asked (the relay fails closed).
pub fn limiter_down() -> Response {
    api_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "Service unavailable: the rate limiter cannot be reached",
        "service_unavailable",
        None,
    )
}

/// 502: the upstream could not be reached.
pub fn upstream_unreachable() -> Response {
    api_error(
        StatusCode::BAD_GATEWAY,
        "Bad gateway: the upstream API could not be reached",
        "upstream_unreachable",
        None,
    )
}

/// 504: the upstream did not answer in time.
pub fn upstream_timeout() -> Response {
    api_error(
        StatusCode::GATEWAY_TIMEOUT,
        "Gateway timeout: the upstream API did not answer in time",
        "upstream_timeout",
        None,
    )
}

/// The SSE event that ends a stream whose upstream fell silent mid-reply (the headers are
/// already sent, so there is no status to change), as Mistral sends errors in a stream.
pub const STREAM_TIMEOUT_EVENT: &str = "data: {\"object\":\"error\",\"message\":\"Gateway timeout: the upstream API stopped sending\",\"type\":\"upstream_timeout\",\"param\":null,\"code\":null}\n\n";

/// Any other route: 404 `{"detail":"Not Found"}`, as Mistral's API answers.
pub fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "detail": "Not Found" })),
    )
        .into_response()
}
