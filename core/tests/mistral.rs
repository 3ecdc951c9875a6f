//! Behaviour of `tinychat_core::mistral`: request serialization, stream
//! mapping and HTTP error classification.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{json, Value};
use tinychat_core::mistral::{
    backoff, ApiError, ChatCompletion, ChatCompletionChunk, ChatMessage, ChatRequest, ContentChunk,
    ErrorKind, FinishReason, MessageContent, ModelList, Role, Source, StreamError, StreamItem,
    StreamMapper, Summary, Usage, BACKOFF_MAX, MAX_MESSAGE_CHARS, RETRY_AFTER_MAX,
};
use tinychat_core::sse::{Decoder, Event, Finish, SseError};

// ---------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn full_request() -> ChatRequest {
    ChatRequest {
        model: "mistral-small-latest".into(),
        messages: vec![
            ChatMessage::system("Be brief."),
            ChatMessage::user("Hi"),
            ChatMessage::assistant("Hello!"),
        ],
        temperature: Some(0.7),
        top_p: Some(0.9),
        max_tokens: Some(256),
        stream: true,
        random_seed: Some(42),
        safe_prompt: Some(false),
        stop: Some(vec!["\n\n".into()]),
        tools: Vec::new(),
        tool_choice: None,
        prompt_mode: None,
        reasoning_effort: None,
        agent_id: None,
    }
}

#[test]
fn full_request_serializes_exactly_the_accepted_keys() {
    let value = serde_json::to_value(full_request()).unwrap();
    let expected: BTreeSet<&str> = [
        "model",
        "messages",
        "temperature",
        "top_p",
        "max_tokens",
        "stream",
        "random_seed",
        "safe_prompt",
        "stop",
    ]
    .into_iter()
    .collect();
    assert_eq!(keys(&value), expected);
}

#[test]
fn every_message_serializes_exactly_role_and_content() {
    let value = serde_json::to_value(full_request()).unwrap();
    for message in value["messages"].as_array().unwrap() {
        assert_eq!(keys(message), ["content", "role"].into_iter().collect());
    }
}

#[test]
fn unset_options_are_omitted() {
    let request = ChatRequest::new("m", vec![ChatMessage::user("Hi")]);
    let value = serde_json::to_value(&request).unwrap();
    assert_eq!(
        keys(&value),
        ["messages", "model", "stream"].into_iter().collect()
    );
    assert_eq!(value["stream"], json!(true));
}

#[test]
fn empty_stop_list_is_omitted() {
    let mut request = ChatRequest::new("m", vec![]);
    request.stop = Some(vec![]);
    assert!(!keys(&serde_json::to_value(&request).unwrap()).contains("stop"));
}

#[test]
fn request_values_serialize_as_mistral_expects() {
    let value: Value = serde_json::from_str(&full_request().to_json()).unwrap();
    assert_eq!(
        value,
        json!({
            "model": "mistral-small-latest",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!"}
            ],
            "temperature": 0.7,
            "top_p": 0.9,
            "max_tokens": 256,
            "stream": true,
            "random_seed": 42,
            "safe_prompt": false,
            "stop": ["\n\n"]
        })
    );
}

#[test]
fn roles_serialize_lowercase() {
    for (role, name) in [
        (Role::System, "system"),
        (Role::User, "user"),
        (Role::Assistant, "assistant"),
    ] {
        assert_eq!(serde_json::to_value(role).unwrap(), json!(name));
        assert_eq!(role.to_string(), name);
        assert_eq!(serde_json::from_value::<Role>(json!(name)).unwrap(), role);
    }
}

// ---------------------------------------------------------------------------
// Wire types
// ---------------------------------------------------------------------------

const FIRST: &str = r#"{"id":"cmpl-e5cc70bb","object":"chat.completion.chunk","created":1702256327,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#;
const HELLO: &str = r#"{"id":"cmpl-e5cc70bb","object":"chat.completion.chunk","created":1702256327,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}"#;
const LAST: &str = r#"{"id":"cmpl-e5cc70bb","object":"chat.completion.chunk","created":1702256327,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":" world"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"total_tokens":13,"completion_tokens":3}}"#;

