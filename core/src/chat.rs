//! The conversation model: everything a chat UI needs, without any UI.
//!
//! * [`Conversation`]: messages and their lifecycle (send, stream, stop, fail, retry, edit),
//!   the message list of the next request, the title, and exports (Markdown, plain text,
//!   versioned JSON that [`import_json`] reads back);
//! * [`Library`]: several conversations, the current one, and their persistence
//!   ([`Library::to_storage_json`] / [`Library::from_storage_json`]) with a schema version,
//!   a migration hook and salvage of damaged entries;
//! * [`Settings`]: the user's saved settings.
//!
//! Core has no clock: every method that records a time takes `now_ms` (milliseconds since the
//! Unix epoch, e.g. `Date.now()`); it is rounded to a whole millisecond, and a non-finite or
//! negative value counts as 0.
//!
//! There is no API key anywhere in these types, so none can end up in an export or in the
//! stored conversations; the widget keeps the key apart.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::mistral::{ApiError, ApiErrorKind, StreamError};
pub use crate::mistral::{ChatMessage, Role, Usage};
use crate::options::{self, WidgetOptions};

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

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageState {
    /// An assistant reply still arriving.
    Streaming,
    /// Complete (every user message is `Done`).
    Done,
    /// The user stopped the reply; the partial text is kept.
    Stopped,
    /// The reply was streaming when the page was closed or reloaded; the partial text is kept.
    Interrupted,
    /// The reply failed; the partial text and the [`ErrorInfo`] are kept. Serialized as
    /// `"error"`.
    #[serde(rename = "error", alias = "failed")]
    Failed,
}

impl MessageState {
    /// The name used in `data-state` and in JSON: `streaming`, `done`, `stopped`,
    /// `interrupted` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Streaming => "streaming",
            MessageState::Done => "done",
            MessageState::Stopped => "stopped",
            MessageState::Interrupted => "interrupted",
            MessageState::Failed => "error",
        }
    }
}

/// Why a reply failed, for the person chatting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// A short machine-readable tag, e.g. `network`, `timeout`, `unauthorized`,
    /// `rate_limited`, `server_error`, `stream` (the widget exposes it as `data-error`).
    pub kind: String,
    /// A sentence to show.
    pub message: String,
    /// Whether sending the same request again may succeed.
    #[serde(default)]
    pub retryable: bool,
}

impl ErrorInfo {
    /// An error of `kind` with a user-facing `message`.
    pub fn new(kind: impl Into<String>, message: impl Into<String>, retryable: bool) -> Self {
        ErrorInfo {
            kind: kind.into(),
            message: message.into(),
            retryable,
        }
    }
}

impl From<&ApiError> for ErrorInfo {
    /// Kind from the HTTP status (`bad_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `validation`, `rate_limited`, `server_error`, `http`), message and retryability from
    /// the [`ApiError`].
    fn from(err: &ApiError) -> Self {
        let kind = match err.kind {
            ApiErrorKind::BadRequest => "bad_request",
            ApiErrorKind::Unauthorized => "unauthorized",
            ApiErrorKind::Forbidden => "forbidden",
            ApiErrorKind::NotFound => "not_found",
            ApiErrorKind::Validation => "validation",
            ApiErrorKind::RateLimited => "rate_limited",
            ApiErrorKind::ServerError => "server_error",
            ApiErrorKind::Other => "http",
        };
        ErrorInfo::new(kind, err.message(), err.is_retryable())
    }
}

impl From<&StreamError> for ErrorInfo {
    /// Kind `stream`, retryable.
    fn from(err: &StreamError) -> Self {
        ErrorInfo::new("stream", err.user_message(), true)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Unique within its conversation, never reused (a late delta for a deleted reply cannot
    /// land in a newer one).
    pub id: u64,
    /// [`Role::User`] or [`Role::Assistant`] (never [`Role::System`]: the system prompt is
    /// [`Conversation::system_prompt`]).
    pub role: Role,
    /// The text (Markdown for the assistant; user text is shown as written).
    pub text: String,
    /// Lifecycle state.
    pub state: MessageState,
    /// Token usage of an assistant reply, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Model that wrote an assistant reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// When the message was created (ms since the epoch).
    #[serde(with = "millis")]
    pub created_ms: f64,
    /// When a reply ended (done, stopped or failed).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "millis_opt")]
    pub finished_ms: Option<f64>,
    /// Why a [`MessageState::Failed`] reply failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    /// A greeting: shown, never sent to the API, not part of text exports.
    #[serde(default, skip_serializing_if = "is_false")]
    pub local_only: bool,
}

impl Message {
    /// Whether this is an assistant reply that can be sent back as context.
    fn is_sendable(&self) -> bool {
        if self.local_only {
            return false;
        }
        match self.role {
            Role::User => true,
            Role::Assistant => {
                !matches!(self.state, MessageState::Failed | MessageState::Streaming)
                    && !self.text.trim().is_empty()
            }
            Role::System => false,
        }
    }
}

/// Times are whole milliseconds below 2^53: (de)serialize them as JSON integers, which
/// round-trip exactly (a float such as `3765290858253407.0` may not with serde_json's default
/// float parser). Any JSON number is accepted when reading.
mod millis {
    use serde::de::{self, Deserializer, Visitor};
    use serde::Serializer;
    use std::fmt;

    pub(super) fn serialize<S: Serializer>(ms: &f64, s: S) -> Result<S::Ok, S::Error> {
        if ms.fract() == 0.0 && (0.0..=super::MAX_EXACT_MS).contains(ms) {
            s.serialize_u64(*ms as u64)
        } else {
            s.serialize_f64(*ms)
        }
    }

    struct MsVisitor;

    impl Visitor<'_> for MsVisitor {
        type Value = f64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a time in milliseconds")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        d.deserialize_f64(MsVisitor)
    }
}

/// [`millis`] for an optional time.
mod millis_opt {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Ms(#[serde(with = "super::millis")] f64);

    pub(super) fn serialize<S: Serializer>(ms: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        ms.map(Ms).serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(Option::<Ms>::deserialize(d)?.map(|m| m.0))
    }
}

/// 2^53: every whole number up to it is exactly representable as an `f64`.
const MAX_EXACT_MS: f64 = 9_007_199_254_740_992.0;

/// Clamp a caller-supplied time to a whole, non-negative, exactly representable millisecond.
fn clean_time(ms: f64) -> f64 {
    if ms.is_finite() && ms > 0.0 {
        ms.round().min(MAX_EXACT_MS)
    } else {
        0.0
    }
}

/// `s` with runs of whitespace collapsed to one space and cut to `max` characters (ending
/// with `…` when cut).
fn one_line(s: &str, max: usize) -> String {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(max) {
        None => collapsed,
        Some(_) => {
            let cut = collapsed
                .char_indices()
                .nth(max.saturating_sub(1))
                .map_or(collapsed.len(), |(i, _)| i);
            format!("{}…", collapsed[..cut].trim_end())
        }
    }
}

/// The automatic title for a first message: its first non-blank line, whitespace collapsed,
/// at most [`TITLE_MAX_CHARS`] characters.
pub fn title_from_text(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(one_line(line, TITLE_MAX_CHARS))
}

/// One conversation: its messages, title and system prompt.
///
/// Messages are changed only through methods, which keep ids unique and states consistent.
///
/// ```
/// use tinychat_core::chat::{Conversation, MessageState, Role};
/// let mut conv = Conversation::new("c1", 1_000.0);
/// conv.push_user("What is Rust?", 1_000.0);
/// let reply = conv.start_assistant("mistral-small-latest", 1_001.0);
/// conv.append_delta(reply, "A language");
/// conv.append_delta(reply, ".");
/// conv.finish(reply, None, 1_002.0);
/// assert_eq!(conv.title(), "What is Rust?");
/// assert_eq!(conv.message(reply).unwrap().text, "A language.");
/// assert_eq!(conv.message(reply).unwrap().state, MessageState::Done);
/// let request = conv.request_messages(Some("Be brief."));
/// assert_eq!(request[0].role, Role::System);
/// assert_eq!(request.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    id: String,
    title: String,
    #[serde(default)]
    title_is_custom: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    system_prompt: Option<String>,
    messages: Vec<Message>,
    #[serde(with = "millis")]
    created_ms: f64,
    #[serde(with = "millis")]
    updated_ms: f64,
    /// Next message id; ids are never reused.
    #[serde(default)]
    next_id: u64,
}

impl Conversation {
    /// An empty conversation titled [`DEFAULT_TITLE`].
    pub fn new(id: impl Into<String>, now_ms: f64) -> Self {
        let now = clean_time(now_ms);
        Conversation {
            id: id.into(),
            title: DEFAULT_TITLE.to_owned(),
            title_is_custom: false,
            system_prompt: None,
            messages: Vec::new(),
            created_ms: now,
            updated_ms: now,
            next_id: 1,
        }
    }

