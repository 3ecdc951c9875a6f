//! Page tools: the abilities a host page gives the assistant with
//! `TinyChat.tools(el, [{name, description, parameters, handler}])`. The loader keeps them on the
//! host element as `el.tinychatTools = {specs, run}` (see `embed/tinychat-embed.js`): `specs` is
//! the JSON of the definitions, read at every request so a page may change its tools at any
//! time; `run(name, arguments, signal)` calls the handler and resolves to a JSON report that
//! never rejects (`{"ok": true, "result": …}` or `{"ok": false, "error": "…"}`), with the
//! unknown-name, bad-arguments, throw and timeout cases handled in the page's own realm.

use js_sys::{Function, Promise, Reflect};
use tinychat_core::mistral::{parse_tool_specs, ToolInvocation, ToolOutcome, ToolSpec};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Element};

fn bridge(host: &Element) -> Option<JsValue> {
    Reflect::get(host, &"tinychatTools".into())
        .ok()
        .filter(JsValue::is_object)
}

/// The tools `host` offers now (none if the page gave none).
pub fn specs(host: &Element) -> Vec<ToolSpec> {
    bridge(host)
        .and_then(|b| Reflect::get(&b, &"specs".into()).ok())
        .and_then(|s| s.as_string())
        .map(|json| parse_tool_specs(&json))
        .unwrap_or_default()
}

/// Runs `call` with the page's handler; `signal` aborts it (Stop). A missing bridge or a
/// runner that breaks its promise is an error result, never a panic.
pub async fn run(host: &Element, call: &ToolInvocation, signal: &AbortSignal) -> ToolOutcome {
    let runner = bridge(host).and_then(|b| {
        let f = Reflect::get(&b, &"run".into())
            .ok()?
            .dyn_into::<Function>()
            .ok()?;
        Some((b, f))
    });
    let Some((bridge, run)) = runner else {
        return ToolOutcome::error(&format!("Unknown tool \"{}\"", call.name));
    };
    let started = run.call3(
        &bridge,
        &JsValue::from_str(&call.name),
        &JsValue::from_str(&call.arguments),
        signal,
    );
    let report = match started {
        Ok(value) => JsFuture::from(Promise::resolve(&value)).await,
        Err(e) => Err(e),
    };
    match report.ok().and_then(|r| r.as_string()) {
        Some(json) => ToolOutcome::from_report(&json),
        None => ToolOutcome::error("the tool runner failed"),
    }
}
