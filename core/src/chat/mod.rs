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
pub use message::{ErrorInfo, Feedback, Message, MessageState};
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
/// Most messages [`import_json`] accepts.
pub const MAX_IMPORT_MESSAGES: usize = 10_000;

#[cfg(test)]
mod proptests;
