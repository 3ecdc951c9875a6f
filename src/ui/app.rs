//! The widget's root `section`.

use crate::prelude::*;
use tinychat_core::i18n::Strings;
use tinychat_core::options::WidgetOptions;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, KeyboardEvent, Node};

use crate::chat::{use_chat, ExportFormat};
use crate::dom::{self, append, attr, el, el_text};
use crate::storage::Store;
use crate::ui::attach_button::files_of;
use crate::ui::button::ButtonVariant;
use crate::ui::composer::composer;
use crate::ui::header::header;
use crate::ui::image_viewer::image_viewer;
use crate::ui::message_list::message_list;
use crate::ui::pending_images::pending_images;
use crate::ui::settings_dialog::settings_dialog;

/// The whole chat: header, conversation, composer, settings. Its accessible name is the title,
/// and `aria-busy` is true while a reply streams. In launcher mode, `on_close` closes the panel
/// ("Close chat", or Escape when nothing streams).
pub fn chat_widget(
    options: WidgetOptions,
    strings: Strings,
    store: Store,
    on_close: Option<Callback<()>>,
) -> Node {
    let title = options.title.clone();
    let chat = use_chat(options, strings, store);
    let (busy, notice) = (chat.busy(), chat.notice());

    let section = el("section", "tc-chat");
    attr(&section, "aria-label", &title);
    dom::attr_with(&section, "aria-busy", move || Some(busy.get().to_string()));
    dom::on(&section, "dragover", |ev| {
        let ev: &DragEvent = ev.unchecked_ref();
        // Files dragged over the widget may be dropped on it.
        if ev
            .data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
        {
            ev.prevent_default();
        }
    });
    dom::on(&section, "drop", move |ev| {
        let ev: &DragEvent = ev.unchecked_ref();
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
    });
    dom::on(&section, "keydown", move |ev| {
        let ev: &KeyboardEvent = ev.unchecked_ref();
        // Escape stops a streaming reply, otherwise closes the launcher panel (dialogs and
        // menus handle their own Escape first).
        if ev.key() == "Escape" {
            if busy.get_untracked() {
                ev.prevent_default();
                chat.stop();
            } else if let Some(close) = on_close {
                ev.prevent_default();
                close.run(());
            }
        }
    });

    append(&section, &header(&title, on_close));
    // Built anew on every notice, even one equal to the last (said again, announced again).
    dom::slot_each(
        &section,
        move || notice.get(),
        move |text| {
            let text = text.as_ref()?;
            let s = chat.strings();
            let bar = el("div", "tc-notice");
            attr(&bar, "role", "status");
            append(&bar, &el_text("span", "tc-notice__text", text));
            dom::show(
                &bar,
                move || chat.notice_offers_export().get(),
                move || {
                    let export = dom::button(
                        ButtonVariant::Default.class(false),
                        &chat.t(|s| s.export_now()),
                    );
                    dom::on(&export, "click", move |_| chat.export(ExportFormat::Json));
                    export.into()
                },
            );
            let dismiss = dom::button(
                &format!("{} tc-notice__close", ButtonVariant::Ghost.class(false)),
                s.dismiss(),
            );
            dom::on(&dismiss, "click", move |_| chat.dismiss_notice());
            append(&bar, &dismiss);
            Some(bar.into())
        },
    );
    append(&section, &message_list());
    append(&section, &pending_images());
    append(&section, &composer());
    append(&section, &image_viewer());
    let status = el("div", "tc-visually-hidden");
    attr(&status, "role", "status");
    attr(&status, "aria-live", "polite");
    attr(&status, "aria-atomic", "true");
    dom::text_with(&status, move || chat.announcement().get());
    append(&section, &status);
    dom::show(
        &section,
        move || chat.settings_open().get(),
        settings_dialog,
    );
    section.into()
}
