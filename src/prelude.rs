//! What the widget's modules use of the reactive system and of the browser's timers, in one
//! import: [`crate::reactive`] (signals, memos, stored values and owners; the views are built
//! with [`crate::dom`]) and the helpers in [`crate::browser`].

pub use crate::reactive::{
    expect_context, on_cleanup, provide_context, signal, untrack, use_context, Callback, Memo,
    Owner, ReadSignal, RwSignal, StoredValue, WeakOwner, WriteSignal,
};

pub use crate::browser::{
    request_animation_frame, set_timeout, spawn_local, window_event_listener_untyped,
};
