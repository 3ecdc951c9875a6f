//! Browser tests in headless Chromium (`cargo test --target wasm32-unknown-unknown`).
//!
//! Each test mounts a widget into a fresh element (inside its own shadow root, as on a real
//! page), replaces `window.fetch` with a stub that streams chosen chunks through a real
//! `ReadableStream`, types, presses Enter, and asserts on the DOM by role and name.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_timers::future::sleep;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit, ShadowRoot,
};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const enc = new TextEncoder();
export function install_fetch(plan) {
  // plan: array of responses, used in order (the last one repeats):
  //   { status, headers: {..}, chunks: [string], hold: bool (never close), body: string }
  window.__tc_requests = [];
  let n = 0;
  window.fetch = async (input, init) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const body = await req.clone().text();
    const headers = {};
    req.headers.forEach((v, k) => { headers[k] = v; });
    if (req.url.endsWith('/v1/models')) {
      window.__tc_model_requests = (window.__tc_model_requests || 0) + 1;
      return new Response(JSON.stringify({ object: 'list', data: [{ id: 'stub-model-a' }, { id: 'stub-model-b' }] }),
        { status: 200, headers: { 'content-type': 'application/json' } });
    }
    window.__tc_requests.push({ url: req.url, method: req.method, headers, body });
    window.__tc_signals = (window.__tc_signals || []).concat([req.signal]);
    const p = plan[Math.min(n, plan.length - 1)];
    n += 1;
    if (p.network_error) { throw new TypeError('Failed to fetch'); }
    const signal = req.signal;
    const stream = new ReadableStream({
      async start(controller) {
        if (p.hold) {
          signal.addEventListener('abort', () => { try { controller.error(new DOMException('aborted', 'AbortError')); } catch (e) {} });
        }
        for (const c of (p.chunks || [])) {
          controller.enqueue(typeof c === 'string' ? enc.encode(c) : new Uint8Array(c));
          await new Promise(r => setTimeout(r, 1));
        }
        if (p.hold) { return; }
        controller.close();
      }
    });
    if (p.body !== undefined) {
      return new Response(p.body, { status: p.status || 200, headers: p.headers || {} });
    }
    return new Response(stream, { status: p.status || 200, headers: p.headers || { 'content-type': 'text/event-stream' } });
  };
}
export function last_signal_aborted() {
  const s = window.__tc_signals || [];
  return s.length > 0 && s[s.length - 1].aborted;
}
export function requests() { return window.__tc_requests || []; }
export function request_count() { return (window.__tc_requests || []).length; }
export function request_json(i) { return JSON.stringify(window.__tc_requests[i]); }
"#)]
extern "C" {
    fn install_fetch(plan: JsValue);
    fn request_count() -> u32;
    fn request_json(i: u32) -> String;
    fn last_signal_aborted() -> bool;
}

fn sse_chunk(content: &str) -> String {
    let json = serde_json::json!({
        "id": "t", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]
    });
    format!("data: {json}\n\n")
}

fn sse_reply(pieces: &[&str]) -> Vec<String> {
    let mut out = vec![
        "data: {\"id\":\"t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n".to_string(),
    ];
    out.extend(pieces.iter().map(|p| sse_chunk(p)));
    out.push("data: {\"id\":\"t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}\n\n".to_string());
    out.push("data: [DONE]\n\n".to_string());
    out
}

fn plan(responses: serde_json::Value) {
    install_fetch(js_sys::JSON::parse(&responses.to_string()).expect("valid JSON plan"));
}

fn ok_stream(pieces: &[&str]) -> serde_json::Value {
    serde_json::json!({ "chunks": sse_reply(pieces) })
}

struct Widget {
    host: Element,
    root: ShadowRoot,
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn session_storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

fn fresh_ns() -> String {
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    format!("tc-test-{n}-{}", (js_sys::Math::random() * 1e9) as u64)
}

static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Mounts a widget with extra data attributes, in its own storage namespace unless given.
async fn mount(attrs: &[(&str, &str)]) -> Widget {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    host.set_attribute("data-tinychat", "").unwrap();
    let ns = fresh_ns();
    let mut pairs: Vec<(String, String)> = vec![
        ("api-base".into(), "http://stub.invalid".into()),
        ("storage-key".into(), ns),
    ];
    for (k, v) in attrs {
        pairs.retain(|(pk, _)| pk != k);
        pairs.push((k.to_string(), v.to_string()));
    }
    document.body().unwrap().append_child(&host).unwrap();
    assert!(tinychat::embed::mount_with(&host, pairs));
    tick().await;
    let root = host.shadow_root().expect("shadow root");
    Widget { host, root }
}

async fn tick() {
    sleep(Duration::from_millis(5)).await;
}

/// Lets IndexedDB writes started by a widget land (they are async; a few ms in practice).
async fn settle() {
    sleep(Duration::from_millis(300)).await;
}

/// Waits (up to ~20 s; the timeout test needs ~8 s) until `cond` holds.
async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..4000 {
        if cond() {
            return;
        }
        sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting for: {what}");
}

impl Widget {
    fn q(&self, sel: &str) -> Option<Element> {
        self.root.query_selector(sel).ok().flatten()
    }
    fn all(&self, sel: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(sel).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into().ok())
            .collect()
    }
    fn button(&self, name: &str) -> Option<HtmlElement> {
        self.all("button").into_iter().find_map(|b| {
            let label = b
                .get_attribute("aria-label")
                .or_else(|| b.text_content())
                .unwrap_or_default();
            (label.trim() == name).then(|| b.dyn_into().unwrap())
        })
    }
    fn click(&self, name: &str) {
        self.button(name)
            .unwrap_or_else(|| panic!("no button named {name}"))
            .click();
    }
    fn textarea(&self) -> HtmlTextAreaElement {
        self.q("textarea[aria-label='Message']")
            .expect("composer")
            .dyn_into()
            .unwrap()
    }
    fn type_text(&self, text: &str) {
        let ta = self.textarea();
        ta.set_value(text);
        let ev = web_sys::InputEvent::new("input").unwrap();
        ta.dispatch_event(&ev).unwrap();
    }
    fn key(&self, key: &str, shift: bool) -> bool {
        self.key_with(key, shift, false)
    }
    fn key_with(&self, key: &str, shift: bool, composing: bool) -> bool {
        let init = KeyboardEventInit::new();
        init.set_key(key);
        init.set_shift_key(shift);
        init.set_is_composing(composing);
        init.set_bubbles(true);
        init.set_cancelable(true);
        let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        self.textarea().dispatch_event(&ev).unwrap()
    }
    async fn send(&self, text: &str) {
        self.type_text(text);
        tick().await;
        self.key("Enter", false);
        tick().await;
    }
    fn articles(&self, role: &str) -> Vec<Element> {
        self.all(&format!("article[data-role='{role}']"))
    }
    fn last_assistant(&self) -> Element {
        self.articles("assistant")
            .pop()
            .expect("an assistant message")
    }
    fn state(&self) -> String {
        self.last_assistant()
            .get_attribute("data-state")
            .unwrap_or_default()
    }
    async fn until_state(&self, state: &str) {
        until(&format!("assistant state {state}"), || {
            self.articles("assistant")
                .last()
                .and_then(|a| a.get_attribute("data-state"))
                .as_deref()
                == Some(state)
        })
        .await;
    }
    async fn until_text(&self, needle: &str) {
        until(&format!("reply containing {needle:?}"), || {
            self.last_assistant()
                .text_content()
                .unwrap_or_default()
                .contains(needle)
        })
        .await;
    }
    fn section(&self) -> Element {
        self.q("section").expect("root section")
    }
}

