//! `MoreMenu`: the header's secondary actions in one menu, shown instead of their buttons when
//! the widget is narrow (see `.tc-header__more` in the stylesheet), so the header keeps one row
//! in every language.

use leptos::html::Input;
use leptos::prelude::*;

use crate::chat::Chat;
use crate::ui::export_menu::ExportItems;
use crate::ui::menu_button::{MenuButton, MenuItem};

/// The "More" button and its menu: Conversations, New chat, the export formats and Import
/// (a group named "Export"), Settings.
#[component]
pub fn MoreMenu(
    /// Whether the conversation list is shown (the Conversations item toggles it).
    list_open: RwSignal<bool>,
    /// The header's [`crate::ui::export_menu::ImportInput`].
    input: NodeRef<Input>,
) -> impl IntoView {
    let chat = expect_context::<Chat>();
    view! {
        <MenuButton label=chat.t(|s| &s.more) menu_id="tc-more-menu" extra_class="tc-header__more">
            <MenuItem on_select=move || list_open.update(|o| *o = !*o)>{chat.t(|s| &s.conversations)}</MenuItem>
            <MenuItem on_select=move || {
                chat.new_chat();
                list_open.set(false);
            }>{chat.t(|s| &s.new_chat)}</MenuItem>
            <div role="group" class="tc-menu__group" aria-label=chat.t(|s| &s.export)>
                <ExportItems input=input />
            </div>
            <MenuItem on_select=move || chat.open_settings()>{chat.t(|s| &s.settings)}</MenuItem>
        </MenuButton>
    }
}
