//! The parts of a message ([`crate::ui::message_item`]): a user message's text and its edit
//! form, the state note (working, stopped, interrupted), the error box, and the actions.

use crate::prelude::*;
use tinychat_core::chat::{Feedback, MessageState, Role};
use tinychat_core::i18n::Strings;
use wasm_bindgen::JsValue;
use web_sys::{Element, Node};

use crate::browser::copy_text;
use crate::chat::{Chat, MessageView};
use crate::dom::{self, append, append_all, attr, el, el_text};
use crate::ui::button::ButtonVariant;
use crate::ui::message_images::message_images;

/// A small ghost button (message actions).
fn small_button(label: &str) -> Element {
    dom::button(ButtonVariant::Ghost.class(true), label)
}

/// A user message's text, or the form that edits and resends it.
pub fn user_body(parent: &Node, msg: &MessageView, editing: RwSignal<bool>) {
    let chat = expect_context::<Chat>();
    let text_len = msg.text_len();
    let msg = *msg;
    dom::slot(
        parent,
        move || editing.get(),
        move |editing_now| {
            let group = dom::fragment();
            if *editing_now {
                let form = el("form", "tc-edit");
                let area = el("textarea", "tc-input tc-edit__text");
                attr(&area, "aria-label", &chat.t(|s| s.message()));
                attr(&area, "autofocus", "");
                let _ = js_sys::Reflect::set(
                    &area,
                    &JsValue::from_str("value"),
                    &JsValue::from_str(&chat.text_of(&msg)),
                );
                let actions = el("div", "tc-edit__actions");
                let save = dom::button(
                    ButtonVariant::Primary.class(false),
                    &chat.t(|s| s.save_and_send()),
                );
                attr(&save, "type", "submit");
                let cancel =
                    dom::button(ButtonVariant::Ghost.class(false), &chat.t(|s| s.cancel()));
                dom::on(&cancel, "click", move |_| editing.set(false));
                append_all(&actions, &[&save, &cancel]);
                append_all(&form, &[&area, &actions]);
                let id = msg.id;
                dom::on(&form, "submit", move |ev| {
                    ev.prevent_default();
                    chat.edit(id, &dom::prop_string(&area, "value"));
                    editing.set(false);
                });
                append(&group, &form);
            } else {
                let text = el("div", "tc-msg__text");
                let m = msg;
                dom::text_with(&text, move || {
                    text_len.track();
                    chat.text_of(&m)
                });
                append(&group, &text);
                if let Some(images) = message_images(&msg) {
                    append(&group, &images);
                }
            }
            Some(group)
        },
    );
}

/// "Thinking…" (or the retry countdown) before the first token; "Stopped"; "Interrupted".
pub fn state_note(parent: &Node, msg: &MessageView) {
    let chat = expect_context::<Chat>();
    let state = msg.state();
    let text_len = msg.text_len();
    // Derived once per change of emptiness, so a streaming delta does not re-run the note.
    // A reasoning model's thinking has its own "Thinking…" line (the disclosure above).
    let thinking_len = msg.thinking_len();
    let no_text = Memo::new(move |_| text_len.get() == 0 && thinking_len.get() == 0);
    let retry_note = chat.retry_note();
    dom::slot(
        parent,
        move || {
            let state = state.get();
            // 0: nothing, 1: working, 2: stopped, 3: interrupted.
            match state {
                MessageState::Streaming if no_text.get() => 1u8,
                MessageState::Stopped => 2,
                MessageState::Interrupted => 3,
                _ => 0,
            }
        },
        move |note| {
            let s = chat.strings();
            match note {
                1 => {
                    let working = el("div", "tc-msg__working");
                    let spinner = el("span", "tc-spinner");
                    attr(&spinner, "aria-hidden", "true");
                    append(&working, &spinner);
                    let thinking = s.thinking().clone();
                    dom::dyn_text(&working, move || {
                        retry_note.get().unwrap_or_else(|| thinking.clone())
                    });
                    Some(working.into())
                }
                2 => Some(el_text("div", "tc-msg__note", s.stopped()).into()),
                3 => Some(el_text("div", "tc-msg__note", s.interrupted()).into()),
                _ => None,
            }
        },
    );
}