impl Drop for Widget {
    fn drop(&mut self) {
        tinychat::embed::unmount(&self.host);
        self.host.remove();
    }
}

fn request(i: u32) -> serde_json::Value {
    serde_json::from_str(&request_json(i)).unwrap()
}

#[wasm_bindgen_test]
async fn enter_streams_a_reply_from_fetch_into_the_assistant_message() {
    plan(serde_json::json!([ok_stream(&["Hel", "lo ", "wörld"])]));
    let w = mount(&[]).await;
    assert_eq!(
        w.section().get_attribute("aria-label").as_deref(),
        Some("TinyChat")
    );
    w.send("Hi there").await;
    w.until_state("done").await;
    let text = w.last_assistant().text_content().unwrap();
    assert!(text.contains("Hello wörld"), "got {text}");
    assert_eq!(w.articles("user").len(), 1);
    assert_eq!(
        w.section().get_attribute("aria-busy").as_deref(),
        Some("false")
    );

    let req = request(0);
    assert_eq!(req["url"], "http://stub.invalid/v1/chat/completions");
    assert_eq!(req["method"], "POST");
    assert_eq!(req["headers"]["accept"], "text/event-stream");
    assert_eq!(req["headers"]["content-type"], "application/json");
    assert!(
        req["headers"].get("authorization").is_none(),
        "no key, no Authorization header"
    );
    let body: serde_json::Value = serde_json::from_str(req["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["stream"], true);
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(body["messages"][0]["content"], "Hi there");
    // The composer is cleared after sending.
    assert_eq!(w.textarea().value(), "");
}

fn shadow_text(w: &Widget) -> String {
    w.q("section")
        .and_then(|s| s.text_content())
        .unwrap_or_default()
}

fn user_texts(w: &Widget) -> Vec<String> {
    w.articles("user")
        .iter()
        .filter_map(|a| {
            a.query_selector(".tc-msg__text")
                .ok()
                .flatten()?
                .text_content()
        })
        .collect()
}

/// The JSON body of request `i`.
fn request_body(i: u32) -> serde_json::Value {
    serde_json::from_str(request(i)["body"].as_str().unwrap()).unwrap()
}

fn last_request_body() -> serde_json::Value {
    request_body(request_count() - 1)
}

#[wasm_bindgen_test]
async fn the_api_key_goes_in_a_bearer_header_and_nowhere_else() {
    plan(serde_json::json!([ok_stream(&["ok"])]));
    let ns = fresh_ns();
    session_storage()
        .set_item(&format!("{ns}:api-key"), "sk-secret-123")
        .unwrap();
    let w = mount(&[("storage-key", &ns)]).await;
    w.send("hello").await;
    w.until_state("done").await;
    let req = request(0);
    assert_eq!(req["headers"]["authorization"], "Bearer sk-secret-123");
    assert!(!req["url"].as_str().unwrap().contains("sk-secret"));
    assert!(!req["body"].as_str().unwrap().contains("sk-secret"));
    // Not remembered: the conversation store never holds it.
    let saved = local_storage()
        .get_item(&format!("{ns}:conversations"))
        .unwrap()
        .unwrap_or_default();
    assert!(!saved.contains("sk-secret"));
}

#[wasm_bindgen_test]
async fn shift_enter_composition_and_blank_input_do_not_send() {
    plan(serde_json::json!([ok_stream(&["ok"])]));
    let w = mount(&[]).await;
    w.type_text("line one");
    tick().await;
    w.key("Enter", true);
    tick().await;
    w.key_with("Enter", false, true);
    tick().await;
    assert_eq!(request_count(), 0);
    assert_eq!(w.textarea().value(), "line one", "nothing typed is lost");
    w.type_text("   \n  ");
    tick().await;
    w.key("Enter", false);
    tick().await;
    assert_eq!(request_count(), 0);
    assert!(w.articles("user").is_empty());
}

#[wasm_bindgen_test]
async fn html_in_a_reply_or_in_user_text_stays_inert_text() {
    plan(serde_json::json!([ok_stream(&[
        "<img src=x onerror=\"window.__pwned=1\"> and ",
        "<script>window.__pwned=2</script>\n\n",
        "[click](javascript:window.__pwned=3) <b>bold?</b>"
    ])]));
    let w = mount(&[]).await;
    w.send("<img src=y onerror=\"window.__pwned=4\"><b>me</b>")
        .await;
    w.until_state("done").await;
    tick().await;
    assert!(
        w.all("img, script, b, iframe").is_empty(),
        "no element came from HTML text"
    );
    for a in w.all("a") {
        let href = a.get_attribute("href").unwrap_or_default().to_lowercase();
        assert!(
            !href.starts_with("javascript"),
            "javascript: link rendered: {href}"
        );
    }
    let text = shadow_text(&w);
    assert!(
        text.contains("<img src=x onerror=\"window.__pwned=1\">"),
        "{text}"
    );
    assert!(text.contains("<script>window.__pwned=2</script>"), "{text}");
    assert!(user_texts(&w)[0].contains("<b>me</b>"));
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined(), "a handler ran");
}

#[wasm_bindgen_test]
async fn markdown_renders_headings_code_links_and_tables_safely() {
    plan(serde_json::json!([ok_stream(&[
        "# Title\n\nSome **bold** and `code` with a [link](https://example.com/x).\n\n",
        "```rust\nfn main() {}\n```\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n"
    ])]));
    let w = mount(&[]).await;
    w.send("show markdown").await;
    w.until_state("done").await;
    let a = w.last_assistant();
    let h1 = a.query_selector("h1").unwrap().expect("heading");
    assert_eq!(h1.text_content().unwrap(), "Title");
    assert!(a.query_selector("strong").unwrap().is_some());
    let link = a.query_selector("a").unwrap().expect("link");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://example.com/x")
    );
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        link.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    let code = a.query_selector("pre code").unwrap().expect("code block");
    assert!(code.class_name().contains("language-rust"));
    assert_eq!(code.text_content().unwrap(), "fn main() {}\n");
    assert!(w.button("Copy code").is_some());
    assert_eq!(a.query_selector_all("table td").unwrap().length(), 2);
}

