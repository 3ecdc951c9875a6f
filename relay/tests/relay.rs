//! The relay in-process in front of `tinychat-server --require-key`: the key, the origin rules,
//! the policy, the limits, the upstream's failures, streaming and cancellation.

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures::StreamExt;
use serde_json::{json, Value};

async fn json_of(response: reqwest::Response) -> Value {
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[tokio::test]
async fn the_relay_sends_its_key_and_drops_the_visitors_headers() {
    let upstream = upstream().await;
    let (base, _) = start_relay(config(&upstream)).await;
    let response = client()
        .post(format!("{base}/v1/chat/completions"))
        .header("origin", ORIGIN)
        .header("authorization", "Bearer visitor-typed-this")
        .header("cookie", "session=secret")
        .header("x-custom", "1")
        .header("content-type", "application/json")
        .body(chat("hello", true).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], ORIGIN);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let body = response.text().await.unwrap();
    assert!(
        streamed_content(&body).starts_with("You said: \"hello\""),
        "{body}"
    );
    assert!(body.ends_with("data: [DONE]\n\n"));

    let seen = upstream.last_seen();
    assert_eq!(seen.headers["authorization"], format!("Bearer {KEY}"));
    for dropped in ["cookie", "x-custom", "origin"] {
        assert!(
            !seen.headers.contains_key(dropped),
            "{dropped} reached the upstream"
        );
    }
}

#[tokio::test]
async fn a_json_reply_passes_through_too() {
    let upstream = upstream().await;
    let (base, relay) = start_relay(config(&upstream)).await;
    let reply = json_of(post_chat(&base, &chat("hi there", false)).await).await;
    assert_eq!(reply["object"], "chat.completion");
    assert!(reply["usage"]["total_tokens"].as_u64().unwrap() > 0);
    eventually("the tokens are counted", || {
        relay.metrics.render().contains(&format!(
            "tinychat_relay_tokens_total{{direction=\"out\"}} {}",
            reply["usage"]["completion_tokens"]
        ))
    })
    .await;
}

