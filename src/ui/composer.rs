//! `Composer`: the message box with Send / Stop.

use leptos::html::Textarea;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

use crate::chat::Chat;
use crate::ui::attach_button::{files_of, AttachButton};
use crate::ui::button::{Button, ButtonVariant};

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
#[component]
pub fn Composer() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let placeholder = chat
        .options()
        .placeholder
        .clone()
        .unwrap_or_else(|| s.placeholder.clone());
    let input = NodeRef::<Textarea>::new();
    let (busy, draft) = (chat.busy(), chat.draft());

    // Where CSS sizes the textarea to its content (`field-sizing: content`), nothing to do: no
    // forced layout per keystroke, which in a long conversation costs the whole log's layout.
    let css_sizes_it = css_supports("field-sizing", "content");
    let grow = move || {
        if css_sizes_it {
            return;
        }
        if let Some(el) = input.get_untracked() {
            // CSSOM writes are allowed under a CSP without 'unsafe-inline' (attributes are not).
            let style = web_sys::HtmlElement::style(&el);
            let _ = style.set_property("height", "auto");
            let h = el.scroll_height().min(MAX_HEIGHT_PX);
            let _ = style.set_property("height", &format!("{h}px"));
        }
    };
    let submit = move || {
        if chat.send_draft() {
            if let Some(el) = input.get_untracked() {
                el.set_value("");
            }
            grow();
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() && ev.key_code() != 229 {
            ev.prevent_default();
            if !busy.get_untracked() {
                submit();
            }
        }
    };
    let focus_requests = chat.focus_requests();
    Effect::new(move |prev: Option<u32>| {
        let n = focus_requests.get();
        if prev.is_some_and(|p| p != n) {
            request_animation_frame(move || {
                if let Some(el) = input.try_get_untracked().flatten() {
                    let _ = el.focus();
                }
            });
        }
        n
    });
    // Focus and caret carry over from the loader's skeleton.
    if let Some(handover) = use_context::<crate::handover::Handover>() {
        if handover.composer_focused {
            input.on_load(move |el| {
                request_animation_frame(move || {
                    let _ = el.focus();
                    if let Some((start, end)) = handover.selection {
                        let _ = el.set_selection_range(start, end);
                    }
                });
            });
        }
    }
    let pending = chat.pending_images();
    let cannot_send =
        move || busy.get() || (draft.with(|d| d.trim().is_empty()) && pending.with(Vec::is_empty));

    view! {
        <form class="tc-composer" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <AttachButton />
            <textarea node_ref=input class="tc-input tc-composer__input" rows="1"
                aria-label=s.message.clone() placeholder=placeholder
                on:paste=move |ev: web_sys::ClipboardEvent| {
                    // Pasted images are attached (when the model sees them); text pastes as usual.
                    let files: Vec<web_sys::File> = files_of(ev.clipboard_data().and_then(|d| d.files()))
                        .into_iter()
                        .filter(|f| f.type_().starts_with("image/"))
                        .collect();
                    if !files.is_empty() && chat.can_see() {
                        ev.prevent_default();
                        chat.attach_files(files);
                    }
                }
                prop:value=move || draft.get()
                on:input=move |ev| { chat.set_draft(event_target_value(&ev)); grow(); }
                on:keydown=on_keydown></textarea>
            {move || if busy.get() {
                view! {
                    <Button variant=ButtonVariant::Stop extra_class="tc-composer__button"
                        on:click=move |_| chat.stop()>{chat.t(|s| &s.stop)}</Button>
                }.into_any()
            } else {
                view! {
                    <Button variant=ButtonVariant::Primary submit=true extra_class="tc-composer__button"
                        disabled=Signal::derive(cannot_send)>{chat.t(|s| &s.send)}</Button>
                }.into_any()
            }}
        </form>
    }
}
