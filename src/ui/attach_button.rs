//! `AttachButton`: "Attach image" beside the message box, shown only when the selected model
//! sees images. It opens the file picker (PNG, JPEG, WebP, GIF; several at once).

use leptos::html::Input;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::chat::Chat;

/// The attach button and its hidden file input.
#[component]
pub fn AttachButton() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let label = chat.t(|s| &s.attach_image);
    let input = NodeRef::<Input>::new();
    let busy = chat.busy();
    view! {
        <Show when=move || chat.can_see()>
            <button type="button" class="tc-button tc-button--ghost tc-composer__attach"
                aria-label=label.clone() title=label.clone() disabled=move || busy.get()
                on:click=move |_| {
                    if let Some(el) = input.get_untracked() {
                        el.click();
                    }
                }>
                <svg class="tc-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d="M21 12.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.5 3.5 0 0 1 5 5l-8.6 8.6a2 2 0 0 1-2.8-2.8l7.9-7.9" />
                </svg>
            </button>
            <input node_ref=input type="file" class="tc-visually-hidden tc-composer__file" tabindex="-1" aria-hidden="true"
                accept="image/png,image/jpeg,image/webp,image/gif" multiple
                on:change=move |ev| {
                    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                        return;
                    };
                    chat.attach_files(files_of(el.files()));
                    el.set_value("");
                } />
        </Show>
    }
}

/// The files of a `FileList`, in order.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
