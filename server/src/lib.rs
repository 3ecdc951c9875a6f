//! `tinychat-server`: a local HTTP server that speaks Mistral's chat API, as far as a browser
//! widget can tell, with fault modes that a test can trigger per request.
//!
//! It serves the TinyChat demo, the browser and end-to-end tests, benchmarks and offline users.
//! Everything it says is deterministic for a given request, except the `created` timestamps and
//! the `request_id` of 401 answers.
//!
//! # Endpoints
//!
//! | route | what |
//! | --- | --- |
//! | `POST /v1/chat/completions` | a chat completion, as JSON or (`"stream": true`) as server-sent events |
//! | `POST /v1/agents/completions` | the same for an `agent_id` of [`agents::AGENTS`] (404 for another; `model`, `temperature`, `top_p` and `safe_prompt` are refused with 422) |
//! | `GET /v1/models` | a Mistral-shaped model list ([`models::MODELS`]) |
//! | `GET /health` | `200 ok` |
//! | `GET /…` | static files from [`Config::static_dir`], when set ([`static_files`]) |
//!
//! Every response carries CORS headers (any origin), errors included, so a page on another
//! origin can read them. With [`Config::require_key`] set, the `/v1` routes answer 401 unless the
//! request has `Authorization: Bearer <key>`.
//!
//! # Replies
//!
//! The reply is chosen from the *last user message*, after the directives below are removed,
//! by whole words, case-insensitively (first match wins; see [`reply`]):
//!
//! * `long N` (e.g. `long 10000`): exactly `N` content deltas `tok0 `, `tok1 `, … (N ≤ 1,000,000);
//! * `html`: text with `<script>alert(1)</script>`, `<img src=x onerror=alert(1)>` and a
//!   `[click](javascript:alert(1))` link, for XSS tests;
//! * `markdown` or `demo`: headings, **bold**, lists, a table, a link, inline code, a fenced
//!   `rust` block, accents (é, ü), CJK (你好, 日本語) and emoji (👋🦀);
//! * anything else: `You said: "<prompt>"` and a line naming the model and the message count.
//!
//! `magistral-*` models (and `mistral-small-latest` with `"reasoning_effort": "high"`) first
//! stream a deterministic reasoning as `thinking` chunks
//! (`[{"type":"thinking","thinking":[{"type":"text","text":…}]}]`), then the answer.
//!
//! Streamed content arrives in pieces of at most 6 characters (a word with its leading
//! whitespace, or part of a longer word), split between `char`s, never inside one, with
//! [`Config::delay`] between pieces. Token counts in `usage` are estimated as
//! `ceil(characters / 4)`: the prompt's from the text of every message, the completion's from
//! the reply. `max_tokens` cuts the reply after `4 × max_tokens` characters, with
//! `finish_reason: "length"`.
//!
//! # Directives and fault modes
//!
//! A test steers one request, without restarting the server, by writing directives anywhere in
//! the **last user message** (several may be combined; they are not part of the prompt the reply
//! quotes):
//!
//! * `[delay=N]`: N milliseconds between content pieces for this request (overrides the
//!   server's `--delay-ms`);
//! * `[fault:NAME]`, with NAME one of:
//!
//! | NAME | effect |
//! | --- | --- |
//! | `401` | 401 `{"message":"Unauthorized","request_id":"<hex>"}` |
//! | `422` | 422 with a Mistral `detail` list |
//! | `429` | 429 `rate_limited`, `Retry-After: 2` and `x-ratelimit-*` headers |
//! | `429-once` | like `429` (with `Retry-After: 1`) the first time this exact request body is seen, then a normal reply |
//! | `500` | 500 `internal_error` JSON |
//! | `502` | 502 with an HTML body (`text/html`), as a proxy would send |
//! | `503` | 503 `service_unavailable` JSON |
//! | `drop` | a few content chunks, then the TCP connection is dropped (no final chunk, no `[DONE]`) |
//! | `stall=N` | a few content chunks, then N seconds of silence, then the rest as usual |
//! | `malformed` | one truncated JSON event mid-stream, then the rest as usual |
//! | `stream-error` | a few content chunks, then a `data: {"object":"error",…}` event, then the end |
//! | `ping` | `: ping` keep-alive comments between chunks |
//! | `crlf` | `\r\n` instead of `\n` in all event framing |
//! | `bytes` | every byte of the body sent as its own write (a one-byte HTTP chunk) |
//! | `slow-first=N` | N seconds before the response headers |
//! | `no-done` | a normal stream without the final `data: [DONE]` |
//!
//! N may have a fraction (`stall=0.5`). The status faults (`401` … `503`), `slow-first` and `drop`
//! (which cuts the JSON body in half) also apply to non-streaming requests; the other stream
//! faults only change streams. An unknown fault name is answered with 400. See [`directives`].
//!
//! ## Tool calls
//!
//! * `[tool:NAME]`: when the request offers `tools` and `tool_choice` is not `"none"`, the reply
//!   calls `NAME` with `{"query": <prompt>}` (several directives: parallel calls), streamed as
//!   Mistral does: one chunk whose `delta.tool_calls` holds every call (ids of nine letters and
//!   digits), `finish_reason: "tool_calls"`, then `[DONE]`;
//! * `[tool-rounds=N]`: the tools are called again in each of the first N rounds since the
//!   user message (default 1);
//! * when the last message is a `tool` result and no further call is due, the reply is
//!   `The page's tools answered:` followed by `- NAME: CONTENT` for each result.
//!
//! Every `tool` message must answer a call of the assistant message before it, and every call
//! must be answered, or the request is refused with Mistral's 400.
//!
//! # Example
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let config = tinychat_server::Config { delay: std::time::Duration::ZERO, ..Default::default() };
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! println!("listening on {}", listener.local_addr()?);
//! axum::serve(listener, tinychat_server::app(config)).await
//! # }
//! ```

