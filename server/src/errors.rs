//! Error responses in the shapes Mistral's API uses.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

/// The rate limits the 429 headers announce (per minute).
pub const TOKENS_PER_MINUTE: u64 = 500_000;
/// See [`TOKENS_PER_MINUTE`].
pub const REQUESTS_PER_MINUTE: u64 = 60;

/// `{"object":"error","message":…,"type":…,"param":null,"code":…}` with `status`.
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

/// 401 `{"message":"Unauthorized","request_id":…}`, as Mistral's gateway answers a bad key.
pub fn unauthorized(request_id: &str) -> Response {
    let body = json!({ "message": "Unauthorized", "request_id": request_id });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// 422 with a validation `detail` list (each item `{type, loc, msg, input, …}`).
pub fn validation(detail: Vec<Value>) -> Response {
    let body = json!({
        "object": "error",
        "message": { "detail": detail },
        "type": "invalid_request_message_error",
        "param": null,
        "code": null,
    });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// One item of a validation `detail` list.
pub fn detail(kind: &str, loc: Vec<Value>, msg: &str, input: Value) -> Value {
    let mut loc_with_body = vec![Value::from("body")];
    loc_with_body.extend(loc);
    json!({ "type": kind, "loc": loc_with_body, "msg": msg, "input": input })
}

/// 400 `invalid_model`, as Mistral answers a model id it does not serve.
pub fn invalid_model(model: &str) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        &format!("Invalid model: {model}"),
        "invalid_model",
        Some("1500"),
    )
}

/// 429 `rate_limited` with `Retry-After` and the `x-ratelimit-*` headers.
pub fn rate_limited(retry_after_secs: u64) -> Response {
    let mut response = api_error(
        StatusCode::TOO_MANY_REQUESTS,
        "Requests rate limit exceeded",
        "rate_limited",
        Some("1300"),
    );
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    let limits = [
        ("x-ratelimit-limit-tokens-minute", TOKENS_PER_MINUTE),
        ("x-ratelimit-remaining-tokens-minute", 0),
        ("x-ratelimit-limit-req-minute", REQUESTS_PER_MINUTE),
        ("x-ratelimit-remaining-req-minute", 0),
    ];
    for (name, value) in limits {
        headers.insert(name, HeaderValue::from(value));
    }
    response
}

/// 500 `internal_error`.
pub fn internal() -> Response {
    api_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal server error",
        "internal_error",
        None,
    )
}

/// 503 `service_unavailable`.
pub fn unavailable() -> Response {
    api_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "Service unavailable",
        "service_unavailable",
        None,
    )
}

/// 502 with an HTML body, as a proxy in front of the API would answer.
pub fn bad_gateway_html() -> Response {
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
        .into_response()
}
