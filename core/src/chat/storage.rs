//! Persistence of a [`Library`]: one JSON document with a schema version, a migration hook, and
//! salvage of damaged entries (nothing readable is lost).

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use super::conversation::Conversation;
use super::library::Library;
use super::{DEFAULT_TITLE, STORAGE_SCHEMA};
use crate::mistral::Role;

impl Library {
    /// Everything, as JSON for browser storage:
    /// `{"schema":1,"current":…,"counter":…,"conversations":[…]}`.
    pub fn to_storage_json(&self) -> String {
        #[derive(Serialize)]
        struct Stored<'a> {
            schema: u64,
            current: &'a str,
            counter: u64,
            conversations: &'a [Conversation],
        }
        let stored = Stored {
            schema: STORAGE_SCHEMA,
            current: self.current_id(),
            counter: self.counter,
            conversations: &self.conversations,
        };
        // Cannot fail: string keys, finite numbers only.
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Read what [`to_storage_json`](Self::to_storage_json) wrote (by this or an earlier
    /// schema, see the migration hook).
    ///
    /// Nothing readable is lost: a damaged conversation entry is skipped and a damaged
    /// message is dropped from its conversation, each with a [`LoadWarning`], while the rest
    /// is kept. Replies that were streaming become [`MessageState::Interrupted`](super::MessageState::Interrupted). An error
    /// means nothing could be read; for [`LoadError::UnsupportedSchema`] the caller should
    /// leave the stored data alone (a newer TinyChat wrote it).
    pub fn from_storage_json(
        json: &str,
        now_ms: f64,
    ) -> Result<(Library, Vec<LoadWarning>), LoadError> {
        let value: Value = serde_json::from_str(json).map_err(|e| LoadError::NotJson {
            detail: e.to_string(),
        })?;
        if !value.is_object() {
            return Err(LoadError::NotLibrary);
        }
        let Value::Object(mut root) = migrate(value)? else {
            return Err(LoadError::NotLibrary);
        };
        let mut warnings = Vec::new();
        let entries = match root.get_mut("conversations").map(Value::take) {
            Some(Value::Array(entries)) => entries,
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Err(LoadError::NotLibrary),
        };
        let mut lib = Library {
            conversations: Vec::with_capacity(entries.len()),
            current: 0,
            counter: root.get("counter").and_then(Value::as_u64).unwrap_or(0),
            salt: String::new(),
        };
        for (index, entry) in entries.into_iter().enumerate() {
            let Some(mut conv) = conversation_from_value(entry, index, &mut warnings) else {
                continue;
            };
            if conv.id.is_empty() || lib.index_of(&conv.id).is_some() {
                if !conv.id.is_empty() {
                    warnings.push(LoadWarning::Repaired {
                        title: conv.title.clone(),
                        detail: "its id was already used and a new one was given".to_owned(),
                    });
                }
                conv.id = lib.fresh_id(conv.created_ms);
            }
            lib.conversations.push(conv);
        }
        if lib.conversations.is_empty() {
            let id = lib.fresh_id(now_ms);
            lib.conversations.push(Conversation::new(id, now_ms));
        }
        lib.current = root
            .get("current")
            .and_then(Value::as_str)
            .and_then(|id| lib.index_of(id))
            .unwrap_or_else(|| lib.most_recent());
        Ok((lib, warnings))
    }
}

/// Something that could not be read from storage and was skipped or repaired; the rest was
/// kept. Displays as a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadWarning {
    /// A whole conversation entry was unreadable.
    #[error("Saved conversation #{} could not be read and was skipped ({reason}).", .index + 1)]
    SkippedConversation {
        /// Position in the stored list (0-based).
        index: usize,
        /// What was wrong.
        reason: String,
    },
    /// One message was unreadable; the rest of its conversation was kept.
    #[error("Message #{} of the saved conversation \"{title}\" could not be read and was skipped ({reason}).", .index + 1)]
    SkippedMessage {
        /// The conversation's title.
        title: String,
        /// Position of the message in the conversation (0-based).
        index: usize,
        /// What was wrong.
        reason: String,
    },
    /// Something was fixed (duplicate ids, missing fields…).
    #[error("The saved conversation \"{title}\" was repaired: {detail}.")]
    Repaired {
        /// The conversation's title.
        title: String,
        /// What was fixed.
        detail: String,
    },
}

/// Why stored conversations could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// Not JSON.
    #[error(
        "The saved conversations could not be read: the stored data is not valid JSON ({detail})."
    )]
    NotJson {
        /// The parser's message.
        detail: String,
    },
    /// JSON, but not TinyChat's storage format.
    #[error(
        "The saved conversations could not be read: the stored data is not in TinyChat's format."
    )]
    NotLibrary,
    /// Written by a newer TinyChat. The caller should not overwrite it.
    #[error("The saved conversations were written by a newer version of TinyChat (storage schema {found}); this version reads schema {supported}.")]
    UnsupportedSchema {
        /// The stored schema.
        found: u64,
        /// The schema this build reads.
        supported: u64,
    },
}