#[tokio::test]
async fn other_origins_get_a_mistral_shaped_403_and_no_origin_is_refused() {
    let upstream = upstream().await;
    let (base, relay) = start_relay(config(&upstream)).await;
    let url = format!("{base}/v1/chat/completions");
    let body = chat("hi", false).to_string();

    let response = client()
        .post(&url)
        .header("origin", "https://evil.example")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(!response
        .headers()
        .contains_key("access-control-allow-origin"));
    let message = assert_mistral_error(&json_of(response).await);
    assert!(message.contains("https://evil.example"), "{message}");

    let response = client().post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(response.status(), 403);
    assert!(assert_mistral_error(&json_of(response).await).contains("Origin"));
    assert_eq!(
        upstream.seen_count(),
        0,
        "nothing refused reached the upstream"
    );

    // The origin is compared case-insensitively; a browser's same-origin GET has no Origin.
    let response = client()
        .post(&url)
        .header("origin", "HTTPS://SHOP.EXAMPLE")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = client()
        .get(format!("{base}/v1/models"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(relay
        .metrics
        .render()
        .contains("tinychat_relay_rejections_total{reason=\"origin\"} 2"));

    let mut open = config(&upstream);
    open.allow_no_origin = true;
    let (base, _) = start_relay(open).await;
    let response = client()
        .post(format!("{base}/v1/chat/completions"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "--allow-no-origin serves scripts");
}

#[tokio::test]
async fn preflight_is_answered_for_allowed_origins_only() {
    let upstream = upstream().await;
    let (base, _) = start_relay(config(&upstream)).await;
    let preflight = |origin: &'static str| {
        client()
            .request(
                reqwest::Method::OPTIONS,
                format!("{base}/v1/chat/completions"),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let response = preflight(ORIGIN).await.unwrap();
    assert_eq!(response.status(), 204);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], ORIGIN);
    assert!(headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    assert!(headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("content-type"));
    assert!(headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .contains("retry-after"));
    assert_eq!(headers["vary"], "origin");

    let response = preflight("https://evil.example").await.unwrap();
    assert_eq!(response.status(), 403);
    assert_mistral_error(&json_of(response).await);
    assert_eq!(upstream.seen_count(), 0);
}

#[tokio::test]
async fn a_model_outside_the_list_is_refused_naming_the_allowed_ones() {
    let upstream = upstream().await;
    let (base, _) = start_relay(config(&upstream)).await;
    for body in [
        json!({"model": "mistral-large-latest", "messages": [{"role": "user", "content": "hi"}]}),
        json!({"messages": [{"role": "user", "content": "hi"}]}),
    ] {
        let response = post_chat(&base, &body).await;
        assert_eq!(response.status(), 400);
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            ORIGIN,
            "errors are readable"
        );
        let error = json_of(response).await;
        let message = assert_mistral_error(&error);
        assert_eq!(error["type"], "invalid_model");
        assert!(
            message.contains("mistral-small-latest, mistral-medium-latest"),
            "{message}"
        );
    }
    assert_eq!(upstream.seen_count(), 0);
}

#[tokio::test]
async fn max_tokens_is_set_to_the_cap_or_lowered_to_it() {
    let upstream = upstream().await;
    let mut config = config(&upstream);
    config.max_tokens = 8;
    let (base, _) = start_relay(config).await;
    for (given, sent) in [
        (json!(null), 8),
        (json!(5000), 8),
        (json!(3), 3),
        (json!(1e9), 8),
    ] {
        let mut body = chat("long 100", false);
        if !given.is_null() {
            body["max_tokens"] = given.clone();
        }
        let reply = json_of(post_chat(&base, &body).await).await;
        assert_eq!(
            upstream.last_seen().body["max_tokens"],
            sent,
            "given {given}"
        );
        if sent == 8 {
            assert_eq!(reply["choices"][0]["finish_reason"], "length");
        }
    }
    // Everything else is Mistral's to judge: a string passes through, and the upstream's 422
    // comes back as it is.
    let mut body = chat("hi", false);
    body["max_tokens"] = json!("many");
    body["temperature"] = json!(0.5);
    let response = post_chat(&base, &body).await;
    assert_eq!(response.status(), 422);
    assert_eq!(upstream.last_seen().body["temperature"], 0.5);
}

#[tokio::test]
async fn oversized_and_malformed_bodies_are_refused() {
    let upstream = upstream().await;
    let mut config = config(&upstream);
    config.max_body = 1000;
    let (base, relay) = start_relay(config).await;
    let big = chat(&"x".repeat(2000), false);
    let response = post_chat(&base, &big).await;
    assert_eq!(response.status(), 413);
    assert!(assert_mistral_error(&json_of(response).await).contains("1000 bytes"));

    // Without a Content-Length (chunked), the limit holds while reading.
    let chunks = futures::stream::iter(
        (0..20).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b' '; 100]))),
    );
    let response = client()
        .post(format!("{base}/v1/chat/completions"))
        .header("origin", ORIGIN)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    for bad in ["{\"model\": ", "[1, 2]", ""] {
        let response = client()
            .post(format!("{base}/v1/chat/completions"))
            .header("origin", ORIGIN)
            .body(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{bad:?}");
        assert!(assert_mistral_error(&json_of(response).await).starts_with("Invalid JSON body"));
    }
    assert_eq!(upstream.seen_count(), 0);
    let metrics = relay.metrics.render();
    assert!(
        metrics.contains("tinychat_relay_rejections_total{reason=\"body_too_large\"} 2"),
        "{metrics}"
    );
    assert!(metrics.contains("tinychat_relay_rejections_total{reason=\"malformed_json\"} 3"));
}

