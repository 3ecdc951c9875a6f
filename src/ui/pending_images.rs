//! `PendingImages`: thumbnails of the images attached to the next message, each with a remove
//! button. Images are `data:` URLs the widget made itself; nothing is fetched.

use leptos::prelude::*;
use tinychat_core::i18n::Strings;

use crate::chat::Chat;

/// The strip above the message box (nothing when no image is pending).
#[component]
pub fn PendingImages() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let pending = chat.pending_images();
    view! {
        <Show when=move || pending.with(|p| !p.is_empty())>
            <ul class="tc-pending" aria-label=chat.t(|s| &s.images_to_send)>
                {move || pending.get().into_iter().enumerate().map(|(i, image)| {
                    let remove = Strings::fill_named(&chat.strings().remove_image, &[("name", &image.name)]);
                    view! {
                        <li class="tc-pending__item">
                            <img class="tc-pending__img" src=image.data_url alt=image.name />
                            <button type="button" class="tc-pending__remove" aria-label=remove.clone()
                                title=remove on:click=move |_| chat.remove_pending(i)>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Show>
    }
}
