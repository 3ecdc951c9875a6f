//! Network glue: POST a chat request with the browser's `fetch`, read the streamed body with a
//! `ReadableStreamDefaultReader`, decode it with [`tinychat_core::sse::Decoder`], map events with
//! [`tinychat_core::mistral::StreamMapper`] and hand every content delta to the caller.
//!
//! Nothing here knows about the UI: the caller gets [`StreamEvent`]s and a typed
//! [`TransportError`] whose `user_message` is a sentence for people.

use std::time::Duration;

use futures::future::{select, Either, FutureExt, Shared};
use futures::pin_mut;
use gloo_timers::future::sleep;
use js_sys::{Reflect, Uint8Array};
use tinychat_core::chat::ErrorInfo;
use tinychat_core::error::ErrorKind;
use tinychat_core::i18n::Strings;
use tinychat_core::mistral::{
    chat_model_cards, ApiError, ChatRequest, ModelCapabilities, Source, StreamError, StreamItem,
    StreamMapper, ToolInvocation, Usage,
};
use tinychat_core::sse::Decoder;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, ReadableStreamDefaultReader, RequestInit, Response,
};

/// Where and how to reach the chat API.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// Base URL without a trailing slash, e.g. `https://api.mistral.ai`, or `""` for this origin.
    pub api_base: String,
    /// The user's API key; `None` (or empty) sends no `Authorization` header (proxy mode).
    pub api_key: Option<String>,
    /// No bytes for this long (while waiting for headers or for the next chunk) is a timeout.
    pub idle_timeout: Duration,
}

impl Endpoint {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.api_base.trim_end_matches('/'), path)
    }

    /// The browser's `fetch` of `path`: a `POST` of the JSON `body`, or a `GET` without one,
    /// accepting `accept`, with the key when there is one (never in the URL), stopped by
    /// `signal`. (gloo-net's request builder did the same with three more futures to compile.)
    fn fetch(
        &self,
        path: &str,
        accept: &str,
        body: Option<&str>,
        signal: &AbortSignal,
    ) -> Result<JsFuture, JsValue> {
        let key = self
            .api_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty());
        let auth = key.map(|key| format!("Bearer {key}"));
        let mut headers = vec![("Accept", accept)];
        headers.extend(body.map(|_| ("Content-Type", "application/json")));
        headers.extend(auth.as_deref().map(|a| ("Authorization", a)));
        fetch(&self.url(path), &headers, body, Some(signal))
    }
}

/// `fetch(url, {method, headers, body, signal})`: a `POST` when there is a `body`. A header the
/// browser refuses (a key with a line break) is an error, not a request without it.
pub fn fetch(
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    signal: Option<&AbortSignal>,
) -> Result<JsFuture, JsValue> {
    let init = RequestInit::new();
    let list = Headers::new()?;
    for (name, value) in headers {
        list.set(name, value)?;
    }
    init.set_headers(&list);
    if let Some(body) = body {
        init.set_method("POST");
        init.set_body(&JsValue::from_str(body));
    }
    init.set_signal(signal);
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    Ok(JsFuture::from(window.fetch_with_str_and_init(url, &init)))
}

