//! A reasoning model's thinking: a disclosure above the answer, collapsed.

use crate::prelude::*;
use tinychat_core::i18n::Strings;
use web_sys::Node;

use crate::chat::{Chat, MessageView};
use crate::dom::{self, append, attr, el};
use crate::ui::markdown_view::markdown_view;

/// "Thinking…" while it streams (with a spinner), then "Thought for {n} s"; opening it shows
/// the thinking as Markdown. Nothing while the reply has no thinking.
pub fn thinking(parent: &Node, msg: &MessageView) {
    let chat = expect_context::<Chat>();
    let thinking_len = msg.thinking_len();
    let thought_ms = msg.thought_ms();
    let msg = *msg;
    dom::show(
        parent,
        move || thinking_len.with(|n| *n != 0),
        move || {
            let s = chat.strings();
            let details = el("details", "tc-thinking");
            attr(&details, "data-part", "thinking");
            dom::attr_with(&details, "data-state", move || {
                Some(
                    if thought_ms.with(Option::is_some) {
                        "done"
                    } else {
                        "thinking"
                    }
                    .to_owned(),
                )
            });
            let summary = el("summary", "tc-thinking__summary");
            dom::show(
                &summary,
                move || thought_ms.with(Option::is_none),
                || {
                    let spinner = el("span", "tc-spinner");
                    attr(&spinner, "aria-hidden", "true");
                    spinner.into()
                },
            );
            dom::dyn_text(&summary, move || match thought_ms.get() {
                None => s.reasoning_live().clone(),
                Some(ms) => {
                    let secs = ((ms / 1000.0).round() as u64).max(1);
                    Strings::fill(s.reasoning_done(), secs)
                }
            });
            let body = el("div", "tc-thinking__body");
            append(&body, &markdown_view(&msg, true));
            append(&details, &summary);
            append(&details, &body);
            details.into()
        },
    );
}