#[wasm_bindgen_test]
async fn stop_ends_the_stream_and_keeps_the_partial_reply() {
    plan(
        serde_json::json!([{ "chunks": [sse_reply(&["Partial ", "answer"])[0].clone(), sse_chunk("Partial "), sse_chunk("answer")], "hold": true }]),
    );
    let w = mount(&[]).await;
    w.send("go").await;
    w.until_text("Partial answer").await;
    assert_eq!(
        w.section().get_attribute("aria-busy").as_deref(),
        Some("true")
    );
    assert_eq!(w.state(), "streaming");
    w.click("Stop");
    w.until_state("stopped").await;
    assert!(w
        .last_assistant()
        .text_content()
        .unwrap()
        .contains("Partial answer"));
    assert_eq!(
        w.section().get_attribute("aria-busy").as_deref(),
        Some("false")
    );
    assert!(
        w.button("Retry").is_some(),
        "a stopped reply can be retried"
    );
}

#[wasm_bindgen_test]
async fn escape_also_stops_the_stream() {
    plan(serde_json::json!([{ "chunks": [sse_chunk("Half")], "hold": true }]));
    let w = mount(&[]).await;
    w.send("go").await;
    w.until_text("Half").await;
    w.key("Escape", false);
    w.until_state("stopped").await;
}

#[wasm_bindgen_test]
async fn a_rejected_key_is_explained_with_a_way_to_settings() {
    plan(
        serde_json::json!([{ "status": 401, "body": "{\"message\":\"Unauthorized\",\"request_id\":\"abc\"}", "headers": {"content-type": "application/json"} }]),
    );
    let w = mount(&[]).await;
    w.send("hello").await;
    w.until_state("error").await;
    assert_eq!(request_count(), 1, "401 is not retried");
    let alert = w.q("[role='alert']").expect("an alert");
    assert!(
        alert.text_content().unwrap().contains("API key"),
        "{:?}",
        alert.text_content()
    );
    w.click("Open Settings");
    tick().await;
    assert!(w.q("[role='dialog']").is_some());
    assert_eq!(
        user_texts(&w),
        vec!["hello".to_string()],
        "the message is kept"
    );
}

#[wasm_bindgen_test]
async fn a_rate_limit_before_the_first_byte_is_retried_automatically() {
    plan(serde_json::json!([
        { "status": 429, "body": "{\"object\":\"error\",\"message\":\"Requests rate limit exceeded\",\"type\":\"rate_limited\"}", "headers": {"content-type": "application/json", "retry-after": "0"} },
        ok_stream(&["after ", "retry"])
    ]));
    let w = mount(&[]).await;
    w.send("hello").await;
    w.until_state("done").await;
    assert_eq!(request_count(), 2);
    assert!(w
        .last_assistant()
        .text_content()
        .unwrap()
        .contains("after retry"));
    assert!(w.q("[role='alert']").is_none());
}

#[wasm_bindgen_test]
async fn server_trouble_that_persists_ends_in_an_error_with_retry() {
    plan(serde_json::json!([
        { "status": 503, "body": "{\"object\":\"error\",\"message\":\"Service unavailable\",\"type\":\"internal_error\"}", "headers": {"content-type": "application/json", "retry-after": "0"} },
        { "status": 503, "body": "{}", "headers": {"retry-after": "0"} },
        { "status": 503, "body": "{}", "headers": {"retry-after": "0"} },
        { "status": 503, "body": "{}", "headers": {"retry-after": "0"} },
        ok_stream(&["finally"])
    ]));
    let w = mount(&[]).await;
    w.send("hello").await;
    w.until_state("error").await;
    assert_eq!(request_count(), 4, "one try and three automatic retries");
    assert!(w.q("[role='alert']").is_some());
    w.click("Retry");
    w.until_state("done").await;
    assert_eq!(
        w.articles("assistant").len(),
        1,
        "retry replaces the failed reply"
    );
    assert!(w
        .last_assistant()
        .text_content()
        .unwrap()
        .contains("finally"));
}

#[wasm_bindgen_test]
async fn a_validation_error_shows_mistrals_message_and_is_not_retried() {
    plan(
        serde_json::json!([{ "status": 422, "headers": {"content-type": "application/json"},
        "body": "{\"object\":\"error\",\"message\":{\"detail\":[{\"type\":\"less_than_equal\",\"loc\":[\"body\",\"temperature\"],\"msg\":\"Input should be less than or equal to 1.5\"}]},\"type\":\"invalid_request_message_error\"}" }]),
    );
    let w = mount(&[]).await;
    w.send("hello").await;
    w.until_state("error").await;
    assert_eq!(request_count(), 1);
    let alert = w.q("[role='alert']").unwrap().text_content().unwrap();
    assert!(alert.contains("less than or equal to 1.5"), "{alert}");
}