#[test]
fn chunk_wire_type_parses_mistral_chunks() {
    let chunk: ChatCompletionChunk = serde_json::from_str(LAST).unwrap();
    assert_eq!(chunk.id, "cmpl-e5cc70bb");
    assert_eq!(chunk.object, "chat.completion.chunk");
    assert_eq!(chunk.created, 1702256327);
    assert_eq!(chunk.model, "mistral-small-latest");
    assert_eq!(chunk.choices[0].finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        chunk.choices[0].delta.content,
        Some(MessageContent::Text(" world".into()))
    );
    assert_eq!(
        chunk.usage,
        Some(Usage {
            prompt_tokens: 10,
            completion_tokens: 3,
            total_tokens: 13
        })
    );
    let first: ChatCompletionChunk = serde_json::from_str(FIRST).unwrap();
    assert_eq!(first.choices[0].delta.role.as_deref(), Some("assistant"));
    assert_eq!(first.choices[0].finish_reason, None);
}

#[test]
fn chunk_wire_type_tolerates_nulls_and_extra_fields() {
    let chunk: ChatCompletionChunk = serde_json::from_str(
        r#"{"id":null,"choices":[{"delta":{"content":null,"role":null,"tool_calls":null},"logprobs":null,"finish_reason":null}],"usage":null,"p":"abc"}"#,
    )
    .unwrap();
    assert_eq!(chunk.choices[0].index, 0);
    assert_eq!(chunk.choices[0].delta.content, None);
}

#[test]
fn usage_round_trips_through_json() {
    let usage = Usage {
        prompt_tokens: 1,
        completion_tokens: 2,
        total_tokens: 3,
    };
    let text = serde_json::to_string(&usage).unwrap();
    assert_eq!(
        text,
        r#"{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}"#
    );
    assert_eq!(serde_json::from_str::<Usage>(&text).unwrap(), usage);
}

#[test]
fn finish_reasons_map_to_variants_and_back() {
    for (name, reason) in [
        ("stop", FinishReason::Stop),
        ("length", FinishReason::Length),
        ("model_length", FinishReason::ModelLength),
        ("error", FinishReason::Error),
        ("tool_calls", FinishReason::ToolCalls),
        (
            "content_filter",
            FinishReason::Other("content_filter".into()),
        ),
    ] {
        assert_eq!(
            serde_json::from_value::<FinishReason>(json!(name)).unwrap(),
            reason
        );
        assert_eq!(serde_json::to_value(&reason).unwrap(), json!(name));
    }
}

