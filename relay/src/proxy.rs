//! The relayed routes: limits, body, policy, then the upstream with the relay's key.

use std::{net::SocketAddr, sync::Arc, time::Instant};

use axum::{
    body::Body,
    extract::{ConnectInfo, State},
    http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use serde_json::Value;

use crate::{
    errors::{self, Rejection},
    limits::Decision,
    stream::Relayed,
    Observation, Relay,
};

/// Which completion route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Chat,
    Agents,
}

/// Upstream response headers handed on to the visitor; every other one is dropped.
const PASSED_HEADERS: [HeaderName; 3] = [
    header::CONTENT_TYPE,
    header::CACHE_CONTROL,
    header::RETRY_AFTER,
];

/// `POST /v1/chat/completions`.
pub async fn chat_completions(
    State(relay): State<Arc<Relay>>,
    Extension(observation): Extension<Arc<Observation>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    completion(relay, observation, peer, headers, body, Kind::Chat).await
}

/// `POST /v1/agents/completions`.
pub async fn agents_completions(
    State(relay): State<Arc<Relay>>,
    Extension(observation): Extension<Arc<Observation>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    completion(relay, observation, peer, headers, body, Kind::Agents).await
}

/// Who the client is: the peer address, or with `--trust-forwarded N` the `X-Forwarded-For`
/// entry N hops back (the one the outermost trusted proxy saw). With fewer entries than hops
/// the leftmost is used.
pub fn client_id(trust_forwarded: usize, peer: SocketAddr, headers: &HeaderMap) -> String {
    if trust_forwarded > 0 {
        let entries: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        if let Some(entry) = entries
            .len()
            .checked_sub(trust_forwarded)
            .and_then(|i| entries.get(i))
            .or(entries.first())
        {
            return entry.chars().take(64).collect();
        }
    }
    peer.ip().to_string()
}

async fn completion(
    relay: Arc<Relay>,
    observation: Arc<Observation>,
    peer: SocketAddr,
    headers: HeaderMap,
    body: Body,
    kind: Kind,
) -> Response {
    let config = &relay.config;
    let client = client_id(config.trust_forwarded, peer, &headers);
    let decision = match relay.limits.check(&client).await {
        Ok(decision) => decision,
        Err(e) => {
            eprintln!("tinychat-relay: {e}");
            relay.metrics.rejection(Rejection::LimiterDown);
            return errors::limiter_down();
        }
    };
    if let Some(reason) = decision.refused {
        relay.metrics.rejection(reason);
        let response = errors::rate_limited(reason, decision.retry_after_secs);
        return with_limit_headers(response, &relay, &decision);
    }

    let too_large = || {
        relay.metrics.rejection(Rejection::BodyTooLarge);
        errors::body_too_large(config.max_body)
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > config.max_body as u64) {
        return too_large();
    }
    let Ok(bytes) = axum::body::to_bytes(body, config.max_body).await else {
        return too_large();
    };
    let mut request: Value = match serde_json::from_slice(&bytes) {
        Ok(request) => request,
        Err(e) => {
            relay.metrics.rejection(Rejection::MalformedJson);
            return errors::malformed_json(&e.to_string());
        }
    };
    let Some(fields) = request.as_object_mut() else {
        relay.metrics.rejection(Rejection::MalformedJson);
        return errors::malformed_json("expected a JSON object");
    };

    match kind {
        Kind::Chat => {
            let model = fields.get("model").and_then(Value::as_str);
            if let Some(model) = model {
                observation.model(model);
            }
            if !model.is_some_and(|m| config.models.iter().any(|allowed| allowed == m)) {
                relay.metrics.rejection(Rejection::Model);
                return errors::model_refused(model, &config.models);
            }
        }
        Kind::Agents => {
            let agent = fields.get("agent_id").and_then(Value::as_str);
            if let Some(agent) = agent {
                observation.model(agent);
            }
            if !agent.is_some_and(|a| config.agents.iter().any(|allowed| allowed == a)) {
                relay.metrics.rejection(Rejection::Agent);
                return errors::agent_refused(agent, &config.agents);
            }
        }
    }
    // max_tokens: absent (or null) → the cap; above the cap → the cap. Anything else (a
    // string, a negative number) is left for Mistral to refuse.
    let cap = config.max_tokens;
    let lower = match fields.get("max_tokens") {
        None | Some(Value::Null) => true,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(n) => n > cap,
            None => n.as_f64().is_some_and(|f| f > cap as f64),
        },
        _ => false,
    };
    if lower {
        fields.insert("max_tokens".into(), cap.into());
    }
    let streaming = fields.get("stream") == Some(&Value::Bool(true));
    let body = match serde_json::to_vec(&request) {
        Ok(body) => body,
        Err(_) => return errors::malformed_json("could not re-encode the request"),
    };
    let path = match kind {
        Kind::Chat => "/v1/chat/completions",
        Kind::Agents => "/v1/agents/completions",
    };
    let upstream = relay
        .client
        .post(format!("{}{path}", config.upstream))
        .bearer_auth(config.key.expose())
        .header(header::CONTENT_TYPE, "application/json")
        .header(
            header::ACCEPT,
            if streaming {
                "text/event-stream"
            } else {
                "application/json"
            },
        )
        .body(body);
    // A rough estimate of the prompt's tokens, used only when a reply ends without `usage`.
    let prompt_estimate = (bytes.len() as u64).div_ceil(4);
    let response = forward(&relay, upstream).await;
    let response = match response {
        Ok(upstream) => {
            let charge = upstream.status().is_success();
            relay_body(
                &relay,
                upstream,
                observation,
                Some((client, prompt_estimate)).filter(|_| charge),
            )
        }
        Err(response) => response,
    };
    with_limit_headers(response, &relay, &decision)
}

