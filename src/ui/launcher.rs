//! Launcher mode: a round button fixed in a corner that opens the chat in a panel.

use crate::prelude::*;
use tinychat_core::i18n::Strings;
use tinychat_core::options::WidgetOptions;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, Node};

use crate::dom::{self, append, attr, el};
use crate::handover::Handover;
use crate::storage::{Area, Store};
use crate::ui::app::chat_widget;

const OPEN_KEY: &str = "launcher-open";

/// Launcher mode. The chat stays mounted while the panel is closed (a reply keeps streaming);
/// the open state survives a reload. Escape (when no reply streams) or "Close chat" closes the
/// panel and returns focus to the button.
pub fn launcher(options: WidgetOptions, strings: Strings, store: Store) -> Node {
    let handover = use_context::<Handover>().unwrap_or_default();
    // A press on the loader's button whose click was lost in the takeover toggles it, as the
    // click would have.
    let initially_open = (handover.open != handover.pressed)
        || (!handover.pressed
            && !handover.closed
            && store.get(Area::Local, OPEN_KEY).ok().flatten().as_deref() == Some("1"));
    let open = RwSignal::new(initially_open);
    let wrap = el("div", "tc-launcher-wrap");
    attr(&wrap, "data-position", options.position.as_str());
    let panel = el("div", "tc-panel");
    attr(&panel, "id", "tc-panel");
    dom::attr_with(&panel, "hidden", move || (!open.get()).then(String::new));
    let button = el("button", "tc-launcher");
    attr(&button, "type", "button");
    attr(&button, "aria-controls", "tc-panel");
    let (open_label, close_label) = (strings.open_chat().clone(), strings.close_chat().clone());
    let store_for_effect = store.clone();

    if let Some(slots) = use_context::<crate::controls::Slots>() {
        if let Ok(mut slot) = slots.open.lock() {
            *slot = Some(open);
        }
    }
    let host = use_context::<crate::controls::HostElement>();
    let mut prev: Option<bool> = None;
    let focus_panel = panel.clone();
    dom::effect(move || {
        let is_open = open.get();
        if let (Some(was), Some(host)) = (prev, host.and_then(|h| h.0.try_get_value())) {
            if was != is_open {
                let name = if is_open { "open" } else { "close" };
                crate::events::dispatch(&host, name, crate::events::Detail::new(), false);
            }
        }
        let _ = store_for_effect.set(Area::Local, OPEN_KEY, if is_open { "1" } else { "0" });
        if prev.is_some() && is_open {
            // Move focus into the panel: the message box.
            let p = focus_panel.clone();
            request_animation_frame(move || focus_textarea(&p));
        }
        prev = Some(is_open);
    });

    // Keep the panel above the on-screen keyboard: track the visual viewport's height.
    let viewport_listener =
        StoredValue::new_local(None::<(web_sys::VisualViewport, Closure<dyn Fn()>)>);
    on_cleanup(move || {
        viewport_listener.try_with_value(|l| {
            if let Some((vv, f)) = l {
                let _ =
                    vv.remove_event_listener_with_callback("resize", f.as_ref().unchecked_ref());
            }
        });
    });
    if let Some(vv) = web_sys::window().and_then(|w| w.visual_viewport()) {
        let el: HtmlElement = panel.clone().unchecked_into();
        let vv2 = vv.clone();
        let update = Closure::<dyn Fn()>::new(move || {
            let _ = el.style().set_property(
                "--tc-vvh",
                &format!("{}px", crate::browser::number_to_string(vv2.height())),
            );
        });
        let _ = vv.add_event_listener_with_callback("resize", update.as_ref().unchecked_ref());
        let f = update.as_ref().unchecked_ref::<js_sys::Function>().clone();
        let _ = f.call0(&wasm_bindgen::JsValue::UNDEFINED);
        viewport_listener.set_value(Some((vv, update)));
    }

    // Focus goes where it was in the loader's frame, and only there: its composer (with the
    // caret, see `embed::restore_focus` and the composer) or its launcher button. A panel the
    // loader drew open from the previous page never had focus, and does not take it now.
    if handover.pressed && !handover.open {
        // Opened by that press: focus in the message box, as a click would put it.
        let p = panel.clone();
        request_animation_frame(move || focus_textarea(&p));
    } else if handover.launcher_focused && !handover.open {
        let b = button.clone();
        request_animation_frame(move || {
            let _ = b.unchecked_ref::<HtmlElement>().focus();
        });
    }

    let close = {
        let b = StoredValue::new_local(button.clone());
        Callback::new(move |()| {
            open.set(false);
            if let Some(b) = b.try_get_value() {
                let _ = b.unchecked_ref::<HtmlElement>().focus();
            }
        })
    };
    append(&panel, &chat_widget(options, strings, store, Some(close)));
    dom::attr_with(&button, "aria-label", move || {
        Some(if open.get() {
            close_label.clone()
        } else {
            open_label.clone()
        })
    });
    dom::attr_with(&button, "aria-expanded", move || {
        Some(open.get().to_string())
    });
    dom::on(&button, "click", move |_| open.update(|o| *o = !*o));
    let icon = dom::svg_icon("tc-launcher__icon", "");
    if let Some(path) = icon.first_element_child() {
        dom::attr_with(&path, "d", move || {
            Some(
                if open.get() {
                    "M6 6l12 12M18 6L6 18"
                } else {
                    "M4 5h16v11H9l-5 4z"
                }
                .to_owned(),
            )
        });
    }
    append(&button, &icon);
    append(&wrap, &panel);
    append(&wrap, &button);
    wrap.into()
}

/// Focuses the message box inside `panel`.
fn focus_textarea(panel: &Element) {
    if let Some(el) = panel
        .query_selector("textarea")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
