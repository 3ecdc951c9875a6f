//! [`Conversation`]: one conversation's messages, title and system prompt, and their lifecycle.

use serde::{Deserialize, Serialize};

use super::message::{ErrorInfo, Feedback, Image, Message, MessageState};
use super::time::{clean_time, millis};
use super::{DEFAULT_TITLE, MAX_IMAGES_PER_REQUEST, RENAME_MAX_CHARS, TITLE_MAX_CHARS};
use crate::mistral::{ChatMessage, Role, Source, ToolInvocation, ToolOutcome, Usage, WireToolCall};
use crate::text::{is_http_url, is_image_data_url, one_line};

/// Appends a message of `role`, merged into the last one when it has the same role and is
/// plain text (the API expects turns to alternate).
fn push_merged(out: &mut Vec<ChatMessage>, role: Role, text: &str) {
    match out.last_mut() {
        Some(last)
            if last.role == role
                && last.tool_calls.is_empty()
                && last.thinking.is_none()
                && last.images.is_empty()
                && role != Role::Tool =>
        {
            last.content.push_str("\n\n");
            last.content.push_str(text);
        }
        _ => out.push(ChatMessage::new(role, text.to_owned())),
    }
}

/// Whether `b` can be merged into `a`: same role, both plain text.
fn mergeable(a: &ChatMessage, b: &ChatMessage) -> bool {
    let plain = |m: &ChatMessage| {
        m.tool_calls.is_empty()
            && m.thinking.is_none()
            && m.images.is_empty()
            && m.role != Role::Tool
    };
    a.role == b.role && plain(a) && plain(b)
}

/// Removes every tool round (the reply that asked, and its results) that is followed by a
/// user message instead of the model's continuation: Mistral refuses a `user` message right
/// after a `tool` one ("Unexpected role 'user' after role 'tool'"). That happens when the
/// continuation was stopped before any text, failed, or was interrupted by a reload. A round
/// that ends the request stays: the continuation is what is being asked for.
fn drop_unfinished_rounds(out: &mut Vec<ChatMessage>) {
    let mut i = 0;
    while i < out.len() {
        if out[i].role == Role::Assistant && !out[i].tool_calls.is_empty() {
            let end = (i + 1..out.len())
                .find(|&j| out[j].role != Role::Tool)
                .unwrap_or(out.len());
            if end < out.len() && out[end].role != Role::Assistant {
                out.drain(i..end);
                // The messages around the round may now be two turns of one role: merge them,
                // as the history does elsewhere.
                if i > 0 && mergeable(&out[i - 1], &out[i]) {
                    let next = out.remove(i);
                    out[i - 1].content.push_str("\n\n");
                    out[i - 1].content.push_str(&next.content);
                }
                continue;
            }
            i = end;
        } else {
            i += 1;
        }
    }
}

