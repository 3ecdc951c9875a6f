//! The API handlers: chat completions, the model list, health, and the JSON 404.
//!
//! A chat request goes through these steps, each of which may answer instead of the next:
//!
//! 1. the key, when the server requires one (401);
//! 2. validation ([`crate::validate`], 422);
//! 3. the model must be known ([`crate::models`], 400 `invalid_model`);
//! 4. the last message must be the user's or a tool's (or an assistant `prefix`), as Mistral
//!    requires (400);
//! 5. the directives of the last user message ([`crate::directives`]; an unknown fault is a 400);
//! 6. `slow-first=N`, then the status faults;
//! 7. the reply ([`crate::reply`]), as JSON or as a stream ([`crate::sse`]).

use std::{
    io,
    sync::{atomic::Ordering, Arc, PoisonError},
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use bytes::Bytes;
use futures::{stream, StreamExt};
use serde::Serialize;

use crate::{
    agents,
    directives::{self, Directives, StatusFault},
    errors, fnv1a, models,
    reply::{self, estimate_tokens, Pieces},
    sse::{self, ChunkMeta, FunctionOut, SourceOut, ToolCallOut, Usage},
    validate::{self, ChatRequest},
    AppState, FNV_OFFSET,
};

/// The `429-once` memory is cleared when it holds this many bodies, so it cannot grow unbounded.
const MAX_REMEMBERED: usize = 10_000;

/// Most images one request may carry, as Mistral's vision guide says.
const MAX_IMAGES: usize = 8;

/// `POST /v1/chat/completions`.
pub async fn chat_completions(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(response) = key_rejection(&state, &headers) {
        return response;
    }
    let request = match validate::validate(&body) {
        Ok(request) => request,
        Err(detail) => return errors::validation(detail),
    };
    if !models::is_known(&request.model) {
        return errors::invalid_model(&request.model);
    }
    respond(&state, request, &body, None).await
}

/// `POST /v1/agents/completions`: the agent's model answers, with the agent's name before the
/// reply; an unknown `agent_id` is a 404.
pub async fn agents_completions(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(response) = key_rejection(&state, &headers) {
        return response;
    }
    let mut request = match validate::validate_agent(&body) {
        Ok(request) => request,
        Err(detail) => return errors::validation(detail),
    };
    let agent_id = request.agent_id.clone().unwrap_or_default();
    let Some(agent) = agents::find(&agent_id) else {
        return errors::api_error(
            StatusCode::NOT_FOUND,
            &format!("Agent with id {agent_id} not found"),
            "invalid_request_error",
            Some("3000"),
        );
    };
    request.model = agent.model.to_owned();
    respond(&state, request, &body, Some(agent)).await
}

/// The reply to a valid request, from a model or an agent.
async fn respond(
    state: &AppState,
    request: ChatRequest,
    body: &Bytes,
    agent: Option<&agents::Agent>,
) -> Response {
    if let Some(last) = request.messages.last() {
        let servable = matches!(last.role.as_str(), "user" | "tool") || last.prefix;
        if !servable {
            let message = format!(
                "Expected last role User or Tool (or Assistant with prefix True) for serving \
                 but got {}",
                last.role
            );
            return errors::api_error(
                StatusCode::BAD_REQUEST,
                &message,
                "invalid_request_message_error",
                None,
            );
        }
    }
    let images = request.image_count();
    if images > MAX_IMAGES {
        let message = format!("Too many images in request. Max is {MAX_IMAGES}, got {images}.");
        return errors::api_error(
            StatusCode::BAD_REQUEST,
            &message,
            "invalid_request_error",
            None,
        );
    }
    if images > 0 && !models::find(&request.model).is_some_and(|m| m.vision) {
        let message = format!("Image input is not supported for model {}", request.model);
        return errors::api_error(
            StatusCode::BAD_REQUEST,
            &message,
            "invalid_request_error",
            None,
        );
    }
    if let Err(message) = request.check_tool_pairing() {
        return errors::api_error(
            StatusCode::BAD_REQUEST,
            &message,
            "invalid_request_message_error",
            None,
        );
    }
    let parsed = match directives::parse(request.last_user_text()) {
        Ok(parsed) => parsed,
        Err(message) => {
            return errors::api_error(
                StatusCode::BAD_REQUEST,
                &message,
                "invalid_request_error",
                None,
            )
        }
    };
    let directives = parsed.directives;
    if let Some(wait) = directives.slow_first {
        tokio::time::sleep(wait).await;
    }
    if let Some(fault) = directives.status {
        if let Some(response) = status_fault(state, fault, body) {
            return response;
        }
    }

    let tool_calls = tool_calls(&request, &directives, &parsed.prompt);
    let reply = if !tool_calls.is_empty() {
        reply::Reply::Text(String::new())
    } else if request.messages.last().is_some_and(|m| m.role == "tool") {
        reply::Reply::Text(reply::after_tools(&request.tool_results()))
    } else {
        let mut reply = reply::select(&parsed.prompt, &request.model, request.messages.len());
        let seen = request
            .messages
            .iter()
            .rev()
            .find(|m| m.role == "user")
            .map_or(0, |m| m.images);
        if let (reply::Reply::Text(text), true) = (&mut reply, seen > 0) {
            let plural = if seen == 1 { "" } else { "s" };
            text.push_str(&format!("\n\nI received {seen} image{plural}."));
        }
        match (agent, reply) {
            (Some(agent), reply::Reply::Text(text)) => {
                reply::Reply::Text(format!("{}: {text}", agent.name))
            }
            (_, reply) => reply,
        }
    };
    let pieces = Pieces::new(reply, request.max_tokens);
    let meta = ChunkMeta {
        id: completion_id(body),
        created: now(),
        model: request.model.clone(),
    };
    let prompt_tokens = estimate_tokens(request.prompt_chars());
    let extras = Extras {
        tool_calls,
        // Reasoning models think first: Magistral always, others when asked for `high`.
        thinking: if reply_thinks(&request) {
            reply::split_pieces(&reply::thinking_for(&parsed.prompt))
        } else {
            Vec::new()
        },
        references: if request.messages.last().is_some_and(|m| m.role == "tool") {
            cited_documents(&request)
        } else {
            Vec::new()
        },
        sources: if directives.sources || agent.is_some_and(|a| a.cites) {
            reply::SOURCES
                .iter()
                .map(|(title, url)| SourceOut {
                    title: (*title).to_owned(),
                    url: (*url).to_owned(),
                })
                .collect()
        } else {
            Vec::new()
        },
    };
    if request.stream {
        stream_response(state, meta, pieces, &directives, prompt_tokens, extras)
    } else {
        json_response(meta, pieces, &directives, prompt_tokens, extras.tool_calls)
    }
}

/// What a reply streams besides its text.
struct Extras {
    tool_calls: Vec<ToolCallOut>,
    thinking: Vec<String>,
    sources: Vec<SourceOut>,
    references: Vec<String>,
}

/// The ids of the documents the tool results since the last user message hold, in Mistral's
/// citation format: a JSON object whose values have a `url` (`{"0": {"url", "title"}}`).
fn cited_documents(request: &ChatRequest) -> Vec<String> {
    request
        .tool_results()
        .iter()
        .filter_map(|(_, content)| serde_json::from_str::<serde_json::Value>(content).ok())
        .filter_map(|doc| doc.as_object().cloned())
        .flat_map(|map| {
            map.into_iter()
                .filter(|(_, v)| v.get("url").is_some())
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether the reply streams `thinking` chunks first: `magistral-*` models always, other
/// reasoning models when the request asks for `reasoning_effort: "high"`.
fn reply_thinks(request: &ChatRequest) -> bool {
    let Some(model) = models::find(&request.model) else {
        return false;
    };
    model.reasoning
        && (model.id.starts_with("magistral-")
            || request.reasoning_effort.as_deref() == Some("high"))
}

/// The calls this reply makes: the `[tool:NAME]` directives, when the request offers tools,
/// allows calling them, and fewer than `[tool-rounds=N]` (default 1) rounds called them since
/// the last user message. Ids are nine letters and digits, like Mistral's; arguments are
/// `{"query": <prompt>}`.
fn tool_calls(request: &ChatRequest, directives: &Directives, prompt: &str) -> Vec<ToolCallOut> {
    let round = request.tool_rounds();
    if !request.may_call_tools() || round >= directives.tool_rounds.unwrap_or(1) {
        return Vec::new();
    }
    let arguments = serde_json::json!({ "query": prompt }).to_string();
    directives
        .tools
        .iter()
        .enumerate()
        .map(|(i, name)| ToolCallOut {
            id: format!("tc{:03}{:04}", round % 1000, i % 10_000),
            function: FunctionOut {
                name: name.clone(),
                arguments: arguments.clone(),
            },
            index: u32::try_from(i).unwrap_or(u32::MAX),
        })
        .collect()
}

/// `GET /v1/models`.
pub async fn list_models(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    key_rejection(&state, &headers).unwrap_or_else(|| Json(models::list()).into_response())
}

/// `GET /health`: `200 ok`.
pub async fn health() -> &'static str {
    "ok"
}

/// Any other route: 404 `{"detail":"Not Found"}`, as Mistral's API answers.
pub async fn not_found() -> Response {
    let body = serde_json::json!({ "detail": "Not Found" });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

/// A 401 unless the key is the one the server requires (any key, or none, when it requires
/// none).
fn key_rejection(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let required = state.config.require_key.as_deref()?;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    match given {
        Some(key) if constant_time_eq(key.as_bytes(), required.as_bytes()) => None,
        _ => Some(errors::unauthorized(&request_id(state))),
    }
}

/// Compares without an early exit, so that the time taken says nothing about the key.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh 32-hex-digit request id.
fn request_id(state: &AppState) -> String {
    let count = state.counter.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = [count.to_le_bytes(), (nanos as u64).to_le_bytes()].concat();
    format!(
        "{:016x}{:016x}",
        fnv1a(&seed, FNV_OFFSET),
        fnv1a(&seed, !FNV_OFFSET)
    )
}

/// `cmpl-` and 32 hex digits, from the request body: the same request gets the same id.
fn completion_id(body: &[u8]) -> String {
    format!(
        "cmpl-{:016x}{:016x}",
        fnv1a(body, FNV_OFFSET),
        fnv1a(body, !FNV_OFFSET)
    )
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The response a status fault asks for, or `None` when `429-once` has already refused this
/// body once.
fn status_fault(state: &AppState, fault: StatusFault, body: &[u8]) -> Option<Response> {
    Some(match fault {
        StatusFault::Unauthorized => errors::unauthorized(&request_id(state)),
        StatusFault::Unprocessable => errors::validation(vec![errors::detail(
            "missing",
            vec![serde_json::json!("fault")],
            "Field required (simulated by [fault:422])",
            serde_json::Value::Null,
        )]),
        StatusFault::RateLimited => errors::rate_limited(2),
        StatusFault::RateLimitedOnce => {
            let key = fnv1a(body, FNV_OFFSET);
            let mut seen = state
                .seen_once
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if seen.len() >= MAX_REMEMBERED {
                seen.clear();
            }
            if !seen.insert(key) {
                return None;
            }
            errors::rate_limited(1)
        }
        StatusFault::Internal => errors::internal(),
        StatusFault::BadGateway => errors::bad_gateway_html(),
        StatusFault::Unavailable => errors::unavailable(),
    })
}

fn stream_response(
    state: &AppState,
    meta: ChunkMeta,
    pieces: Pieces,
    directives: &Directives,
    prompt_tokens: u64,
    extras: Extras,
) -> Response {
    let spec = sse::StreamSpec {
        meta,
        pieces,
        delay: directives.delay.unwrap_or(state.config.delay),
        faults: directives.stream,
        prompt_tokens,
        tool_calls: extras.tool_calls,
        thinking: extras.thinking,
        sources: extras.sources,
        references: extras.references,
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/event-stream"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        sse::body(spec),
    )
        .into_response()
}

/// A `chat.completion`, its fields in Mistral's order.
#[derive(Serialize)]
struct Completion<'a> {
    id: &'a str,
    object: &'static str,
    created: u64,
    model: &'a str,
    choices: [CompletionChoice<'a>; 1],
    usage: Usage,
}

#[derive(Serialize)]
struct CompletionChoice<'a> {
    index: u32,
    message: AssistantMessage<'a>,
    finish_reason: &'a str,
}

#[derive(Serialize)]
struct AssistantMessage<'a> {
    role: &'static str,
    content: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<ToolCallOut>,
}

fn json_response(
    meta: ChunkMeta,
    pieces: Pieces,
    directives: &Directives,
    prompt_tokens: u64,
    tool_calls: Vec<ToolCallOut>,
) -> Response {
    let (content, mut finish_reason, chars) = pieces.collect_text();
    if !tool_calls.is_empty() {
        finish_reason = "tool_calls";
    }
    let completion = Completion {
        id: &meta.id,
        object: "chat.completion",
        created: meta.created,
        model: &meta.model,
        choices: [CompletionChoice {
            index: 0,
            message: AssistantMessage {
                role: "assistant",
                content: &content,
                tool_calls,
            },
            finish_reason,
        }],
        usage: Usage::new(prompt_tokens, chars),
    };
    let json = match serde_json::to_vec(&completion) {
        Ok(json) => json,
        Err(_) => return errors::internal(),
    };
    let content_type = [(header::CONTENT_TYPE, "application/json")];
    if directives.stream.drop {
        // Half the body, then the connection is cut.
        let half = json.len() / 2;
        let half = Bytes::from(json).slice(..half);
        let abort = futures::FutureExt::map(sse::flush_then_abort(), Err);
        let cut = stream::iter([Ok::<_, io::Error>(half)]).chain(stream::once(abort));
        return (content_type, Body::from_stream(cut)).into_response();
    }
    (content_type, json).into_response()
}
