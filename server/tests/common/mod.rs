//! Shared test helpers: start the server in-process on an ephemeral port, and a raw HTTP/1.1
//! client over `TcpStream`, which shows exactly what went over the wire (every HTTP chunk, the
//! number of reads, whether the chunked body was terminated).
#![allow(dead_code)] // each test file uses a different part

use std::{net::SocketAddr, time::Duration};

use serde_json::{json, Value};
use tinychat_server::Config;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// No test waits longer than this for a response.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The configuration for tests: no delay, no logging.
pub fn config() -> Config {
    Config {
        delay: Duration::ZERO,
        log_requests: false,
        ..Config::default()
    }
}

/// Starts the server on 127.0.0.1 on a free port, in the test's runtime.
pub async fn start(config: Config) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let app = tinychat_server::app(config);
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

/// A response as received.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
    /// The size of every HTTP chunk, for a chunked body.
    pub chunks: Vec<usize>,
    /// Whether the body ended properly (terminating chunk, or the whole Content-Length).
    pub complete: bool,
    /// How many reads returned data.
    pub reads: usize,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The `data:` payloads of an SSE body framed with `\n`.
    pub fn events(&self) -> Vec<String> {
        sse_data(self.text(), "\n")
    }

    /// The `data:` payloads parsed as JSON, without `[DONE]`.
    pub fn chunks_json(&self) -> Vec<Value> {
        self.events()
            .iter()
            .filter(|e| *e != "[DONE]")
            .map(|e| serde_json::from_str(e).unwrap_or_else(|err| panic!("{err}: {e}")))
            .collect()
    }

    /// The concatenated `delta.content` of a stream.
    pub fn streamed_content(&self) -> String {
        self.chunks_json()
            .iter()
            .filter_map(|c| {
                c["choices"][0]["delta"]["content"]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect()
    }
}

/// The `data:` payloads of an SSE body whose line end is `newline`.
pub fn sse_data(body: &str, newline: &str) -> Vec<String> {
    let separator = format!("{newline}{newline}");
    body.split(separator.as_str())
        .filter_map(|event| event.strip_prefix("data: "))
        .map(str::to_owned)
        .collect()
}

/// Connects and sends one request; `keep_alive` false adds `Connection: close`.
pub async fn send(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    keep_alive: bool,
) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\n");
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body).await.expect("write body");
    stream
}

/// Reads until the server closes the connection and parses the response. (A keep-alive
/// connection that the server leaves open makes this time out and fail.)
pub async fn receive(mut stream: TcpStream) -> Response {
    let mut raw = Vec::new();
    let mut reads = 0;
    let mut buffer = vec![0; 64 * 1024];
    let read_all = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    reads += 1;
                    raw.extend_from_slice(&buffer[..n]);
                }
            }
        }
    };
    tokio::time::timeout(TIMEOUT, read_all)
        .await
        .expect("the response took too long");
    parse(&raw, reads)
}

/// One request with `Connection: close`, read to the end.
pub async fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    receive(send(address, method, path, headers, body, false).await).await
}

/// `POST /v1/chat/completions` with a JSON body.
pub async fn chat(address: SocketAddr, body: &Value) -> Response {
    let body = body.to_string();
    request(
        address,
        "POST",
        "/v1/chat/completions",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .await
}

/// A request body with one user message.
pub fn body(message: &str, stream: bool) -> Value {
    json!({
        "model": "mistral-small-latest",
        "messages": [{ "role": "user", "content": message }],
        "stream": stream,
    })
}

/// Parses what was received so far; `complete` says whether the body ended properly.
fn parse(raw: &[u8], reads: usize) -> Response {
    let mut response = Response {
        status: 0,
        headers: Vec::new(),
        body: Vec::new(),
        chunks: Vec::new(),
        complete: false,
        reads,
    };
    let Some(head_end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return response;
    };
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.split("\r\n");
    response.status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            response
                .headers
                .push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let rest = &raw[head_end + 4..];
    if response.header("transfer-encoding") == Some("chunked") {
        let mut at = 0;
        while let Some(line_end) = rest[at..].windows(2).position(|w| w == b"\r\n") {
            let size_text = String::from_utf8_lossy(&rest[at..at + line_end]).to_string();
            let Ok(size) = usize::from_str_radix(size_text.trim(), 16) else {
                break;
            };
            let data_start = at + line_end + 2;
            if size == 0 {
                response.complete = rest.len() >= data_start + 2;
                break;
            }
            if rest.len() < data_start + size + 2 {
                break;
            }
            response
                .body
                .extend_from_slice(&rest[data_start..data_start + size]);
            response.chunks.push(size);
            at = data_start + size + 2;
        }
    } else if let Some(length) = response
        .header("content-length")
        .and_then(|l| l.parse::<usize>().ok())
    {
        let available = rest.len().min(length);
        response.body = rest[..available].to_vec();
        response.complete = rest.len() >= length;
    } else {
        response.body = rest.to_vec();
    }
    response
}
