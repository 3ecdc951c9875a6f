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
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit, ShadowRoot};

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
    window.__tc_requests.push({ url: req.url, method: req.method, headers, body });
    const p = plan[Math.min(n, plan.length - 1)];
    n += 1;
    if (p.network_error) { throw new TypeError('Failed to fetch'); }
    const signal = req.signal;
    const stream = new ReadableStream({
      async start(controller) {
        for (const c of (p.chunks || [])) {
          controller.enqueue(typeof c === 'string' ? enc.encode(c) : new Uint8Array(c));
          await new Promise(r => setTimeout(r, 1));
        }
        if (p.hold) {
          signal.addEventListener('abort', () => { try { controller.error(new DOMException('aborted', 'AbortError')); } catch (e) {} });
          return;
        }
        controller.close();
      }
    });
    if (p.body !== undefined) {
      return new Response(p.body, { status: p.status || 200, headers: p.headers || {} });
    }
    return new Response(stream, { status: p.status || 200, headers: p.headers || { 'content-type': 'text/event-stream' } });
  };
}
export function requests() { return window.__tc_requests || []; }
export function request_count() { return (window.__tc_requests || []).length; }
export function request_json(i) { return JSON.stringify(window.__tc_requests[i]); }
"#)]
extern "C" {
    fn install_fetch(plan: JsValue);
    fn request_count() -> u32;
    fn request_json(i: u32) -> String;
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

static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Mounts a widget with extra data attributes, in its own storage namespace unless given.
async fn mount(attrs: &[(&str, &str)]) -> Widget {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    host.set_attribute("data-tinychat", "").unwrap();
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let ns = format!("tc-test-{n}-{}", js_sys::Math::random());
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

/// Waits (up to ~3 s) until `cond` holds.
async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..600 {
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
        (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
    }
    fn button(&self, name: &str) -> Option<HtmlElement> {
        self.all("button").into_iter().find_map(|b| {
            let label = b.get_attribute("aria-label").or_else(|| b.text_content()).unwrap_or_default();
            (label.trim() == name).then(|| b.dyn_into().unwrap())
        })
    }
    fn click(&self, name: &str) {
        self.button(name).unwrap_or_else(|| panic!("no button named {name}")).click();
    }
    fn textarea(&self) -> HtmlTextAreaElement {
        self.q("textarea[aria-label='Message']").expect("composer").dyn_into().unwrap()
    }
    fn type_text(&self, text: &str) {
        let ta = self.textarea();
        ta.set_value(text);
        let ev = web_sys::InputEvent::new("input").unwrap();
        ta.dispatch_event(&ev).unwrap();
    }
    fn key(&self, key: &str, shift: bool) -> bool {
        let init = KeyboardEventInit::new();
        init.set_key(key);
        init.set_shift_key(shift);
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
        self.articles("assistant").pop().expect("an assistant message")
    }
    fn state(&self) -> String {
        self.last_assistant().get_attribute("data-state").unwrap_or_default()
    }
    async fn until_state(&self, state: &str) {
        until(&format!("assistant state {state}"), || {
            self.articles("assistant").last().and_then(|a| a.get_attribute("data-state")).as_deref() == Some(state)
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
    assert_eq!(w.section().get_attribute("aria-label").as_deref(), Some("TinyChat"));
    w.send("Hi there").await;
    w.until_state("done").await;
    let text = w.last_assistant().text_content().unwrap();
    assert!(text.contains("Hello wörld"), "got {text}");
    assert_eq!(w.articles("user").len(), 1);
    assert_eq!(w.section().get_attribute("aria-busy").as_deref(), Some("false"));

    let req = request(0);
    assert_eq!(req["url"], "http://stub.invalid/v1/chat/completions");
    assert_eq!(req["method"], "POST");
    assert_eq!(req["headers"]["accept"], "text/event-stream");
    assert_eq!(req["headers"]["content-type"], "application/json");
    assert!(req["headers"].get("authorization").is_none(), "no key, no Authorization header");
    let body: serde_json::Value = serde_json::from_str(req["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["stream"], true);
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(body["messages"][0]["content"], "Hi there");
    // The composer is cleared after sending.
    assert_eq!(w.textarea().value(), "");
}
