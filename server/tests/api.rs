//! The API against a real server on an ephemeral port: stream framing, replies, the model list,
//! validation, keys, CORS and static files.

mod common;

use std::time::{Duration, Instant};

use common::{body, chat, config, request, start};
use serde_json::{json, Value};
use tinychat_server::Config;

const HEX_ID_LEN: usize = "cmpl-".len() + 32;

fn is_completion_id(id: &str) -> bool {
    id.len() == HEX_ID_LEN
        && id.starts_with("cmpl-")
        && id["cmpl-".len()..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[tokio::test]
async fn stream_frames_are_role_chunk_then_small_pieces_then_stop_with_usage_then_done() {
    let server = start(config()).await;
    let response = chat(server, &body("Hello there, server", true)).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(response.header("cache-control"), Some("no-cache"));
    assert!(response.complete);

    // Every event is exactly `data: <payload>\n\n`, and the last one is [DONE].
    let text = response.text();
    assert!(text.ends_with("\n\ndata: [DONE]\n\n"), "{text}");
    for event in text.split_terminator("\n\n") {
        assert!(
            event.starts_with("data: ") && !event.contains('\n'),
            "{event:?}"
        );
    }
    let chunks = response.chunks_json();
    assert!(chunks.len() >= 4, "{text}");
    let id = chunks[0]["id"].as_str().expect("id");
    assert!(is_completion_id(id), "{id}");
    for chunk in &chunks {
        assert_eq!(chunk["id"], id);
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(chunk["model"], "mistral-small-latest");
        assert!(chunk["created"].as_u64().is_some_and(|t| t > 1_600_000_000));
        assert_eq!(chunk["choices"].as_array().map(Vec::len), Some(1));
        assert_eq!(chunk["choices"][0]["index"], 0);
    }

    let first = &chunks[0]["choices"][0];
    assert_eq!(
        first["delta"],
        json!({ "role": "assistant", "content": "" })
    );
    assert_eq!(first["finish_reason"], Value::Null);

    let (last, pieces) = chunks[1..].split_last().expect("a final chunk");
    for piece in pieces {
        let choice = &piece["choices"][0];
        let content = choice["delta"]["content"].as_str().expect("content");
        assert!((1..=6).contains(&content.chars().count()), "{content:?}");
        assert_eq!(choice["delta"].as_object().map(|d| d.len()), Some(1));
        assert_eq!(choice["finish_reason"], Value::Null);
        assert!(piece.get("usage").is_none());
    }

    assert_eq!(last["choices"][0]["delta"], json!({ "content": "" }));
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
    let usage = &last["usage"];
    let prompt = usage["prompt_tokens"].as_u64().expect("prompt_tokens");
    let completion = usage["completion_tokens"]
        .as_u64()
        .expect("completion_tokens");
    assert_eq!(usage["total_tokens"].as_u64(), Some(prompt + completion));
    // The documented estimate: ceil(chars / 4).
    assert_eq!(prompt, "Hello there, server".len().div_ceil(4) as u64);
    let content = response.streamed_content();
    assert_eq!(completion, content.chars().count().div_ceil(4) as u64);
}

#[tokio::test]
async fn streamed_deltas_concatenate_to_the_non_streaming_content() {
    let server = start(config()).await;
    for prompt in [
        "Hi",
        "show me the markdown demo",
        "html please",
        "long 40",
        "日本語 👋",
    ] {
        let streamed = chat(server, &body(prompt, true)).await.streamed_content();
        let whole = chat(server, &body(prompt, false)).await.json();
        assert_eq!(
            whole["choices"][0]["message"]["content"].as_str(),
            Some(streamed.as_str()),
            "{prompt}"
        );
    }
}

#[tokio::test]
async fn the_same_request_gets_the_same_reply_and_id() {
    let server = start(config()).await;
    let a = chat(server, &body("markdown", true)).await.chunks_json();
    let b = chat(server, &body("markdown", true)).await.chunks_json();
    let c = chat(server, &body("markdown!", true)).await.chunks_json();
    let strip_created = |chunks: &[Value]| -> Vec<Value> {
        chunks
            .iter()
            .cloned()
            .map(|mut c| {
                c["created"] = Value::Null;
                c
            })
            .collect()
    };
    assert_eq!(strip_created(&a), strip_created(&b));
    assert_ne!(a[0]["id"], c[0]["id"]);
}

#[tokio::test]
async fn the_default_reply_quotes_the_prompt_without_its_directives() {
    let server = start(config()).await;
    let response = chat(server, &body("  Bonjour, ça va ? [delay=0]", false)).await;
    let content = response.json()["choices"][0]["message"]["content"]
        .as_str()
        .expect("content")
        .to_owned();
    assert!(
        content.starts_with("You said: \"Bonjour, ça va ?\"\n\n"),
        "{content}"
    );
    assert!(
        content.contains("mistral-small-latest, 1 message in"),
        "{content}"
    );
}

#[tokio::test]
async fn the_markdown_reply_streams_multibyte_text_and_a_rust_code_fence() {
    let server = start(config()).await;
    let response = chat(server, &body("Show the Markdown demo", true)).await;
    let content = response.streamed_content();
    for needle in [
        "# ",
        "**bold**",
        "- ",
        "| --- |",
        "](https://",
        "`inline code`",
        "```rust\n",
        "é",
        "ü",
        "你好",
        "日本語",
        "👋",
        "🦀",
    ] {
        assert!(content.contains(needle), "missing {needle:?} in {content}");
    }
    // Streamed in many small pieces, each a whole number of chars (the JSON is valid UTF-8).
    let pieces = response.chunks_json().len() - 2;
    assert!(pieces > 100, "{pieces} pieces");
}

#[tokio::test]
async fn long_n_streams_exactly_n_content_deltas() {
    let server = start(config()).await;
    let response = chat(server, &body("long 1000", true)).await;
    let chunks = response.chunks_json();
    let pieces: Vec<&str> = chunks[1..chunks.len() - 1]
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(pieces.len(), 1000);
    assert_eq!(pieces[0], "tok0 ");
    assert_eq!(pieces[999], "tok999 ");
    assert!(response.text().ends_with("data: [DONE]\n\n"));
}

#[tokio::test]
async fn the_html_reply_carries_the_xss_payloads() {
    let server = start(config()).await;
    let content = chat(server, &body("html", true)).await.streamed_content();
    assert!(content.contains("<script>alert(1)</script>"));
    assert!(content.contains("<img src=x onerror=alert(1)>"));
    assert!(content.contains("[click](javascript:alert(1))"));
}

#[tokio::test]
async fn a_non_streaming_reply_is_a_chat_completion_object() {
    let server = start(config()).await;
    let response = chat(server, &body("Hello", false)).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let reply = response.json();
    assert!(is_completion_id(reply["id"].as_str().unwrap_or_default()));
    assert_eq!(reply["object"], "chat.completion");
    assert_eq!(reply["model"], "mistral-small-latest");
    assert!(reply["created"].is_u64());
    let choice = &reply["choices"][0];
    assert_eq!(choice["index"], 0);
    assert_eq!(choice["message"]["role"], "assistant");
    assert!(choice["message"]["content"].is_string());
    assert_eq!(choice["finish_reason"], "stop");
    let usage = &reply["usage"];
    assert_eq!(usage["prompt_tokens"], 2);
    assert!(usage["completion_tokens"].as_u64().is_some_and(|t| t > 0));
}

#[tokio::test]
async fn max_tokens_cuts_the_reply_with_finish_reason_length() {
    let server = start(config()).await;
    let mut request = body("markdown", true);
    request["max_tokens"] = json!(5);
    let response = chat(server, &request).await;
    assert_eq!(response.streamed_content().chars().count(), 20);
    let chunks = response.chunks_json();
    let last = chunks.last().expect("final chunk");
    assert_eq!(last["choices"][0]["finish_reason"], "length");
    assert_eq!(last["usage"]["completion_tokens"], 5);
}

#[tokio::test]
async fn a_delay_directive_overrides_the_server_delay() {
    // A server with a 10 s delay would take minutes for 30 pieces; [delay=0] makes it instant.
    let slow = start(Config {
        delay: Duration::from_secs(10),
        ..config()
    })
    .await;
    let response = chat(slow, &body("[delay=0] long 30", true)).await;
    assert_eq!(response.chunks_json().len(), 32);

    // And a delay adds at least that much between pieces (a lower bound never flakes).
    let fast = start(config()).await;
    let started = Instant::now();
    chat(fast, &body("long 4 [delay=40]", true)).await;
    assert!(started.elapsed() >= Duration::from_millis(120));
}

#[tokio::test]
async fn the_model_list_has_mistral_shape() {
    let server = start(config()).await;
    let response = request(server, "GET", "/v1/models", &[], b"").await;
    assert_eq!(response.status, 200);
    let list = response.json();
    assert_eq!(list["object"], "list");
    let data = list["data"].as_array().expect("data");
    let ids: Vec<&str> = data.iter().filter_map(|m| m["id"].as_str()).collect();
    for id in [
        "mistral-small-latest",
        "mistral-medium-latest",
        "mistral-large-latest",
        "open-mistral-nemo",
        "codestral-latest",
        "ministral-8b-latest",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    for model in data {
        assert_eq!(model["object"], "model");
        assert_eq!(model["owned_by"], "mistralai");
        assert!(model["created"].is_u64());
        assert_eq!(model["capabilities"]["completion_chat"], true);
    }
}

/// The `detail` list of a 422, after checking the Mistral envelope around it.
fn detail_of(response: &common::Response) -> Vec<Value> {
    assert_eq!(response.status, 422, "{}", response.text());
    let error = response.json();
    assert_eq!(error["object"], "error");
    assert_eq!(error["type"], "invalid_request_message_error");
    assert_eq!(error["param"], Value::Null);
    assert_eq!(error["code"], Value::Null);
    error["message"]["detail"]
        .as_array()
        .expect("detail")
        .clone()
}

#[tokio::test]
async fn an_extra_field_is_422_extra_forbidden() {
    let server = start(config()).await;
    let mut request = body("hi", false);
    request["foo"] = json!({ "bar": 1 });
    let detail = detail_of(&chat(server, &request).await);
    assert_eq!(
        detail,
        [json!({
            "type": "extra_forbidden",
            "loc": ["body", "foo"],
            "msg": "Extra inputs are not permitted",
            "input": { "bar": 1 },
        })]
    );
}

#[tokio::test]
async fn a_missing_model_is_422_missing() {
    let server = start(config()).await;
    let detail = detail_of(&chat(server, &json!({ "messages": [] })).await);
    assert_eq!(detail[0]["type"], "missing");
    assert_eq!(detail[0]["loc"], json!(["body", "model"]));
    assert_eq!(detail[0]["msg"], "Field required");
    // An empty list of messages is an error too, reported in the same answer.
    assert_eq!(detail[1]["type"], "too_short");
}

#[tokio::test]
async fn missing_messages_are_422_missing() {
    let server = start(config()).await;
    let detail = detail_of(&chat(server, &json!({ "model": "mistral-small-latest" })).await);
    assert_eq!(detail.len(), 1);
    assert_eq!(detail[0]["type"], "missing");
    assert_eq!(detail[0]["loc"], json!(["body", "messages"]));
}

#[tokio::test]
async fn a_bad_temperature_is_422() {
    let server = start(config()).await;
    let mut request = body("hi", false);
    request["temperature"] = json!("warm");
    let detail = detail_of(&chat(server, &request).await);
    assert_eq!(detail[0]["type"], "float_type");
    assert_eq!(detail[0]["loc"], json!(["body", "temperature"]));
    assert_eq!(detail[0]["input"], "warm");

    request["temperature"] = json!(2);
    let detail = detail_of(&chat(server, &request).await);
    assert_eq!(detail[0]["type"], "less_than_equal");
    assert_eq!(
        detail[0]["msg"],
        "Input should be less than or equal to 1.5"
    );
}

#[tokio::test]
async fn wrong_types_for_other_fields_are_422() {
    let server = start(config()).await;
    let mut request = body("hi", false);
    request["stream"] = json!("yes");
    request["max_tokens"] = json!(-1);
    request["messages"][0]["role"] = json!("robot");
    let detail = detail_of(&chat(server, &request).await);
    let kinds: Vec<&str> = detail.iter().filter_map(|d| d["type"].as_str()).collect();
    assert_eq!(
        kinds,
        ["greater_than_equal", "bool_type", "union_tag_invalid"]
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_422_json_invalid() {
    let server = start(config()).await;
    let path = "/v1/chat/completions";
    let response = request(server, "POST", path, &[], b"{not json").await;
    let detail = detail_of(&response);
    assert_eq!(detail[0]["type"], "json_invalid");
}

#[tokio::test]
async fn an_unknown_model_is_400_invalid_model() {
    let server = start(config()).await;
    let mut request = body("hi", true);
    request["model"] = json!("xyz");
    let response = chat(server, &request).await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        json!({
            "object": "error",
            "message": "Invalid model: xyz",
            "type": "invalid_model",
            "param": null,
            "code": "1500",
        })
    );
}

#[tokio::test]
async fn a_conversation_ending_with_the_assistant_is_400() {
    let server = start(config()).await;
    let request = json!({
        "model": "mistral-small-latest",
        "messages": [{ "role": "user", "content": "hi" }, { "role": "assistant", "content": "yo" }],
    });
    let response = chat(server, &request).await;
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["type"], "invalid_request_message_error");
}

fn keyed_config() -> Config {
    Config {
        require_key: Some("sesame".into()),
        ..config()
    }
}

fn assert_unauthorized(response: &common::Response) {
    assert_eq!(response.status, 401, "{}", response.text());
    let error = response.json();
    assert_eq!(error["message"], "Unauthorized");
    let id = error["request_id"].as_str().expect("request_id");
    assert!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
}

#[tokio::test]
async fn with_require_key_a_wrong_key_is_401() {
    let server = start(keyed_config()).await;
    let request_body = body("hi", false).to_string();
    for auth in ["Bearer open", "Bearer sesame2", "Basic sesame", "sesame"] {
        let headers = [("Authorization", auth)];
        let response = request(
            server,
            "POST",
            "/v1/chat/completions",
            &headers,
            request_body.as_bytes(),
        )
        .await;
        assert_unauthorized(&response);
    }
}

#[tokio::test]
async fn with_require_key_a_missing_key_is_401_on_every_api_route() {
    let server = start(keyed_config()).await;
    let response = chat(server, &body("hi", false)).await;
    assert_unauthorized(&response);
    assert_unauthorized(&request(server, "GET", "/v1/models", &[], b"").await);
    // Health needs no key.
    assert_eq!(
        request(server, "GET", "/health", &[], b"").await.status,
        200
    );
}

#[tokio::test]
async fn with_require_key_the_right_key_is_200() {
    let server = start(keyed_config()).await;
    let headers = [("Authorization", "Bearer sesame")];
    let request_body = body("hi", true).to_string();
    let path = "/v1/chat/completions";
    let response = request(server, "POST", path, &headers, request_body.as_bytes()).await;
    assert_eq!(response.status, 200);
    assert!(response.text().ends_with("data: [DONE]\n\n"));
    let models = request(server, "GET", "/v1/models", &headers, b"").await;
    assert_eq!(models.status, 200);
}

#[tokio::test]
async fn without_require_key_any_key_or_none_is_accepted() {
    let server = start(config()).await;
    let request_body = body("hi", false).to_string();
    let path = "/v1/chat/completions";
    let with_key = [("Authorization", "Bearer anything")];
    let response = request(server, "POST", path, &with_key, request_body.as_bytes()).await;
    assert_eq!(response.status, 200);
    assert_eq!(
        request(server, "POST", path, &[], request_body.as_bytes())
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_cors_preflight_allows_any_origin_the_widget_headers_and_exposes_rate_limits() {
    let server = start(config()).await;
    let headers = [
        ("Origin", "http://localhost:9999"),
        ("Access-Control-Request-Method", "POST"),
        (
            "Access-Control-Request-Headers",
            "authorization, content-type",
        ),
    ];
    let response = request(server, "OPTIONS", "/v1/chat/completions", &headers, b"").await;
    assert!(matches!(response.status, 200 | 204), "{}", response.status);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let methods = response
        .header("access-control-allow-methods")
        .unwrap_or_default();
    for method in ["GET", "POST", "OPTIONS"] {
        assert!(methods.contains(method), "{methods}");
    }
    let allowed = response
        .header("access-control-allow-headers")
        .unwrap_or_default();
    for header in ["authorization", "content-type", "accept"] {
        assert!(allowed.contains(header), "{allowed}");
    }
}

#[tokio::test]
async fn error_responses_carry_cors_headers() {
    let server = start(keyed_config()).await;
    let headers = [("Origin", "http://localhost:9999")];
    let path = "/v1/chat/completions";
    let response = request(server, "POST", path, &headers, b"{}").await;
    assert_eq!(response.status, 401);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));

    let open = start(config()).await;
    let request_body = body("[fault:429] hi", false).to_string();
    let response = request(open, "POST", path, &headers, request_body.as_bytes()).await;
    assert_eq!(response.status, 429);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let exposed = response
        .header("access-control-expose-headers")
        .unwrap_or_default();
    for header in tinychat_server::EXPOSED_HEADERS {
        assert!(exposed.contains(header), "{exposed}");
    }
}

#[tokio::test]
async fn health_is_ok_and_unknown_routes_are_a_json_404() {
    let server = start(config()).await;
    let health = request(server, "GET", "/health", &[], b"").await;
    assert_eq!((health.status, health.text()), (200, "ok"));
    let missing = request(server, "GET", "/v1/nothing", &[], b"").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), json!({ "detail": "Not Found" }));
}

/// A fresh directory with a small site in it.
fn site() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tinychat-server-test-{}-{}",
        std::process::id(),
        line!()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>t</title>").expect("write");
    std::fs::write(dir.join("app.js"), "console.log(1)").expect("write");
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm\x01\0\0\0").expect("write");
    std::fs::write(dir.join("style.css"), "body{}").expect("write");
    std::fs::write(dir.join("sub/index.html"), "sub").expect("write");
    dir
}

