//! Shared test helpers: `tinychat-server --require-key` as the upstream, in-process, behind a
//! recorder that shows what reached it (headers, bodies) and whether each of its responses was
//! sent to the end or dropped (cancelled) on the way; the relay in-process or as its binary.
#![allow(dead_code)] // each test file uses a different part

use std::{
    collections::HashMap,
    net::SocketAddr,
    pin::Pin,
    process::Stdio,
    sync::{Arc, Mutex},
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::HeaderMap,
    middleware::{self, Next},
    response::Response,
};
use futures::{Stream, StreamExt};
use serde_json::{json, Value};
use tinychat_relay::{Config, Relay};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    net::TcpListener,
    process::{Child, Command},
    sync::Notify,
};

/// The key the upstream requires and the relay holds.
pub const KEY: &str = "relay-test-key-0123456789";
/// The allowed origin in the tests.
pub const ORIGIN: &str = "https://shop.example";
/// The model allowed in the tests.
pub const MODEL: &str = "mistral-small-latest";
/// No test waits longer than this.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// What one request looked like when it reached the upstream.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Value,
}

/// How the upstream's responses ended, and what it sent.
#[derive(Clone, Debug)]
pub struct Sent {
    /// The `tag` of the request (see [`tagged`]), or "".
    pub tag: String,
    /// Every byte of the body it sent (up to where it was dropped).
    pub bytes: Vec<u8>,
    /// Whether the body was sent to its end (false: dropped before, i.e. cancelled).
    pub completed: bool,
}

/// The recorder around the upstream.
#[derive(Default)]
pub struct Upstream {
    pub address: Mutex<Option<SocketAddr>>,
    pub seen: Mutex<Vec<Seen>>,
    pub sent: Mutex<Vec<Sent>>,
    pub changed: Notify,
}

impl Upstream {
    pub fn url(&self) -> String {
        format!("http://{}", self.address.lock().unwrap().unwrap())
    }
    pub fn last_seen(&self) -> Seen {
        self.seen
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a request reached the upstream")
    }
    pub fn seen_count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
    /// Waits until a response with `tag` has ended (sent or dropped) and returns it.
    pub async fn ended(&self, tag: &str) -> Sent {
        let wait = async {
            loop {
                let notified = self.changed.notified();
                if let Some(sent) = self.sent.lock().unwrap().iter().find(|s| s.tag == tag) {
                    return sent.clone();
                }
                notified.await;
            }
        };
        tokio::time::timeout(TIMEOUT, wait)
            .await
            .expect("the upstream response never ended")
    }
}

/// Starts `tinychat-server --require-key KEY` (no delay, quiet) behind the recorder.
pub async fn upstream() -> Arc<Upstream> {
    let recorder = Arc::new(Upstream::default());
    let config = tinychat_server::Config {
        delay: Duration::ZERO,
        log_requests: false,
        require_key: Some(KEY.into()),
        ..tinychat_server::Config::default()
    };
    let app = tinychat_server::app(config)
        .layer(middleware::from_fn_with_state(recorder.clone(), record));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    *recorder.address.lock().unwrap() = Some(listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    recorder
}

async fn record(State(recorder): State<Arc<Upstream>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let tag = value["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .and_then(|c| c.split("#tag=").nth(1))
        .map(|t| t.split_whitespace().next().unwrap_or("").to_owned())
        .unwrap_or_default();
    recorder.seen.lock().unwrap().push(Seen {
        path: parts.uri.path().to_owned(),
        headers: parts.headers.clone(),
        body: value,
    });
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (parts, body) = response.into_parts();
    let watched = Watched {
        inner: body.into_data_stream(),
        recorder: recorder.clone(),
        sent: Some(Sent {
            tag,
            bytes: Vec::new(),
            completed: false,
        }),
    };
    Response::from_parts(parts, Body::from_stream(watched))
}

struct Watched {
    inner: axum::body::BodyDataStream,
    recorder: Arc<Upstream>,
    sent: Option<Sent>,
}

impl Stream for Watched {
    type Item = Result<Bytes, axum::Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.poll_next_unpin(cx);
        match &polled {
            Poll::Ready(Some(Ok(bytes))) => {
                if let Some(sent) = self.sent.as_mut() {
                    sent.bytes.extend_from_slice(bytes);
                }
            }
            Poll::Ready(None) => {
                if let Some(sent) = self.sent.as_mut() {
                    sent.completed = true;
                }
            }
            _ => {}
        }
        polled
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Some(sent) = self.sent.take() {
            self.recorder.sent.lock().unwrap().push(sent);
            self.recorder.changed.notify_waiters();
        }
    }
}

/// The relay's configuration in the tests: this upstream, [`ORIGIN`], [`MODEL`], no limits,
/// quiet.
pub fn config(upstream: &Upstream) -> Config {
    let mut config = Config::new(&upstream.url(), KEY, &[MODEL, "mistral-medium-latest"]);
    config.allow_origins = vec![ORIGIN.into()];
    config.rate = tinychat_relay::config::Rate { per_second: 0.0 };
    config.daily_tokens = 0;
    config.log_requests = false;
    config
}

/// Starts the relay in-process; returns its address and the relay (for its metrics).
pub async fn start_relay(config: Config) -> (String, Arc<Relay>) {
    let relay = Relay::new(config).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let serving = relay.clone();
    tokio::spawn(
        async move { tinychat_relay::serve(listener, serving, std::future::pending()).await },
    );
    (format!("http://{address}"), relay)
}

/// A test client (no pooling surprises: one connection per request is fine here).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(TIMEOUT).build().unwrap()
}

