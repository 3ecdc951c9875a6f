//! What the UI sees of the conversations: one [`MessageView`] per message and one
//! [`ConversationRow`] per conversation. Views are read-only outside [`crate::chat`].

use crate::prelude::*;
use tinychat_core::chat::{ErrorInfo, Feedback, Message, MessageState, Role, Usage};

/// One message as the UI sees it. Its text lives in the conversation (one place); the view
/// carries the signals that say when it changed. `Copy`: every field is an arena handle or a
/// plain value.
#[derive(Clone, Copy)]
pub struct MessageView {
    /// Unique per view (a view is rebuilt when a conversation is reloaded): the list's key.
    pub uid: u64,
    /// Id within the conversation.
    pub id: u64,
    /// Author.
    pub role: Role,
    /// A greeting: shown, never sent, not editable.
    pub local_only: bool,
    /// The conversation holding the message (a reply may stream into one that is no longer
    /// shown).
    pub(super) conversation: StoredValue<String>,
    /// Length in bytes of the text so far: bumped by every delta, read to learn of changes.
    pub(super) text_len: RwSignal<usize>,
    pub(super) state: RwSignal<MessageState>,
    pub(super) usage: RwSignal<Option<Usage>>,
    pub(super) error: RwSignal<Option<ErrorInfo>>,
    pub(super) feedback: RwSignal<Option<Feedback>>,
    /// An assistant message that only asked for the page's tools (not shown as a reply).
    pub(super) tool_request: RwSignal<bool>,
    /// Bytes of thinking so far (a reasoning model's trace).
    pub(super) thinking_len: RwSignal<usize>,
    /// How long the model thought, once the answer started.
    pub(super) thought_ms: RwSignal<Option<f64>>,
    /// How many sources the answer cites.
    pub(super) source_count: RwSignal<usize>,
}

impl MessageView {
    pub(super) fn new(conversation: &str, m: &Message) -> Self {
        thread_local!(static NEXT_UID: std::cell::Cell<u64> = const { std::cell::Cell::new(1) });
        let uid = NEXT_UID.with(|n| {
            let v = n.get();
            n.set(v + 1);
            v
        });
        Self {
            uid,
            id: m.id,
            role: m.role,
            local_only: m.local_only,
            conversation: StoredValue::new(conversation.to_owned()),
            text_len: RwSignal::new(m.text.len()),
            state: RwSignal::new(m.state),
            usage: RwSignal::new(m.usage),
            error: RwSignal::new(m.error.clone()),
            feedback: RwSignal::new(m.feedback),
            tool_request: RwSignal::new(m.is_tool_request()),
            thinking_len: RwSignal::new(m.thinking.len()),
            thought_ms: RwSignal::new(m.thought_ms),
            source_count: RwSignal::new(m.sources.len()),
        }
    }

    /// Bytes of text so far; tracking it re-runs on every delta (read the text with
    /// [`crate::chat::Chat::with_text`]).
    pub fn text_len(&self) -> ReadSignal<usize> {
        self.text_len.read_only()
    }

    /// Lifecycle state.
    pub fn state(&self) -> ReadSignal<MessageState> {
        self.state.read_only()
    }

    /// Token usage, once known.
    pub fn usage(&self) -> ReadSignal<Option<Usage>> {
        self.usage.read_only()
    }

    /// The error of a failed reply.
    pub fn error(&self) -> ReadSignal<Option<ErrorInfo>> {
        self.error.read_only()
    }

    /// The visitor's thumbs up / down.
    pub fn feedback(&self) -> ReadSignal<Option<Feedback>> {
        self.feedback.read_only()
    }

    /// Bytes of thinking so far; tracking it re-runs on every thinking delta.
    pub fn thinking_len(&self) -> ReadSignal<usize> {
        self.thinking_len.read_only()
    }

    /// How long the model thought (set when the answer starts or the reply ends).
    pub fn thought_ms(&self) -> ReadSignal<Option<f64>> {
        self.thought_ms.read_only()
    }

    /// How many sources the answer cites.
    pub fn source_count(&self) -> ReadSignal<usize> {
        self.source_count.read_only()
    }

    /// Whether this assistant message only asked for the page's tools.
    pub fn tool_request(&self) -> ReadSignal<bool> {
        self.tool_request.read_only()
    }

    /// Whether the view's signals are gone (the widget was unmounted).
    pub(super) fn disposed(&self) -> bool {
        self.state.try_get_untracked().is_none()
    }
}

/// A row of the conversation list.
#[derive(Clone, Debug, PartialEq)]
pub struct ConversationRow {
    /// Conversation id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Messages, not counting a greeting.
    pub message_count: usize,
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// `.md`
    Markdown,
    /// `.txt`
    Text,
    /// `.json`, importable.
    Json,
}

impl ExportFormat {
    /// File extension and MIME type.
    pub fn file_type(self) -> (&'static str, &'static str) {
        match self {
            ExportFormat::Markdown => ("md", "text/markdown;charset=utf-8"),
            ExportFormat::Text => ("txt", "text/plain;charset=utf-8"),
            ExportFormat::Json => ("json", "application/json"),
        }
    }
}
