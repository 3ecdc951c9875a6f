//! `use_focus_trap`: keeps Tab and Shift+Tab inside a modal element, focuses its first control
//! when it opens, and gives the element a key handler for Escape.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";

/// The focusable controls inside `root`, in document order.
fn focusables(root: NodeRef<Div>) -> Vec<HtmlElement> {
    // try_: called from a frame callback that may run after the element went away.
    let Some(el) = root.try_get_untracked().flatten() else {
        return vec![];
    };
    let Ok(list) = el.query_selector_all(FOCUSABLE) else {
        return vec![];
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// The focused element, looking inside the shadow root that holds `el`.
fn active_element(el: &Element) -> Option<Element> {
    el.get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()
        .and_then(|r| r.active_element())
        .or_else(|| el.owner_document().and_then(|doc| doc.active_element()))
}

/// Traps focus in `root` and returns its `keydown` handler: Tab cycles, Escape calls
/// `on_escape`. The first control takes focus once the element is in the page.
pub fn use_focus_trap(
    root: NodeRef<Div>,
    on_escape: impl Fn() + Clone + 'static,
) -> impl Fn(KeyboardEvent) + Clone + 'static {
    root.on_load(move |_| {
        request_animation_frame(move || {
            if let Some(first) = focusables(root).into_iter().next() {
                let _ = first.focus();
            }
        });
    });
    move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.stop_propagation();
            ev.prevent_default();
            on_escape();
        }
        "Tab" => {
            let items = focusables(root);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = root.get_untracked().and_then(|d| active_element(&d));
            let is = |target: &HtmlElement| {
                active
                    .as_ref()
                    .is_some_and(|a| a == target.unchecked_ref::<Element>())
            };
            if ev.shift_key() && is(first) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && is(last) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
        _ => {}
    }
}
