//! `ExportMenu`: download the conversation as Markdown, text or JSON; import a JSON export.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::KeyboardEvent;

use crate::browser::read_picked_file;
use crate::chat::{Chat, ExportFormat};

/// The "Export" button and its menu.
#[component]
pub fn ExportMenu() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings.get_value();
    let open = RwSignal::new(false);
    let import_label = s.import.clone();
    let file_input = NodeRef::<Input>::new();

    let export = move |format| {
        chat.export(format);
        open.set(false);
    };
    let on_file = move |_| {
        let Some(input) = file_input.get() else {
            return;
        };
        spawn_local(async move {
            if let Some((_name, text)) = read_picked_file(&input).await.filter(|_| chat.alive()) {
                chat.import(&text);
            }
            input.set_value("");
        });
        open.set(false);
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.stop_propagation();
            open.set(false);
        }
    };

    view! {
        <div class="tc-menu" on:keydown=on_keydown>
            <button type="button" class="tc-button tc-button--ghost" aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>{s.export.clone()}</button>
            <Show when=move || open.get()>
                <div class="tc-menu__list">
                    <button type="button" class="tc-menu__item" on:click=move |_| export(ExportFormat::Markdown)>{s.export_markdown.clone()}</button>
                    <button type="button" class="tc-menu__item" on:click=move |_| export(ExportFormat::Text)>{s.export_text.clone()}</button>
                    <button type="button" class="tc-menu__item" on:click=move |_| export(ExportFormat::Json)>{s.export_json.clone()}</button>
                    <button type="button" class="tc-menu__item" on:click=move |_| {
                        if let Some(input) = file_input.get() { input.click(); }
                    }>{s.import.clone()}</button>
                </div>
            </Show>
            <input node_ref=file_input type="file" accept="application/json,.json" hidden
                aria-label=import_label on:change=on_file />
        </div>
    }
}