#[tokio::test]
async fn the_model_list_shows_only_the_allowed_models() {
    let upstream = upstream().await;
    let (base, _) = start_relay(config(&upstream)).await;
    let response = client()
        .get(format!("{base}/v1/models"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let list = json_of(response).await;
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["mistral-small-latest", "mistral-medium-latest"]);
    assert_eq!(list["object"], "list");
    assert_eq!(
        upstream.last_seen().headers["authorization"],
        format!("Bearer {KEY}")
    );
}

#[tokio::test]
async fn agents_are_refused_unless_listed() {
    let upstream = upstream().await;
    let agent = |id: &str| json!({"agent_id": id, "messages": [{"role": "user", "content": "hi"}]});
    let post = |base: String, body: Value| async move {
        client()
            .post(format!("{base}/v1/agents/completions"))
            .header("origin", ORIGIN)
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    };
    let (base, _) = start_relay(config(&upstream)).await;
    let response = post(base, agent("ag_123")).await;
    assert_eq!(response.status(), 403, "no --agents: refused");
    assert!(assert_mistral_error(&json_of(response).await).contains("Agents are not enabled"));

    let mut with_agents = config(&upstream);
    with_agents.agents = vec!["ag_123".into(), "ag_456".into()];
    let (base, _) = start_relay(with_agents).await;
    let response = post(base.clone(), agent("ag_999")).await;
    assert_eq!(response.status(), 400);
    assert!(assert_mistral_error(&json_of(response).await).contains("ag_123, ag_456"));
    assert_eq!(upstream.seen_count(), 0);

    // A listed agent is relayed (tinychat-server has no agents route: its 404 comes back).
    let response = post(base, agent("ag_456")).await;
    assert_eq!(response.status(), 404);
    let seen = upstream.last_seen();
    assert_eq!(seen.path, "/v1/agents/completions");
    assert_eq!(seen.body["agent_id"], "ag_456");
    assert_eq!(seen.body["max_tokens"], 1024);
}

#[tokio::test]
async fn health_readiness_and_unknown_routes() {
    let upstream = upstream().await;
    let (base, relay) = start_relay(config(&upstream)).await;
    let get = |path: &str| client().get(format!("{base}{path}")).send();
    assert_eq!(get("/healthz").await.unwrap().text().await.unwrap(), "ok");
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(json_of(ready).await["upstream"], "ok");
    for path in ["/", "/v1/embeddings", "/metrics", "/v1/chat/completions"] {
        let response = get(path).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(json_of(response).await, json!({"detail": "Not Found"}));
    }
    relay.start_draining();
    assert_eq!(get("/readyz").await.unwrap().status(), 503);

    let mut wrong_key = config(&upstream);
    wrong_key.key = tinychat_relay::config::Secret::new("not-the-key");
    let (base, _) = start_relay(wrong_key).await;
    let ready = client().get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let text = ready.text().await.unwrap();
    assert!(
        text.contains("refuses the key") && !text.contains("not-the-key"),
        "{text}"
    );
}

#[tokio::test]
async fn the_bucket_answers_429_with_retry_after_per_client() {
    let upstream = upstream().await;
    let mut config = config(&upstream);
    config.rate = tinychat_relay::config::Rate::parse("1/min").unwrap();
    config.burst = 2;
    config.trust_forwarded = 1;
    let (base, relay) = start_relay(config).await;
    let send = |client_ip: &'static str| {
        client()
            .post(format!("{base}/v1/chat/completions"))
            .header("origin", ORIGIN)
            .header("x-forwarded-for", format!("203.0.113.9, {client_ip}"))
            .body(chat("hi", false).to_string())
            .send()
    };
    for left in [1, 0] {
        let response = send("198.51.100.1").await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["x-ratelimit-remaining-req-minute"],
            left.to_string().as_str()
        );
        assert_eq!(response.headers()["x-ratelimit-limit-req-minute"], "1");
    }
    let refused = send("198.51.100.1").await.unwrap();
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((55..=60).contains(&retry), "{retry}");
    assert_eq!(refused.headers()["x-ratelimit-remaining-req-minute"], "0");
    assert_eq!(refused.headers()["access-control-allow-origin"], ORIGIN);
    let error = json_of(refused).await;
    assert_mistral_error(&error);
    assert_eq!(error["type"], "rate_limited");

    assert_eq!(
        send("198.51.100.2").await.unwrap().status(),
        200,
        "another visitor"
    );
    assert_eq!(upstream.seen_count(), 3);
    assert!(relay
        .metrics
        .render()
        .contains("tinychat_relay_rejections_total{reason=\"rate\"} 1"));
}