/// A chat request body; `#tag=<tag>` in the message lets the upstream recorder name it.
pub fn chat(message: &str, stream: bool) -> Value {
    json!({
        "model": MODEL,
        "messages": [{ "role": "user", "content": message }],
        "stream": stream,
    })
}

/// `message` with a tag the recorder finds.
pub fn tagged(message: &str, tag: &str) -> String {
    format!("{message} #tag={tag}")
}

/// POSTs a chat request from [`ORIGIN`].
pub async fn post_chat(base: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{base}/v1/chat/completions"))
        .header("origin", ORIGIN)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

/// Asserts the Mistral error shape and returns the message.
pub fn assert_mistral_error(body: &Value) -> String {
    assert_eq!(body["object"], "error", "{body}");
    assert!(body["type"].is_string(), "{body}");
    assert!(body.get("param").is_some_and(Value::is_null), "{body}");
    assert!(body.get("code").is_some(), "{body}");
    body["message"].as_str().expect("a message").to_owned()
}

/// The concatenated `delta.content` of an SSE body.
pub fn streamed_content(body: &str) -> String {
    body.split("\n\n")
        .filter_map(|e| e.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

/// The relay binary, running; killed on drop.
pub struct Binary {
    pub child: Child,
    pub base: String,
    pub metrics: Option<String>,
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Binary {
    /// Starts `tinychat-relay` with `args` (plus `--listen 127.0.0.1:0`) and `env`; waits for
    /// its "listening on" line.
    pub async fn start(args: &[&str], env: &[(&str, &str)]) -> Binary {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tinychat-relay"));
        command
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("MISTRAL_API_KEY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start tinychat-relay");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let lines = stderr.clone();
        let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
        tokio::spawn(async move {
            while let Ok(Some(line)) = err.next_line().await {
                lines.lock().unwrap().push(line);
            }
        });
        let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut base = None;
        let mut metrics = None;
        let want_metrics = args.contains(&"--metrics-listen");
        let read = async {
            while let Ok(Some(line)) = out.next_line().await {
                if let Some(url) = line.strip_prefix("tinychat-relay listening on ") {
                    base = Some(url.to_owned());
                }
                if let Some(url) = line.strip_prefix("metrics on ") {
                    metrics = Some(url.to_owned());
                }
                if base.is_some() && (metrics.is_some() || !want_metrics) {
                    break;
                }
            }
        };
        if tokio::time::timeout(TIMEOUT, read).await.is_err() || base.is_none() {
            let _ = child.kill().await;
            panic!("tinychat-relay did not start: {:?}", stderr.lock().unwrap());
        }
        Binary {
            child,
            base: base.unwrap(),
            metrics,
            stderr,
        }
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The process's resident memory: (now, peak), in KiB.
    pub fn memory_kib(&self) -> (u64, u64) {
        let pid = self.child.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }
}

/// Waits until `check` holds (polling), or panics with `what`.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// FNV-1a of some bytes, to compare bodies without keeping them.
pub fn hash(bytes: &[u8]) -> u64 {
    tinychat_server::fnv1a(bytes, tinychat_server::FNV_OFFSET)
}

/// Counts per tag, for the load test.
pub fn by_tag(sent: &[Sent]) -> HashMap<String, Sent> {
    sent.iter().map(|s| (s.tag.clone(), s.clone())).collect()
}
