//! Past conversations: switch, rename, delete with confirmation.

use crate::prelude::*;
use tinychat_core::i18n::Strings;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, KeyboardEvent, Node};

use crate::chat::{Chat, ConversationRow};
use crate::dom::{self, append, append_all, attr, el, el_text};
use crate::ui::button::ButtonVariant;

/// A panel listing conversations, newest first, each with its number of messages.
/// `on_close` closes it.
#[inline(never)] // its own function, which scripts/split.mjs moves to the extras module
pub fn conversation_list(on_close: impl Fn() + Clone + 'static) -> Node {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let query = RwSignal::new(String::new());
    let rows = Memo::new(move |_| query.with(|q| chat.search(q)));

    let nav = el("nav", "tc-convs");
    attr(&nav, "aria-label", s.conversations());
    {
        let on_close = on_close.clone();
        dom::on(&nav, "keydown", move |ev| {
            let ev: &KeyboardEvent = ev.unchecked_ref();
            if ev.key() == "Escape" {
                ev.stop_propagation();
                on_close();
            }
        });
    }
    let search = el("input", "tc-input tc-convs__search");
    attr(&search, "type", "search");
    attr(&search, "aria-label", s.search_conversations());
    attr(&search, "placeholder", s.search_conversations());
    dom::prop_with(&search, "value", move || JsValue::from_str(&query.get()));
    dom::on(&search, "input", move |ev| {
        query.set(dom::target_value(&ev))
    });
    append(&nav, &search);
    let no_matches = s.no_matches().clone();
    dom::show(
        &nav,
        move || rows.with(Vec::is_empty),
        move || {
            let p = el_text("p", "tc-convs__empty", &no_matches);
            attr(&p, "role", "status");
            p.into()
        },
    );
    let list = el("ul", "tc-convs__list");
    append(&nav, &list);
    dom::keyed(
        &list,
        move || rows.get(),
        // A renamed conversation, or one that grew, is a new row (as its label changed).
        |row: &ConversationRow| format!("{}\u{0}{}\u{0}{}", row.id, row.title, row.message_count),
        move |row| conversation_row(row, on_close.clone()),
    );
    nav.into()
}

/// A button of the list (`variant`'s look, `extra` classes) that runs `f` on click.
fn row_button(variant: ButtonVariant, small: bool, label: &str, f: impl Fn() + 'static) -> Element {
    let b = dom::button(variant.class(small), label);
    dom::on(&b, "click", move |_| f());
    b
}

/// One conversation: open it, or Rename (a form) or Delete (a confirmation) in place.
fn conversation_row(row: ConversationRow, on_close: impl Fn() + Clone + 'static) -> Node {
    let chat = expect_context::<Chat>();
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let draft = RwSignal::new(row.title.clone());
    let id = StoredValue::new(row.id.clone());
    let current_id = chat.current_id();
    let current = move || current_id.with(|c| *c == id.get_value());

    let li = el("li", "tc-convs__row");
    dom::class_with(&li, "tc-convs__row--current", current);
    dom::slot(
        &li,
        move || (editing.get(), confirming.get()),
        move |&(is_editing, is_confirming)| {
            let s = chat.strings();
            let group = dom::fragment();
            if is_editing {
                let form = el("form", "tc-convs__rename");
                let input = el("input", "tc-input");
                attr(&input, "aria-label", s.rename());
                attr(&input, "autofocus", "");
                dom::prop_with(&input, "value", move || JsValue::from_str(&draft.get()));
                dom::on(&input, "input", move |ev| draft.set(dom::target_value(&ev)));
                let save = dom::button(ButtonVariant::Default.class(false), s.save());
                attr(&save, "type", "submit");
                let cancel = row_button(ButtonVariant::Ghost, false, s.cancel(), move || {
                    editing.set(false)
                });
                append_all(&form, &[&input, &save, &cancel]);
                dom::on(&form, "submit", move |ev| {
                    ev.prevent_default();
                    chat.rename(&id.get_value(), &draft.get_untracked());
                    editing.set(false);
                });
                append(&group, &form);
            } else if is_confirming {
                let confirm = el("div", "tc-convs__confirm");
                attr(&confirm, "role", "group");
                let delete = row_button(ButtonVariant::Danger, false, s.delete(), move || {
                    chat.delete(&id.get_value());
                    confirming.set(false);
                });
                let cancel = row_button(ButtonVariant::Ghost, false, s.cancel(), move || {
                    confirming.set(false)
                });
                append_all(
                    &confirm,
                    &[&el_text("span", "", s.confirm_delete()), &delete, &cancel],
                );
                append(&group, &confirm);
            } else {
                // The button is named by the title; the size describes it.
                let meta_id = format!("tc-conv-meta-{}", id.get_value());
                let count = match row.message_count {
                    0 => s.message_count_none().clone(),
                    1 => s.message_count_one().clone(),
                    n => Strings::fill(s.message_count(), n),
                };
                let open = el("button", "tc-convs__open");
                attr(&open, "type", "button");
                attr(&open, "aria-label", &row.title);
                attr(&open, "aria-describedby", &meta_id);
                dom::attr_with(&open, "aria-current", move || {
                    current().then(|| "true".to_owned())
                });
                let meta = el_text("span", "tc-convs__meta", &count);
                attr(&meta, "id", &meta_id);
                append_all(
                    &open,
                    &[&el_text("span", "tc-convs__title", &row.title), &meta],
                );
                let close = on_close.clone();
                dom::on(&open, "click", move |_| {
                    chat.switch(&id.get_value());
                    close();
                });
                let rename = row_button(ButtonVariant::Ghost, true, s.rename(), move || {
                    editing.set(true)
                });
                attr(
                    &rename,
                    "aria-label",
                    &format!("{} “{}”", s.rename(), row.title),
                );
                let delete = row_button(ButtonVariant::Ghost, true, s.delete(), move || {
                    confirming.set(true)
                });
                attr(
                    &delete,
                    "aria-label",
                    &format!("{} “{}”", s.delete(), row.title),
                );
                append_all(&group, &[&open, &rename, &delete]);
            }
            Some(group)
        },
    );
    li.into()
}