    /// The conversation's id (unique within its [`Library`]).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The title: set with [`rename`](Self::rename), else derived from the first user message
    /// (see [`title_from_text`]), else [`DEFAULT_TITLE`].
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Whether the title was set by [`rename`](Self::rename).
    pub fn title_is_custom(&self) -> bool {
        self.title_is_custom
    }

    /// This conversation's own system prompt, if any.
    pub fn system_prompt(&self) -> Option<&str> {
        self.system_prompt.as_deref()
    }

    /// Set this conversation's own system prompt (trimmed; empty or `None` removes it).
    pub fn set_system_prompt(&mut self, prompt: Option<&str>) {
        self.system_prompt = prompt
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
    }

    /// All messages, oldest first (including a greeting).
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The message with id `id`.
    pub fn message(&self, id: u64) -> Option<&Message> {
        self.messages.iter().rev().find(|m| m.id == id)
    }

    /// Creation time (ms).
    pub fn created_ms(&self) -> f64 {
        self.created_ms
    }

    /// Time of the last change that was given a time (ms).
    pub fn updated_ms(&self) -> f64 {
        self.updated_ms
    }

    /// Whether the conversation has no messages besides a greeting.
    pub fn is_empty(&self) -> bool {
        self.messages.iter().all(|m| m.local_only)
    }

