//! One message as an `article`: author, body, state, error and actions. The parts are in
//! [`crate::ui::message_parts`].

use crate::prelude::*;
use tinychat_core::chat::Role;
use web_sys::Node;

use crate::chat::{Chat, MessageView};
use crate::dom::{self, append, attr, el, el_text};
use crate::ui::markdown_view::markdown_view;
use crate::ui::message_parts::{error_box, message_actions, state_note, user_body};
use crate::ui::sources::sources;
use crate::ui::thinking::thinking;
use crate::ui::tool_line::tool_line;

/// One message. User text is plain text (editable); assistant text is rendered Markdown.
pub fn message_item(msg: MessageView) -> Node {
    if msg.role == Role::Tool {
        return tool_line(&msg);
    }
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let tool_request = msg.tool_request();
    let thinking_len = msg.thinking_len();
    let is_user = msg.role == Role::User;
    let editing = RwSignal::new(false);
    let author = if is_user { &s.you() } else { &s.assistant() };
    let state = msg.state();

    let article = el(
        "article",
        if is_user {
            "tc-msg tc-msg--user"
        } else {
            "tc-msg tc-msg--assistant"
        },
    );
    attr(
        &article,
        "data-role",
        if is_user { "user" } else { "assistant" },
    );
    attr(&article, "aria-label", author);
    dom::attr_with(&article, "data-state", move || {
        Some(state.get().as_str().to_owned())
    });
    // A reply that only asked for tools is not shown, unless it thought first: then its
    // thinking stays visible (without actions: there is no text to act on).
    dom::class_with(&article, "tc-msg--tool-request", move || tool_request.get());
    dom::attr_with(&article, "hidden", move || {
        (tool_request.get() && thinking_len.with(|n| *n == 0)).then(String::new)
    });
    let author_el = el_text("div", "tc-msg__author", author);
    attr(&author_el, "aria-hidden", "true");
    append(&article, &author_el);
    if is_user {
        user_body(&article, &msg, editing);
    } else {
        thinking(&article, &msg);
        append(&article, &markdown_view(&msg, false));
        sources(&article, &msg);
    }
    state_note(&article, &msg);
    error_box(&article, &msg);
    message_actions(&article, &msg, editing);
    article.into()
}
