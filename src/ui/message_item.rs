//! `MessageItem`: one message as an `article`: author, body, state, error and actions. The
//! parts are in [`crate::ui::message_parts`].

use leptos::prelude::*;
use tinychat_core::chat::Role;

use crate::chat::{Chat, MessageView};
use crate::ui::markdown_view::MarkdownView;
use crate::ui::message_parts::{ErrorBox, MessageActions, StateNote, UserBody};
use crate::ui::sources::Sources;
use crate::ui::thinking::Thinking;
use crate::ui::tool_line::ToolLine;

/// One message. User text is plain text (editable); assistant text is rendered Markdown.
#[component]
pub fn MessageItem(
    /// The message.
    msg: MessageView,
) -> impl IntoView {
    if msg.role == Role::Tool {
        return view! { <ToolLine msg=msg /> }.into_any();
    }
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let tool_request = msg.tool_request();
    let thinking_len = msg.thinking_len();
    let is_user = msg.role == Role::User;
    let editing = RwSignal::new(false);
    let author = if is_user {
        s.you.clone()
    } else {
        s.assistant.clone()
    };
    let state = msg.state();

    view! {
        <article class="tc-msg" class:tc-msg--user=is_user class:tc-msg--assistant=!is_user
            data-role=if is_user { "user" } else { "assistant" }
            data-state=move || state.get().as_str() aria-label=author.clone()
            // A reply that only asked for tools is not shown, unless it thought first: then
            // its thinking stays visible (without actions: there is no text to act on).
            class:tc-msg--tool-request=move || tool_request.get()
            hidden=move || tool_request.get() && thinking_len.with(|n| *n == 0)>
            <div class="tc-msg__author" aria-hidden="true">{author.clone()}</div>
            {if is_user {
                view! { <UserBody msg=msg editing=editing /> }.into_any()
            } else {
                view! { <Thinking msg=msg /> <MarkdownView msg=msg /> <Sources msg=msg /> }.into_any()
            }}
            <StateNote msg=msg />
            <ErrorBox msg=msg />
            <MessageActions msg=msg editing=editing />
        </article>
    }
    .into_any()
}
