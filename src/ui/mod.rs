//! The UI, built with [`crate::dom`]: one component per file. Components are thin: they read signals from
//! [`crate::chat::Chat`] and call its methods; they never write its state.

pub mod app;
pub mod attach_button;
pub mod button;
pub mod composer;
pub mod conversation_list;
pub mod export_menu;
pub mod focus_trap;
pub mod header;
pub mod image_viewer;
pub mod launcher;
pub mod markdown_view;
pub mod menu_button;
pub mod message_images;
pub mod message_item;
pub mod message_list;
pub mod message_parts;
pub mod more_menu;
pub mod pending_images;
pub mod settings_dialog;
pub mod settings_fields;
pub mod sources;
pub mod thinking;
pub mod tool_line;
