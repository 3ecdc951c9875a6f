//! The `tinychat-relay` binary: where its key and flags come from, its log lines, its metrics
//! listener, and SIGTERM.

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures::StreamExt;

fn common_args(upstream: &str) -> Vec<String> {
    [
        "--upstream",
        upstream,
        "--allow-origin",
        ORIGIN,
        "--models",
        MODEL,
    ]
    .map(str::to_owned)
    .to_vec()
}

#[tokio::test]
async fn without_a_key_it_refuses_to_start_in_words() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_tinychat-relay"))
        .args(["--allow-origin", ORIGIN, "--models", MODEL])
        .env_remove("MISTRAL_API_KEY")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no Mistral API key: set MISTRAL_API_KEY or pass --key-file"),
        "{stderr}"
    );

    // The key is not a flag.
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_tinychat-relay"))
        .args(["--key", "abc", "--allow-origin", ORIGIN, "--models", MODEL])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--key"));
}

#[tokio::test]
async fn flags_come_from_the_environment_and_the_config_file_and_the_key_from_a_file() {
    let upstream = upstream().await;
    let dir = std::env::temp_dir().join(format!("tinychat-relay-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("key");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    let config_file = dir.join("relay.toml");
    std::fs::write(
        &config_file,
        format!(
            "upstream = \"{}\"\nallow-origin = [\"{ORIGIN}\"]\nmodels = [\"mistral-medium-latest\"]\n\
             max-tokens = 7\nkey-file = \"{}\"\nquiet = true\n",
            upstream.url(),
            key_file.display()
        ),
    )
    .unwrap();
    // The environment overrides the file (models); the file gives the rest.
    let relay = Binary::start(
        &["--config", config_file.to_str().unwrap()],
        &[
            (
                "TINYCHAT_RELAY_MODELS",
                "mistral-small-latest,mistral-medium-latest",
            ),
            ("TINYCHAT_RELAY_BURST", "1"),
        ],
    )
    .await;
    let response = post_chat(&relay.base, &chat("hi", false)).await;
    assert_eq!(response.status(), 200, "{}", relay.stderr_text());
    assert_eq!(upstream.last_seen().body["max_tokens"], 7);
    assert_eq!(
        upstream.last_seen().headers["authorization"],
        format!("Bearer {KEY}")
    );
    assert_eq!(
        post_chat(&relay.base, &chat("hi", false)).await.status(),
        429,
        "burst 1 from the environment"
    );

    // A key in the config file is refused, with the reason.
    std::fs::write(&config_file, "key = \"abc\"\n").unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_tinychat-relay"))
        .args(["--config", config_file.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("never read from the config file"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn one_log_line_per_request_without_bodies_or_the_key() {
    let upstream = upstream().await;
    let args = common_args(&upstream.url());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let relay = Binary::start(&args, &[("MISTRAL_API_KEY", KEY)]).await;
    post_chat(&relay.base, &chat("a secret prompt", true))
        .await
        .text()
        .await
        .unwrap();
    client()
        .get(format!("{}/nope?token=xyz", relay.base))
        .send()
        .await
        .unwrap();
    eventually("two log lines", || {
        relay.stderr_text().matches("ms model=").count() >= 2
    })
    .await;
    let log = relay.stderr_text();
    let line = log
        .lines()
        .find(|l| l.starts_with("POST /v1/chat/completions 200 "))
        .expect(&log);
    assert!(
        line.contains(&format!("model={MODEL} tokens=")) && line.ends_with(" done"),
        "{line}"
    );
    assert!(log.contains("GET /nope 404 "), "{log}");
    for secret in [KEY, "secret prompt", "xyz"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener() {
    let upstream = upstream().await;
    let mut args = common_args(&upstream.url());
    args.extend([
        "--metrics-listen".into(),
        "127.0.0.1:0".into(),
        "--quiet".into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let relay = Binary::start(&args, &[("MISTRAL_API_KEY", KEY)]).await;
    post_chat(&relay.base, &chat("hi", false))
        .await
        .text()
        .await
        .unwrap();
    let metrics = client()
        .get(relay.metrics.clone().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("tinychat_relay_requests_total{route=\"chat\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(!metrics.contains(KEY));
}

#[tokio::test]
async fn sigterm_stops_accepting_and_lets_open_streams_finish() {
    let upstream = upstream().await;
    let mut args = common_args(&upstream.url());
    args.extend(["--drain-seconds".into(), "10".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut relay = Binary::start(&args, &[("MISTRAL_API_KEY", KEY)]).await;
    let response = post_chat(&relay.base, &chat("long 30 [delay=50]", true)).await;
    let mut body = response.bytes_stream();
    let mut received = body.next().await.unwrap().unwrap().to_vec();
    relay.terminate();
    eventually("the relay says it is stopping", || {
        relay.stderr_text().contains("stopping")
    })
    .await;
    let refused = client().get(format!("{}/healthz", relay.base)).send().await;
    assert!(
        refused.is_err(),
        "a new connection was accepted while draining"
    );
    while let Some(chunk) = body.next().await {
        received.extend_from_slice(&chunk.expect("the open stream finished"));
    }
    let text = String::from_utf8(received).unwrap();
    assert_eq!(streamed_content(&text).matches("tok").count(), 30);
    assert!(text.ends_with("data: [DONE]\n\n"));
    let status = tokio::time::timeout(TIMEOUT, relay.child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
    eventually("the relay says it drained", || {
        relay.stderr_text().contains("drained, exiting")
    })
    .await;
}

#[tokio::test]
async fn sigterm_closes_streams_still_open_after_the_drain_time() {
    let upstream = upstream().await;
    let mut args = common_args(&upstream.url());
    args.extend(["--drain-seconds".into(), "1".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut relay = Binary::start(&args, &[("MISTRAL_API_KEY", KEY)]).await;
    let response = post_chat(
        &relay.base,
        &chat(&tagged("long 1000 [delay=50]", "drain"), true),
    )
    .await;
    let mut body = response.bytes_stream();
    body.next().await.unwrap().unwrap();
    let signalled = Instant::now();
    relay.terminate();
    let status = tokio::time::timeout(TIMEOUT, relay.child.wait())
        .await
        .unwrap()
        .unwrap();
    let took = signalled.elapsed();
    assert!(status.success());
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "{took:?}"
    );
    eventually("the relay says it closed the stream", || {
        relay
            .stderr_text()
            .contains("drain time over, closing 1 open response(s)")
    })
    .await;
    let mut cut = false;
    while let Some(chunk) = body.next().await {
        cut |= chunk.is_err();
    }
    assert!(
        cut,
        "the visitor's stream was cut, not ended as if complete"
    );
    assert!(
        !upstream.ended("drain").await.completed,
        "the upstream request was cancelled too"
    );
}
