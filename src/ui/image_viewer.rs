//! `ImageViewer`: a sent image shown larger, in a modal dialog that Escape, the Close button or
//! a click outside the image closes; focus returns where it was.

use leptos::html::Div;
use leptos::prelude::*;

use crate::chat::Chat;
use crate::ui::button::{Button, ButtonVariant};
use crate::ui::focus_trap::use_focus_trap;

/// The viewer (nothing while no image is viewed).
#[component]
pub fn ImageViewer() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let viewed = chat.viewed_image();
    move || {
        viewed.get().map(|image| {
            let dialog = NodeRef::<Div>::new();
            let close = move || chat.view_image(None);
            let on_keydown = use_focus_trap(dialog, close);
            view! {
                <div class="tc-overlay" on:click=move |_| close()>
                    <div node_ref=dialog class="tc-dialog tc-viewer" role="dialog" aria-modal="true"
                        aria-label=image.name.clone() on:keydown=on_keydown
                        on:click=|ev| ev.stop_propagation()>
                        <img class="tc-viewer__img" src=image.data_url.clone() alt=image.name.clone() />
                        <div class="tc-dialog__actions">
                            <Button variant=ButtonVariant::Ghost on:click=move |_| close()>{chat.t(|s| &s.close)}</Button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