pub mod agents;
pub mod api;
pub mod cli;
pub mod directives;
pub mod errors;
pub mod models;
pub mod reply;
pub mod sse;
pub mod static_files;
pub mod validate;

use std::{
    collections::HashSet,
    fmt,
    path::PathBuf,
    sync::{atomic::AtomicU64, Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::{DefaultBodyLimit, Request},
    http::{
        header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE},
        HeaderName, Method,
    },
    middleware::{self, Next},
    response::Response,
    routing::{get, post},
    Router,
};
use tower_http::cors::{Any, CorsLayer};

/// The delay between streamed content pieces when neither `--delay-ms` nor
/// `TINYCHAT_SERVER_DELAY_MS` says otherwise.
pub const DEFAULT_DELAY: Duration = Duration::from_millis(25);

/// The largest request body accepted (long conversations are big; Mistral's limit is higher).
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// Response headers a cross-origin page may read.
pub const EXPOSED_HEADERS: [&str; 5] = [
    "retry-after",
    "x-ratelimit-limit-tokens-minute",
    "x-ratelimit-remaining-tokens-minute",
    "x-ratelimit-limit-req-minute",
    "x-ratelimit-remaining-req-minute",
];

/// How the server behaves. [`Config::default`] is what the binary uses without flags.
#[derive(Clone)]
pub struct Config {
    /// Pause between streamed content pieces (a request can override it with `[delay=N]`).
    pub delay: Duration,
    /// When set, `/v1` requests need `Authorization: Bearer <key>`; otherwise any key, or none,
    /// is accepted.
    pub require_key: Option<String>,
    /// When set, files under this directory are served at `/` on the same origin as the API.
    pub static_dir: Option<PathBuf>,
    /// A `Content-Security-Policy` header for static file responses.
    pub csp: Option<String>,
    /// Log one line per request to stderr (method, path, status, milliseconds to the headers).
    pub log_requests: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            delay: DEFAULT_DELAY,
            require_key: None,
            static_dir: None,
            csp: None,
            log_requests: true,
        }
    }
}

impl fmt::Debug for Config {
    // Hand-written so that the key never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("delay", &self.delay)
            .field(
                "require_key",
                &self.require_key.as_ref().map(|_| "<redacted>"),
            )
            .field("static_dir", &self.static_dir)
            .field("csp", &self.csp)
            .field("log_requests", &self.log_requests)
            .finish()
    }
}

/// What the handlers share: the configuration and the little state the fault modes need.
#[derive(Debug)]
pub struct AppState {
    /// The server's configuration.
    pub config: Config,
    /// Hashes of the request bodies a `[fault:429-once]` has already refused.
    pub seen_once: Mutex<HashSet<u64>>,
    /// Counts requests, to make `request_id`s unique.
    pub counter: AtomicU64,
}

/// The whole server: the API routes, static files when [`Config::static_dir`] is set, CORS and
/// (when [`Config::log_requests`]) request logging.
pub fn app(config: Config) -> Router {
    let static_dir = config.static_dir.clone();
    let csp = config.csp.clone();
    let log = config.log_requests;
    let state = Arc::new(AppState {
        config,
        seen_once: Mutex::new(HashSet::new()),
        counter: AtomicU64::new(0),
    });
    let api = Router::new()
        .route("/v1/chat/completions", post(api::chat_completions))
        .route("/v1/agents/completions", post(api::agents_completions))
        .route("/v1/models", get(api::list_models))
        .route("/health", get(api::health))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state);
    let router = match static_dir {
        Some(dir) => api.fallback_service(static_files::router(dir, csp)),
        None => api.fallback(api::not_found),
    };
    with_logging(router.layer(cors()), log)
}

/// A server for static files only, for `--static-port` (the page on a second origin, e.g. to
/// test embedding the widget in a page whose origin is not the API's).
pub fn static_app(dir: PathBuf, csp: Option<String>, log_requests: bool) -> Router {
    with_logging(static_files::router(dir, csp), log_requests)
}

/// CORS as Mistral's API allows it: any origin, the methods and headers a browser client uses,
/// and the rate-limit headers exposed.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([AUTHORIZATION, CONTENT_TYPE, ACCEPT])
        .expose_headers(EXPOSED_HEADERS.map(HeaderName::from_static))
        .allow_private_network(true)
        .max_age(Duration::from_secs(3600))
}

fn with_logging(router: Router, log: bool) -> Router {
    if log {
        router.layer(middleware::from_fn(log_request))
    } else {
        router
    }
}

/// Logs `METHOD /path STATUS Nms` to stderr: never headers, query strings or bodies, so never a
/// key. The time is until the response headers (a stream goes on after that).
async fn log_request(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    eprintln!(
        "{method} {path} {} {}ms",
        response.status().as_u16(),
        start.elapsed().as_millis()
    );
    response
}

/// FNV-1a, 64 bits, from `seed`: a stable hash (the standard library's may change between
/// releases) for ids and the `429-once` memory.
pub fn fnv1a(data: &[u8], seed: u64) -> u64 {
    data.iter().fold(seed, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The FNV-1a offset basis, the usual seed for [`fnv1a`].
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b"", FNV_OFFSET), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn config_debug_never_shows_the_key() {
        let config = Config {
            require_key: Some("sekret".into()),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("sekret"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
