//! Page tools in the conversation: calls and results kept, paired in the request history as
//! Mistral expects, exported, retried, and read from a streamed reply.

use serde_json::{json, Value};
use tinychat_core::chat::{import_json, Conversation, MessageState, Role};
use tinychat_core::mistral::{
    parse_tool_specs, ChatRequest, StreamMapper, ToolInvocation, ToolOutcome,
};
use tinychat_core::sse::Decoder;

fn call(id: &str, name: &str, args: &str) -> ToolInvocation {
    ToolInvocation {
        id: id.into(),
        name: name.into(),
        arguments: args.into(),
    }
}

/// A reply of `c` that asked for `calls`, started at `now` and done.
fn asked(c: &mut Conversation, calls: Vec<ToolInvocation>, now: f64) -> u64 {
    let ask = c.start_assistant("m", now);
    assert!(c.set_tool_calls(ask, calls));
    assert!(c.finish(ask, None, now + 1.0));
    ask
}

/// `call` answered by the page with `result` (JSON text), from `now`.
fn answered(c: &mut Conversation, call: ToolInvocation, result: &str, now: f64) -> u64 {
    let t = c.start_tool(call, now);
    let report = json!({"ok": true, "result": result}).to_string();
    assert!(c.finish_tool(t, ToolOutcome::from_report(&report), now + 1.0));
    t
}

