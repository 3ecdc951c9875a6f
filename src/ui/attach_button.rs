//! "Attach image" beside the message box, shown only when the selected model sees images. It
//! opens the file picker (PNG, JPEG, WebP, GIF; several at once).

use crate::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, Node};

use crate::chat::Chat;
use crate::dom::{self, append, attr, el};

/// The attach button and its hidden file input, at this point of `parent`.
pub fn attach_button(parent: &Node) {
    let chat = expect_context::<Chat>();
    let label = chat.t(|s| s.attach_image());
    let busy = chat.busy();
    dom::show(
        parent,
        move || chat.can_see(),
        move || {
            let group = dom::fragment();
            let button = dom::button("tc-button tc-button--ghost tc-composer__attach", "");
            attr(&button, "aria-label", &label);
            attr(&button, "title", &label);
            dom::attr_with(&button, "disabled", move || busy.get().then(String::new));
            append(
                &button,
                &dom::svg_icon(
                    "tc-icon",
                    "M21 12.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.5 3.5 0 0 1 5 5l-8.6 8.6a2 2 0 0 1-2.8-2.8l7.9-7.9",
                ),
            );
            let input = el("input", "tc-visually-hidden tc-composer__file");
            attr(&input, "type", "file");
            attr(&input, "tabindex", "-1");
            attr(&input, "aria-hidden", "true");
            attr(
                &input,
                "accept",
                "image/png,image/jpeg,image/webp,image/gif",
            );
            attr(&input, "multiple", "");
            let picker = input.clone();
            dom::on(&button, "click", move |_| {
                picker.unchecked_ref::<HtmlElement>().click()
            });
            dom::on(&input, "change", move |ev| {
                let Some(el) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                else {
                    return;
                };
                chat.attach_files(files_of(el.files()));
                el.set_value("");
            });
            append(&group, &button);
            append(&group, &input);
            group
        },
    );
}

/// The files of a `FileList`, in order.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
