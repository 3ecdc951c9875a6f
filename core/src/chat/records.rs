//! One record per conversation, for stores where each tab writes only what it changed
//! (IndexedDB): the record format, reading a record with salvage, merging two versions of one
//! conversation without losing a message, and the library operations a store needs
//! ([`Library::from_conversations`], [`Library::upsert`], [`Library::remove`],
//! [`Library::search`]).
//!
//! A record is `{"schema":2,"rev":N,"conversation":{…}}`. `rev` counts writes of that record:
//! a tab that writes a conversation whose stored `rev` moved since it last read it merges the
//! stored version into its own ([`merge`]) instead of overwriting it.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use super::conversation::Conversation;
use super::library::{ConversationSummary, Library};
use super::message::{Message, MessageState};
use super::storage::{conversation_from_value, LoadError, LoadWarning};
use crate::mistral::Role;

/// The schema of a conversation record.
pub const RECORD_SCHEMA: u64 = 2;

/// A conversation as a record: `{"schema":2,"rev":rev,"conversation":{…}}`.
pub fn to_record(conversation: &Conversation, rev: u64) -> String {
    #[derive(Serialize)]
    struct Record<'a> {
        schema: u64,
        rev: u64,
        conversation: &'a Conversation,
    }
    // Cannot fail: string keys, finite numbers only.
    serde_json::to_string(&Record {
        schema: RECORD_SCHEMA,
        rev,
        conversation,
    })
    .unwrap_or_default()
}

/// A record as read by [`read_record`].
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRead {
    /// The conversation (a reply that was streaming comes back interrupted).
    pub conversation: Conversation,
    /// The record's rev.
    pub rev: u64,
    /// What was salvaged.
    pub warnings: Vec<LoadWarning>,
    /// A reply was streaming when the record was written: the tab writing it may still be.
    pub was_streaming: bool,
}

/// Reads a record: the conversation (salvaged field by field if damaged, with warnings), and its
/// `rev`. A record of a newer schema is [`LoadError::UnsupportedSchema`]: leave it alone.
pub fn from_record(json: &str) -> Result<(Conversation, u64, Vec<LoadWarning>), LoadError> {
    read_record(json).map(|r| (r.conversation, r.rev, r.warnings))
}

/// [`from_record`], also telling whether a reply was streaming when the record was written.
pub fn read_record(json: &str) -> Result<RecordRead, LoadError> {
    let value: Value = serde_json::from_str(json).map_err(|e| LoadError::NotJson {
        detail: e.to_string(),
    })?;
    let Value::Object(mut root) = value else {
        return Err(LoadError::NotLibrary);
    };
    match root.get("schema").and_then(Value::as_u64) {
        Some(RECORD_SCHEMA) => {}
        Some(found) if found > RECORD_SCHEMA => {
            return Err(LoadError::UnsupportedSchema {
                found,
                supported: RECORD_SCHEMA,
            })
        }
        _ => return Err(LoadError::NotLibrary),
    }
    let rev = root.get("rev").and_then(Value::as_u64).unwrap_or(0);
    let entry = root
        .get_mut("conversation")
        .map(Value::take)
        .ok_or(LoadError::NotLibrary)?;
    let was_streaming = entry
        .get("messages")
        .and_then(Value::as_array)
        .is_some_and(|m| {
            m.iter()
                .any(|m| m.get("state").and_then(Value::as_str) == Some("streaming"))
        });
    let mut warnings = Vec::new();
    let conversation =
        conversation_from_value(entry, 0, &mut warnings).ok_or(LoadError::NotLibrary)?;
    if conversation.id.is_empty() {
        return Err(LoadError::NotLibrary);
    }
    Ok(RecordRead {
        conversation,
        rev,
        warnings,
        was_streaming,
    })
}

/// Two versions of one conversation, written by two tabs, merged so that no message of either
/// is lost: the stored version's messages in order, then each of `mine` that the stored one
/// lacks (same id and creation time = same message), renumbered if its id is taken. A message
/// in both keeps the more complete version (finished over streaming, then the longer text).
/// A custom title wins over an automatic one (the stored one if both are custom); the system
/// prompt is `mine` if set.
pub fn merge(stored: &Conversation, mine: &Conversation) -> Conversation {
    let mut out = stored.clone();
    let key = |m: &Message| (m.id, m.created_ms.to_bits());
    for m in &mine.messages {
        match out.messages.iter_mut().find(|s| key(s) == key(m)) {
            Some(existing) => {
                if more_complete(m, existing) {
                    *existing = m.clone();
                }
            }
            None => {
                let mut m = m.clone();
                if out.messages.iter().any(|s| s.id == m.id) {
                    m.id = out.take_id();
                }
                let at = out
                    .messages
                    .iter()
                    .position(|s| s.created_ms > m.created_ms && !s.local_only)
                    .unwrap_or(out.messages.len());
                out.messages.insert(at, m);
            }
        }
    }
    if mine.title_is_custom && !stored.title_is_custom {
        out.title = mine.title.clone();
        out.title_is_custom = true;
    }
    if mine.system_prompt.is_some() {
        out.system_prompt = mine.system_prompt.clone();
    }
    out.updated_ms = stored.updated_ms.max(mine.updated_ms);
    out.created_ms = stored.created_ms.min(mine.created_ms);
    let max_id = out.messages.iter().map(|m| m.id).max().unwrap_or(0);
    out.next_id = out.next_id.max(mine.next_id).max(max_id + 1);
    out.refresh_title();
    out
}

