//! Mistral's platform features in core: reasoning (thinking kept apart, replayed in the
//! history as Mistral asks, reasoning_effort), agents (their endpoint and body), sources.

use serde_json::{json, Value};
use tinychat_core::chat::{import_json, Conversation};
use tinychat_core::mistral::{ChatMessage, ChatRequest, Source};
use tinychat_core::options::{parse_options, SettingsError, SettingsForm};

fn reasoned() -> (Conversation, u64) {
    let mut c = Conversation::new("c", 1_000.0);
    c.push_user("What is 17 * 23?", 1_000.0);
    let id = c.start_assistant("magistral-small-latest", 2_000.0);
    assert!(c.append_thinking(id, "17 * 20 = 340, "));
    assert!(c.append_thinking(id, "17 * 3 = 51."));
    assert!(c.end_thinking(id, 6_500.0));
    assert!(!c.end_thinking(id, 9_000.0), "recorded once");
    c.append_delta(id, "391");
    c.add_source(
        id,
        Source {
            title: "Multiplication".into(),
            url: Some("https://en.wikipedia.org/wiki/Multiplication".into()),
            tool: "web_search".into(),
        },
    );
    c.finish(id, None, 7_000.0);
    (c, id)
}

#[test]
fn thinking_is_kept_apart_timed_and_replayed_as_chunks() {
    let (c, id) = reasoned();
    let m = c.message(id).unwrap();
    assert_eq!(m.text, "391");
    assert_eq!(m.thinking, "17 * 20 = 340, 17 * 3 = 51.");
    assert_eq!(m.thought_ms, Some(4_500.0));
    let wire = serde_json::to_value(c.request_messages(None)).unwrap();
    assert_eq!(
        wire[1],
        json!({"role": "assistant", "content": [
            {"type": "thinking", "thinking": [{"type": "text", "text": "17 * 20 = 340, 17 * 3 = 51."}]},
            {"type": "text", "text": "391"}
        ]})
    );
    // Text exports and Copy leave the thinking out; the JSON export keeps it.
    assert!(!c.to_markdown().contains("340"));
    assert!(!c.to_plain_text().contains("340"));
    let back = import_json(&c.to_json()).unwrap();
    assert_eq!(back.message(id).unwrap().thinking, m.thinking);
    assert_eq!(back.message(id).unwrap().sources, m.sources);
}

#[test]
fn a_reply_that_ends_while_thinking_still_records_the_time() {
    let mut c = Conversation::new("c", 0.0);
    c.push_user("Hi", 0.0);
    let id = c.start_assistant("m", 1_000.0);
    c.append_thinking(id, "hmm");
    c.stop(id, 3_000.0);
    assert_eq!(c.message(id).unwrap().thought_ms, Some(2_000.0));
}

#[test]
fn sources_are_not_repeated() {
    let (mut c, _) = reasoned();
    c.push_user("Again", 8_000.0);
    let id = c.start_assistant("m", 8_000.0);
    let s = |title: &str, url: Option<&str>| Source {
        title: title.into(),
        url: url.map(Into::into),
        tool: String::new(),
    };
    assert!(c.add_source(id, s("A", Some("https://a.example/"))));
    assert!(!c.add_source(id, s("A again", Some("https://a.example/"))));
    assert!(c.add_source(id, s("B", None)));
    assert!(!c.add_source(id, s("B", None)));
    assert_eq!(c.message(id).unwrap().sources.len(), 2);
}

#[test]
fn an_agent_request_goes_to_the_agents_endpoint_without_model_settings() {
    let mut request = ChatRequest::new("mistral-small-latest", vec![ChatMessage::user("Hi")]);
    request.temperature = Some(0.3);
    request.max_tokens = Some(100);
    request.reasoning_effort = Some("high".into());
    assert_eq!(request.path(), "/v1/chat/completions");
    let body: Value = serde_json::from_str(&request.to_json()).unwrap();
    assert_eq!(body["model"], "mistral-small-latest");
    assert_eq!(body["reasoning_effort"], "high");

    request.agent_id = Some("ag:shop".into());
    assert_eq!(request.path(), "/v1/agents/completions");
    let body: Value = serde_json::from_str(&request.to_json()).unwrap();
    assert_eq!(
        body,
        json!({"agent_id": "ag:shop", "messages": [{"role": "user", "content": "Hi"}],
               "max_tokens": 100, "stream": true})
    );
}

