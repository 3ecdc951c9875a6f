//! `MessageItem`: one message as an `article` with its actions (Copy, Retry, Edit), state,
//! usage and error.

use leptos::html::Textarea;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tinychat_core::chat::{MessageState, Role};
use tinychat_core::i18n::Strings;

use crate::browser::copy_text;
use crate::chat::{Chat, MessageView};
use crate::ui::markdown_view::MarkdownView;

/// One message. User text is plain text; assistant text is rendered Markdown.
#[component]
pub fn MessageItem(
    /// The message's signals.
    msg: MessageView,
) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings.get_value();
    let is_user = msg.role == Role::User;
    let editing = RwSignal::new(false);
    let copied = RwSignal::new(false);
    let edit_ref = NodeRef::<Textarea>::new();

    let is_last = move || {
        chat.messages
            .with(|m| m.last().map(|l| l.id) == Some(msg.id))
    };
    let state_str = move || msg.state.get().as_str();
    let author = if is_user {
        s.you.clone()
    } else {
        s.assistant.clone()
    };

    let copy_label = s.copy.clone();
    let copied_label = s.copied.clone();
    let on_copy = move |_| {
        let text = msg.text.get_untracked();
        spawn_local(async move {
            if copy_text(&text).await {
                copied.try_set(true);
                set_timeout(
                    move || {
                        copied.try_set(false);
                    },
                    std::time::Duration::from_millis(1500),
                );
            }
        });
    };

    let s2 = s.clone();
    let body = move || {
        if is_user {
            if editing.get() {
                let s = s2.clone();
                view! {
                    <form class="tc-edit" on:submit=move |ev| {
                        ev.prevent_default();
                        if let Some(el) = edit_ref.get_untracked() {
                            chat.edit(msg.id, &el.value());
                        }
                        editing.set(false);
                    }>
                        <textarea node_ref=edit_ref class="tc-input tc-edit__text" aria-label=s.message.clone()
                            prop:value=msg.text.get_untracked() autofocus></textarea>
                        <div class="tc-edit__actions">
                            <button type="submit" class="tc-button tc-button--primary">{s.save_and_send.clone()}</button>
                            <button type="button" class="tc-button tc-button--ghost" on:click=move |_| editing.set(false)>{s.cancel.clone()}</button>
                        </div>
                    </form>
                }.into_any()
            } else {
                view! { <div class="tc-msg__text">{move || msg.text.get()}</div> }.into_any()
            }
        } else {
            view! { <MarkdownView msg=msg /> }.into_any()
        }
    };

    // Derived once per change of emptiness, so a streaming delta does not re-run the status.
    let no_text = Memo::new(move |_| msg.text.with(String::is_empty));
    let s3_thinking = move || chat.strings.with_value(|s| s.thinking.clone());
    let s3 = s.clone();
    let status = move || {
        let s = &s3;
        match msg.state.get() {
            MessageState::Streaming if no_text.get() => Some(
                view! {
                    <div class="tc-msg__working"><span class="tc-spinner" aria-hidden="true"></span>
                        {move || chat.retry_note.get().unwrap_or_else(s3_thinking)}</div>
                }
                .into_any(),
            ),
            MessageState::Stopped => {
                Some(view! { <div class="tc-msg__note">{s.stopped.clone()}</div> }.into_any())
            }
            MessageState::Interrupted => {
                Some(view! { <div class="tc-msg__note">{s.interrupted.clone()}</div> }.into_any())
            }
            _ => None,
        }
    };

    let s4 = s.clone();
    let error = move || {
        msg.error.get().filter(|_| msg.state.get() == MessageState::Failed).map(|err| {
            let s = s4.clone();
            let settings_action = err.kind == "unauthorized" || err.kind == "forbidden";
            view! {
                <div class="tc-msg__error" role="alert" data-error=err.kind.clone()>
                    <p class="tc-msg__error-text">{err.message.clone()}</p>
                    {settings_action.then(|| view! {
                        <button type="button" class="tc-button" on:click=move |_| chat.settings_open.set(true)>{s.open_settings.clone()}</button>
                    })}
                </div>
            }
        })
    };

    let tokens = s.tokens.clone();
    let usage = move || {
        msg.usage.get().filter(|_| !is_user).map(|u| {
            view! {
                <span class="tc-msg__usage">{Strings::fill(&tokens, u.total_tokens)}</span>
            }
        })
    };

    let s5 = s.clone();
    let actions = move || {
        let s = s5.clone();
        let streaming = msg.state.get() == MessageState::Streaming;
        if streaming || editing.get() || msg.local_only {
            return None;
        }
        let busy = chat.busy.get();
        let copy_label = copy_label.clone();
        let aria_copy = copy_label.clone();
        let copied_label = copied_label.clone();
        Some(view! {
            <div class="tc-msg__actions">
                <button type="button" class="tc-button tc-button--ghost tc-button--small" aria-label=aria_copy
                    on:click=on_copy>{move || if copied.get() { copied_label.clone() } else { copy_label.clone() }}</button>
                {(!is_user && is_last()).then(|| view! {
                    <button type="button" class="tc-button tc-button--ghost tc-button--small" disabled=busy
                        on:click=move |_| chat.retry()>{s.retry.clone()}</button>
                })}
                {is_user.then(|| view! {
                    <button type="button" class="tc-button tc-button--ghost tc-button--small" disabled=busy
                        on:click=move |_| editing.set(true)>{s.edit.clone()}</button>
                })}
                {usage.clone()}
            </div>
        })
    };

    view! {
        <article class="tc-msg" class:tc-msg--user=is_user class:tc-msg--assistant=!is_user
            data-role=if is_user { "user" } else { "assistant" }
            data-state=state_str aria-label=author.clone()>
            <div class="tc-msg__author" aria-hidden="true">{author.clone()}</div>
            {body}
            {status}
            {error}
            {actions}
        </article>
    }
}