/// A response's headers as `(name, value)` pairs (names in lower case, as `fetch` gives them).
fn header_list(response: &Response) -> Vec<(String, String)> {
    js_sys::Array::from(&response.headers())
        .iter()
        .filter_map(|pair| {
            let pair = pair.dyn_into::<js_sys::Array>().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// The response `fetched` resolves to, within `timeout`; a rejection is the network's (or
/// Stop's, when `signal` is aborted).
async fn response_of(
    fetched: JsFuture,
    timeout: Duration,
    controller: &AbortController,
    stop: &Shared<JsFuture>,
) -> Result<Response, TransportError> {
    let sent = with_timeout(fetched, timeout, controller, stop).await?;
    sent.map_err(|e| {
        if controller.signal().aborted() {
            TransportError::Aborted
        } else {
            TransportError::Network(js_error_text(&e))
        }
    })?
    .dyn_into()
    .map_err(|_| TransportError::BadResponse("not a response".into()))
}

/// The body of `response` as text, within `timeout`.
async fn text_of(
    response: &Response,
    timeout: Duration,
    controller: &AbortController,
    stop: &Shared<JsFuture>,
) -> Result<String, TransportError> {
    let promise = response
        .text()
        .map_err(|_| TransportError::BadResponse("the response body cannot be read".into()))?;
    let text = with_timeout(JsFuture::from(promise), timeout, controller, stop).await?;
    text.ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| TransportError::BadResponse("the response body cannot be read".into()))
}

/// What a running stream reports, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamEvent {
    /// The first byte of the body arrived (the request can no longer be retried silently).
    FirstByte,
    /// A piece of the reply's text.
    Delta(String),
    /// Token usage from the final chunk.
    Usage(Usage),
    /// The stream completed asking for the page's tools (`delta.tool_calls`).
    ToolCalls(Vec<ToolInvocation>),
    /// A piece of a reasoning model's thinking.
    Thinking(String),
    /// A source the answer cites.
    Source(Source),
    /// A citation of documents the page's tools returned (their ids).
    Reference(Vec<String>),
}

/// Why a request or stream failed. Every variant has a [`ErrorKind`] and words for people
/// ([`TransportError::info`]); the `String`s are technical details for the console.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The server answered with an HTTP error status.
    #[error("{0}")]
    Http(#[from] ApiError),
    /// The stream itself reported an error or broke off.
    #[error("{0}")]
    Stream(#[from] StreamError),
    /// fetch failed: offline, DNS, CORS, connection reset.
    #[error("network error: {0}")]
    Network(String),
    /// No bytes arrived for too long.
    #[error("no answer for {0} s")]
    Timeout(u64),
    /// The user pressed Stop (or the widget went away).
    #[error("stopped")]
    Aborted,
    /// The answer could not be read: no body, an unreadable body, an unexpected model list.
    #[error("unreadable answer: {0}")]
    BadResponse(String),
    /// The browser could not prepare the request (encoding, a missing browser API).
    #[error("internal error: {0}")]
    Internal(String),
}

impl TransportError {
    /// The kind of failure (`data-error`, and which actions the UI offers).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Http(e) => e.kind,
            Self::Stream(_) => ErrorKind::Stream,
            Self::Network(_) => ErrorKind::Network,
            Self::Timeout(_) => ErrorKind::Timeout,
            Self::Aborted => ErrorKind::Aborted,
            Self::BadResponse(_) => ErrorKind::BadResponse,
            Self::Internal(_) => ErrorKind::Internal,
        }
    }

    /// Whether sending the same request again may help.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Http(e) => e.is_retryable(),
            Self::Network(_) | Self::Timeout(_) | Self::BadResponse(_) => true,
            // The request itself was fine; asking again usually gets a whole answer.
            Self::Stream(_) => true,
            Self::Aborted | Self::Internal(_) => false,
        }
    }

    /// How long the server asked us to wait before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Http(e) => e.retry_after(),
            _ => None,
        }
    }

    /// The error as the conversation keeps it: its kind, a sentence in the language of
    /// `strings`, and whether Retry may help.
    pub fn info(&self, strings: &Strings) -> ErrorInfo {
        match self {
            Self::Http(e) => ErrorInfo::from_api(e, strings),
            Self::Stream(e) => ErrorInfo::from_stream(e, strings),
            Self::Timeout(secs) => ErrorInfo::new(
                ErrorKind::Timeout,
                strings.error_sentence(ErrorKind::Timeout, *secs),
                true,
            ),
            other => ErrorInfo::new(
                other.kind(),
                strings.error_sentence(other.kind(), 0),
                other.is_retryable(),
            ),
        }
    }
}

fn js_error_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// A future that completes when `signal` aborts (at once if it already has).
fn aborted(signal: &AbortSignal) -> Shared<JsFuture> {
    let signal = signal.clone();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if signal.aborted() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        } else {
            let _ = signal.add_event_listener_with_callback("abort", &resolve);
        }
    });
    JsFuture::from(promise).shared()
}

/// Races `fut` against the idle timeout and against Stop. On timeout the request is aborted.
/// Stop wins even if the body stream never notices the abort.
async fn with_timeout<F: std::future::Future>(
    fut: F,
    timeout: Duration,
    controller: &AbortController,
    stop: &Shared<JsFuture>,
) -> Result<F::Output, TransportError> {
    let timer = sleep(timeout);
    pin_mut!(fut);
    pin_mut!(timer);
    let stopped = stop.clone();
    match select(fut, select(timer, stopped)).await {
        Either::Left((out, _)) => Ok(out),
        Either::Right((Either::Left(((), _)), _)) => {
            controller.abort();
            Err(TransportError::Timeout(timeout.as_secs()))
        }
        Either::Right((Either::Right(_), _)) => Err(TransportError::Aborted),
    }
}

/// A chat request the browser is already sending ([`start_chat`]), for [`stream_chat`] to read.
pub struct Started(Result<JsFuture, JsValue>);

/// Hands `request` (with `stream: true`) to the browser's `fetch` now, not at the first poll of
/// a task: the first turn leaves this way during the mount, before the widget's views are built.
/// `controller` aborts it.
pub fn start_chat(
    endpoint: &Endpoint,
    request: &ChatRequest,
    controller: &AbortController,
) -> Started {
    let body = request.to_json();
    Started(endpoint.fetch(
        request.path(),
        "text/event-stream",
        Some(&body),
        &controller.signal(),
    ))
}

