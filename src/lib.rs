//! TinyChat: a streaming Mistral chat widget. This crate is the browser side: glue
//! ([`transport`], [`storage`], [`browser`]), the embedding ([`embed`]) and the Leptos UI ([`ui`]).
//! All logic that needs no browser lives in `tinychat-core`.

pub mod browser;
pub mod channel;
pub mod chat;
pub mod controls;
pub mod conversations;
pub mod dom;
pub mod embed;
pub mod events;
pub mod extras;
pub mod handover;
pub mod images;
pub mod markdown_dom;
pub mod markdown_module;
pub mod prelude;
pub mod reactive;
pub mod storage;
pub mod tools;
pub mod transport;
pub mod ui;

pub use embed::{boot, mount, MountHandle};
