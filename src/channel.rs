//! Tabs of one site tell each other what changed, over a `BroadcastChannel` per namespace:
//! a conversation was saved (with its new `rev`), deleted, or has a reply streaming into it
//! (repeated while it streams, so a tab that opens meanwhile learns it within seconds).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

/// A change announced by another tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Conversation `id` was written; its record is now at `rev`.
    Saved {
        /// Conversation id.
        id: String,
        /// The record's new rev.
        rev: u64,
    },
    /// Conversation `id` was deleted.
    Deleted {
        /// Conversation id.
        id: String,
    },
    /// A reply is streaming into conversation `id` in another tab (`done` when it ended).
    Streaming {
        /// Conversation id.
        id: String,
        /// The stream ended.
        done: bool,
    },
}

impl Change {
    fn to_js(&self) -> JsValue {
        let obj = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&obj, &k.into(), &v);
        };
        match self {
            Change::Saved { id, rev } => {
                set("type", "saved".into());
                set("id", id.into());
                set("rev", (*rev as f64).into());
            }
            Change::Deleted { id } => {
                set("type", "deleted".into());
                set("id", id.into());
            }
            Change::Streaming { id, done } => {
                set("type", "streaming".into());
                set("id", id.into());
                set("done", (*done).into());
            }
        }
        obj.into()
    }

    fn from_js(value: &JsValue) -> Option<Change> {
        let get = |k: &str| js_sys::Reflect::get(value, &k.into()).ok();
        let id = get("id")?.as_string()?;
        match get("type")?.as_string()?.as_str() {
            "saved" => Some(Change::Saved {
                id,
                rev: get("rev")?.as_f64().filter(|r| *r >= 0.0)? as u64,
            }),
            "deleted" => Some(Change::Deleted { id }),
            "streaming" => Some(Change::Streaming {
                id,
                done: get("done")?.as_bool()?,
            }),
            _ => None,
        }
    }
}

/// The channel of one namespace; closed when dropped.
pub struct Channel {
    channel: BroadcastChannel,
    _listener: Closure<dyn FnMut(MessageEvent)>,
}

impl Channel {
    /// Joins the channel of `namespace`, calling `on_change` for every change another tab
    /// announces. `None` where `BroadcastChannel` is missing.
    pub fn join(namespace: &str, mut on_change: impl FnMut(Change) + 'static) -> Option<Channel> {
        let channel = BroadcastChannel::new(&format!("tinychat:{namespace}")).ok()?;
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            if let Some(change) = Change::from_js(&ev.data()) {
                on_change(change);
            }
        });
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        Some(Channel {
            channel,
            _listener: listener,
        })
    }

    /// Tells the other tabs.
    pub fn announce(&self, change: &Change) {
        let _ = self.channel.post_message(&change.to_js());
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
