//! Thumbnails of the images attached to the next message, each with a remove button. Images
//! are `data:` URLs the widget made itself; nothing is fetched.

use crate::prelude::*;
use tinychat_core::i18n::Strings;
use web_sys::Node;

use crate::chat::Chat;
use crate::dom::{self, append, attr, el};

/// The strip above the message box (nothing when no image is pending).
pub fn pending_images() -> Node {
    let chat = expect_context::<Chat>();
    let pending = chat.pending_images();
    let group = dom::fragment();
    dom::show(
        &group,
        move || pending.with(|p| !p.is_empty()),
        move || strip(chat),
    );
    group
}

/// The strip of pending images. Only built once the extras module runs (`scripts/split.mjs`
/// moves it there): images are pending only after attaching, which waits for it.
#[inline(never)]
fn strip(chat: Chat) -> Node {
    let pending = chat.pending_images();
    let list = el("ul", "tc-pending");
    attr(&list, "aria-label", &chat.t(|s| s.images_to_send()));
    let items = list.clone();
    dom::effect(move || {
        items.set_text_content(None);
        for (i, image) in pending.get().into_iter().enumerate() {
            let remove =
                Strings::fill_named(chat.strings().remove_image(), &[("name", &image.name)]);
            let item = el("li", "tc-pending__item");
            let img = el("img", "tc-pending__img");
            attr(&img, "src", &image.data_url);
            attr(&img, "alt", &image.name);
            let button = dom::button("tc-pending__remove", "×");
            attr(&button, "aria-label", &remove);
            attr(&button, "title", &remove);
            dom::on(&button, "click", move |_| chat.remove_pending(i));
            append(&item, &img);
            append(&item, &button);
            append(&items, &item);
        }
    });
    list.into()
}
