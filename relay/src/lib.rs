//! `tinychat-relay`: the piece a site owner runs so that TinyChat's visitors talk to Mistral
//! without ever seeing the key, within the owner's limits.
//!
//! # Routes
//!
//! | route | what |
//! | --- | --- |
//! | `POST /v1/chat/completions` | relayed (JSON or a stream), after the policy and the limits |
//! | `GET /v1/models` | Mistral's list, only the `--models` entries |
//! | `POST /v1/agents/completions` | relayed for the `--agents` ids only (none: refused) |
//! | `GET /healthz` | `200 ok` while the process runs |
//! | `GET /readyz` | `200` when the upstream answers with the key and the limit store answers; `503` otherwise and while draining |
//! | anything else | `404 {"detail":"Not Found"}` |
//!
//! `/metrics` is served on `--metrics-listen` only ([`metrics_app`]).
//!
//! # What a `/v1` request goes through
//!
//! 1. the origin rules (`origins`, a middleware): an `Origin` outside `--allow-origin` gets 403; no `Origin` is refused unless
//!    `--allow-no-origin` (or the browser says `Sec-Fetch-Site: same-origin`: the page is on the
//!    relay's own site); a preflight is answered here; allowed origins get CORS headers.
//! 2. [`proxy`]: the limits (429), the body (413, 400), the policy (model 400, agent 403/400,
//!    `max_tokens` capped), then the upstream with the relay's key and only `Content-Type` and
//!    `Accept`; the reply comes back chunk by chunk ([`stream`]).
//!
//! Every request is observed ([`Observation`]): one log line and the metrics when its response
//! ends, streams included.

#![deny(missing_docs)]

pub mod config;
pub mod errors;
pub mod limits;
pub mod metrics;
pub mod proxy;
pub mod redis_store;
pub mod stream;
pub mod usage;

use std::{
    future::Future,
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, PoisonError,
    },
    time::{Duration, Instant},
};

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::json;
use tokio::net::TcpListener;

pub use config::Config;
use errors::Rejection;
use limits::{LimitStore, Limits, MemoryStore};

/// Headers a page on an allowed origin may read.
pub const EXPOSED_HEADERS: &str = "retry-after, x-ratelimit-limit-req-minute, \
    x-ratelimit-remaining-req-minute, x-ratelimit-limit-tokens-day, x-ratelimit-remaining-tokens-day";

/// The relay: configuration, the upstream client, the limit store and the metrics.
pub struct Relay {
    /// The checked configuration.
    pub config: Config,
    /// The metrics.
    pub metrics: metrics::Metrics,
    client: reqwest::Client,
    limits: Box<dyn LimitStore>,
    draining: AtomicBool,
}

impl Relay {
    /// Builds the relay. Errors are sentences (a bad `--redis` URL, a TLS setup failure).
    pub fn new(config: Config) -> Result<Arc<Self>, String> {
        let limits = Limits {
            rate_per_second: config.rate.per_second,
            burst: config.burst,
            daily_tokens: config.daily_tokens,
        };
        let limits: Box<dyn LimitStore> = match &config.redis {
            Some(url) => Box::new(redis_store::RedisStore::open(url, limits).map_err(|e| e.0)?),
            None => Box::new(MemoryStore::new(limits)),
        };
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10).min(config.upstream_timeout))
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Arc::new(Self {
            config,
            metrics: metrics::Metrics::default(),
            client,
            limits,
            draining: AtomicBool::new(false),
        }))
    }

    /// From now on `/readyz` answers 503, so that load balancers stop sending requests.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.config
            .allow_origins
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }
}

/// The public routes (not `/metrics`).
pub fn app(relay: Arc<Relay>) -> Router {
    let v1 = Router::new()
        .route(
            "/v1/chat/completions",
            post(proxy::chat_completions).options(preflight_placeholder),
        )
        .route(
            "/v1/agents/completions",
            post(proxy::agents_completions).options(preflight_placeholder),
        )
        .route(
            "/v1/models",
            get(proxy::list_models).options(preflight_placeholder),
        )
        .route_layer(middleware::from_fn_with_state(relay.clone(), origins));
    Router::new()
        .merge(v1)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(middleware::from_fn_with_state(relay.clone(), observe))
        .with_state(relay)
}

/// `/metrics` in Prometheus's text format, for `--metrics-listen`.
pub fn metrics_app(relay: Arc<Relay>) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(relay): State<Arc<Relay>>| async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    relay.metrics.render(),
                )
            }),
        )
        .fallback(not_found)
        .with_state(relay)
}

