//! The header: title and the conversation-level actions (conversations, New chat, Export,
//! Settings). On narrow widgets the stylesheet shows the More menu ([`more_menu`]) instead of
//! those buttons, so the header stays one row: title, More, and Close chat in launcher mode.

use crate::prelude::*;
use tinychat_core::i18n::Strings;
use web_sys::Node;

use crate::chat::{Chat, Opening};
use crate::dom::{self, append, append_all, attr, el, el_text};
use crate::ui::button::ButtonVariant;
use crate::ui::conversation_list::conversation_list;
use crate::ui::export_menu::{export_menu, import_input};
use crate::ui::more_menu::more_menu;

/// Opens the conversation list (once its code, in the extras module, is there), or closes it
/// (or gives up opening it, while that code is being fetched).
pub fn toggle_list(chat: Chat, list_open: RwSignal<bool>) {
    if list_open.get_untracked() {
        list_open.set(false);
    } else {
        chat.open_when_ready(Opening::List, move || list_open.set(true));
    }
}

/// `aria-busy` on `button` while its panel waits for the extras module.
fn busy_while_opening(button: &web_sys::Element, chat: Chat, which: Opening) {
    dom::attr_with(button, "aria-busy", move || {
        (chat.opening().get() == Some(which)).then(|| "true".to_owned())
    });
}

/// The top bar: `title` as a heading; in launcher mode (`on_close`) a "Close chat" button.
pub fn header(title: &str, on_close: Option<Callback<()>>) -> Node {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let list_open = RwSignal::new(false);
    let ghost = |label: &str, extra: &str| {
        dom::button(
            &format!("{} {extra}", ButtonVariant::Ghost.class(false)),
            label,
        )
    };

    let header = el("header", "tc-header");
    let list = ghost(s.conversations(), "tc-header__list");
    dom::attr_with(&list, "aria-expanded", move || {
        Some(list_open.get().to_string())
    });
    dom::on(&list, "click", move |_| toggle_list(chat, list_open));
    busy_while_opening(&list, chat, Opening::List);

    let titles = el("div", "tc-header__titles");
    append(&titles, &el_text("h2", "tc-header__title", title));
    // In agent mode the header says which agent answers.
    dom::slot(
        &titles,
        move || chat.agent_id(),
        move |id| {
            let id = id.as_ref()?;
            let agent = el_text(
                "span",
                "tc-header__agent",
                &Strings::fill_named(chat.strings().agent_answers(), &[("id", id)]),
            );
            attr(&agent, "data-agent", id);
            Some(agent.into())
        },
    );

    let input = import_input();
    let actions = el("div", "tc-header__actions");
    let new_chat = dom::button(ButtonVariant::Ghost.class(false), s.new_chat());
    dom::on(&new_chat, "click", move |_| {
        chat.new_chat();
        list_open.set(false);
    });
    let settings = ghost(s.settings(), "tc-header__settings");
    attr(&settings, "aria-haspopup", "dialog");
    dom::on(&settings, "click", move |_| chat.open_settings());
    busy_while_opening(&settings, chat, Opening::Settings);
    append_all(&actions, &[&new_chat, &export_menu(&input), &settings]);
    if let Some(close) = on_close {
        let button = ghost("", "tc-header__close");
        // Narrow widgets show the icon; the label stays the accessible name.
        let icon = dom::svg_icon("tc-icon tc-header__close-icon", "M6 6l12 12M18 6 6 18");
        append(&button, &icon);
        append(
            &button,
            &el_text("span", "tc-header__close-label", s.close_chat()),
        );
        dom::on(&button, "click", move |_| close.run(()));
        append(&actions, &button);
    }

    append_all(
        &header,
        &[
            &list,
            &titles,
            &more_menu(list_open, &input),
            &actions,
            &input,
        ],
    );
    dom::show(
        &header,
        move || list_open.get(),
        move || conversation_list(move || list_open.set(false)),
    );
    header.into()
}
