//! `MessageImages`: the images a user message carried, as thumbnails (the file name as `alt`)
//! that open larger in the [`crate::ui::image_viewer::ImageViewer`].

use leptos::prelude::*;
use tinychat_core::i18n::Strings;

use crate::chat::{Chat, MessageView};

/// The thumbnails of `msg` (nothing when it has no image).
#[component]
pub fn MessageImages(msg: MessageView) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let images = chat.images_of(&msg);
    (!images.is_empty()).then(|| {
        let open = chat.strings().open_image.clone();
        view! {
            <div class="tc-msg__images">
                {images.into_iter().map(|image| {
                    let label = Strings::fill_named(&open, &[("name", &image.name)]);
                    let shown = image.clone();
                    view! {
                        <button type="button" class="tc-msg__image" aria-label=label
                            on:click=move |_| chat.view_image(Some(shown.clone()))>
                            <img src=image.data_url alt=image.name />
                        </button>
                    }
                }).collect_view()}
            </div>
        }
    })
}