#[wasm_bindgen_test]
async fn a_broken_stream_keeps_the_text_and_says_what_happened() {
    plan(
        serde_json::json!([{ "chunks": [sse_chunk("kept "), sse_chunk("text"), "data: {\"choices\":[{\"delta\":{\"content\":\"oops\"\n\n"] }]),
    );
    let w = mount(&[]).await;
    w.send("hello").await;
    w.until_state("error").await;
    assert!(w
        .last_assistant()
        .text_content()
        .unwrap()
        .contains("kept text"));
    assert!(w.q("[role='alert']").is_some());
}

#[wasm_bindgen_test]
async fn a_network_failure_is_reported_in_words() {
    plan(serde_json::json!([{ "network_error": true }]));
    let w = mount(&[]).await;
    w.send("hello").await;
    w.until_state("error").await;
    let alert = w.q("[role='alert']").unwrap().text_content().unwrap();
    assert!(alert.contains("Could not reach the server"), "{alert}");
    assert_eq!(user_texts(&w), vec!["hello".to_string()]);
}

#[wasm_bindgen_test]
async fn editing_a_user_message_drops_later_turns_and_resends() {
    plan(serde_json::json!([
        ok_stream(&["one"]),
        ok_stream(&["two"]),
        ok_stream(&["edited answer"])
    ]));
    let w = mount(&[]).await;
    w.send("first").await;
    w.until_state("done").await;
    w.send("second").await;
    until("two replies", || {
        w.articles("assistant").len() == 2 && w.state() == "done"
    })
    .await;
    // The first user message's buttons: Copy, Edit.
    let buttons = w.articles("user")[0].query_selector_all("button").unwrap();
    let edit_button = (0..buttons.length())
        .filter_map(|i| buttons.item(i)?.dyn_into::<HtmlElement>().ok())
        .find(|b| b.text_content().unwrap_or_default() == "Edit")
        .expect("Edit button");
    edit_button.click();
    tick().await;
    let area: HtmlTextAreaElement = w.articles("user")[0]
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    area.set_value("first, edited");
    w.click("Save and send");
    until("edited reply", || {
        w.articles("assistant").len() == 1 && w.state() == "done"
    })
    .await;
    assert_eq!(user_texts(&w), vec!["first, edited".to_string()]);
    let body = last_request_body();
    assert_eq!(body["messages"].as_array().unwrap().len(), 1);
    assert_eq!(body["messages"][0]["content"], "first, edited");
}

#[wasm_bindgen_test]
async fn conversations_survive_a_remount() {
    plan(serde_json::json!([ok_stream(&["remembered ", "reply"])]));
    let ns = fresh_ns();
    {
        let w = mount(&[("storage-key", &ns)]).await;
        w.send("remember me").await;
        w.until_state("done").await;
        settle().await;
    }
    let w = mount(&[("storage-key", &ns)]).await;
    until("the stored conversation", || !user_texts(&w).is_empty()).await;
    assert_eq!(user_texts(&w), vec!["remember me".to_string()]);
    assert!(w
        .last_assistant()
        .text_content()
        .unwrap()
        .contains("remembered reply"));
    assert_eq!(w.state(), "done");
}

#[wasm_bindgen_test]
async fn a_reply_streaming_at_reload_comes_back_marked_interrupted() {
    plan(serde_json::json!([{ "chunks": [sse_chunk("half of it")], "hold": true }]));
    let ns = fresh_ns();
    {
        let w = mount(&[("storage-key", &ns)]).await;
        w.send("go").await;
        w.until_text("half").await;
        settle().await;
        // The first widget keeps streaming; a second one on the same storage opens what a
        // reload would find: the reply saved while streaming.
    }
    let w = mount(&[("storage-key", &ns)]).await;
    until("the stored conversation", || !user_texts(&w).is_empty()).await;
    assert_eq!(w.state(), "interrupted");
    assert_eq!(user_texts(&w), vec!["go".to_string()]);
}

#[wasm_bindgen_test]
async fn corrupt_storage_is_reported_once_and_the_widget_still_works() {
    plan(serde_json::json!([ok_stream(&["fine"])]));
    let ns = fresh_ns();
    local_storage()
        .set_item(&format!("{ns}:conversations"), "{not json")
        .unwrap();
    local_storage()
        .set_item(&format!("{ns}:settings"), "[junk")
        .unwrap();
    let w = mount(&[("storage-key", &ns)]).await;
    until("the notice", || {
        shadow_text(&w).contains("could not be read")
    })
    .await;
    assert!(
        shadow_text(&w).contains("could not be read"),
        "{}",
        shadow_text(&w)
    );
    w.send("still works").await;
    w.until_state("done").await;
    assert_eq!(
        local_storage()
            .get_item(&format!("{ns}:conversations.unreadable"))
            .unwrap()
            .as_deref(),
        Some("{not json"),
        "the unreadable data is kept aside, not thrown away"
    );
}

#[wasm_bindgen_test]
async fn without_a_key_mistrals_api_is_not_called_and_settings_open() {
    plan(serde_json::json!([ok_stream(&["never"])]));
    let w = mount(&[("api-base", "https://api.mistral.ai")]).await;
    w.send("hello").await;
    tick().await;
    assert_eq!(request_count(), 0);
    assert!(w.q("[role='dialog']").is_some(), "Settings opened");
    assert!(shadow_text(&w).contains("API key is needed"));
    assert_eq!(w.textarea().value(), "hello", "the draft is kept");
}