fn more_complete(candidate: &Message, current: &Message) -> bool {
    let streaming = |m: &Message| m.state == MessageState::Streaming;
    match (streaming(candidate), streaming(current)) {
        (false, true) => true,
        (true, false) => false,
        _ => {
            candidate.text.len() > current.text.len() || candidate.finished_ms > current.finished_ms
        }
    }
}

impl Library {
    /// A library of `conversations` (e.g. every record of a store), with `current` shown if it
    /// is among them, else the most recently updated; an empty list gives one new conversation.
    /// Duplicate ids keep the first.
    pub fn from_conversations(
        conversations: Vec<Conversation>,
        current: Option<&str>,
        now_ms: f64,
    ) -> Library {
        let mut lib = Library::new(now_ms);
        lib.conversations.clear();
        let mut seen = HashSet::new();
        for mut conv in conversations {
            if seen.insert(conv.id.clone()) {
                conv.normalize();
                lib.conversations.push(conv);
            }
        }
        if lib.conversations.is_empty() {
            let id = lib.fresh_id(now_ms);
            lib.conversations.push(Conversation::new(id, now_ms));
        }
        lib.current = current
            .and_then(|id| lib.index_of(id))
            .unwrap_or_else(|| lib.most_recent());
        lib
    }

    /// A library with one empty conversation whose id, like every later one, carries `salt`
    /// (see [`Library::set_id_salt`]).
    pub fn new_salted(now_ms: f64, salt: &str) -> Library {
        let mut lib = Library::new(now_ms);
        lib.conversations.clear();
        lib.counter = 0;
        lib.set_id_salt(salt);
        let id = lib.fresh_id(now_ms);
        lib.conversations.push(Conversation::new(id, now_ms));
        lib
    }

    /// Makes new conversation ids unique across tabs: `salt` (e.g. a random tab id, letters and
    /// digits) is added to every id this library creates.
    pub fn set_id_salt(&mut self, salt: &str) {
        self.salt = salt
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(12)
            .collect();
    }

    /// Adds `conversation`, or replaces the one with its id (another tab wrote it). The current
    /// conversation stays current.
    pub fn upsert(&mut self, conversation: Conversation) {
        match self.index_of(&conversation.id) {
            Some(i) => self.conversations[i] = conversation,
            None => self.conversations.push(conversation),
        }
    }

    /// Removes conversation `id` because another tab deleted it; like [`Library::delete`].
    pub fn remove(&mut self, id: &str, now_ms: f64) -> bool {
        self.delete(id, now_ms)
    }

    /// The conversations whose title or any message contains every word of `query`
    /// (case-insensitive), most recently updated first. An empty query lists them all.
    pub fn search(&self, query: &str) -> Vec<ConversationSummary> {
        self.search_folded(query, &str::to_lowercase)
    }

    /// [`Library::search`] with the case folding given: the widget passes the browser's
    /// `toLowerCase`, so the wasm carries no copy of Unicode's case tables.
    pub fn search_folded(
        &self,
        query: &str,
        lowercase: &dyn Fn(&str) -> String,
    ) -> Vec<ConversationSummary> {
        let words: Vec<String> = query.split_whitespace().map(lowercase).collect();
        if words.is_empty() {
            return self.list();
        }
        let matches = |c: &Conversation| {
            let title = lowercase(&c.title);
            words.iter().all(|w| {
                title.contains(w.as_str())
                    || c.messages
                        .iter()
                        .filter(|m| m.role != Role::System)
                        .any(|m| lowercase(&m.text).contains(w.as_str()))
            })
        };
        let found: HashSet<&str> = self
            .conversations
            .iter()
            .filter(|c| matches(c))
            .map(|c| c.id.as_str())
            .collect();
        self.list()
            .into_iter()
            .filter(|s| found.contains(s.id.as_str()))
            .collect()
    }
}