/// Serves [`app`] on `listener` until `shutdown` resolves, then stops accepting and waits for
/// open responses (the caller bounds that wait: see `main.rs`).
pub async fn serve(
    listener: TcpListener,
    relay: Arc<Relay>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // No Nagle: a stream's small writes (one SSE event each) go out at once instead of waiting
    // for the visitor's delayed ACK (up to 40 ms per reply otherwise).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        app(relay).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

async fn not_found() -> Response {
    errors::not_found()
}

async fn preflight_placeholder() -> StatusCode {
    // Never reached: `origins` answers every OPTIONS request.
    StatusCode::NO_CONTENT
}

/// The route label of a path, for the metrics.
fn route_name(path: &str) -> &'static str {
    match path {
        "/v1/chat/completions" => "chat",
        "/v1/agents/completions" => "agents",
        "/v1/models" => "models",
        "/healthz" => "healthz",
        "/readyz" => "readyz",
        _ => "other",
    }
}

/// How a relayed response ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The whole body was sent.
    Done,
    /// The visitor went away first; the upstream request was cancelled.
    ClientGone,
    /// The upstream connection failed mid-body.
    UpstreamCut,
    /// The upstream fell silent past `--upstream-timeout`.
    UpstreamTimeout,
}

impl End {
    fn as_str(self) -> &'static str {
        match self {
            End::Done => "done",
            End::ClientGone => "client-gone",
            End::UpstreamCut => "upstream-cut",
            End::UpstreamTimeout => "upstream-timeout",
        }
    }
}

/// One request, from its arrival until its response body ends (or is dropped): the log line
/// and the request counter are written when the last reference goes.
pub struct Observation {
    relay: Arc<Relay>,
    method: Method,
    path: String,
    route: &'static str,
    start: Instant,
    notes: Mutex<Notes>,
}

#[derive(Default)]
struct Notes {
    status: u16,
    model: Option<String>,
    tokens: Option<u64>,
    end: Option<End>,
}

impl Observation {
    fn notes(&self) -> std::sync::MutexGuard<'_, Notes> {
        self.notes.lock().unwrap_or_else(PoisonError::into_inner)
    }
    /// Records the model asked for.
    pub fn model(&self, model: &str) {
        self.notes().model = Some(model.chars().take(100).collect());
    }
    /// Records the tokens of the reply and how it ended.
    pub fn finished(&self, tokens: Option<u64>, end: End) {
        let mut notes = self.notes();
        notes.tokens = tokens;
        notes.end = Some(end);
    }
}

impl Drop for Observation {
    fn drop(&mut self) {
        let notes = self.notes.get_mut().unwrap_or_else(PoisonError::into_inner);
        self.relay.metrics.request(self.route, notes.status);
        if self.relay.config.log_requests {
            // Never a body, a header or the query string: never the key.
            let model = notes.model.as_deref().unwrap_or("-");
            let tokens = notes.tokens.map_or_else(|| "-".into(), |t| t.to_string());
            let end = notes.end.map_or("", |e| e.as_str());
            eprintln!(
                "{} {} {} {}ms model={model} tokens={tokens} {end}",
                self.method,
                self.path,
                notes.status,
                self.start.elapsed().as_millis(),
            );
        }
    }
}

async fn observe(State(relay): State<Arc<Relay>>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let route = route_name(path);
    let observation = Arc::new(Observation {
        relay,
        method: request.method().clone(),
        // Unknown paths are not echoed in full into the log.
        path: if route == "other" {
            path.chars().take(64).collect()
        } else {
            path.to_owned()
        },
        route,
        start: Instant::now(),
        notes: Mutex::new(Notes::default()),
    });
    request.extensions_mut().insert(observation.clone());
    let response = next.run(request).await;
    observation.notes().status = response.status().as_u16();
    response
}

/// The origin rules and CORS, for the `/v1` routes.
async fn origins(State(relay): State<Arc<Relay>>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    let allowed = match &origin {
        Some(origin) => relay.origin_allowed(origin),
        None => relay.config.allow_no_origin || same_origin_fetch(request.headers()),
    };
    if !allowed {
        relay.metrics.rejection(Rejection::Origin);
        return errors::origin_refused(origin.as_deref());
    }
    let mut response = if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type, accept"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("3600"),
        );
        response
    } else {
        next.run(request).await
    };
    if let Some(value) = origin.and_then(|o| HeaderValue::from_str(&o).ok()) {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
        headers.append(header::VARY, HeaderValue::from_static("origin"));
    }
    response
}

/// A browser's same-origin request (a `GET` carries no `Origin`): the page is on the site the
/// relay is served from.
fn same_origin_fetch(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"same-origin"))
}

/// `GET /readyz`.
async fn readyz(State(relay): State<Arc<Relay>>) -> Response {
    let draining = relay.draining.load(Ordering::SeqCst);
    let upstream = proxy::upstream_ready(&relay).await;
    let limits = relay.limits.ping().await.map_err(|e| e.0);
    let ready = !draining && upstream.is_ok() && limits.is_ok();
    let word = |r: &Result<(), String>| match r {
        Ok(()) => "ok".to_owned(),
        Err(e) => e.clone(),
    };
    let body = json!({
        "ready": ready,
        "draining": draining,
        "upstream": word(&upstream),
        "limits": word(&limits),
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}