    /// The id of the reply currently streaming, if any.
    pub fn streaming_id(&self) -> Option<u64> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.state == MessageState::Streaming)
            .map(|m| m.id)
    }

    fn touch(&mut self, now_ms: f64) {
        self.updated_ms = clean_time(now_ms);
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id.max(1);
        self.next_id = id + 1;
        id
    }

    fn message_mut(&mut self, id: u64) -> Option<&mut Message> {
        // The message being streamed is almost always the last one: O(1) in practice.
        self.messages.iter_mut().rev().find(|m| m.id == id)
    }

    fn refresh_title(&mut self) {
        if self.title_is_custom {
            return;
        }
        self.title = self
            .messages
            .iter()
            .find(|m| m.role == Role::User && !m.local_only)
            .and_then(|m| title_from_text(&m.text))
            .unwrap_or_else(|| DEFAULT_TITLE.to_owned());
    }

    /// Rename the conversation (whitespace collapsed, at most [`RENAME_MAX_CHARS`]
    /// characters). An empty title goes back to the automatic one.
    pub fn rename(&mut self, title: &str) {
        let title = one_line(title, RENAME_MAX_CHARS);
        if title.is_empty() {
            self.title_is_custom = false;
            self.refresh_title();
        } else {
            self.title = title;
            self.title_is_custom = true;
        }
    }

    /// Show `text` as the assistant's greeting at the top of the conversation. A greeting is
    /// never sent to the API, does not count for [`is_empty`](Self::is_empty) and is left out
    /// of text exports. Calling it again replaces the greeting; an empty `text` removes it.
    pub fn set_greeting(&mut self, text: &str, now_ms: f64) {
        let text = text.trim();
        let existing = self.messages.first().is_some_and(|m| m.local_only);
        match (existing, text.is_empty()) {
            (true, true) => {
                self.messages.remove(0);
            }
            (true, false) => self.messages[0].text = text.to_owned(),
            (false, true) => {}
            (false, false) => {
                let id = self.take_id();
                let now = clean_time(now_ms);
                self.messages.insert(
                    0,
                    Message {
                        id,
                        role: Role::Assistant,
                        text: text.to_owned(),
                        state: MessageState::Done,
                        usage: None,
                        model: None,
                        created_ms: now,
                        finished_ms: None,
                        error: None,
                        local_only: true,
                    },
                );
            }
        }
    }

    /// Add a user message; returns its id. The first user message sets the automatic title.
    pub fn push_user(&mut self, text: &str, now_ms: f64) -> u64 {
        let id = self.take_id();
        self.messages.push(Message {
            id,
            role: Role::User,
            text: text.to_owned(),
            state: MessageState::Done,
            usage: None,
            model: None,
            created_ms: clean_time(now_ms),
            finished_ms: None,
            error: None,
            local_only: false,
        });
        self.touch(now_ms);
        self.refresh_title();
        id
    }

    /// Start an empty assistant reply in state [`MessageState::Streaming`]; returns its id.
    /// A reply still streaming (there should be none) is marked stopped first.
    pub fn start_assistant(&mut self, model: &str, now_ms: f64) -> u64 {
        if let Some(previous) = self.streaming_id() {
            self.stop(previous, now_ms);
        }
        let id = self.take_id();
        self.messages.push(Message {
            id,
            role: Role::Assistant,
            text: String::new(),
            state: MessageState::Streaming,
            usage: None,
            model: (!model.is_empty()).then(|| model.to_owned()),
            created_ms: clean_time(now_ms),
            finished_ms: None,
            error: None,
            local_only: false,
        });
        self.touch(now_ms);
        id
    }

    /// Append streamed text to reply `id`. Cost is O(`delta`). Returns false (and changes
    /// nothing) if `id` is not a streaming reply, e.g. it was stopped, retried or edited away.
    pub fn append_delta(&mut self, id: u64, delta: &str) -> bool {
        match self.message_mut(id) {
            Some(m) if m.state == MessageState::Streaming => {
                m.text.push_str(delta);
                true
            }
            _ => false,
        }
    }

    /// End reply `id` normally, recording `usage`. Returns false if it was not streaming.
    pub fn finish(&mut self, id: u64, usage: Option<Usage>, now_ms: f64) -> bool {
        self.end(id, MessageState::Done, usage, None, now_ms)
    }

    /// Mark reply `id` stopped by the user, keeping its partial text. Returns false if it was
    /// not streaming.
    pub fn stop(&mut self, id: u64, now_ms: f64) -> bool {
        self.end(id, MessageState::Stopped, None, None, now_ms)
    }

    /// Mark reply `id` failed with `error`, keeping its partial text. Returns false if it was
    /// not streaming.
    pub fn fail(&mut self, id: u64, error: ErrorInfo, now_ms: f64) -> bool {
        self.end(id, MessageState::Failed, None, Some(error), now_ms)
    }

    fn end(
        &mut self,
        id: u64,
        state: MessageState,
        usage: Option<Usage>,
        error: Option<ErrorInfo>,
        now_ms: f64,
    ) -> bool {
        let now = clean_time(now_ms);
        let Some(m) = self.message_mut(id) else {
            return false;
        };
        if m.state != MessageState::Streaming {
            return false;
        }
        m.state = state;
        m.finished_ms = Some(now);
        if usage.is_some() {
            m.usage = usage;
        }
        m.error = error;
        self.touch(now_ms);
        true
    }

    /// Prepare to ask again: remove the trailing assistant replies (failed, stopped or done)
    /// so that the next request re-asks the last user message. Returns whether a request
    /// should be sent, i.e. the conversation now ends with a user message. Returns false and
    /// changes nothing while a reply is streaming (stop it first).
    pub fn retry(&mut self) -> bool {
        if self.streaming_id().is_some() {
            return false;
        }
        while self
            .messages
            .last()
            .is_some_and(|m| m.role == Role::Assistant && !m.local_only)
        {
            self.messages.pop();
        }
        self.messages
            .last()
            .is_some_and(|m| m.role == Role::User && !m.local_only)
    }

    /// Replace the text of user message `id` and drop every message after it (the caller
    /// then sends a new request). Returns false if `id` is not a user message. A reply that
    /// was streaming is dropped too: abort its request; its late deltas are ignored.
    pub fn edit_user(&mut self, id: u64, text: &str, now_ms: f64) -> bool {
        let Some(index) = self
            .messages
            .iter()
            .position(|m| m.id == id && m.role == Role::User && !m.local_only)
        else {
            return false;
        };
        self.messages.truncate(index + 1);
        self.messages[index].text = text.to_owned();
        self.touch(now_ms);
        self.refresh_title();
        true
    }

    /// Turn every streaming reply into [`MessageState::Interrupted`] (used on load: nothing is
    /// streaming into a page that was just opened). Returns how many were changed.
    pub fn mark_interrupted(&mut self) -> usize {
        let mut count = 0;
        for m in &mut self.messages {
            if m.state == MessageState::Streaming {
                m.state = MessageState::Interrupted;
                count += 1;
            }
        }
        count
    }

    /// The messages of the next request.
    ///
    /// * First the system prompt: this conversation's own, else `default_system_prompt`
    ///   (e.g. from the settings), if any.
    /// * Then the user and assistant turns, oldest first, except the greeting, failed
    ///   replies, empty replies and a reply still streaming. Stopped and interrupted replies
    ///   *are* included: the user saw that partial text, so the model should too.
    /// * Consecutive messages of the same role (e.g. a question re-asked after a failed reply)
    ///   are merged, separated by a blank line, because the API expects turns to alternate.
    pub fn request_messages(&self, default_system_prompt: Option<&str>) -> Vec<ChatMessage> {
        let mut out: Vec<ChatMessage> = Vec::with_capacity(self.messages.len() + 1);
        let system = self
            .system_prompt
            .as_deref()
            .or(default_system_prompt.map(str::trim))
            .filter(|s| !s.is_empty());
        if let Some(system) = system {
            out.push(ChatMessage::system(system));
        }
        for m in self.messages.iter().filter(|m| m.is_sendable()) {
            match out.last_mut() {
                Some(last) if last.role == m.role => {
                    last.content.push_str("\n\n");
                    last.content.push_str(&m.text);
                }
                _ => out.push(ChatMessage::new(m.role, m.text.clone())),
            }
        }
        out
    }

    fn state_note(m: &Message) -> Option<String> {
        match m.state {
            MessageState::Done => None,
            MessageState::Streaming => Some("incomplete".to_owned()),
            MessageState::Stopped => Some("stopped".to_owned()),
            MessageState::Interrupted => Some("interrupted".to_owned()),
            MessageState::Failed => Some(match &m.error {
                Some(e) if !e.message.is_empty() => format!("error: {}", one_line(&e.message, 500)),
                _ => "error".to_owned(),
            }),
        }
    }

    fn speaker(role: Role) -> &'static str {
        match role {
            Role::User => "You",
            Role::Assistant => "Assistant",
            Role::System => "System",
        }
    }

    /// The conversation as Markdown: the title as a heading, the system prompt (if any), then
    /// `**You**` / `**Assistant**` sections with each message's text as-is, and a note such as
    /// `_(stopped)_` under a reply that did not complete. The greeting is left out.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n", one_line(&self.title, RENAME_MAX_CHARS));
        if let Some(system) = &self.system_prompt {
            out.push_str("\n**System prompt**\n\n");
            out.push_str(system);
            out.push('\n');
        }
        for m in self.messages.iter().filter(|m| !m.local_only) {
            out.push_str(&format!("\n**{}**", Self::speaker(m.role)));
            if let Some(model) = m.model.as_deref().filter(|_| m.role == Role::Assistant) {
                out.push_str(&format!(" ({model})"));
            }
            out.push('\n');
            if !m.text.is_empty() {
                out.push('\n');
                out.push_str(&m.text);
                if !m.text.ends_with('\n') {
                    out.push('\n');
                }
            }
            if let Some(note) = Self::state_note(m) {
                out.push_str(&format!("\n_({note})_\n"));
            }
        }
        out
    }

    /// The conversation as plain text: `You: …` and `Assistant: …` turns separated by blank
    /// lines (a note such as `(stopped)` after a reply that did not complete). The greeting is
    /// left out; the system prompt, if any, comes first as `System: …`.
    pub fn to_plain_text(&self) -> String {
        let mut turns = Vec::new();
        if let Some(system) = &self.system_prompt {
            turns.push(format!("System: {system}"));
        }
        for m in self.messages.iter().filter(|m| !m.local_only) {
            let mut turn = format!("{}: {}", Self::speaker(m.role), m.text.trim_end());
            if let Some(note) = Self::state_note(m) {
                turn.push_str(&format!("\n({note})"));
            }
            turns.push(turn);
        }
        let mut out = turns.join("\n\n");
        out.push('\n');
        out
    }

    /// The conversation as a versioned JSON document,
    /// `{"format":"tinychat.conversation","version":1,"conversation":{…}}`, that
    /// [`import_json`] reads back without loss (a reply that was streaming comes back
    /// interrupted).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Export<'a> {
            format: &'static str,
            version: u64,
            conversation: &'a Conversation,
        }
        let export = Export {
            format: EXPORT_FORMAT,
            version: EXPORT_VERSION,
            conversation: self,
        };
        // Cannot fail: string keys, finite numbers only.
        serde_json::to_string_pretty(&export).unwrap_or_default()
    }

    /// Restore invariants after deserialization: next id past every id, times clean,
    /// nothing streaming.
    fn normalize(&mut self) {
        let max_id = self.messages.iter().map(|m| m.id).max().unwrap_or(0);
        self.next_id = self.next_id.max(max_id.saturating_add(1)).max(1);
        self.created_ms = clean_time(self.created_ms);
        self.updated_ms = clean_time(self.updated_ms);
        for m in &mut self.messages {
            m.created_ms = clean_time(m.created_ms);
            m.finished_ms = m.finished_ms.map(clean_time);
        }
        self.mark_interrupted();
        if self.title_is_custom && self.title.trim().is_empty() {
            self.title_is_custom = false;
        }
        if !self.title_is_custom && self.title.trim().is_empty() {
            self.refresh_title();
        }
    }
}

