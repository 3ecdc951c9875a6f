//! The relay's benchmark (run by `bench/relay`): the relay against the upstream it fronts, on
//! this machine, so that Mistral's own latency is not in the figures.
//!
//! The upstream is in this process: a minimal Mistral-shaped server (key required) whose every
//! SSE event carries the time it was sent (`"t"`, microseconds on this process's clock), so the
//! client, in the same process, measures each chunk's latency exactly, direct and through the
//! relay. The relay is the `tinychat-relay` binary of this profile (`target/relay/`, built by
//! `bench/relay`), a separate process. Then:
//!
//! * **latency**, at 1, 50 and 200 concurrent streams: each worker streams 50 content events,
//!   20 ms apart, again and again for `--seconds` (workers staggered so streams start at a
//!   steady pace), direct and through the relay, alternating, `--rounds` times. Per stream: the
//!   time to the first body byte (TTFB); per event: its latency, send to arrival;
//! * **streams per second**: short streams (5 events, no delay) by 50 workers, both ways;
//! * **memory**: a fresh relay's resident memory idle and with 200 and 1,000 open streams.
//!
//! Client, relay and upstream share the machine's cores.

use std::{
    path::PathBuf,
    process::Stdio,
    sync::OnceLock,
    time::{Duration, Instant},
};

use axum::{
    body::{Body, Bytes},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Router,
};
use futures::StreamExt;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

const KEY: &str = "bench-key";
const DELAY_MS: u64 = 20;
const EVENTS: u64 = 50;

struct Args {
    seconds: u64,
    rounds: usize,
}

fn args() -> Args {
    let mut parsed = Args {
        seconds: 5,
        rounds: 2,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        match (arg.as_str(), value) {
            ("--seconds", Some(v)) => parsed.seconds = v,
            ("--rounds", Some(v)) => parsed.rounds = v as usize,
            _ => panic!("usage: loadtest [--seconds N] [--rounds N]"),
        }
    }
    parsed
}

/// Microseconds since the process's epoch: the clock the upstream stamps and the client reads.
fn micros() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_micros() as u64
}

fn event(content: &str, finish: bool) -> Bytes {
    let usage = if finish {
        r#","usage":{"prompt_tokens":5,"completion_tokens":50,"total_tokens":55}"#
    } else {
        ""
    };
    let reason = if finish { r#""stop""# } else { "null" };
    Bytes::from(format!(
        "data: {{\"id\":\"cmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"mistral-small-latest\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{content}\"}},\"finish_reason\":{reason}}}]{usage},\"t\":{}}}\n\n",
        micros()
    ))
}

/// The upstream: the last message is "EVENTS DELAY_MS"; a stream of that many stamped events.
async fn completions(headers: HeaderMap, body: Bytes) -> Response {
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some("Bearer bench-key")
    {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let prompt = request["messages"][0]["content"]
        .as_str()
        .unwrap_or("5 0")
        .to_owned();
    let mut words = prompt
        .split_whitespace()
        .map(|w| w.parse::<u64>().unwrap_or(0));
    let (events, delay) = (words.next().unwrap_or(5), words.next().unwrap_or(0));
    let stream = futures::stream::unfold(0u64, move |k| async move {
        if k > events + 1 {
            return None;
        }
        let bytes = match k {
            0 => event("", false),
            k if k <= events => {
                if delay > 0 {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                }
                event(&format!("tok{k} "), false)
            }
            _ => {
                let mut last = event("", true).to_vec();
                last.extend_from_slice(b"data: [DONE]\n\n");
                Bytes::from(last)
            }
        };
        Some((Ok::<_, std::io::Error>(bytes), k + 1))
    });
    (
        [(header::CONTENT_TYPE, "text/event-stream")],
        Body::from_stream(stream),
    )
        .into_response()
}

async fn spawn_relay(upstream: &str) -> (Child, String) {
    let dir: PathBuf = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_owned();
    let path = dir.join("tinychat-relay");
    let mut child = Command::new(&path)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            upstream,
            "--allow-no-origin",
            "--models",
            "mistral-small-latest",
            "--rate",
            "off",
            "--daily-tokens",
            "0",
            "--quiet",
        ])
        .env("MISTRAL_API_KEY", KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (run bench/relay, which builds it)", path.display()));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(url) = line.strip_prefix("tinychat-relay listening on ") {
            return (child, format!("{url}/v1/chat/completions"));
        }
    }
    panic!("tinychat-relay did not start");
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Direct,
    Relay,
}

