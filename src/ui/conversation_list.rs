//! `ConversationList`: past conversations (switch, rename, delete with confirmation).

use leptos::prelude::*;
use tinychat_core::i18n::Strings;
use web_sys::KeyboardEvent;

use crate::chat::{Chat, ConversationRow};
use crate::ui::button::{Button, ButtonVariant};

/// A panel listing conversations, newest first, each with its number of messages.
#[component]
pub fn ConversationList(
    /// Called when the panel should close.
    on_close: Callback<()>,
) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let heading = chat.strings().conversations.clone();
    let query = RwSignal::new(String::new());
    let rows = Memo::new(move |_| query.with(|q| chat.search(q)));
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            on_close.run(());
        }
    };
    view! {
        <nav class="tc-convs" aria-label=heading on:keydown=on_keydown>
            <input class="tc-input tc-convs__search" type="search" aria-label=chat.t(|s| &s.search_conversations)
                placeholder=chat.t(|s| &s.search_conversations)
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="tc-convs__empty" role="status">{chat.t(|s| &s.no_matches)}</p>
            </Show>
            <ul class="tc-convs__list">
                <For each=move || rows.get()
                    key=|row| (row.id.clone(), row.title.clone(), row.message_count) let:row>
                    <ConversationRowView row=row on_close=on_close />
                </For>
            </ul>
        </nav>
    }
}

#[component]
fn ConversationRowView(row: ConversationRow, on_close: Callback<()>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let draft = RwSignal::new(row.title.clone());
    let id = StoredValue::new(row.id.clone());
    let current_id = chat.current_id();
    let current = move || current_id.with(|c| *c == id.get_value());
    // The button is named by the title; the size describes it.
    let meta_id = format!("tc-conv-meta-{}", row.id);
    let count = match row.message_count {
        0 => s.message_count_none.clone(),
        1 => s.message_count_one.clone(),
        n => Strings::fill(&s.message_count, n),
    };

    move || {
        let (rename, save, cancel) = (s.rename.clone(), s.save.clone(), s.cancel.clone());
        let (confirm, delete) = (s.confirm_delete.clone(), s.delete.clone());
        if editing.get() {
            view! {
                <li class="tc-convs__row" class:tc-convs__row--current=current>
                    <form class="tc-convs__rename" on:submit=move |ev| {
                        ev.prevent_default();
                        chat.rename(&id.get_value(), &draft.get_untracked());
                        editing.set(false);
                    }>
                        <input class="tc-input" aria-label=rename prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev)) autofocus />
                        <Button submit=true>{save}</Button>
                        <Button variant=ButtonVariant::Ghost on:click=move |_| editing.set(false)>{cancel}</Button>
                    </form>
                </li>
            }
            .into_any()
        } else if confirming.get() {
            view! {
                <li class="tc-convs__row" class:tc-convs__row--current=current>
                    <div class="tc-convs__confirm" role="group">
                        <span>{confirm}</span>
                        <Button variant=ButtonVariant::Danger on:click=move |_| {
                            chat.delete(&id.get_value());
                            confirming.set(false);
                        }>{delete}</Button>
                        <Button variant=ButtonVariant::Ghost on:click=move |_| confirming.set(false)>{cancel}</Button>
                    </div>
                </li>
            }
            .into_any()
        } else {
            let rename_label = format!("{rename} “{}”", row.title);
            let delete_label = format!("{delete} “{}”", row.title);
            view! {
                <li class="tc-convs__row" class:tc-convs__row--current=current>
                    <button type="button" class="tc-convs__open" aria-current=move || current().then_some("true")
                        aria-label=row.title.clone() aria-describedby=meta_id.clone()
                        on:click=move |_| { chat.switch(&id.get_value()); on_close.run(()); }>
                        <span class="tc-convs__title">{row.title.clone()}</span>
                        <span class="tc-convs__meta" id=meta_id.clone()>{count.clone()}</span>
                    </button>
                    <Button variant=ButtonVariant::Ghost small=true attr:aria-label=rename_label
                        on:click=move |_| editing.set(true)>{rename}</Button>
                    <Button variant=ButtonVariant::Ghost small=true attr:aria-label=delete_label
                        on:click=move |_| confirming.set(true)>{delete}</Button>
                </li>
            }
            .into_any()
        }
    }
}
