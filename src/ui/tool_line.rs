//! A page tool's call and result, as one collapsed line in the conversation.

use crate::prelude::*;
use tinychat_core::chat::MessageState;
use tinychat_core::i18n::Strings;
use web_sys::Node;

use crate::chat::{Chat, MessageView};
use crate::dom::{self, append, append_all, attr, el, el_text};

/// "Used {name}" (running, failed, stopped): a disclosure with the arguments the model gave
/// and the result the page returned, both as text.
pub fn tool_line(msg: &MessageView) -> Node {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let state = msg.state();
    let text_len = msg.text_len();
    let call = chat.tool_call_of(msg);
    let name = call
        .as_ref()
        .map(|(c, _)| c.name.clone())
        .unwrap_or_default();
    let arguments = call
        .as_ref()
        .map(|(c, _)| c.arguments.clone())
        .unwrap_or_default();
    let status = {
        let msg = *msg;
        move || match state.get() {
            MessageState::Streaming => "running",
            MessageState::Done => match chat.tool_call_of(&msg) {
                Some((_, true)) => "failed",
                _ => "done",
            },
            _ => "stopped",
        }
    };

    let details = el("details", "tc-tool");
    attr(&details, "data-role", "tool");
    attr(&details, "data-tool", &name);
    let st = status;
    dom::attr_with(&details, "data-state", move || Some(st().to_owned()));
    let summary = el("summary", "tc-tool__summary");
    dom::text_with(&summary, move || {
        let template = match status() {
            "running" => &s.tool_running(),
            "failed" => &s.tool_failed(),
            "stopped" => &s.tool_stopped(),
            _ => &s.tool_used(),
        };
        Strings::fill_named(template, &[("name", &name)])
    });
    let body = el("div", "tc-tool__body");
    let args = el_text("pre", "tc-tool__code", &arguments);
    attr(&args, "data-part", "arguments");
    let result = el("pre", "tc-tool__code");
    attr(&result, "data-part", "result");
    let msg = *msg;
    dom::text_with(&result, move || {
        text_len.track();
        chat.text_of(&msg)
    });
    append_all(
        &body,
        &[
            &el_text("div", "tc-tool__label", &chat.t(|s| s.tool_arguments())),
            &args,
            &el_text("div", "tc-tool__label", &chat.t(|s| s.tool_result())),
            &result,
        ],
    );
    append(&details, &summary);
    append(&details, &body);
    details.into()
}