#[derive(Default)]
struct Samples {
    ttfb_ms: Vec<f64>,
    chunk_ms: Vec<f64>,
    streams: usize,
    errors: usize,
}

impl Samples {
    fn extend(&mut self, other: Samples) {
        self.ttfb_ms.extend(other.ttfb_ms);
        self.chunk_ms.extend(other.chunk_ms);
        self.streams += other.streams;
        self.errors += other.errors;
    }
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    values[((values.len() - 1) as f64 * p).round() as usize]
}

/// One stream: its TTFB and the latency of every stamped event.
async fn one_stream(
    client: &reqwest::Client,
    url: &str,
    mode: Mode,
    prompt: &str,
    samples: &mut Samples,
) {
    let body = serde_json::json!({
        "model": "mistral-small-latest",
        "messages": [{ "role": "user", "content": prompt }],
        "stream": true,
    });
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if mode == Mode::Direct {
        request = request.bearer_auth(KEY);
    }
    let start = Instant::now();
    let response = match request.send().await {
        Ok(response) if response.status().is_success() => response,
        _ => {
            samples.errors += 1;
            return;
        }
    };
    let mut chunks = response.bytes_stream();
    let mut first = true;
    let mut partial = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let Ok(chunk) = chunk else {
            samples.errors += 1;
            return;
        };
        let now = micros();
        if first {
            first = false;
            samples.ttfb_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        partial.extend_from_slice(&chunk);
        while let Some(end) = partial.windows(2).position(|w| w == b"\n\n") {
            let event: Vec<u8> = partial.drain(..end + 2).collect();
            let text = String::from_utf8_lossy(&event);
            if let Some(stamp) = text
                .rsplit_once(",\"t\":")
                .and_then(|(_, t)| t.trim_end().strip_suffix('}'))
            {
                if let Ok(sent) = stamp.parse::<u64>() {
                    samples
                        .chunk_ms
                        .push(now.saturating_sub(sent) as f64 / 1000.0);
                }
            }
        }
    }
    samples.streams += 1;
}

async fn run(
    client: &reqwest::Client,
    url: &str,
    mode: Mode,
    workers: usize,
    seconds: u64,
    prompt: &str,
) -> Samples {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    // Stagger the workers over one stream's length, so streams start at a steady pace.
    let stream_ms = prompt
        .split_whitespace()
        .map(|w| w.parse::<u64>().unwrap_or(0))
        .product::<u64>();
    let tasks = (0..workers).map(|i| {
        let client = client.clone();
        let url = url.to_owned();
        let prompt = prompt.to_owned();
        let offset = Duration::from_millis(stream_ms * i as u64 / workers as u64);
        tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut samples = Samples::default();
            while Instant::now() < deadline {
                one_stream(&client, &url, mode, &prompt, &mut samples).await;
            }
            samples
        })
    });
    let mut all = Samples::default();
    for samples in futures::future::join_all(tasks).await {
        all.extend(samples.unwrap());
    }
    all
}

