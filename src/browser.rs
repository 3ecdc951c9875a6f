//! Small browser conveniences: clipboard, file download, reading a picked file, time.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How long fetching a wasm module of the widget's may take before it counts as failed (a
/// stalled connection must not leave what waits for it waiting for good).
const MODULE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Fetches the wasm module at `url` and instantiates it with `imports`; returns its exports.
/// It is compiled while it downloads, unless the server does not send `application/wasm`: then
/// the bytes are compiled when they are all there. Fails after [`MODULE_TIMEOUT`].
pub async fn instantiate_wasm(url: &str, imports: &js_sys::Object) -> Result<JsValue, JsValue> {
    use js_sys::{Promise, Reflect, Uint8Array, WebAssembly};
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let controller = web_sys::AbortController::new()?;
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(&controller.signal()));
    set_timeout(move || controller.abort(), MODULE_TIMEOUT);
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Err(JsValue::NULL);
    }
    let streamed = WebAssembly::instantiate_streaming(
        &Promise::resolve(&JsValue::from(response.clone()?)),
        imports,
    );
    let result = match JsFuture::from(streamed).await {
        Ok(result) => result,
        Err(_) => {
            let bytes = JsFuture::from(response.array_buffer()?).await?;
            JsFuture::from(WebAssembly::instantiate_buffer(
                &Uint8Array::new(&bytes).to_vec(),
                imports,
            ))
            .await?
        }
    };
    Reflect::get(
        &Reflect::get(&result, &"instance".into())?,
        &"exports".into(),
    )
}

/// Milliseconds since the Unix epoch (`Date.now()`).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// `x.to_string()` (Rust's `Display` of an f64) from JavaScript's own number formatting, which
/// writes the same shortest round-trip digits: keeps `core::fmt`'s float formatter (Grisu with a
/// Dragon fallback, about 14 KB of code) out of the wasm.
pub fn number_to_string(x: f64) -> String {
    let js: String = js_sys::Number::from(x)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default();
    tinychat_core::decimal::f64_to_string_from_shortest(x, &js)
}

/// Copies `text` to the clipboard. Returns whether the browser accepted it.
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = window.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// Offers `contents` as a file download named `file_name`.
pub fn download(file_name: &str, mime: &str, contents: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let document = window
        .document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.set_rel("noopener");
    // Not attached to the page: a detached anchor's click still downloads in every engine we test.
    anchor.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// Reads the first file chosen in an `<input type="file">` as text.
pub async fn read_picked_file(input: &web_sys::HtmlInputElement) -> Option<(String, String)> {
    let file = input.files()?.get(0)?;
    let name = file.name();
    let text = JsFuture::from(file.text()).await.ok()?.as_string()?;
    Some((name, text))
}

/// `text` in lowercase, by the browser's `toLowerCase` (Unicode's case tables are the
/// browser's, not a copy in the wasm).
pub fn lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// A file-system friendly slug of a conversation title: its letters and digits (any script),
/// every other run of characters one `-`, at most 60 characters, lowercase.
///
/// The browser's Unicode tables do the work (a `\p{…}` regex and `toLowerCase`): Rust's own
/// (`char::is_alphanumeric`, `str::to_lowercase`) would add about 15 KB to the wasm.
pub fn file_stem(title: &str) -> String {
    let others = js_sys::RegExp::new("[^\\p{Alphabetic}\\p{N}]+", "gu");
    let dashed: String = js_sys::JsString::from(title)
        .replace_by_pattern(&others, "-")
        .into();
    let slug: String = dashed.trim_matches('-').chars().take(60).collect();
    if slug.is_empty() {
        "conversation".into()
    } else {
        lowercase(&slug)
    }
}

/// Runs `f` once, as a JavaScript callback: its captures are dropped once it ran, and the small
/// stub left behind is freed by the JavaScript GC (also when it never runs).
fn callback_once(f: impl FnOnce() + 'static) -> JsValue {
    let mut f: Option<Box<dyn FnOnce()>> = Some(Box::new(f));
    wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        if let Some(f) = f.take() {
            f()
        }
    })
    .into_js_value()
}

/// Runs `f` before the next repaint (`requestAnimationFrame`).
pub fn request_animation_frame(f: impl FnOnce() + 'static) {
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(callback_once(f).unchecked_ref());
    }
}

/// Runs `f` once `wait` has passed (`setTimeout`).
pub fn set_timeout(f: impl FnOnce() + 'static, wait: std::time::Duration) {
    if let Some(window) = web_sys::window() {
        let ms = i32::try_from(wait.as_millis()).unwrap_or(i32::MAX);
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            callback_once(f).unchecked_ref(),
            ms,
        );
    }
}

/// Runs a future on the page's event loop.
pub fn spawn_local(fut: impl std::future::Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(fut);
}

/// A `window` event listener, removed by [`WindowListener::remove`].
pub struct WindowListener {
    name: &'static str,
    callback: JsValue,
}

impl WindowListener {
    /// Stops listening.
    pub fn remove(self) {
        if let Some(window) = web_sys::window() {
            let _ = window
                .remove_event_listener_with_callback(self.name, self.callback.unchecked_ref());
        }
    }
}

/// Listens for `name` events on `window` until [`WindowListener::remove`].
pub fn window_event_listener_untyped(
    name: &'static str,
    f: impl Fn(web_sys::Event) + 'static,
) -> WindowListener {
    let callback = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(f).into_js_value();
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback(name, callback.unchecked_ref());
    }
    WindowListener { name, callback }
}
