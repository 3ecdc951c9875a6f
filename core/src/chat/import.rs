//! Reading a conversation back from its JSON export.

use std::collections::HashSet;
use std::fmt;

use serde_json::Value;

use super::conversation::Conversation;
use super::{EXPORT_FORMAT, EXPORT_VERSION, MAX_IMPORT_BYTES, MAX_IMPORT_MESSAGES};
use crate::i18n::Strings;
use crate::mistral::Role;

/// Why a conversation file could not be imported. Displays as a sentence (in English; see
/// [`ImportError::message_in`] for the widget's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Larger than [`MAX_IMPORT_BYTES`].
    TooLarge {
        /// Size of the file in bytes.
        bytes: usize,
    },
    /// Not JSON at all.
    NotJson {
        /// The parser's message.
        detail: String,
    },
    /// JSON, but not a TinyChat conversation export.
    NotAConversation,
    /// Written by a newer TinyChat.
    UnsupportedVersion {
        /// The file's version.
        found: u64,
        /// The version this build reads.
        supported: u64,
    },
    /// More than [`MAX_IMPORT_MESSAGES`] messages.
    TooManyMessages {
        /// Messages in the file.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A TinyChat export whose content is damaged.
    Invalid {
        /// What is wrong.
        detail: String,
    },
}

impl ImportError {
    /// A sentence for the user in the language of `s`.
    pub fn message_in(&self, s: &Strings) -> String {
        match self {
            ImportError::TooLarge { bytes } => {
                let mb = crate::decimal::mib_one_decimal(*bytes);
                Strings::fill(s.import_too_large(), mb)
            }
            ImportError::NotJson { detail } => {
                Strings::fill_named(s.import_not_json(), &[("detail", detail)])
            }
            ImportError::NotAConversation => s.import_not_conversation().clone(),
            ImportError::UnsupportedVersion { found, supported } => Strings::fill_named(
                s.import_newer_version(),
                &[
                    ("n", &found.to_string()),
                    ("supported", &supported.to_string()),
                ],
            ),
            ImportError::TooManyMessages { count, max } => Strings::fill_named(
                s.import_too_many(),
                &[("n", &count.to_string()), ("max", &max.to_string())],
            ),
            ImportError::Invalid { detail } => {
                Strings::fill_named(s.import_damaged(), &[("detail", detail)])
            }
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_in(&Strings::english()))
    }
}

impl std::error::Error for ImportError {}

/// Read a conversation exported by [`Conversation::to_json`].
///
/// The file must carry the `tinychat.conversation` format tag and a supported version; it
/// must be under [`MAX_IMPORT_BYTES`] and [`MAX_IMPORT_MESSAGES`]; every message must have a
/// `user` or `assistant` role and an id unique in the file. A reply saved while streaming
/// comes back [`MessageState::Interrupted`](super::MessageState::Interrupted). The conversation keeps its id; give it a fresh
/// one with [`Library::import`](super::Library::import).
pub fn import_json(json: &str) -> Result<Conversation, ImportError> {
    if json.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { bytes: json.len() });
    }
    let value: Value = serde_json::from_str(json).map_err(|e| ImportError::NotJson {
        detail: e.to_string(),
    })?;
    let Value::Object(mut root) = value else {
        return Err(ImportError::NotAConversation);
    };
    if root.get("format").and_then(Value::as_str) != Some(EXPORT_FORMAT) {
        return Err(ImportError::NotAConversation);
    }
    match root.get("version").map(Value::as_u64) {
        Some(Some(EXPORT_VERSION)) => {}
        Some(Some(found)) if found > EXPORT_VERSION => {
            return Err(ImportError::UnsupportedVersion {
                found,
                supported: EXPORT_VERSION,
            })
        }
        _ => {
            return Err(ImportError::Invalid {
                detail: "its format version is missing or not a known version".to_owned(),
            })
        }
    }
    let conversation = root
        .get_mut("conversation")
        .map(Value::take)
        .ok_or_else(|| ImportError::Invalid {
            detail: "it contains no conversation".to_owned(),
        })?;
    let count = conversation
        .get("messages")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if count > MAX_IMPORT_MESSAGES {
        return Err(ImportError::TooManyMessages {
            count,
            max: MAX_IMPORT_MESSAGES,
        });
    }
    let mut conv = super::from_json::conversation(&conversation)
        .map_err(|detail| ImportError::Invalid { detail })?;
    let mut ids = HashSet::with_capacity(conv.messages.len());
    for (index, m) in conv.messages.iter().enumerate() {
        if m.role == Role::System {
            return Err(ImportError::Invalid {
                detail: format!(
                    "message {} has the role \"system\", which a conversation cannot contain",
                    index + 1
                ),
            });
        }
        if !ids.insert(m.id) {
            return Err(ImportError::Invalid {
                detail: format!("two messages have the same id ({})", m.id),
            });
        }
    }
    conv.normalize();
    Ok(conv)
}
