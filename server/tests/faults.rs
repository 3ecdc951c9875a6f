//! Every fault mode, triggered by `[fault:NAME]` in the last user message, against a real server.

mod common;

use std::time::Duration;

use common::{body, chat, config, receive, send, sse_data, start};
use serde_json::{json, Value};
use tinychat_server::sse::{ERROR_EVENT, FAULT_AFTER, MALFORMED_EVENT};

/// The non-`[DONE]` payloads of a stream that may hold invalid JSON, parsed where possible.
fn parsed(events: &[String]) -> Vec<Option<Value>> {
    events
        .iter()
        .filter(|e| *e != "[DONE]")
        .map(|e| serde_json::from_str(e).ok())
        .collect()
}

fn content_deltas(response: &common::Response) -> usize {
    response.chunks_json().len().saturating_sub(2)
}

#[tokio::test]
async fn fault_401_answers_unauthorized_with_a_request_id() {
    let server = start(config()).await;
    for stream in [true, false] {
        let response = chat(server, &body("[fault:401] hi", stream)).await;
        assert_eq!(response.status, 401);
        let error = response.json();
        assert_eq!(error["message"], "Unauthorized");
        assert!(error["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()));
    }
}

#[tokio::test]
async fn fault_422_answers_a_mistral_detail_list() {
    let server = start(config()).await;
    let response = chat(server, &body("[fault:422]", true)).await;
    assert_eq!(response.status, 422);
    let error = response.json();
    assert_eq!(error["object"], "error");
    assert_eq!(error["type"], "invalid_request_message_error");
    let detail = &error["message"]["detail"][0];
    assert!(detail["type"].is_string() && detail["msg"].is_string());
    assert_eq!(detail["loc"][0], "body");
}

#[tokio::test]
async fn fault_429_answers_rate_limited_with_retry_after_and_rate_limit_headers() {
    let server = start(config()).await;
    for stream in [true, false] {
        let response = chat(server, &body("[fault:429]", stream)).await;
        assert_eq!(response.status, 429);
        assert_eq!(response.header("retry-after"), Some("2"));
        assert_eq!(
            response.header("x-ratelimit-remaining-tokens-minute"),
            Some("0")
        );
        assert_eq!(
            response.header("x-ratelimit-remaining-req-minute"),
            Some("0")
        );
        assert!(response.header("x-ratelimit-limit-tokens-minute").is_some());
        assert!(response.header("x-ratelimit-limit-req-minute").is_some());
        assert_eq!(
            response.json(),
            json!({
                "object": "error",
                "message": "Requests rate limit exceeded",
                "type": "rate_limited",
                "param": null,
                "code": "1300",
            })
        );
    }
}

#[tokio::test]
async fn fault_429_once_refuses_a_body_once_then_replies_to_the_same_body() {
    let server = start(config()).await;
    let request = body("[fault:429-once] retry me", true);
    let first = chat(server, &request).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.header("retry-after"), Some("1"));
    let second = chat(server, &request).await;
    assert_eq!(second.status, 200);
    assert!(second.text().ends_with("data: [DONE]\n\n"));
    assert!(second
        .streamed_content()
        .starts_with("You said: \"retry me\""));
    // A different body is refused once too.
    let other = chat(server, &body("[fault:429-once] another", true)).await;
    assert_eq!(other.status, 429);
}

#[tokio::test]
async fn faults_500_and_503_answer_json_errors() {
    let server = start(config()).await;
    let internal = chat(server, &body("[fault:500]", true)).await;
    assert_eq!(internal.status, 500);
    assert_eq!(internal.json()["message"], "Internal server error");
    assert_eq!(internal.json()["type"], "internal_error");
    let unavailable = chat(server, &body("[fault:503]", false)).await;
    assert_eq!(unavailable.status, 503);
    assert_eq!(unavailable.json()["object"], "error");
}

#[tokio::test]
async fn fault_502_answers_an_html_page() {
    let server = start(config()).await;
    let response = chat(server, &body("[fault:502]", true)).await;
    assert_eq!(response.status, 502);
    assert!(response
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html")));
    assert_eq!(
        response.text(),
        "<html><body><h1>502 Bad Gateway</h1></body></html>"
    );
}

#[tokio::test]
async fn fault_drop_cuts_the_connection_mid_stream_without_done() {
    let server = start(config()).await;
    let request = body("[fault:drop] markdown", true).to_string();
    // Keep-alive: only the server closing the connection ends the read.
    let headers = [("Content-Type", "application/json")];
    let stream = send(
        server,
        "POST",
        "/v1/chat/completions",
        &headers,
        request.as_bytes(),
        true,
    );
    let response = receive(stream.await).await;
    assert_eq!(response.status, 200);
    assert!(
        !response.complete,
        "the chunked body must not be terminated"
    );
    let text = response.text();
    assert!(
        !text.contains("[DONE]") && !text.contains("finish_reason\":\"stop"),
        "{text}"
    );
    // The role chunk and FAULT_AFTER pieces, then nothing.
    assert_eq!(response.chunks_json().len(), 1 + FAULT_AFTER, "{text}");
}

#[tokio::test]
async fn fault_drop_cuts_a_non_streaming_body_in_half() {
    let server = start(config()).await;
    let request = body("[fault:drop] hi", false).to_string();
    let stream = send(
        server,
        "POST",
        "/v1/chat/completions",
        &[],
        request.as_bytes(),
        true,
    );
    let response = receive(stream.await).await;
    assert_eq!(response.status, 200);
    assert!(!response.complete);
    assert!(
        response.body.starts_with(b"{\"id\":\"cmpl-"),
        "{}",
        response.text()
    );
    assert!(serde_json::from_slice::<Value>(&response.body).is_err());
}

#[tokio::test]
async fn fault_stall_pauses_and_the_stream_still_completes() {
    let server = start(config()).await;
    let response = chat(server, &body("[fault:stall=1] markdown", true)).await;
    assert!(response.complete);
    assert!(response.text().ends_with("data: [DONE]\n\n"));
    let normal = chat(server, &body("markdown", true)).await;
    assert_eq!(response.streamed_content(), normal.streamed_content());
}

#[tokio::test]
async fn fault_malformed_sends_one_truncated_event_then_continues() {
    let server = start(config()).await;
    let response = chat(server, &body("[fault:malformed] markdown", true)).await;
    let text = response.text();
    assert!(text.contains(&format!("{MALFORMED_EVENT}\n\n")), "{text}");
    let events = parsed(&response.events());
    let bad: Vec<usize> = (0..events.len()).filter(|&i| events[i].is_none()).collect();
    assert_eq!(
        bad,
        [1 + FAULT_AFTER],
        "one bad event, after the role chunk and the pieces"
    );
    assert!(text.ends_with("data: [DONE]\n\n"));
    let last = events.last().cloned().flatten().expect("a final chunk");
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn fault_stream_error_sends_an_error_event_then_ends() {
    let server = start(config()).await;
    let response = chat(server, &body("[fault:stream-error] markdown", true)).await;
    assert!(
        response.complete,
        "the stream ends normally at the HTTP level"
    );
    let text = response.text();
    assert!(text.ends_with(&format!("{ERROR_EVENT}\n\n")), "{text}");
    let error: Value = serde_json::from_str(&response.events().pop().unwrap_or_default())
        .expect("the error event is JSON");
    assert_eq!(error["object"], "error");
    assert_eq!(error["message"], "Upstream model overloaded");
    assert!(!text.contains("[DONE]"));
}

#[tokio::test]
async fn fault_ping_sends_keep_alive_comments_between_chunks() {
    let server = start(config()).await;
    let response = chat(server, &body("[fault:ping] hello there", true)).await;
    let text = response.text();
    assert!(text.contains("\n\n: ping\n\n"), "{text}");
    assert_eq!(
        text.matches(": ping\n\n").count(),
        content_deltas(&response) + 1
    );
    assert!(text.ends_with("data: [DONE]\n\n"));
    let normal = chat(server, &body("hello there", true)).await;
    assert_eq!(response.streamed_content(), normal.streamed_content());
}

#[tokio::test]
async fn fault_crlf_frames_every_event_with_crlf() {
    let server = start(config()).await;
    let response = chat(server, &body("[fault:crlf] markdown", true)).await;
    let text = response.text();
    assert!(text.ends_with("data: [DONE]\r\n\r\n"), "{text}");
    // JSON escapes newlines inside strings, so every raw \n is framing, and every one has its \r.
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    let events = sse_data(text, "\r\n");
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    let content: String = events
        .iter()
        .filter_map(|e| serde_json::from_str::<Value>(e).ok())
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert!(content.contains("```rust\n"));
}

#[tokio::test]
async fn fault_bytes_sends_every_byte_as_its_own_chunk() {
    let server = start(config()).await;
    let response = chat(server, &body("[fault:bytes] hello there", true)).await;
    assert!(response.complete);
    assert!(
        response.chunks.len() > 500,
        "{} chunks",
        response.chunks.len()
    );
    assert!(
        response.chunks.iter().all(|&size| size == 1),
        "{:?}",
        response.chunks
    );
    assert!(response.reads > 1);
    assert!(response.text().ends_with("data: [DONE]\n\n"));
    let normal = chat(server, &body("hello there", true)).await;
    assert_eq!(response.streamed_content(), normal.streamed_content());
}

#[tokio::test]
async fn fault_slow_first_holds_the_headers_back() {
    let server = start(config()).await;
    for stream in [true, false] {
        let request = body("[fault:slow-first=1] hi", stream).to_string();
        let path = "/v1/chat/completions";
        let mut connection = send(server, "POST", path, &[], request.as_bytes(), false).await;
        // The server sleeps a whole second before answering, so nothing comes in 200 ms.
        let mut byte = [0u8; 1];
        let early = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::io::AsyncReadExt::read(&mut connection, &mut byte),
        )
        .await;
        assert!(early.is_err(), "bytes arrived before slow-first=1 was over");
        // (The timed-out read took nothing: tokio's read is cancel-safe.)
        let response = receive(connection).await;
        assert_eq!(response.status, 200);
        assert!(response.complete);
        let content = if stream {
            response.streamed_content()
        } else {
            response.json()["choices"][0]["message"]["content"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        assert!(content.starts_with("You said: \"hi\""), "{content}");
    }
}

#[tokio::test]
async fn fault_no_done_ends_after_the_final_chunk_without_done() {
    let server = start(config()).await;
    let response = chat(server, &body("[fault:no-done] hi", true)).await;
    assert!(response.complete);
    let text = response.text();
    assert!(!text.contains("[DONE]"));
    let chunks = response.chunks_json();
    let last = chunks.last().expect("a final chunk");
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
    assert!(last["usage"].is_object());
}

#[tokio::test]
async fn faults_combine_and_an_unknown_fault_is_a_400() {
    let server = start(config()).await;
    let response = chat(server, &body("[fault:ping][fault:crlf] hi", true)).await;
    let text = response.text();
    assert!(text.contains("\r\n\r\n: ping\r\n\r\n"), "{text}");

    let unknown = chat(server, &body("[fault:explode] hi", true)).await;
    assert_eq!(unknown.status, 400);
    let message = unknown.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("explode") && message.contains("429-once"),
        "{message}"
    );
}

#[tokio::test]
async fn faults_are_read_from_the_last_user_message_only() {
    let server = start(config()).await;
    let request = json!({
        "model": "mistral-small-latest",
        "messages": [
            { "role": "user", "content": "[fault:500] earlier" },
            { "role": "assistant", "content": "ok" },
            { "role": "user", "content": "now" },
        ],
    });
    let response = chat(server, &request).await;
    assert_eq!(response.status, 200);
}