#[test]
fn content_chunks_parse_every_known_kind_and_unknown_ones() {
    let content: MessageContent = serde_json::from_value(json!([
        {"type": "text", "text": "A"},
        {"type": "thinking", "thinking": [{"type": "text", "text": "hmm"}], "closed": true},
        {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
        {"type": "reference", "reference_ids": [1, 2]},
        {"type": "audio_chunk_of_the_future", "whatever": {}},
        {"type": "text", "text": "B"}
    ]))
    .unwrap();
    let MessageContent::Chunks(chunks) = &content else {
        panic!("chunks expected");
    };
    assert_eq!(chunks.len(), 6);
    assert!(matches!(&chunks[1], ContentChunk::Thinking { thinking } if thinking.len() == 1));
    assert!(matches!(&chunks[4], ContentChunk::Unknown));
    assert_eq!(content.text(), "AB");
}

#[test]
fn non_streaming_completion_parses_and_yields_text() {
    let completion: ChatCompletion = serde_json::from_value(json!({
        "id": "cmpl-1", "object": "chat.completion", "created": 1, "model": "mistral-small-latest",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Bonjour", "tool_calls": null},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6}
    }))
    .unwrap();
    assert_eq!(completion.text(), "Bonjour");
    assert_eq!(
        completion.choices[0].finish_reason,
        Some(FinishReason::Stop)
    );
    assert_eq!(completion.usage.unwrap().total_tokens, 6);
}

#[test]
fn model_list_tolerates_extra_and_odd_fields() {
    let list: ModelList = serde_json::from_value(json!({
        "object": "list",
        "data": [
            {"id": "mistral-small-latest", "object": "model", "created": 1, "owned_by": "mistralai",
             "capabilities": {"completion_chat": true, "vision": true, "new_flag": 3},
             "name": "mistral-small-2501", "max_context_length": 32768, "aliases": ["mistral-small-2501"],
             "deprecation": null, "type": "base", "default_model_temperature": 0.3},
            {"id": "mistral-embed", "capabilities": {"completion_chat": false}},
            {"id": "odd", "created": "yesterday", "aliases": null, "capabilities": "yes"},
            {"id": "mistral-small-latest"},
            {"name": "no id"}
        ],
        "extra": true
    }))
    .unwrap();
    assert_eq!(list.data.len(), 5);
    assert_eq!(list.data[0].max_context_length, Some(32768));
    assert!(list.data[0].capabilities.unwrap().vision);
    assert_eq!(list.data[2].created, None);
    assert_eq!(list.chat_model_ids(), ["mistral-small-latest", "odd"]);
}

// ---------------------------------------------------------------------------
// Stream mapping
// ---------------------------------------------------------------------------

fn data(text: &str) -> Event {
    Event {
        event: "message".into(),
        data: text.into(),
        id: String::new(),
    }
}

fn sse_body(payloads: &[&str]) -> Vec<u8> {
    let mut body = Vec::new();
    for payload in payloads {
        body.extend_from_slice(b"data: ");
        body.extend_from_slice(payload.as_bytes());
        body.extend_from_slice(b"\n\n");
    }
    body
}

/// Runs a whole body through decoder and mapper in `chunk`-byte pieces.
fn run(body: &[u8], chunk: usize) -> (Vec<StreamItem>, Result<Summary, StreamError>) {
    let mut decoder = Decoder::new();
    let mut mapper = StreamMapper::new();
    let mut items = Vec::new();
    for piece in body.chunks(chunk.max(1)) {
        let events = match decoder.push(piece) {
            Ok(events) => events,
            Err(e) => return (items, Err(mapper.decoder_error(e))),
        };
        for event in &events {
            match mapper.on_event(event) {
                Ok(new) => items.extend(new),
                Err(e) => return (items, Err(e)),
            }
        }
    }
    (items, mapper.finish(decoder.finish()))
}

fn usage(p: u32, c: u32) -> Usage {
    Usage {
        prompt_tokens: p,
        completion_tokens: c,
        total_tokens: p + c,
    }
}

#[test]
fn typical_mistral_stream_maps_to_items_and_summary() {
    let body = sse_body(&[FIRST, HELLO, LAST, "[DONE]"]);
    for chunk in [1, 7, body.len()] {
        let (items, summary) = run(&body, chunk);
        assert_eq!(
            items,
            [
                StreamItem::Role("assistant".into()),
                StreamItem::Delta("Hello".into()),
                StreamItem::Delta(" world".into()),
                StreamItem::Finish(FinishReason::Stop),
                StreamItem::Usage(usage(10, 3)),
                StreamItem::Done,
            ]
        );
        assert_eq!(
            summary.unwrap(),
            Summary {
                text: "Hello world".into(),
                finish_reason: Some(FinishReason::Stop),
                usage: Some(usage(10, 3)),
                tool_calls: Vec::new(),
            }
        );
    }
}

#[test]
fn mapper_accumulates_text_so_far() {
    let mut mapper = StreamMapper::new();
    mapper.on_event(&data(HELLO)).unwrap();
    assert_eq!(mapper.text(), "Hello");
    mapper.on_event(&data(LAST)).unwrap();
    assert_eq!(mapper.text(), "Hello world");
    assert_eq!(mapper.finish_reason(), Some(&FinishReason::Stop));
    assert_eq!(mapper.usage(), Some(usage(10, 3)));
    assert!(!mapper.is_done());
}

#[test]
fn role_is_reported_once() {
    let mut mapper = StreamMapper::new();
    let chunk = r#"{"choices":[{"index":0,"delta":{"role":"assistant","content":"a"}}]}"#;
    assert_eq!(
        mapper.on_event(&data(chunk)).unwrap(),
        [
            StreamItem::Role("assistant".into()),
            StreamItem::Delta("a".into())
        ]
    );
    assert_eq!(
        mapper.on_event(&data(chunk)).unwrap(),
        [StreamItem::Delta("a".into())]
    );
}

#[test]
fn content_chunk_list_keeps_text_thinking_and_sources_apart_in_order() {
    let mut mapper = StreamMapper::new();
    let chunk = json!({"choices": [{"index": 0, "delta": {"content": [
        {"type": "thinking", "thinking": [{"type": "text", "text": "Let me think"}]},
        {"type": "text", "text": "Answer"},
        {"type": "reference", "reference_ids": [0]},
        {"type": "image_url", "image_url": "https://x/y.png"},
        {"type": "text", "text": "!"},
        {"type": "tool_reference", "tool": "web_search", "title": "Mistral <b>docs</b>",
         "url": "https://docs.mistral.ai/", "favicon": "https://docs.mistral.ai/favicon.ico"},
        {"type": "tool_reference", "tool": "web_search", "title": "Bad", "url": "javascript:alert(1)"},
        {"type": "thinking", "thinking": [{"type": "text", "text": "More"},
            {"type": "tool_reference", "tool": "web_search", "title": "Inside", "url": "https://in.example/"}]},
        {"type": "text", "text": "?"}
    ]}}]})
    .to_string();
    assert_eq!(
        mapper.on_event(&data(&chunk)).unwrap(),
        [
            StreamItem::Thinking("Let me think".into()),
            StreamItem::Reference(vec!["0".into()]),
            StreamItem::Source(Source {
                title: "Mistral <b>docs</b>".into(),
                url: Some("https://docs.mistral.ai/".into()),
                tool: "web_search".into(),
            }),
            StreamItem::Source(Source {
                title: "Bad".into(),
                url: None,
                tool: "web_search".into(),
            }),
            StreamItem::Delta("Answer!".into()),
            StreamItem::Source(Source {
                title: "Inside".into(),
                url: Some("https://in.example/".into()),
                tool: "web_search".into(),
            }),
            StreamItem::Thinking("More".into()),
            StreamItem::Delta("?".into()),
        ]
    );
    assert_eq!(mapper.text(), "Answer!?");
}

#[test]
fn thinking_only_chunk_yields_no_delta() {
    let mut mapper = StreamMapper::new();
    let chunk = r#"{"choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"x"}]}]}}]}"#;
    assert_eq!(
        mapper.on_event(&data(chunk)).unwrap(),
        [StreamItem::Thinking("x".into())]
    );
    assert_eq!(mapper.text(), "");
}

#[test]
fn empty_content_yields_no_delta() {
    let mut mapper = StreamMapper::new();
    let chunk = r#"{"choices":[{"index":0,"delta":{"content":""},"finish_reason":null}]}"#;
    assert_eq!(mapper.on_event(&data(chunk)).unwrap(), []);
}

#[test]
fn last_non_null_finish_reason_wins() {
    let body = sse_body(&[
        r#"{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"length"}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":null}]}"#,
        "[DONE]",
    ]);
    let summary = run(&body, 5).1.unwrap();
    assert_eq!(summary.finish_reason, Some(FinishReason::Stop));
}

#[test]
fn choices_other_than_index_zero_are_ignored() {
    let mut mapper = StreamMapper::new();
    let chunk = r#"{"choices":[{"index":1,"delta":{"content":"other"}},{"index":0,"delta":{"content":"mine"}}]}"#;
    assert_eq!(
        mapper.on_event(&data(chunk)).unwrap(),
        [StreamItem::Delta("mine".into())]
    );
}

#[test]
fn tool_call_deltas_are_tolerated() {
    let mut mapper = StreamMapper::new();
    let chunk = r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"},"index":0}]},"finish_reason":"tool_calls"}]}"#;
    assert_eq!(
        mapper.on_event(&data(chunk)).unwrap(),
        [StreamItem::Finish(FinishReason::ToolCalls)]
    );
}

#[test]
fn usage_only_chunk_yields_usage() {
    let mut mapper = StreamMapper::new();
    let chunk = r#"{"id":"x","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#;
    assert_eq!(
        mapper.on_event(&data(chunk)).unwrap(),
        [StreamItem::Usage(usage(1, 2))]
    );
}

#[test]
fn events_after_done_are_ignored() {
    let body = sse_body(&[HELLO, "[DONE]", LAST, "not json", r#"{"object":"error"}"#]);
    let (items, summary) = run(&body, 3);
    assert_eq!(items, [StreamItem::Delta("Hello".into()), StreamItem::Done]);
    assert_eq!(summary.unwrap().text, "Hello");
}

#[test]
fn done_then_truncated_tail_is_still_success() {
    let mut body = sse_body(&[HELLO, "[DONE]"]);
    body.extend_from_slice(b"data: {\"cho");
    assert_eq!(run(&body, 4).1.unwrap().text, "Hello");
}

#[test]
fn done_marker_tolerates_surrounding_whitespace() {
    let mut mapper = StreamMapper::new();
    assert_eq!(
        mapper.on_event(&data(" [DONE] ")).unwrap(),
        [StreamItem::Done]
    );
}

#[test]
fn empty_and_whitespace_data_events_are_ignored() {
    let mut mapper = StreamMapper::new();
    assert_eq!(mapper.on_event(&data("")).unwrap(), []);
    assert_eq!(mapper.on_event(&data("\n")).unwrap(), []);
    assert_eq!(mapper.on_event(&data("  ")).unwrap(), []);
}

#[test]
fn non_message_event_types_are_ignored() {
    let mut mapper = StreamMapper::new();
    let ping = Event {
        event: "ping".into(),
        data: "not json".into(),
        id: String::new(),
    };
    assert_eq!(mapper.on_event(&ping).unwrap(), []);
}

#[test]
fn error_event_type_is_an_api_error() {
    let mut mapper = StreamMapper::new();
    mapper.on_event(&data(HELLO)).unwrap();
    let json_error = Event {
        event: "error".into(),
        data: r#"{"object":"error","message":"Overloaded","type":"server_error","code":"3000"}"#
            .into(),
        id: String::new(),
    };
    assert_eq!(
        mapper.on_event(&json_error),
        Err(StreamError::Api {
            message: "Overloaded".into(),
            kind: Some("server_error".into()),
            code: Some("3000".into()),
            partial: "Hello".into(),
        })
    );
    let text_error = Event {
        event: "error".into(),
        data: "upstream died".into(),
        id: String::new(),
    };
    let err = mapper.on_event(&text_error).unwrap_err();
    assert!(matches!(&err, StreamError::Api { message, .. } if message == "upstream died"));
}

#[test]
fn error_object_in_stream_is_an_api_error_with_partial_text() {
    let body = sse_body(&[
        HELLO,
        r#"{"object":"error","message":"Internal error while generating","type":"internal_error","param":null,"code":1000}"#,
        LAST,
    ]);
    let (items, result) = run(&body, 9);
    assert_eq!(items, [StreamItem::Delta("Hello".into())]);
    assert_eq!(
        result,
        Err(StreamError::Api {
            message: "Internal error while generating".into(),
            kind: Some("internal_error".into()),
            code: Some("1000".into()),
            partial: "Hello".into(),
        })
    );
}

#[test]
fn nested_error_object_in_stream_is_an_api_error() {
    let mut mapper = StreamMapper::new();
    let err = mapper
        .on_event(&data(
            r#"{"error":{"message":"Model overloaded","type":"capacity","code":"3505"}}"#,
        ))
        .unwrap_err();
    assert_eq!(
        err,
        StreamError::Api {
            message: "Model overloaded".into(),
            kind: Some("capacity".into()),
            code: Some("3505".into()),
            partial: String::new(),
        }
    );
}

#[test]
fn error_object_with_detail_message_is_summarized() {
    let mut mapper = StreamMapper::new();
    let err = mapper
        .on_event(&data(
            r#"{"object":"error","message":{"detail":[{"loc":["body","max_tokens"],"msg":"too big","type":"x"}]},"type":"invalid_request_error"}"#,
        ))
        .unwrap_err();
    assert!(
        matches!(&err, StreamError::Api { message, .. } if message == "body.max_tokens: too big")
    );
}

#[test]
fn malformed_json_is_malformed_with_partial_text() {
    let body = sse_body(&[
        HELLO,
        r#"{"choices":[{"index":0,"delta":{"content":"x"#,
        LAST,
    ]);
    let (_, result) = run(&body, 64);
    match result {
        Err(StreamError::Malformed { detail, partial }) => {
            assert_eq!(partial, "Hello");
            assert!(detail.contains("EOF"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrongly_typed_content_is_malformed() {
    let mut mapper = StreamMapper::new();
    let err = mapper
        .on_event(&data(r#"{"choices":[{"index":0,"delta":{"content":42}}]}"#))
        .unwrap_err();
    assert!(matches!(err, StreamError::Malformed { .. }));
}

#[test]
fn clean_end_without_done_is_incomplete() {
    let body = sse_body(&[FIRST, HELLO]);
    let (_, result) = run(&body, 10);
    assert_eq!(
        result,
        Err(StreamError::Incomplete {
            partial: "Hello".into()
        })
    );
}

#[test]
fn end_in_the_middle_of_an_event_is_truncated() {
    let mut body = sse_body(&[HELLO]);
    body.extend_from_slice(&sse_body(&[LAST])[..40]);
    let (_, result) = run(&body, 10);
    assert_eq!(
        result,
        Err(StreamError::Truncated {
            partial: "Hello".into()
        })
    );
}

#[test]
fn decoder_limit_error_keeps_partial_text() {
    let mut mapper = StreamMapper::new();
    mapper.on_event(&data(HELLO)).unwrap();
    assert_eq!(
        mapper.decoder_error(SseError::TooLarge { limit: 8 }),
        StreamError::TooLarge {
            limit: 8,
            partial: "Hello".into()
        }
    );
}

#[test]
fn stream_errors_expose_partial_and_a_user_message() {
    let all = [
        StreamError::Api {
            message: "Boom".into(),
            kind: None,
            code: None,
            partial: "p".into(),
        },
        StreamError::Api {
            message: String::new(),
            kind: None,
            code: None,
            partial: "p".into(),
        },
        StreamError::Malformed {
            detail: "d".into(),
            partial: "p".into(),
        },
        StreamError::Incomplete {
            partial: "p".into(),
        },
        StreamError::Truncated {
            partial: "p".into(),
        },
        StreamError::TooLarge {
            limit: 1,
            partial: "p".into(),
        },
    ];
    for err in all {
        assert_eq!(err.partial(), "p");
        let message = err.user_message();
        assert!(message.ends_with('.'), "{message}");
        assert!(!err.to_string().is_empty());
        assert_eq!(err.into_partial(), "p");
    }
    let api = StreamError::Api {
        message: "Boom".into(),
        kind: None,
        code: None,
        partial: String::new(),
    };
    assert!(api.user_message().contains("Boom"));
}

// ---------------------------------------------------------------------------
// HTTP errors
// ---------------------------------------------------------------------------

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn err(status: u16, body: &str) -> ApiError {
    ApiError::from_response(status, &[], body)
}

#[test]
fn unauthorized_says_the_key_was_rejected() {
    let e = err(401, r#"{"message":"Unauthorized","request_id":"abc123"}"#);
    assert_eq!(e.kind, ErrorKind::Unauthorized);
    assert_eq!(
        e.message(),
        "The API key was rejected. Check it in Settings."
    );
    assert_eq!(e.request_id.as_deref(), Some("abc123"));
    assert_eq!(e.server_message, "Unauthorized");
    assert_eq!(e.status, 401);
    assert!(!e.is_retryable());
}

#[test]
fn forbidden_says_no_access() {
    let e = err(403, r#"{"detail":"You do not have access to this model"}"#);
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert!(e.message().contains("no access"), "{}", e.message());
    assert!(e.message().contains("You do not have access to this model"));
}

#[test]
fn not_found_mentions_model_and_base_url() {
    let e = err(404, r#"{"detail":"Not Found"}"#);
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.server_message, "Not Found");
    let m = e.message();
    assert!(
        m.contains("Unknown model") && m.contains("API base URL"),
        "{m}"
    );
}

#[test]
fn bad_request_invalid_model_shows_mistrals_message() {
    let e = err(
        400,
        r#"{"object":"error","message":"Invalid model: mistral-nope","type":"invalid_model","param":null,"code":"1500"}"#,
    );
    assert_eq!(e.kind, ErrorKind::BadRequest);
    assert_eq!(e.message(), "Invalid model: mistral-nope");
    assert_eq!(e.error_type.as_deref(), Some("invalid_model"));
    assert_eq!(e.code.as_deref(), Some("1500"));
}

#[test]
fn validation_error_lists_locations_and_messages() {
    let e = err(
        422,
        r#"{"object":"error","message":{"detail":[{"type":"less_than_equal","loc":["body","temperature"],"msg":"Input should be less than or equal to 1.5","input":2,"ctx":{"le":1.5}},{"type":"missing","loc":["body","messages",0,"content"],"msg":"Field required"}]},"type":"invalid_request_error","param":null,"code":null}"#,
    );
    assert_eq!(e.kind, ErrorKind::Validation);
    assert_eq!(
        e.message(),
        "The request was rejected: body.temperature: Input should be less than or equal to 1.5; \
         body.messages.0.content: Field required"
    );
    assert_eq!(e.details.len(), 2);
    assert_eq!(e.details[0].loc, ["body", "temperature"]);
    assert_eq!(e.details[0].kind, "less_than_equal");
    assert_eq!(e.code, None);
}

#[test]
fn validation_error_with_top_level_detail_list_parses() {
    let e = err(
        422,
        r#"{"detail":[{"loc":["body","top_p"],"msg":"Input should be less than or equal to 1","type":"less_than_equal"}]}"#,
    );
    assert_eq!(
        e.message(),
        "The request was rejected: body.top_p: Input should be less than or equal to 1"
    );
}

#[test]
fn validation_error_with_string_detail_parses() {
    let e = err(422, r#"{"detail":"Bad input"}"#);
    assert_eq!(e.message(), "The request was rejected: Bad input");
}

#[test]
fn rate_limit_message_gives_wait_and_mentions_spending_limit() {
    let e = ApiError::from_response(
        429,
        &headers(&[
            ("Retry-After", "12"),
            ("X-RateLimit-Remaining-Req-Minute", "5"),
        ]),
        r#"{"message":"Requests rate limit exceeded"}"#,
    );
    assert_eq!(e.kind, ErrorKind::RateLimited);
    let m = e.message();
    assert!(
        m.starts_with("Rate limit reached. Try again in 12 s."),
        "{m}"
    );
    assert!(m.contains("spending or usage limit"), "{m}");
    assert!(m.contains("Requests rate limit exceeded"), "{m}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(12)));
    assert!(e.is_retryable());
}

#[test]
fn rate_limit_confirmed_by_headers_omits_spending_note() {
    let e = ApiError::from_response(
        429,
        &headers(&[
            ("x-ratelimit-remaining-tokens-minute", "0"),
            ("x-ratelimit-limit-tokens-minute", "500000"),
        ]),
        "",
    );
    let m = e.message();
    assert_eq!(m, "Rate limit reached. Try again in a few seconds.");
    assert!(e.rate_limit.is_exhausted());
}

#[test]
fn rate_limit_wait_rounds_fractional_seconds_up() {
    let e = ApiError::from_response(429, &headers(&[("retry-after", "1.2")]), "");
    assert_eq!(e.retry_after(), Some(Duration::from_millis(1200)));
    assert!(e
        .message()
        .starts_with("Rate limit reached. Try again in 2 s."));
}

#[test]
fn retry_after_http_date_is_ignored() {
    let e = ApiError::from_response(
        503,
        &headers(&[("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")]),
        "",
    );
    assert_eq!(e.retry_after(), None);
}

#[test]
fn retry_after_ms_header_is_used_as_fallback() {
    let e = ApiError::from_response(429, &headers(&[("retry-after-ms", "1500")]), "");
    assert_eq!(e.retry_after(), Some(Duration::from_millis(1500)));
}

#[test]
fn rate_limit_headers_are_parsed_case_insensitively() {
    let e = ApiError::from_response(
        429,
        &headers(&[
            ("X-RateLimit-Limit-Tokens-Minute", "5000000"),
            ("x-ratelimit-remaining-tokens-minute", " 4999911 "),
            ("x-ratelimit-limit-req-minute", "720"),
            ("x-ratelimit-remaining-req-minute", "717"),
            ("x-ratelimit-tokens-query-cost", "52"),
            ("x-ratelimitbysize-limit-minute", "12"),
            ("x-ratelimit-remaining-tokens-month", "garbage"),
            ("content-type", "application/json"),
        ]),
        "{}",
    );
    let r = &e.rate_limit;
    assert_eq!(r.limit_tokens_minute, Some(5_000_000));
    assert_eq!(r.remaining_tokens_minute, Some(4_999_911));
    assert_eq!(r.limit_req_minute, Some(720));
    assert_eq!(r.remaining_req_minute, Some(717));
    assert_eq!(r.tokens_query_cost, Some(52));
    assert_eq!(r.remaining_tokens_month, None);
    assert_eq!(
        r.other,
        [(
            "x-ratelimitbysize-limit-minute".to_string(),
            "12".to_string()
        )]
    );
}

#[test]
fn server_errors_say_retrying_helps_and_are_retryable() {
    for status in [500, 502, 503, 504] {
        let e = err(
            status,
            r#"{"object":"error","message":"Internal server error"}"#,
        );
        assert_eq!(e.kind, ErrorKind::ServerError);
        assert!(e.is_retryable());
        let m = e.message();
        assert!(
            m.contains("Mistral's servers") && m.contains("Retrying"),
            "{m}"
        );
        assert!(m.contains(&status.to_string()));
    }
}

#[test]
fn exactly_429_and_500_502_503_504_are_retryable() {
    for status in 100..600u16 {
        let retryable = ApiError::from_response(status, &[], "").is_retryable();
        assert_eq!(
            retryable,
            matches!(status, 429 | 500 | 502 | 503 | 504),
            "{status}"
        );
    }
}

#[test]
fn html_body_is_never_shown() {
    let page =
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let e = err(502, page);
    assert!(e.html);
    assert_eq!(e.server_message, "");
    let m = e.message();
    assert!(
        m.contains("The server answered with an HTML page (HTTP 502)"),
        "{m}"
    );
    assert!(!m.contains('<'));
    let e = err(418, page);
    assert_eq!(
        e.message(),
        "The server answered with an HTML page (HTTP 418)."
    );
    let e = ApiError::from_response(400, &headers(&[("Content-Type", "text/html")]), "oops");
    assert_eq!(
        e.message(),
        "The server answered with an HTML page (HTTP 400)."
    );
}

#[test]
fn empty_body_still_gives_a_message() {
    for status in [400, 401, 403, 404, 418, 422, 429, 500, 501] {
        let e = err(status, "");
        assert!(!e.message().is_empty());
        assert_eq!(e.server_message, "");
    }
    assert_eq!(
        err(418, "").message(),
        "HTTP 418: unexpected response from the server"
    );
    assert_eq!(
        err(400, "  ").message(),
        "The request was rejected (HTTP 400)."
    );
}

#[test]
fn other_status_shows_status_and_server_message() {
    assert_eq!(
        err(409, r#"{"message":"Conflict happened"}"#).message(),
        "HTTP 409: Conflict happened"
    );
    assert_eq!(err(501, "").message(), "HTTP 501: Not Implemented");
}

#[test]
fn plain_text_body_is_used_as_message() {
    let e = err(418, "upstream connect error\nor disconnect");
    assert_eq!(e.server_message, "upstream connect error or disconnect");
}

#[test]
fn very_long_body_is_truncated() {
    let long = "x".repeat(10_000);
    let e = err(418, &long);
    assert_eq!(e.server_message.chars().count(), MAX_MESSAGE_CHARS + 1);
    assert!(e.server_message.ends_with('…'));
    let e = err(400, &json!({ "message": "é".repeat(5_000) }).to_string());
    assert!(e.message().chars().count() <= MAX_MESSAGE_CHARS + 1);
}

#[test]
fn nested_error_object_body_parses() {
    let e = err(
        400,
        r#"{"error":{"message":"Bad thing","type":"invalid_request_error","code":"x1"}}"#,
    );
    assert_eq!(e.message(), "Bad thing");
    assert_eq!(e.error_type.as_deref(), Some("invalid_request_error"));
    assert_eq!(e.code.as_deref(), Some("x1"));
}

#[test]
fn json_of_unexpected_shape_does_not_fail() {
    for body in [
        "[]",
        "null",
        "42",
        r#""just a string""#,
        r#"{"message":{"a":[1,{"b":null}]}}"#,
        "{",
    ] {
        let e = err(400, body);
        assert!(!e.message().is_empty(), "{body}");
    }
    assert_eq!(err(400, r#""just a string""#).message(), "just a string");
}

#[test]
fn request_id_falls_back_to_headers() {
    let e = ApiError::from_response(500, &headers(&[("X-Request-ID", "rid-1")]), "{}");
    assert_eq!(e.request_id.as_deref(), Some("rid-1"));
    let e = ApiError::from_response(500, &headers(&[("mistral-correlation-id", "c-2")]), "");
    assert_eq!(e.request_id.as_deref(), Some("c-2"));
}

#[test]
fn display_is_the_user_message() {
    let e = err(401, "");
    assert_eq!(e.to_string(), e.message());
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(!boxed.to_string().is_empty());
}

#[test]
fn backoff_is_exponential_and_capped() {
    let ms = |attempt| backoff(attempt, None).as_millis();
    assert_eq!(
        [ms(0), ms(1), ms(2), ms(3), ms(4), ms(5)],
        [500, 1000, 2000, 4000, 8000, 8000]
    );
    assert_eq!(backoff(u32::MAX, None), BACKOFF_MAX);
}

#[test]
fn backoff_honours_retry_after_with_a_cap() {
    assert_eq!(
        backoff(0, Some(Duration::from_secs(3))),
        Duration::from_secs(3)
    );
    assert_eq!(
        backoff(7, Some(Duration::from_millis(1))),
        Duration::from_millis(1)
    );
    assert_eq!(backoff(0, Some(Duration::from_secs(3600))), RETRY_AFTER_MAX);
    let e = ApiError::from_response(
        429,
        &headers(&[("retry-after", "99999999999999999999999")]),
        "",
    );
    assert_eq!(backoff(0, e.retry_after()), RETRY_AFTER_MAX);
}

#[test]
fn decoder_finish_feeds_mapper_finish() {
    let mapper = StreamMapper::new();
    assert_eq!(
        mapper.clone().finish(Finish::Clean),
        Err(StreamError::Incomplete {
            partial: String::new()
        })
    );
    assert_eq!(
        mapper.finish(Finish::Truncated),
        Err(StreamError::Truncated {
            partial: String::new()
        })
    );
}

#[test]
fn the_lean_model_cards_read_what_the_model_list_reads() {
    let body = r#"{"object":"list","data":[
        {"id":"mistral-small-latest","capabilities":{"completion_chat":true,"vision":true,"reasoning":true},"name":7},
        {"id":"mistral-embed","capabilities":{"completion_chat":false}},
        {"id":"no-caps"},
        {"id":"mistral-small-latest","capabilities":{"completion_chat":true}},
        {"id":""}]}"#;
    let cards = tinychat_core::mistral::chat_model_cards(body).unwrap();
    let ids: Vec<&str> = cards.iter().map(|(id, _)| id.as_str()).collect();
    let list: ModelList = serde_json::from_str(body).unwrap();
    assert_eq!(ids, list.chat_model_ids());
    assert!(cards[0].1.unwrap().vision && cards[0].1.unwrap().reasoning);
    assert_eq!(cards[1].1, None);
    assert!(tinychat_core::mistral::chat_model_cards("not json").is_err());
}
