//! An assistant reply rendered from Markdown, incrementally.
//!
//! Blocks that are complete are built into DOM nodes once and never touched again; only the
//! block still growing (the tail) is rebuilt on a delta. The work per delta is proportional to
//! the delta plus the open block, never to the whole reply.

use std::time::Duration;

use crate::prelude::*;
use tinychat_core::chat::MessageState;
use wasm_bindgen::JsCast;
use web_sys::{Element, Node};

use crate::browser::copy_text;
use crate::chat::{Chat, MessageView};
use crate::dom::{self, el};
use crate::markdown_dom::{append_nodes, clear, patch_children, COPY_CODE_CLASS};
use crate::markdown_module::{self, Stream};

#[derive(Default)]
struct RenderState {
    /// The reply in the Markdown module, once it is drawn as Markdown.
    stream: Option<Stream>,
    /// Bytes of the text drawn so far.
    consumed: usize,
    /// Bytes of the open block (its source) at the last update.
    open_len: usize,
    tail: Option<Element>,
    finished: bool,
    /// How what is on screen was drawn: as Markdown (true), as plain text (false, while the
    /// Markdown module is not running), or not yet (`None`).
    markdown: Option<bool>,
}

/// Renders the message's text (or, with `thinking`, the reasoning model's thinking, which
/// stops growing when the answer starts) as safe Markdown, following it as it streams.
pub fn markdown_view(msg: &MessageView, thinking: bool) -> Node {
    let chat = expect_context::<Chat>();
    let strings = chat.strings();
    let (copy_label, copied_label) = (strings.copy_code().clone(), strings.copied().clone());
    let (answer_len, state_signal) = (msg.text_len(), msg.state());
    let text_len = if thinking {
        msg.thinking_len()
    } else {
        answer_len
    };
    // Whether this text may still grow: the reply streams (and, for the thinking, no answer
    // text has come yet). A memo, so the thinking's effect re-runs when this flips, not on
    // every delta of the answer below it.
    let growing = Memo::new(move |_| {
        state_signal.with(|s| *s == MessageState::Streaming)
            && (!thinking || answer_len.with(|n| *n == 0))
    });
    // A reply on screen needs the parser: fetch it if no intent did yet.
    markdown_module::load();
    let root = el("div", "tc-md");
    let state = StoredValue::new_local(RenderState::default());

    // While a reply streams, deltas are coalesced: the DOM is updated at most once per frame,
    // however many deltas arrived since the last one, and less often while the open block is
    // long (an update re-parses and re-lays out that block, so its cost grows with it: waiting
    // in proportion keeps the work per delta flat). A finished reply renders at once.
    let frame_pending = StoredValue::new(false);
    let root_el = root.clone();
    let msg = *msg;
    dom::effect(move || {
        text_len.track();
        // Drawn again, as Markdown, when the Markdown module starts (or as text if it breaks).
        let markdown = markdown_module::ready();
        let streaming = growing.get();
        if !markdown && !streaming && !markdown_module::plain_allowed() {
            // A finished reply waits a moment for the module rather than flash as plain text
            // (this runs again when the module starts, or when the wait is over).
            return;
        }
        if streaming && frame_pending.get_value() {
            return; // the scheduled update will pick this delta up
        }
        let label = copy_label.clone();
        let (root_el, msg) = (root_el.clone(), msg);
        let draw = move || {
            let Some(streaming) = growing.try_get_untracked() else {
                return; // unmounted meanwhile
            };
            // The mode as it is now, not when this frame was asked for: the module may have
            // started (or broken) since, and a late frame must not undo a newer drawing.
            let markdown = markdown_module::ready_untracked();
            let paint = |text: &str| {
                state.update_value(|st| render(st, &root_el, text, !streaming, markdown, &label));
            };
            if thinking {
                chat.with_thinking(&msg, paint);
            } else {
                chat.with_text(&msg, paint);
            }
        };
        if !streaming {
            draw();
        } else {
            frame_pending.set_value(true);
            let open_len = state.with_value(|st| st.open_len)
                + text_len
                    .get_untracked()
                    .saturating_sub(state.with_value(|st| st.consumed));
            let frame = move || {
                request_animation_frame(move || {
                    if frame_pending.try_set_value(false).is_none() {
                        draw();
                    }
                })
            };
            match pacing(open_len) {
                Duration::ZERO => frame(),
                wait => set_timeout(frame, wait),
            }
        }
    });

    // One delegated listener serves every "Copy code" button of this message.
    dom::on(&root, "click", move |ev| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let Ok(Some(button)) = target.closest(&format!(".{COPY_CODE_CLASS}")) else {
            return;
        };
        let code = button
            .closest(".tc-code")
            .ok()
            .flatten()
            .and_then(|wrap| wrap.query_selector("pre").ok().flatten())
            .and_then(|pre| pre.text_content())
            .unwrap_or_default();
        let label = copied_label.clone();
        spawn_local(async move {
            if copy_text(&code).await {
                button.set_text_content(Some(&label));
            }
        });
    });
    root.into()
}

