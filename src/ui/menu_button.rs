//! `MenuButton` and `MenuItem`: a WAI-ARIA menu button, for the Export menu and the header's
//! More menu.
//!
//! The button opens a `menu` of `menuitem`s (optionally in `group`s); Enter, Space or Down opens
//! it on the first item and Up on the last; arrows, Home and End move between items; Escape
//! closes it and returns focus to the button; Tab or a click elsewhere closes it; choosing an
//! item closes it and returns focus to the button.

use leptos::html::{Button as ButtonEl, Div};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, FocusEvent, HtmlElement, KeyboardEvent, MouseEvent, Node};

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

/// A ghost button that opens a menu of [`MenuItem`]s below it.
#[component]
pub fn MenuButton(
    /// The button's label, also the menu's accessible name.
    label: String,
    /// The menu's id, unique in the widget.
    menu_id: &'static str,
    /// Another class on the wrapper, for layout.
    #[prop(optional)]
    extra_class: &'static str,
    /// The items: [`MenuItem`]s, or `div role="group"`s of them.
    children: ChildrenFn,
) -> impl IntoView {
    let open = RwSignal::new(false);
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
    // An item was chosen (its own handler ran first): close, focus back on the button.
    let on_menu_click = move |ev: MouseEvent| {
        let on_item = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[role=menuitem]").ok().flatten())
            .is_some();
        if on_item {
            close(true);
        }
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
    let class = if extra_class.is_empty() {
        "tc-menu".to_owned()
    } else {
        format!("tc-menu {extra_class}")
    };
    let menu_label = label.clone();

    view! {
        <div class=class>
            <button node_ref=button type="button" class="tc-button tc-button--ghost" aria-haspopup="menu"
                aria-expanded=move || open.get().to_string() aria-controls=menu_id
                on:click=move |_| if open.get_untracked() { close(false) } else { open_at(Start::First) }
                on:keydown=on_button_key>{label}</button>
            <Show when=move || open.get()>
                <div node_ref=menu class="tc-menu__list" role="menu" id=menu_id aria-label=menu_label.clone()
                    on:keydown=on_menu_key on:click=on_menu_click on:focusout=on_focus_out>
                    {children()}
                </div>
            </Show>
        </div>
    }
}

/// One item of a [`MenuButton`]'s menu.
#[component]
pub fn MenuItem(
    /// Runs when the item is chosen (click, Enter, Space); the menu then closes.
    #[prop(into)]
    on_select: Callback<()>,
    /// The label.
    children: Children,
) -> impl IntoView {
    view! {
        <button type="button" role="menuitem" tabindex="-1" class="tc-menu__item"
            on:click=move |_| on_select.run(())>{children()}</button>
    }
}
