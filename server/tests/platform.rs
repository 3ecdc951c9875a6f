//! Mistral's platform in the local server: thinking chunks, reasoning_effort, agents,
//! sources, and the capability flags of the model cards.

mod common;

use common::{chat, config, request, start};
use serde_json::{json, Value};

fn body(model: &str, text: &str, extra: Value) -> Value {
    let mut body = json!({ "model": model, "stream": true,
        "messages": [{ "role": "user", "content": text }] });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    body
}

fn thinking_and_text(chunks: &[Value]) -> (String, String) {
    let (mut thinking, mut text) = (String::new(), String::new());
    for chunk in chunks {
        match &chunk["choices"][0]["delta"]["content"] {
            Value::String(s) => text.push_str(s),
            Value::Array(parts) => {
                for part in parts {
                    if part["type"] == "thinking" {
                        for t in part["thinking"].as_array().unwrap() {
                            thinking.push_str(t["text"].as_str().unwrap());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    (thinking, text)
}

#[tokio::test]
async fn magistral_thinks_before_it_answers() {
    let server = start(config()).await;
    let response = chat(
        server,
        &body("magistral-small-latest", "Hi there", json!({})),
    )
    .await;
    assert_eq!(response.status, 200);
    let (thinking, text) = thinking_and_text(&response.chunks_json());
    assert!(
        thinking.starts_with("The user wrote \"Hi there\""),
        "{thinking}"
    );
    assert!(text.starts_with("You said: \"Hi there\""), "{text}");
}

#[tokio::test]
async fn reasoning_effort_high_makes_a_reasoning_model_think() {
    let server = start(config()).await;
    let high = json!({ "reasoning_effort": "high" });
    let response = chat(server, &body("mistral-small-latest", "Hi", high.clone())).await;
    assert!(!thinking_and_text(&response.chunks_json()).0.is_empty());
    let none = json!({ "reasoning_effort": "none" });
    let response = chat(server, &body("mistral-small-latest", "Hi", none)).await;
    assert!(thinking_and_text(&response.chunks_json()).0.is_empty());
    let response = chat(server, &body("open-mistral-nemo", "Hi", high)).await;
    assert!(thinking_and_text(&response.chunks_json()).0.is_empty());
    let response = chat(
        server,
        &body(
            "mistral-small-latest",
            "Hi",
            json!({ "reasoning_effort": "max" }),
        ),
    )
    .await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.json()["message"]["detail"][0]["loc"],
        json!(["body", "reasoning_effort"])
    );
}

#[tokio::test]
async fn agents_answer_by_id_and_refuse_model_settings() {
    let server = start(config()).await;
    let agent = |body: Value| {
        let body = body.to_string();
        async move {
            request(
                server,
                "POST",
                "/v1/agents/completions",
                &[("content-type", "application/json")],
                body.as_bytes(),
            )
            .await
        }
    };
    let ok = agent(json!({ "agent_id": "ag:tinychat:shop", "stream": false,
        "messages": [{ "role": "user", "content": "Hello" }] }))
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let json = ok.json();
    assert!(json["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .starts_with("Shop assistant: You said: \"Hello\""));
    assert_eq!(json["model"], "mistral-small-latest");

    let unknown = agent(
        json!({ "agent_id": "ag:nobody", "messages": [{ "role": "user", "content": "Hi" }] }),
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.json()["message"],
        "Agent with id ag:nobody not found"
    );

    let with_model = agent(
        json!({ "agent_id": "ag:tinychat:shop", "model": "mistral-small-latest",
        "temperature": 0.2, "messages": [{ "role": "user", "content": "Hi" }] }),
    )
    .await;
    assert_eq!(with_model.status, 422);
    let locs: Vec<Value> = with_model.json()["message"]["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["loc"].clone())
        .collect();
    assert!(
        locs.contains(&json!(["body", "model"])) && locs.contains(&json!(["body", "temperature"])),
        "{locs:?}"
    );

    let missing = agent(json!({ "messages": [{ "role": "user", "content": "Hi" }] })).await;
    assert_eq!(missing.status, 422);
    assert_eq!(
        missing.json()["message"]["detail"][0]["loc"],
        json!(["body", "agent_id"])
    );
}

#[tokio::test]
async fn sources_stream_as_reference_and_tool_reference_chunks() {
    let server = start(config()).await;
    let response = chat(
        server,
        &body("mistral-small-latest", "Tell me [sources]", json!({})),
    )
    .await;
    let chunks = response.chunks_json();
    let parts: Vec<&Value> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_array())
        .flatten()
        .collect();
    assert_eq!(parts[0]["type"], "reference");
    let refs: Vec<&Value> = parts
        .iter()
        .copied()
        .filter(|p| p["type"] == "tool_reference")
        .collect();
    assert_eq!(refs.len(), 3);
    assert_eq!(refs[0]["url"], "https://docs.mistral.ai/");
    assert_eq!(refs[2]["url"], "javascript:alert(1)");
    // The search agent cites without the directive.
    let agent = json!({ "agent_id": "ag:tinychat:search", "stream": true,
        "messages": [{ "role": "user", "content": "Find" }] })
    .to_string();
    let response = request(
        server,
        "POST",
        "/v1/agents/completions",
        &[("content-type", "application/json")],
        agent.as_bytes(),
    )
    .await;
    assert!(response.text().contains("tool_reference"));
}

#[tokio::test]
async fn model_cards_carry_the_capability_flags() {
    let server = start(config()).await;
    let response = request(server, "GET", "/v1/models", &[], b"").await;
    let list = response.json();
    let card = |id: &str| {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        card("magistral-small-latest")["capabilities"]["reasoning"],
        true
    );
    assert_eq!(card("mistral-small-latest")["capabilities"]["vision"], true);
    assert_eq!(card("open-mistral-nemo")["capabilities"]["vision"], false);
    assert_eq!(
        card("open-mistral-nemo")["capabilities"]["reasoning"],
        false
    );
}

fn with_images(model: &str, urls: &[&str]) -> Value {
    let mut content = vec![json!({ "type": "text", "text": "What is this?" })];
    content.extend(
        urls.iter()
            .map(|u| json!({ "type": "image_url", "image_url": u })),
    );
    json!({ "model": model, "messages": [{ "role": "user", "content": content }] })
}

const PNG: &str = "data:image/png;base64,iVBORw0KGgo=";

#[tokio::test]
async fn images_are_validated_counted_and_refused_by_models_that_cannot_see() {
    let server = start(config()).await;
    let ok = chat(
        server,
        &with_images("mistral-small-latest", &[PNG, "https://example.com/a.jpg"]),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert!(ok.json()["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .ends_with("I received 2 images."));
    let object_form = json!({ "model": "mistral-small-latest", "messages": [{ "role": "user", "content": [
        { "type": "image_url", "image_url": { "url": PNG, "detail": "high" } }] }] });
    assert_eq!(chat(server, &object_form).await.status, 200);

    let bad = chat(
        server,
        &with_images(
            "mistral-small-latest",
            &["data:image/bmp;base64,AAAA", "ftp://x"],
        ),
    )
    .await;
    assert_eq!(bad.status, 422);
    let detail = bad.json()["message"]["detail"].clone();
    assert_eq!(detail.as_array().unwrap().len(), 2);
    assert_eq!(
        detail[0]["loc"],
        json!(["body", "messages", 0, "user", "content", 1, "image_url"])
    );

    let blind = chat(server, &with_images("open-mistral-nemo", &[PNG])).await;
    assert_eq!(blind.status, 400);
    assert_eq!(
        blind.json()["message"],
        "Image input is not supported for model open-mistral-nemo"
    );

    let nine = chat(server, &with_images("mistral-small-latest", &[PNG; 9])).await;
    assert_eq!(nine.status, 400);
    assert_eq!(
        nine.json()["message"],
        "Too many images in request. Max is 8, got 9."
    );
}
