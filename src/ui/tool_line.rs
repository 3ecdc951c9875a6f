//! `ToolLine`: a page tool the assistant used, as one compact line ("Used find_product") whose
//! disclosure shows the arguments and the result. While the page's handler runs it reads
//! "Using find_product…"; a failure or a stop says so. Text only: arguments and results are
//! the model's and the page's data, never markup.

use leptos::prelude::*;
use tinychat_core::chat::MessageState;
use tinychat_core::i18n::Strings;

use crate::chat::{Chat, MessageView};

/// One tool message.
#[component]
pub fn ToolLine(msg: MessageView) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let state = msg.state();
    let text_len = msg.text_len();
    let call = chat.tool_call_of(&msg);
    let name = call
        .as_ref()
        .map(|(c, _)| c.name.clone())
        .unwrap_or_default();
    let arguments = call
        .as_ref()
        .map(|(c, _)| c.arguments.clone())
        .unwrap_or_default();
    let status = move || match state.get() {
        MessageState::Streaming => "running",
        MessageState::Done => match chat.tool_call_of(&msg) {
            Some((_, true)) => "failed",
            _ => "done",
        },
        _ => "stopped",
    };
    let label = {
        let name = name.clone();
        move || {
            let template = match status() {
                "running" => &s.tool_running,
                "failed" => &s.tool_failed,
                "stopped" => &s.tool_stopped,
                _ => &s.tool_used,
            };
            Strings::fill_named(template, &[("name", &name)])
        }
    };
    view! {
        <details class="tc-tool" data-role="tool" data-tool=name data-state=status>
            <summary class="tc-tool__summary">{label}</summary>
            <div class="tc-tool__body">
                <div class="tc-tool__label">{chat.t(|s| &s.tool_arguments)}</div>
                <pre class="tc-tool__code" data-part="arguments">{arguments}</pre>
                <div class="tc-tool__label">{chat.t(|s| &s.tool_result)}</div>
                <pre class="tc-tool__code" data-part="result">
                    {move || {
                        text_len.track();
                        chat.text_of(&msg)
                    }}
                </pre>
            </div>
        </details>
    }
}
