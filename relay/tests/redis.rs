//! Two relay processes and one real `redis-server` (started on a free port, stopped after):
//! the limits hold across instances. `redis-server` must be installed (`scripts/test` installs
//! it with `ensure_redis`); without it these tests fail, they do not skip.

mod common;

use std::{process::Stdio, time::Duration};

use common::*;
use tokio::process::{Child, Command};

struct Redis {
    child: Child,
    url: String,
}

async fn redis_server() -> Redis {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start redis-server ({e}): install it with `source scripts/lib.sh && \
                 ensure_redis` (Debian package redis-server; scripts/test does this)"
            )
        });
    let url = format!("redis://127.0.0.1:{port}");
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut ready = false;
    for _ in 0..100 {
        if let Ok(mut connection) = client.get_multiplexed_async_connection().await {
            if redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
                .is_ok()
            {
                ready = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ready, "redis-server did not start on port {port}");
    Redis { child, url }
}

async fn two_relays(upstream: &Upstream, redis: &str, limits: &[&str]) -> (Binary, Binary) {
    let url = upstream.url();
    let mut args = vec![
        "--upstream",
        &url,
        "--allow-origin",
        ORIGIN,
        "--models",
        MODEL,
        "--redis",
        redis,
        "--quiet",
    ];
    args.extend_from_slice(limits);
    let env = [("MISTRAL_API_KEY", KEY)];
    (
        Binary::start(&args, &env).await,
        Binary::start(&args, &env).await,
    )
}

#[tokio::test]
async fn two_relays_share_one_bucket() {
    let mut redis = redis_server().await;
    let upstream = upstream().await;
    let (a, b) = two_relays(
        &upstream,
        &redis.url,
        &["--rate", "1/hour", "--burst", "3", "--daily-tokens", "0"],
    )
    .await;
    for (base, left) in [(&a.base, 2), (&b.base, 1), (&a.base, 0)] {
        let response = post_chat(base, &chat("hi", false)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["x-ratelimit-remaining-req-minute"],
            left.to_string().as_str()
        );
    }
    for base in [&b.base, &a.base] {
        let response = post_chat(base, &chat("hi", false)).await;
        assert_eq!(
            response.status(),
            429,
            "the fourth request, on either instance"
        );
        let retry: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((3500..=3600).contains(&retry), "{retry}");
    }
    assert_eq!(upstream.seen_count(), 3);

    // Readiness reports Redis; with Redis gone the relay fails closed (503), it does not
    // silently stop limiting.
    assert_eq!(
        client()
            .get(format!("{}/readyz", a.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    redis.child.kill().await.unwrap();
    let ready = client()
        .get(format!("{}/readyz", a.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    let response = post_chat(&b.base, &chat("hi", false)).await;
    assert_eq!(response.status(), 503);
    assert_mistral_error(&response.json_value().await);
}

#[tokio::test]
async fn two_relays_share_one_daily_budget() {
    let redis = redis_server().await;
    let upstream = upstream().await;
    let (a, b) = two_relays(
        &upstream,
        &redis.url,
        &["--rate", "off", "--daily-tokens", "50"],
    )
    .await;
    let first = post_chat(&a.base, &chat("long 100", true)).await;
    assert_eq!(first.status(), 200);
    first.text().await.unwrap();
    // The reply (about 140 tokens) was counted by instance A; instance B refuses.
    let mut refused = None;
    for _ in 0..50 {
        let response = post_chat(&b.base, &chat("hi", false)).await;
        if response.status() == 429 {
            refused = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let refused = refused.expect("instance B never saw A's tokens");
    assert_eq!(refused.headers()["x-ratelimit-remaining-tokens-day"], "0");
    assert!(refused.headers().contains_key("retry-after"));
    drop(redis);
}

trait JsonValue {
    async fn json_value(self) -> serde_json::Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> serde_json::Value {
        serde_json::from_str(&self.text().await.unwrap()).unwrap()
    }
}
