//! What the loader's skeleton (`embed/tinychat-embed.js`), or a widget mounted again by
//! `setOptions`, hands over when the wasm takes a widget: text typed before it ran, the caret, focus, a message queued with Enter, Send or a
//! starter prompt, and a launcher clicked open. Read from the skeleton's DOM and from the
//! element's `tinychatHandover` object just before the real UI replaces it.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement, ShadowRoot};

/// The skeleton's state at handover. `Default` when there was no skeleton.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Handover {
    /// Text in the skeleton's composer.
    pub draft: String,
    /// Its selection (start, end), in UTF-16 units as the DOM counts.
    pub selection: Option<(u32, u32)>,
    /// The composer had focus.
    pub composer_focused: bool,
    /// The launcher button had focus.
    pub launcher_focused: bool,
    /// A message sent before the wasm ran: send it now.
    pub queued: Option<String>,
    /// It was sent by the page (`TinyChat.send`), not typed or picked by the visitor: if it is
    /// refused, it does not go into the visitor's composer.
    pub queued_by_page: bool,
    /// The launcher was clicked open before the wasm ran.
    pub open: bool,
    /// It was closed on purpose before the wasm ran (Escape, a second click, `close()`): it
    /// stays closed even if it was open on the previous page.
    pub closed: bool,
    /// The launcher button was pressed and its click had not come when the widget took over
    /// (the press and the release landed on different buttons): the click is the widget's.
    pub pressed: bool,
}

impl Handover {
    /// Reads the skeleton drawn in `shadow` for `el`, if any.
    pub fn read(el: &Element, shadow: &ShadowRoot) -> Self {
        let mut out = Handover::default();
        let mut pressed: Option<String> = None;
        let state = js_sys::Reflect::get(el, &"tinychatHandover".into()).unwrap_or_default();
        if state.is_object() {
            let text = |name: &str| {
                js_sys::Reflect::get(&state, &name.into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .filter(|t| !t.trim().is_empty())
            };
            // A message queued in the frame, else one whose Send or starter-prompt press lost
            // its click to the takeover (the release landed on the widget's own button).
            out.queued = text("queued");
            pressed = out.queued.is_none().then(|| text("pressedText")).flatten();
            if pressed.is_some() {
                out.queued = pressed.clone();
            }
            let flag = |name: &str| {
                js_sys::Reflect::get(&state, &name.into())
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false)
            };
            out.queued_by_page = out.queued.is_some() && pressed.is_none() && flag("queuedByPage");
            out.open = flag("open");
            out.closed = flag("closed");
            out.pressed = flag("pressed");
            // A widget mounted again (`setOptions`) hands over its draft this way.
            if let Some(draft) = js_sys::Reflect::get(&state, &"draft".into())
                .ok()
                .and_then(|v| v.as_string())
            {
                out.draft = draft;
            }
            let _ = js_sys::Reflect::delete_property(
                el.unchecked_ref::<js_sys::Object>(),
                &"tinychatHandover".into(),
            );
        }
        let active = shadow.active_element();
        if let Some(input) = shadow
            // The skeleton's composer, or the widget's own when it is mounted again
            // (`setOptions`): either way the draft, caret and focus carry over.
            .query_selector("textarea.tc-composer__input")
            .ok()
            .flatten()
            .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
        {
            out.draft = input.value();
            out.composer_focused = active.as_ref() == Some(input.unchecked_ref::<Element>());
            if let (Ok(Some(start)), Ok(Some(end))) =
                (input.selection_start(), input.selection_end())
            {
                out.selection = Some((start, end));
            }
        }
        // Sent by that press, as its click would have: the composer it came from is emptied.
        if pressed.is_some_and(|p| p.trim() == out.draft.trim()) {
            out.draft.clear();
            out.selection = None;
        }
        out.launcher_focused = active.is_some_and(|a| {
            a.class_name()
                .split_whitespace()
                .any(|c| c == "tc-launcher")
        });
        out
    }
}
