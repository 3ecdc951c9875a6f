//! `ExportMenu`: download the conversation as Markdown, text or JSON; import a JSON export.
//! Its items ([`ExportItems`]) also appear in the header's More menu on narrow widgets, and both
//! share one hidden file input ([`ImportInput`]).

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::read_picked_file;
use crate::chat::{Chat, ExportFormat};
use crate::ui::menu_button::{MenuButton, MenuItem};

/// The hidden file input that "Import JSON…" opens; a picked file is imported.
#[component]
pub fn ImportInput(
    /// Given to the [`ExportItems`] that open it.
    input: NodeRef<Input>,
) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let on_file = move |_| {
        let Some(el) = input.get() else {
            return;
        };
        spawn_local(async move {
            if let Some((_name, text)) = read_picked_file(&el).await.filter(|_| chat.alive()) {
                chat.import(&text);
            }
            el.set_value("");
        });
    };
    view! {
        <input node_ref=input type="file" accept="application/json,.json" hidden
            aria-label=chat.t(|s| &s.import) on:change=on_file />
    }
}

/// The three export formats and "Import JSON…", as menu items.
#[component]
pub fn ExportItems(
    /// The [`ImportInput`] that "Import JSON…" opens.
    input: NodeRef<Input>,
) -> impl IntoView {
    let chat = expect_context::<Chat>();
    view! {
        <MenuItem on_select=move || chat.export(ExportFormat::Markdown)>{chat.t(|s| &s.export_markdown)}</MenuItem>
        <MenuItem on_select=move || chat.export(ExportFormat::Text)>{chat.t(|s| &s.export_text)}</MenuItem>
        <MenuItem on_select=move || chat.export(ExportFormat::Json)>{chat.t(|s| &s.export_json)}</MenuItem>
        <MenuItem on_select=move || {
            if let Some(el) = input.get_untracked() { el.click(); }
        }>{chat.t(|s| &s.import)}</MenuItem>
    }
}

/// The "Export" button and its menu.
#[component]
pub fn ExportMenu(
    /// The [`ImportInput`] that "Import JSON…" opens.
    input: NodeRef<Input>,
) -> impl IntoView {
    let chat = expect_context::<Chat>();
    view! {
        <MenuButton label=chat.t(|s| &s.export) menu_id="tc-export-menu">
            <ExportItems input=input />
        </MenuButton>
    }
}
