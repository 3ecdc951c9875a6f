//! A WAI-ARIA menu button, for the Export menu and the header's More menu. The open menu's code
//! is in the extras module ([`crate::extras`]): a press opens it once that runs.
//!
//! The button opens a `menu` of `menuitem`s (optionally in `group`s); Enter, Space or Down opens
//! it on the first item and Up on the last; arrows, Home and End move between items; Escape
//! closes it and returns focus to the button; Tab or a click elsewhere closes it; choosing an
//! item closes it and returns focus to the button.

use crate::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, FocusEvent, HtmlElement, KeyboardEvent, Node};

use crate::chat::Chat;
use crate::dom::{self, append, attr, el};

/// The items of `menu`, in order.
fn items(menu: &Element) -> Vec<HtmlElement> {
    let Ok(list) = menu.query_selector_all("[role=menuitem]") else {
        return vec![];
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Focuses item `index` of `menu` (the last if past the end).
fn focus_item(menu: &Element, index: usize) {
    let list = items(menu);
    if let Some(item) = list.get(index.min(list.len().saturating_sub(1))) {
        let _ = item.focus();
    }
}

/// The arrow, Home, End, Escape and Tab keys of an open menu.
fn on_menu_key(menu: &Element, ev: &KeyboardEvent, close: &dyn Fn(bool)) {
    let list = items(menu);
    let count = list.len().max(1);
    let current = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .and_then(|t| list.iter().position(|item| *item == t))
        .unwrap_or(0);
    match ev.key().as_str() {
        "ArrowDown" => focus_item(menu, (current + 1) % count),
        "ArrowUp" => focus_item(menu, (current + count - 1) % count),
        "Home" => focus_item(menu, 0),
        "End" => focus_item(menu, count - 1),
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
}

/// A ghost button labelled `label` that opens a menu (named the same, with id `menu_id`) of
/// the items `fill` appends (see [`menu_item`]), in a `div.tc-menu` with `extra_class`.
pub fn menu_button(
    label: &str,
    menu_id: &'static str,
    extra_class: &str,
    fill: impl Fn(&Element) + 'static,
) -> Element {
    let chat = expect_context::<Chat>();
    let open = RwSignal::new(false);
    let wrap = el(
        "div",
        &if extra_class.is_empty() {
            "tc-menu".to_owned()
        } else {
            format!("tc-menu {extra_class}")
        },
    );
    let button = dom::button("tc-button tc-button--ghost", label);
    attr(&button, "aria-haspopup", "menu");
    attr(&button, "aria-controls", menu_id);
    dom::attr_with(&button, "aria-expanded", move || {
        Some(open.get().to_string())
    });
    append(&wrap, &button);

    // The open menu, while there is one (its items are focused from the button's keys).
    let menu_el = StoredValue::new_local(None::<Element>);
    // The menu's code is in the extras module (scripts/split.mjs): it opens once that runs.
    let open_at = move |last: bool| {
        chat.with_extras(move || {
            open.set(true);
            request_animation_frame(move || {
                if let Some(menu) = menu_el.try_get_value().flatten() {
                    let count = items(&menu).len();
                    focus_item(&menu, if last { count.saturating_sub(1) } else { 0 });
                }
            });
        });
    };
    let close = {
        let button = button.clone();
        move |refocus: bool| {
            open.set(false);
            if refocus {
                let _ = button.unchecked_ref::<HtmlElement>().focus();
            }
        }
    };
    {
        let close = close.clone();
        dom::on(&button, "click", move |_| {
            if open.get_untracked() {
                close(false)
            } else {
                open_at(false)
            }
        });
    }
    dom::on(&button, "keydown", move |ev| {
        let ev: &KeyboardEvent = ev.unchecked_ref();
        match ev.key().as_str() {
            "ArrowDown" | "Enter" | " " => {
                ev.prevent_default();
                open_at(false);
            }
            "ArrowUp" => {
                ev.prevent_default();
                open_at(true);
            }
            _ => {}
        }
    });
    let menu_label = label.to_owned();
    let toggle = button.clone();
    dom::show(
        &wrap,
        move || open.get(),
        move || {
            menu_list(
                menu_id,
                &menu_label,
                &fill,
                menu_el,
                close.clone(),
                &toggle,
                open,
            )
        },
    );
    wrap
}

/// The open menu of a [`menu_button`]: its items (`fill`), their keys, and closing when an item
/// is chosen or focus leaves. In the extras module (scripts/split.mjs, by its name): built only
/// once that runs.
#[inline(never)]
fn menu_list<F: Fn(&Element), C: Fn(bool) + Clone + 'static>(
    menu_id: &str,
    menu_label: &str,
    fill: &F,
    menu_el: StoredValue<Option<Element>>,
    close: C,
    toggle: &Element,
    open: RwSignal<bool>,
) -> Node {
    let menu = el("div", "tc-menu__list");
    attr(&menu, "role", "menu");
    attr(&menu, "id", menu_id);
    attr(&menu, "aria-label", menu_label);
    fill(&menu);
    menu_el.set_value(Some(menu.clone()));
    let (m, close_key) = (menu.clone(), close.clone());
    dom::on(&menu, "keydown", move |ev| {
        on_menu_key(&m, ev.unchecked_ref(), &close_key)
    });
    // An item was chosen (its own handler ran first): close, focus back on the button.
    let close_click = close.clone();
    dom::on(&menu, "click", move |ev| {
        let on_item = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[role=menuitem]").ok().flatten())
            .is_some();
        if on_item {
            close_click(true);
        }
    });
    // Focus leaving the menu (a click elsewhere, Tab) closes it. Focus going to the
    // button is its click's to handle (a click on it closes the menu; closing here first
    // would have that click open it again).
    let (m, b) = (menu.clone(), toggle.clone());
    dom::on(&menu, "focusout", move |ev| {
        let ev: &FocusEvent = ev.unchecked_ref();
        let stays = ev
            .related_target()
            .and_then(|t| t.dyn_into::<Node>().ok())
            .is_some_and(|t| m.contains(Some(&t)) || b.is_same_node(Some(&t)));
        if !stays {
            open.set(false);
        }
    });
    menu.into()
}

/// One item of a [`menu_button`]'s menu: `on_select` runs when it is chosen (click, Enter,
/// Space); the menu then closes.
pub fn menu_item(label: &str, on_select: impl Fn() + 'static) -> Element {
    let item = dom::button("tc-menu__item", label);
    attr(&item, "role", "menuitem");
    attr(&item, "tabindex", "-1");
    dom::on(&item, "click", move |_| on_select());
    item
}