/// user → reply asking for two tools → both results → the continuation.
fn round_trip() -> (Conversation, u64, u64) {
    let mut c = Conversation::new("c1", 1.0);
    c.push_user("Find me a lamp", 2.0);
    let ask = c.start_assistant("m", 3.0);
    assert!(c.set_tool_calls(
        ask,
        vec![
            call("aaaaaaaaa", "find_product", r#"{"q":"lamp"}"#),
            call("bbbbbbbbb", "stock", r#"{"sku":"L-1"}"#),
        ],
    ));
    assert!(c.finish(ask, None, 4.0));
    let t1 = c.start_tool(call("aaaaaaaaa", "find_product", r#"{"q":"lamp"}"#), 5.0);
    assert_eq!(c.message(t1).unwrap().state, MessageState::Streaming);
    assert!(c.finish_tool(
        t1,
        ToolOutcome::from_report(r#"{"ok":true,"result":"{\"sku\":\"L-1\"}"}"#),
        6.0
    ));
    let t2 = c.start_tool(call("bbbbbbbbb", "stock", r#"{"sku":"L-1"}"#), 7.0);
    assert!(c.finish_tool(t2, ToolOutcome::error("Timed out after 30 s"), 8.0));
    let reply = c.start_assistant("m", 9.0);
    c.append_delta(reply, "The lamp L-1 is in stock.");
    c.finish(reply, None, 10.0);
    (c, t1, t2)
}

#[test]
fn the_history_pairs_each_call_with_its_result() {
    let (c, _, _) = round_trip();
    let messages = c.request_messages(None);
    let wire: Value = serde_json::to_value(&messages).unwrap();
    assert_eq!(
        wire,
        json!([
            {"role": "user", "content": "Find me a lamp"},
            {"role": "assistant", "content": "", "tool_calls": [
                {"id": "aaaaaaaaa", "type": "function", "function": {"name": "find_product", "arguments": "{\"q\":\"lamp\"}"}},
                {"id": "bbbbbbbbb", "type": "function", "function": {"name": "stock", "arguments": "{\"sku\":\"L-1\"}"}}
            ]},
            {"role": "tool", "content": "{\"sku\":\"L-1\"}", "tool_call_id": "aaaaaaaaa", "name": "find_product"},
            {"role": "tool", "content": "{\"error\":\"Timed out after 30 s\"}", "tool_call_id": "bbbbbbbbb", "name": "stock"},
            {"role": "assistant", "content": "The lamp L-1 is in stock."}
        ])
    );
    assert_eq!(c.tool_rounds(), 1);
}

/// "Find", a reply calling `one` and `two` at `t`, `one` answered, then Stop while `two` runs.
/// Returns whether the stop took.
fn round_stopped_in_second_call(c: &mut Conversation, t: f64) -> bool {
    c.push_user("Find", t - 1.0);
    asked(c, vec![call("a", "one", "{}"), call("b", "two", "{}")], t);
    answered(c, call("a", "one", "{}"), "1", t + 2.0);
    let t2 = c.start_tool(call("b", "two", "{}"), t + 4.0);
    c.stop(t2, t + 5.0)
}

#[test]
fn a_round_cut_short_sends_only_the_answered_calls() {
    let mut c = Conversation::new("c1", 1.0);
    // Stop while the second handler runs.
    assert!(round_stopped_in_second_call(&mut c, 3.0));
    // The continuation never came: Mistral refuses a user message right after a tool result,
    // so the round is left out and the two user turns merge.
    c.push_user("Never mind", 9.0);
    let wire: Value = serde_json::to_value(c.request_messages(None)).unwrap();
    assert_eq!(
        wire,
        json!([{"role": "user", "content": "Find\n\nNever mind"}])
    );
    // While the continuation is asked for, the answered call is kept and the stopped one left out.
    c.retry();
    round_stopped_in_second_call(&mut c, 11.0);
    let wire: Value = serde_json::to_value(c.request_messages(None)).unwrap();
    let last = wire.as_array().unwrap().len() - 1;
    assert_eq!(wire[last]["role"], "tool");
    assert_eq!(wire[last - 1]["tool_calls"].as_array().unwrap().len(), 1);
    assert_eq!(wire[last - 1]["tool_calls"][0]["id"], "a");

    // A round with no answer at all sends neither the calls nor a lone result.
    let mut c = Conversation::new("c2", 1.0);
    c.push_user("Find", 2.0);
    asked(&mut c, vec![call("a", "one", "{}")], 3.0);
    let t = c.start_tool(call("a", "one", "{}"), 5.0);
    c.stop(t, 6.0);
    let wire: Value = serde_json::to_value(c.request_messages(None)).unwrap();
    assert_eq!(wire, json!([{"role": "user", "content": "Find"}]));
}

#[test]
fn retry_drops_the_whole_tool_round() {
    let (mut c, _, _) = round_trip();
    assert!(c.retry());
    assert_eq!(c.messages().len(), 1);
    assert_eq!(c.messages()[0].role, Role::User);
    assert_eq!(c.tool_rounds(), 0);
}

#[test]
fn tool_messages_survive_the_json_export() {
    let (c, t1, t2) = round_trip();
    let json = c.to_json();
    let back = import_json(&json).unwrap();
    let m1 = back.message(t1).unwrap();
    assert_eq!(m1.role, Role::Tool);
    assert_eq!(m1.tool_call.as_ref().unwrap().name, "find_product");
    assert_eq!(m1.text, r#"{"sku":"L-1"}"#);
    assert!(!m1.tool_failed);
    assert!(back.message(t2).unwrap().tool_failed);
    assert_eq!(back.messages()[1].tool_calls.len(), 2);
    assert_eq!(back.request_messages(None), c.request_messages(None));
}

#[test]
fn text_exports_name_the_tools_used() {
    let (c, _, _) = round_trip();
    let md = c.to_markdown();
    assert!(
        md.contains("**Tool** `find_product` `{\"q\":\"lamp\"}`"),
        "{md}"
    );
    assert_eq!(md.matches("**Assistant**").count(), 1, "{md}");
    let text = c.to_plain_text();
    assert!(
        text.contains("Tool stock {\"sku\":\"L-1\"}: {\"error\":"),
        "{text}"
    );
}

#[test]
fn the_request_offers_tools_and_forbids_them_in_the_last_round() {
    let specs = parse_tool_specs(
        r#"[{"name":"find_product","description":"Finds a product","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}]"#,
    );
    let mut request = ChatRequest::new("m", Vec::new());
    request.offer_tools(specs.clone(), false);
    let body: Value = serde_json::from_str(&request.to_json()).unwrap();
    assert_eq!(body["tool_choice"], "auto");
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], "find_product");
    request.offer_tools(specs, true);
    let body: Value = serde_json::from_str(&request.to_json()).unwrap();
    assert_eq!(body["tool_choice"], "none");

    let mut plain = ChatRequest::new("m", Vec::new());
    plain.offer_tools(Vec::new(), false);
    let body: Value = serde_json::from_str(&plain.to_json()).unwrap();
    assert!(body.get("tools").is_none() && body.get("tool_choice").is_none());
}

#[test]
fn a_streamed_reply_yields_its_tool_calls() {
    let body = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\",\"tool_calls\":[{\"id\":\"aaaaaaaaa\",\"function\":{\"name\":\"find_product\",\"arguments\":\"{\\\"q\\\": \\\"lamp\\\"}\"},\"index\":0}]},\"finish_reason\":\"tool_calls\"}]}\n\n",
        "data: [DONE]\n\n"
    );
    let mut decoder = Decoder::new();
    let mut mapper = StreamMapper::new();
    for chunk in body.as_bytes().chunks(5) {
        for event in decoder.push(chunk).unwrap() {
            mapper.on_event(&event).unwrap();
        }
    }
    let summary = mapper.finish(decoder.finish()).unwrap();
    assert_eq!(summary.text, "");
    assert_eq!(summary.finish_reason.unwrap().as_str(), "tool_calls");
    assert_eq!(
        summary.tool_calls,
        vec![call("aaaaaaaaa", "find_product", r#"{"q": "lamp"}"#)]
    );
}

#[test]
fn a_round_whose_continuation_never_came_is_left_out_before_the_next_user_message() {
    let mut c = Conversation::new("c", 1.0);
    c.push_user("Find", 2.0);
    asked(&mut c, vec![call("aaaaaaaaa", "one", "{}")], 3.0);
    answered(&mut c, call("aaaaaaaaa", "one", "{}"), "1", 5.0);
    // While the continuation is asked for, the round ends the request.
    let wire: Value = serde_json::to_value(c.request_messages(None)).unwrap();
    assert_eq!(wire.as_array().unwrap().last().unwrap()["role"], "tool");
    // Stopped before any text: the next user message must not follow a tool message.
    let cont = c.start_assistant("m", 7.0);
    c.stop(cont, 8.0);
    c.push_user("Never mind", 9.0);
    let wire: Value = serde_json::to_value(c.request_messages(None)).unwrap();
    let roles: Vec<&str> = wire
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user"]);
    assert!(
        !roles.windows(2).any(|w| w == ["tool", "user"]),
        "{roles:?}"
    );
    assert!(!roles.contains(&"tool"));
}

#[test]
fn thinking_before_a_tool_call_is_replayed_with_it() {
    let mut c = Conversation::new("c", 1.0);
    c.push_user("Find", 2.0);
    let ask = c.start_assistant("magistral-small-latest", 3.0);
    c.append_thinking(ask, "I should look it up.");
    c.set_tool_calls(ask, vec![call("aaaaaaaaa", "one", "{}")]);
    c.finish(ask, None, 4.0);
    answered(&mut c, call("aaaaaaaaa", "one", "{}"), "1", 5.0);
    let wire: Value = serde_json::to_value(c.request_messages(None)).unwrap();
    assert_eq!(wire[1]["content"][0]["type"], "thinking");
    assert_eq!(wire[1]["tool_calls"][0]["id"], "aaaaaaaaa");
}

#[test]
fn imported_sources_and_images_are_vetted() {
    let json = json!({"format": "tinychat.conversation", "version": 1, "conversation": {
    "id": "x", "title": "t", "created_ms": 1, "updated_ms": 1, "messages": [
        {"id": 1, "role": "user", "text": "hi", "state": "done", "created_ms": 1,
         "images": [{"name": "ok.png", "data_url": "data:image/png;base64,AAAA"},
                    {"name": "pixel", "data_url": "https://tracker.example/p.gif"}]},
        {"id": 2, "role": "assistant", "text": "yo", "state": "done", "created_ms": 2,
         "sources": [{"title": "bad", "url": "javascript:alert(1)"},
                     {"title": "good", "url": "https://docs.mistral.ai/"}]}
    ]}});
    let c = import_json(&json.to_string()).unwrap();
    let images = &c.message(1).unwrap().images;
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].name, "ok.png");
    let sources = &c.message(2).unwrap().sources;
    assert_eq!(sources[0].url, None);
    assert_eq!(sources[1].url.as_deref(), Some("https://docs.mistral.ai/"));
}

#[test]
fn reference_chunks_cite_the_documents_a_tool_returned() {
    let mut c = Conversation::new("c", 1.0);
    c.push_user("What do the docs say?", 2.0);
    asked(&mut c, vec![call("aaaaaaaaa", "search_docs", "{}")], 3.0);
    let docs = json!({
        "0": {"url": "https://docs.mistral.ai/capabilities/citations/", "title": "Citations", "snippets": ["…"]},
        "1": {"url": "javascript:alert(1)", "title": "Not a link"},
        "2": {"source": "Internal wiki"}
    })
    .to_string();
    answered(&mut c, call("aaaaaaaaa", "search_docs", "{}"), &docs, 5.0);
    let reply = c.start_assistant("m", 7.0);
    assert_eq!(c.cite(reply, &["0".into(), "1".into(), "7".into()]), 2);
    assert_eq!(c.cite(reply, &["0".into(), "2".into()]), 1, "no duplicates");
    let sources = &c.message(reply).unwrap().sources;
    assert_eq!(sources[0].title, "Citations");
    assert_eq!(
        sources[0].url.as_deref(),
        Some("https://docs.mistral.ai/capabilities/citations/")
    );
    assert_eq!(
        (sources[1].title.as_str(), sources[1].url.as_deref()),
        ("Not a link", None)
    );
    assert_eq!(sources[2].title, "Internal wiki");
    // A list with ids works too.
    let mut c = Conversation::new("d", 1.0);
    c.push_user("q", 2.0);
    asked(&mut c, vec![call("bbbbbbbbb", "s", "{}")], 3.0);
    let docs = json!([{"id": 3, "title": "Three", "url": "https://three.example/"}]).to_string();
    answered(&mut c, call("bbbbbbbbb", "s", "{}"), &docs, 5.0);
    let reply = c.start_assistant("m", 7.0);
    assert_eq!(c.cite(reply, &["3".into()]), 1);
}
