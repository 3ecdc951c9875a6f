//! Focus trapping for modal elements: Tab and Shift+Tab stay inside, the first control takes
//! focus when the element opens, and Escape calls the element's close action.

use crate::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use crate::dom;

const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";

/// The focusable controls inside `el`, in document order.
fn focusables_in(el: &Element) -> Vec<HtmlElement> {
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

/// Focuses the first control of `el` on the next frame (once it is in the page), unless focus
/// is already inside it (a visitor quick enough to click a field first keeps it).
fn focus_first_soon(el: Element) {
    request_animation_frame(move || {
        if active_element(&el).is_some_and(|a| el.contains(Some(a.as_ref()))) {
            return;
        }
        if let Some(first) = focusables_in(&el).into_iter().next() {
            let _ = first.focus();
        }
    });
}

/// The `keydown` handling of a trap on `el`: Tab cycles, Escape calls `on_escape`.
fn on_key(el: &Element, ev: &KeyboardEvent, on_escape: &dyn Fn()) {
    match ev.key().as_str() {
        "Escape" => {
            ev.stop_propagation();
            ev.prevent_default();
            on_escape();
        }
        "Tab" => {
            let items = focusables_in(el);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = active_element(el);
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

/// Traps focus in `root` (a view built with [`crate::dom`]): Tab cycles, Escape calls
/// `on_escape`, and the first control takes focus once the element is in the page.
pub fn trap_focus(root: &Element, on_escape: impl Fn() + 'static) {
    focus_first_soon(root.clone());
    let el = root.clone();
    dom::on(root, "keydown", move |ev| {
        on_key(&el, ev.unchecked_ref(), &on_escape);
    });
}
