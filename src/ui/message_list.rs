//! `MessageList`: the conversation log with smart scrolling and starter prompts.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MutationObserver, MutationObserverInit};

use crate::chat::Chat;
use crate::ui::button::Button;
use crate::ui::message_item::MessageItem;

/// Messages rendered at first, and added each time the visitor reaches the top.
const PAGE: usize = 60;
/// Distance from the top (px) at which earlier messages are added.
const EARLIER_PX: i32 = 80;
/// Distance from the bottom (px) still counted as "at the bottom".
const STICKY_PX: i32 = 48;

/// The message log (`role="log"`, named "Conversation"). It follows the stream while the user
/// is at the bottom and stops following when they scroll up, offering "Jump to latest".
#[component]
pub fn MessageList() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let log = NodeRef::<Div>::new();
    let following = RwSignal::new(true);
    let starters = chat.options().starter_prompts.clone();
    let messages = chat.messages();
    // A long conversation renders its last PAGE messages first; earlier ones come on scrolling
    // to the top (or "Show earlier messages"), so opening it and typing stay fast.
    let shown = RwSignal::new(PAGE);
    let current = chat.current_id();
    Effect::new(move |_| {
        current.track();
        shown.set(PAGE);
    });
    let hidden = move || messages.with(|m| m.len().saturating_sub(shown.get()));
    let show_earlier = move || {
        let Some(el) = log.get_untracked() else {
            return;
        };
        let before = el.scroll_height() - el.scroll_top();
        shown.update(|n| *n += PAGE);
        // Keep the message that was on screen where it was.
        request_animation_frame(move || {
            if let Some(el) = log.try_get_untracked().flatten() {
                el.set_scroll_top(el.scroll_height() - before);
            }
        });
    };

    let scroll_to_end = move || {
        if let Some(el) = log.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    };
    let on_scroll = move |_| {
        if let Some(el) = log.get_untracked() {
            let gap = el.scroll_height() - el.scroll_top() - el.client_height();
            following.set(gap <= STICKY_PX);
            if el.scroll_top() < EARLIER_PX && hidden() > 0 {
                show_earlier();
            }
        }
    };

    // Content changes (deltas, new messages) scroll to the end only while following.
    let observer = StoredValue::new_local(None::<(MutationObserver, Closure<dyn FnMut()>)>);
    log.on_load(move |el| {
        let callback = Closure::<dyn FnMut()>::new(move || {
            if following.get_untracked() {
                scroll_to_end();
            }
        });
        if let Ok(obs) = MutationObserver::new(callback.as_ref().unchecked_ref()) {
            let init = MutationObserverInit::new();
            init.set_child_list(true);
            init.set_subtree(true);
            init.set_character_data(true);
            let _ = obs.observe_with_options(&el, &init);
            observer.set_value(Some((obs, callback)));
        }
        scroll_to_end();
    });
    on_cleanup(move || {
        observer.try_with_value(|o| {
            if let Some((obs, _)) = o {
                obs.disconnect();
            }
        });
    });

    let has_starters = !starters.is_empty();
    let empty = move || messages.with(|m| m.iter().all(|v| v.local_only));
    let jump = StoredValue::new(s.jump_to_latest.clone());

    view! {
        <div class="tc-log-wrap">
            <div node_ref=log class="tc-log" role="log" aria-label=s.conversation.clone() aria-live="off"
                tabindex="0" on:scroll=on_scroll>
                <Show when=move || hidden() != 0>
                    <Button extra_class="tc-earlier" on:click=move |_| show_earlier()>{chat.t(|s| &s.show_earlier)}</Button>
                </Show>
                <For each=move || messages.with(|m| m[m.len().saturating_sub(shown.get())..].to_vec()) key=|m| m.uid let:msg>
                    <MessageItem msg=msg />
                </For>
                <Show when=move || empty() && has_starters>
                    <div class="tc-starters">
                        {starters.clone().into_iter().map(|prompt| {
                            let p = prompt.clone();
                            view! {
                                <button type="button" class="tc-starters__item" on:click=move |_| { chat.send(&p); }>{prompt}</button>
                            }
                        }).collect_view()}
                    </div>
                </Show>
            </div>
            <Show when=move || !following.get()>
                <Button extra_class="tc-jump" on:click=move |_| {
                    following.set(true);
                    scroll_to_end();
                }>{jump.get_value()}</Button>
            </Show>
        </div>
    }
}
