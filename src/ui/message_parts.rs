//! The parts of a [`crate::ui::message_item::MessageItem`]: a user message's text and its edit
//! form, the state note (working, stopped, interrupted), the error box, and the actions.

use leptos::html::Textarea;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tinychat_core::chat::{Feedback, MessageState, Role};
use tinychat_core::i18n::Strings;

use crate::browser::copy_text;
use crate::chat::{Chat, MessageView};
use crate::ui::button::{Button, ButtonVariant};
use crate::ui::message_images::MessageImages;

/// A user message's text, or the form that edits and resends it.
#[component]
pub fn UserBody(msg: MessageView, editing: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let edit_ref = NodeRef::<Textarea>::new();
    let text_len = msg.text_len();
    move || {
        if editing.get() {
            view! {
                <form class="tc-edit" on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(el) = edit_ref.get_untracked() {
                        chat.edit(msg.id, &el.value());
                    }
                    editing.set(false);
                }>
                    <textarea node_ref=edit_ref class="tc-input tc-edit__text" aria-label=chat.t(|s| &s.message)
                        prop:value=chat.text_of(&msg) autofocus></textarea>
                    <div class="tc-edit__actions">
                        <Button variant=ButtonVariant::Primary submit=true>{chat.t(|s| &s.save_and_send)}</Button>
                        <Button variant=ButtonVariant::Ghost on:click=move |_| editing.set(false)>{chat.t(|s| &s.cancel)}</Button>
                    </div>
                </form>
            }
            .into_any()
        } else {
            view! {
                <div class="tc-msg__text">{move || { text_len.track(); chat.text_of(&msg) }}</div>
                <MessageImages msg=msg />
            }
            .into_any()
        }
    }
}

/// "Thinking…" (or the retry countdown) before the first token; "Stopped"; "Interrupted".
#[component]
pub fn StateNote(msg: MessageView) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let state = msg.state();
    let text_len = msg.text_len();
    // Derived once per change of emptiness, so a streaming delta does not re-run the note.
    // A reasoning model's thinking has its own "Thinking…" line (the disclosure above).
    let thinking_len = msg.thinking_len();
    let no_text = Memo::new(move |_| text_len.get() == 0 && thinking_len.get() == 0);
    let retry_note = chat.retry_note();
    move || match state.get() {
        MessageState::Streaming if no_text.get() => {
            let thinking = s.thinking.clone();
            Some(
                view! {
                    <div class="tc-msg__working"><span class="tc-spinner" aria-hidden="true"></span>
                        {move || retry_note.get().unwrap_or_else(|| thinking.clone())}</div>
                }
                .into_any(),
            )
        }
        MessageState::Stopped => {
            Some(view! { <div class="tc-msg__note">{s.stopped.clone()}</div> }.into_any())
        }
        MessageState::Interrupted => {
            Some(view! { <div class="tc-msg__note">{s.interrupted.clone()}</div> }.into_any())
        }
        _ => None,
    }
}

/// The error of a failed reply, in words, with "Open Settings" when the fix is there.
#[component]
pub fn ErrorBox(msg: MessageView) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let open_settings = chat.strings().open_settings.clone();
    let (error, state) = (msg.error(), msg.state());
    move || {
        let err = error
            .get()
            .filter(|_| state.get() == MessageState::Failed)?;
        let label = open_settings.clone();
        Some(view! {
            <div class="tc-msg__error" role="alert" data-error=err.kind.as_str()>
                <p class="tc-msg__error-text">{err.message.clone()}</p>
                {err.kind.needs_settings().then(|| view! {
                    <Button on:click=move |_| chat.open_settings()>{label}</Button>
                })}
            </div>
        })
    }
}

/// Copy (every finished message), Retry (the last reply), Edit (user messages), token usage.
#[component]
pub fn MessageActions(msg: MessageView, editing: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let is_user = msg.role == Role::User;
    let copied = RwSignal::new(false);
    let (state, usage, busy) = (msg.state(), msg.usage(), chat.busy());
    let on_copy = move |_| {
        let text = chat.text_of(&msg);
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
    move || {
        if state.get() == MessageState::Streaming || editing.get() || msg.local_only {
            return None;
        }
        let (copy_label, copied_label) = (s.copy.clone(), s.copied.clone());
        let tokens = s.tokens.clone();
        let finished_reply = !is_user && state.get() == MessageState::Done;
        let feedback = msg.feedback();
        let thumb = move |value: Feedback, label: String, path: &'static str| {
            view! {
                <Button variant=ButtonVariant::Ghost small=true extra_class="tc-msg__thumb"
                    attr:aria-label=label
                    attr:aria-pressed=move || (feedback.get() == Some(value)).to_string()
                    on:click=move |_| chat.set_feedback(&msg, value)>
                    <svg class="tc-thumb" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d=path /></svg>
                </Button>
            }
        };
        let thumbs = finished_reply.then(|| view! {
            {thumb(Feedback::Up, s.good_reply.clone(), "M7 11v9H4v-9zm2 9h8.5a2 2 0 0 0 2-1.7l1.3-6A2 2 0 0 0 18.8 10H14V6a2 2 0 0 0-2-2l-3 7z")}
            {thumb(Feedback::Down, s.bad_reply.clone(), "M7 13V4H4v9zm2-9h8.5a2 2 0 0 1 2 1.7l1.3 6a2 2 0 0 1-2 2.3H14v4a2 2 0 0 1-2 2l-3-7z")}
        });
        Some(view! {
            <div class="tc-msg__actions">
                <Button variant=ButtonVariant::Ghost small=true attr:aria-label=chat.t(|s| &s.copy) on:click=on_copy>
                    {move || if copied.get() { copied_label.clone() } else { copy_label.clone() }}
                </Button>
                {(!is_user && chat.is_last(&msg)).then(|| view! {
                    <Button variant=ButtonVariant::Ghost small=true disabled=Signal::derive(move || busy.get())
                        on:click=move |_| chat.retry()>{chat.t(|s| &s.retry)}</Button>
                })}
                {is_user.then(|| view! {
                    <Button variant=ButtonVariant::Ghost small=true disabled=Signal::derive(move || busy.get())
                        on:click=move |_| editing.set(true)>{chat.t(|s| &s.edit)}</Button>
                })}
                {thumbs}
                {move || usage.get().filter(|_| !is_user).map(|u| view! {
                    <span class="tc-msg__usage">{Strings::fill(&tokens, u.total_tokens)}</span>
                })}
            </div>
        })
    }
}
