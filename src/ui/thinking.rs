//! `Thinking`: a reasoning model's thinking, collapsed above its answer. The summary reads
//! "Thinking…" while the model thinks and "Thought for N s" once the answer starts; opened,
//! the thinking is safe Markdown that streams O(delta) like the answer. Copy leaves it out.

use leptos::prelude::*;
use tinychat_core::i18n::Strings;

use crate::chat::{Chat, MessageView};
use crate::ui::markdown_view::MarkdownView;

/// The thinking of `msg`, if it has any.
#[component]
pub fn Thinking(msg: MessageView) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let thinking_len = msg.thinking_len();
    let thought_ms = msg.thought_ms();
    let label = move || match thought_ms.get() {
        None => s.reasoning_live.clone(),
        Some(ms) => {
            let secs = ((ms / 1000.0).round() as u64).max(1);
            Strings::fill(&s.reasoning_done, secs)
        }
    };
    view! {
        <Show when=move || thinking_len.with(|n| *n != 0)>
            <details class="tc-thinking" data-part="thinking"
                data-state=move || if thought_ms.with(Option::is_some) { "done" } else { "thinking" }>
                <summary class="tc-thinking__summary">
                    <Show when=move || thought_ms.with(Option::is_none)>
                        <span class="tc-spinner" aria-hidden="true"></span>
                    </Show>
                    {label.clone()}
                </summary>
                <div class="tc-thinking__body">
                    <MarkdownView msg=msg thinking=true />
                </div>
            </details>
        </Show>
    }
}