/// Why a conversation file could not be imported. Displays as a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Larger than [`MAX_IMPORT_BYTES`].
    #[error("This file is too large to import ({} MB); conversation files are limited to 10 MB.", megabytes(.bytes))]
    TooLarge {
        /// Size of the file in bytes.
        bytes: usize,
    },
    /// Not JSON at all.
    #[error("This file is not a TinyChat conversation: it is not valid JSON ({detail}).")]
    NotJson {
        /// The parser's message.
        detail: String,
    },
    /// JSON, but not a TinyChat conversation export.
    #[error("This file is not a TinyChat conversation export.")]
    NotAConversation,
    /// Written by a newer TinyChat.
    #[error("This conversation was exported by a newer version of TinyChat (format version {found}); this version can read version {supported}.")]
    UnsupportedVersion {
        /// The file's version.
        found: u64,
        /// The version this build reads.
        supported: u64,
    },
    /// More than [`MAX_IMPORT_MESSAGES`] messages.
    #[error("This conversation has {count} messages; at most {max} can be imported.")]
    TooManyMessages {
        /// Messages in the file.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A TinyChat export whose content is damaged.
    #[error("This conversation file is damaged: {detail}.")]
    Invalid {
        /// What is wrong.
        detail: String,
    },
}

fn megabytes(bytes: &usize) -> String {
    format!("{:.1}", *bytes as f64 / (1024.0 * 1024.0))
}

