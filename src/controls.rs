//! The page's handle on a mounted widget: `open()`, `close()`, `toggle()`, `send(text)`,
//! `newChat()`, `setOptions(partial)`, `getConversation()`, `clear()` and `destroy()` as methods
//! of the host element (`<tiny-chat>` or `[data-tinychat]`), which `window.TinyChat.open(el)` …
//! call too (see the loader). Typed in `embed/tinychat.d.ts`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use crate::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::chat::Chat;

/// What a mounted widget fills in for its controls: its chat state and, in launcher mode, the
/// panel's open signal. Provided as context by [`crate::embed::mount`].
#[derive(Clone, Default)]
pub struct Slots {
    /// The widget's state, once `use_chat` ran.
    pub chat: Arc<Mutex<Option<Chat>>>,
    /// The launcher panel's open state.
    pub open: Arc<Mutex<Option<RwSignal<bool>>>>,
}

/// The element the widget is mounted on (events are dispatched there).
#[derive(Clone, Copy)]
pub struct HostElement(pub StoredValue<Element>);

const METHODS: &[&str] = &[
    "open",
    "close",
    "toggle",
    "send",
    "newChat",
    "setOptions",
    "getConversation",
    "clear",
    "destroy",
];

/// The methods installed on an element; removed when dropped (unmount).
pub struct Controls {
    el: Element,
    _closures: Vec<Closure<dyn Fn(JsValue) -> JsValue>>,
}

impl Drop for Controls {
    fn drop(&mut self) {
        for name in METHODS {
            let _ = js_sys::Reflect::delete_property(
                self.el.unchecked_ref::<js_sys::Object>(),
                &(*name).into(),
            );
        }
    }
}

/// Runs `f` after the current call returns (a method must not unmount the widget that owns it
/// while it runs).
fn later(f: impl FnOnce() + 'static) {
    crate::browser::spawn_local(async move { f() });
}

