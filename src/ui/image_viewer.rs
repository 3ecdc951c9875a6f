//! A sent image shown larger, in a modal dialog that Escape, the Close button or a click
//! outside the image closes; focus returns where it was.

use crate::prelude::*;
use web_sys::Node;

use crate::chat::Chat;
use crate::dom::{self, append, attr, el};
use crate::ui::button::ButtonVariant;
use crate::ui::focus_trap::trap_focus;

/// The viewer (nothing while no image is viewed).
pub fn image_viewer() -> Node {
    let chat = expect_context::<Chat>();
    let viewed = chat.viewed_image();
    let group = dom::fragment();
    dom::slot(
        &group,
        move || viewed.get(),
        move |image| {
            let image = image.as_ref()?;
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
            let button = dom::button(ButtonVariant::Ghost.class(false), &chat.t(|s| &s.close));
            dom::on(&button, "click", move |_| close());
            append(&actions, &button);
            append(&dialog, &img);
            append(&dialog, &actions);
            append(&overlay, &dialog);
            trap_focus(&dialog, close);
            Some(overlay.into())
        },
    );
    group
}