#[tokio::test]
async fn static_dir_serves_the_site_with_content_types_beside_the_api() {
    let dir = site();
    let server = start(Config {
        static_dir: Some(dir.clone()),
        csp: Some("default-src 'self'".into()),
        ..config()
    })
    .await;
    let index = request(server, "GET", "/", &[], b"").await;
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        index.header("content-security-policy"),
        Some("default-src 'self'")
    );
    assert!(index.text().contains("<title>t</title>"));
    for (path, content_type) in [
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/app_bg.wasm", "application/wasm"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/sub/", "text/html; charset=utf-8"),
    ] {
        let response = request(server, "GET", path, &[], b"").await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(
            response.header("content-type"),
            Some(content_type),
            "{path}"
        );
    }
    let redirect = request(server, "GET", "/sub", &[], b"").await;
    assert_eq!(
        (redirect.status, redirect.header("location")),
        (301, Some("/sub/"))
    );
    for path in ["/missing.js", "/../Cargo.toml", "/%2e%2e/Cargo.toml"] {
        assert_eq!(
            request(server, "GET", path, &[], b"").await.status,
            404,
            "{path}"
        );
    }
    assert_eq!(
        request(server, "POST", "/app.js", &[], b"").await.status,
        405
    );
    // The API still answers on the same origin.
    assert_eq!(
        request(server, "GET", "/v1/models", &[], b"").await.status,
        200
    );
    let _ = std::fs::remove_dir_all(dir);
}
