//! The message box with Send / Stop.

use crate::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ClipboardEvent, HtmlTextAreaElement, KeyboardEvent, Node};

use crate::chat::Chat;
use crate::dom::{self, append, attr, el};
use crate::ui::attach_button::{attach_button, files_of};
use crate::ui::button::ButtonVariant;

/// Tallest the textarea grows before it scrolls (px).
const MAX_HEIGHT_PX: i32 = 200;

/// `CSS.supports(property, value)`; false where it cannot be asked.
fn css_supports(property: &str, value: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let supports = js_sys::Reflect::get(&window, &"CSS".into())
        .and_then(|css| {
            let f = js_sys::Reflect::get(&css, &"supports".into())?;
            let f: js_sys::Function = f.dyn_into()?;
            f.call2(&css, &property.into(), &value.into())
        })
        .ok();
    supports.and_then(|v| v.as_bool()).unwrap_or(false)
}

/// Multi-line input: Enter sends, Shift+Enter is a newline, Enter while an IME composes does
/// nothing; whitespace-only input is not sent; sending is disabled while a reply streams.
pub fn composer() -> Node {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let placeholder = chat
        .options()
        .placeholder
        .clone()
        .unwrap_or_else(|| s.placeholder().clone());
    let (busy, draft) = (chat.busy(), chat.draft());

    let form = el("form", "tc-composer");
    attach_button(&form);
    let input = el("textarea", "tc-input tc-composer__input");
    attr(&input, "rows", "1");
    attr(&input, "aria-label", s.message());
    attr(&input, "placeholder", &placeholder);
    append(&form, &input);
    let area: HtmlTextAreaElement = input.clone().unchecked_into();

    // Where CSS sizes the textarea to its content (`field-sizing: content`), nothing to do: no
    // forced layout per keystroke, which in a long conversation costs the whole log's layout.
    let css_sizes_it = css_supports("field-sizing", "content");
    let grow = {
        let el = area.clone();
        move || {
            if css_sizes_it {
                return;
            }
            // CSSOM writes are allowed under a CSP without 'unsafe-inline' (attributes are not).
            let style = web_sys::HtmlElement::style(&el);
            let _ = style.set_property("height", "auto");
            let h = el.scroll_height().min(MAX_HEIGHT_PX);
            let _ = style.set_property("height", &format!("{h}px"));
        }
    };
    let submit = {
        let (el, grow) = (area.clone(), grow.clone());
        move || {
            if chat.send_draft() {
                el.set_value("");
                grow();
            }
        }
    };
    {
        let submit = submit.clone();
        dom::on(&input, "keydown", move |ev| {
            let ev: &KeyboardEvent = ev.unchecked_ref();
            if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() && ev.key_code() != 229
            {
                ev.prevent_default();
                if !busy.get_untracked() {
                    submit();
                }
            }
        });
    }
    dom::on(&input, "paste", move |ev| {
        let ev: &ClipboardEvent = ev.unchecked_ref();
        // Pasted images are attached (when the model sees them); text pastes as usual.
        let files: Vec<web_sys::File> = files_of(ev.clipboard_data().and_then(|d| d.files()))
            .into_iter()
            .filter(|f| f.type_().starts_with("image/"))
            .collect();
        if !files.is_empty() && chat.can_see() {
            ev.prevent_default();
            chat.attach_files(files);
        }
    });
    dom::prop_with(&input, "value", move || JsValue::from_str(&draft.get()));
    dom::on(&input, "input", move |ev| {
        chat.set_draft(dom::target_value(&ev));
        grow();
    });
    dom::on(&form, "submit", move |ev| {
        ev.prevent_default();
        submit();
    });

    let focus_requests = chat.focus_requests();
    let mut seen: Option<u32> = None;
    {
        let el = area.clone();
        dom::effect(move || {
            let n = focus_requests.get();
            if seen.is_some_and(|p| p != n) {
                // At once, so a key pressed right after (Escape after Retry, whose button has
                // just gone) reaches the widget rather than the page's body; and again on the
                // next frame, for a composer that was not focusable yet (a panel opening).
                let _ = el.focus();
                let el = el.clone();
                request_animation_frame(move || {
                    let _ = el.focus();
                });
            }
            seen = Some(n);
        });
    }
    // Focus and caret carry over from the loader's skeleton (once the composer is in the page).
    // Not the caret when the text is no longer the skeleton's (a refused queued message was put
    // back before it): setting the text left it at the end.
    if let Some(handover) = use_context::<crate::handover::Handover>() {
        if handover.composer_focused {
            request_animation_frame(move || {
                let _ = area.focus();
                if let Some((start, end)) = handover.selection {
                    if area.value() == handover.draft {
                        let _ = area.set_selection_range(start, end);
                    }
                }
            });
        }
    }

    let pending = chat.pending_images();
    dom::slot(
        &form,
        move || busy.get(),
        move |&busy_now| {
            let button = if busy_now {
                let stop = dom::button(
                    &format!("{} tc-composer__button", ButtonVariant::Stop.class(false)),
                    &chat.t(|s| s.stop()),
                );
                dom::on(&stop, "click", move |_| chat.stop());
                stop
            } else {
                let send = dom::button(
                    &format!(
                        "{} tc-composer__button",
                        ButtonVariant::Primary.class(false)
                    ),
                    &chat.t(|s| s.send()),
                );
                attr(&send, "type", "submit");
                dom::attr_with(&send, "disabled", move || {
                    let cannot = busy.get()
                        || (draft.with(|d| d.trim().is_empty()) && pending.with(Vec::is_empty));
                    cannot.then(String::new)
                });
                send
            };
            Some(button.into())
        },
    );
    form.into()
}
