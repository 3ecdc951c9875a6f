//! The deterministic tool-call scenario: `[tool:NAME]` makes the reply call NAME when the
//! request offers tools, results are checked for pairing as Mistral does, and the reply after
//! them quotes each result.

mod common;

use common::{chat, config, start};
use serde_json::{json, Value};

fn tools() -> Value {
    json!([{ "type": "function", "function": {
        "name": "find_product", "description": "Finds a product",
        "parameters": { "type": "object", "properties": { "query": { "type": "string" } } } } }])
}

fn request(messages: Value, tool_choice: &str, stream: bool) -> Value {
    json!({ "model": "mistral-small-latest", "messages": messages, "stream": stream,
            "tools": tools(), "tool_choice": tool_choice })
}

fn user(text: &str) -> Value {
    json!({ "role": "user", "content": text })
}

fn calls(ids: &[&str]) -> Value {
    let calls: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({ "id": id, "type": "function",
            "function": { "name": "find_product", "arguments": "{\"query\":\"lamp\"}" } })
        })
        .collect();
    json!({ "role": "assistant", "content": "", "tool_calls": calls })
}

fn result(id: &str, content: &str) -> Value {
    json!({ "role": "tool", "name": "find_product", "tool_call_id": id, "content": content })
}

#[tokio::test]
async fn a_tool_directive_streams_one_call_then_tool_calls_finish() {
    let server = start(config()).await;
    let response = chat(
        server,
        &request(
            json!([user("a lamp [tool:find_product] [tool:stock]")]),
            "auto",
            true,
        ),
    )
    .await;
    assert_eq!(response.status, 200);
    let chunks = response.chunks_json();
    assert_eq!(chunks.len(), 2, "{}", response.text());
    let choice = &chunks[1]["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    let calls = choice["delta"]["tool_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["function"]["name"], "find_product");
    assert_eq!(calls[0]["function"]["arguments"], "{\"query\":\"a lamp\"}");
    assert_eq!(calls[1]["function"]["name"], "stock");
    assert_eq!(calls[1]["index"], 1);
    for call in calls {
        let id = call["id"].as_str().unwrap();
        assert_eq!(id.len(), 9);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
    assert!(chunks[1]["usage"]["total_tokens"].as_u64().unwrap() > 0);
    assert!(response.text().ends_with("data: [DONE]\n\n"));
}

#[tokio::test]
async fn the_reply_after_the_results_quotes_them() {
    let server = start(config()).await;
    let messages = json!([
        user("a lamp [tool:find_product]"),
        calls(&["tc0000000"]),
        result("tc0000000", "{\"sku\":\"L-1\"}"),
    ]);
    let response = chat(server, &request(messages, "auto", false)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    let body = response.json();
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "The page's tools answered:\n\n- find_product: {\"sku\":\"L-1\"}"
    );
}

#[tokio::test]
async fn rounds_repeat_until_the_directive_or_tool_choice_none_stops_them() {
    let server = start(config()).await;
    let prompt = "again [tool:find_product] [tool-rounds=3]";
    let round2 = json!([
        user(prompt),
        calls(&["tc0000000"]),
        result("tc0000000", "1")
    ]);
    let body = chat(server, &request(round2.clone(), "auto", false))
        .await
        .json();
    assert_eq!(body["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(
        body["choices"][0]["message"]["tool_calls"][0]["id"],
        "tc0010000"
    );
    // The widget's last round forbids calls: the model answers in text.
    let body = chat(server, &request(round2, "none", false)).await.json();
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    // No tools offered: no call, whatever the directive says.
    let plain = json!({ "model": "mistral-small-latest", "messages": [user(prompt)] });
    let body = chat(server, &plain).await.json();
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn unpaired_calls_and_results_are_refused_as_mistral_does() {
    let server = start(config()).await;
    for (messages, sentence) in [
        (
            json!([user("x"), calls(&["aaaaaaaaa"]), result("bbbbbbbbb", "1")]),
            "Unexpected tool call id bbbbbbbbb",
        ),
        (
            json!([
                user("x"),
                calls(&["aaaaaaaaa", "ccccccccc"]),
                result("aaaaaaaaa", "1")
            ]),
            "Not the same number of function calls and responses",
        ),
        (
            json!([user("x"), calls(&["aaaaaaaaa"]), user("y")]),
            "Not the same number of function calls and responses",
        ),
        (
            json!([
                user("x"),
                calls(&["aaaaaaaaa"]),
                result("aaaaaaaaa", "1"),
                user("y")
            ]),
            "Unexpected role 'user' after role 'tool'",
        ),
    ] {
        let response = chat(server, &request(messages, "auto", false)).await;
        assert_eq!(response.status, 400, "{}", response.text());
        let body = response.json();
        assert_eq!(body["message"], sentence);
        assert_eq!(body["type"], "invalid_request_message_error");
    }
}

#[tokio::test]
async fn documents_returned_by_a_tool_are_cited_with_a_reference_chunk() {
    let server = start(config()).await;
    let docs = json!({ "0": { "url": "https://docs.mistral.ai/", "title": "Docs" }, "note": "x" })
        .to_string();
    let messages = json!([
        user("docs [tool:find_product]"),
        calls(&["tc0000000"]),
        result("tc0000000", &docs)
    ]);
    let response = chat(server, &request(messages, "auto", true)).await;
    let parts: Vec<Value> = response
        .chunks_json()
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_array().cloned())
        .flatten()
        .collect();
    assert_eq!(
        parts[0],
        json!({ "type": "reference", "reference_ids": ["0"] })
    );
}
