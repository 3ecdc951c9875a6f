//! `Header`: title and the conversation-level actions (conversations, New chat, Export, Settings).
//! On narrow widgets the stylesheet shows the [`MoreMenu`] instead of those buttons, so the
//! header stays one row: title, More, and Close chat in launcher mode.

use leptos::html::Input;
use leptos::prelude::*;
use tinychat_core::i18n::Strings;

use crate::chat::Chat;
use crate::ui::button::{Button, ButtonVariant};
use crate::ui::conversation_list::ConversationList;
use crate::ui::export_menu::{ExportMenu, ImportInput};
use crate::ui::more_menu::MoreMenu;

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
    let import_input = NodeRef::<Input>::new();

    view! {
        <header class="tc-header">
            <Button variant=ButtonVariant::Ghost extra_class="tc-header__list"
                attr:aria-expanded=move || list_open.get().to_string()
                on:click=move |_| list_open.update(|o| *o = !*o)>
                {conversations}
            </Button>
            <div class="tc-header__titles">
                <h2 class="tc-header__title">{title}</h2>
                // In agent mode the header says which agent answers.
                {move || chat.agent_id().map(|id| view! {
                    <span class="tc-header__agent" data-agent=id.clone()>
                        {Strings::fill_named(&chat.strings().agent_answers, &[("id", &id)])}
                    </span>
                })}
            </div>
            <MoreMenu list_open=list_open input=import_input />
            <div class="tc-header__actions">
                <Button variant=ButtonVariant::Ghost on:click=move |_| {
                    chat.new_chat();
                    list_open.set(false);
                }>{new_chat}</Button>
                <ExportMenu input=import_input />
                <Button variant=ButtonVariant::Ghost extra_class="tc-header__settings"
                    attr:aria-haspopup="dialog"
                    on:click=move |_| chat.open_settings()>{settings}</Button>
                {on_close.map(|close| view! {
                    <Button variant=ButtonVariant::Ghost extra_class="tc-header__close"
                        on:click=move |_| close.run(())>
                        // Narrow widgets show the icon; the label stays the accessible name.
                        <svg class="tc-icon tc-header__close-icon" viewBox="0 0 24 24" aria-hidden="true"
                            focusable="false"><path d="M6 6l12 12M18 6 6 18" /></svg>
                        <span class="tc-header__close-label">{close_chat}</span>
                    </Button>
                })}
            </div>
            <ImportInput input=import_input />
            <Show when=move || list_open.get()>
                <ConversationList on_close=Callback::new(move |()| list_open.set(false)) />
            </Show>
        </header>
    }
}
