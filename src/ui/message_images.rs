//! The images a user message carries, as thumbnails that open the viewer.

use crate::prelude::*;
use tinychat_core::i18n::Strings;
use web_sys::Node;

use crate::chat::{Chat, MessageView};
use crate::dom::{self, append, attr, el};

/// A row of thumbnails, one button each (named "Open image {name}"), or nothing.
pub fn message_images(msg: &MessageView) -> Option<Node> {
    let chat = expect_context::<Chat>();
    let images = chat.images_of(msg);
    if images.is_empty() {
        return None;
    }
    let open = chat.strings().open_image().clone();
    let row = el("div", "tc-msg__images");
    for image in images {
        let button = el("button", "tc-msg__image");
        attr(&button, "type", "button");
        attr(
            &button,
            "aria-label",
            &Strings::fill_named(&open, &[("name", &image.name)]),
        );
        let img = el("img", "");
        attr(&img, "src", &image.data_url);
        attr(&img, "alt", &image.name);
        append(&button, &img);
        append(&row, &button);
        dom::on(&button, "click", move |_| {
            chat.view_image(Some(image.clone()))
        });
    }
    Some(row.into())
}
