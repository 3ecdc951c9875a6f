//! `ConversationList`: past conversations (switch, rename, delete with confirmation).

use leptos::prelude::*;
use web_sys::KeyboardEvent;

use crate::chat::{Chat, ConversationRow};

/// A panel listing conversations, newest first.
#[component]
pub fn ConversationList(
    /// Called when the panel should close.
    on_close: Callback<()>,
) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings.get_value();
    let heading = s.conversations.clone();
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            on_close.run(());
        }
    };
    view! {
        <nav class="tc-convs" aria-label=heading on:keydown=on_keydown>
            <ul class="tc-convs__list">
                <For each=move || chat.conversations.get() key=|row| (row.id.clone(), row.title.clone()) let:row>
                    <ConversationRowView row=row on_close=on_close />
                </For>
            </ul>
        </nav>
    }
}

#[component]
fn ConversationRowView(row: ConversationRow, on_close: Callback<()>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings.get_value();
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let draft = RwSignal::new(row.title.clone());
    let id = StoredValue::new(row.id.clone());
    let current = move || chat.current_id.get() == id.get_value();
    let title = row.title.clone();
    let rename_label = format!("{} “{}”", s.rename, row.title);
    let delete_label = format!("{} “{}”", s.delete, row.title);

    view! {
        <li class="tc-convs__row" class:tc-convs__row--current=current>
            {move || if editing.get() {
                view! {
                    <form class="tc-convs__rename" on:submit=move |ev| {
                        ev.prevent_default();
                        chat.rename(&id.get_value(), &draft.get_untracked());
                        editing.set(false);
                    }>
                        <input class="tc-input" aria-label=s.rename.clone() prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev)) autofocus />
                        <button type="submit" class="tc-button">{s.save.clone()}</button>
                        <button type="button" class="tc-button tc-button--ghost" on:click=move |_| editing.set(false)>{s.cancel.clone()}</button>
                    </form>
                }.into_any()
            } else if confirming.get() {
                view! {
                    <div class="tc-convs__confirm" role="group">
                        <span>{s.confirm_delete.clone()}</span>
                        <button type="button" class="tc-button tc-button--danger" on:click=move |_| {
                            chat.delete(&id.get_value());
                            confirming.set(false);
                        }>{s.delete.clone()}</button>
                        <button type="button" class="tc-button tc-button--ghost" on:click=move |_| confirming.set(false)>{s.cancel.clone()}</button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="tc-convs__open" aria-current=move || current().then_some("true")
                        on:click=move |_| { chat.switch(&id.get_value()); on_close.run(()); }>{title.clone()}</button>
                    <button type="button" class="tc-button tc-button--ghost tc-button--small" aria-label=rename_label.clone()
                        on:click=move |_| editing.set(true)>{s.rename.clone()}</button>
                    <button type="button" class="tc-button tc-button--ghost tc-button--small" aria-label=delete_label.clone()
                        on:click=move |_| confirming.set(true)>{s.delete.clone()}</button>
                }.into_any()
            }}
        </li>
    }
}
