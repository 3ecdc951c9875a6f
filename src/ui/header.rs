//! `Header`: title and the conversation-level actions (conversations, New chat, Export, Settings).

use leptos::prelude::*;

use crate::chat::Chat;
use crate::ui::button::{Button, ButtonVariant};
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
    let s = chat.strings();
    let (conversations, new_chat, settings) = (
        s.conversations.clone(),
        s.new_chat.clone(),
        s.settings.clone(),
    );
    let close_chat = s.close_chat.clone();
    let list_open = RwSignal::new(false);

    view! {
        <header class="tc-header">
            <Button variant=ButtonVariant::Ghost extra_class="tc-header__list"
                attr:aria-expanded=move || list_open.get().to_string()
                on:click=move |_| list_open.update(|o| *o = !*o)>
                {conversations}
            </Button>
            <h2 class="tc-header__title">{title}</h2>
            <div class="tc-header__actions">
                <Button variant=ButtonVariant::Ghost on:click=move |_| {
                    chat.new_chat();
                    list_open.set(false);
                }>{new_chat}</Button>
                <ExportMenu />
                <Button variant=ButtonVariant::Ghost extra_class="tc-header__settings"
                    attr:aria-haspopup="dialog"
                    on:click=move |_| chat.open_settings()>{settings}</Button>
                {on_close.map(|close| view! {
                    <Button variant=ButtonVariant::Ghost extra_class="tc-header__close"
                        on:click=move |_| close.run(())>{close_chat}</Button>
                })}
            </div>
            <Show when=move || list_open.get()>
                <ConversationList on_close=Callback::new(move |()| list_open.set(false)) />
            </Show>
        </header>
    }
}
