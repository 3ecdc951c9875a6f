//! The header's secondary actions in one menu, shown instead of their buttons when the widget
//! is narrow (see `.tc-header__more` in the stylesheet), so the header keeps one row in every
//! language.

use crate::prelude::*;
use web_sys::Element;

use crate::chat::Chat;
use crate::dom::{append, attr, el};
use crate::ui::export_menu::export_items;
use crate::ui::header::toggle_list;
use crate::ui::menu_button::{menu_button, menu_item};

/// The "More" button and its menu: Conversations, New chat, the export formats and Import
/// (a group named "Export"), Settings. `input` is the header's import input.
pub fn more_menu(list_open: RwSignal<bool>, input: &Element) -> Element {
    let chat = expect_context::<Chat>();
    let input = input.clone();
    menu_button(
        &chat.t(|s| s.more()),
        "tc-more-menu",
        "tc-header__more",
        move |menu| {
            let s = chat.strings();
            append(
                menu,
                &menu_item(s.conversations(), move || toggle_list(chat, list_open)),
            );
            append(
                menu,
                &menu_item(s.new_chat(), move || {
                    chat.new_chat();
                    list_open.set(false);
                }),
            );
            let group = el("div", "tc-menu__group");
            attr(&group, "role", "group");
            attr(&group, "aria-label", s.export());
            export_items(&group, &input);
            append(menu, &group);
            append(menu, &menu_item(s.settings(), move || chat.open_settings()));
        },
    )
}
