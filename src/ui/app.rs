//! `ChatWidget`: the widget's root `section`.

use leptos::prelude::*;
use tinychat_core::i18n::Strings;
use tinychat_core::options::WidgetOptions;

use crate::chat::{use_chat, ExportFormat};
use crate::dom::Dom;
use crate::storage::Store;
use crate::ui::attach_button::files_of;
use crate::ui::button::{Button, ButtonVariant};
use crate::ui::composer::Composer;
use crate::ui::header::header;
use crate::ui::image_viewer::ImageViewer;
use crate::ui::message_list::message_list;
use crate::ui::pending_images::PendingImages;
use crate::ui::settings_dialog::settings_dialog;

/// The whole chat: header, conversation, composer, settings. Its accessible name is the title,
/// and `aria-busy` is true while a reply streams.
#[component]
pub fn ChatWidget(
    /// Parsed embedding options.
    options: WidgetOptions,
    /// UI strings (locale + overrides).
    strings: Strings,
    /// Where conversations and settings are kept.
    store: Store,
    /// In launcher mode: closes the panel ("Close chat", or Escape when nothing streams).
    #[prop(optional)]
    on_close: Option<Callback<()>>,
) -> impl IntoView {
    let title = options.title.clone();
    let chat = use_chat(options, strings, store);
    let dismiss = StoredValue::new(chat.strings().dismiss.clone());
    let (busy, notice) = (chat.busy(), chat.notice());

    view! {
        <section class="tc-chat" aria-label=title.clone() aria-busy=move || busy.get().to_string()
            on:dragover=move |ev: web_sys::DragEvent| {
                // Files dragged over the widget may be dropped on it.
                if ev.data_transfer().is_some_and(|d| d.types().includes(&"Files".into(), 0)) {
                    ev.prevent_default();
                }
            }
            on:drop=move |ev: web_sys::DragEvent| {
                let files = files_of(ev.data_transfer().and_then(|d| d.files()));
                if files.is_empty() {
                    return;
                }
                ev.prevent_default();
                if chat.can_see() {
                    chat.attach_files(files);
                } else {
                    chat.say_model_blind();
                }
            }
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                // Escape stops a streaming reply, otherwise closes the launcher panel (dialogs
                // and menus handle their own Escape first).
                if ev.key() == "Escape" {
                    if busy.get_untracked() {
                        ev.prevent_default();
                        chat.stop();
                    } else if let Some(close) = on_close {
                        ev.prevent_default();
                        close.run(());
                    }
                }
            }>
            {Dom::build(|| header(&title, on_close))}
            {move || notice.get().map(|text| view! {
                <div class="tc-notice" role="status">
                    <span class="tc-notice__text">{text}</span>
                    <Show when=move || chat.notice_offers_export().get()>
                        <Button on:click=move |_| chat.export(ExportFormat::Json)>{chat.t(|s| &s.export_now)}</Button>
                    </Show>
                    <Button variant=ButtonVariant::Ghost extra_class="tc-notice__close"
                        on:click=move |_| chat.dismiss_notice()>{dismiss.get_value()}</Button>
                </div>
            })}
            {Dom::build(message_list)}
            <PendingImages />
            <Composer />
            <ImageViewer />
            <div class="tc-visually-hidden" role="status" aria-live="polite" aria-atomic="true">
                {move || chat.announcement().get()}
            </div>
            <Show when=move || chat.settings_open().get()>
                {Dom::build(settings_dialog)}
            </Show>
        </section>
    }
}
