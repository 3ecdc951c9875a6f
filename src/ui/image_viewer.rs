//! A sent image shown larger, in a modal dialog that Escape, the Close button or a click
//! outside the image closes; focus returns where it was (the thumbnail).

use crate::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, Node, ShadowRoot};

use crate::chat::Chat;
use crate::dom::{self, append, attr, el};
use crate::ui::button::ButtonVariant;
use crate::ui::focus_trap::trap_focus;
use tinychat_core::chat::Image;

/// The viewer (nothing while no image is viewed).
pub fn image_viewer() -> Node {
    let chat = expect_context::<Chat>();
    let viewed = chat.viewed_image();
    let group = dom::fragment();
    // Stays in the page: where to ask which element had focus when the viewer opened.
    let anchor = dom::text("");
    append(&group, &anchor);
    dom::slot(
        &group,
        move || viewed.get(),
        move |image| Some(viewer(chat, image.as_ref()?, &anchor)),
    );
    group
}

/// The open viewer of `image`. Only built once the extras module runs (`scripts/split.mjs`
/// moves it there): an image is viewed through [`Chat::view_image`], which waits for it.
#[inline(never)]
fn viewer(chat: Chat, image: &Image, anchor: &Node) -> Node {
    // Focus returns where it was (the thumbnail) once the viewer has gone.
    let previous = StoredValue::new_local(focused(anchor));
    on_cleanup(move || {
        if let Some(Some(el)) = previous.try_get_value() {
            if el.is_connected() {
                let _ = el.focus();
            }
        }
    });
    let close = move || chat.view_image(None);
    let overlay = el("div", "tc-overlay");
    dom::on(&overlay, "click", move |_| close());
    let dialog = el("div", "tc-dialog tc-viewer");
    attr(&dialog, "role", "dialog");
    attr(&dialog, "aria-modal", "true");
    attr(&dialog, "aria-label", &image.name);
    dom::on(&dialog, "click", |ev| ev.stop_propagation());
    let img = el("img", "tc-viewer__img");
    attr(&img, "src", &image.data_url);
    attr(&img, "alt", &image.name);
    let actions = el("div", "tc-dialog__actions");
    let button = dom::button(ButtonVariant::Ghost.class(false), &chat.t(|s| s.close()));
    dom::on(&button, "click", move |_| close());
    append(&actions, &button);
    append(&dialog, &img);
    append(&dialog, &actions);
    append(&overlay, &dialog);
    trap_focus(&dialog, close);
    overlay.into()
}

/// The focused element of the shadow root (or page) that holds `node`.
fn focused(node: &Node) -> Option<HtmlElement> {
    node.get_root_node()
        .dyn_into::<ShadowRoot>()
        .ok()
        .and_then(|root| root.active_element())
        .or_else(|| dom::document().active_element())?
        .dyn_into::<HtmlElement>()
        .ok()
}