/// Sends a request upstream and waits for its headers, at most `--upstream-timeout`. Errors
/// are the 502/504 answers.
async fn forward(
    relay: &Relay,
    request: reqwest::RequestBuilder,
) -> Result<reqwest::Response, Response> {
    let start = Instant::now();
    let sent = tokio::time::timeout(relay.config.upstream_timeout, request.send()).await;
    match sent {
        Ok(Ok(response)) => {
            relay.metrics.upstream_latency(start.elapsed());
            Ok(response)
        }
        Ok(Err(e)) if e.is_timeout() => {
            relay.metrics.rejection(Rejection::UpstreamTimeout);
            Err(errors::upstream_timeout())
        }
        Ok(Err(e)) => {
            // The error names the upstream URL (no key is ever in it) and the cause.
            eprintln!("tinychat-relay: upstream: {e}");
            relay.metrics.rejection(Rejection::UpstreamUnreachable);
            Err(errors::upstream_unreachable())
        }
        Err(_) => {
            relay.metrics.rejection(Rejection::UpstreamTimeout);
            Err(errors::upstream_timeout())
        }
    }
}

/// The upstream response, status and body as they come, with only [`PASSED_HEADERS`].
fn relay_body(
    relay: &Arc<Relay>,
    upstream: reqwest::Response,
    observation: Arc<Observation>,
    charge: Option<(String, u64)>,
) -> Response {
    let status = upstream.status();
    let mut response = Response::builder().status(status.as_u16());
    for name in PASSED_HEADERS {
        if let Some(value) = upstream.headers().get(&name) {
            response = response.header(&name, value.as_bytes());
        }
    }
    let sse = upstream
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    let body = Relayed::new(relay.clone(), upstream, observation, sse, charge);
    response
        .body(Body::from_stream(body))
        .unwrap_or_else(|_| errors::upstream_unreachable())
}

fn with_limit_headers(mut response: Response, relay: &Relay, decision: &Decision) -> Response {
    let config = &relay.config;
    let headers = response.headers_mut();
    if config.rate.per_second > 0.0 {
        headers.insert(
            "x-ratelimit-limit-req-minute",
            HeaderValue::from(config.rate.per_minute()),
        );
        headers.insert(
            "x-ratelimit-remaining-req-minute",
            HeaderValue::from(decision.remaining_requests),
        );
    }
    if let Some(remaining) = decision.remaining_tokens_day {
        headers.insert(
            "x-ratelimit-limit-tokens-day",
            HeaderValue::from(config.daily_tokens),
        );
        headers.insert(
            "x-ratelimit-remaining-tokens-day",
            HeaderValue::from(remaining),
        );
    }
    response
}

/// `GET /v1/models`: the upstream's list, keeping only the `--models` entries. An upstream
/// error passes through.
pub async fn list_models(
    State(relay): State<Arc<Relay>>,
    Extension(observation): Extension<Arc<Observation>>,
) -> Response {
    let request = relay
        .client
        .get(format!("{}/v1/models", relay.config.upstream))
        .bearer_auth(relay.config.key.expose())
        .header(header::ACCEPT, "application/json");
    let upstream = match forward(&relay, request).await {
        Ok(upstream) => upstream,
        Err(response) => return response,
    };
    if !upstream.status().is_success() {
        return relay_body(&relay, upstream, observation, None);
    }
    let mut list: Value = match read_json(upstream, &relay).await {
        Ok(list) => list,
        Err(response) => return response,
    };
    if let Some(data) = list.get_mut("data").and_then(Value::as_array_mut) {
        data.retain(|model| {
            model
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| relay.config.models.iter().any(|m| m == id))
        });
    }
    Json(list).into_response()
}

async fn read_json(upstream: reqwest::Response, relay: &Relay) -> Result<Value, Response> {
    match tokio::time::timeout(relay.config.upstream_timeout, upstream.bytes()).await {
        Ok(Ok(bytes)) => serde_json::from_slice(&bytes).map_err(|_| errors::upstream_unreachable()),
        Ok(Err(_)) => Err(errors::upstream_unreachable()),
        Err(_) => Err(errors::upstream_timeout()),
    }
}

/// For `/readyz`: the upstream answers `GET /v1/models` with the relay's key (2xx) within five
/// seconds.
pub async fn upstream_ready(relay: &Relay) -> Result<(), String> {
    let request = relay
        .client
        .get(format!("{}/v1/models", relay.config.upstream))
        .bearer_auth(relay.config.key.expose())
        .timeout(std::time::Duration::from_secs(5))
        .send();
    match request.await {
        Ok(response) if response.status().is_success() => Ok(()),
        Ok(response) if response.status() == StatusCode::UNAUTHORIZED => {
            Err("the upstream refuses the key (401)".into())
        }
        Ok(response) => Err(format!(
            "the upstream answers {}",
            response.status().as_u16()
        )),
        Err(e) if e.is_timeout() => Err("the upstream did not answer in time".into()),
        Err(_) => Err("the upstream cannot be reached".into()),
    }
}