/// Characters of open block that add 1 ms between updates.
const OPEN_BLOCK_CHARS_PER_MS: usize = 1000;
/// Longest wait between updates of a streaming reply.
const MAX_PACING: Duration = Duration::from_millis(120);

/// Extra wait before the next update of a streaming reply, by the size of its open block:
/// none up to 16 KB, then 1 ms per 1,000 characters, at most 120 ms.
fn pacing(open_len: usize) -> Duration {
    let ms = (open_len / OPEN_BLOCK_CHARS_PER_MS).saturating_sub(16) as u64;
    Duration::from_millis(ms).min(MAX_PACING)
}

fn render(
    st: &mut RenderState,
    root: &Element,
    text: &str,
    done: bool,
    markdown: bool,
    copy_label: &str,
) {
    let Some(document) = root.owner_document() else {
        return;
    };
    let replaced = text.len() < st.consumed || !text.is_char_boundary(st.consumed);
    if replaced || st.markdown.is_some_and(|drawn| drawn != markdown) {
        // The text was replaced rather than extended, or the Markdown module started (or
        // broke): start over.
        clear(root);
        *st = RenderState::default();
    }
    if st.finished {
        return;
    }
    st.markdown = Some(markdown);
    let tail = match &st.tail {
        Some(t) => t.clone(),
        None => {
            let Ok(t) = document.create_element("div") else {
                return;
            };
            t.set_class_name(if markdown {
                "tc-md__tail"
            } else {
                "tc-md__tail tc-md__plain"
            });
            let _ = root.append_child(&t);
            st.tail = Some(t.clone());
            t
        }
    };
    let delta = &text[st.consumed..];
    st.consumed = text.len();
    if !markdown {
        // Plain text: the delta is appended to one text node.
        match tail
            .last_child()
            .and_then(|n| n.dyn_into::<web_sys::Text>().ok())
        {
            Some(node) => {
                let _ = node.append_data(delta);
            }
            None => {
                let _ = tail.append_child(&document.create_text_node(delta));
            }
        }
        // Appending to a text node costs the delta only: no pacing needed.
        st.open_len = 0;
        st.finished = done;
        return;
    }
    render_markdown(st, &document, root, &tail, delta, done, copy_label);
}

/// [`render`] as Markdown: the delta through the module, its frozen blocks built once, the tail
/// patched. Drawn only while [`markdown_module::ready`], which waits for the extras module too.
#[inline(never)] // scripts/split.mjs moves it (by its name) to the extras module
fn render_markdown(
    st: &mut RenderState,
    document: &web_sys::Document,
    root: &Element,
    tail: &Element,
    delta: &str,
    done: bool,
    copy_label: &str,
) {
    if st.stream.is_none() {
        st.stream = Stream::new();
    }
    // `None`: the module broke (a trap, or bytes that do not decode); `ready` turned false and
    // this reply is drawn again from its start, as text.
    let Some(update) = st.stream.as_mut().and_then(|s| s.push(delta, done)) else {
        return;
    };
    st.finished = done;
    if done {
        // The module's copy of the source is no longer needed.
        st.stream = None;
    }
    if let Some(last) = update.frozen.last() {
        st.open_len = st.consumed.saturating_sub(last.source.end);
    } else {
        st.open_len += delta.len();
    }
    for block in &update.frozen {
        let Ok(holder) = document.create_element("div") else {
            continue;
        };
        holder.set_class_name("tc-md__block");
        let _ = append_nodes(document, &holder, &block.nodes, copy_label);
        let _ = root.insert_before(&holder, Some(tail));
    }
    let _ = patch_children(document, tail, &update.tail, copy_label);
}
