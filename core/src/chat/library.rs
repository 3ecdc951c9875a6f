//! [`Library`]: several conversations and which one is shown.

use super::conversation::Conversation;
use super::time::clean_time;

/// A row of the conversation list.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    /// Conversation id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Last change (ms).
    pub updated_ms: f64,
    /// Number of messages, not counting a greeting.
    pub message_count: usize,
}

/// Several conversations and which one is shown. There is always a current conversation.
///
/// ```
/// use tinychat_core::chat::Library;
/// let mut lib = Library::new(1_000.0);
/// lib.current_mut().push_user("Hello", 1_000.0);
/// let second = lib.new_conversation(2_000.0);
/// assert_eq!(lib.current_id(), second);
/// assert_eq!(lib.list().len(), 2);
/// let json = lib.to_storage_json();
/// let (restored, warnings) = Library::from_storage_json(&json, 3_000.0).unwrap();
/// assert!(warnings.is_empty());
/// assert_eq!(restored, lib);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Library {
    pub(super) conversations: Vec<Conversation>,
    /// Index of the current conversation (always valid).
    pub(super) current: usize,
    /// Counter for conversation ids.
    pub(super) counter: u64,
    /// Added to new ids so that two tabs never create the same one.
    pub(super) salt: String,
}

impl Library {
    /// A library with one empty conversation.
    pub fn new(now_ms: f64) -> Self {
        let mut lib = Library {
            conversations: Vec::new(),
            current: 0,
            counter: 0,
            salt: String::new(),
        };
        let id = lib.fresh_id(now_ms);
        lib.conversations.push(Conversation::new(id, now_ms));
        lib
    }

    /// A new conversation id: time and counter in base 36, e.g. `c-lq2x9k0-3`. Deterministic
    /// (no randomness) and never equal to an id in the library.
    pub(super) fn fresh_id(&mut self, now_ms: f64) -> String {
        loop {
            self.counter += 1;
            let mut id = format!(
                "c-{}-{}",
                base36(clean_time(now_ms) as u64),
                base36(self.counter)
            );
            if !self.salt.is_empty() {
                id.push('-');
                id.push_str(&self.salt);
            }
            if self.index_of(&id).is_none() {
                return id;
            }
        }
    }

    pub(super) fn index_of(&self, id: &str) -> Option<usize> {
        self.conversations.iter().position(|c| c.id == id)
    }

    /// Start a new conversation and make it current; returns its id. If the current
    /// conversation is still empty (and not renamed) it is reused instead, so repeated
    /// "New chat" clicks do not pile up empty conversations.
    pub fn new_conversation(&mut self, now_ms: f64) -> String {
        let current = &mut self.conversations[self.current];
        if current.is_empty() && !current.title_is_custom {
            current.touch(now_ms);
            return current.id.clone();
        }
        let id = self.fresh_id(now_ms);
        self.conversations
            .push(Conversation::new(id.clone(), now_ms));
        self.current = self.conversations.len() - 1;
        id
    }

    /// The current conversation.
    pub fn current(&self) -> &Conversation {
        &self.conversations[self.current]
    }

    /// The current conversation, to change it.
    pub fn current_mut(&mut self) -> &mut Conversation {
        &mut self.conversations[self.current]
    }

    /// The current conversation's id.
    pub fn current_id(&self) -> &str {
        &self.current().id
    }

    /// Conversation `id`.
    pub fn get(&self, id: &str) -> Option<&Conversation> {
        let i = self.position(id)?;
        self.conversations.get(i)
    }

    /// Conversation `id`, to change it (e.g. a reply streaming into a conversation that is no
    /// longer current).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Conversation> {
        let i = self.position(id)?;
        self.conversations.get_mut(i)
    }

    /// Where conversation `id` is: the current one is checked first, so a reply streaming into
    /// the shown conversation costs O(1) per delta whatever the library's size.
    fn position(&self, id: &str) -> Option<usize> {
        if self
            .conversations
            .get(self.current)
            .is_some_and(|c| c.id == id)
        {
            Some(self.current)
        } else {
            self.index_of(id)
        }
    }

    /// All conversations, in storage order.
    pub fn iter(&self) -> impl Iterator<Item = &Conversation> + '_ {
        self.conversations.iter()
    }

    /// Make conversation `id` current. Returns false if there is none.
    pub fn switch(&mut self, id: &str) -> bool {
        match self.index_of(id) {
            Some(index) => {
                self.current = index;
                true
            }
            None => false,
        }
    }

    /// Rename conversation `id` (see [`Conversation::rename`]). Returns false if there is
    /// none.
    pub fn rename(&mut self, id: &str, title: &str) -> bool {
        match self.get_mut(id) {
            Some(conv) => {
                conv.rename(title);
                true
            }
            None => false,
        }
    }

    /// Delete conversation `id`. If it was current, the most recently updated remaining one
    /// becomes current, or a new empty one is created. Returns false if there is none.
    pub fn delete(&mut self, id: &str, now_ms: f64) -> bool {
        let Some(index) = self.index_of(id) else {
            return false;
        };
        self.conversations.remove(index);
        if self.conversations.is_empty() {
            let id = self.fresh_id(now_ms);
            self.conversations.push(Conversation::new(id, now_ms));
            self.current = 0;
        } else if index == self.current {
            self.current = self.most_recent();
        } else if index < self.current {
            self.current -= 1;
        }
        true
    }

    pub(super) fn most_recent(&self) -> usize {
        self.conversations
            .iter()
            .enumerate()
            .max_by(|(_, a), (_, b)| a.updated_ms.total_cmp(&b.updated_ms))
            .map_or(0, |(i, _)| i)
    }

    /// The conversations for a list, most recently updated first.
    pub fn list(&self) -> Vec<ConversationSummary> {
        let mut order: Vec<&Conversation> = self.conversations.iter().collect();
        // A total order (ids are unique), so an unstable sort gives the same list, with less
        // code than the stable sort's (1 KB less gzip wasm with the model list's).
        order.sort_unstable_by(|a, b| {
            b.updated_ms
                .total_cmp(&a.updated_ms)
                .then(b.created_ms.total_cmp(&a.created_ms))
                .then_with(|| a.id.cmp(&b.id))
        });
        order
            .into_iter()
            .map(|c| ConversationSummary {
                id: c.id.clone(),
                title: c.title.clone(),
                updated_ms: c.updated_ms,
                message_count: c.messages.iter().filter(|m| !m.local_only).count(),
            })
            .collect()
    }

    /// Add an imported conversation under a fresh id and make it current; returns the id.
    pub fn import(&mut self, mut conversation: Conversation, now_ms: f64) -> String {
        conversation.id = self.fresh_id(now_ms);
        conversation.normalize();
        let id = conversation.id.clone();
        self.conversations.push(conversation);
        self.current = self.conversations.len() - 1;
        id
    }
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