#[tokio::test]
async fn without_trusted_proxies_x_forwarded_for_is_ignored() {
    let upstream = upstream().await;
    let mut config = config(&upstream);
    config.rate = tinychat_relay::config::Rate::parse("1/hour").unwrap();
    config.burst = 1;
    let (base, _) = start_relay(config).await;
    for (forwarded, status) in [("198.51.100.1", 200), ("198.51.100.2", 429)] {
        let response = client()
            .post(format!("{base}/v1/chat/completions"))
            .header("origin", ORIGIN)
            .header("x-forwarded-for", forwarded)
            .body(chat("hi", false).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "spoofed {forwarded}");
    }
}

#[tokio::test]
async fn the_daily_budget_counts_the_usage_of_finished_replies() {
    let upstream = upstream().await;
    let mut config = config(&upstream);
    config.daily_tokens = 30;
    let (base, _) = start_relay(config).await;
    // `long 100` streams 100 pieces "tokN ": about 140 tokens, over the budget of 30.
    let first = post_chat(&base, &chat("long 100", true)).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-ratelimit-remaining-tokens-day"], "30");
    let body = first.text().await.unwrap();
    assert!(body.contains("\"usage\""));
    let mut refused = None;
    for _ in 0..50 {
        let response = post_chat(&base, &chat("hi", false)).await;
        if response.status() == 429 {
            refused = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await; // the charge is counted just after the stream ends
    }
    let refused = refused.expect("the budget was never enforced");
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&retry));
    assert_eq!(refused.headers()["x-ratelimit-remaining-tokens-day"], "0");
    assert_eq!(refused.headers()["x-ratelimit-limit-tokens-day"], "30");
    assert!(assert_mistral_error(&json_of(refused).await).contains("Daily token budget"));
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_502_and_a_silent_one_a_504() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let upstream = upstream().await;
    let mut down = config(&upstream);
    down.upstream = dead;
    let (base, relay) = start_relay(down).await;
    let response = post_chat(&base, &chat("hi", true)).await;
    assert_eq!(response.status(), 502);
    let message = assert_mistral_error(&json_of(response).await);
    assert!(!message.contains(KEY));
    assert!(relay
        .metrics
        .render()
        .contains("reason=\"upstream_unreachable\"} 1"));
    assert_eq!(
        client()
            .get(format!("{base}/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );

    let mut slow = config(&upstream);
    slow.upstream_timeout = Duration::from_millis(300);
    let (base, _) = start_relay(slow).await;
    let started = Instant::now();
    let response = post_chat(&base, &chat("hi [fault:slow-first=3]", true)).await;
    assert_eq!(response.status(), 504);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(json_of(response).await["type"], "upstream_timeout");

    // Silent mid-stream: the headers are out, so the stream ends with an error event.
    let response = post_chat(&base, &chat("hi [fault:stall=3]", true)).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(
        body.ends_with(tinychat_relay::errors::STREAM_TIMEOUT_EVENT),
        "{body}"
    );
    assert!(!body.contains("[DONE]"));
}

#[tokio::test]
async fn upstream_errors_pass_through_with_status_and_body() {
    let upstream = upstream().await;
    let (base, _) = start_relay(config(&upstream)).await;
    for (fault, status) in [
        ("429", 429),
        ("500", 500),
        ("503", 503),
        ("401", 401),
        ("422", 422),
        ("502", 502),
    ] {
        let message = format!("hi [fault:{fault}]");
        let direct = client()
            .post(format!("{}/v1/chat/completions", upstream.url()))
            .bearer_auth(KEY)
            .body(chat(&message, true).to_string())
            .send()
            .await
            .unwrap();
        let direct_type = direct.headers()["content-type"].clone();
        let direct_body = direct.text().await.unwrap();
        let relayed = post_chat(&base, &chat(&message, true)).await;
        assert_eq!(relayed.status(), status, "{fault}");
        assert_eq!(relayed.headers()["content-type"], direct_type, "{fault}");
        if fault == "429" {
            assert_eq!(relayed.headers()["retry-after"], "2");
        }
        let body = relayed.text().await.unwrap();
        if fault == "401" {
            // The request id differs per request; the shape does not.
            assert!(body.starts_with("{\"message\":\"Unauthorized\""), "{body}");
        } else {
            assert_eq!(body, direct_body, "{fault}");
        }
    }

    // A dropped upstream connection cuts the visitor's too: the reply is visibly unfinished.
    let response = post_chat(&base, &chat("hi [fault:drop]", true)).await;
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut failed = false;
    while let Some(chunk) = body.next().await {
        if chunk.is_err() {
            failed = true;
        }
    }
    assert!(failed, "the cut reached the visitor");
}

#[tokio::test]
async fn streams_pass_chunk_by_chunk_without_buffering() {
    let upstream = upstream().await;
    let (base, _) = start_relay(config(&upstream)).await;
    let started = Instant::now();
    let response = post_chat(&base, &chat("long 6 [delay=250]", true)).await;
    let mut body = response.bytes_stream();
    let mut arrivals = Vec::new();
    let mut text = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        arrivals.push(started.elapsed());
        text.extend_from_slice(&chunk);
    }
    assert_eq!(
        streamed_content(std::str::from_utf8(&text).unwrap()),
        "tok0 tok1 tok2 tok3 tok4 tok5 "
    );
    // The first piece comes at once, the last 5 × 250 ms later: the relay held nothing back.
    assert!(arrivals[0] < Duration::from_millis(200), "{arrivals:?}");
    assert!(
        *arrivals.last().unwrap() > Duration::from_millis(1200),
        "{arrivals:?}"
    );
    assert!(arrivals.len() >= 6, "{arrivals:?}");
}

#[tokio::test]
async fn a_visitor_who_leaves_cancels_the_upstream_stream() {
    let upstream = upstream().await;
    let (base, relay) = start_relay(config(&upstream)).await;
    let response = post_chat(&base, &chat(&tagged("long 1000 [delay=20]", "leave"), true)).await;
    let mut body = response.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(!first.is_empty());
    eventually("the stream is open", || {
        relay.metrics.open_stream_count() == 1
    })
    .await;
    let left = Instant::now();
    drop(body);
    let sent = upstream.ended("leave").await;
    assert!(
        !sent.completed,
        "the upstream sent its whole reply to nobody"
    );
    assert!(
        left.elapsed() < Duration::from_secs(2),
        "{:?}",
        left.elapsed()
    );
    let pieces = streamed_content(std::str::from_utf8(&sent.bytes).unwrap())
        .matches("tok")
        .count();
    assert!(
        pieces < 200,
        "the upstream went on for {pieces} of 1000 pieces"
    );
    eventually("the stream is closed", || {
        relay.metrics.open_stream_count() == 0
    })
    .await;
    // The visitor is charged what was generated until then (an estimate: no usage came).
    assert!(relay
        .metrics
        .render()
        .contains("tinychat_relay_requests_total{route=\"chat\",status=\"200\"} 1"));
}

#[tokio::test]
async fn metrics_count_requests_streams_tokens_and_latency() {
    let upstream = upstream().await;
    let (base, relay) = start_relay(config(&upstream)).await;
    post_chat(&base, &chat("hello", true))
        .await
        .text()
        .await
        .unwrap();
    client()
        .post(format!("{base}/v1/chat/completions"))
        .send()
        .await
        .unwrap();
    eventually("the reply is counted", || {
        relay
            .metrics
            .render()
            .contains("tinychat_relay_requests_total{route=\"chat\",status=\"200\"} 1")
    })
    .await;
    let text = relay.metrics.render();
    for line in [
        "tinychat_relay_requests_total{route=\"chat\",status=\"403\"} 1",
        "tinychat_relay_rejections_total{reason=\"origin\"} 1",
        "tinychat_relay_open_streams 0",
        "tinychat_relay_upstream_latency_seconds_count 1",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line}\n{text}");
    }
    assert!(
        !text.contains("tinychat_relay_tokens_total{direction=\"in\"} 0"),
        "{text}"
    );
    assert!(!text.contains(KEY));
    let app = tinychat_relay::metrics_app(relay.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let served = client()
        .get(format!("http://{address}/metrics"))
        .send()
        .await
        .unwrap();
    assert!(served.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert!(served
        .text()
        .await
        .unwrap()
        .contains("tinychat_relay_open_streams"));
}