/// The error of a failed reply, in words, with "Open Settings" when the fix is there.
pub fn error_box(parent: &Node, msg: &MessageView) {
    let chat = expect_context::<Chat>();
    let (error, state) = (msg.error(), msg.state());
    dom::slot(
        parent,
        move || error.get().filter(|_| state.get() == MessageState::Failed),
        move |err| {
            let err = err.as_ref()?;
            let box_ = el("div", "tc-msg__error");
            attr(&box_, "role", "alert");
            attr(&box_, "data-error", err.kind.as_str());
            append(&box_, &el_text("p", "tc-msg__error-text", &err.message));
            if err.kind.needs_settings() {
                let button = dom::button(
                    ButtonVariant::Default.class(false),
                    chat.strings().open_settings(),
                );
                dom::on(&button, "click", move |_| chat.open_settings());
                append(&box_, &button);
            }
            Some(box_.into())
        },
    );
}

/// A thumb (good or bad reply), pressed while it is the feedback given.
fn thumb(msg: &MessageView, value: Feedback, label: &str, path: &str) -> Element {
    let chat = expect_context::<Chat>();
    let feedback = msg.feedback();
    let button = dom::button(
        &format!("{} tc-msg__thumb", ButtonVariant::Ghost.class(true)),
        "",
    );
    attr(&button, "aria-label", label);
    dom::attr_with(&button, "aria-pressed", move || {
        Some((feedback.get() == Some(value)).to_string())
    });
    let svg = dom::svg_icon("tc-thumb", path);
    append(&button, &svg);
    let msg = *msg;
    dom::on(&button, "click", move |_| chat.set_feedback(&msg, value));
    button
}

/// Copy (every finished message), Retry (the last reply), Edit (user messages), thumbs (a
/// finished reply) and token usage.
pub fn message_actions(parent: &Node, msg: &MessageView, editing: RwSignal<bool>) {
    let chat = expect_context::<Chat>();
    let is_user = msg.role == Role::User;
    let (state, usage, busy) = (msg.state(), msg.usage(), chat.busy());
    let local_only = msg.local_only;
    let msg = *msg;
    dom::slot(
        parent,
        {
            move || {
                let state = state.get();
                let hidden = state == MessageState::Streaming || editing.get() || local_only;
                // Retry is offered on the last reply only: rebuilt when that changes.
                (!hidden).then(|| (state == MessageState::Done, !is_user && chat.is_last(&msg)))
            }
        },
        move |shown| {
            let (done, last_reply) = (*shown)?;
            let s = chat.strings();
            let actions = el("div", "tc-msg__actions");
            let copied = RwSignal::new(false);
            let copy = small_button("");
            attr(&copy, "aria-label", s.copy());
            let (copy_label, copied_label) = (s.copy().clone(), s.copied().clone());
            dom::text_with(&copy, move || {
                if copied.get() {
                    copied_label.clone()
                } else {
                    copy_label.clone()
                }
            });
            let m = msg;
            dom::on(&copy, "click", move |_| {
                let text = chat.text_of(&m);
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
            });
            append(&actions, &copy);
            let disabled_while_busy = |button: &Element| {
                dom::attr_with(button, "disabled", move || busy.get().then(String::new));
            };
            if last_reply {
                let retry = small_button(s.retry());
                disabled_while_busy(&retry);
                dom::on(&retry, "click", move |_| chat.retry());
                append(&actions, &retry);
            }
            if is_user {
                let edit = small_button(s.edit());
                disabled_while_busy(&edit);
                dom::on(&edit, "click", move |_| editing.set(true));
                append(&actions, &edit);
            }
            if !is_user && done {
                append(&actions, &thumb(&msg, Feedback::Up, s.good_reply(), "M7 11v9H4v-9zm2 9h8.5a2 2 0 0 0 2-1.7l1.3-6A2 2 0 0 0 18.8 10H14V6a2 2 0 0 0-2-2l-3 7z"));
                append(&actions, &thumb(&msg, Feedback::Down, s.bad_reply(), "M7 13V4H4v9zm2-9h8.5a2 2 0 0 1 2 1.7l1.3 6a2 2 0 0 1-2 2.3H14v4a2 2 0 0 1-2 2l-3-7z"));
            }
            if !is_user {
                let tokens = s.tokens().clone();
                dom::slot(
                    &actions,
                    move || usage.get().map(|u| u.total_tokens),
                    move |total| {
                        let total = (*total)?;
                        Some(
                            el_text("span", "tc-msg__usage", &Strings::fill(&tokens, total)).into(),
                        )
                    },
                );
            }
            Some(actions.into())
        },
    );
}