/// Read a conversation exported by [`Conversation::to_json`].
///
/// The file must carry the `tinychat.conversation` format tag and a supported version; it
/// must be under [`MAX_IMPORT_BYTES`] and [`MAX_IMPORT_MESSAGES`]; every message must have a
/// `user` or `assistant` role and an id unique in the file. A reply saved while streaming
/// comes back [`MessageState::Interrupted`]. The conversation keeps its id; give it a fresh
/// one with [`Library::import`].
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
        .remove("conversation")
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
    let mut conv = Conversation::deserialize(&conversation).map_err(|e| ImportError::Invalid {
        detail: e.to_string(),
    })?;
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
fn migrate(value: Value) -> Result<Value, LoadError> {
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
fn conversation_from_value(
    value: Value,
    index: usize,
    warnings: &mut Vec<LoadWarning>,
) -> Option<Conversation> {
    let conv = match Conversation::deserialize(&value) {
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
    error: &serde_json::Error,
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
                match Message::deserialize(m) {
                    Ok(m) => conv.messages.push(m),
                    Err(e) => warnings.push(LoadWarning::SkippedMessage {
                        title: title(),
                        index,
                        reason: e.to_string(),
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
    conversations: Vec<Conversation>,
    /// Index of the current conversation (always valid).
    current: usize,
    /// Counter for conversation ids.
    counter: u64,
}

impl Library {
    /// A library with one empty conversation.
    pub fn new(now_ms: f64) -> Self {
        let mut lib = Library {
            conversations: Vec::new(),
            current: 0,
            counter: 0,
        };
        let id = lib.fresh_id(now_ms);
        lib.conversations.push(Conversation::new(id, now_ms));
        lib
    }

    /// A new conversation id: time and counter in base 36, e.g. `c-lq2x9k0-3`. Deterministic
    /// (no randomness) and never equal to an id in the library.
    fn fresh_id(&mut self, now_ms: f64) -> String {
        loop {
            self.counter += 1;
            let id = format!(
                "c-{}-{}",
                base36(clean_time(now_ms) as u64),
                base36(self.counter)
            );
            if self.index_of(&id).is_none() {
                return id;
            }
        }
    }

    fn index_of(&self, id: &str) -> Option<usize> {
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
        self.conversations.iter().find(|c| c.id == id)
    }

    /// Conversation `id`, to change it (e.g. a reply streaming into a conversation that is no
    /// longer current).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Conversation> {
        self.conversations.iter_mut().find(|c| c.id == id)
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

    fn most_recent(&self) -> usize {
        self.conversations
            .iter()
            .enumerate()
            .max_by(|(_, a), (_, b)| a.updated_ms.total_cmp(&b.updated_ms))
            .map_or(0, |(i, _)| i)
    }

    /// The conversations for a list, most recently updated first.
    pub fn list(&self) -> Vec<ConversationSummary> {
        let mut order: Vec<&Conversation> = self.conversations.iter().collect();
        order.sort_by(|a, b| {
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
    /// is kept. Replies that were streaming become [`MessageState::Interrupted`]. An error
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
        let entries = match root.remove("conversations") {
            Some(Value::Array(entries)) => entries,
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Err(LoadError::NotLibrary),
        };
        let mut lib = Library {
            conversations: Vec::with_capacity(entries.len()),
            current: 0,
            counter: root.get("counter").and_then(Value::as_u64).unwrap_or(0),
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

/// The user's saved settings. The API key is deliberately not here: the widget stores it
/// separately, and only when [`remember_key`](Self::remember_key) is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// API base URL (no trailing slash), as for [`WidgetOptions::api_base`].
    pub api_base: String,
    /// Selected model.
    pub model: String,
    /// Sampling temperature (0 to 1.5); `None` for the model's default.
    pub temperature: Option<f32>,
    /// Maximum reply tokens; `None` for the model's default.
    pub max_tokens: Option<u32>,
    /// System prompt for new requests.
    pub system_prompt: Option<String>,
    /// Keep the API key across browser sessions (local storage) rather than for the tab only.
    pub remember_key: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_options(&WidgetOptions::default())
    }
}

impl Settings {
    /// The initial settings given by the page's options.
    pub fn from_options(options: &WidgetOptions) -> Self {
        Settings {
            api_base: options.api_base.clone(),
            model: options.model.clone(),
            temperature: options.temperature,
            max_tokens: options.max_tokens,
            system_prompt: options.system_prompt.clone(),
            remember_key: false,
        }
    }

    /// As JSON for storage.
    pub fn to_json(&self) -> String {
        // Cannot fail; a non-finite temperature (never produced here) would become null.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Read stored settings. Never fails: a missing field, or one with an unusable value,
    /// takes its value from `defaults` (typically [`Settings::from_options`]); unreadable JSON
    /// gives `defaults`. A `null` temperature, token limit or system prompt is kept as
    /// "unset".
    pub fn from_json(json: &str, defaults: &Settings) -> Settings {
        let mut settings = defaults.clone();
        let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(json) else {
            return settings;
        };
        if let Some(base) = obj
            .get("api_base")
            .and_then(Value::as_str)
            .and_then(options::parse_api_base)
        {
            settings.api_base = base;
        }
        if let Some(model) = obj
            .get("model")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|m| options::is_model_id(m))
        {
            settings.model = model.to_owned();
        }
        match obj.get("temperature") {
            Some(Value::Null) => settings.temperature = None,
            Some(v) => {
                if let Some(t) = v
                    .as_f64()
                    .filter(|t| (0.0..=f64::from(options::MAX_TEMPERATURE)).contains(t))
                {
                    settings.temperature = Some(t as f32);
                }
            }
            None => {}
        }
        match obj.get("max_tokens") {
            Some(Value::Null) => settings.max_tokens = None,
            Some(v) => {
                if let Some(n) = v
                    .as_u64()
                    .filter(|n| *n > 0)
                    .and_then(|n| u32::try_from(n).ok())
                {
                    settings.max_tokens = Some(n);
                }
            }
            None => {}
        }
        match obj.get("system_prompt") {
            Some(Value::Null) => settings.system_prompt = None,
            Some(Value::String(s)) => {
                settings.system_prompt = Some(s.trim().to_owned()).filter(|s| !s.is_empty())
            }
            _ => {}
        }
        if let Some(remember) = obj.get("remember_key").and_then(Value::as_bool) {
            settings.remember_key = remember;
        }
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn usage(n: u32) -> Usage {
        Usage {
            prompt_tokens: n,
            completion_tokens: n + 1,
            total_tokens: 2 * n + 1,
        }
    }

    fn conversation_with_reply() -> (Conversation, u64, u64) {
        let mut c = Conversation::new("c", 10.0);
        let user = c.push_user("Hello there", 11.0);
        let reply = c.start_assistant("mistral-small-latest", 12.0);
        c.append_delta(reply, "Hi");
        c.append_delta(reply, "!");
        (c, user, reply)
    }

    #[test]
    fn state_names() {
        let states = [
            (MessageState::Streaming, "streaming"),
            (MessageState::Done, "done"),
            (MessageState::Stopped, "stopped"),
            (MessageState::Interrupted, "interrupted"),
            (MessageState::Failed, "error"),
        ];
        for (state, name) in states {
            assert_eq!(state.as_str(), name);
            assert_eq!(
                serde_json::to_string(&state).unwrap(),
                format!("\"{name}\"")
            );
            assert_eq!(
                serde_json::from_str::<MessageState>(&format!("\"{name}\"")).unwrap(),
                state
            );
        }
    }

    #[test]
    fn streaming_lifecycle() {
        let (mut c, user, reply) = conversation_with_reply();
        assert_eq!(c.streaming_id(), Some(reply));
        assert_ne!(user, reply);
        assert!(c.finish(reply, Some(usage(3)), 20.0));
        let m = c.message(reply).unwrap();
        assert_eq!(m.text, "Hi!");
        assert_eq!(m.state, MessageState::Done);
        assert_eq!(m.usage, Some(usage(3)));
        assert_eq!(m.model.as_deref(), Some("mistral-small-latest"));
        assert_eq!(m.finished_ms, Some(20.0));
        assert_eq!(c.updated_ms(), 20.0);
        // Late events for a finished reply are ignored.
        assert!(!c.append_delta(reply, "late"));
        assert!(!c.stop(reply, 21.0));
        assert!(!c.fail(reply, ErrorInfo::new("x", "y", true), 21.0));
        assert_eq!(c.message(reply).unwrap().text, "Hi!");
        assert!(!c.append_delta(999, "x"));
    }

    #[test]
    fn stop_and_fail_keep_partial_text() {
        let (mut c, _, reply) = conversation_with_reply();
        assert!(c.stop(reply, 13.0));
        assert_eq!(c.message(reply).unwrap().state, MessageState::Stopped);
        assert_eq!(c.message(reply).unwrap().text, "Hi!");

        let (mut c, _, reply) = conversation_with_reply();
        let err = ErrorInfo::new("network", "The connection was lost.", true);
        assert!(c.fail(reply, err.clone(), 13.0));
        let m = c.message(reply).unwrap();
        assert_eq!(
            (m.state, m.text.as_str(), m.error.as_ref()),
            (MessageState::Failed, "Hi!", Some(&err))
        );
    }

    #[test]
    fn starting_a_reply_stops_a_streaming_one() {
        let (mut c, _, reply) = conversation_with_reply();
        let second = c.start_assistant("m", 14.0);
        assert_eq!(c.message(reply).unwrap().state, MessageState::Stopped);
        assert_eq!(c.streaming_id(), Some(second));
    }

    #[test]
    fn retry_removes_the_last_reply() {
        let (mut c, user, reply) = conversation_with_reply();
        assert!(!c.retry(), "no retry while streaming");
        c.fail(reply, ErrorInfo::new("server_error", "Oops", true), 13.0);
        assert!(c.retry());
        assert_eq!(c.messages().len(), 1);
        assert_eq!(c.messages()[0].id, user);
        // Retrying again right away still asks for the same message.
        assert!(c.retry());
        let again = c.start_assistant("m", 14.0);
        assert!(again > reply, "ids are never reused");

        let mut empty = Conversation::new("e", 0.0);
        empty.set_greeting("Hello!", 0.0);
        assert!(!empty.retry());
        assert_eq!(empty.messages().len(), 1, "the greeting stays");
    }

    #[test]
    fn edit_user_drops_later_messages() {
        let (mut c, first, reply) = conversation_with_reply();
        c.finish(reply, None, 13.0);
        let second = c.push_user("Second", 14.0);
        let r2 = c.start_assistant("m", 15.0);
        c.append_delta(r2, "partial");
        assert!(c.edit_user(first, "Edited first", 16.0));
        assert_eq!(c.messages().len(), 1);
        assert_eq!(c.messages()[0].text, "Edited first");
        assert_eq!(c.title(), "Edited first");
        assert!(
            !c.append_delta(r2, "late"),
            "the dropped reply ignores late deltas"
        );
        assert!(!c.edit_user(second, "gone", 17.0));
        assert!(!c.edit_user(reply, "not a user message", 17.0));
    }

    #[test]
    fn mark_interrupted() {
        let (mut c, _, reply) = conversation_with_reply();
        assert_eq!(c.mark_interrupted(), 1);
        assert_eq!(c.message(reply).unwrap().state, MessageState::Interrupted);
        assert_eq!(c.mark_interrupted(), 0);
    }

    #[test]
    fn request_messages_rules() {
        let mut c = Conversation::new("c", 0.0);
        c.set_greeting("Hi, how can I help?", 0.0);
        c.push_user("Q1", 1.0);
        let r1 = c.start_assistant("m", 2.0);
        c.append_delta(r1, "A1 partial");
        c.stop(r1, 3.0);
        c.push_user("Q2", 4.0);
        let r2 = c.start_assistant("m", 5.0);
        c.append_delta(r2, "broken");
        c.fail(r2, ErrorInfo::new("network", "lost", true), 6.0);
        c.push_user("Q3", 7.0);
        let r3 = c.start_assistant("m", 8.0);
        c.finish(r3, None, 9.0); // empty reply
        c.push_user("Q4", 10.0);
        c.start_assistant("m", 11.0); // streaming: not sent

        let req = c.request_messages(None);
        let pairs: Vec<(Role, &str)> = req.iter().map(|m| (m.role, m.content.as_str())).collect();
        assert_eq!(
            pairs,
            [
                (Role::User, "Q1"),
                (Role::Assistant, "A1 partial"),
                (Role::User, "Q2\n\nQ3\n\nQ4"),
            ]
        );

        let req = c.request_messages(Some("  Default prompt "));
        assert_eq!(req[0], ChatMessage::system("Default prompt"));
        c.set_system_prompt(Some(" Own prompt "));
        assert_eq!(c.system_prompt(), Some("Own prompt"));
        assert_eq!(
            c.request_messages(Some("Default"))[0],
            ChatMessage::system("Own prompt")
        );
        c.set_system_prompt(Some("  "));
        assert_eq!(c.system_prompt(), None);
        assert_eq!(c.request_messages(Some(" ")).len(), 3);
    }

    #[test]
    fn titles() {
        let mut c = Conversation::new("c", 0.0);
        assert_eq!(c.title(), DEFAULT_TITLE);
        c.push_user(
            "\n\n   How   do I\tsort a   vector in Rust?  \nDetails follow",
            1.0,
        );
        assert_eq!(c.title(), "How do I sort a vector in Rust?");
        c.push_user("second message does not change it", 2.0);
        assert_eq!(c.title(), "How do I sort a vector in Rust?");

        let mut long = Conversation::new("l", 0.0);
        long.push_user(&"é".repeat(100), 1.0);
        assert_eq!(long.title().chars().count(), TITLE_MAX_CHARS);
        assert!(long.title().ends_with('…'));

        c.rename("  My   chat ");
        assert_eq!(c.title(), "My chat");
        assert!(c.title_is_custom());
        let first = c.messages()[0].id;
        c.edit_user(first, "Changed", 3.0);
        assert_eq!(c.title(), "My chat", "a custom title is kept");
        c.rename("");
        assert!(!c.title_is_custom());
        assert_eq!(c.title(), "Changed");
    }

    #[test]
    fn greeting_is_shown_not_sent() {
        let mut c = Conversation::new("c", 0.0);
        c.set_greeting("Hello! Ask me anything.", 0.0);
        assert!(c.is_empty());
        assert_eq!(c.messages().len(), 1);
        assert!(c.messages()[0].local_only);
        c.set_greeting("Bonjour !", 0.0);
        assert_eq!(c.messages().len(), 1);
        assert_eq!(c.messages()[0].text, "Bonjour !");
        c.push_user("Hi", 1.0);
        assert!(!c.is_empty());
        assert_eq!(c.request_messages(None), [ChatMessage::user("Hi")]);
        assert!(!c.to_markdown().contains("Bonjour"));
        assert!(!c.to_plain_text().contains("Bonjour"));
        c.set_greeting("", 2.0);
        assert_eq!(c.messages().len(), 1);
        assert_eq!(c.title(), "Hi");
    }

    #[test]
    fn markdown_and_text_exports() {
        let mut c = Conversation::new("c", 0.0);
        c.set_system_prompt(Some("Be nice."));
        c.push_user("What is **2+2**?", 1.0);
        let r = c.start_assistant("mistral-small-latest", 2.0);
        c.append_delta(r, "It is `4`.");
        c.finish(r, None, 3.0);
        c.push_user("And 3+3?", 4.0);
        let r = c.start_assistant("m", 5.0);
        c.append_delta(r, "Six");
        c.stop(r, 6.0);
        c.push_user("Again", 7.0);
        let r = c.start_assistant("m", 8.0);
        c.fail(
            r,
            ErrorInfo::new("network", "The connection was lost.", true),
            9.0,
        );

        assert_eq!(
            c.to_markdown(),
            "# What is **2+2**?\n\n**System prompt**\n\nBe nice.\n\n**You**\n\nWhat is **2+2**?\n\n\
             **Assistant** (mistral-small-latest)\n\nIt is `4`.\n\n**You**\n\nAnd 3+3?\n\n\
             **Assistant** (m)\n\nSix\n\n_(stopped)_\n\n**You**\n\nAgain\n\n**Assistant** (m)\n\n\
             _(error: The connection was lost.)_\n"
        );
        assert_eq!(
            c.to_plain_text(),
            "System: Be nice.\n\nYou: What is **2+2**?\n\nAssistant: It is `4`.\n\nYou: And 3+3?\n\n\
             Assistant: Six\n(stopped)\n\nYou: Again\n\nAssistant: \n(error: The connection was lost.)\n"
        );
    }

    #[test]
    fn json_export_round_trip() {
        let (mut c, _, reply) = conversation_with_reply();
        c.set_greeting("Hello", 1.0);
        c.finish(reply, Some(usage(7)), 30.0);
        c.rename("Renamed");
        c.set_system_prompt(Some("sys"));
        let json = c.to_json();
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["format"], "tinychat.conversation");
        assert_eq!(value["version"], 1);
        assert_eq!(value["conversation"]["messages"][2]["state"], "done");
        assert_eq!(import_json(&json).unwrap(), c);
    }

    #[test]
    fn import_marks_streaming_interrupted() {
        let (c, _, reply) = conversation_with_reply();
        let imported = import_json(&c.to_json()).unwrap();
        assert_eq!(
            imported.message(reply).unwrap().state,
            MessageState::Interrupted
        );
        assert_eq!(imported.streaming_id(), None);
    }

    fn export_with(f: impl FnOnce(&mut Value)) -> String {
        let (c, _, _) = conversation_with_reply();
        let mut value: Value = serde_json::from_str(&c.to_json()).unwrap();
        f(&mut value);
        value.to_string()
    }

    #[test]
    fn import_rejects_bad_files() {
        let cases: Vec<(String, &str)> = vec![
            ("not json".into(), "This file is not a TinyChat conversation: it is not valid JSON"),
            ("[1,2]".into(), "This file is not a TinyChat conversation export."),
            ("{\"format\":\"other\"}".into(), "This file is not a TinyChat conversation export."),
            (
                export_with(|v| v["version"] = 2.into()),
                "This conversation was exported by a newer version of TinyChat (format version 2); \
                 this version can read version 1.",
            ),
            (export_with(|v| v["version"] = "1".into()), "This conversation file is damaged: its format version"),
            (
                export_with(|v| v["conversation"]["messages"][0]["role"] = "system".into()),
                "This conversation file is damaged: message 1 has the role \"system\"",
            ),
            (
                export_with(|v| v["conversation"]["messages"][0]["role"] = "robot".into()),
                "This conversation file is damaged: unknown variant `robot`",
            ),
            (
                export_with(|v| v["conversation"]["messages"][1]["id"] = 1.into()),
                "This conversation file is damaged: two messages have the same id (1)",
            ),
            (
                export_with(|v| v["conversation"]["messages"][1]["state"] = "weird".into()),
                "This conversation file is damaged: unknown variant `weird`",
            ),
            (
                export_with(|v| {
                    v.as_object_mut().unwrap().remove("conversation");
                }),
                "This conversation file is damaged: it contains no conversation.",
            ),
        ];
        for (json, expected) in cases {
            let err = import_json(&json).unwrap_err();
            assert!(
                err.to_string().starts_with(expected),
                "{err} (expected {expected})"
            );
        }
    }

    #[test]
    fn import_enforces_limits() {
        let big = " ".repeat(MAX_IMPORT_BYTES + 1);
        let err = import_json(&big).unwrap_err();
        assert_eq!(
            err,
            ImportError::TooLarge {
                bytes: MAX_IMPORT_BYTES + 1
            }
        );
        assert_eq!(
            err.to_string(),
            "This file is too large to import (10.0 MB); conversation files are limited to 10 MB."
        );

        let json = export_with(|v| {
            let m = v["conversation"]["messages"][0].clone();
            v["conversation"]["messages"] = Value::Array(vec![m; MAX_IMPORT_MESSAGES + 1]);
        });
        assert_eq!(
            import_json(&json).unwrap_err(),
            ImportError::TooManyMessages {
                count: MAX_IMPORT_MESSAGES + 1,
                max: MAX_IMPORT_MESSAGES
            }
        );
    }

    /// Every object key in `value`, recursively.
    fn keys(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    out.push(k.clone());
                    keys(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }

    #[test]
    fn exports_and_storage_never_hold_a_key() {
        let (mut c, _, reply) = conversation_with_reply();
        c.fail(
            reply,
            ErrorInfo::new("unauthorized", "The API key was rejected.", false),
            5.0,
        );
        c.set_system_prompt(Some("sys"));
        let mut lib = Library::new(0.0);
        lib.import(c.clone(), 1.0);
        for json in [c.to_json(), lib.to_storage_json()] {
            let mut all = Vec::new();
            keys(&serde_json::from_str(&json).unwrap(), &mut all);
            for key in all {
                let k = key.to_ascii_lowercase();
                assert!(
                    !k.contains("key")
                        && !k.contains("auth")
                        && !k.contains("secret")
                        && !k.contains("bearer"),
                    "suspicious field {key}"
                );
            }
        }
    }

    #[test]
    fn error_info_from_api_and_stream_errors() {
        let api = ApiError::from_response(401, &[], "{\"message\":\"Unauthorized\"}");
        let info = ErrorInfo::from(&api);
        assert_eq!(info.kind, "unauthorized");
        assert!(!info.retryable);
        assert_eq!(info.message, api.message());
        let info = ErrorInfo::from(&ApiError::from_response(503, &[], ""));
        assert_eq!((info.kind.as_str(), info.retryable), ("server_error", true));
        let stream = StreamError::Truncated {
            partial: "x".into(),
        };
        let info = ErrorInfo::from(&stream);
        assert_eq!((info.kind.as_str(), info.retryable), ("stream", true));
    }

    #[test]
    fn library_basics() {
        let mut lib = Library::new(1_000.0);
        let first = lib.current_id().to_owned();
        // An empty current conversation is reused.
        assert_eq!(lib.new_conversation(1_500.0), first);
        lib.current_mut().push_user("First", 2_000.0);
        let second = lib.new_conversation(3_000.0);
        assert_ne!(first, second);
        assert_eq!(lib.current_id(), second);
        lib.current_mut().push_user("Second", 3_000.0);
        let third = lib.new_conversation(4_000.0);
        lib.current_mut().push_user("Third", 4_000.0);

        let list = lib.list();
        let ids: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, [third.as_str(), second.as_str(), first.as_str()]);
        assert_eq!(list[0].title, "Third");
        assert_eq!(list[0].message_count, 1);

        assert!(lib.switch(&first));
        assert_eq!(lib.current().title(), "First");
        assert!(!lib.switch("nope"));
        assert!(lib.rename(&second, "Named"));
        assert_eq!(lib.get(&second).unwrap().title(), "Named");
        assert!(!lib.rename("nope", "x"));

        // Deleting the current conversation switches to the most recently updated one.
        assert!(lib.delete(&first, 5_000.0));
        assert_eq!(lib.current_id(), third);
        assert!(lib.delete(&second, 5_000.0));
        assert_eq!(lib.current_id(), third);
        assert!(lib.delete(&third, 5_000.0));
        assert_eq!(lib.iter().count(), 1);
        assert!(lib.current().is_empty());
        assert!(![first, second, third].contains(&lib.current_id().to_owned()));
        assert!(!lib.delete("nope", 0.0));
    }

    #[test]
    fn library_delete_before_current_keeps_current() {
        let mut lib = Library::new(0.0);
        let a = lib.current_id().to_owned();
        lib.current_mut().push_user("a", 1.0);
        let b = lib.new_conversation(2.0);
        lib.current_mut().push_user("b", 2.0);
        assert!(lib.delete(&a, 3.0));
        assert_eq!(lib.current_id(), b);
    }

    #[test]
    fn library_import_gets_fresh_id() {
        let mut lib = Library::new(0.0);
        let existing = lib.current_id().to_owned();
        let mut c = Conversation::new(existing.clone(), 0.0);
        c.push_user("imported", 1.0);
        let id = lib.import(c.clone(), 2.0);
        assert_ne!(id, existing);
        assert_eq!(lib.current_id(), id);
        assert_eq!(lib.current().messages(), c.messages());
        let id2 = lib.import(c, 2.0);
        assert_ne!(id, id2);
    }

    #[test]
    fn storage_round_trip_and_interrupted() {
        let mut lib = Library::new(0.0);
        lib.current_mut().push_user("Hello", 1.0);
        let r = lib.current_mut().start_assistant("m", 2.0);
        lib.current_mut().append_delta(r, "partial");
        let other = lib.new_conversation(3.0);
        lib.current_mut().push_user("Other", 4.0);
        lib.switch(&other);
        let json = lib.to_storage_json();
        assert!(json.starts_with("{\"schema\":1,"));
        let (loaded, warnings) = Library::from_storage_json(&json, 10.0).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(loaded.current_id(), other);
        let first = loaded.iter().next().unwrap();
        assert_eq!(first.message(r).unwrap().state, MessageState::Interrupted);
        assert_eq!(first.message(r).unwrap().text, "partial");
        // New ids keep being unique after a reload.
        let mut loaded = loaded;
        let id = loaded.new_conversation(11.0);
        assert_eq!(loaded.iter().filter(|c| c.id() == id).count(), 1);
    }

    #[test]
    fn storage_salvages_what_it_can() {
        let mut lib = Library::new(0.0);
        lib.current_mut().push_user("Keep me", 1.0);
        let good = lib.current_id().to_owned();
        let mut value: Value = serde_json::from_str(&lib.to_storage_json()).unwrap();
        let good_entry = value["conversations"][0].clone();
        let mut damaged = good_entry.clone();
        damaged["id"] = "damaged".into();
        damaged["title"] = "Damaged".into();
        damaged["messages"] = serde_json::json!([
            {"id": 1, "role": "user", "text": "ok", "state": "done", "created_ms": 1.0},
            {"id": 2, "role": "user", "text": 42, "state": "done", "created_ms": 1.0},
            {"id": 1, "role": "assistant", "text": "dup id", "state": "streaming", "created_ms": 2.0},
            {"id": 4, "role": "system", "text": "sys", "state": "done", "created_ms": 2.0},
        ]);
        damaged.as_object_mut().unwrap().remove("updated_ms");
        let mut duplicate = good_entry.clone();
        duplicate["title"] = "Duplicate".into();
        value["conversations"] = serde_json::json!([good_entry, 17, damaged, duplicate, "x"]);
        let (loaded, warnings) = Library::from_storage_json(&value.to_string(), 5.0).unwrap();
        let titles: Vec<&str> = loaded.iter().map(Conversation::title).collect();
        assert_eq!(titles, ["Keep me", "Damaged", "Duplicate"]);
        assert_eq!(loaded.current_id(), good);
        let damaged = loaded.get("damaged").unwrap();
        let texts: Vec<&str> = damaged.messages().iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["ok", "dup id"]);
        assert_eq!(damaged.messages()[1].state, MessageState::Interrupted);
        assert_ne!(damaged.messages()[0].id, damaged.messages()[1].id);
        let messages: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 6, "{messages:#?}");
        assert!(messages[0].starts_with("Saved conversation #2 could not be read and was skipped"));
        assert!(messages
            .iter()
            .any(|m| m.starts_with("Message #2 of the saved conversation \"Damaged\"")));
        assert!(messages.iter().any(|m| m.contains("renumbered")));
        assert!(messages.iter().any(|m| m.contains("system role")));
        assert!(messages
            .iter()
            .any(|m| m.contains("\"Duplicate\" was repaired: its id was already used")));
        assert!(messages
            .iter()
            .any(|m| m.starts_with("Saved conversation #5")));
    }

    #[test]
    fn storage_errors_and_migration() {
        assert!(matches!(
            Library::from_storage_json("{", 0.0),
            Err(LoadError::NotJson { .. })
        ));
        assert_eq!(
            Library::from_storage_json("[]", 0.0).unwrap_err(),
            LoadError::NotLibrary
        );
        assert_eq!(
            Library::from_storage_json("{\"schema\":1,\"conversations\":5}", 0.0).unwrap_err(),
            LoadError::NotLibrary
        );
        let err =
            Library::from_storage_json("{\"schema\":2,\"conversations\":[]}", 0.0).unwrap_err();
        assert_eq!(
            err,
            LoadError::UnsupportedSchema {
                found: 2,
                supported: 1
            }
        );
        assert!(err.to_string().contains("newer version of TinyChat"));
        assert_eq!(
            Library::from_storage_json("{\"schema\":\"x\"}", 0.0).unwrap_err(),
            LoadError::NotLibrary
        );
        // Empty or schema-less data still gives a usable library.
        let (lib, warnings) = Library::from_storage_json("{}", 7.0).unwrap();
        assert!(warnings.is_empty());
        assert!(lib.current().is_empty());
        assert_eq!(lib.current().created_ms(), 7.0);
        assert_eq!(
            migrate(serde_json::json!({"schema": 1})).unwrap(),
            serde_json::json!({"schema": 1})
        );
    }

    #[test]
    fn settings_json() {
        let defaults = Settings::from_options(&WidgetOptions {
            api_base: "/proxy".into(),
            model: "open-mistral-nemo".into(),
            temperature: Some(0.3),
            ..WidgetOptions::default()
        });
        let s = Settings {
            api_base: "https://api.mistral.ai".into(),
            model: "mistral-large-latest".into(),
            temperature: Some(0.7),
            max_tokens: Some(256),
            system_prompt: Some("Be brief".into()),
            remember_key: true,
        };
        assert_eq!(Settings::from_json(&s.to_json(), &defaults), s);
        assert!(!s.to_json().contains("\"key\""));

        // Missing fields come from the defaults; null means unset.
        assert_eq!(Settings::from_json("{}", &defaults), defaults);
        assert_eq!(Settings::from_json("garbage", &defaults), defaults);
        let partial = Settings::from_json(
            "{\"model\":\"codestral-latest\",\"temperature\":null,\"max_tokens\":-3,\"api_base\":\"javascript:x\",\"remember_key\":\"yes\",\"extra\":1}",
            &defaults,
        );
        assert_eq!(
            partial,
            Settings {
                model: "codestral-latest".into(),
                temperature: None,
                ..defaults.clone()
            }
        );
        let bad_temp = Settings::from_json("{\"temperature\":9}", &defaults);
        assert_eq!(bad_temp.temperature, Some(0.3));
        assert_eq!(Settings::default().model, "mistral-small-latest");
    }

    // ---- property tests ----

    fn arb_state() -> impl Strategy<Value = MessageState> {
        prop_oneof![
            Just(MessageState::Streaming),
            Just(MessageState::Done),
            Just(MessageState::Stopped),
            Just(MessageState::Interrupted),
            Just(MessageState::Failed),
        ]
    }

    fn arb_time() -> impl Strategy<Value = f64> {
        (0u64..(1 << 53)).prop_map(|t| t as f64)
    }

    prop_compose! {
        fn arb_message()(
            assistant in any::<bool>(),
            text in any::<String>(),
            state in arb_state(),
            usage in proptest::option::of(any::<(u32, u32, u32)>()),
            model in proptest::option::of("\\PC{0,30}"),
            created_ms in arb_time(),
            finished_ms in proptest::option::of(arb_time()),
            error in proptest::option::of((any::<String>(), any::<String>(), any::<bool>())),
            local_only in any::<bool>(),
        ) -> Message {
            Message {
                id: 0,
                role: if assistant { Role::Assistant } else { Role::User },
                text,
                state,
                usage: usage.map(|(p, c, t)| Usage { prompt_tokens: p, completion_tokens: c, total_tokens: t }),
                model,
                created_ms,
                finished_ms,
                error: error.map(|(kind, message, retryable)| ErrorInfo { kind, message, retryable }),
                local_only,
            }
        }
    }

    prop_compose! {
        fn arb_conversation()(
            id in "\\PC{1,20}",
            title in "\\S\\PC{0,59}",
            title_is_custom in any::<bool>(),
            system_prompt in proptest::option::of(any::<String>()),
            messages in proptest::collection::vec((arb_message(), 1u64..5), 0..12),
            created_ms in arb_time(),
            updated_ms in arb_time(),
        ) -> Conversation {
            let mut next = 0;
            let messages: Vec<Message> = messages
                .into_iter()
                .map(|(mut m, gap)| {
                    next += gap;
                    m.id = next;
                    m
                })
                .collect();
            Conversation {
                id,
                title,
                title_is_custom,
                system_prompt,
                messages,
                created_ms,
                updated_ms,
                next_id: next + 1,
            }
        }
    }

    fn interrupted(mut c: Conversation) -> Conversation {
        c.mark_interrupted();
        c
    }

    proptest! {
        #[test]
        fn export_import_round_trip(conv in arb_conversation()) {
            let imported = import_json(&conv.to_json()).unwrap();
            prop_assert_eq!(imported, interrupted(conv));
        }

        #[test]
        fn storage_round_trip(convs in proptest::collection::vec(arb_conversation(), 1..5), pick in any::<prop::sample::Index>()) {
            let mut lib = Library { conversations: Vec::new(), current: 0, counter: 0 };
            for mut conv in convs {
                conv.id = lib.fresh_id(conv.created_ms);
                lib.conversations.push(conv);
            }
            lib.current = pick.index(lib.conversations.len());
            let (loaded, warnings) = Library::from_storage_json(&lib.to_storage_json(), 0.0).unwrap();
            prop_assert!(warnings.is_empty(), "{:?}", warnings);
            let mut expected = lib.clone();
            expected.conversations.iter_mut().for_each(|c| { c.mark_interrupted(); });
            prop_assert_eq!(loaded, expected);
        }

        #[test]
        fn markdown_and_text_exports_never_panic(conv in arb_conversation()) {
            let md = conv.to_markdown();
            prop_assert!(md.starts_with("# "));
            let _ = conv.to_plain_text();
        }

        /// Random operation sequences keep the invariants: ids unique, at most one reply
        /// streaming, and requests contain neither the greeting nor failed or streaming replies.
        #[test]
        fn operations_keep_invariants(ops in proptest::collection::vec((0u8..9, any::<String>(), any::<u8>()), 0..40)) {
            let mut c = Conversation::new("c", 0.0);
            let mut now = 0.0;
            for (op, text, pick) in ops {
                now += 1.0;
                let any_id = c.messages().get(usize::from(pick) % c.messages().len().max(1)).map_or(0, |m| m.id);
                match op {
                    0 => { c.push_user(&text, now); }
                    1 => { c.start_assistant("m", now); }
                    2 => { if let Some(id) = c.streaming_id() { c.append_delta(id, &text); } }
                    3 => { c.finish(any_id, None, now); }
                    4 => { c.stop(any_id, now); }
                    5 => { c.fail(any_id, ErrorInfo::new("x", text, true), now); }
                    6 => { c.retry(); }
                    7 => { c.edit_user(any_id, &text, now); }
                    _ => c.set_greeting(&text, now),
                }
                let ids: HashSet<u64> = c.messages().iter().map(|m| m.id).collect();
                prop_assert_eq!(ids.len(), c.messages().len());
                prop_assert!(c.messages().iter().filter(|m| m.state == MessageState::Streaming).count() <= 1);
                prop_assert!(c.messages().iter().filter(|m| m.local_only).count() <= 1);
                let sendable = c.messages().iter().filter(|m| m.is_sendable()).count();
                let req = c.request_messages(None);
                prop_assert!(req.len() <= sendable);
                prop_assert!(req.windows(2).all(|w| w[0].role != w[1].role));
            }
        }
    }
}
