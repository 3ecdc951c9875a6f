//! The conversation log with smart scrolling and starter prompts.

use crate::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, MutationObserver, MutationObserverInit, Node};

use crate::chat::{Chat, MessageView};
use crate::dom::{self, append, attr, el};
use crate::ui::button::ButtonVariant;
use crate::ui::message_item::message_item;

/// Messages rendered at first, and added each time the visitor reaches the top.
const PAGE: usize = 60;
/// Distance from the top (px) at which earlier messages are added.
const EARLIER_PX: i32 = 80;
/// Distance from the bottom (px) still counted as "at the bottom".
const STICKY_PX: i32 = 48;

/// The message log (`role="log"`, named "Conversation"). It follows the stream while the user
/// is at the bottom and stops following when they scroll up, offering "Jump to latest".
pub fn message_list() -> Node {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let following = RwSignal::new(true);
    let starters = chat.options().starter_prompts.clone();
    let messages = chat.messages();
    // A long conversation renders its last PAGE messages first; earlier ones come on scrolling
    // to the top (or "Show earlier messages"), so opening it and typing stay fast.
    let shown = RwSignal::new(PAGE);
    let current = chat.current_id();
    dom::effect(move || {
        current.track();
        shown.set(PAGE);
    });
    let hidden = move || messages.with(|m| m.len().saturating_sub(shown.get()));

    let wrap = el("div", "tc-log-wrap");
    let log = el("div", "tc-log");
    attr(&log, "role", "log");
    attr(&log, "aria-label", s.conversation());
    attr(&log, "aria-live", "off");
    attr(&log, "tabindex", "0");
    append(&wrap, &log);

    let show_earlier = {
        let log = log.clone();
        move || {
            let before = log.scroll_height() - log.scroll_top();
            shown.update(|n| *n += PAGE);
            // Keep the message that was on screen where it was.
            let log = log.clone();
            request_animation_frame(move || log.set_scroll_top(log.scroll_height() - before));
        }
    };
    let scroll_to_end = {
        let log = log.clone();
        move || log.set_scroll_top(log.scroll_height())
    };
    {
        let (el, show_earlier) = (log.clone(), show_earlier.clone());
        dom::on(&log, "scroll", move |_| {
            let gap = el.scroll_height() - el.scroll_top() - el.client_height();
            following.set(gap <= STICKY_PX);
            if el.scroll_top() < EARLIER_PX && hidden() > 0 {
                show_earlier();
            }
        });
    }

    dom::show(
        &log,
        move || hidden() != 0,
        move || {
            let button = dom::button(
                &format!("{} tc-earlier", ButtonVariant::Default.class(false)),
                &chat.t(|s| s.show_earlier()),
            );
            let show_earlier = show_earlier.clone();
            dom::on(&button, "click", move |_| show_earlier());
            button.into()
        },
    );
    dom::keyed(
        &log,
        move || messages.with(|m| m[m.len().saturating_sub(shown.get())..].to_vec()),
        |m: &MessageView| m.uid.to_string(),
        message_item,
    );
    let has_starters = !starters.is_empty();
    let empty = move || messages.with(|m| m.iter().all(|v| v.local_only));
    dom::show(
        &log,
        move || empty() && has_starters,
        move || {
            let list = el("div", "tc-starters");
            for prompt in starters.iter() {
                let button = dom::button("tc-starters__item", prompt);
                let p = prompt.clone();
                dom::on(&button, "click", move |_| {
                    chat.send(&p);
                });
                append(&list, &button);
            }
            list.into()
        },
    );
    {
        let scroll_to_end = scroll_to_end.clone();
        let jump = s.jump_to_latest().clone();
        dom::show(
            &wrap,
            move || !following.get(),
            move || {
                let button = dom::button(
                    &format!("{} tc-jump", ButtonVariant::Default.class(false)),
                    &jump,
                );
                let scroll_to_end = scroll_to_end.clone();
                dom::on(&button, "click", move |_| {
                    following.set(true);
                    scroll_to_end();
                });
                button.into()
            },
        );
    }

    // Content changes (deltas, new messages) scroll to the end only while following.
    follow_changes(&log, move || {
        if following.get_untracked() {
            scroll_to_end();
        }
    });
    let log_el = log.clone();
    request_animation_frame(move || log_el.set_scroll_top(log_el.scroll_height()));
    wrap.into()
}

/// Calls `on_change` after every change inside `log`, until the owner is cleaned up.
fn follow_changes(log: &Element, on_change: impl FnMut() + 'static) {
    let callback = Closure::<dyn FnMut()>::new(on_change);
    let Ok(observer) = MutationObserver::new(callback.as_ref().unchecked_ref()) else {
        return;
    };
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    init.set_character_data(true);
    let _ = observer.observe_with_options(log, &init);
    let kept = StoredValue::new_local(Some((observer, callback)));
    on_cleanup(move || {
        kept.try_with_value(|o| {
            if let Some((obs, _)) = o {
                obs.disconnect();
            }
        });
    });
}
