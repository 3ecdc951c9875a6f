//! `Launcher`: a round button fixed in a corner that opens the chat in a panel.

use leptos::html::{Button, Div};
use leptos::prelude::*;
use tinychat_core::i18n::Strings;
use tinychat_core::options::WidgetOptions;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::handover::Handover;
use crate::storage::{Area, Store};
use crate::ui::app::ChatWidget;

const OPEN_KEY: &str = "launcher-open";

/// Launcher mode. The chat stays mounted while the panel is closed (a reply keeps streaming);
/// the open state survives a reload. Escape (when no reply streams) or "Close chat" closes the
/// panel and returns focus to the button.
#[component]
pub fn Launcher(
    /// Parsed embedding options.
    options: WidgetOptions,
    /// UI strings.
    strings: Strings,
    /// Storage for the conversations and the open state.
    store: Store,
) -> impl IntoView {
    let handover = use_context::<Handover>().unwrap_or_default();
    // A press on the loader's button whose click was lost in the takeover toggles it, as the
    // click would have.
    let initially_open = (handover.open != handover.pressed)
        || (!handover.pressed
            && !handover.closed
            && store.get(Area::Local, OPEN_KEY).ok().flatten().as_deref() == Some("1"));
    let open = RwSignal::new(initially_open);
    let button = NodeRef::<Button>::new();
    let panel = NodeRef::<Div>::new();
    let position = options.position.as_str();
    let (open_label, close_label) = (strings.open_chat.clone(), strings.close_chat.clone());
    let store_for_effect = store.clone();

    if let Some(slots) = use_context::<crate::controls::Slots>() {
        if let Ok(mut slot) = slots.open.lock() {
            *slot = Some(open);
        }
    }
    let host = use_context::<crate::controls::HostElement>();
    Effect::new(move |prev: Option<bool>| {
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
            request_animation_frame(move || {
                if let Some(p) = panel.try_get_untracked().flatten() {
                    if let Ok(Some(el)) = p.query_selector("textarea") {
                        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                            let _ = el.focus();
                        }
                    }
                }
            });
        }
        is_open
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
    panel.on_load(move |el| {
        let Some(vv) = web_sys::window().and_then(|w| w.visual_viewport()) else {
            return;
        };
        let el: web_sys::HtmlElement = el.into();
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
    });

    // Focus goes where it was in the loader's frame, and only there: its composer (with the
    // caret, see `embed::restore_focus` and the composer) or its launcher button. A panel the
    // loader drew open from the previous page never had focus, and does not take it now.
    if handover.pressed && !handover.open {
        // Opened by that press: focus in the message box, as a click would put it.
        request_animation_frame(move || {
            let textarea = panel
                .try_get_untracked()
                .flatten()
                .and_then(|p| p.query_selector("textarea").ok().flatten())
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(el) = textarea {
                let _ = el.focus();
            }
        });
    } else if handover.launcher_focused && !handover.open {
        request_animation_frame(move || {
            if let Some(b) = button.try_get_untracked().flatten() {
                let _ = b.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        });
    }

    let close = Callback::new(move |()| {
        open.set(false);
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    });

    view! {
        <div class="tc-launcher-wrap" data-position=position>
            <div node_ref=panel class="tc-panel" id="tc-panel" hidden=move || !open.get()>
                <ChatWidget options=options strings=strings store=store on_close=close />
            </div>
            <button node_ref=button type="button" class="tc-launcher"
                aria-label=move || if open.get() { close_label.clone() } else { open_label.clone() }
                aria-expanded=move || open.get().to_string() aria-controls="tc-panel"
                on:click=move |_| open.update(|o| *o = !*o)>
                <svg class="tc-launcher__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    {move || if open.get() {
                        view! { <path d="M6 6l12 12M18 6L6 18" /> }.into_any()
                    } else {
                        view! { <path d="M4 5h16v11H9l-5 4z" /> }.into_any()
                    }}
                </svg>
            </button>
        </div>
    }
}