/// Waits until `ready` holds for the widget, looking again every 50 ms; false if it is
/// unmounted first.
async fn until(c: Chat, ready: fn(&Chat) -> bool) -> bool {
    while c.alive() && !ready(&c) {
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    c.alive()
}

/// Runs `f` once the widget is settled ([`Chat::settled`]), so that unmounting it loses
/// nothing; not at all if it is unmounted first. Always after the current call returns.
fn when_settled(chat: impl Fn() -> Option<Chat> + 'static, f: impl FnOnce() + 'static) {
    crate::browser::spawn_local(async move {
        match chat() {
            Some(c) if !until(c, Chat::settled).await => {}
            _ => f(),
        }
    });
}

/// Runs `f` now if the widget's store has answered, else once it has (a conversation started
/// or cleared before that would be replaced by the stored ones); not at all if it is unmounted
/// first.
fn when_loaded(chat: impl Fn() -> Option<Chat> + 'static, f: impl FnOnce(Chat) + 'static) {
    match chat() {
        Some(c) if c.alive() && c.loaded() => f(c),
        Some(c) if c.alive() => crate::browser::spawn_local(async move {
            if until(c, Chat::loaded).await {
                f(c);
            }
        }),
        _ => {}
    }
}

/// Installs the methods on `el`. `pairs` are the options it was mounted with (for
/// `setOptions`).
pub fn install(el: &Element, slots: Slots, pairs: Vec<(String, String)>) -> Controls {
    let pairs = Rc::new(RefCell::new(pairs));
    let chat = {
        let slot = slots.chat.clone();
        move || slot.lock().ok().and_then(|c| *c)
    };
    let slots_open = slots.open.clone();
    let set_open = {
        let slot = slots.open.clone();
        move |f: &dyn Fn(bool) -> bool| {
            if let Some(open) = slot.lock().ok().and_then(|o| *o) {
                if let Some(now) = open.try_get_untracked() {
                    open.set(f(now));
                }
            }
        }
    };
    let mut closures = Vec::new();
    let mut add = |name: &str, f: Box<dyn Fn(JsValue) -> JsValue>| {
        let closure = Closure::<dyn Fn(JsValue) -> JsValue>::new(f);
        let _ = js_sys::Reflect::set(el, &name.into(), closure.as_ref());
        closures.push(closure);
    };
    {
        let s = set_open.clone();
        add(
            "open",
            Box::new(move |_| {
                s(&|_| true);
                JsValue::UNDEFINED
            }),
        );
    }
    {
        let s = set_open.clone();
        add(
            "close",
            Box::new(move |_| {
                s(&|_| false);
                JsValue::UNDEFINED
            }),
        );
    }
    add(
        "toggle",
        Box::new(move |_| {
            set_open(&|o| !o);
            JsValue::UNDEFINED
        }),
    );
    {
        let chat = chat.clone();
        add(
            "send",
            Box::new(move |text: JsValue| {
                let sent = match (chat(), text.as_string()) {
                    (Some(chat), Some(text)) if chat.alive() => chat.send(&text),
                    _ => false,
                };
                sent.into()
            }),
        );
    }
    {
        let chat = chat.clone();
        add(
            "newChat",
            Box::new(move |_| {
                when_loaded(chat.clone(), |c| c.new_chat());
                JsValue::UNDEFINED
            }),
        );
    }
    {
        let chat = chat.clone();
        add(
            "getConversation",
            Box::new(move |_| {
                chat()
                    .filter(Chat::alive)
                    .and_then(|c| js_sys::JSON::parse(&c.conversation_json()).ok())
                    .unwrap_or(JsValue::NULL)
            }),
        );
    }
    {
        let chat = chat.clone();
        add(
            "clear",
            Box::new(move |_| {
                when_loaded(chat.clone(), |c| c.clear_current());
                JsValue::UNDEFINED
            }),
        );
    }
    {
        let el = el.clone();
        let chat = chat.clone();
        let pairs = pairs.clone();
        let pending = Rc::new(std::cell::Cell::new(false));
        add(
            "setOptions",
            Box::new(move |partial: JsValue| {
                {
                    let mut current = pairs.borrow_mut();
                    for (key, value) in crate::embed::js_options(&partial) {
                        let wanted = canonical(&key);
                        current.retain(|(k, _)| canonical(k) != wanted);
                        current.push((key, value));
                    }
                }
                // Several changes in a row (three attributes set one after the other) remount
                // once, with all of them.
                if pending.replace(true) {
                    return JsValue::UNDEFINED;
                }
                let (el, pairs) = (el.clone(), pairs.clone());
                let chat = chat.clone();
                let open = slots_open.clone();
                // A reply streaming, a page tool running, a save being written or the store not
                // yet answered would be cut by the remount: the change waits for them.
                when_settled(chat.clone(), move || {
                    // Keep what is on screen: the conversation is stored and loads again (or,
                    // when nothing is stored, is carried over on the element).
                    if let Some(chat) = chat() {
                        chat.carry_over();
                    }
                    let merged = pairs.borrow().clone();
                    // What the visitor had in hand: the draft, and the launcher's open panel.
                    let handover = js_sys::Object::new();
                    if let Some(chat) = chat().filter(Chat::alive) {
                        let draft = chat.draft().get_untracked();
                        let _ = js_sys::Reflect::set(&handover, &"draft".into(), &draft.into());
                    }
                    let is_open = open
                        .lock()
                        .ok()
                        .and_then(|o| *o)
                        .and_then(|o| o.try_get_untracked())
                        .unwrap_or(false);
                    let _ = js_sys::Reflect::set(&handover, &"open".into(), &is_open.into());
                    let _ = js_sys::Reflect::set(&el, &"tinychatHandover".into(), &handover);
                    crate::embed::unmount(&el);
                    crate::embed::mount_with(&el, merged);
                });
                JsValue::UNDEFINED
            }),
        );
    }
    {
        let el = el.clone();
        add(
            "destroy",
            Box::new(move |_| {
                let el = el.clone();
                later(move || {
                    crate::embed::unmount(&el);
                    if let Some(root) = el.shadow_root() {
                        while let Some(child) = root.first_child() {
                            let _ = root.remove_child(&child);
                        }
                    }
                });
                JsValue::UNDEFINED
            }),
        );
    }
    Controls {
        el: el.clone(),
        _closures: closures,
    }
}

/// `maxTokens`, `max-tokens`, `data-max-tokens` → `maxtokens` (to replace an option given in
/// another spelling).
pub(crate) fn canonical(key: &str) -> String {
    key.trim_start_matches("data-")
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        // Option names are ASCII: no Unicode case tables in the wasm for them.
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
