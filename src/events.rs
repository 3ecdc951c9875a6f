//! Events a widget dispatches on its host element (the `<tiny-chat>` or `[data-tinychat]`
//! element), for the page: `tinychat:ready`, `open`, `close`, `send` (cancelable), `reply`,
//! `error`. They bubble and are composed, so a listener on `document` hears every widget.
//! Their `detail` shapes are in `embed/tinychat.d.ts`.

use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, Element};

/// A `detail` object built field by field.
pub struct Detail(js_sys::Object);

impl Detail {
    /// An empty detail.
    pub fn new() -> Self {
        Detail(js_sys::Object::new())
    }

    /// The object, as a value (to nest in another detail).
    pub fn into_value(self) -> JsValue {
        self.0.into()
    }

    /// Sets `key` to `value`.
    pub fn set(self, key: &str, value: impl Into<JsValue>) -> Self {
        let _ = js_sys::Reflect::set(&self.0, &key.into(), &value.into());
        self
    }
}

impl Default for Detail {
    fn default() -> Self {
        Detail::new()
    }
}

/// Dispatches `tinychat:<name>` on `host`. Returns false if a listener called
/// `preventDefault()` on a cancelable event.
pub fn dispatch(host: &Element, name: &str, detail: Detail, cancelable: bool) -> bool {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(cancelable);
    init.set_detail(&detail.0);
    match CustomEvent::new_with_event_init_dict(&format!("tinychat:{name}"), &init) {
        Ok(event) => host.dispatch_event(&event).unwrap_or(true),
        Err(_) => true,
    }
}
