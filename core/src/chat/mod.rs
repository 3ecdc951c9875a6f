//! The conversation model: everything a chat UI needs, without any UI.
//!
//! * [`message`]: one message and its lifecycle state;
//! * [`conversation`]: [`Conversation`], its messages and their lifecycle (send, stream, stop,
//!   fail, retry, edit) and the message list of the next request;
//! * [`export`]: Markdown, plain text and versioned JSON that [`import_json`] ([`import`]) reads
//!   back;
//! * [`library`]: several conversations and the current one; [`storage`]: their persistence
//!   with a schema version, a migration hook and salvage of damaged entries; [`records`]: one
//!   record per conversation, merged rather than overwritten when two tabs wrote it.
//!
//! The user's saved settings are [`crate::options::Settings`], next to the options they start
//! from (re-exported here).
//!
//! Core has no clock: every method that records a time takes `now_ms` (milliseconds since the
//! Unix epoch, e.g. `Date.now()`); it is rounded to a whole millisecond, and a non-finite or
//! negative value counts as 0.
//!
//! There is no API key anywhere in these types, so none can end up in an export or in the
//! stored conversations; the widget keeps the key apart.

pub mod conversation;
pub mod export;
mod from_json;
pub mod import;
pub mod library;
pub mod message;
pub mod records;
pub mod storage;
mod time;

pub use crate::mistral::{ChatMessage, Role, Usage};
pub use crate::options::Settings;
pub use conversation::{title_from_text, Conversation};
pub use import::{import_json, ImportError};
pub use library::{ConversationSummary, Library};
pub use message::{ErrorInfo, Feedback, Image, Message, MessageState};
pub use storage::{LoadError, LoadWarning};

/// Title of a conversation before its first message.
pub const DEFAULT_TITLE: &str = "New chat";
/// Longest automatic title, in characters (including the final `…` when cut).
pub const TITLE_MAX_CHARS: usize = 48;
/// Longest title set with [`Conversation::rename`], in characters.
pub const RENAME_MAX_CHARS: usize = 120;
/// The `format` tag of a conversation export.
pub const EXPORT_FORMAT: &str = "tinychat.conversation";
/// The export format version written by [`Conversation::to_json`].
pub const EXPORT_VERSION: u64 = 1;
/// The schema version written by [`Library::to_storage_json`].
pub const STORAGE_SCHEMA: u64 = 1;
/// Largest file [`import_json`] accepts, in bytes.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;
/// Most images one request may carry (Mistral's vision guide: 8).
pub const MAX_IMAGES_PER_REQUEST: usize = 8;
/// Largest image file the widget takes, in bytes (Mistral's vision guide: 10 MB).
pub const MAX_IMAGE_BYTES: f64 = 10.0 * 1024.0 * 1024.0;
/// Longest side an image is downscaled to, in pixels (Mistral's vision guide: 1540×1540 for
/// its current vision models; larger images are downscaled by the API anyway).
pub const MAX_IMAGE_SIDE: u32 = 1540;
/// Largest image the widget reads, in pixels per side (the API refuses above 10000×10000).
pub const MAX_IMAGE_SOURCE_SIDE: u32 = 10_000;
/// The image types Mistral accepts.
pub const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/webp", "image/gif"];

/// Most messages [`import_json`] accepts.
pub const MAX_IMPORT_MESSAGES: usize = 10_000;

#[cfg(test)]
mod proptests;