#[test]
fn reasoning_and_agent_options_and_settings() {
    let (opts, warnings) = parse_options([("reasoning-effort", "High"), ("agent-id", "ag:1")]);
    assert!(warnings.is_empty());
    assert_eq!(opts.reasoning_effort.as_deref(), Some("high"));
    assert_eq!(opts.agent_id.as_deref(), Some("ag:1"));
    let (opts, warnings) = parse_options([("reasoning-effort", "max"), ("agent-id", "a b")]);
    assert_eq!(warnings.len(), 2);
    assert_eq!((opts.reasoning_effort, opts.agent_id), (None, None));

    let form = SettingsForm {
        api_base: "/".into(),
        model: "m".into(),
        agent_id: "not an id".into(),
        ..Default::default()
    };
    assert_eq!(form.validate(), Err(vec![SettingsError::AgentId]));
    let form = SettingsForm {
        agent_id: " ag:1 ".into(),
        reasoning_effort: "none".into(),
        ..form
    };
    let settings = form.validate().unwrap();
    assert_eq!(settings.agent_id.as_deref(), Some("ag:1"));
    assert_eq!(settings.reasoning_effort.as_deref(), Some("none"));
}

fn image(name: &str) -> tinychat_core::chat::Image {
    tinychat_core::chat::Image {
        name: name.into(),
        data_url: format!("data:image/png;base64,{name}"),
        width: 2,
        height: 2,
    }
}

#[test]
fn images_go_as_a_content_list_and_at_most_eight_per_request() {
    let mut c = Conversation::new("c", 0.0);
    c.push_user_with_images("What is this?", vec![image("a.png"), image("b.png")], 1.0);
    let wire = serde_json::to_value(c.request_messages(None)).unwrap();
    assert_eq!(
        wire[0],
        json!({"role": "user", "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": "data:image/png;base64,a.png"},
            {"type": "image_url", "image_url": "data:image/png;base64,b.png"}
        ]})
    );
    // A reply, then seven more images: the two oldest drop out of the history.
    let r = c.start_assistant("m", 2.0);
    c.append_delta(r, "A square.");
    c.finish(r, None, 3.0);
    let seven: Vec<_> = (0..7).map(|i| image(&format!("n{i}.png"))).collect();
    c.push_user_with_images("And these?", seven, 4.0);
    let wire = serde_json::to_value(c.request_messages(None)).unwrap();
    let count = |m: &Value| {
        m["content"].as_array().map_or(0, |parts| {
            parts.iter().filter(|p| p["type"] == "image_url").count()
        })
    };
    assert_eq!(count(&wire[0]), 1);
    assert_eq!(
        wire[0]["content"][1]["image_url"],
        "data:image/png;base64,b.png"
    );
    assert_eq!(count(&wire[2]), 7);
    // Consecutive user messages with images are not merged.
    let mut c = Conversation::new("d", 0.0);
    c.push_user("one", 1.0);
    c.push_user_with_images("two", vec![image("x.png")], 2.0);
    assert_eq!(c.request_messages(None).len(), 2);
}

#[test]
fn images_are_marked_in_text_exports_and_kept_in_json() {
    let mut c = Conversation::new("c", 0.0);
    let id = c.push_user_with_images("Look", vec![image("cat photo.png")], 1.0);
    assert!(c.to_markdown().contains("[image: cat photo.png]"));
    assert!(c
        .to_plain_text()
        .contains("You: Look\n[image: cat photo.png]"));
    let back = import_json(&c.to_json()).unwrap();
    assert_eq!(
        back.message(id).unwrap().images,
        c.message(id).unwrap().images
    );
}