#[wasm_bindgen_test]
async fn settings_keep_the_key_for_the_session_unless_remembered() {
    plan(serde_json::json!([ok_stream(&["ok"])]));
    let ns = fresh_ns();
    let w = mount(&[("storage-key", &ns)]).await;
    w.click("Settings");
    tick().await;
    let dialog = w.q("[role='dialog']").expect("dialog");
    assert_eq!(
        dialog
            .get_attribute("aria-labelledby")
            .and_then(|id| w.q(&format!("#{id}")))
            .and_then(|h| h.text_content())
            .as_deref(),
        Some("Settings")
    );
    let key: web_sys::HtmlInputElement = dialog
        .query_selector("input[type='password']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    key.set_value("sk-session");
    key.dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    w.click("Save");
    tick().await;
    assert!(w.q("[role='dialog']").is_none());
    assert_eq!(
        session_storage()
            .get_item(&format!("{ns}:api-key"))
            .unwrap()
            .as_deref(),
        Some("sk-session")
    );
    assert_eq!(
        local_storage().get_item(&format!("{ns}:api-key")).unwrap(),
        None
    );
    w.send("hi").await;
    w.until_state("done").await;
    assert_eq!(request(0)["headers"]["authorization"], "Bearer sk-session");

    // Remember on this device: moves it to localStorage.
    w.click("Settings");
    tick().await;
    let remember: web_sys::HtmlInputElement = w
        .q("[role='dialog'] input[type='checkbox']")
        .unwrap()
        .dyn_into()
        .unwrap();
    remember.click();
    w.click("Save");
    tick().await;
    assert_eq!(
        local_storage()
            .get_item(&format!("{ns}:api-key"))
            .unwrap()
            .as_deref(),
        Some("sk-session")
    );
    assert_eq!(
        session_storage()
            .get_item(&format!("{ns}:api-key"))
            .unwrap(),
        None
    );
}

#[wasm_bindgen_test]
async fn escape_closes_settings_and_focus_returns_to_the_settings_button() {
    plan(serde_json::json!([ok_stream(&["ok"])]));
    let w = mount(&[]).await;
    w.click("Settings");
    until("dialog", || w.q("[role='dialog']").is_some()).await;
    let dialog = w.q("[role='dialog']").unwrap();
    let init = KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    dialog
        .dispatch_event(
            &KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
    tick().await;
    assert!(w.q("[role='dialog']").is_none());
    let active = w.root.active_element().expect("focus inside the widget");
    assert_eq!(active.text_content().as_deref(), Some("Settings"));
}

#[wasm_bindgen_test]
async fn new_chat_starts_empty_and_the_old_one_stays_in_the_list() {
    plan(serde_json::json!([ok_stream(&["ok"])]));
    let w = mount(&[]).await;
    w.send("my first topic").await;
    w.until_state("done").await;
    w.click("New chat");
    tick().await;
    assert!(w.articles("user").is_empty());
    w.click("Conversations");
    tick().await;
    let list = w
        .q("nav")
        .expect("conversation list")
        .text_content()
        .unwrap();
    assert!(list.contains("my first topic"), "{list}");
    w.click("my first topic");
    tick().await;
    assert_eq!(user_texts(&w), vec!["my first topic".to_string()]);
}

#[wasm_bindgen_test]
async fn usage_is_shown_and_the_finished_reply_is_announced_once() {
    plan(serde_json::json!([ok_stream(&["a ", "b ", "c"])]));
    let w = mount(&[]).await;
    let log = w.q("[role='log']").expect("log");
    assert_eq!(
        log.get_attribute("aria-label").as_deref(),
        Some("Conversation")
    );
    w.send("count").await;
    w.until_state("done").await;
    tick().await;
    assert!(w
        .last_assistant()
        .text_content()
        .unwrap()
        .contains("8 tokens"));
    let status = w.all("[role='status'][aria-live='polite']");
    let announced: Vec<String> = status
        .iter()
        .filter_map(|s| s.text_content())
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(announced, vec!["Reply complete.".to_string()]);
}

#[wasm_bindgen_test]
async fn a_greeting_is_shown_but_never_sent() {
    plan(serde_json::json!([ok_stream(&["ok"])]));
    let w = mount(&[("greeting", "Bonjour! Ask me anything.")]).await;
    assert!(shadow_text(&w).contains("Bonjour! Ask me anything."));
    w.send("hi").await;
    w.until_state("done").await;
    let body = last_request_body();
    assert_eq!(body["messages"].as_array().unwrap().len(), 1);
    assert_eq!(body["messages"][0]["role"], "user");
}

#[wasm_bindgen_test]
async fn storage_key_none_keeps_nothing() {
    plan(serde_json::json!([ok_stream(&["ok"])]));
    let before = local_storage().length().unwrap();
    let w = mount(&[("storage-key", "none")]).await;
    w.send("forget me").await;
    w.until_state("done").await;
    assert_eq!(
        local_storage().length().unwrap(),
        before,
        "nothing was written"
    );
}

#[wasm_bindgen_test]
async fn unmounting_mid_stream_aborts_the_request_without_a_panic() {
    plan(serde_json::json!([{ "chunks": [sse_chunk("going")], "hold": true }]));
    let w = mount(&[]).await;
    w.send("go").await;
    w.until_text("going").await;
    assert!(!last_signal_aborted());
    drop(w);
    tick().await;
    assert!(last_signal_aborted(), "the fetch was aborted on unmount");
    // The runtime is still alive: a new widget streams normally.
    plan(serde_json::json!([ok_stream(&["alive"])]));
    let w = mount(&[]).await;
    w.send("again").await;
    w.until_state("done").await;
}

#[wasm_bindgen_test]
async fn silence_longer_than_the_timeout_ends_in_a_timeout_error() {
    // No byte ever arrives; each attempt times out after 1 s and is retried (3 times, backoff).
    plan(serde_json::json!([{ "chunks": [], "hold": true }]));
    let w = mount(&[("timeout-ms", "1000")]).await;
    w.send("anyone there?").await;
    w.until_state("error").await;
    assert_eq!(request_count(), 4, "one try and three retries");
    let alert = w.q("[role='alert']").unwrap().text_content().unwrap();
    assert!(alert.contains("did not answer"), "{alert}");
}

#[wasm_bindgen_test]
async fn a_french_widget_explains_errors_in_french() {
    // 401: the sentence and its action are both French.
    plan(serde_json::json!([{ "status": 401, "body": "{\"message\":\"Unauthorized\"}" }]));
    let w = mount(&[("locale", "fr")]).await;
    w.send("bonjour").await;
    w.until_state("error").await;
    let alert = w.q("[role='alert']").unwrap();
    assert_eq!(
        alert.get_attribute("data-error").as_deref(),
        Some("unauthorized")
    );
    let text = alert.text_content().unwrap();
    assert!(text.contains("La clé d’API a été refusée."), "{text}");
    assert!(text.contains("Ouvrir les réglages"), "{text}");
    assert!(
        !text.contains("rejected"),
        "English in a French widget: {text}"
    );

    // A network failure (a transport error, not HTTP): French too.
    plan(
        serde_json::json!([{ "network_error": true }, { "network_error": true }, { "network_error": true }, { "network_error": true }]),
    );
    let w = mount(&[("locale", "fr")]).await;
    w.send("bonjour").await;
    w.until_state("error").await;
    let alert = w.q("[role='alert']").unwrap();
    assert_eq!(
        alert.get_attribute("data-error").as_deref(),
        Some("network")
    );
    let text = alert.text_content().unwrap();
    assert!(text.contains("Impossible de joindre le serveur"), "{text}");
}

#[wasm_bindgen_test]
async fn settings_refuse_invalid_values_in_words_and_keep_the_dialog_open() {
    let w = mount(&[("locale", "fr")]).await;
    w.click("Réglages");
    tick().await;
    let dialog = w.q("[role='dialog']").expect("dialog");
    let temperature: web_sys::HtmlInputElement = dialog
        .query_selector("input[type='number']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    temperature.set_value("7");
    temperature
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    w.click("Enregistrer");
    tick().await;
    let dialog = w.q("[role='dialog']").expect("the dialog stays open");
    assert_eq!(
        temperature.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    let error_id = temperature.get_attribute("aria-describedby").unwrap();
    let message = dialog
        .query_selector(&format!("#{error_id}"))
        .unwrap()
        .expect("the error message")
        .text_content()
        .unwrap();
    assert_eq!(
        message,
        "Saisissez un nombre entre 0 et 1,5, ou laissez le champ vide."
    );
    temperature.set_value("0.5");
    temperature
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    w.click("Enregistrer");
    tick().await;
    assert!(w.q("[role='dialog']").is_none(), "a valid value saves");
    w.host.remove();
}

#[wasm_bindgen_test]
async fn a_library_saved_by_the_previous_version_loads_unchanged() {
    let ns = fresh_ns();
    let local = local_storage();
    let conversations = include_str!("../core/tests/fixtures/schema1/conversations.json");
    local
        .set_item(&format!("{ns}:conversations"), conversations)
        .unwrap();
    local
        .set_item(
            &format!("{ns}:settings"),
            include_str!("../core/tests/fixtures/schema1/settings.json"),
        )
        .unwrap();
    local
        .set_item(
            &format!("{ns}:api-key"),
            include_str!("../core/tests/fixtures/schema1/api-key.txt"),
        )
        .unwrap();
    let w = mount(&[("storage-key", &ns)]).await;
    until("the migrated conversations", || !user_texts(&w).is_empty()).await;
    // The current conversation: greeting, Markdown reply with usage, stopped reply; the HTML
    // in the user's text is text.
    assert_eq!(
        user_texts(&w),
        vec![
            "What is Rust? <script>alert(1)</script>".to_string(),
            "And WebAssembly? 🦀 日本語".to_string()
        ]
    );
    assert!(w.q("script").is_none());
    assert!(w.q(".tc-md pre").is_some(), "the code block renders");
    assert!(shadow_text(&w).contains("32"), "usage is shown");
    assert_eq!(w.state(), "stopped");
    assert!(
        w.q(".tc-notice").is_none(),
        "nothing is reported as unreadable"
    );
    // Settings and the remembered key are in the dialog.
    w.click("Settings");
    tick().await;
    let dialog = w.q("[role='dialog']").unwrap();
    let key: web_sys::HtmlInputElement = dialog
        .query_selector("input[type='password']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(key.value(), "sk-fixture-remembered-key");
    let temperature: web_sys::HtmlInputElement = dialog
        .query_selector("input[type='number']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(temperature.value(), "0.3");
    // Settings and the key stay where they were; the conversations moved to IndexedDB, and the
    // old key went only once they were read back there.
    assert!(local.get_item(&format!("{ns}:settings")).unwrap().is_some());
    assert!(local.get_item(&format!("{ns}:api-key")).unwrap().is_some());
    until("the old key removed", || {
        local
            .get_item(&format!("{ns}:conversations"))
            .unwrap()
            .is_none()
    })
    .await;
    w.host.remove();
    // A later visit (a new widget on the same storage) finds all three conversations.
    let again = mount(&[("storage-key", &ns)]).await;
    until("reloaded from IndexedDB", || !user_texts(&again).is_empty()).await;
    again.click("Conversations");
    tick().await;
    assert_eq!(again.all(".tc-convs__row").len(), 3);
    again.host.remove();
}

#[wasm_bindgen_test]
async fn two_tabs_on_one_storage_never_lose_each_others_conversations() {
    // Two widgets on one namespace stand for two tabs: each has its own library, its own
    // IndexedDB connection and its own BroadcastChannel.
    plan(serde_json::json!([
        ok_stream(&["answer A"]),
        ok_stream(&["answer B"])
    ]));
    let ns = fresh_ns();
    let a = mount(&[("storage-key", &ns)]).await;
    let b = mount(&[("storage-key", &ns)]).await;
    a.send("question in tab A").await;
    a.until_state("done").await;
    b.click("New chat");
    tick().await;
    b.send("question in tab B").await;
    b.until_state("done").await;
    settle().await;
    // Tab A learned about B's conversation without a reload.
    a.click("Conversations");
    tick().await;
    until("A lists B's conversation", || {
        a.q("nav")
            .and_then(|n| n.text_content())
            .is_some_and(|t| t.contains("question in tab B"))
    })
    .await;
    a.host.remove();
    b.host.remove();
    // Whatever order they reload in, both conversations are there.
    let c = mount(&[("storage-key", &ns)]).await;
    until("loaded", || !user_texts(&c).is_empty()).await;
    c.click("Conversations");
    tick().await;
    let list = c.q("nav").unwrap().text_content().unwrap();
    assert!(list.contains("question in tab A"), "{list}");
    assert!(list.contains("question in tab B"), "{list}");
    c.host.remove();
}

#[wasm_bindgen_test]
async fn a_second_tab_cannot_send_into_a_conversation_streaming_in_the_first() {
    plan(serde_json::json!([{ "chunks": [sse_chunk("streaming in A")], "hold": true }]));
    let ns = fresh_ns();
    let a = mount(&[("storage-key", &ns)]).await;
    let b = mount(&[("storage-key", &ns)]).await;
    a.send("long question").await;
    a.until_text("streaming in A").await;
    settle().await;
    // B opens the same conversation and tries to send into it.
    b.click("Conversations");
    tick().await;
    until("B lists it", || b.button("long question").is_some()).await;
    b.click("long question");
    tick().await;
    until("B shows it", || !user_texts(&b).is_empty()).await;
    b.send("from B").await;
    until("B says why", || shadow_text(&b).contains("another tab")).await;
    assert_eq!(user_texts(&b), vec!["long question".to_string()]);
    assert_eq!(
        b.textarea().value(),
        "from B",
        "the text stays in the composer"
    );
    a.click("Stop");
    a.until_state("stopped").await;
    a.host.remove();
    b.host.remove();
}

#[wasm_bindgen_test]
async fn an_unreadable_record_is_set_aside_and_the_rest_loads() {
    plan(serde_json::json!([ok_stream(&["kept"])]));
    let ns = fresh_ns();
    {
        let w = mount(&[("storage-key", &ns)]).await;
        w.send("a good one").await;
        w.until_state("done").await;
        settle().await;
        w.host.remove();
    }
    // Damage: a record that is not JSON, written straight into the store.
    let put = js_sys::Function::new_with_args(
        "ns",
        "return new Promise((ok, err) => { const r = indexedDB.open('tinychat:' + ns);
           r.onerror = err; r.onsuccess = () => { const db = r.result;
             const tx = db.transaction('conversations', 'readwrite');
             tx.objectStore('conversations').put('{broken', 'c-broken');
             tx.oncomplete = () => { db.close(); ok(); }; tx.onerror = err; }; });",
    );
    let promise: js_sys::Promise = put
        .call1(&JsValue::NULL, &ns.clone().into())
        .unwrap()
        .into();
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    let w = mount(&[("storage-key", &ns)]).await;
    until("loaded", || !user_texts(&w).is_empty()).await;
    assert_eq!(user_texts(&w), vec!["a good one".to_string()]);
    until("the notice", || {
        shadow_text(&w).contains("could not be read")
    })
    .await;
    w.host.remove();
}

// ---- Mistral's platform (issue 11) and page tools (issue 12) ----

/// One SSE event whose `delta` is `delta` (any JSON: content lists, tool calls…).
fn sse_delta(delta: serde_json::Value, finish: Option<&str>) -> String {
    let json = serde_json::json!({
        "id": "t", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
    });
    format!("data: {json}\n\n")
}

#[wasm_bindgen_test]
async fn thinking_streams_collapsed_apart_from_the_answer_and_goes_back_as_a_chunk() {
    let think = |t: &str| {
        sse_delta(
            serde_json::json!({"content": [{"type": "thinking", "thinking": [{"type": "text", "text": t}]}]}),
            None,
        )
    };
    let chunks = vec![
        think("Let me **think**. "),
        think("<script>window.__tc_ran = 1</script>"),
        sse_delta(serde_json::json!({"content": "The answer."}), Some("stop")),
        "data: [DONE]\n\n".to_string(),
    ];
    plan(serde_json::json!([{ "chunks": chunks }, ok_stream(&["Again."])]));
    let w = mount(&[("model", "magistral-small-latest")]).await;
    w.send("Why?").await;
    w.until_state("done").await;
    let details = w.q("details.tc-thinking").expect("the thinking disclosure");
    assert!(!details.has_attribute("open"), "collapsed");
    let summary = details.query_selector("summary").unwrap().unwrap();
    let label = summary.text_content().unwrap();
    assert!(
        label.starts_with("Thought for ") && label.ends_with(" s"),
        "{label}"
    );
    let body = details.query_selector(".tc-md").unwrap().unwrap();
    assert!(body.query_selector("strong").unwrap().is_some(), "Markdown");
    assert!(body.query_selector("script").unwrap().is_none());
    assert!(
        body.text_content().unwrap().contains("<script>"),
        "inert text"
    );
    let answer = w
        .last_assistant()
        .query_selector(":scope > .tc-md")
        .unwrap()
        .unwrap();
    assert_eq!(answer.text_content().unwrap(), "The answer.");
    w.send("And?").await;
    w.until_text("Again.").await;
    let body = last_request_body();
    assert_eq!(body["messages"][1]["content"][0]["type"], "thinking");
    assert_eq!(body["messages"][1]["content"][1]["text"], "The answer.");
}

#[wasm_bindgen_test]
async fn sources_are_safe_links_and_code_is_highlighted_once_complete() {
    let chunks = vec![
        sse_chunk("```rust\nfn main() {}\n```\n\nSee "),
        sse_delta(
            serde_json::json!({"content": [
                {"type": "tool_reference", "tool": "web_search", "title": "Docs <b>x</b>", "url": "https://docs.mistral.ai/"},
                {"type": "tool_reference", "tool": "web_search", "title": "Evil", "url": "javascript:alert(1)"},
                {"type": "text", "text": "sources."}
            ]}),
            Some("stop"),
        ),
        "data: [DONE]\n\n".to_string(),
    ];
    plan(serde_json::json!([{ "chunks": chunks }]));
    let w = mount(&[]).await;
    w.send("Where?").await;
    w.until_state("done").await;
    let links = w.all(".tc-sources a");
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].get_attribute("href").as_deref(),
        Some("https://docs.mistral.ai/")
    );
    assert_eq!(
        links[0].get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    assert_eq!(links[0].text_content().as_deref(), Some("Docs <b>x</b>"));
    assert_eq!(w.all(".tc-sources li").len(), 2);
    assert!(w.q(".tc-sources b").is_none());
    let kw = w
        .q("code[data-lang='rust'] .tc-tok-kw")
        .expect("highlighted");
    assert_eq!(kw.text_content().as_deref(), Some("fn"));
}

#[wasm_bindgen_test]
async fn an_agent_is_asked_at_the_agents_endpoint_without_a_model() {
    plan(serde_json::json!([ok_stream(&["Agent here."])]));
    let w = mount(&[("agent-id", "ag:test:1"), ("temperature", "0.5")]).await;
    assert!(shadow_text(&w).contains("Agent ag:test:1"));
    w.send("Hi").await;
    w.until_text("Agent here.").await;
    let req = request(0);
    assert_eq!(req["url"], "http://stub.invalid/v1/agents/completions");
    let body = last_request_body();
    assert_eq!(body["agent_id"], "ag:test:1");
    assert!(body.get("model").is_none() && body.get("temperature").is_none());
}

#[wasm_bindgen(inline_js = r#"
export async function attach_png(input, name, w, h) {
  const canvas = new OffscreenCanvas(w, h);
  canvas.getContext('2d').fillRect(0, 0, w, h);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  const dt = new DataTransfer();
  dt.items.add(new File([blob], name, { type: 'image/png' }));
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}
export function give_tools(host) {
  host.tinychatTools = {
    specs: JSON.stringify([{ name: 'lookup', description: 'Looks up', parameters: { type: 'object' } }]),
    async run(name, args) {
      window.__tc_tool_args = args;
      return name === 'lookup' ? JSON.stringify({ ok: true, result: '{"found":true}' })
                               : JSON.stringify({ ok: false, error: `Unknown tool "${name}"` });
    },
  };
}
"#)]
extern "C" {
    async fn attach_png(input: &Element, name: &str, w: u32, h: u32);
    fn give_tools(host: &Element);
}

#[wasm_bindgen_test]
async fn an_attached_image_is_downscaled_and_sent_as_a_content_list() {
    plan(serde_json::json!([ok_stream(&["A square."])]));
    let w = mount(&[("model", "mistral-small-latest")]).await;
    assert!(w.button("Attach image").is_some());
    let input = w.q("input.tc-composer__file").expect("file input");
    attach_png(&input, "big.png", 3000, 3000).await;
    until("a pending image", || w.q(".tc-pending img").is_some()).await;
    w.send("What is it?").await;
    w.until_text("A square.").await;
    let body = last_request_body();
    let content = &body["messages"][0]["content"];
    assert_eq!(content[0]["text"], "What is it?");
    assert_eq!(content[1]["type"], "image_url");
    assert!(content[1]["image_url"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    let thumb = w.q(".tc-msg__image img").expect("thumbnail");
    assert_eq!(thumb.get_attribute("alt").as_deref(), Some("big.png"));
    // A model that cannot see is not offered the button.
    let blind = mount(&[("model", "open-mistral-nemo")]).await;
    assert!(blind.button("Attach image").is_none());
}

#[wasm_bindgen_test]
async fn a_page_tool_runs_and_its_result_goes_back_to_the_model() {
    let call = sse_delta(
        serde_json::json!({"content": "", "tool_calls": [
            {"id": "abcdefghi", "function": {"name": "lookup", "arguments": "{\"q\":\"x\"}"}, "index": 0},
            {"id": "bcdefghij", "function": {"name": "nope", "arguments": "{}"}, "index": 1}
        ]}),
        Some("tool_calls"),
    );
    plan(serde_json::json!([
        { "chunks": [call, "data: [DONE]\n\n"] },
        ok_stream(&["Found it."])
    ]));
    let w = mount(&[]).await;
    give_tools(&w.host);
    w.send("Find x").await;
    w.until_text("Found it.").await;
    let lines: Vec<String> = w
        .all("details.tc-tool summary")
        .iter()
        .filter_map(|s| s.text_content())
        .collect();
    assert_eq!(lines, ["Used lookup", "nope failed"]);
    let body = request_body(0);
    assert_eq!(body["tools"][0]["function"]["name"], "lookup");
    assert_eq!(body["tool_choice"], "auto");
    let body = last_request_body();
    let tools: Vec<&serde_json::Value> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .collect();
    assert_eq!(tools[0]["content"], "{\"found\":true}");
    assert_eq!(tools[0]["tool_call_id"], "abcdefghi");
    assert!(tools[1]["content"]
        .as_str()
        .unwrap()
        .contains("Unknown tool"));
}

#[wasm_bindgen_test]
async fn tool_calls_the_widget_did_not_offer_are_not_run_and_nothing_loops() {
    let call = sse_delta(
        serde_json::json!({"content": "Let me check.", "tool_calls": [
            {"id": "abcdefghi", "function": {"name": "lookup", "arguments": "{}"}, "index": 0}
        ]}),
        Some("tool_calls"),
    );
    plan(serde_json::json!([{ "chunks": [call, "data: [DONE]\n\n"] }]));
    let w = mount(&[]).await;
    w.send("Hi").await;
    w.until_state("done").await;
    settle().await;
    assert_eq!(request_count(), 1, "no second request");
    assert!(w.q("details.tc-tool").is_none());
    assert!(w
        .last_assistant()
        .text_content()
        .unwrap()
        .contains("Let me check."));
    let body = last_request_body();
    assert!(body.get("tools").is_none());
}

/// Export file names: letters and digits of any script kept (the browser's Unicode tables), every
/// other run one `-`, lowercase, at most 60 characters.
#[wasm_bindgen_test]
fn export_file_names_keep_letters_of_any_script() {
    use tinychat::browser::file_stem;
    assert_eq!(
        file_stem("Café déjà-vu: 2024 — ÉTÉ!"),
        "café-déjà-vu-2024-été"
    );
    assert_eq!(file_stem("日本語 の テスト"), "日本語-の-テスト");
    assert_eq!(file_stem("  --Ünïcödé²--  "), "ünïcödé²");
    assert_eq!(file_stem("!!! ??? ..."), "conversation");
    assert_eq!(file_stem(""), "conversation");
    assert_eq!(file_stem(&"Ab".repeat(40)).chars().count(), 60);
}

/// Message views are rebuilt when the conversation shown changes (switch, another tab's save):
/// the old ones must go with their signals, or a long session grows without bound.
#[wasm_bindgen_test]
async fn switching_conversations_leaves_no_reactive_nodes_behind() {
    plan(serde_json::json!([ok_stream(&["ok"])]));
    let w = mount(&[]).await;
    w.send("topic alpha").await;
    w.until_state("done").await;
    w.click("New chat");
    tick().await;
    w.send("topic beta").await;
    w.until_state("done").await;
    settle().await;
    let mut baseline = 0;
    for round in 0..12 {
        for title in ["topic alpha", "topic beta"] {
            if w.button(title).is_none() {
                w.click("Conversations");
                tick().await;
            }
            w.click(title);
            tick().await;
            assert_eq!(user_texts(&w), vec![title.to_string()]);
        }
        if round == 1 {
            settle().await;
            baseline = tinychat::reactive::live_nodes();
        }
    }
    settle().await;
    let after = tinychat::reactive::live_nodes();
    // 20 switches between two 2-message conversations: a leak of their views is hundreds.
    assert!(
        after <= baseline + 20,
        "{after} live nodes after 20 more switches, {baseline} before"
    );
}