/// Reads the reply to `started` (the request [`start_chat`] sent) and calls `on_event` for every
/// delta as it arrives.
///
/// `controller` (the one it was started with) aborts the request: Stop, unmount, or the idle
/// timeout. `Ok` means the stream completed (`[DONE]`, or a clean end the mapper accepts).
pub async fn stream_chat(
    endpoint: &Endpoint,
    started: Started,
    controller: &AbortController,
    mut on_event: impl FnMut(StreamEvent),
) -> Result<(), TransportError> {
    let signal = controller.signal();
    let stop = aborted(&signal);
    let response = send(endpoint, started, controller, &stop).await?;
    let body = response
        .body()
        .ok_or_else(|| TransportError::BadResponse("the response has no body".into()))?;
    let reader: ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|_| TransportError::BadResponse("the response body cannot be read".into()))?;
    let result = read_stream(endpoint, &reader, controller, &stop, &mut on_event).await;
    if result.is_err() {
        // Release the connection: cancelling tells the browser we will not read further. The
        // promise rejects when the stream already errored (abort, dropped connection); awaiting
        // it in a task marks the rejection handled, so nothing lands in the console.
        let cancelled = JsFuture::from(reader.cancel());
        wasm_bindgen_futures::spawn_local(async move {
            let _ = cancelled.await;
        });
    }
    result
}

async fn send(
    endpoint: &Endpoint,
    started: Started,
    controller: &AbortController,
    stop: &Shared<JsFuture>,
) -> Result<Response, TransportError> {
    let fetched = started
        .0
        .map_err(|e| TransportError::Internal(js_error_text(&e)))?;
    let timeout = endpoint.idle_timeout;
    let response = response_of(fetched, timeout, controller, stop).await?;
    if !response.ok() {
        // An unreadable error body is an empty one; a timeout or Stop is not.
        let text = match text_of(&response, timeout, controller, stop).await {
            Err(TransportError::BadResponse(_)) => String::new(),
            text => text?,
        };
        let headers = header_list(&response);
        return Err(ApiError::from_response(response.status(), &headers, &text).into());
    }
    Ok(response)
}

async fn read_stream(
    endpoint: &Endpoint,
    reader: &ReadableStreamDefaultReader,
    controller: &AbortController,
    stop: &Shared<JsFuture>,
    on_event: &mut impl FnMut(StreamEvent),
) -> Result<(), TransportError> {
    let signal = controller.signal();
    let mut decoder = Decoder::new();
    let mut mapper = StreamMapper::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut events = Vec::new();
    let mut first = true;
    loop {
        let chunk = with_timeout(
            JsFuture::from(reader.read()),
            endpoint.idle_timeout,
            controller,
            stop,
        )
        .await?
        .map_err(|e| {
            if signal.aborted() {
                TransportError::Aborted
            } else {
                TransportError::Network(js_error_text(&e))
            }
        })?;
        let done = Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let Ok(value) = Reflect::get(&chunk, &"value".into()) else {
            continue;
        };
        let Some(bytes) = value.dyn_ref::<Uint8Array>() else {
            continue;
        };
        if first {
            first = false;
            on_event(StreamEvent::FirstByte);
        }
        let len = bytes.length() as usize;
        buf.resize(len, 0);
        bytes.copy_to(&mut buf[..len]);
        // push_into keeps the events completed before an oversized one, so no text is lost.
        events.clear();
        let pushed = decoder.push_into(&buf[..len], &mut events);
        for event in &events {
            for item in mapper.on_event(event)? {
                match item {
                    StreamItem::Delta(text) => on_event(StreamEvent::Delta(text)),
                    StreamItem::Usage(usage) => on_event(StreamEvent::Usage(usage)),
                    StreamItem::Thinking(text) => on_event(StreamEvent::Thinking(text)),
                    StreamItem::Source(source) => on_event(StreamEvent::Source(source)),
                    StreamItem::Reference(ids) => on_event(StreamEvent::Reference(ids)),
                    StreamItem::Done => {
                        let calls = mapper.take_tool_calls();
                        if !calls.is_empty() {
                            on_event(StreamEvent::ToolCalls(calls));
                        }
                        return Ok(());
                    }
                    StreamItem::Role(_) | StreamItem::Finish(_) => {}
                }
            }
        }
        if let Err(e) = pushed {
            return Err(mapper.decoder_error(e).into());
        }
    }
    let summary = mapper.finish(decoder.finish())?;
    if !summary.tool_calls.is_empty() {
        on_event(StreamEvent::ToolCalls(summary.tool_calls));
    }
    Ok(())
}

/// Fetches the chat models offered by `GET {api_base}/v1/models`: each with its capability flags when the card has them.
pub async fn fetch_models(
    endpoint: &Endpoint,
) -> Result<Vec<(String, Option<ModelCapabilities>)>, TransportError> {
    let controller =
        AbortController::new().map_err(|e| TransportError::Internal(js_error_text(&e)))?;
    let signal = controller.signal();
    let stop = aborted(&signal);
    let timeout = endpoint.idle_timeout;
    let fetched = endpoint
        .fetch("/v1/models", "application/json", None, &signal)
        .map_err(|e| TransportError::Internal(js_error_text(&e)))?;
    let response = response_of(fetched, timeout, &controller, &stop).await?;
    let text = text_of(&response, timeout, &controller, &stop).await?;
    if !response.ok() {
        let headers = header_list(&response);
        return Err(ApiError::from_response(response.status(), &headers, &text).into());
    }
    // Embedding, moderation and OCR models cannot chat: the picker offers chat models only.
    chat_model_cards(&text)
        .map_err(|e| TransportError::BadResponse(format!("unexpected model list: {e}")))
}
