//! `ExportMenu`: download the conversation as Markdown, text or JSON; import a JSON export.
//!
//! A WAI-ARIA menu button: the button opens a `menu` of `menuitem`s; Enter, Space or Down opens
//! it on the first item and Up on the last; arrows, Home and End move between items; Escape
//! closes it and returns focus to the button; Tab or a click elsewhere closes it.

use leptos::html::{Button as ButtonEl, Div, Input};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{FocusEvent, HtmlElement, KeyboardEvent, Node};

use crate::browser::read_picked_file;
use crate::chat::{Chat, ExportFormat};

const MENU_ID: &str = "tc-export-menu";

/// The items of `menu`, in order.
fn items(menu: NodeRef<Div>) -> Vec<HtmlElement> {
    let Some(el) = menu.try_get_untracked().flatten() else {
        return vec![];
    };
    let Ok(list) = el.query_selector_all("[role=menuitem]") else {
        return vec![];
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Index of the focused item, if focus is in the menu.
fn focused_index(menu: NodeRef<Div>, ev: &KeyboardEvent) -> Option<usize> {
    let target = ev.target()?.dyn_into::<HtmlElement>().ok()?;
    items(menu).iter().position(|item| *item == target)
}

/// Which item to focus when the menu opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    First,
    Last,
}

/// The "Export" button and its menu.
#[component]
pub fn ExportMenu() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let open = RwSignal::new(false);
    let file_input = NodeRef::<Input>::new();
    let button = NodeRef::<ButtonEl>::new();
    let menu = NodeRef::<Div>::new();

    let focus_item = move |index: usize| {
        let list = items(menu);
        if let Some(item) = list.get(index.min(list.len().saturating_sub(1))) {
            let _ = item.focus();
        }
    };
    let open_at = move |start: Start| {
        open.set(true);
        request_animation_frame(move || {
            let count = items(menu).len();
            focus_item(if start == Start::First {
                0
            } else {
                count.saturating_sub(1)
            });
        });
    };
    let close = move |refocus: bool| {
        open.set(false);
        if refocus {
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    };
    let export = move |format| {
        close(true);
        chat.export(format);
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
    };
    let on_button_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" | "Enter" | " " => {
            ev.prevent_default();
            open_at(Start::First);
        }
        "ArrowUp" => {
            ev.prevent_default();
            open_at(Start::Last);
        }
        _ => {}
    };
    let on_menu_key = move |ev: KeyboardEvent| {
        let count = items(menu).len();
        let current = focused_index(menu, &ev).unwrap_or(0);
        match ev.key().as_str() {
            "ArrowDown" => focus_item((current + 1) % count.max(1)),
            "ArrowUp" => focus_item((current + count.max(1) - 1) % count.max(1)),
            "Home" => focus_item(0),
            "End" => focus_item(count.saturating_sub(1)),
            "Escape" => {
                ev.stop_propagation();
                close(true);
            }
            "Tab" => {
                close(false);
                return;
            }
            _ => return,
        }
        ev.prevent_default();
    };
    // Focus leaving the menu (a click elsewhere, Tab) closes it.
    let on_focus_out = move |ev: FocusEvent| {
        let inside = ev
            .related_target()
            .and_then(|t| t.dyn_into::<Node>().ok())
            .zip(menu.get_untracked())
            .is_some_and(|(t, m)| m.contains(Some(&t)));
        if !inside {
            open.set(false);
        }
    };

    view! {
        <div class="tc-menu">
            <button node_ref=button type="button" class="tc-button tc-button--ghost" aria-haspopup="menu"
                aria-expanded=move || open.get().to_string() aria-controls=MENU_ID
                on:click=move |_| if open.get_untracked() { close(false) } else { open_at(Start::First) }
                on:keydown=on_button_key>{chat.t(|s| &s.export)}</button>
            <Show when=move || open.get()>
                <div node_ref=menu class="tc-menu__list" role="menu" id=MENU_ID aria-label=chat.t(|s| &s.export)
                    on:keydown=on_menu_key on:focusout=on_focus_out>
                    <button type="button" role="menuitem" tabindex="-1" class="tc-menu__item"
                        on:click=move |_| export(ExportFormat::Markdown)>{chat.t(|s| &s.export_markdown)}</button>
                    <button type="button" role="menuitem" tabindex="-1" class="tc-menu__item"
                        on:click=move |_| export(ExportFormat::Text)>{chat.t(|s| &s.export_text)}</button>
                    <button type="button" role="menuitem" tabindex="-1" class="tc-menu__item"
                        on:click=move |_| export(ExportFormat::Json)>{chat.t(|s| &s.export_json)}</button>
                    <button type="button" role="menuitem" tabindex="-1" class="tc-menu__item" on:click=move |_| {
                        close(true);
                        if let Some(input) = file_input.get() { input.click(); }
                    }>{chat.t(|s| &s.import)}</button>
                </div>
            </Show>
            <input node_ref=file_input type="file" accept="application/json,.json" hidden
                aria-label=chat.t(|s| &s.import) on:change=on_file />
        </div>
    }
}