/// Bring stored data of any known schema up to [`STORAGE_SCHEMA`].
///
/// Each older schema gets an arm that rewrites the JSON into the next schema and recurses,
/// so data written by any earlier version is upgraded step by step instead of being lost:
///
/// ```text
/// 1 => migrate(v1_to_v2(value)),   // when schema 2 exists
/// ```
///
/// Data without a `schema` field is read as the current schema.
pub(super) fn migrate(value: Value) -> Result<Value, LoadError> {
    let found = match value.get("schema") {
        None => STORAGE_SCHEMA,
        Some(v) => v.as_u64().ok_or(LoadError::NotLibrary)?,
    };
    match found {
        STORAGE_SCHEMA => Ok(value),
        found if found > STORAGE_SCHEMA => Err(LoadError::UnsupportedSchema {
            found,
            supported: STORAGE_SCHEMA,
        }),
        _ => Err(LoadError::NotLibrary),
    }
}

/// Read one stored conversation, salvaging what can be read. `None` only if the entry is not
/// an object.
pub(super) fn conversation_from_value(
    value: Value,
    index: usize,
    warnings: &mut Vec<LoadWarning>,
) -> Option<Conversation> {
    let conv = match super::from_json::conversation(&value) {
        Ok(conv) => conv,
        Err(strict_error) => {
            let Value::Object(obj) = value else {
                warnings.push(LoadWarning::SkippedConversation {
                    index,
                    reason: "it is not an object".to_owned(),
                });
                return None;
            };
            salvage_conversation(obj, &strict_error, warnings)
        }
    };
    Some(repair(conv, warnings))
}

/// Field-by-field reading of a conversation that failed to deserialize as a whole.
fn salvage_conversation(
    obj: Map<String, Value>,
    error: &str,
    warnings: &mut Vec<LoadWarning>,
) -> Conversation {
    let str_field = |name: &str| obj.get(name).and_then(Value::as_str).map(str::to_owned);
    let time_field = |name: &str| obj.get(name).and_then(Value::as_f64).unwrap_or(0.0);
    let mut conv = Conversation {
        id: str_field("id").unwrap_or_default(),
        title: str_field("title").unwrap_or_default(),
        title_is_custom: obj
            .get("title_is_custom")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        system_prompt: str_field("system_prompt"),
        messages: Vec::new(),
        created_ms: time_field("created_ms"),
        updated_ms: time_field("updated_ms"),
        next_id: obj.get("next_id").and_then(Value::as_u64).unwrap_or(0),
    };
    let title = || {
        str_field("title")
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| DEFAULT_TITLE.to_owned())
    };
    match obj.get("messages") {
        Some(Value::Array(messages)) => {
            for (index, m) in messages.iter().enumerate() {
                match super::from_json::message(m) {
                    Ok(m) => conv.messages.push(m),
                    Err(e) => warnings.push(LoadWarning::SkippedMessage {
                        title: title(),
                        index,
                        reason: e,
                    }),
                }
            }
        }
        _ => warnings.push(LoadWarning::Repaired {
            title: title(),
            detail: format!("its messages could not be read ({error})"),
        }),
    }
    if conv.created_ms <= 0.0 {
        conv.created_ms = conv
            .messages
            .iter()
            .map(|m| m.created_ms)
            .fold(f64::INFINITY, f64::min);
        if !conv.created_ms.is_finite() {
            conv.created_ms = 0.0;
        }
    }
    if conv.updated_ms < conv.created_ms {
        conv.updated_ms = conv
            .messages
            .iter()
            .map(|m| m.finished_ms.unwrap_or(m.created_ms))
            .fold(conv.created_ms, f64::max);
    }
    conv
}

/// Make a stored conversation consistent: no system-role messages, unique message ids,
/// nothing streaming.
fn repair(mut conv: Conversation, warnings: &mut Vec<LoadWarning>) -> Conversation {
    let before = conv.messages.len();
    conv.messages.retain(|m| m.role != Role::System);
    if conv.messages.len() != before {
        warnings.push(LoadWarning::Repaired {
            title: conv.title.clone(),
            detail: "messages with the system role were removed".to_owned(),
        });
    }
    conv.normalize();
    let mut seen = HashSet::with_capacity(conv.messages.len());
    let mut renumbered = false;
    for i in 0..conv.messages.len() {
        if !seen.insert(conv.messages[i].id) {
            let id = conv.take_id();
            conv.messages[i].id = id;
            seen.insert(id);
            renumbered = true;
        }
    }
    if renumbered {
        warnings.push(LoadWarning::Repaired {
            title: conv.title.clone(),
            detail: "messages with duplicate ids were renumbered".to_owned(),
        });
    }
    conv
}