/// Keeps the newest [`MAX_IMAGES_PER_REQUEST`] images of a request (Mistral refuses more):
/// older ones are dropped from the history, their messages keep their text.
fn limit_images(out: &mut [ChatMessage]) {
    let mut seen = 0;
    for m in out.iter_mut().rev() {
        let keep = MAX_IMAGES_PER_REQUEST
            .saturating_sub(seen)
            .min(m.images.len());
        let drop = m.images.len() - keep;
        m.images.drain(..drop);
        seen += m.images.len();
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
    pub(super) id: String,
    pub(super) title: String,
    #[serde(default)]
    pub(super) title_is_custom: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) system_prompt: Option<String>,
    pub(super) messages: Vec<Message>,
    #[serde(with = "millis")]
    pub(super) created_ms: f64,
    #[serde(with = "millis")]
    pub(super) updated_ms: f64,
    /// Next message id; ids are never reused.
    #[serde(default)]
    pub(super) next_id: u64,
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

    /// The conversation's id (unique within its [`Library`](super::Library)).
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

    /// Records the visitor's feedback on a finished assistant reply (`None` clears it). Returns
    /// false if `id` is not such a reply.
    pub fn set_feedback(&mut self, id: u64, feedback: Option<Feedback>) -> bool {
        match self.message_mut(id) {
            Some(m)
                if m.role == Role::Assistant
                    && !m.local_only
                    && m.state != MessageState::Streaming =>
            {
                m.feedback = feedback;
                true
            }
            _ => false,
        }
    }

    /// The id the next message will get.
    pub fn next_message_id(&self) -> u64 {
        self.next_id.max(1)
    }

    /// The id of the reply currently streaming, if any.
    pub fn streaming_id(&self) -> Option<u64> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.state == MessageState::Streaming)
            .map(|m| m.id)
    }

    pub(super) fn touch(&mut self, now_ms: f64) {
        self.updated_ms = clean_time(now_ms);
    }

    pub(super) fn take_id(&mut self) -> u64 {
        let id = self.next_id.max(1);
        self.next_id = id + 1;
        id
    }

    pub(super) fn message_mut(&mut self, id: u64) -> Option<&mut Message> {
        // The message being streamed is almost always the last one: O(1) in practice.
        self.messages.iter_mut().rev().find(|m| m.id == id)
    }

    pub(super) fn refresh_title(&mut self) {
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
                        finished_ms: Some(now),
                        local_only: true,
                        ..Message::new(
                            id,
                            Role::Assistant,
                            text.to_owned(),
                            MessageState::Done,
                            now,
                        )
                    },
                );
            }
        }
    }

    /// Add a user message with attached images; returns its id.
    pub fn push_user_with_images(&mut self, text: &str, images: Vec<Image>, now_ms: f64) -> u64 {
        let id = self.push_user(text, now_ms);
        if let Some(m) = self.message_mut(id) {
            m.images = images;
        }
        id
    }

    /// Add a user message; returns its id. The first user message sets the automatic title.
    pub fn push_user(&mut self, text: &str, now_ms: f64) -> u64 {
        let id = self.take_id();
        self.messages.push(Message::new(
            id,
            Role::User,
            text.to_owned(),
            MessageState::Done,
            clean_time(now_ms),
        ));
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
        let mut m = Message::new(
            id,
            Role::Assistant,
            String::new(),
            MessageState::Streaming,
            clean_time(now_ms),
        );
        m.model = (!model.is_empty()).then(|| model.to_owned());
        self.messages.push(m);
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

    /// Append streamed reasoning to reply `id` (O(`delta`)). Returns false if it is not a
    /// streaming reply.
    pub fn append_thinking(&mut self, id: u64, delta: &str) -> bool {
        match self.message_mut(id) {
            Some(m) if m.state == MessageState::Streaming => {
                m.thinking.push_str(delta);
                true
            }
            _ => false,
        }
    }

    /// The answer of reply `id` started after its thinking: records how long the model
    /// thought (once). Returns whether it was recorded now.
    pub fn end_thinking(&mut self, id: u64, now_ms: f64) -> bool {
        match self.message_mut(id) {
            Some(m) if !m.thinking.is_empty() && m.thought_ms.is_none() => {
                m.thought_ms = Some((clean_time(now_ms) - m.created_ms).max(0.0));
                true
            }
            _ => false,
        }
    }

    /// Adds a cited source to streaming reply `id`, unless it already has it (same URL, or
    /// same title without URL). Returns whether it was added.
    pub fn add_source(&mut self, id: u64, source: Source) -> bool {
        match self.message_mut(id) {
            Some(m) if m.state == MessageState::Streaming => {
                let known = m.sources.iter().any(|s| match (&s.url, &source.url) {
                    (Some(a), Some(b)) => a == b,
                    (None, None) => s.title == source.title,
                    _ => false,
                });
                if !known {
                    m.sources.push(source);
                }
                !known
            }
            _ => false,
        }
    }

    /// Cites the documents `ids` in streaming reply `id`: Mistral's citation format
    /// (<https://docs.mistral.ai/capabilities/citations/>) has a tool return its documents as a
    /// JSON object keyed by id (`{"0": {"url", "title", …}}`, or a list of objects with an
    /// `id`), and the reply cite them with `{"type": "reference", "reference_ids": [0]}`. The
    /// documents are looked up in the tool results since the last user message; each found
    /// becomes a source (http(s) links only). Returns how many sources were added.
    pub fn cite(&mut self, id: u64, ids: &[String]) -> usize {
        let documents: Vec<serde_json::Value> = self
            .messages
            .iter()
            .rev()
            .take_while(|m| m.role != Role::User)
            .filter(|m| m.role == Role::Tool && !m.tool_failed)
            .filter_map(|m| serde_json::from_str(&m.text).ok())
            .collect();
        let find = |wanted: &str| {
            documents.iter().find_map(|doc| match doc {
                serde_json::Value::Object(map) => map.get(wanted).cloned(),
                serde_json::Value::Array(list) => list
                    .iter()
                    .find(|d| match d.get("id") {
                        Some(serde_json::Value::String(s)) => s == wanted,
                        Some(serde_json::Value::Number(n)) => n.to_string() == wanted,
                        _ => false,
                    })
                    .cloned(),
                _ => None,
            })
        };
        let mut added = 0;
        for wanted in ids {
            let Some(doc) = find(wanted) else { continue };
            let field = |k: &str| {
                doc.get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .trim()
                    .to_owned()
            };
            let url = Some(field("url")).filter(|u| is_http_url(u));
            let mut title = one_line(&field("title"), 300);
            if title.is_empty() {
                title = one_line(&field("source"), 300);
            }
            if title.is_empty() && url.is_none() {
                continue;
            }
            let source = Source {
                title,
                url,
                tool: "reference".to_owned(),
            };
            if self.add_source(id, source) {
                added += 1;
            }
        }
        added
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
        if !m.thinking.is_empty() && m.thought_ms.is_none() {
            m.thought_ms = Some((now - m.created_ms).max(0.0));
        }
        if usage.is_some() {
            m.usage = usage;
        }
        m.error = error;
        self.touch(now_ms);
        true
    }

    /// Records the tool calls streaming reply `id` asked for (it stays streaming; finish it
    /// next). Returns false if `id` is not streaming.
    pub fn set_tool_calls(&mut self, id: u64, calls: Vec<ToolInvocation>) -> bool {
        match self.message_mut(id) {
            Some(m) if m.state == MessageState::Streaming && m.role == Role::Assistant => {
                m.tool_calls = calls;
                true
            }
            _ => false,
        }
    }

    /// Starts the [`Role::Tool`] message answering `call`, in state
    /// [`MessageState::Streaming`] while the page's handler runs; returns its id.
    pub fn start_tool(&mut self, call: ToolInvocation, now_ms: f64) -> u64 {
        let id = self.take_id();
        let mut m = Message::new(
            id,
            Role::Tool,
            String::new(),
            MessageState::Streaming,
            clean_time(now_ms),
        );
        m.tool_call = Some(call);
        self.messages.push(m);
        self.touch(now_ms);
        id
    }

    /// Ends tool message `id` with the handler's `outcome`. Returns false if it was not
    /// running.
    pub fn finish_tool(&mut self, id: u64, outcome: ToolOutcome, now_ms: f64) -> bool {
        match self.message_mut(id) {
            Some(m) if m.state == MessageState::Streaming && m.role == Role::Tool => {
                m.text = outcome.content;
                m.tool_failed = outcome.failed;
            }
            _ => return false,
        }
        self.end(id, MessageState::Done, None, None, now_ms)
    }

    /// The tool rounds since the last user message: how many replies asked for tools.
    pub fn tool_rounds(&self) -> usize {
        self.messages
            .iter()
            .rev()
            .take_while(|m| m.role != Role::User)
            .filter(|m| m.role == Role::Assistant && !m.tool_calls.is_empty())
            .count()
    }

    /// Prepare to ask again: remove the trailing assistant replies (failed, stopped or done)
    /// and tool results so that the next request re-asks the last user message. Returns whether a request
    /// should be sent, i.e. the conversation now ends with a user message. Returns false and
    /// changes nothing while a reply is streaming (stop it first).
    pub fn retry(&mut self) -> bool {
        if self.streaming_id().is_some() {
            return false;
        }
        while self
            .messages
            .last()
            .is_some_and(|m| matches!(m.role, Role::Assistant | Role::Tool) && !m.local_only)
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
        let sendable: Vec<&Message> = self.messages.iter().filter(|m| m.is_sendable()).collect();
        let mut answered: Vec<&str> = Vec::new();
        for (i, m) in sendable.iter().enumerate() {
            match m.role {
                Role::Assistant if !m.tool_calls.is_empty() => {
                    // Only calls whose results follow (a stop may have cut a round short):
                    // Mistral refuses a call without its answer.
                    let results: Vec<&str> = sendable[i + 1..]
                        .iter()
                        .take_while(|r| r.role == Role::Tool)
                        .filter_map(|r| r.tool_call.as_ref().map(|c| c.id.as_str()))
                        .collect();
                    let calls: Vec<WireToolCall> = m
                        .tool_calls
                        .iter()
                        .filter(|c| results.contains(&c.id.as_str()))
                        .map(WireToolCall::from)
                        .collect();
                    if calls.is_empty() {
                        if !m.text.trim().is_empty() {
                            push_merged(&mut out, m.role, &m.text);
                        }
                        continue;
                    }
                    answered = m
                        .tool_calls
                        .iter()
                        .map(|c| c.id.as_str())
                        .filter(|id| results.contains(id))
                        .collect();
                    let mut wire = ChatMessage::assistant(m.text.clone());
                    wire.tool_calls = calls;
                    wire.thinking = Some(m.thinking.clone()).filter(|t| !t.is_empty());
                    out.push(wire);
                }
                Role::Tool => {
                    if let Some(call) = m
                        .tool_call
                        .as_ref()
                        .filter(|c| answered.contains(&c.id.as_str()))
                    {
                        answered.retain(|id| *id != call.id);
                        out.push(ChatMessage::tool(call, m.text.clone()));
                    }
                }
                Role::User if !m.images.is_empty() => {
                    answered.clear();
                    let mut wire = ChatMessage::user(m.text.clone());
                    wire.images = m.images.iter().map(|i| i.data_url.clone()).collect();
                    out.push(wire);
                }
                Role::Assistant if !m.thinking.is_empty() => {
                    answered.clear();
                    let mut wire = ChatMessage::assistant(m.text.clone());
                    wire.thinking = Some(m.thinking.clone());
                    out.push(wire);
                }
                _ => {
                    answered.clear();
                    push_merged(&mut out, m.role, &m.text);
                }
            }
        }
        drop_unfinished_rounds(&mut out);
        limit_images(&mut out);
        out
    }

    /// Restore invariants after deserialization: next id past every id, times clean,
    /// nothing streaming.
    pub(super) fn normalize(&mut self) {
        let max_id = self.messages.iter().map(|m| m.id).max().unwrap_or(0);
        self.next_id = self.next_id.max(max_id.saturating_add(1)).max(1);
        self.created_ms = clean_time(self.created_ms);
        self.updated_ms = clean_time(self.updated_ms);
        for m in &mut self.messages {
            m.created_ms = clean_time(m.created_ms);
            m.finished_ms = m.finished_ms.map(clean_time);
            // Imported or stored data is not trusted: a source links only to http(s), an image
            // is only a data URL of an image type Mistral takes (nothing is fetched from it).
            for source in &mut m.sources {
                if source.url.as_deref().is_some_and(|u| !is_http_url(u)) {
                    source.url = None;
                }
            }
            m.images.retain(|i| is_image_data_url(&i.data_url));
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
