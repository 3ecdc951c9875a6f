//! `Header`: title and the conversation-level actions (conversations, New chat, Export, Settings).

use leptos::prelude::*;

use crate::chat::Chat;
use crate::ui::conversation_list::ConversationList;
use crate::ui::export_menu::ExportMenu;

/// The top bar.
#[component]
pub fn Header(
    /// The widget title, shown as a heading.
    title: String,
    /// Launcher mode: adds a "Close chat" button.
    on_close: Option<Callback<()>>,
) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings.get_value();
    let list_open = RwSignal::new(false);

    view! {
        <header class="tc-header">
            <button type="button" class="tc-button tc-button--ghost tc-header__list"
                aria-expanded=move || list_open.get().to_string()
                on:click=move |_| list_open.update(|o| *o = !*o)>
                {s.conversations.clone()}
            </button>
            <h2 class="tc-header__title">{title}</h2>
            <div class="tc-header__actions">
                <button type="button" class="tc-button tc-button--ghost" on:click=move |_| {
                    chat.new_chat();
                    list_open.set(false);
                }>{s.new_chat.clone()}</button>
                <ExportMenu />
                <button type="button" class="tc-button tc-button--ghost tc-header__settings"
                    aria-haspopup="dialog"
                    on:click=move |_| chat.settings_open.set(true)>{s.settings.clone()}</button>
                {on_close.map(|close| view! {
                    <button type="button" class="tc-button tc-button--ghost tc-header__close"
                        on:click=move |_| close.run(())>{s.close_chat.clone()}</button>
                })}
            </div>
            <Show when=move || list_open.get()>
                <ConversationList on_close=Callback::new(move |()| list_open.set(false)) />
            </Show>
        </header>
    }
}