fn rss_kib(child: &Child) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id().unwrap())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let args = args();
    micros();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new().route("/v1/chat/completions", post(completions));
    // No Nagle on the upstream either (as the relay does): otherwise an event waits for the
    // ACK of the previous one, which the reader delays, and both paths show ~20 ms p99 lag.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (_relay, relayed) = spawn_relay(&upstream).await;
    let direct = format!("{upstream}/v1/chat/completions");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(2000)
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let long = format!("{EVENTS} {DELAY_MS}");
    // Warm both paths at the highest concurrency (connections in every pool, allocator).
    run(&client, &direct, Mode::Direct, 200, 1, "5 0").await;
    run(&client, &relayed, Mode::Relay, 200, 1, "5 0").await;

    println!(
        "{EVENTS} events {DELAY_MS} ms apart per stream; {} s per run, {} rounds each way\n",
        args.seconds, args.rounds
    );
    println!("| streams | TTFB direct p50 / p99 | TTFB relay p50 / p99 | added p50 / p99 | chunk latency direct p50 / p99 | relay p50 / p99 | added p50 / p99 | streams (direct / relay) |");
    println!("|--:|--:|--:|--:|--:|--:|--:|--:|");
    for workers in [1, 50, 200] {
        let (mut d, mut r) = (Samples::default(), Samples::default());
        for _ in 0..args.rounds {
            d.extend(run(&client, &direct, Mode::Direct, workers, args.seconds, &long).await);
            r.extend(run(&client, &relayed, Mode::Relay, workers, args.seconds, &long).await);
        }
        let p = |v: &mut Vec<f64>| (percentile(v, 0.5), percentile(v, 0.99));
        let (dt50, dt99) = p(&mut d.ttfb_ms);
        let (rt50, rt99) = p(&mut r.ttfb_ms);
        let (dc50, dc99) = p(&mut d.chunk_ms);
        let (rc50, rc99) = p(&mut r.chunk_ms);
        let errors = if d.errors + r.errors > 0 {
            format!(", errors {} / {}", d.errors, r.errors)
        } else {
            String::new()
        };
        println!(
            "| {workers} | {dt50:.2} / {dt99:.2} ms | {rt50:.2} / {rt99:.2} ms | {:.2} / {:.2} ms | {dc50:.2} / {dc99:.2} ms | {rc50:.2} / {rc99:.2} ms | {:.2} / {:.2} ms | {} / {}{errors} |",
            rt50 - dt50, rt99 - dt99, rc50 - dc50, rc99 - dc99, d.streams, r.streams
        );
    }

    println!("\n| short streams (5 events, no delay), 50 workers | streams/s | errors |");
    println!("|---|--:|--:|");
    for (name, url, mode) in [
        ("direct", &direct, Mode::Direct),
        ("through the relay", &relayed, Mode::Relay),
    ] {
        let started = Instant::now();
        let samples = run(&client, url, mode, 50, args.seconds, "5 0").await;
        let rate = samples.streams as f64 / started.elapsed().as_secs_f64();
        println!("| {name} | {rate:.0} | {} |", samples.errors);
    }

    // Memory: a fresh relay, so that nothing the allocator kept from the runs above counts.
    let (relay, relayed) = spawn_relay(&upstream).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle = rss_kib(&relay);
    println!("\n| fresh relay | RSS | per open stream |");
    println!("|---|--:|--:|");
    println!("| idle | {:.1} MiB | |", idle as f64 / 1024.0);
    for open in [200usize, 1000] {
        let tasks: Vec<_> = (0..open)
            .map(|_| {
                let client = client.clone();
                let url = relayed.clone();
                tokio::spawn(async move {
                    let mut samples = Samples::default();
                    one_stream(&client, &url, Mode::Relay, "200 20", &mut samples).await;
                    samples
                })
            })
            .collect();
        // 200 events 20 ms apart: 4 s per stream; sample while all are open.
        tokio::time::sleep(Duration::from_millis(2000)).await;
        let with_streams = rss_kib(&relay);
        let mut errors = 0;
        for task in tasks {
            errors += task.await.unwrap().errors;
        }
        println!(
            "| {open} streams open | {:.1} MiB | {:.1} KiB{} |",
            with_streams as f64 / 1024.0,
            with_streams.saturating_sub(idle) as f64 / open as f64,
            if errors > 0 {
                format!(" (errors {errors})")
            } else {
                String::new()
            }
        );
    }
}
