//! The Leptos UI: one component per file. Components are thin: they read signals from
//! [`crate::chat::Chat`] and call its methods.

pub mod app;
pub mod composer;
pub mod conversation_list;
pub mod export_menu;
pub mod header;
pub mod launcher;
pub mod markdown_view;
pub mod message_item;
pub mod message_list;
pub mod settings_dialog;

pub use app::ChatWidget;
pub use launcher::Launcher;
