//! What the widget's modules use of the reactive system and of the browser's timers, in one
//! import: reactive_graph (the signals, memos, effects and owners Leptos is built on; the views
//! are built with [`crate::dom`]) and the helpers in [`crate::browser`].

pub use reactive_graph::callback::*;
pub use reactive_graph::computed::*;
pub use reactive_graph::effect::*;
pub use reactive_graph::graph::untrack;
pub use reactive_graph::owner::*;
pub use reactive_graph::prelude::*;
pub use reactive_graph::signal::*;
pub use reactive_graph::wrappers::read::*;

pub use crate::browser::{
    request_animation_frame, set_timeout, spawn_local, window_event_listener_untyped,
};
